package enginetest

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/infra/program"
	"github.com/berth-dev/berth/internal/fakecloud/cloud"
	"github.com/berth-dev/berth/internal/providers"
)

// The canary lane's resources in the prod stack (component "app").
var canaryLane = []string{
	"app-canary-tg", "app-canary-route", "app-canary-5xx", "app-canary-unhealthy", "app-canary-svc",
	"app-canary-scaling", "app-canary-cpu", "app-canary-requests", "app-canary-split",
}

// each maps every name to op.
func each(names []string, op string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = op
	}
	return out
}

// cloudOps is r's operations on cloud resources (components and
// providers left out).
func cloudOps(r *run) map[string]string {
	ops := r.operations()
	for name, step := range r.steps() {
		if !cloudType(step.Type) {
			delete(ops, name)
		}
	}
	return ops
}

// checkOps asserts that a run did exactly want to the cloud's resources.
func checkOps(t *testing.T, when string, r *run, want map[string]string) {
	t.Helper()
	if got := cloudOps(r); !maps.Equal(got, want) {
		t.Errorf("%s: the engine did\n  %v\nwant\n  %v", when, got, want)
	}
}

// checkNoOp asserts that an up changed nothing at all.
func checkNoOp(t *testing.T, s *stack, when string) {
	t.Helper()
	r, err := s.up()
	if err != nil {
		t.Fatalf("%s: up failed: %v\n%s", when, err, r.failure())
	}
	if got := r.changed(); len(got) != 0 {
		t.Errorf("%s: a second up changes:\n%s", when, strings.Join(got, "\n"))
	}
}

// lanes returns what the stable and the canary lane run ("" for a lane
// that does not exist).
func lanes(e *env) (stable, canary string) {
	for _, r := range e.state().Live(providers.ECSService) {
		td, _ := r.State["taskDefinition"].(string)
		switch r.Name {
		case "app-svc":
			stable = td
		case "app-canary-svc":
			canary = td
		}
	}
	return stable, canary
}

// weights returns the split's weight per target group Pulumi name
// ("app-tg", "app-canary-tg"), from the fake cloud.
func weights(t *testing.T, e *env) map[string]float64 {
	t.Helper()
	names := map[string]string{}
	for _, tg := range e.state().Live(providers.TargetGroup) {
		names[tg.ID] = tg.Name
	}
	split := serviceOf(t, e, providers.ListenerRule, "app-canary-split")
	out := map[string]float64{}
	actions, _ := split.State["actions"].([]any)
	if len(actions) != 1 {
		t.Fatalf("the split has actions %s, want one forward", jsonString(split.State["actions"]))
	}
	forward, _ := actions[0].(map[string]any)["forward"].(map[string]any)
	groups, _ := forward["targetGroups"].([]any)
	for _, g := range groups {
		gm := g.(map[string]any)
		w, _ := gm["weight"].(float64)
		out[names[gm["arn"].(string)]] = w
	}
	if tg, _ := actions[0].(map[string]any)["targetGroupArn"].(string); tg != "" {
		t.Errorf("the split has a targetGroupArn %s beside its weighted forward", tg)
	}
	return out
}

// logIndex is the index of the first entry of the fake cloud's log from
// from on that starts with prefix, -1 when none does.
func logIndex(log []string, from int, prefix string) int {
	for i := from; i < len(log); i++ {
		if strings.HasPrefix(log[i], prefix) {
			return i
		}
	}
	return -1
}

// checkOrder asserts that the log entries starting with the prefixes
// appear, from from on, in that order.
func checkOrder(t *testing.T, when string, log []string, from int, prefixes ...string) {
	t.Helper()
	last := -1
	for _, p := range prefixes {
		i := logIndex(log, from, p)
		if i < 0 {
			t.Errorf("%s: the fake cloud's log has no %q after entry %d:\n%s", when, p, from, strings.Join(log[from:], "\n"))
			return
		}
		if i < last {
			t.Errorf("%s: %q came before %q:\n%s", when, p, prefixes[slices.Index(prefixes, p)-1], strings.Join(log[from:], "\n"))
		}
		last = i
	}
}

