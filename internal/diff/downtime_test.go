package diff

import (
	"reflect"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
)

// TestDowntimeNamesWhatInterruptsTraffic runs the four ways an update
// interrupts traffic, and the ways that look alike but do not.
func TestDowntimeNamesWhatInterruptsTraffic(t *testing.T) {
	t.Parallel()
	tg := func(vpc string, dbr *bool) plan.Resource {
		r := res("aws:lb/targetGroup:TargetGroup", "tg", "", map[string]any{"name": "tg-" + vpc, "port": 80.0, "protocol": "HTTP", "vpcId": vpc})
		r.Options.DeleteBeforeReplace = dbr
		return r
	}
	listener := func(g plan.Resource) plan.Resource {
		r := res("aws:lb/listener:Listener", "https", "", map[string]any{"port": 443.0, "protocol": "HTTPS", "defaultActions": []any{map[string]any{
			"type": "forward", "targetGroupArn": plan.Partial{"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/", plan.Unknown{From: g.URN}},
		}}})
		r.InputDependencies = map[string][]string{"defaultActions": {g.URN}}
		return r
	}
	rule := func(port float64) plan.Resource {
		return res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "task-in", "", map[string]any{
			"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": port, "toPort": port, "referencedSecurityGroupId": "sg-2"})
	}
	lb := func(internal bool) plan.Resource {
		r := res("aws:lb/loadBalancer:LoadBalancer", "lb", "", map[string]any{"name": "lb-1", "internal": internal})
		r.Options.DeleteBeforeReplace = boolPtr(false)
		return r
	}
	downtime := func(r *Result) []string {
		var out []string
		for _, f := range r.Flags {
			if f.Kind == KindDowntime {
				out = append(out, f.Reason)
			}
		}
		return out
	}
	tests := []struct {
		name       string
		base, head *plan.Plan
		want       []string
	}{
		{"a target group replaced create-first moves the listener to an empty group",
			plnOf(tg("vpc-1", boolPtr(false)), listener(tg("vpc-1", nil))), plnOf(tg("vpc-2", boolPtr(false)), listener(tg("vpc-2", nil))),
			[]string{"https forwards to the new target group tg as soon as it exists, before any target is registered in it and healthy: requests fail (503) until they are (defaultActions[0].targetGroupArn)"}},
		{"a target group replaced delete-first is missing meanwhile, and names its users",
			plnOf(tg("vpc-1", nil), listener(tg("vpc-1", nil))), plnOf(tg("vpc-2", nil), listener(tg("vpc-2", nil))),
			[]string{
				"https forwards to the new target group tg as soon as it exists, before any target is registered in it and healthy: requests fail (503) until they are (defaultActions[0].targetGroupArn)",
				"tg is deleted before its replacement exists: listeners that forward to it have nowhere to send requests until the new one is ready; used by https",
			}},
		{"a target group updated in place keeps its ARN",
			plnOf(tg("vpc-1", nil), listener(tg("vpc-1", nil))),
			func() *plan.Plan {
				g := tg("vpc-1", nil)
				g.Inputs["deregistrationDelay"] = 30.0
				return plnOf(g, listener(g))
			}(), nil},
		{"a rule's ports changed in place close the old ones at once",
			plnOf(rule(8080)), plnOf(rule(9090)),
			[]string{"task-in changes its ports in place (tcp port 8080 -> tcp port 9090): the old ports close at once, while what listens on them still serves, before anything listens on the new ones; a new rule beside the old one keeps both open"}},
		{"a new rule beside the old one closes nothing",
			plnOf(rule(8080)), plnOf(func() plan.Resource { r := rule(9090); r.Name, r.URN = "task-in-9090", r.URN+"-9090"; return r }()), nil},
		{"a load balancer replaced create-first gets a new DNS name",
			plnOf(lb(true)), plnOf(lb(false)),
			[]string{"lb is replaced by one at a new DNS name: clients that still use the old one fail once it stops serving (at the latest when it is deleted, at the end of the update) unless they move to the new one first"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := downtime(compare(t, tt.base, tt.head)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("downtime flags:\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestRolloutFlagsAWeakerGuard: deployment alarms and the circuit breaker
// turned off, and an alarm on other terms, each raise rollout; turning
// them on raises nothing.
func TestRolloutFlagsAWeakerGuard(t *testing.T) {
	t.Parallel()
	svc := func(alarms, breaker bool) plan.Resource {
		return res("aws:ecs/service:Service", "svc", "", map[string]any{"name": "s",
			"alarms":                   map[string]any{"alarmNames": []any{"a"}, "enable": alarms, "rollback": alarms},
			"deploymentCircuitBreaker": map[string]any{"enable": breaker, "rollback": breaker}})
	}
	alarm := func(threshold float64) plan.Resource {
		return res("aws:cloudwatch/metricAlarm:MetricAlarm", "errors", "", map[string]any{"name": "a", "threshold": threshold, "evaluationPeriods": 3.0, "comparisonOperator": "GreaterThanThreshold"})
	}
	r := compare(t, plnOf(svc(true, true), alarm(5)), plnOf(svc(false, false), alarm(20)))
	var got []string
	for _, f := range r.Flags {
		if f.Kind == KindRollout {
			got = append(got, nameOf(f.URN)+": "+f.Reason)
		}
	}
	want := []string{
		"errors: the alarm fires on other terms: threshold 5 -> 20",
		"svc: a deployment alarm no longer rolls the release back (alarms.rollback true -> false)",
		"svc: the deployment alarms are no longer watched (alarms.enable true -> false)",
		"svc: the deployment circuit breaker no longer rolls back a release whose tasks never become healthy (deploymentCircuitBreaker.rollback true -> false)",
		"svc: the deployment circuit breaker no longer stops a release whose tasks never become healthy (deploymentCircuitBreaker.enable true -> false)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rollout flags:\n%q\nwant\n%q", got, want)
	}
	if back := compare(t, plnOf(svc(false, false), alarm(5)), plnOf(svc(true, true), alarm(5))); len(back.Flags) != 0 {
		t.Errorf("turning the guards on raised %v", flagLines(back))
	}
}
