package fargate

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
)

const typeListenerRule = "aws:lb/listenerRule:ListenerRule"

var (
	// The canary lane's names: siblings of the service's seed, and a
	// target group hashed like the stable one.
	testCanaryService   = "api-canary-" + hash7("berth/test/api")
	testCanaryTGName    = "api-canary-" + hash7("berth/test/api/tg-canary/vpc-0abc")
	testCanaryErrors    = "api-canary-5xx-" + hash7("berth/test/api")
	testCanaryUnhealthy = "api-canary-unhealthy-" + hash7("berth/test/api")
	// testStable is a revision of the family the service registers; the
	// mock registers revision 1.
	testStable     = "arn:aws:ecs:us-east-1:123456789012:task-definition/" + testName + ":3"
	testRegistered = "arn:aws:ecs:us-east-1:123456789012:task-definition/" + testName + ":1"
)

// canaryArgs is typicalArgs (HTTPS) with a canary at percent, aborted or
// not.
func canaryArgs(percent int, abort bool) *ServiceArgs {
	a := typicalArgs()
	a.Service.Rollout = &spec.Rollout{Canary: &spec.Canary{Stable: testStable, Percent: &percent, Abort: abort}}
	return a
}

// TestACanaryAddsALaneAndLeavesTheListenerAlone: the canary adds exactly
// the lane's resources; the listeners, the stable target group and the
// stable lane's alarms and scaling keep their inputs.
func TestACanaryAddsALaneAndLeavesTheListenerAlone(t *testing.T) {
	t.Parallel()
	plain, _ := run(t, typicalArgs())
	m, svc := run(t, canaryArgs(10, false))
	var added []string
	for _, r := range m.Resources() {
		if !slices.ContainsFunc(plain.Resources(), func(p testkit.Resource) bool { return p.Type == r.Type && p.Name == r.Name }) {
			added = append(added, r.Type+" "+r.Name)
		}
	}
	slices.Sort(added)
	assertEqual(t, "added resources", added, []string{
		typePolicy + " api-canary-cpu",
		typePolicy + " api-canary-requests",
		typeScaling + " api-canary-scaling",
		typeAlarm + " api-canary-5xx",
		typeAlarm + " api-canary-unhealthy",
		typeService + " api-canary-svc",
		typeListenerRule + " api-canary-route",
		typeListenerRule + " api-canary-split",
		typeTargetGroup + " api-canary-tg",
	})
	for _, r := range plain.Resources() {
		if r.Type == typeService || r.Type == typeComponent {
			continue // the stable service's revision is pinned; below
		}
		got := m.Named(t, r.Type, r.Name).Inputs
		if !got.DeepEquals(r.Inputs) {
			t.Errorf("%s %s inputs changed with a canary:\n  %v\nwas\n  %v", r.Type, r.Name, got, r.Inputs)
		}
	}
	// The listener still forwards to the stable group alone: the weights
	// are on the split rule.
	assertEqual(t, "https listener default action", testkit.Prop(t, m.Named(t, typeListener, "api-https"), "defaultActions"),
		[]any{map[string]any{"type": "forward", "targetGroupArn": tgARN(t, m)}})
	if svc.Canary == nil || svc.Canary.Service == nil || svc.Canary.Split == nil {
		t.Fatalf("Service.Canary = %+v, want the lane's resources", svc.Canary)
	}
	// skip_destroy keeps the pinned revision registered when a release
	// replaces the task definition.
	assertEqual(t, "skipDestroy", testkit.Prop(t, m.One(t, typeTaskDef), "skipDestroy"), true)
}