// TestAFargateCanaryUnderTheEngine takes the prod stack through a
// canary's whole life under the real engine: enabling it on the running
// release, a release on the canary lane, an abort and its end, a
// promotion, a release the canary lane's alarms roll back, and removing
// the canary; every step changes exactly the resources it should, in the
// order that never weights a group without tasks, and a second up after
// each changes nothing.
func TestAFargateCanaryUnderTheEngine(t *testing.T) {
	e := newEnv(t)
	s := e.stack("prod", "infra", program.Run)
	s.mustUp()
	created := len(e.state().Steps)
	defer func() { checkNoStrandedShare(t, e, created) }()
	checkNoOp(t, s, "without a canary")
	r1, _ := lanes(e)
	if !strings.Contains(r1, ":task-definition/berth-app-") {
		t.Fatalf("the service runs %q, not a task definition of berth-app", r1)
	}

	// (a) Enabling on the running release: the lane is planned and
	// created, nothing else changes; the split comes after the canary
	// service, and the service after the route that associates its group.
	s.setConfig(map[string]string{"berth:service.rollout.canary.stable": r1, "berth:service.rollout.canary.percent": "10"}, false)
	p := s.mustPreview()
	if got, want := p.changed(), canaryCreates(); !slices.Equal(got, want) {
		t.Errorf("the preview of enabling the canary changes\n  %q\nwant\n  %q", got, want)
	}
	from := len(e.state().Log)
	r := s.mustUp()
	checkOps(t, "enabling the canary", r, each(canaryLane, "create"))
	log := e.state().Log
	canaryName, _ := serviceOf(t, e, providers.ECSService, "app-canary-svc").State["name"].(string)
	route := serviceOf(t, e, providers.ListenerRule, "app-canary-route").ID
	split := serviceOf(t, e, providers.ListenerRule, "app-canary-split").ID
	canaryTG := serviceOf(t, e, providers.TargetGroup, "app-canary-tg").ID
	checkOrder(t, "enabling the canary", log, from,
		"create "+providers.TargetGroup+" "+canaryTG,
		"create "+providers.ListenerRule+" "+route,
		"deploy ecs service "+canaryName+": ",
		"create "+providers.ListenerRule+" "+split)
	if stable, canary := lanes(e); stable != r1 || canary != r1 {
		t.Errorf("after enabling, the lanes run %s and %s, want both %s", stable, canary, r1)
	}
	if got, want := weights(t, e), map[string]float64{"app-tg": 90, "app-canary-tg": 10}; !maps.Equal(got, want) {
		t.Errorf("split weights %v, want %v", got, want)
	}
	if got := s.outputs()["taskDefinitionArn"]; got != r1 {
		t.Errorf("taskDefinitionArn = %v, want %s", got, r1)
	}
	checkNoOp(t, s, "after enabling the canary")

	// (b) A release lands on the canary lane only; the stable lane's
	// revision stays registered.
	s.setConfig(map[string]string{"berth:service.env.FEATURE_FLAG": "on"}, false)
	r = s.mustUp()
	checkOps(t, "a release", r, map[string]string{"app-taskdef": "replace create-first", "app-canary-svc": "update"})
	stable, r2 := lanes(e)
	if stable != r1 || r2 == r1 || r2 == "" {
		t.Errorf("after a release the lanes run %s and %s, want %s and a new revision", stable, r2, r1)
	}
	if got := s.outputs()["taskDefinitionArn"]; got != r2 {
		t.Errorf("taskDefinitionArn = %v, want the new release %s", got, r2)
	}
	if !registered(e, r1) {
		t.Errorf("the stable lane's revision %s is no longer registered after the release", r1)
	}
	checkNoOp(t, s, "after a release")

	// (d) Abort: weight 0 at once, and the canary lane runs the stable
	// release; ending the abort brings the release back, the weight after
	// the canary service.
	s.setConfig(map[string]string{"berth:service.rollout.canary.abort": "true"}, false)
	r = s.mustUp()
	checkOps(t, "an abort", r, map[string]string{"app-canary-svc": "update", "app-canary-split": "update"})
	if stable, canary := lanes(e); stable != r1 || canary != r1 {
		t.Errorf("after an abort the lanes run %s and %s, want both %s", stable, canary, r1)
	}
	if got, want := weights(t, e), map[string]float64{"app-tg": 100, "app-canary-tg": 0}; !maps.Equal(got, want) {
		t.Errorf("aborted split weights %v, want %v", got, want)
	}
	checkNoOp(t, s, "after an abort")
	s.removeConfig("berth:service.rollout.canary.abort")
	from = len(e.state().Log)
	r = s.mustUp()
	checkOps(t, "ending the abort", r, map[string]string{"app-canary-svc": "update", "app-canary-split": "update"})
	checkOrder(t, "ending the abort", e.state().Log, from, "deploy ecs service "+canaryName+": ", "update "+providers.ListenerRule+" "+split)
	if stable, canary := lanes(e); stable != r1 || canary != r2 {
		t.Errorf("after the abort ended the lanes run %s and %s, want %s and %s", stable, canary, r1, r2)
	}

	// (c) Promote: the stable lane rolls to the canary's release; the
	// weights stay.
	s.setConfig(map[string]string{"berth:service.rollout.canary.stable": r2}, false)
	r = s.mustUp()
	checkOps(t, "a promotion", r, map[string]string{"app-svc": "update"})
	if stable, canary := lanes(e); stable != r2 || canary != r2 {
		t.Errorf("after the promotion the lanes run %s and %s, want both %s", stable, canary, r2)
	}
	if got, want := weights(t, e), map[string]float64{"app-tg": 90, "app-canary-tg": 10}; !maps.Equal(got, want) {
		t.Errorf("split weights after the promotion %v, want %v", got, want)
	}
	checkNoOp(t, s, "after a promotion")

	// (e) A release that fails on the canary lane is rolled back by its
	// alarms; up fails naming them and both revisions; the stable lane is
	// untouched.
	if err := e.cloud.ScriptDeployments(canaryName, providers.DeploymentFailsAlarms); err != nil {
		t.Fatal(err)
	}
	s.setConfig(map[string]string{"berth:service.env.FEATURE_FLAG": "broken"}, false)
	r, err := s.up()
	if err == nil {
		t.Fatal("up succeeded although the canary lane's alarms rolled it back")
	}
	out := err.Error() + r.stdout + r.stderr
	for _, want := range []string{"the canary lane's deployment did not complete: ECS service " + canaryName + " runs " + r2 + ", not ",
		"a deployment alarm, berth-app-canary-5xx-", "or berth-app-canary-unhealthy-", "went into ALARM"} {
		if !strings.Contains(out, want) {
			t.Errorf("up failed without %q:\n%s", want, r.failure())
		}
	}
	if strings.Contains(out, "stable lane's deployment") {
		t.Errorf("up blamed the stable lane:\n%s", r.failure())
	}
	if op, ok := cloudOps(r)["app-svc"]; ok {
		t.Errorf("the failing release did %s to the stable lane", op)
	}
	if stable, canary := lanes(e); stable != r2 || canary != r2 {
		t.Errorf("after the rollback the lanes run %s and %s, want both %s", stable, canary, r2)
	}

	// Removing the canary: the stable lane takes the release, then the
	// lane goes, the split first and the group last.
	if err := e.cloud.ScriptDeployments(canaryName, providers.DeploymentSucceeds); err != nil {
		t.Fatal(err)
	}
	s.removeConfig("berth:service.rollout.canary")
	from = len(e.state().Log)
	r = s.mustUp()
	want := each(canaryLane, "delete")
	want["app-svc"] = "update"
	// The failed up of (e) registered the broken release and stopped
	// before deleting the revision it replaced, which the engine keeps as
	// pending deletion and deletes now: a DeleteReplaced step, which
	// operations reads as a delete-first replacement. skip_destroy keeps
	// the revision registered.
	want["app-taskdef"] = "replace delete-first"
	checkOps(t, "removing the canary", r, want)
	if !registered(e, r2) {
		t.Errorf("the revision the stable lane ran until now, %s, was deregistered", r2)
	}
	checkOrder(t, "removing the canary", e.state().Log, from,
		"deploy ecs service berth-app-",
		"delete "+providers.ListenerRule+" "+split,
		"delete "+providers.ListenerRule+" "+route,
		"delete "+providers.TargetGroup+" "+canaryTG)
	for _, l := range e.state().Log[from:] {
		if strings.HasPrefix(l, "delete refused") {
			t.Errorf("removing the canary: %s", l)
		}
	}
	if stable, canary := lanes(e); stable == r2 || canary != "" {
		t.Errorf("after removing the canary the lanes run %q and %q, want the new release and no canary lane", stable, canary)
	}
	checkNoOp(t, s, "after removing the canary")
}

