package rollout

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// FargateService is a Fargate service with a canary lane, as berth plan
// finds it in the stack's program: two ECS services, each behind its own
// target group on one listener (docs/rollouts.md).
type FargateService struct {
	// Region is the AWS region, "us-east-1".
	Region string
	// Cluster is the ECS cluster's name or ARN.
	Cluster string
	// Stable and Canary are the ECS service names of the two lanes.
	Stable, Canary string
	// CanaryPercent is the canary lane's weight on the listener, from the
	// stack's configuration (rollout.canary.percent, 0 when aborted): the
	// weights are what the stack sets.
	CanaryPercent int
}

// fargate reads the lanes from ECS and their target groups' counts from
// CloudWatch.
type fargate struct {
	svc    FargateService
	ecs    *ecs.Client
	cw     *cloudwatch.Client
	groups map[Role]string // target group ARN suffixes
}

var _ Metrics = (*fargate)(nil)

// NewFargate returns the Metrics of a Fargate service's two lanes, with
// the AWS SDK's default credentials (environment, shared config and
// profiles, SSO, the container or instance role). They need
// ecs:DescribeServices on both services, and cloudwatch:ListMetrics and
// cloudwatch:GetMetricData (which take no resource).
func NewFargate(ctx context.Context, s FargateService) (Metrics, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(s.Region))
	if err != nil {
		return nil, fmt.Errorf("loading AWS credentials: %w", err)
	}
	return &fargate{svc: s, ecs: ecs.NewFromConfig(cfg), cw: cloudwatch.NewFromConfig(cfg), groups: map[Role]string{}}, nil
}

func (f *fargate) Service() string { return Target{Fargate: &f.svc}.String() }

// Releases describes both lanes (ecs:DescribeServices): each runs its
// service's task definition; the canary serves since its lane's PRIMARY
// deployment, the one that rolled that task definition out, was created.
func (f *fargate) Releases(ctx context.Context) (Releases, error) {
	out, err := f.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String(f.svc.Cluster),
		Services: []string{f.svc.Stable, f.svc.Canary},
	})
	if err != nil {
		return Releases{}, fmt.Errorf("describing ECS services %s and %s: %w", f.svc.Stable, f.svc.Canary, err)
	}
	lanes, err := fargateLanes(out, f.svc)
	if err != nil {
		return Releases{}, err
	}
	for _, r := range []Role{Stable, Canary} {
		f.groups[r] = lanes[r].group
	}
	share := f.svc.CanaryPercent
	return Releases{
		Stable:      Release{Name: lanes[Stable].taskDefinition, Percent: 100 - share},
		Canary:      Release{Name: lanes[Canary].taskDefinition, Percent: share},
		CanarySince: lanes[Canary].since,
	}, nil
}

// lane is what DescribeServices says of one lane.
type lane struct {
	taskDefinition string
	since          time.Time
	group          string // the target group's ARN suffix, "targetgroup/NAME/ID"
}

// fargateLanes reads both lanes from a DescribeServices answer.
func fargateLanes(out *ecs.DescribeServicesOutput, s FargateService) (map[Role]lane, error) {
	var problems []string
	for _, fl := range out.Failures {
		problems = append(problems, fmt.Sprintf("%s: %s", aws.ToString(fl.Arn), aws.ToString(fl.Reason)))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("describing ECS services: %s", strings.Join(problems, "; "))
	}
	lanes := map[Role]lane{}
	for _, svc := range out.Services {
		role := Stable
		switch aws.ToString(svc.ServiceName) {
		case s.Canary:
			role = Canary
		case s.Stable:
		default:
			continue
		}
		l := lane{taskDefinition: aws.ToString(svc.TaskDefinition)}
		for _, d := range svc.Deployments {
			if aws.ToString(d.Status) == "PRIMARY" && d.CreatedAt != nil {
				l.since = *d.CreatedAt
			}
		}
		if len(svc.LoadBalancers) == 0 || svc.LoadBalancers[0].TargetGroupArn == nil {
			return nil, fmt.Errorf("ECS service %s has no target group", aws.ToString(svc.ServiceName))
		}
		l.group = arnSuffix(aws.ToString(svc.LoadBalancers[0].TargetGroupArn))
		lanes[role] = l
	}
	for _, r := range []Role{Stable, Canary} {
		if _, ok := lanes[r]; !ok {
			return nil, fmt.Errorf("ECS did not describe the %s lane's service", r)
		}
	}
	return lanes, nil
}

