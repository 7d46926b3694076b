//go:build berthfake

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/berth-dev/berth/internal/fileread"
	"github.com/berth-dev/berth/internal/rollout"
)

// The berthfake build of berth, which only the end-to-end tests make,
// answers berth rollout from a script instead of a cloud when
// BERTH_FAKE_METRICS names one: a JSON file of fakeScript. The released
// binary is built without the tag and has no such path.
func init() {
	path := os.Getenv("BERTH_FAKE_METRICS")
	if path == "" {
		return
	}
	b, err := fileread.Read(path, 1<<20)
	if err != nil {
		panic(err)
	}
	var s fakeScript
	if err := json.Unmarshal(b, &s); err != nil {
		panic(fmt.Sprintf("BERTH_FAKE_METRICS %s: %v", path, err))
	}
	now = func() time.Time { return s.Now }
	newMetrics = func(_ context.Context, t rollout.Target) (rollout.Metrics, error) {
		return &fakeMetrics{target: t, script: s}, nil
	}
}

// fakeScript is what the fake cloud answers: the time it is, and each
// release with its share and counts.
type fakeScript struct {
	Now            time.Time
	CanarySince    time.Time
	Stable, Canary struct {
		Name             string
		Percent          int
		Requests, Errors int64
	}
}

// fakeMetrics answers from a fakeScript; its Service names the target berth
// found in the plan, so that tests see it.
type fakeMetrics struct {
	target rollout.Target
	script fakeScript
}

func (f *fakeMetrics) Service() string { return f.target.String() }

func (f *fakeMetrics) Releases(context.Context) (rollout.Releases, error) {
	s := f.script
	return rollout.Releases{
		Stable:      rollout.Release{Name: s.Stable.Name, Percent: s.Stable.Percent},
		Canary:      rollout.Release{Name: s.Canary.Name, Percent: s.Canary.Percent},
		CanarySince: s.CanarySince,
	}, nil
}

func (f *fakeMetrics) Counts(_ context.Context, r rollout.Role, _, _ time.Time) (rollout.Counts, error) {
	if r == rollout.Canary {
		return rollout.Counts{Requests: f.script.Canary.Requests, Errors: f.script.Canary.Errors}, nil
	}
	return rollout.Counts{Requests: f.script.Stable.Requests, Errors: f.script.Stable.Errors}, nil
}
