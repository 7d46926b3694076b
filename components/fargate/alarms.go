package fargate

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/spec"
)

// The load balancer's metrics the alarms read: CloudWatch namespace
// AWS/ApplicationELB, per target group (dimensions TargetGroup and
// LoadBalancer, the two ARN suffixes).
const (
	elbNamespace     = "AWS/ApplicationELB"
	metricTarget5XX  = "HTTPCode_Target_5XX_Count"
	metricRequests   = "RequestCount"
	metricUnhealthy  = "UnHealthyHostCount"
	notBreaching     = "notBreaching"
	greaterThan      = "GreaterThanThreshold"
	errorRateQueryID = "rate"
)

// plannedAlarms are the resolved alarm settings and the alarms' names.
type plannedAlarms struct {
	spec.ResolvedRollout
	// errors and unhealthy are the two alarms' names (of the stable lane,
	// with a canary; plannedCanary names the canary lane's).
	errors, unhealthy string
}

// resolveAlarms names the alarms of the rollout r.
func resolveAlarms(r spec.ResolvedRollout, p *plan) {
	p.alarms = plannedAlarms{
		ResolvedRollout: r,
		// Siblings of one seed: CloudWatch's PutMetricAlarm overwrites an
		// alarm of the same name, so the two must never share one.
		errors:    naming.Sibling(p.name+"-5xx", p.seed, 255),
		unhealthy: naming.Sibling(p.name+"-unhealthy", p.seed, 255),
	}
}

// newAlarms creates the alarms that roll a failing deployment back, when
// the rollout has them:
//   - the 5xx rate of the target group's requests, in percent (metric
//     math over HTTPCode_Target_5XX_Count and RequestCount; a period
//     without 5xx counts none, and a period without requests has no value
//     and never breaches, so a quiet service is not rolled back);
//   - the target group's unhealthy targets (UnHealthyHostCount, the
//     fewest the load balancer's nodes report in a period: Elastic Load
//     Balancing recommends alarming on a non-zero Minimum for more than
//     one data point).
//
// Each fires after Periods failing periods in a row. They watch the target
// group tg of the lane l, whose service names them (laneAlarms), so they
// exist before it does. They exist with alarms off too (about $0.30 a
// month), so that the service's alarm block stays whole: see laneAlarms.
func (c *Service) newAlarms(ctx *pulumi.Context, l lane, tg *lb.TargetGroup, p *plan, tags pulumi.StringMap, parent pulumi.ResourceOption) (errorsAlarm, unhealthyAlarm *cloudwatch.MetricAlarm, err error) {
	a := p.alarms
	period := int(a.Period.Seconds())
	dims := pulumi.StringMap{"TargetGroup": tg.ArnSuffix, "LoadBalancer": c.LoadBalancer.ArnSuffix}
	metric := func(id, metricName string) cloudwatch.MetricAlarmMetricQueryArgs {
		return cloudwatch.MetricAlarmMetricQueryArgs{
			Id: pulumi.String(id),
			Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
				Namespace: pulumi.String(elbNamespace), MetricName: pulumi.String(metricName),
				Dimensions: dims, Period: pulumi.Int(period), Stat: pulumi.String("Sum"),
			},
			ReturnData: pulumi.Bool(false),
		}
	}
	errorsAlarm, err = cloudwatch.NewMetricAlarm(ctx, l.key+"-5xx", &cloudwatch.MetricAlarmArgs{
		Name:               pulumi.String(l.errorsAlarm),
		AlarmDescription:   pulumi.String(fmt.Sprintf("berth %s: more than %v%% of requests answer 5xx for %d periods of %s; rolls a deployment back", l.title, a.ErrorRate, a.Periods, a.Period)),
		ComparisonOperator: pulumi.String(greaterThan),
		Threshold:          pulumi.Float64(a.ErrorRate),
		EvaluationPeriods:  pulumi.Int(a.Periods),
		DatapointsToAlarm:  pulumi.Int(a.Periods),
		TreatMissingData:   pulumi.String(notBreaching),
		MetricQueries: cloudwatch.MetricAlarmMetricQueryArray{
			metric("errors", metricTarget5XX),
			metric("requests", metricRequests),
			cloudwatch.MetricAlarmMetricQueryArgs{
				Id:         pulumi.String(errorRateQueryID),
				Expression: pulumi.String("100 * FILL(errors, 0) / requests"),
				Label:      pulumi.String("5xx % of requests"),
				ReturnData: pulumi.Bool(true),
			},
		},
		Tags: tags,
	}, parent, naming.CreateFirst)
	if err != nil {
		return nil, nil, fmt.Errorf("creating %s5xx alarm: %w", l.rolePrefix(), err)
	}
	unhealthyAlarm, err = cloudwatch.NewMetricAlarm(ctx, l.key+"-unhealthy", &cloudwatch.MetricAlarmArgs{
		Name:               pulumi.String(l.unhealthyAlarm),
		AlarmDescription:   pulumi.String(fmt.Sprintf("berth %s: a target is unhealthy for %d periods of %s; rolls a deployment back", l.title, a.Periods, a.Period)),
		Namespace:          pulumi.String(elbNamespace),
		MetricName:         pulumi.String(metricUnhealthy),
		Dimensions:         dims,
		Statistic:          pulumi.String("Minimum"),
		Period:             pulumi.Int(period),
		ComparisonOperator: pulumi.String(greaterThan),
		Threshold:          pulumi.Float64(0),
		EvaluationPeriods:  pulumi.Int(a.Periods),
		DatapointsToAlarm:  pulumi.Int(a.Periods),
		TreatMissingData:   pulumi.String(notBreaching),
		Tags:               tags,
	}, parent, naming.CreateFirst)
	if err != nil {
		return nil, nil, fmt.Errorf("creating %sunhealthy targets alarm: %w", l.rolePrefix(), err)
	}
	return errorsAlarm, unhealthyAlarm, nil
}

// laneAlarms is a lane's deployment alarms: its two alarms, enabled with
// rollback, or named but disabled with alarms off. The block
// is always sent, whole: the provider keeps the cloud's alarms when a
// program drops it (alarms is Optional, and its DiffSuppressFunc hides a
// missing block: internal/providers aws_ecs.go models that as Computed),
// and all three of its fields are required
// ([TPA] internal/service/ecs/service.go resourceService "alarms", index
// id 6687224974: a block of at most one with DiffSuppressFunc
// SuppressMissingOptionalConfigurationBlock; alarm_names a Required set,
// enable and rollback Required).
func laneAlarms(p *plan, errorsAlarm, unhealthyAlarm *cloudwatch.MetricAlarm) *ecs.ServiceAlarmsArgs {
	on := pulumi.Bool(p.alarms.Alarms)
	return &ecs.ServiceAlarmsArgs{
		AlarmNames: pulumi.StringArray{errorsAlarm.Name, unhealthyAlarm.Name},
		Enable:     on,
		Rollback:   on,
	}
}
