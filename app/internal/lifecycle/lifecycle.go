// Package lifecycle tracks whether the service should receive traffic.
//
// [Readiness] answers /readyz from memory: not ready until the server has
// started, not ready while a configured dependency is unchecked, down or its
// schema not yet migrated, and not ready from the moment shutdown begins. A
// [Checker] goroutine keeps the dependency status current by pinging every
// few seconds, so that probes never cost a database round trip, and runs the
// migration once the database first answers.
//
// The reasons [Readiness.Ready] gives are fixed strings meant for anyone who
// can reach /readyz; why the database is down (which names its host, user
// and database) goes only to the log.
package lifecycle

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"
)

// Readiness is the service's readiness state; safe for concurrent use.
// The zero value is not started, has no dependency and is not draining.
type Readiness struct {
	started  atomic.Bool
	draining atomic.Bool
	// dependency is one of the dependency* states.
	dependency atomic.Int32
}

// Dependency states kept in Readiness.dependency.
const (
	dependencyNone int32 = iota
	dependencyUnchecked
	dependencyDown
	dependencyUp
)

// Reasons reported by [Readiness.Ready]. None carries details of the
// dependency: /readyz may be reachable by anyone.
const (
	// ReasonReady accompanies a ready answer.
	ReasonReady = "ready"
	// ReasonStarting means the server has not started serving yet.
	ReasonStarting = "starting"
	// ReasonDraining means SIGTERM or SIGINT has arrived.
	ReasonDraining = "shutting down"
	// ReasonDependencyUnchecked means the database has not been checked yet.
	ReasonDependencyUnchecked = "database not checked yet"
	// ReasonDependencyDown means the database is unreachable or its schema
	// is not migrated; the log says which and why.
	ReasonDependencyDown = "database unavailable"
)

// SetStarted marks the server as serving. Call [Readiness.ExpectDependency]
// first when there is a dependency, or Ready may answer true before it was
// ever checked.
func (r *Readiness) SetStarted() { r.started.Store(true) }

// SetDraining marks the start of shutdown; readiness fails from now on.
func (r *Readiness) SetDraining() { r.draining.Store(true) }

// Draining reports whether shutdown has begun.
func (r *Readiness) Draining() bool { return r.draining.Load() }

// ExpectDependency declares that a dependency exists and has not been
// checked yet: Ready fails with [ReasonDependencyUnchecked] until
// [Readiness.SetDependency] reports it. Call it before SetStarted.
func (r *Readiness) ExpectDependency() {
	r.dependency.CompareAndSwap(dependencyNone, dependencyUnchecked)
}

// SetDependency records whether the dependency is usable. Calling it
// declares that a dependency exists.
func (r *Readiness) SetDependency(usable bool) {
	if usable {
		r.dependency.Store(dependencyUp)
	} else {
		r.dependency.Store(dependencyDown)
	}
}

// Ready reports whether the service should receive traffic, and why.
func (r *Readiness) Ready() (bool, string) {
	switch {
	case r.draining.Load():
		return false, ReasonDraining
	case !r.started.Load():
		return false, ReasonStarting
	}
	switch r.dependency.Load() {
	case dependencyUnchecked:
		return false, ReasonDependencyUnchecked
	case dependencyDown:
		return false, ReasonDependencyDown
	}
	return true, ReasonReady
}

// Dependency is what the checker needs from the store.
type Dependency interface {
	// Ping checks that the dependency answers. It should not fail merely
	// because the dependency is busy serving requests.
	Ping(ctx context.Context) error
	// Migrate prepares the dependency (creates the schema); it must be idempotent.
	Migrate(ctx context.Context) error
}

// Checker defaults. Each carries its reason.
const (
	// DefaultCheckInterval is short enough that an outage is noticed within
	// one load-balancer health-check period (two checks, see
	// DefaultFailureThreshold), long enough to cost nothing.
	DefaultCheckInterval = 2 * time.Second
	// DefaultCheckTimeout keeps one slow ping from delaying the next check.
	DefaultCheckTimeout = 1500 * time.Millisecond
	// DefaultFailureThreshold is 2 because one failed ping can be a blip (a
	// connection the server dropped, a slow moment) that the pool recovers
	// from by itself; two in a row, an interval apart, is an outage.
	DefaultFailureThreshold = 2
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
	// Logger logs status changes, with the detail of each failure. Required.
	Logger *slog.Logger
	// Interval is the time between checks. Default: DefaultCheckInterval.
	Interval time.Duration
	// Timeout bounds one ping. Default: DefaultCheckTimeout.
	Timeout time.Duration
	// FailureThreshold is how many consecutive failed checks mark a usable
	// dependency down; one success marks it usable again. Until its first
	// success the dependency is down whatever the threshold.
	// Default: DefaultFailureThreshold.
	FailureThreshold int
}

// Run checks at once and then every Interval until ctx ends. It runs the
// migration after the first successful ping, and again after each failed
// attempt, and reports the dependency usable only once it has succeeded.
// Each change is logged: the reason a check failed, which can name the
// database's host, user and database, is logged and never put in Readiness.
func (c *Checker) Run(ctx context.Context) {
	interval, timeout, threshold := c.Interval, c.Timeout, c.FailureThreshold
	if interval <= 0 {
		interval = DefaultCheckInterval
	}
	if timeout <= 0 {
		timeout = DefaultCheckTimeout
	}
	if threshold <= 0 {
		threshold = DefaultFailureThreshold
	}
	c.Readiness.ExpectDependency()
	migrated, up := false, false
	failures := 0
	lastReason := ""
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		reason := c.check(ctx, timeout, &migrated)
		if ctx.Err() != nil {
			return
		}
		switch {
		case reason == "":
			failures = 0
			if !up {
				c.Readiness.SetDependency(true)
				c.Logger.InfoContext(ctx, "database is ready")
				up = true
			}
		case up && failures+1 < threshold:
			failures++
			c.Logger.WarnContext(ctx, "database check failed; still ready until "+strconv.Itoa(threshold)+" checks in a row fail",
				"reason", reason, "consecutive_failures", failures)
		default:
			failures++
			c.Readiness.SetDependency(false)
			if up || reason != lastReason {
				c.Logger.WarnContext(ctx, "database is not ready", "reason", reason, "consecutive_failures", failures)
			}
			up = false
		}
		lastReason = reason
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// check pings and, until it has succeeded once, migrates. It returns ""
// when the dependency is usable, else why not.
func (c *Checker) check(ctx context.Context, timeout time.Duration, migrated *bool) string {
	pingCtx, cancel := context.WithTimeout(ctx, timeout)
	err := c.Dependency.Ping(pingCtx)
	cancel()
	if err != nil {
		return "unreachable: " + err.Error()
	}
	if !*migrated {
		mctx, cancel := context.WithTimeout(ctx, DefaultMigrateTimeout)
		err := c.Dependency.Migrate(mctx)
		cancel()
		if err != nil {
			return "migration failed: " + err.Error()
		}
		*migrated = true
		c.Logger.InfoContext(ctx, "database schema is up to date")
	}
	return ""
}
