package diff

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// cloudRunPlan is a plan of stack with one Cloud Run service whose
// template makes revision rev (a string, or plan.Unknown) and whose
// traffic is traffics.
func cloudRunPlan(stack string, rev any, traffics ...any) *plan.Plan {
	r := res(providers.CloudRunService, "app-svc", "", map[string]any{
		"name":     "app",
		"template": map[string]any{"revision": rev, "containers": []any{map[string]any{"image": "r@sha256:" + strings.Repeat("a", 64)}}},
		"traffics": traffics,
	})
	r.URN = strings.Replace(r.URN, "urn:pulumi:test::", "urn:pulumi:"+stack+"::", 1)
	p := plnOf(r)
	p.Stack = stack
	return p
}

func latest(pct float64, tag string) map[string]any {
	m := map[string]any{"type": providers.CloudRunTrafficLatest, "percent": pct}
	if tag != "" {
		m["tag"] = tag
	}
	return m
}

func pinned(rev string, pct float64) map[string]any {
	return map[string]any{"type": providers.CloudRunTrafficRevision, "revision": rev, "percent": pct}
}

// TestRolloutsSayWhatASplitChangeDoes: each step of a canary's life, with
// the split before and after, in words; and on prod, a change that sends
// requests to a release no canary observed is flagged.
func TestRolloutsSayWhatASplitChangeDoes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		stack      string
		base, head *plan.Plan
		want       Rollout
		flags      []string
	}{
		{"start", "prod",
			cloudRunPlan("prod", "app-1", latest(100, "")),
			cloudRunPlan("prod", "app-1", pinned("app-1", 90), latest(10, "canary")),
			Rollout{Before: "latest 100%", After: "app-1 90%, latest (tag canary) 10%",
				Words: "canary starts: app-1 keeps 90%, the latest revision takes 10% under its tag"}, nil},
		{"release", "prod",
			cloudRunPlan("prod", "app-1", pinned("app-1", 90), latest(10, "canary")),
			cloudRunPlan("prod", plan.Unknown{From: "urn:img", NewOnUpdate: true}, pinned("app-1", 90), latest(10, "canary")),
			Rollout{Before: "app-1 90%, latest (tag canary) 10%", After: "app-1 90%, latest (tag canary) 10%",
				Words: "release: the new revision (named once its image is built) takes the canary's 10%"}, nil},
		{"promote", "prod",
			cloudRunPlan("prod", "app-2", pinned("app-1", 90), latest(10, "canary")),
			cloudRunPlan("prod", "app-2", pinned("app-2", 90), latest(10, "canary")),
			Rollout{Before: "app-1 90%, latest (tag canary) 10%", After: "app-2 90%, latest (tag canary) 10%",
				Words: "promote: app-2 becomes the stable revision, app-1 stops serving"}, nil},
		{"abort", "prod",
			cloudRunPlan("prod", "app-3", pinned("app-2", 90), latest(10, "canary")),
			cloudRunPlan("prod", "app-3", pinned("app-2", 100), latest(0, "canary")),
			Rollout{Before: "app-2 90%, latest (tag canary) 10%", After: "app-2 100%, latest (tag canary) 0%",
				Words: "abort: every request goes to app-2, the latest revision keeps its tag at 0%"}, nil},
		{"promoting the aborted release", "prod",
			cloudRunPlan("prod", "app-3", pinned("app-2", 100), latest(0, "canary")),
			cloudRunPlan("prod", "app-3", pinned("app-3", 90), latest(10, "canary")),
			Rollout{Before: "app-2 100%, latest (tag canary) 0%", After: "app-3 90%, latest (tag canary) 10%",
				Words: "promote: app-3 becomes the stable revision, app-2 stops serving; resume: the latest revision takes 10% again"},
			[]string{"rollout: promotes app-3, which served no canary share before (aborted, or not the latest revision): 90% of requests go to a release nothing observed"}},
		{"ending the canary with a release", "prod",
			cloudRunPlan("prod", "app-3", pinned("app-2", 80), latest(20, "canary")),
			cloudRunPlan("prod", "app-4", latest(100, "")),
			Rollout{Before: "app-2 80%, latest (tag canary) 20%", After: "latest 100%",
				Words: "canary ends: the latest revision takes every request; release: app-4 takes every request"},
			[]string{"rollout: the canary ends in the same change as a new release: every request goes to a revision no canary observed"}},
		{"the same on dev", "dev",
			cloudRunPlan("dev", "app-3", pinned("app-2", 80), latest(20, "canary")),
			cloudRunPlan("dev", "app-4", latest(100, "")),
			Rollout{Before: "app-2 80%, latest (tag canary) 20%", After: "latest 100%",
				Words: "canary ends: the latest revision takes every request; release: app-4 takes every request"}, nil},
	} {
		r := compare(t, tc.base, tc.head)
		tc.want.URN = tc.head.Resources[0].URN
		if len(r.Rollouts) != 1 || r.Rollouts[0] != tc.want {
			t.Errorf("%s: rollouts = %+v\nwant %+v", tc.name, r.Rollouts, tc.want)
		}
		if got := flagLines(r); !slices.Equal(got, tc.flags) {
			t.Errorf("%s: flags = %q, want %q", tc.name, got, tc.flags)
		}
		out := allFormats(t, r)
		for format, text := range out {
			if !strings.Contains(text, "canary") && !strings.Contains(text, "release") {
				t.Errorf("%s: the %s output says nothing of the rollout:\n%s", tc.name, format, text)
			}
		}
		if !strings.Contains(out["text"], "Rollouts:\n  app-svc: "+tc.want.Words+"\n") {
			t.Errorf("%s: text output lacks the rollout line:\n%s", tc.name, out["text"])
		}
	}
	if r := compare(t, cloudRunPlan("prod", "app-1", latest(100, "")), cloudRunPlan("prod", "app-2", latest(100, ""))); len(r.Rollouts) != 0 {
		t.Errorf("a release without a canary is a rollout: %+v", r.Rollouts)
	}
}

