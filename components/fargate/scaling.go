package fargate

import (
	"fmt"
	"math"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// resolveScaling resolves the task count and the scaling targets.
func resolveScaling(a *ServiceArgs, s spec.Resolved, p *plan, ps *validate.Problems) {
	w := a.AWS
	p.minTasks, p.maxTasks = s.MinInstances, s.MaxInstances
	if s.MinSet && s.MinInstances == 0 {
		ps.Addf("service.minInstances", "0: Fargate behind a load balancer cannot scale to zero (allowed on Fargate: 1 or more)")
	}
	if s.MaxInstances > MaxInstances {
		ps.Addf("service.maxInstances", "%d is above %d (allowed on Fargate: 1 to %d)", s.MaxInstances, MaxInstances, MaxInstances)
	}
	p.cpuTarget = DefaultCPUTarget
	if t := w.CPUTarget; t != nil {
		if *t < 10 || *t > 90 {
			ps.Addf("aws.cpuTarget", "%d%% is out of range (allowed: 10 to 90)", *t)
		} else {
			p.cpuTarget = *t
		}
	}
	if s.Concurrency > MaxConcurrency {
		ps.Addf("service.concurrency", "%d is above %d (allowed on Fargate: 1 to %d)", s.Concurrency, MaxConcurrency, MaxConcurrency)
	}
	latency := mustDuration(DefaultLatency)
	if w.Latency != "" {
		d, err := time.ParseDuration(w.Latency)
		if err != nil || d < time.Millisecond || d > time.Minute {
			ps.Addf("aws.latency", "%q is not a mean response time (allowed: a duration from 1ms to 1m, such as %q)", w.Latency, DefaultLatency)
		} else {
			latency = d
		}
	}
	p.requestTarget = requestsPerTargetPerMinute(s.Concurrency, latency)
}

// ConcurrencyUtilization is the share of service.concurrency that
// request-based scaling keeps each task at: Knative's (and so Cloud Run's)
// default target of 70%, so a task has headroom while a new one starts.
const ConcurrencyUtilization = 0.7

// requestsPerTargetPerMinute turns a concurrency into the target of the
// ALBRequestCountPerTarget metric, which counts requests per target per
// minute. By Little's law, C requests in flight at a mean latency of L
// seconds arrive at C/L per second, 60·C/L per minute; scaling aims at
// ConcurrencyUtilization of that. The result is at least 1.
func requestsPerTargetPerMinute(concurrency int, latency time.Duration) int {
	n := int(math.Round(ConcurrencyUtilization * 60 * float64(concurrency) / latency.Seconds()))
	return max(n, 1)
}

// newScaling creates the scaling target of the lane l's service svc, from
// l.minTasks to service.maxInstances, and its CPU and request count
// target tracking policies, the latter on the lane's target group tg.
func (c *Service) newScaling(ctx *pulumi.Context, l lane, svc *ecs.Service, tg *lb.TargetGroup, p *plan, clusterName pulumi.StringOutput, tags pulumi.StringMap, parent pulumi.ResourceOption) (target *appautoscaling.Target, cpu, requests *appautoscaling.Policy, err error) {
	target, err = appautoscaling.NewTarget(ctx, l.key+"-scaling", &appautoscaling.TargetArgs{
		ServiceNamespace:  pulumi.String("ecs"),
		ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
		ResourceId:        pulumi.Sprintf("service/%s/%s", clusterName, svc.Name),
		MinCapacity:       pulumi.Int(l.minTasks),
		MaxCapacity:       pulumi.Int(p.maxTasks),
		Tags:              tags,
	}, parent)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("creating %sscaling target: %w", l.rolePrefix(), err)
	}
	policy := func(suffix, metric string, value int, label pulumi.StringInput) (*appautoscaling.Policy, error) {
		spec := &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
			PredefinedMetricType: pulumi.String(metric),
		}
		if label != nil {
			spec.ResourceLabel = label
		}
		return appautoscaling.NewPolicy(ctx, l.key+"-"+suffix, &appautoscaling.PolicyArgs{
			Name:              pulumi.String(l.service + "-" + suffix),
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace,
			ScalableDimension: target.ScalableDimension,
			ResourceId:        target.ResourceId,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				TargetValue:                   pulumi.Float64(float64(value)),
				PredefinedMetricSpecification: spec,
				ScaleOutCooldown:              pulumi.Int(scaleOutCooldown),
				ScaleInCooldown:               pulumi.Int(scaleInCooldown),
				DisableScaleIn:                pulumi.Bool(false),
			},
		}, parent, naming.CreateFirst)
	}
	cpu, err = policy("cpu", "ECSServiceAverageCPUUtilization", p.cpuTarget, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("creating %sCPU scaling policy: %w", l.rolePrefix(), err)
	}
	// The metric's resource label is app/LB_NAME/LB_ID/targetgroup/TG_NAME/TG_ID.
	label := pulumi.Sprintf("%s/%s", c.LoadBalancer.ArnSuffix, tg.ArnSuffix)
	requests, err = policy("requests", "ALBRequestCountPerTarget", p.requestTarget, label)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("creating %srequest scaling policy: %w", l.rolePrefix(), err)
	}
	return target, cpu, requests, nil
}
