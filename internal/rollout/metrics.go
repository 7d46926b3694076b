package rollout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Role names one of the two releases of a service with a canary.
type Role string

// The two roles.
const (
	// Stable is the release rollout.canary.stable names, serving the rest.
	Stable Role = "stable"
	// Canary is the newest release, serving rollout.canary.percent.
	Canary Role = "canary"
)

// Release is one release of the service as the cloud runs it.
type Release struct {
	// Name is the release as rollout.canary.stable names it: a Cloud Run
	// revision name ("SERVICE-SUFFIX") or an ECS task definition ARN.
	Name string
	// Percent is its share of requests, 0 to 100.
	Percent int
}

// Releases are the two releases a service with a canary serves.
type Releases struct {
	// Stable and Canary are the two releases.
	Stable, Canary Release
	// CanarySince is when the canary started serving.
	CanarySince time.Time
}

// Metrics is what berth rollout reads from a cloud: one implementation per
// cloud (NewCloudRun, NewFargate), and scripted ones in tests.
type Metrics interface {
	// Service names the service for people: "Cloud Run service S
	// (project P, region R)".
	Service() string
	// Releases finds the service's stable and canary releases, their
	// shares, and when the canary started serving.
	Releases(ctx context.Context) (Releases, error)
	// Counts reads the requests and 5xx answers of the release in role r
	// from start to end. Call it after Releases.
	Counts(ctx context.Context, r Role, start, end time.Time) (Counts, error)
}

// ErrNothingToJudge is wrapped by Check's error when the service has no
// canary serving requests.
var ErrNothingToJudge = errors.New("nothing to judge")

// Status is a canary's state and its verdict: what `berth rollout status`
// prints.
type Status struct {
	// Service names the service, from Metrics.Service.
	Service string
	// Releases are the two releases and their shares.
	Releases Releases
	// Stable and Canary are the releases' counts over the time the canary
	// has served.
	Stable, Canary Counts
	// Served is how long the canary has served.
	Served time.Duration
	// Budget is what the canary is judged against.
	Budget Budget
	// Verdict is the decision and its reason.
	Verdict Verdict
}

// Check reads both releases' counts since the canary started serving
// until now and judges the canary against b. The stable release's counts
// cover the same time, for comparison only: the verdict reads the
// canary's alone.
func Check(ctx context.Context, m Metrics, b Budget, now time.Time) (*Status, error) {
	rel, err := m.Releases(ctx)
	if err != nil {
		return nil, fmt.Errorf("finding the releases of %s: %w", m.Service(), err)
	}
	switch {
	case rel.Canary.Name == "" || rel.Canary.Name == rel.Stable.Name:
		return nil, fmt.Errorf("%w: %s serves only its stable release %s", ErrNothingToJudge, m.Service(), rel.Stable.Name)
	case rel.Canary.Percent == 0:
		return nil, fmt.Errorf("%w: the canary %s of %s serves no requests (aborted, or not yet given its share)", ErrNothingToJudge, rel.Canary.Name, m.Service())
	}
	start := rel.CanarySince
	if start.IsZero() || start.After(now) {
		start = now
	}
	s := &Status{Service: m.Service(), Releases: rel, Served: now.Sub(start), Budget: b}
	if s.Canary, err = m.Counts(ctx, Canary, start, now); err != nil {
		return nil, fmt.Errorf("reading the canary's requests: %w", err)
	}
	if s.Stable, err = m.Counts(ctx, Stable, start, now); err != nil {
		return nil, fmt.Errorf("reading the stable release's requests: %w", err)
	}
	s.Verdict = Judge(b, s.Canary, s.Served)
	return s, nil
}

// WriteText writes the status for people: the service, each release with
// its share, requests and 5xx rate, in columns, the budget, and the verdict
// last.
func (s *Status) WriteText(w io.Writer) error {
	stable, canary := Thousands(s.Stable.Requests), Thousands(s.Canary.Requests)
	width := max(len(stable), len(canary))
	_, err := fmt.Fprintf(w, "%s\n"+
		"  stable  %3d%%  %*s requests  %6s 5xx  %s\n"+
		"  canary  %3d%%  %*s requests  %6s 5xx  %s, serving for %s\n"+
		"budget: at most %s 5xx over at least %s requests, observed for %s\n"+
		"%s\n",
		s.Service,
		s.Releases.Stable.Percent, width, stable, Rate(s.Stable.Rate()), s.Releases.Stable.Name,
		s.Releases.Canary.Percent, width, canary, Rate(s.Canary.Rate()), s.Releases.Canary.Name, Duration(s.Served),
		Percent(s.Budget.ErrorRate), Thousands(s.Budget.MinRequests), Duration(s.Budget.Observe),
		s.Verdict.Reason)
	return err
}
