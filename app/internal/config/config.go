// Package config reads the service's configuration from environment
// variables and validates all of it before anything starts.
//
// [Load] reports every problem at once, one line per problem, each naming the
// variable, the rejected value (never for a variable that may hold
// credentials: secrets, OTLP endpoints and headers) and the allowed values.
// The variables, their defaults and their ranges are documented on the
// fields of [Config] and [Telemetry].
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/berth-dev/berth/app/internal/secrets"
)

// Defaults and limits. Each carries the reason for its value.
const (
	// DefaultPort is the port Cloud Run and most platforms expect when PORT is unset.
	DefaultPort = 8080
	// DefaultShutdownTimeout leaves 2 s of Cloud Run's 10 s SIGTERM-to-SIGKILL
	// grace for the drain delay and process exit.
	DefaultShutdownTimeout = 8 * time.Second
	// DefaultDrainDelay is 0 because Cloud Run stops routing to an instance
	// before sending SIGTERM, and ECS deregisters a task from its load
	// balancer (and waits out the deregistration delay) before stopping it.
	// Raise it where traffic keeps arriving until /readyz fails after
	// SIGTERM: then set it to the health-check interval times the unhealthy
	// threshold.
	DefaultDrainDelay = 0 * time.Second
	// MaxStopTime caps DRAIN_DELAY+SHUTDOWN_TIMEOUT at ECS's largest stopTimeout
	// (120 s); any longer and the platform kills the task before shutdown ends.
	MaxStopTime = 120 * time.Second
	// CloudRunGrace is Cloud Run's SIGTERM-to-SIGKILL grace period; a longer
	// DRAIN_DELAY+SHUTDOWN_TIMEOUT only draws a warning because it is fine on Fargate.
	CloudRunGrace = 10 * time.Second
	// DefaultMaxBodyBytes (1 MiB) is far above any valid note and small enough
	// that a burst of large bodies cannot exhaust a 256 MiB instance.
	DefaultMaxBodyBytes = 1 << 20
	// MaxMaxBodyBytes (32 MiB) is Cloud Run's request size limit.
	MaxMaxBodyBytes = 32 << 20
)

// Config is the validated configuration. Build it with [Load].
type Config struct {
	// Port is the TCP port to listen on, from PORT. Default: 8080.
	// Allowed: 0 to 65535; 0 picks a free port, which is logged.
	Port int
	// PortDefaulted is true when PORT was unset and Port is DefaultPort.
	PortDefaulted bool
	// LogLevel is the lowest level logged, from LOG_LEVEL. Default: info.
	// Allowed: debug, info, warn, error (case-insensitive).
	LogLevel slog.Level
	// ShutdownTimeout bounds http.Server.Shutdown, closing the pool and
	// flushing telemetry, from SHUTDOWN_TIMEOUT. Default: 8s.
	// Allowed: a Go duration above 0, with DrainDelay adding up to at most 120s.
	ShutdownTimeout time.Duration
	// DrainDelay is how long the service keeps serving after SIGTERM, with
	// /readyz already answering 503, from DRAIN_DELAY. Default: 0s.
	// Allowed: a Go duration of 0 or more, with ShutdownTimeout adding up to at most 120s.
	DrainDelay time.Duration
	// MaxBodyBytes is the largest request body accepted, from MAX_BODY_BYTES.
	// Default: 1048576 (1 MiB). Allowed: 1 to 33554432 (32 MiB).
	MaxBodyBytes int64
	// GCPProject is the Google Cloud project ID used to build the
	// logging.googleapis.com/trace log field, from GOOGLE_CLOUD_PROJECT.
	// Default: empty, and the field is not written. Allowed: a project ID
	// (6-30 lowercase letters, digits, hyphens; optionally "domain:" prefixed).
	GCPProject string
	// ServiceName names the service in logs, traces and GET /, from
	// OTEL_SERVICE_NAME, else K_SERVICE, else "berth-app".
	ServiceName string
	// DatabaseURL is the PostgreSQL connection URL, from DATABASE_URL or
	// DATABASE_URL_FILE. Default: unset, and the notes API answers 503.
	// Allowed: a URL or keyword/value string that pgx can parse.
	DatabaseURL secrets.Secret
	// Database is DatabaseURL parsed; nil when DatabaseURL is unset.
	Database *pgxpool.Config
	// APIToken, from API_TOKEN or API_TOKEN_FILE, when set, is the bearer
	// token that POST /v1/notes requires. Default: unset, writes are open.
	// Allowed: 16 to 4096 characters, none of them whitespace or control
	// characters (a file may end in one newline, which is removed).
	APIToken secrets.Secret
	// Telemetry is the OpenTelemetry configuration from the OTEL_* variables.
	Telemetry Telemetry
	// Warnings are configuration smells that do not stop the service; log them.
	Warnings []string
}

