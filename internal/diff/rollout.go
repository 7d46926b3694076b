package diff

import (
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// Rollout is a change of how a service splits its requests between its
// releases, in the words a reviewer reads: the split before and after, and
// what the change does (a canary starts, a release is promoted or
// aborted, a new release takes the canary's share).
type Rollout struct {
	// URN is the service whose split changes.
	URN string `json:"urn"`
	// Before and After are the splits, "REVISION 90%, latest (tag canary)
	// 10%"; Before is empty for a new service.
	Before string `json:"before"`
	After  string `json:"after"`
	// Words say what the change does.
	Words string `json:"words"`
}

// split is a Cloud Run service's traffic as berth writes it: every
// request to the latest ready revision (canary false), or the stable
// revision at the rest and the latest at share (canary true).
type split struct {
	canary bool
	stable string
	share  int
	// text is the split as Rollout shows it.
	text string
	// known says the traffic had one of berth's two shapes.
	known bool
}

// splitOf reads a Cloud Run service's traffics input.
func splitOf(in map[string]any) split {
	if in == nil {
		return split{}
	}
	v, _ := plan.Lookup(in, "traffics")
	list, _ := v.([]any)
	var parts []string
	var s split
	latest, revision := -1, -1
	for _, t := range list {
		m, _ := t.(map[string]any)
		pct, _ := m["percent"].(float64)
		typ, _ := m["type"].(string)
		name := "latest"
		switch typ {
		case providers.CloudRunTrafficLatest:
			latest = int(pct)
		case providers.CloudRunTrafficRevision:
			name = render(m["revision"], true)
			if r, ok := m["revision"].(string); ok {
				name, s.stable, revision = r, r, int(pct)
			}
		}
		if tag, ok := m["tag"].(string); ok {
			name += " (tag " + tag + ")"
		}
		parts = append(parts, fmt.Sprintf("%s %d%%", name, int(pct)))
	}
	s.text = strings.Join(parts, ", ")
	switch {
	case len(list) == 0:
		// No traffic is every request to the latest ready revision
		// ([TPGB] crv2:888-894).
		s.text, s.known = "latest 100%", true
	case len(list) == 1 && latest == 100:
		s.known = true
	case len(list) == 2 && latest >= 0 && revision >= 0 && latest+revision == 100:
		s.canary, s.share, s.known = true, latest, true
	}
	return s
}

// rolloutOf describes c's change of a service's split between releases, or
// says there is none: a Cloud Run service's traffic (a new revision under
// a canary counts: it takes the canary's share), or a listener rule's
// weighted forward between target groups (components/fargate's canary
// split), and under such a split, the lanes' ECS services moving to other
// task definitions.
func rolloutOf(c *change) (Rollout, bool) {
	switch c.Type {
	case providers.ListenerRule:
		return weightedRollout(c)
	case providers.ECSService:
		return laneRollout(c)
	}
	if c.Type != providers.CloudRunService || c.Op == Delete {
		return Rollout{}, false
	}
	was, is := splitOf(c.oldIn), splitOf(c.newIn)
	release := newTemplate(c)
	if c.Op == Create {
		was = split{}
	}
	if was.text == is.text && !(release && is.canary) {
		return Rollout{}, false
	}
	return Rollout{URN: c.URN, Before: was.text, After: is.text, Words: rolloutWords(was, is, release && c.Op != Create, revisionOf(c.newIn))}, true
}

// newTemplate says c changes a Cloud Run service's template, which makes
// a new revision (Cloud Run docs, "Revisions"; the 409 of a name reused
// with another template).
func newTemplate(c *change) bool {
	for _, v := range applied(c.Values) {
		if strings.HasPrefix(v.Path, "template.") {
			return true
		}
	}
	return false
}

// revisionOf is the revision a template makes, as text.
func revisionOf(in map[string]any) string {
	v, ok := plan.Lookup(in, "template", "revision")
	if s, isString := v.(string); isString {
		return s
	}
	if ok {
		return "the new revision (named once its image is built)"
	}
	return "a new revision"
}

// rolloutWords says what a change from split was to split is does; release
// says the template makes a new revision, named rev.
func rolloutWords(was, is split, release bool, rev string) string {
	var w []string
	switch {
	case !was.known || !is.known:
		w = append(w, "the traffic split changes")
	case !was.canary && is.canary:
		w = append(w, fmt.Sprintf("canary starts: %s keeps %d%%, the latest revision takes %d%% under its tag", is.stable, 100-is.share, is.share))
	case was.canary && !is.canary:
		w = append(w, "canary ends: the latest revision takes every request")
	case was.canary && is.canary && was.stable != is.stable:
		w = append(w, fmt.Sprintf("promote: %s becomes the stable revision, %s stops serving", is.stable, was.stable))
	}
	if was.canary && is.canary {
		switch {
		case was.share > 0 && is.share == 0:
			w = append(w, fmt.Sprintf("abort: every request goes to %s, the latest revision keeps its tag at 0%%", is.stable))
		case was.share == 0 && is.share > 0:
			w = append(w, fmt.Sprintf("resume: the latest revision takes %d%% again", is.share))
		case was.share != is.share:
			w = append(w, fmt.Sprintf("the latest revision's share goes from %d%% to %d%%", was.share, is.share))
		}
	}
	if release {
		switch {
		case is.canary && is.share > 0:
			w = append(w, fmt.Sprintf("release: %s takes the canary's %d%%", rev, is.share))
		case is.canary:
			w = append(w, fmt.Sprintf("release: %s is deployed without traffic (aborted)", rev))
		default:
			w = append(w, fmt.Sprintf("release: %s takes every request", rev))
		}
	}
	return strings.Join(w, "; ")
}

// unobservedFindings raises rollout, on a production stack, for a change
// of a Cloud Run service's split that sends every request (or the stable
// share) to a revision the canary did not observe: a canary that ends in
// the same change as a new release, or a promotion of a revision that was
// not the latest serving a share (an aborted one, or another).
func unobservedFindings(c *change, production bool) []string {
	if !production || c.Type != providers.CloudRunService || c.Op != Update {
		return nil
	}
	was, is := splitOf(c.oldIn), splitOf(c.newIn)
	if !was.canary {
		return nil
	}
	release := newTemplate(c)
	oldRev, _ := plan.Lookup(c.oldIn, "template", "revision")
	switch {
	case !is.canary && release:
		return []string{"the canary ends in the same change as a new release: every request goes to a revision no canary observed"}
	case is.canary && is.stable != was.stable && (is.stable != oldRev || was.share == 0):
		return []string{fmt.Sprintf("promotes %s, which served no canary share before (aborted, or not the latest revision): %d%% of requests go to a release nothing observed", is.stable, 100-is.share)}
	}
	return nil
}

// production says whether a stack is a production one, by name: "prod" or
// "production", alone or before a hyphen ("prod-eu").
func production(stack string) bool {
	for _, p := range []string{"prod", "production"} {
		if stack == p || strings.HasPrefix(stack, p+"-") {
			return true
		}
	}
	return false
}

// weights are a weighted forward's target groups, by name, and their
// weights, in order; nil when the rule forwards to fewer than two groups.
type weights struct {
	groups []string
	weight []int
}

// weightsOf reads a listener rule's first weighted forward (actions[].
// forward.targetGroups[]{arn, weight}).
func weightsOf(in map[string]any) *weights {
	for _, groups := range weightedForwards(in) {
		w := &weights{}
		for _, m := range groups {
			name := render(m["arn"], true)
			if u := sourceNames(m["arn"]); u != "" {
				name = u
			}
			// A weight left out is 1 ([TPA] listener_rule.go
			// action.forward.target_group.weight, Default 1).
			n, ok := m["weight"].(float64)
			if !ok {
				n = 1
			}
			w.groups = append(w.groups, name)
			w.weight = append(w.weight, int(n))
		}
		return w
	}
	return nil
}

// weightedForwards returns the target groups of each forward action of a
// listener rule's inputs that splits requests between two or more groups,
// in order.
func weightedForwards(in map[string]any) [][]map[string]any {
	var out [][]map[string]any
	actions, _ := in["actions"].([]any)
	for _, a := range actions {
		m, _ := a.(map[string]any)
		tgs, _ := plan.Lookup(m, "forward", "targetGroups")
		list, _ := tgs.([]any)
		if len(list) < 2 {
			continue
		}
		groups := make([]map[string]any, len(list))
		for i, t := range list {
			groups[i], _ = t.(map[string]any)
		}
		out = append(out, groups)
	}
	return out
}

// sourceNames is the logical name an annotated value's unknown parts come
// from, "" when there is not exactly one.
func sourceNames(v any) string {
	var names []string
	eachUnknown(v, func(u unknownFrom) { names = appendNew(names, u.names) })
	if len(names) != 1 || strings.Contains(names[0], ",") {
		return ""
	}
	return names[0]
}

// text is the split as Rollout shows it.
func (w *weights) text() string {
	if w == nil {
		return ""
	}
	parts := make([]string, len(w.groups))
	for i := range w.groups {
		if w.percent() {
			parts[i] = fmt.Sprintf("%s %d%%", w.groups[i], w.weight[i])
		} else {
			parts[i] = fmt.Sprintf("%s weight %d", w.groups[i], w.weight[i])
		}
	}
	return strings.Join(parts, ", ")
}

// percent says the weights sum to 100, as berth's split does: each is
// then a percentage of requests.
func (w *weights) percent() bool {
	sum := 0
	for _, n := range w.weight {
		sum += n
	}
	return sum == 100
}

// weightedRollout describes a change of a weighted forward: created, the
// canary starts; deleted, it ends; else the canary's (the last group's)
// weight moves. Weights are percentages in berth's split (they sum to
// 100); another rule's are shown as they are.
func weightedRollout(c *change) (Rollout, bool) {
	var was, is *weights
	if c.Op != Create {
		was = weightsOf(c.oldIn)
	}
	if c.Op != Delete {
		is = weightsOf(c.newIn)
	}
	if was == nil && is == nil || was.text() == is.text() {
		return Rollout{}, false
	}
	var words string
	switch {
	case was == nil && is.percent():
		last := len(is.groups) - 1
		words = fmt.Sprintf("canary starts: %s keeps %d%%, %s takes %d%%", is.groups[0], is.weight[0], is.groups[last], is.weight[last])
	case was == nil:
		words = "a weighted split starts"
	case is == nil:
		words = "canary ends: the listener's default action takes every request"
	case !was.percent() || !is.percent():
		words = "the split's weights change"
	default:
		last, lastWas := len(is.groups)-1, len(was.groups)-1
		switch w, v := was.weight[lastWas], is.weight[last]; {
		case w > 0 && v == 0:
			words = fmt.Sprintf("abort: every request goes to %s, %s takes none", is.groups[0], is.groups[last])
		case w == 0 && v > 0:
			words = fmt.Sprintf("%s takes %d%%, up from none (the end of an abort, or a first share)", is.groups[last], v)
		default:
			words = fmt.Sprintf("%s's share goes from %d%% to %d%%", is.groups[last], w, v)
		}
	}
	return Rollout{URN: c.URN, Before: was.text(), After: is.text(), Words: words}, true
}

// laneRollout describes an ECS service behind a canary split moving to
// another task definition: the canary lane's release or the stable lane's
// promotion (components/fargate names the canary lane's service
// NAME-canary-svc).
func laneRollout(c *change) (Rollout, bool) {
	if c.Op != Update {
		return Rollout{}, false
	}
	var td *Value
	for _, v := range applied(c.Values) {
		if v.Path == "taskDefinition" {
			td = &v
		}
	}
	if td == nil || !c.head.canaryLane(c.URN) {
		return Rollout{}, false
	}
	plain := func(v any, has bool) string {
		if s, ok := v.(string); ok {
			return s
		}
		return render(v, has)
	}
	was, is := plain(td.Old, td.HasOld), plain(td.New, td.HasNew)
	_, wasPinned := td.Old.(string)
	_, isPinned := td.New.(string)
	var words string
	switch {
	case strings.HasSuffix(c.Name, "-canary-svc") && isPinned:
		words = fmt.Sprintf("the canary lane %s moves to %s (the stable release, when aborted)", c.Name, is)
	case strings.HasSuffix(c.Name, "-canary-svc"):
		words = fmt.Sprintf("release: the canary lane %s runs the task definition this update registers", c.Name)
	case isPinned && wasPinned:
		words = fmt.Sprintf("promote: the stable lane %s moves to %s", c.Name, is)
	case isPinned:
		words = fmt.Sprintf("the stable lane %s is pinned to %s", c.Name, is)
	default:
		words = fmt.Sprintf("the stable lane %s runs the task definition this update registers", c.Name)
	}
	return Rollout{URN: c.URN, Before: was, After: is, Words: words}, true
}

// abortedPromotionFindings raises rollout, on a production stack, for a
// Fargate stable lane promoted while the canary was aborted in base (its
// split gave the canary lane 0): the release it moves to served no canary
// share, as on Cloud Run (unobservedFindings).
func abortedPromotionFindings(r *Result, base *plan.Plan) []Flag {
	if !production(r.Stack) {
		return nil
	}
	aborted := map[string]bool{}
	for _, res := range base.Resources {
		if res.Type != providers.ListenerRule {
			continue
		}
		if w := weightsOf(res.Inputs); w != nil && w.weight[len(w.weight)-1] == 0 {
			aborted[res.Parent] = true
		}
	}
	var out []Flag
	for _, ro := range r.Rollouts {
		if !strings.HasPrefix(ro.Words, "promote: the stable lane ") {
			continue
		}
		for _, c := range r.Changes {
			if c.URN == ro.URN && aborted[c.Component] {
				out = append(out, Flag{Kind: KindRollout, URN: c.URN, Reason: fmt.Sprintf("promotes %s while the canary is aborted: the stable lane moves to a release that served no canary share", ro.After)})
			}
		}
	}
	return out
}

// newLaneFindings raises rollout for a Fargate canary that starts in the
// same change as a new release (a task definition registered again): the
// new canary lane's service is created running that release, and the
// provider counts a new ECS service steady once its tasks run
// (terraform-provider-aws internal/service/ecs/service.go
// statusServiceWaitForStable: one deployment, running count equal to
// desired), before they pass the target group's health checks, so the
// split can send the canary's share to tasks that are not healthy yet,
// or never will be. Started on its own, the lane runs the release already
// serving.
func newLaneFindings(r *Result) []Flag {
	released := map[string]bool{}
	for _, c := range r.Changes {
		if c.Type == providers.ECSTaskDefinition && c.Op != Delete {
			released[c.Component] = true
		}
	}
	var out []Flag
	for _, ro := range r.Rollouts {
		for _, c := range r.Changes {
			if c.URN == ro.URN && c.Type == providers.ListenerRule && c.Op == Create && released[c.Component] {
				out = append(out, Flag{Kind: KindRollout, URN: c.URN, Reason: "the canary starts in the same change as a new release: the new canary lane runs it, and its share can reach tasks that have not passed a health check yet (ECS counts a new service steady once its tasks run); start the canary in a change of its own"})
			}
		}
	}
	return out
}