// checkNoStrandedShare asserts that from the fake cloud's step from on, no
// step sent a share of requests to a target group no task serves, but for
// the header route: it associates the canary group with the load balancer
// before the canary service can exist, so requests that ask for the
// canary fail until it does (docs/rollouts.md).
func checkNoStrandedShare(t *testing.T, e *env, from int) {
	t.Helper()
	for _, st := range e.state().Steps[from:] {
		for _, x := range st.Stranded {
			if !strings.HasPrefix(x, "app-canary-route: ") {
				t.Errorf("after %q requests went to a group no task serves: %s", st.After, x)
			}
		}
	}
}

// canaryCreates is what a preview of enabling the canary lists.
func canaryCreates() []string {
	types := map[string]string{
		"app-canary-tg": providers.TargetGroup, "app-canary-route": providers.ListenerRule, "app-canary-split": providers.ListenerRule,
		"app-canary-5xx": providers.MetricAlarm, "app-canary-unhealthy": providers.MetricAlarm, "app-canary-svc": providers.ECSService,
		"app-canary-scaling": providers.ScalingTarget, "app-canary-cpu": providers.ScalingPolicy, "app-canary-requests": providers.ScalingPolicy,
	}
	var out []string
	for _, n := range canaryLane {
		out = append(out, "create "+types[n]+" "+n)
	}
	slices.Sort(out)
	return out
}