func TestProductionStacksAreNamedSo(t *testing.T) {
	t.Parallel()
	for stack, want := range map[string]bool{"prod": true, "production": true, "prod-eu": true, "production-us": true, "dev": false, "preprod": false, "prods": false} {
		if got := production(stack); got != want {
			t.Errorf("production(%q) = %v, want %v", stack, got, want)
		}
	}
}

// TestAnAdoptersWeightedRuleShowsTheProvidersWeights: weights left out are
// the provider's default 1, and weights that do not sum to 100 are shown
// as weights, not percentages.
func TestAnAdoptersWeightedRuleShowsTheProvidersWeights(t *testing.T) {
	t.Parallel()
	rule := func(weights ...any) *plan.Plan {
		var groups []any
		for i, w := range weights {
			g := map[string]any{"arn": fmt.Sprintf("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/g%d/0", i)}
			if w != nil {
				g["weight"] = w
			}
			groups = append(groups, g)
		}
		return plnOf(res(providers.ListenerRule, "split", "", map[string]any{"actions": []any{map[string]any{"type": "forward", "forward": map[string]any{"targetGroups": groups}}}}))
	}
	r := compare(t, rule(nil, nil), rule(float64(3), nil))
	g := func(i int) string {
		return fmt.Sprintf("\"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/g%d/0\"", i)
	}
	want := Rollout{URN: r.Changes[0].URN, Before: g(0) + " weight 1, " + g(1) + " weight 1", After: g(0) + " weight 3, " + g(1) + " weight 1",
		Words: "the split's weights change"}
	if len(r.Rollouts) != 1 || r.Rollouts[0] != want {
		t.Errorf("rollouts = %+v\nwant %+v", r.Rollouts, want)
	}
}