// problems collects one line per configuration problem.
type problems []error

func (p *problems) add(variable, format string, args ...any) {
	*p = append(*p, fmt.Errorf("%s: %s", variable, fmt.Sprintf(format, args...)))
}

// Load reads and validates the configuration. getenv is os.Getenv and
// readFile is os.ReadFile in production. The error joins one error per
// problem with [errors.Join], so that its text holds one line per problem.
func Load(getenv func(string) string, readFile func(string) ([]byte, error)) (*Config, error) {
	var errs problems
	c := &Config{}

	c.Port = DefaultPort
	if v := getenv("PORT"); v == "" {
		c.PortDefaulted = true
	} else if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 65535 {
		errs.add("PORT", "%q is not a port number (allowed: 0 to 65535, 0 picks a free port; default %d)", v, DefaultPort)
	} else {
		c.Port = n
	}

	c.LogLevel = slog.LevelInfo
	if v := getenv("LOG_LEVEL"); v != "" {
		switch strings.ToLower(v) {
		case "debug":
			c.LogLevel = slog.LevelDebug
		case "info":
			c.LogLevel = slog.LevelInfo
		case "warn", "warning":
			c.LogLevel = slog.LevelWarn
		case "error":
			c.LogLevel = slog.LevelError
		default:
			errs.add("LOG_LEVEL", "%q is not a log level (allowed: debug, info, warn, error; default info)", v)
		}
	}

	shutdownOK, drainOK := true, true
	c.ShutdownTimeout = DefaultShutdownTimeout
	if v := getenv("SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			shutdownOK = false
			errs.add("SHUTDOWN_TIMEOUT", "%q is not a Go duration (allowed: a duration above 0 such as 8s or 1m30s, at most %s; default %s)", v, MaxStopTime, DefaultShutdownTimeout)
		case d <= 0 || d > MaxStopTime:
			shutdownOK = false
			errs.add("SHUTDOWN_TIMEOUT", "%q is out of range (allowed: above 0s and at most %s; default %s)", v, MaxStopTime, DefaultShutdownTimeout)
		default:
			c.ShutdownTimeout = d
		}
	}
	c.DrainDelay = DefaultDrainDelay
	if v := getenv("DRAIN_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			drainOK = false
			errs.add("DRAIN_DELAY", "%q is not a Go duration (allowed: a duration of 0s or more such as 5s, at most %s; default %s)", v, MaxStopTime, DefaultDrainDelay)
		case d < 0 || d > MaxStopTime:
			drainOK = false
			errs.add("DRAIN_DELAY", "%q is out of range (allowed: 0s to %s; default %s)", v, MaxStopTime, DefaultDrainDelay)
		default:
			c.DrainDelay = d
		}
	}
	if shutdownOK && drainOK {
		total := c.DrainDelay + c.ShutdownTimeout
		if total > MaxStopTime {
			errs.add("DRAIN_DELAY", "%s plus SHUTDOWN_TIMEOUT %s is %s, longer than any platform waits before SIGKILL (allowed: a sum of at most %s)", c.DrainDelay, c.ShutdownTimeout, total, MaxStopTime)
		} else if total > CloudRunGrace {
			c.Warnings = append(c.Warnings, fmt.Sprintf("DRAIN_DELAY (%s) plus SHUTDOWN_TIMEOUT (%s) is %s, more than Cloud Run's %s grace after SIGTERM: on Cloud Run lower them; on Fargate set the container stopTimeout to at least that", c.DrainDelay, c.ShutdownTimeout, total, CloudRunGrace))
		}
	}

	c.MaxBodyBytes = DefaultMaxBodyBytes
	if v := getenv("MAX_BODY_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > MaxMaxBodyBytes {
			errs.add("MAX_BODY_BYTES", "%q is not a byte count in range (allowed: 1 to %d; default %d)", v, MaxMaxBodyBytes, DefaultMaxBodyBytes)
		} else {
			c.MaxBodyBytes = n
		}
	}

	if v := getenv("GOOGLE_CLOUD_PROJECT"); v != "" {
		if !validProjectID(v) {
			errs.add("GOOGLE_CLOUD_PROJECT", "%q is not a Google Cloud project ID (allowed: 6-30 lowercase letters, digits and hyphens, starting with a letter, optionally prefixed by \"domain:\"; default unset)", v)
		} else {
			c.GCPProject = v
		}
	}

	var err error
	if c.DatabaseURL, err = secrets.Load("DATABASE_URL", getenv, readFile); err != nil {
		errs = append(errs, err)
	} else if c.DatabaseURL.IsSet() {
		// pgx's parse error may quote parts of the URL, so it is not shown.
		if c.Database, err = pgxpool.ParseConfig(c.DatabaseURL.Value()); err != nil {
			errs.add(c.DatabaseURL.Name+sourceSuffix(c.DatabaseURL), "not a valid PostgreSQL connection string; value not shown because it is secret (allowed: postgres://user:password@host:5432/db?sslmode=... or key=value pairs)")
		}
	}
	if c.APIToken, err = secrets.Load("API_TOKEN", getenv, readFile); err != nil {
		errs = append(errs, err)
	} else if c.APIToken.IsSet() {
		if problem := tokenProblem(c.APIToken.Value()); problem != "" {
			errs.add(c.APIToken.Name+sourceSuffix(c.APIToken), "%s; value not shown because it is secret (allowed: %d to %d printable characters without spaces; a file may end in one newline)", problem, minTokenLength, maxTokenLength)
		}
	}

	c.Telemetry = loadTelemetry(getenv, &errs)
	c.ServiceName = c.Telemetry.ServiceName
	if c.ServiceName == "" {
		c.ServiceName = getenv("K_SERVICE")
	}
	if c.ServiceName == "" {
		c.ServiceName = DefaultServiceName
	}

	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// DefaultServiceName names the service when neither OTEL_SERVICE_NAME nor
