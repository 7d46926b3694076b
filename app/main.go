// Command app is berth's sample HTTP service: a small JSON API of notes in
// PostgreSQL, with the probes, logs, traces and shutdown behaviour that
// Google Cloud Run and AWS ECS Fargate expect.
//
// Run it with `bash scripts/run-app.sh`, which builds it and execs the
// binary so that signals reach it. All configuration comes from environment
// variables, validated before anything starts (see package config for each
// variable, its default and its allowed values): PORT, LOG_LEVEL,
// SHUTDOWN_TIMEOUT, DRAIN_DELAY, MAX_BODY_BYTES, GOOGLE_CLOUD_PROJECT,
// DATABASE_URL (or DATABASE_URL_FILE), API_TOKEN (or API_TOKEN_FILE) and the
// standard OTEL_* variables.
//
// Start-up listens before doing anything that could wait: the database pool
// connects lazily, and the readiness checker, schema migration and ECS
// metadata fetch run in the background. When DATABASE_URL is set, /readyz
// answers 503 from the first request until the checker has reached the
// database and migrated it; afterwards it answers 503 once two checks in a
// row (2 s apart) fail, and 200 again after one succeeds. A pool merely
// busy with requests counts as up. The /readyz body gives a fixed reason
// ("database unavailable"); the cause, which names the database's host,
// user and name, is logged at WARNING.
//
// The service fits its memory to its container's limit (package memlimit):
// it sets the Go runtime's soft memory limit to 90% of it unless GOMEMLIMIT
// is set, reads request bodies within a budget of a sixteenth of it
// (8 MiB when no limit is found), taken as bytes arrive, and holds the
// notes of responses within a budget of another sixteenth, so that
// neither concurrent large bodies nor clients that read slowly can
// exhaust the instance.
//
// The "listening" log line shows the configuration with secrets hidden:
// DATABASE_URL and API_TOKEN only as where they were set from, OTLP headers
// only by name, and OTLP endpoints without their password and query (see
// config.RedactURL); export errors show endpoints the same way.
// Every request's log line carries trace_id and span_id, taken from an
// incoming traceparent or made up, whether or not traces are exported.
//
// On SIGTERM, SIGINT or SIGHUP the service fails /readyz at once, keeps serving for
// DRAIN_DELAY (asking clients to close their connections), then shuts the
// server down gracefully and closes the database pool within
// SHUTDOWN_TIMEOUT less the telemetry share, and flushes telemetry within
// that share: a quarter of SHUTDOWN_TIMEOUT, at most 2 s, kept for it
// whatever the server took, so that an unreachable collector neither
// stretches every shutdown to SHUTDOWN_TIMEOUT nor goes unreported. A
// second signal exits at once. If the server itself fails, the service
// still closes the pool and flushes telemetry the same way before exiting 1.
//
// Exit codes:
//
//	0    clean shutdown
//	1    failure at run time: cannot listen, the server failed, or shutdown
//	     did not finish within SHUTDOWN_TIMEOUT: requests still running,
//	     the pool not closed, or traces or metrics not flushed within
//	     the telemetry share (each logged at WARNING, naming the signal)
//	2    invalid configuration or arguments; each problem printed on stderr
//	129  a second SIGHUP arrived during shutdown (128 + 1)
//	130  a second SIGINT arrived during shutdown (128 + 2, as shells report)
//	143  a second SIGTERM arrived during shutdown (128 + 15)
//
// SIGPIPE is ignored: when the reader of stdout goes away, log lines are
// lost and the service goes on serving.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/berth-dev/berth/app/internal/config"
	"github.com/berth-dev/berth/app/internal/httpapi"
	"github.com/berth-dev/berth/app/internal/lifecycle"
	"github.com/berth-dev/berth/app/internal/logging"
	"github.com/berth-dev/berth/app/internal/memlimit"
	"github.com/berth-dev/berth/app/internal/platform"
	"github.com/berth-dev/berth/app/internal/secrets"
	"github.com/berth-dev/berth/app/internal/store"
	"github.com/berth-dev/berth/app/internal/telemetry"
)

func main() {
	// A write to a closed pipe on stdout or stderr (the log reader exited)
	// would otherwise kill the process with SIGPIPE mid-request: Go raises
	// it for file descriptors 1 and 2 unless the signal is ignored or
	// notified (os/signal, "SIGPIPE"). Ignored, the write fails with EPIPE
	// and the service keeps serving, its logging degraded (see logging).
	signal.Ignore(syscall.SIGPIPE)
	os.Exit(run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr))
}