// TestTheCanaryLaneIsExact: the two lanes' services, the canary group, the
// header route and the weighted split, with every value.
func TestTheCanaryLaneIsExact(t *testing.T) {
	t.Parallel()
	m, _ := run(t, canaryArgs(10, false))
	canaryTG := outOf(t, m, typeTargetGroup, "api-canary-tg", "arn")
	listener := outOf(t, m, typeListener, "api-https", "arn")
	tags := map[string]any{"managed-by": "berth"}

	// The stable lane runs the pinned release, the canary lane the one
	// this update registered, one task to start.
	stable := m.Named(t, typeService, "api-svc").Inputs
	assertEqual(t, "stable taskDefinition", stable["taskDefinition"].StringValue(), testStable)
	assertEqual(t, "stable alarms", stable["alarms"].Mappable(), map[string]any{
		"alarmNames": []any{testErrorsAlarm, testUnhealthyAlarm}, "enable": true, "rollback": true,
	})
	canary := m.Named(t, typeService, "api-canary-svc").Inputs.Mappable()
	want := m.Named(t, typeService, "api-svc").Inputs.Mappable()
	want["name"] = testCanaryService
	want["taskDefinition"] = testRegistered
	want["desiredCount"] = float64(1)
	want["loadBalancers"] = []any{map[string]any{"targetGroupArn": canaryTG, "containerName": "app", "containerPort": float64(8080)}}
	want["alarms"] = map[string]any{"alarmNames": []any{testCanaryErrors, testCanaryUnhealthy}, "enable": true, "rollback": true}
	assertEqual(t, "canary service", canary, want)

	// The canary group is the stable group under its own name.
	wantTG := m.Named(t, typeTargetGroup, "api-tg").Inputs.Mappable()
	wantTG["name"] = testCanaryTGName
	assertEqual(t, "canary target group", m.Named(t, typeTargetGroup, "api-canary-tg").Inputs.Mappable(), wantTG)

	assertEqual(t, "header route", m.Named(t, typeListenerRule, "api-canary-route").Inputs.Mappable(), map[string]any{
		"listenerArn": listener,
		"priority":    float64(49999),
		"conditions": []any{map[string]any{"httpHeader": map[string]any{
			"httpHeaderName": "X-Berth-Release", "values": []any{"canary"},
		}}},
		"actions": []any{map[string]any{"type": "forward", "targetGroupArn": canaryTG}},
		"tags":    tags,
	})
	assertEqual(t, "split", m.Named(t, typeListenerRule, "api-canary-split").Inputs.Mappable(), map[string]any{
		"listenerArn": listener,
		"priority":    float64(50000),
		"conditions":  []any{map[string]any{"pathPattern": map[string]any{"values": []any{"/*"}}}},
		"actions": []any{map[string]any{"type": "forward", "forward": map[string]any{"targetGroups": []any{
			map[string]any{"arn": tgARN(t, m), "weight": float64(90)},
			map[string]any{"arn": canaryTG, "weight": float64(10)},
		}}}},
		"tags": tags,
	})
}

// TestTheCanaryLaneIsOrderedSoNoGroupWithoutTasksGetsTraffic: the route
// associates the group before the canary service exists, and the split
// waits for the canary service.
func TestTheCanaryLaneIsOrderedSoNoGroupWithoutTasksGetsTraffic(t *testing.T) {
	t.Parallel()
	m, _ := run(t, canaryArgs(25, false))
	route := m.Named(t, typeListenerRule, "api-canary-route")
	svc := m.Named(t, typeService, "api-canary-svc")
	split := m.Named(t, typeListenerRule, "api-canary-split")
	if !slices.Contains(svc.Dependencies, route.URN) {
		t.Errorf("the canary service does not depend on the header route: %v", svc.Dependencies)
	}
	if !slices.Contains(split.Dependencies, svc.URN) {
		t.Errorf("the split does not depend on the canary service: %v", split.Dependencies)
	}
	if !slices.Contains(m.Named(t, typeService, "api-svc").Dependencies, m.Named(t, typeListener, "api-https").URN) {
		t.Error("the stable service does not depend on the listener")
	}
}

// TestAnAbortedCanaryTakesNoTrafficAndRunsStable: weight 0, the canary
// lane runs the stable release, and the split does not wait for the canary
// lane's deployment.
func TestAnAbortedCanaryTakesNoTrafficAndRunsStable(t *testing.T) {
	t.Parallel()
	m, _ := run(t, canaryArgs(10, true))
	canaryTG := outOf(t, m, typeTargetGroup, "api-canary-tg", "arn")
	assertEqual(t, "split actions", testkit.Prop(t, m.Named(t, typeListenerRule, "api-canary-split"), "actions"),
		[]any{map[string]any{"type": "forward", "forward": map[string]any{"targetGroups": []any{
			map[string]any{"arn": tgARN(t, m), "weight": float64(100)},
			map[string]any{"arn": canaryTG, "weight": float64(0)},
		}}}})
	assertEqual(t, "canary taskDefinition", testkit.Prop(t, m.Named(t, typeService, "api-canary-svc"), "taskDefinition"), testStable)
	assertEqual(t, "stable taskDefinition", testkit.Prop(t, m.Named(t, typeService, "api-svc"), "taskDefinition"), testStable)
	if slices.Contains(m.Named(t, typeListenerRule, "api-canary-split").Dependencies, m.Named(t, typeService, "api-canary-svc").URN) {
		t.Error("an abort's split waits for the canary service")
	}
}

