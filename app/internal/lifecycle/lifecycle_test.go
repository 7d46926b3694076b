package lifecycle

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestReadinessOrder(t *testing.T) {
	t.Parallel()
	var r Readiness
	if ok, why := r.Ready(); ok || why != ReasonStarting {
		t.Fatalf("before start: %v %q", ok, why)
	}
	r.SetStarted()
	if ok, _ := r.Ready(); !ok {
		t.Fatal("started without dependency is not ready")
	}
	r.SetDependency(false)
	if ok, why := r.Ready(); ok || why != ReasonDependencyDown {
		t.Fatalf("dependency down: %v %q", ok, why)
	}
	r.SetDependency(true)
	if ok, _ := r.Ready(); !ok {
		t.Fatal("dependency back but not ready")
	}
	r.SetDraining()
	if ok, why := r.Ready(); ok || why != ReasonDraining {
		t.Fatalf("draining: %v %q", ok, why)
	}
}

// TestExpectedDependencyIsNotReadyUntilChecked is the start-up order of
// main: the dependency is declared, the server starts, and the checker has
// not run yet.
func TestExpectedDependencyIsNotReadyUntilChecked(t *testing.T) {
	t.Parallel()
	var r Readiness
	r.ExpectDependency()
	r.SetStarted()
	if ok, why := r.Ready(); ok || why != ReasonDependencyUnchecked {
		t.Fatalf("started, dependency never checked: %v %q, want not ready, %q", ok, why, ReasonDependencyUnchecked)
	}
	r.SetDependency(true)
	r.ExpectDependency() // a late call does not undo a check
	if ok, why := r.Ready(); !ok {
		t.Fatalf("dependency checked and usable: %v %q", ok, why)
	}
}

// steppedDependency answers each Ping with the next error the test sends,
// so that the test decides the outcome of every check in turn.
type steppedDependency struct {
	arrived chan struct{} // a Ping has begun
	results chan error

	mu         sync.Mutex
	migrateErr error
	migrations int
}

func newSteppedDependency() *steppedDependency {
	return &steppedDependency{arrived: make(chan struct{}), results: make(chan error)}
}

func (d *steppedDependency) Ping(ctx context.Context) error {
	select {
	case d.arrived <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-d.results:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (d *steppedDependency) Migrate(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.migrations++
	return d.migrateErr
}

func (d *steppedDependency) setMigrateErr(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.migrateErr = err
}

// syncBuffer is a log destination safe for the checker goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startChecker runs a checker on dep until the test ends, and returns once
// its first ping has begun. Its ping timeout is an hour so that only the
// test decides each outcome.
func startChecker(t *testing.T, dep *steppedDependency, r *Readiness, logs *syncBuffer, threshold int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	c := &Checker{
		Dependency: dep, Readiness: r, Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Interval: time.Millisecond, Timeout: time.Hour, FailureThreshold: threshold,
	}
	go func() { c.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("checker did not stop")
		}
	})
	awaitPing(t, dep)
}

// awaitPing waits for the checker to begin a ping; the bound only keeps a
// broken test from hanging.
func awaitPing(t *testing.T, d *steppedDependency) {
	t.Helper()
	select {
	case <-d.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("checker never pinged")
	}
}

// step answers the pending ping with err and waits until the checker has
// acted on it, which it has once it begins the next ping.
func step(t *testing.T, d *steppedDependency, err error) {
	t.Helper()
	d.results <- err // the pending ping is waiting for it
	awaitPing(t, d)
}

func TestCheckerNeedsConsecutiveFailuresToMarkDown(t *testing.T) {
	t.Parallel()
	dep := newSteppedDependency()
	r := &Readiness{}
	r.ExpectDependency()
	r.SetStarted()
	startChecker(t, dep, r, &syncBuffer{}, 2)
	refused := errors.New("connection refused")

	steps := []struct {
		name      string
		pingErr   error
		wantReady bool
		wantWhy   string
	}{
		{"a failure before any success is down at once", refused, false, ReasonDependencyDown},
		{"the first success is ready at once", nil, true, ReasonReady},
		{"one failure is not enough", refused, true, ReasonReady},
		{"a success resets the count", nil, true, ReasonReady},
		{"again one failure is not enough", refused, true, ReasonReady},
		{"the second failure in a row marks it down", refused, false, ReasonDependencyDown},
		{"it stays down", refused, false, ReasonDependencyDown},
		{"one success marks it ready again", nil, true, ReasonReady},
	}
	for _, s := range steps {
		step(t, dep, s.pingErr)
		if ok, why := r.Ready(); ok != s.wantReady || why != s.wantWhy {
			t.Fatalf("%s: Ready() = %v %q, want %v %q", s.name, ok, why, s.wantReady, s.wantWhy)
		}
	}
}

func TestCheckerMigratesOnceAndOnlyThenIsReady(t *testing.T) {
	t.Parallel()
	dep := newSteppedDependency()
	r := &Readiness{}
	r.ExpectDependency()
	r.SetStarted()
	logs := &syncBuffer{}
	startChecker(t, dep, r, logs, 1)

	if ok, why := r.Ready(); ok || why != ReasonDependencyUnchecked {
		t.Fatalf("before the first check: %v %q", ok, why)
	}
	dep.setMigrateErr(errors.New("lock timeout"))
	step(t, dep, nil)
	if ok, why := r.Ready(); ok || why != ReasonDependencyDown {
		t.Fatalf("migration failed: %v %q", ok, why)
	}
	if !strings.Contains(logs.String(), "migration failed: lock timeout") {
		t.Fatalf("migration failure not logged:\n%s", logs)
	}
	dep.setMigrateErr(nil)
	step(t, dep, nil)
	if ok, _ := r.Ready(); !ok {
		t.Fatal("not ready once migrated")
	}
	step(t, dep, errors.New("connection reset"))
	if ok, _ := r.Ready(); ok {
		t.Fatal("ready while the database is gone (threshold 1)")
	}
	step(t, dep, nil)
	step(t, dep, nil)
	if ok, _ := r.Ready(); !ok {
		t.Fatal("not ready when it returns")
	}
	dep.mu.Lock()
	defer dep.mu.Unlock()
	if dep.migrations != 2 {
		t.Fatalf("migrations = %d, want 2 (one failed, one succeeded, none after)", dep.migrations)
	}
}

// TestCheckerKeepsFailureDetailsInTheLog checks that what a failure says
// about the database (host, user, database name) reaches the log only:
// the readiness reason is what /readyz shows to anyone.
func TestCheckerKeepsFailureDetailsInTheLog(t *testing.T) {
	t.Parallel()
	dep := newSteppedDependency()
	r := &Readiness{}
	r.ExpectDependency()
	r.SetStarted()
	logs := &syncBuffer{}
	startChecker(t, dep, r, logs, 2)
	detail := `failed to connect to user=alice database=notes: 10.1.2.3:5432 (db.internal): dial error`
	step(t, dep, errors.New(detail))
	ok, why := r.Ready()
	if ok || why != ReasonDependencyDown {
		t.Fatalf("Ready() = %v %q, want not ready, %q", ok, why, ReasonDependencyDown)
	}
	for _, secret := range []string{"alice", "notes", "10.1.2.3", "db.internal"} {
		if strings.Contains(why, secret) {
			t.Errorf("readiness reason %q shows %q", why, secret)
		}
	}
	if l := logs.String(); !strings.Contains(l, "level=WARN") || !strings.Contains(l, "database is not ready") || !strings.Contains(l, "10.1.2.3:5432") {
		t.Fatalf("WARN log does not carry the detail:\n%s", l)
	}
}
