package lifecycle

import (
	"context"
	"errors"
	"io"
	"log/slog"
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
	r.SetDependency("database: unreachable")
	if ok, why := r.Ready(); ok || why != "database: unreachable" {
		t.Fatalf("dependency down: %v %q", ok, why)
	}
	r.SetDependency("")
	if ok, _ := r.Ready(); !ok {
		t.Fatal("dependency back but not ready")
	}
	r.SetDraining()
	if ok, why := r.Ready(); ok || why != ReasonDraining {
		t.Fatalf("draining: %v %q", ok, why)
	}
}

type fakeDependency struct {
	mu         sync.Mutex
	pingErr    error
	migrateErr error
	migrations int
	pinged     chan struct{}
}

func (f *fakeDependency) Ping(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case f.pinged <- struct{}{}:
	default:
	}
	return f.pingErr
}

func (f *fakeDependency) Migrate(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.migrations++
	return f.migrateErr
}

func (f *fakeDependency) set(ping, migrate error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pingErr, f.migrateErr = ping, migrate
}

// waitFor polls cond; the bound only keeps a broken test from hanging.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCheckerTracksDependencyAndMigratesOnce(t *testing.T) {
	t.Parallel()
	dep := &fakeDependency{pingErr: errors.New("connection refused"), pinged: make(chan struct{}, 1)}
	r := &Readiness{}
	r.SetStarted()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	c := &Checker{Dependency: dep, Readiness: r, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Interval: time.Millisecond}
	go func() { c.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	waitFor(t, "not ready while the database is down", func() bool { ok, why := r.Ready(); return !ok && why != "database: not checked yet" })
	dep.set(nil, errors.New("lock timeout"))
	waitFor(t, "migration failure reported", func() bool { _, why := r.Ready(); return why == "database: migration failed: lock timeout" })
	dep.set(nil, nil)
	waitFor(t, "ready once migrated", func() bool { ok, _ := r.Ready(); return ok })
	dep.set(errors.New("connection reset"), nil)
	waitFor(t, "not ready when the database goes away", func() bool { ok, _ := r.Ready(); return !ok })
	dep.set(nil, nil)
	waitFor(t, "ready when it returns", func() bool { ok, _ := r.Ready(); return ok })

	dep.mu.Lock()
	n := dep.migrations
	dep.mu.Unlock()
	waitFor(t, "more pings", func() bool { <-dep.pinged; <-dep.pinged; return true })
	dep.mu.Lock()
	defer dep.mu.Unlock()
	if dep.migrations != n {
		t.Fatalf("migrated again after success: %d then %d", n, dep.migrations)
	}
}