// TestTheCanaryLaneHasItsOwnAlarmsAndScaling: the alarms watch the canary
// group; scaling runs from one task to maxInstances on the canary group's
// request count.
func TestTheCanaryLaneHasItsOwnAlarmsAndScaling(t *testing.T) {
	t.Parallel()
	m, _ := run(t, canaryArgs(10, false))
	suffix := outOf(t, m, typeTargetGroup, "api-canary-tg", "arnSuffix")
	lbSuffix := lbOut(t, m, "api-lb", "arnSuffix")
	dims := map[string]any{"TargetGroup": suffix, "LoadBalancer": lbSuffix}
	errs := m.Named(t, typeAlarm, "api-canary-5xx").Inputs.Mappable()
	wantErrs := m.Named(t, typeAlarm, "api-5xx").Inputs.Mappable()
	wantErrs["name"] = testCanaryErrors
	wantErrs["alarmDescription"] = "berth api canary lane: more than 5% of requests answer 5xx for 3 periods of 1m0s; rolls a deployment back"
	for _, q := range wantErrs["metricQueries"].([]any) {
		if metric, ok := q.(map[string]any)["metric"].(map[string]any); ok {
			metric["dimensions"] = dims
		}
	}
	assertEqual(t, "canary 5xx alarm", errs, wantErrs)
	unhealthy := m.Named(t, typeAlarm, "api-canary-unhealthy").Inputs.Mappable()
	wantUnhealthy := m.Named(t, typeAlarm, "api-unhealthy").Inputs.Mappable()
	wantUnhealthy["name"] = testCanaryUnhealthy
	wantUnhealthy["alarmDescription"] = "berth api canary lane: a target is unhealthy for 3 periods of 1m0s; rolls a deployment back"
	wantUnhealthy["dimensions"] = dims
	assertEqual(t, "canary unhealthy alarm", unhealthy, wantUnhealthy)

	resourceID := "service/" + testName + "/" + testCanaryService
	assertEqual(t, "canary scaling target", m.Named(t, typeScaling, "api-canary-scaling").Inputs.Mappable(), map[string]any{
		"serviceNamespace":  "ecs",
		"scalableDimension": "ecs:service:DesiredCount",
		"resourceId":        resourceID,
		"minCapacity":       float64(1),
		"maxCapacity":       float64(10),
		"tags":              map[string]any{"managed-by": "berth"},
	})
	requests := m.Named(t, typePolicy, "api-canary-requests").Inputs.Mappable()
	assertEqual(t, "canary request policy name", requests["name"], testCanaryService+"-requests")
	assertEqual(t, "canary request policy resourceId", requests["resourceId"], resourceID)
	spec := requests["targetTrackingScalingPolicyConfiguration"].(map[string]any)["predefinedMetricSpecification"]
	assertEqual(t, "canary request metric", spec, map[string]any{
		"predefinedMetricType": "ALBRequestCountPerTarget",
		"resourceLabel":        lbSuffix + "/" + suffix,
	})
	assertEqual(t, "canary cpu policy name", testkit.Prop(t, m.Named(t, typePolicy, "api-canary-cpu"), "name"), testCanaryService+"-cpu")
}

