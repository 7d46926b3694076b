// Package lifecycle tracks whether the service should receive traffic.
//
// [Readiness] answers /readyz from memory: not ready until the server has
// started, not ready while a configured dependency is down or its schema is
// not yet migrated, and not ready from the moment shutdown begins. A
// [Checker] goroutine keeps the dependency status current by pinging every
// few seconds, so that probes never cost a database round trip, and runs the
// migration once the database first answers.
package lifecycle

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// Readiness is the service's readiness state; safe for concurrent use.
// The zero value is not started, has no dependency and is not draining.
type Readiness struct {
	started  atomic.Bool
	draining atomic.Bool
	// dependency is nil when no dependency is configured.
	dependency atomic.Pointer[string]
}

// Reasons reported by [Readiness.Ready].
const (
	// ReasonReady accompanies a ready answer.
	ReasonReady = "ready"
	// ReasonStarting means the server has not started serving yet.
	ReasonStarting = "starting"
	// ReasonDraining means SIGTERM or SIGINT has arrived.
	ReasonDraining = "shutting down"
)

// SetStarted marks the server as serving.
func (r *Readiness) SetStarted() { r.started.Store(true) }

// SetDraining marks the start of shutdown; readiness fails from now on.
func (r *Readiness) SetDraining() { r.draining.Store(true) }

// Draining reports whether shutdown has begun.
func (r *Readiness) Draining() bool { return r.draining.Load() }

// SetDependency records the status of the dependency: "" when it is usable,
// else the reason it is not. Calling it declares that a dependency exists.
func (r *Readiness) SetDependency(reason string) { r.dependency.Store(&reason) }

// Ready reports whether the service should receive traffic, and why.
func (r *Readiness) Ready() (bool, string) {
	switch {
	case r.draining.Load():
		return false, ReasonDraining
	case !r.started.Load():
		return false, ReasonStarting
	}
	if d := r.dependency.Load(); d != nil && *d != "" {
		return false, *d
	}
	return true, ReasonReady
}

// Dependency is what the checker needs from the store.
type Dependency interface {
	// Ping checks that the dependency answers.
	Ping(ctx context.Context) error
	// Migrate prepares the dependency (creates the schema); it must be idempotent.
	Migrate(ctx context.Context) error
}

// Checker intervals. Each carries its reason.
const (
	// DefaultCheckInterval is short enough that an outage is noticed within
	// one load-balancer health-check period, long enough to cost nothing.
	DefaultCheckInterval = 2 * time.Second
	// DefaultCheckTimeout keeps one slow ping from delaying the next check.
	DefaultCheckTimeout = 1500 * time.Millisecond
	// DefaultMigrateTimeout bounds one migration attempt, including waiting
	// for the advisory lock held by another instance.
	DefaultMigrateTimeout = 30 * time.Second
)

// Checker keeps the dependency status in Readiness current.
type Checker struct {
	// Dependency is checked every Interval. Required.
	Dependency Dependency
	// Readiness receives the status. Required.
	Readiness *Readiness
	// Logger logs status changes. Required.
	Logger *slog.Logger
	// Interval is the time between checks. Default: DefaultCheckInterval.
	Interval time.Duration
	// Timeout bounds one ping. Default: DefaultCheckTimeout.
	Timeout time.Duration
}

// Run checks at once and then every Interval until ctx ends. It runs the
// migration after the first successful ping, and again after each failed
// attempt, and reports the dependency usable only once it has succeeded.
func (c *Checker) Run(ctx context.Context) {
	interval, timeout := c.Interval, c.Timeout
	if interval <= 0 {
		interval = DefaultCheckInterval
	}
	if timeout <= 0 {
		timeout = DefaultCheckTimeout
	}
	c.Readiness.SetDependency("database: not checked yet")
	migrated := false
	lastReason := ""
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		reason := c.check(ctx, timeout, &migrated)
		if ctx.Err() != nil {
			return
		}
		c.Readiness.SetDependency(reason)
		if reason != lastReason {
			if reason == "" {
				c.Logger.InfoContext(ctx, "database is ready")
			} else {
				c.Logger.WarnContext(ctx, "database is not ready", "reason", reason)
			}
			lastReason = reason
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (c *Checker) check(ctx context.Context, timeout time.Duration, migrated *bool) string {
	pingCtx, cancel := context.WithTimeout(ctx, timeout)
	err := c.Dependency.Ping(pingCtx)
	cancel()
	if err != nil {
		return "database: unreachable: " + err.Error()
	}
	if !*migrated {
		mctx, cancel := context.WithTimeout(ctx, DefaultMigrateTimeout)
		err := c.Dependency.Migrate(mctx)
		cancel()
		if err != nil {
			return "database: migration failed: " + err.Error()
		}
		*migrated = true
		c.Logger.InfoContext(ctx, "database schema is up to date")
	}
	return ""
}
