package enginetest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/berth-dev/berth/infra/program"
	"github.com/berth-dev/berth/internal/fakecloud/cloud"
	"github.com/berth-dev/berth/internal/providers"
)

// cloudRun returns the dev stack's Cloud Run service as the fake cloud
// holds it.
func cloudRun(t *testing.T, e *env) *cloud.Record {
	t.Helper()
	return serviceOf(t, e, providers.CloudRunService, "app-svc")
}

// revisionOf returns the revision the service's template names and the
// one that serves as the latest ready.
func revisionOf(t *testing.T, e *env) (template, ready string) {
	t.Helper()
	svc := cloudRun(t, e)
	template, _ = at(svc.State, "template", "revision").(string)
	ready, _ = svc.State["latestReadyRevision"].(string)
	return template, ready
}

// TestACloudRunCanaryIsPlannedPromotedAndAbortedByConfiguration runs the
// dev stack through a canary's life under the real engine and the fake
// cloud, each step a change of stack configuration: the canary starts at
// its split with no new revision, a second `up` changes nothing, a release
// takes the canary share only, promotion and abort move traffic without
// a new revision, a revert reuses its earlier revision without Cloud Run's
// 409, and a stable revision that does not exist fails `up`.
func TestACloudRunCanaryIsPlannedPromotedAndAbortedByConfiguration(t *testing.T) {
	e := newEnv(t)
	s := e.stack("dev", "infra", program.Run)
	s.mustUp()
	first, ready := revisionOf(t, e)
	name, _ := cloudRun(t, e).State["name"].(string)
	if !regexp.MustCompile(`^`+regexp.QuoteMeta(name)+`-[0-9a-f]{10}$`).MatchString(first) || ready != first {
		t.Fatalf("template.revision %q, latest ready %q: want both %s-HASH", first, ready, name)
	}
	split := func(when string, want ...any) {
		t.Helper()
		if got := jsonString(cloudRun(t, e).State["traffics"]); got != jsonString(want) {
			t.Errorf("%s: traffic %s, want %s", when, got, jsonString(want))
		}
	}
	revisions := func() int { return len(e.state().Revisions[cloudRunKeyOf(t, e)]) }

	// Start: the running revision is the stable one. Only traffic changes.
	s.setConfig(map[string]string{"berth:service.rollout.canary.stable": first, "berth:service.rollout.canary.percent": "20"}, false)
	r := s.mustUp()
	if got := r.changed(); strings.Join(got, "\n") != "update gcp:cloudrunv2/service:Service app-svc" {
		t.Errorf("starting the canary changed:\n%s", strings.Join(got, "\n"))
	}
	split("started",
		map[string]any{"percent": 80, "revision": first, "type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"},
		map[string]any{"percent": 20, "tag": "canary", "type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"})
	if n := revisions(); n != 1 {
		t.Errorf("starting the canary made %d revisions, want the one that was", n)
	}
	checkStable(t, s, "after starting the canary")

	// A release: a new revision takes the canary's share, the stable one
	// the rest.
	s.setConfig(map[string]string{"berth:service.env.FEATURE_FLAG": "on"}, false)
	s.mustUp()
	second, ready := revisionOf(t, e)
	if second == first || ready != second {
		t.Fatalf("the release made revision %q (latest ready %q), want a new name beside %q", second, ready, first)
	}
	split("released",
		map[string]any{"percent": 80, "revision": first, "type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"},
		map[string]any{"percent": 20, "tag": "canary", "type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"})
	checkStable(t, s, "after the release")

	// Promote: the new revision becomes the stable one; no new revision.
	s.setConfig(map[string]string{"berth:service.rollout.canary.stable": second}, false)
	s.mustUp()
	if now, _ := revisionOf(t, e); now != second || revisions() != 2 {
		t.Errorf("promoting made revision %q (%d in all), want %q and 2", now, revisions(), second)
	}
	split("promoted",
		map[string]any{"percent": 80, "revision": second, "type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"},
		map[string]any{"percent": 20, "tag": "canary", "type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"})

	// A bad release, aborted: every request to the stable revision, the
	// new one kept at 0% under its tag.
	s.setConfig(map[string]string{"berth:service.env.FEATURE_FLAG": "broken"}, false)
	s.mustUp()
	third, _ := revisionOf(t, e)
	s.setConfig(map[string]string{"berth:service.rollout.canary.abort": "true"}, false)
	s.mustUp()
	split("aborted",
		map[string]any{"percent": 100, "revision": second, "type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"},
		map[string]any{"percent": 0, "tag": "canary", "type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"})
	if now, _ := revisionOf(t, e); now != third {
		t.Errorf("aborting changed the template's revision to %q, want %q kept", now, third)
	}
	checkStable(t, s, "after the abort")

	// The revert of the bad release's change: the template is the
	// promoted one again, so is its name, which Cloud Run accepts (a 409
	// comes only for a name with another template).
	s.setConfig(map[string]string{"berth:service.env.FEATURE_FLAG": "on"}, false)
	s.removeConfig("berth:service.rollout.canary.abort")
	s.mustUp()
	if now, ready := revisionOf(t, e); now != second || ready != second || revisions() != 3 {
		t.Errorf("the revert runs %q (ready %q, %d revisions), want %q again and 3", now, ready, revisions(), second)
	}

	// A stable revision the service does not have fails the operation,
	// and the service serves what it served.
	s.setConfig(map[string]string{"berth:service.rollout.canary.stable": name + "-0000000000"}, false)
	r, err := s.up()
	if err == nil || !strings.Contains(r.failure(), "Revision '"+name+"-0000000000' does not exist or is deleted") {
		t.Errorf("up with a stable revision that does not exist: %v, want Cloud Run's error\n%s", err, r.failure())
	}
}

// at reads a nested value of a fake cloud state.
func at(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		o, _ := v.(map[string]any)
		v = o[k]
	}
	return v
}

// cloudRunKeyOf is the fake cloud's key of the dev stack's service's
// revisions.
func cloudRunKeyOf(t *testing.T, e *env) string {
	svc := cloudRun(t, e)
	return svc.State["project"].(string) + "/" + svc.State["location"].(string) + "/" + svc.State["name"].(string)
}