// HTTP server limits. Each carries its reason.
const (
	// readHeaderTimeout stops slow-header (Slowloris) clients from holding connections.
	readHeaderTimeout = 5 * time.Second
	// readTimeout covers headers and a 1 MiB body on a slow mobile link.
	readTimeout = 30 * time.Second
	// writeTimeout is well above every handler's own bound (5 s per database call).
	writeTimeout = 30 * time.Second
	// idleTimeout exceeds the AWS ALB's default 60 s idle timeout, so that
	// the load balancer, not the service, closes idle keep-alive
	// connections; the other order causes sporadic 502s.
	idleTimeout = 120 * time.Second
	// maxHeaderBytes is 64 KiB: ample for real headers, and 1/16 of Go's default.
	maxHeaderBytes = 64 << 10
	// maxTelemetryShare caps the part of SHUTDOWN_TIMEOUT kept for the
	// final telemetry export: a reachable collector takes milliseconds,
	// and an unreachable one must not hold every exit for seconds.
	maxTelemetryShare = 2 * time.Second
)

// telemetryShare is the part of the shutdown timeout kept for flushing
// telemetry: a quarter of it, at most maxTelemetryShare.
func telemetryShare(shutdownTimeout time.Duration) time.Duration {
	return min(shutdownTimeout/4, maxTelemetryShare)
}

// run is the whole program; main only supplies the process's environment
// and exits with the returned code. Cancelling ctx starts a graceful
// shutdown, as the first SIGTERM or SIGINT does; the "shutdown started"
// line then gives context.Cause(ctx) as its "reason" where a signal gives
// "signal".
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		fmt.Fprintf(stderr, "invalid arguments: %q: this service takes no arguments; configure it with environment variables\n", args[1:])
		return 2
	}
	cfg, err := config.Load(getenv, secrets.ReadFile)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "invalid configuration: "+line)
		}
		return 2
	}
	logger := logging.New(stdout, cfg.LogLevel, cfg.GCPProject)

	// Subscribe before listening so that no early signal is lost. SIGHUP
	// (the terminal or session went away) is a request to stop like the
	// others: nothing here reloads configuration, and dying at once would
	// drop requests in flight without a log line.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt, syscall.SIGHUP)
	defer signal.Stop(sigs)

	ln, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.Port))
	if err != nil {
		logger.Error("cannot listen", "port", cfg.Port, "error", err)
		return 1
	}

	// Fit memory to the container: the Go runtime's soft limit (unless
	// GOMEMLIMIT says otherwise) and the budget of request bodies read at
	// once, so that a burst of large bodies cannot exhaust the instance.
	mem := memlimit.Detect("/")
	goLimit := "unset"
	if mem.Bytes > 0 && getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memlimit.GoLimit(mem.Bytes))
		goLimit = strconv.FormatInt(memlimit.GoLimit(mem.Bytes), 10)
	} else if v := getenv("GOMEMLIMIT"); v != "" {
		goLimit = "GOMEMLIMIT=" + v
	}

	tel := telemetry.New(cfg.Telemetry, cfg.ServiceName, logger)
	ready := &lifecycle.Readiness{}
	meta := platform.Detect(getenv)
	bgCtx, stopBackground := context.WithCancel(context.Background())
	defer stopBackground()
	var background sync.WaitGroup
	background.Go(func() {
		if err := meta.Fetch(bgCtx); err != nil {
			logger.Warn("instance metadata unavailable; using the hostname", "error", err)
		}
	})

	opts := httpapi.Options{
		Logger:         logger,
		Readiness:      ready,
		Identity:       meta.Identity,
		ServiceName:    cfg.ServiceName,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		BodyBudget:     memlimit.BodyBudget(mem.Bytes),
		ResponseBudget: memlimit.ResponseBudget(mem.Bytes),
		APIToken:       cfg.APIToken.Value(),
		TracerProvider: tel.TracerProvider,
		MeterProvider:  tel.MeterProvider,
		Propagator:     tel.Propagator,
	}
	var db *store.Postgres
	if cfg.Database != nil {
		if db, err = store.New(cfg.Database); err != nil {
			logger.Error("cannot create the database pool", "error", err)
			return 1
		}
		opts.Store = db
		// Declared here, before SetStarted, so that /readyz fails until
		// the checker has reached the database at least once.
		ready.ExpectDependency()
		checker := &lifecycle.Checker{Dependency: db, Readiness: ready, Logger: logger}
		background.Go(func() { checker.Run(bgCtx) })
	}

	srv := &http.Server{
		Handler:           httpapi.New(opts),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	ready.SetStarted()

	if cfg.PortDefaulted {
		logger.Info("PORT not set; defaulting", "port", config.DefaultPort)
	}
	for _, w := range cfg.Warnings {
		logger.Warn(w)
	}
	logger.Info("listening",
		"addr", ln.Addr().String(),
		"service", cfg.ServiceName,
		"platform", meta.Identity().Platform,
		"log_level", cfg.LogLevel.String(),
		"shutdown_timeout", cfg.ShutdownTimeout.String(),
		"drain_delay", cfg.DrainDelay.String(),
		"max_body_bytes", cfg.MaxBodyBytes,
		"memory_limit", mem.Bytes,
		"memory_limit_source", mem.Source,
		"go_memory_limit", goLimit,
		"body_budget_bytes", opts.BodyBudget,
		"response_budget_bytes", opts.ResponseBudget,
		"database_url", cfg.DatabaseURL,
		"api_token", cfg.APIToken,
		"otlp_traces_endpoint", cfg.Telemetry.Traces.RedactedEndpoint(),
		"otlp_metrics_endpoint", cfg.Telemetry.Metrics.RedactedEndpoint(),
		"otlp_headers", cfg.Telemetry.Traces.Headers,
	)

	res := &resources{logger: logger, db: db, tel: tel, stopBackground: stopBackground, background: &background}
	select {
	case err := <-serveErr:
		logger.Error("server failed", "error", err)
		ready.SetDraining()
		srv.Close()
		share := telemetryShare(cfg.ShutdownTimeout)
		releaseCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout-share)
		defer cancel()
		res.release(releaseCtx, share)
		logger.Info("shutdown complete", "exit_code", 1)
		return 1
	case s := <-sigs:
		logger.Info("shutdown started", "signal", s.String(), "drain_delay", cfg.DrainDelay.String(), "shutdown_timeout", cfg.ShutdownTimeout.String())
	case <-ctx.Done():
		logger.Info("shutdown started", "reason", context.Cause(ctx).Error(), "drain_delay", cfg.DrainDelay.String(), "shutdown_timeout", cfg.ShutdownTimeout.String())
	}
	ready.SetDraining()

	done := make(chan int, 1)
	go func() { done <- shutdown(cfg, srv, res) }()
	select {
	case code := <-done:
		return code
	case s := <-sigs:
		code := 128 + int(signalNumber(s))
		logger.Error("second signal during shutdown; exiting at once", "signal", s.String(), "exit_code", code)
		return code
	}
}