// arnSuffix is the part of an Elastic Load Balancing ARN that CloudWatch
// dimensions hold: "targetgroup/NAME/ID" of
// "arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID".
func arnSuffix(arn string) string {
	if i := strings.LastIndexByte(arn, ':'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// Counts sums the lane's target group's RequestCount and
// HTTPCode_Target_5XX_Count (namespace AWS/ApplicationELB, dimensions
// TargetGroup and LoadBalancer, per minute) from start to end
// (cloudwatch:GetMetricData). The load balancer dimension is found with
// cloudwatch:ListMetrics: a target group without metrics in the last two
// weeks, which ListMetrics does not list, answered no requests.
func (f *fargate) Counts(ctx context.Context, r Role, start, end time.Time) (Counts, error) {
	group := f.groups[r]
	if group == "" {
		return Counts{}, errors.New("the lanes are not known yet: call Releases first")
	}
	lb, err := f.loadBalancer(ctx, group)
	if err != nil || lb == "" {
		return Counts{}, err
	}
	dims := []cwtypes.Dimension{{Name: aws.String("TargetGroup"), Value: aws.String(group)}, {Name: aws.String("LoadBalancer"), Value: aws.String(lb)}}
	query := func(id, metric string) cwtypes.MetricDataQuery {
		return cwtypes.MetricDataQuery{Id: aws.String(id), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String("AWS/ApplicationELB"), MetricName: aws.String(metric), Dimensions: dims},
			Period: aws.Int32(60), Stat: aws.String("Sum"),
		}}
	}
	in := &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(start),
		EndTime:   aws.Time(end),
		MetricDataQueries: []cwtypes.MetricDataQuery{
			query("requests", "RequestCount"), query("errors", "HTTPCode_Target_5XX_Count"),
			query("ok2", "HTTPCode_Target_2XX_Count"), query("ok3", "HTTPCode_Target_3XX_Count"), query("ok4", "HTTPCode_Target_4XX_Count"),
		},
	}
	var sums map[string]int64
	p := cloudwatch.NewGetMetricDataPaginator(f.cw, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return Counts{}, fmt.Errorf("reading the metrics of %s: %w", group, err)
		}
		sums = addResults(sums, page.MetricDataResults)
	}
	return laneCounts(sums), nil
}

// addResults adds the sums GetMetricData returned for each query to sums,
// by query ID.
func addResults(sums map[string]int64, results []cwtypes.MetricDataResult) map[string]int64 {
	if sums == nil {
		sums = map[string]int64{}
	}
	for _, r := range results {
		var n float64
		for _, v := range r.Values {
			n += v
		}
		sums[aws.ToString(r.Id)] += int64(n + 0.5)
	}
	return sums
}

// laneCounts is a lane's requests and failures from its sums. RequestCount
// counts every request the load balancer sent to a target, while the
// HTTPCode_Target_*_Count metrics count only the codes the targets
// themselves answered ("CloudWatch metrics for your Application Load
// Balancer"): a request a target dropped, refused or did not answer in
// time is answered by the load balancer (502, 504) and appears in no
// target code. So a failure is a target's 5xx or a request no target
// answered with 2xx, 3xx or 4xx, whichever count is larger.
func laneCounts(sums map[string]int64) Counts {
	c := Counts{Requests: sums["requests"], Errors: sums["errors"]}
	if unanswered := c.Requests - sums["ok2"] - sums["ok3"] - sums["ok4"]; unanswered > c.Errors {
		c.Errors = unanswered
	}
	return c
}

// loadBalancer finds the LoadBalancer dimension ("app/NAME/ID") that the
// target group's RequestCount is reported with; "" when CloudWatch lists
// none.
func (f *fargate) loadBalancer(ctx context.Context, group string) (string, error) {
	p := cloudwatch.NewListMetricsPaginator(f.cw, &cloudwatch.ListMetricsInput{
		Namespace:  aws.String("AWS/ApplicationELB"),
		MetricName: aws.String("RequestCount"),
		Dimensions: []cwtypes.DimensionFilter{{Name: aws.String("TargetGroup"), Value: aws.String(group)}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("listing the metrics of %s: %w", group, err)
		}
		if lb := loadBalancerOf(page.Metrics); lb != "" {
			return lb, nil
		}
	}
	return "", nil
}

// loadBalancerOf returns the LoadBalancer of the first metric whose
// dimensions are exactly TargetGroup and LoadBalancer (the others add
// AvailabilityZone).
func loadBalancerOf(metrics []cwtypes.Metric) string {
	for _, m := range metrics {
		if len(m.Dimensions) != 2 {
			continue
		}
		for _, d := range m.Dimensions {
			if aws.ToString(d.Name) == "LoadBalancer" {
				return aws.ToString(d.Value)
			}
		}
	}
	return ""
}