// registered reports whether the task definition revision arn is
// registered (ACTIVE) in the fake cloud, whether or not the state still
// holds it.
func registered(e *env, arn string) bool {
	for _, r := range e.state().Resources {
		if r.Type == providers.ECSTaskDefinition && r.State["arn"] == arn {
			return r.Status == cloud.Live
		}
	}
	return false
}

// TestAFargateStackWithACanaryDestroysCleanly: destroying a stack while a
// canary runs deletes both lanes, each rule before the groups it forwards
// to (the fake cloud refuses a group a rule still uses), and leaves
// nothing behind but the revisions skipDestroy keeps registered.
func TestAFargateStackWithACanaryDestroysCleanly(t *testing.T) {
	e := newEnv(t)
	s := e.stack("prod", "infra", program.Run)
	s.mustUp()
	r1, _ := lanes(e)
	s.setConfig(map[string]string{"berth:service.rollout.canary.stable": r1, "berth:service.env.FEATURE_FLAG": "on"}, false)
	s.mustUp()
	if stable, canary := lanes(e); stable != r1 || canary == r1 || canary == "" {
		t.Fatalf("the lanes run %q and %q, want %s and a new release", stable, canary, r1)
	}
	d, err := s.destroy()
	if err != nil {
		t.Fatalf("destroy failed: %v\n%s", err, d.failure())
	}
	if left := e.live(); len(left) != 0 {
		t.Errorf("destroy left in the fake cloud:\n%s", strings.Join(left, "\n"))
	}
	for _, l := range e.state().Log {
		if strings.HasPrefix(l, "delete refused") {
			t.Errorf("destroy: %s", l)
		}
	}
}
