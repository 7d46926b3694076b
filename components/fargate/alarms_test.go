package fargate

import (
	"testing"

	"github.com/berth-dev/berth/spec"
)

const typeAlarm = "aws:cloudwatch/metricAlarm:MetricAlarm"

// TestAlarmsWatchTheTargetGroupAndRollBack: each rollout setting reaches
// its alarm field; the 5xx alarm is metric math over the target group's
// 5xx and request counts, the other the unhealthy targets, both on the
// target group's and load balancer's ARN suffixes, a quiet period never
// breaching; the service names both, with rollback.
func TestAlarmsWatchTheTargetGroupAndRollBack(t *testing.T) {
	t.Parallel()
	a := minimalArgs()
	rate, periods := 2.5, 5
	a.Service.Rollout = &spec.Rollout{ErrorRate: &rate, Period: "2m", Periods: &periods}
	m, _ := run(t, a)
	tg, lb := m.One(t, typeTargetGroup), m.One(t, typeLoadBalancer)
	dims := map[string]any{"TargetGroup": tg.Outputs["arnSuffix"].StringValue(), "LoadBalancer": lb.Outputs["arnSuffix"].StringValue()}
	metric := func(id, name string) map[string]any {
		return map[string]any{"id": id, "returnData": false, "metric": map[string]any{
			"namespace": "AWS/ApplicationELB", "metricName": name, "dimensions": dims, "period": float64(120), "stat": "Sum",
		}}
	}
	errors := m.Named(t, typeAlarm, "api-5xx")
	assertEqual(t, "5xx alarm", errors.Inputs.Mappable(), map[string]any{
		"name":               testErrorsAlarm,
		"alarmDescription":   "berth api: more than 2.5% of requests answer 5xx for 5 periods of 2m0s; rolls a deployment back",
		"comparisonOperator": "GreaterThanThreshold",
		"threshold":          2.5,
		"evaluationPeriods":  float64(5),
		"datapointsToAlarm":  float64(5),
		"treatMissingData":   "notBreaching",
		"metricQueries": []any{
			metric("errors", "HTTPCode_Target_5XX_Count"),
			metric("requests", "RequestCount"),
			map[string]any{"id": "rate", "expression": "100 * FILL(errors, 0) / requests", "label": "5xx % of requests", "returnData": true},
		},
		"tags": map[string]any{"managed-by": "berth"},
	})
	assertEqual(t, "unhealthy alarm", m.Named(t, typeAlarm, "api-unhealthy").Inputs.Mappable(), map[string]any{
		"name":               testUnhealthyAlarm,
		"alarmDescription":   "berth api: a target is unhealthy for 5 periods of 2m0s; rolls a deployment back",
		"namespace":          "AWS/ApplicationELB",
		"metricName":         "UnHealthyHostCount",
		"dimensions":         dims,
		"statistic":          "Minimum",
		"period":             float64(120),
		"comparisonOperator": "GreaterThanThreshold",
		"threshold":          float64(0),
		"evaluationPeriods":  float64(5),
		"datapointsToAlarm":  float64(5),
		"treatMissingData":   "notBreaching",
		"tags":               map[string]any{"managed-by": "berth"},
	})
	assertEqual(t, "service alarms", m.One(t, typeService).Inputs["alarms"].Mappable(), map[string]any{
		"alarmNames": []any{testErrorsAlarm, testUnhealthyAlarm}, "enable": true, "rollback": true,
	})
	if d := errors.Options.DeleteBeforeReplace; d == nil || *d {
		t.Errorf("5xx alarm deleteBeforeReplace %v, want false (its name follows the service's)", d)
	}
}

// TestAlarmsOffByName: with "off" the service names the alarms but
// neither acts on them nor rolls back; the block stays whole, since the
// provider would keep the cloud's if it were dropped.
func TestAlarmsOffByName(t *testing.T) {
	t.Parallel()
	a := minimalArgs()
	a.Service.Rollout = &spec.Rollout{Alarms: spec.AlarmsOff}
	m, _ := run(t, a)
	if rs := m.ByType(typeAlarm); len(rs) != 2 {
		t.Errorf("%d alarms with alarms off, want the 2", len(rs))
	}
	assertEqual(t, "service alarms", m.One(t, typeService).Inputs["alarms"].Mappable(), map[string]any{
		"alarmNames": []any{testErrorsAlarm, testUnhealthyAlarm}, "enable": false, "rollback": false,
	})
}