// resources are what run releases on the way out, after the server stopped.
type resources struct {
	logger         *slog.Logger
	db             *store.Postgres // nil without DATABASE_URL
	tel            *telemetry.Telemetry
	stopBackground func()
	background     *sync.WaitGroup
}

// shutdown drains, stops the server and releases the pool within
// SHUTDOWN_TIMEOUT less the telemetry share, then flushes telemetry within
// the share. It returns 1 when any of it did not finish in time, else 0.
func shutdown(cfg *config.Config, srv *http.Server, res *resources) int {
	if cfg.DrainDelay > 0 {
		// Load balancers keep sending until they see /readyz fail; serve
		// them meanwhile. Responses now carry "Connection: close" (see
		// httpapi), so clients move off this instance's connections.
		time.Sleep(cfg.DrainDelay)
	}
	share := telemetryShare(cfg.ShutdownTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout-share)
	defer cancel()

	code := 0
	if err := srv.Shutdown(ctx); err != nil {
		res.logger.Error("requests still running at SHUTDOWN_TIMEOUT; closing their connections", "error", err)
		srv.Close()
		code = 1
	}
	if !res.release(ctx, share) {
		code = 1
	}
	res.logger.Info("shutdown complete", "exit_code", code)
	return code
}

// stopGrace is how long release waits for the background checks and the
// pool when SHUTDOWN_TIMEOUT is already spent (requests held the server to
// the end): cancelled checks return within milliseconds, so waiting this
// long tells a check that stopped from one that is stuck, and the warning
// then says what it waited for.
const stopGrace = 500 * time.Millisecond

// release stops the background work and closes the pool, giving up when
// ctx ends (or after stopGrace when it has already ended), then flushes
// telemetry within flushTimeout. It reports whether all of it finished in
// time; a flush that fails sooner is logged but finished.
func (r *resources) release(ctx context.Context, flushTimeout time.Duration) bool {
	finished := true
	r.stopBackground()
	within := "SHUTDOWN_TIMEOUT"
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), stopGrace)
		defer cancel()
		within = stopGrace.String() + " after SHUTDOWN_TIMEOUT"
	}
	if !waitOrGiveUp(ctx, r.background.Wait) {
		r.logger.Warn("background checks did not stop within " + within)
		finished = false
	}
	if r.db != nil && !waitOrGiveUp(ctx, r.db.Close) {
		r.logger.Warn("database pool did not close within " + within + ": requests still hold connections")
		finished = false
	}
	flushCtx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	err := r.tel.Shutdown(flushCtx)
	if err == nil {
		return finished
	}
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *telemetry.FlushError
		if !errors.As(e, &fe) {
			continue
		}
		// Only the share running out means shutdown did not finish; an
		// export that gave up by itself (OTEL_EXPORTER_OTLP_TIMEOUT, or the
		// collector refused the data) finished, unsuccessfully.
		if flushCtx.Err() != nil {
			r.logger.Warn("flushing telemetry did not finish", "signal", fe.Signal, "within", flushTimeout.String(), "error", fe.Err)
			finished = false
		} else {
			r.logger.Warn("flushing telemetry failed", "signal", fe.Signal, "error", fe.Err)
		}
	}
	return finished
}

// waitOrGiveUp runs f and reports whether it returned before ctx ended.
// When both happened by the time it looks, f's return wins.
func waitOrGiveUp(ctx context.Context, f func()) bool {
	done := make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
}

func signalNumber(s os.Signal) syscall.Signal {
	if n, ok := s.(syscall.Signal); ok {
		return n
	}
	return syscall.SIGTERM
}