// K_SERVICE is set.
const DefaultServiceName = "berth-app"

// API_TOKEN limits. Each carries its reason.
const (
	// minTokenLength keeps API_TOKEN out of guessing range.
	minTokenLength = 16
	// maxTokenLength is far above any generated token and far below the
	// server's 64 KiB header limit, past which no request could carry it.
	maxTokenLength = 4096
)

// tokenProblem says why a bearer token could never be presented, or "" when
// it can. HTTP removes the whitespace around a header value (RFC 9110
// section 5.5) and a field value cannot carry control characters, and a
// bearer token is one token68 with no space inside (RFC 6750 section
// 2.1), so a token with whitespace or control characters anywhere could
// never match.
func tokenProblem(v string) string {
	switch {
	case len(v) < minTokenLength:
		return "too short"
	case len(v) > maxTokenLength:
		return "too long"
	case strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f || unicode.IsSpace(r) }):
		return "contains whitespace or a control character, which no Authorization header can carry in a bearer token"
	}
	return ""
}

// validProjectID follows the project ID rules of
// https://cloud.google.com/resource-manager/docs/creating-managing-projects:
// 6 to 30 lowercase letters, digits and hyphens, starting with a letter and
// not ending with a hyphen, plus the legacy form "example.com:my-project".
func validProjectID(s string) bool {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		domain := s[:i]
		if domain == "" || strings.Trim(domain, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" {
			return false
		}
		s = s[i+1:]
	}
	if len(s) < 6 || len(s) > 30 || s[0] < 'a' || s[0] > 'z' || s[len(s)-1] == '-' {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

func sourceSuffix(s secrets.Secret) string {
	if s.Source == secrets.SourceFile {
		return secrets.FileSuffix
	}
	return ""
}