// TestACanaryRolledBackFailsNamingItsAlarmsAndBothRevisions: the canary
// lane running another revision than this update registered fails the
// deployment, naming the canary lane's alarms.
func TestACanaryRolledBackFailsNamingItsAlarmsAndBothRevisions(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test")
	// Both lanes run the stable release: the canary lane was rolled back.
	m.SetOutputs(typeService, map[string]any{"taskDefinition": testStable})
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := NewService(ctx, "api", canaryArgs(10, false))
		return err
	})
	if err == nil {
		t.Fatal("the deployment succeeded although the canary lane runs the stable release")
	}
	for _, want := range []string{
		`fargate service "api": the canary lane's deployment did not complete: ECS service ` + testCanaryService + " runs " + testStable + ", not " + testRegistered + ", which this update registered",
		"a deployment alarm, " + testCanaryErrors + " (more than 5% 5xx for 3 periods of 1m0s) or " + testCanaryUnhealthy + " (unhealthy targets), went into ALARM",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v\nwant it to contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "stable lane") {
		t.Errorf("err blames the stable lane, which runs its release: %v", err)
	}
}

// TestAStableLaneOffItsPinFails: the stable lane must run canary.stable.
func TestAStableLaneOffItsPinFails(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test")
	m.SetOutputs(typeService, map[string]any{"taskDefinition": testRegistered})
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := NewService(ctx, "api", canaryArgs(10, false))
		return err
	})
	want := `fargate service "api": the stable lane's deployment did not complete: ECS service ` + testName + " runs " + testRegistered + ", not " + testStable + ", the stable release, service.rollout.canary.stable"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant it to contain %q", err, want)
	}
}

// TestCanaryValidation: canary.stable must be a revision of this service's
// family, reported with every other problem before anything is created.
func TestCanaryValidation(t *testing.T) {
	t.Parallel()
	allowed := "(allowed: arn:aws:ecs:REGION:ACCOUNT:task-definition/" + testName + ":REVISION, the taskDefinitionArn output of a deployment of it)"
	tests := []struct {
		name, stable string
		percent      int
		want         []string
	}{
		{"another family", "arn:aws:ecs:us-east-1:123456789012:task-definition/other:3", 10,
			[]string{`service.rollout.canary.stable: "arn:aws:ecs:us-east-1:123456789012:task-definition/other:3" is not a task definition revision of this service ` + allowed}},
		{"no revision", "arn:aws:ecs:us-east-1:123456789012:task-definition/" + testName, 10,
			[]string{`service.rollout.canary.stable: "arn:aws:ecs:us-east-1:123456789012:task-definition/` + testName + `" is not a task definition revision of this service ` + allowed}},
		{"revision 0", "arn:aws:ecs:us-east-1:123456789012:task-definition/" + testName + ":0", 10,
			[]string{`service.rollout.canary.stable: "arn:aws:ecs:us-east-1:123456789012:task-definition/` + testName + `:0" is not a task definition revision of this service ` + allowed}},
		{"a Cloud Run revision", "api-00001-abc", 10,
			[]string{`service.rollout.canary.stable: "api-00001-abc" is not a task definition revision of this service ` + allowed}},
		{"every problem at once", "arn:aws:ecs:us-east-1:123456789012:cluster/x", 0, []string{
			"service.rollout.canary.percent: 0 is not a canary share (allowed: 1 to 99 percent; leave it out for 10, or set abort to send none)",
			`service.rollout.canary.stable: "arn:aws:ecs:us-east-1:123456789012:cluster/x" is not a task definition revision of this service ` + allowed,
		}},
		{"required", "", 10, []string{"service.rollout.canary.stable: required: the release that serves the rest (`berth rollout promote --stack STACK --release NAME` writes it: the release running now)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := canaryArgs(tt.percent, false)
			a.Service.Rollout.Canary.Stable = tt.stable
			verr, n := validateArgs(t, a)
			if verr == nil {
				t.Fatal("NewService accepted the args")
			}
			if n != 0 {
				t.Errorf("%d resources registered, want 0", n)
			}
			var got []string
			for _, p := range verr.Problems {
				got = append(got, p.String())
			}
			slices.Sort(got)
			assertEqual(t, "problems", got, tt.want)
		})
	}
	// A GovCloud or China partition ARN of the family is a revision.
	for _, stable := range []string{"arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task-definition/" + testName + ":12", "arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/" + testName + ":7"} {
		a := canaryArgs(10, false)
		a.Service.Rollout.Canary.Stable = stable
		if verr, _ := validateArgs(t, a); verr != nil {
			t.Errorf("stable %q refused: %v", stable, verr)
		}
	}
}
