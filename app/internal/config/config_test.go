package config

import (
	"io/fs"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func envFunc(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func readFiles(files map[string]string) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		v, ok := files[p]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		}
		return []byte(v), nil
	}
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load(envFunc(nil), readFiles(nil))
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if c.Port != 8080 || !c.PortDefaulted {
		t.Errorf("Port = %d (defaulted %v), want 8080 (defaulted)", c.Port, c.PortDefaulted)
	}
	if c.LogLevel != slog.LevelInfo || c.ShutdownTimeout != 8*time.Second || c.DrainDelay != 0 || c.MaxBodyBytes != 1<<20 {
		t.Errorf("defaults = %v %v %v %v", c.LogLevel, c.ShutdownTimeout, c.DrainDelay, c.MaxBodyBytes)
	}
	if c.DatabaseURL.IsSet() || c.Database != nil || c.APIToken.IsSet() {
		t.Errorf("secrets set without any variable")
	}
	if c.Telemetry.Traces.Enabled() || c.Telemetry.Metrics.Enabled() {
		t.Errorf("exporters enabled without an endpoint")
	}
	if c.ServiceName != "berth-app" || len(c.Warnings) != 0 {
		t.Errorf("ServiceName = %q, Warnings = %v", c.ServiceName, c.Warnings)
	}
}

func TestLoadAcceptsValidValues(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"PORT":                                "0",
		"LOG_LEVEL":                           "DEBUG",
		"SHUTDOWN_TIMEOUT":                    "5s",
		"DRAIN_DELAY":                         "3s",
		"MAX_BODY_BYTES":                      "2048",
		"GOOGLE_CLOUD_PROJECT":                "my-project-1",
		"DATABASE_URL_FILE":                   "/run/secrets/db",
		"API_TOKEN":                           "0123456789abcdef",
		"K_SERVICE":                           "notes",
		"OTEL_EXPORTER_OTLP_ENDPOINT":         "http://collector:4318/",
		"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "https://metrics.example.com/custom",
		"OTEL_EXPORTER_OTLP_PROTOCOL":         "http/protobuf",
		"OTEL_EXPORTER_OTLP_HEADERS":          "api-key=abc%20def,x=1",
		"OTEL_EXPORTER_OTLP_TRACES_HEADERS":   "x=2",
		"OTEL_EXPORTER_OTLP_COMPRESSION":      "gzip",
		"OTEL_EXPORTER_OTLP_TIMEOUT":          "2500",
		"OTEL_RESOURCE_ATTRIBUTES":            "deployment.environment=dev,team=a%2Cb",
		"OTEL_TRACES_SAMPLER":                 "parentbased_traceidratio",
		"OTEL_TRACES_SAMPLER_ARG":             "0.25",
		"OTEL_PROPAGATORS":                    "tracecontext",
		"OTEL_METRIC_EXPORT_INTERVAL":         "15000",
	}
	c, err := Load(envFunc(env), readFiles(map[string]string{"/run/secrets/db": "postgres://u:p@db:5432/notes\n"}))
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if c.Port != 0 || c.PortDefaulted || c.LogLevel != slog.LevelDebug || c.ShutdownTimeout != 5*time.Second || c.DrainDelay != 3*time.Second || c.MaxBodyBytes != 2048 {
		t.Errorf("basic values wrong: %+v", c)
	}
	if c.GCPProject != "my-project-1" || c.ServiceName != "notes" {
		t.Errorf("GCPProject = %q, ServiceName = %q", c.GCPProject, c.ServiceName)
	}
	if c.Database == nil || c.Database.ConnConfig.Host != "db" || c.DatabaseURL.Path != "/run/secrets/db" {
		t.Errorf("database not parsed from file: %v", c.DatabaseURL)
	}
	tel := c.Telemetry
	if tel.Traces.Endpoint != "http://collector:4318/v1/traces" || tel.Metrics.Endpoint != "https://metrics.example.com/custom" {
		t.Errorf("endpoints = %q, %q", tel.Traces.Endpoint, tel.Metrics.Endpoint)
	}
	if tel.Traces.Headers["api-key"] != "abc def" || tel.Traces.Headers["x"] != "2" || tel.Metrics.Headers["x"] != "1" {
		t.Errorf("headers not merged: traces %v metrics %v", map[string]string(tel.Traces.Headers), map[string]string(tel.Metrics.Headers))
	}
	if tel.Traces.Compression != "gzip" || tel.Traces.Timeout != 2500*time.Millisecond {
		t.Errorf("compression/timeout = %q %v", tel.Traces.Compression, tel.Traces.Timeout)
	}
	if len(tel.ResourceAttributes) != 2 || tel.ResourceAttributes[1].Value != "a,b" {
		t.Errorf("resource attributes = %v", tel.ResourceAttributes)
	}
	if tel.Sampler != "parentbased_traceidratio" || tel.SamplerRatio != 0.25 || len(tel.Propagators) != 1 || tel.MetricInterval != 15*time.Second {
		t.Errorf("telemetry = %+v", tel)
	}
}

func TestLoadOTELSwitches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		env                  map[string]string
		wantTraces, wantMets bool
	}{
		{"no endpoint exports nothing", map[string]string{}, false, false},
		{"base endpoint enables both", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, true, true},
		{"signal endpoint enables one", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, true, false},
		{"sdk disabled exports nothing", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "TRUE"}, false, false},
		{"exporter none turns one off", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_METRICS_EXPORTER": "none"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(envFunc(tt.env), readFiles(nil))
			if err != nil {
				t.Fatal(err)
			}
			if c.Telemetry.Traces.Enabled() != tt.wantTraces || c.Telemetry.Metrics.Enabled() != tt.wantMets {
				t.Fatalf("traces %v metrics %v, want %v %v", c.Telemetry.Traces.Enabled(), c.Telemetry.Metrics.Enabled(), tt.wantTraces, tt.wantMets)
			}
		})
	}
}

// TestLoadRejects has one case per rule. Each asserts that the message names
// the variable, shows the bad value unless it is secret, and lists what is allowed.
func TestLoadRejects(t *testing.T) {
	t.Parallel()
	files := map[string]string{"/empty": "", "/short": "abc\n", "/db": "postgres://u:hunter2@db/x\n", "/twonewlines": "0123456789abcdefgh\n\n"}
	tests := []struct {
		name     string
		env      map[string]string
		wantVar  string
		wantText string // besides the variable name; "" to skip
		secret   string // must not appear in the message
	}{
		{"PORT not a number", map[string]string{"PORT": "http"}, "PORT", `"http"`, ""},
		{"PORT too big", map[string]string{"PORT": "70000"}, "PORT", `"70000"`, ""},
		{"PORT negative", map[string]string{"PORT": "-1"}, "PORT", `"-1"`, ""},
		{"LOG_LEVEL unknown", map[string]string{"LOG_LEVEL": "verbose"}, "LOG_LEVEL", "allowed: debug, info, warn, error", ""},
		{"SHUTDOWN_TIMEOUT not a duration", map[string]string{"SHUTDOWN_TIMEOUT": "8"}, "SHUTDOWN_TIMEOUT", `"8"`, ""},
		{"SHUTDOWN_TIMEOUT zero", map[string]string{"SHUTDOWN_TIMEOUT": "0s"}, "SHUTDOWN_TIMEOUT", "out of range", ""},
		{"SHUTDOWN_TIMEOUT too long", map[string]string{"SHUTDOWN_TIMEOUT": "3m"}, "SHUTDOWN_TIMEOUT", "out of range", ""},
		{"DRAIN_DELAY not a duration", map[string]string{"DRAIN_DELAY": "soon"}, "DRAIN_DELAY", `"soon"`, ""},
		{"DRAIN_DELAY negative", map[string]string{"DRAIN_DELAY": "-1s"}, "DRAIN_DELAY", "out of range", ""},
		{"DRAIN_DELAY plus SHUTDOWN_TIMEOUT too long", map[string]string{"DRAIN_DELAY": "100s", "SHUTDOWN_TIMEOUT": "30s"}, "DRAIN_DELAY", "SHUTDOWN_TIMEOUT", ""},
		{"MAX_BODY_BYTES zero", map[string]string{"MAX_BODY_BYTES": "0"}, "MAX_BODY_BYTES", `"0"`, ""},
		{"MAX_BODY_BYTES over 32 MiB", map[string]string{"MAX_BODY_BYTES": "33554433"}, "MAX_BODY_BYTES", "allowed: 1 to 33554432", ""},
		{"GOOGLE_CLOUD_PROJECT malformed", map[string]string{"GOOGLE_CLOUD_PROJECT": "My Project"}, "GOOGLE_CLOUD_PROJECT", `"My Project"`, ""},
		{"DATABASE_URL unparsable", map[string]string{"DATABASE_URL": "postgres://u:hunter2@db:notaport/x"}, "DATABASE_URL", "not a valid PostgreSQL connection string", "hunter2"},
		{"DATABASE_URL and DATABASE_URL_FILE both set", map[string]string{"DATABASE_URL": "postgres://u:hunter2@db/x", "DATABASE_URL_FILE": "/db"}, "DATABASE_URL", "DATABASE_URL_FILE are both set", "hunter2"},
		{"DATABASE_URL_FILE missing", map[string]string{"DATABASE_URL_FILE": "/nope"}, "DATABASE_URL_FILE", `"/nope"`, ""},
		{"DATABASE_URL_FILE empty", map[string]string{"DATABASE_URL_FILE": "/empty"}, "DATABASE_URL_FILE", "empty", ""},
		{"API_TOKEN too short", map[string]string{"API_TOKEN": "abc"}, "API_TOKEN", "too short", "abc"},
		{"API_TOKEN_FILE too short", map[string]string{"API_TOKEN_FILE": "/short"}, "API_TOKEN_FILE", "too short", "abc"},
		{"API_TOKEN too long", map[string]string{"API_TOKEN": strings.Repeat("t", 4097)}, "API_TOKEN", "too long", "tttt"},
		{"API_TOKEN with a trailing space", map[string]string{"API_TOKEN": "0123456789abcdefgh "}, "API_TOKEN", "whitespace or a control character", "0123456789abcdefgh"},
		{"API_TOKEN with a space inside", map[string]string{"API_TOKEN": "01234567 89abcdefgh"}, "API_TOKEN", "whitespace or a control character", "89abcdefgh"},
		{"API_TOKEN with a NUL", map[string]string{"API_TOKEN": "0123456789abcdefgh\x00"}, "API_TOKEN", "whitespace or a control character", "0123456789abcdefgh"},
		{"API_TOKEN with a non-breaking space", map[string]string{"API_TOKEN": "0123456789abcdefgh\u00a0"}, "API_TOKEN", "whitespace or a control character", "0123456789abcdefgh"},
		{"API_TOKEN_FILE with two trailing newlines", map[string]string{"API_TOKEN_FILE": "/twonewlines"}, "API_TOKEN_FILE", "whitespace or a control character", "0123456789abcdefgh"},
		{"API_TOKEN and API_TOKEN_FILE both set", map[string]string{"API_TOKEN": "0123456789abcdefgh", "API_TOKEN_FILE": "/short"}, "API_TOKEN", "API_TOKEN_FILE are both set", "0123456789abcdefgh"},
		{"OTEL_SDK_DISABLED not a boolean", map[string]string{"OTEL_SDK_DISABLED": "yes"}, "OTEL_SDK_DISABLED", `"yes"`, ""},
		{"OTEL_EXPORTER_OTLP_PROTOCOL grpc", map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, "OTEL_EXPORTER_OTLP_PROTOCOL", "allowed: http/protobuf", ""},
		{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL json", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"}, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", `"http/json"`, ""},
		{"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL grpc", map[string]string{"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "grpc"}, "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", `"grpc"`, ""},
		{"OTEL_EXPORTER_OTLP_ENDPOINT not a URL", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, "OTEL_EXPORTER_OTLP_ENDPOINT", "absolute http or https URL", ""},
		{"OTEL_EXPORTER_OTLP_ENDPOINT hides password", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "ftp://u:hunter2@c"}, "OTEL_EXPORTER_OTLP_ENDPOINT", "scheme is not http or https", "hunter2"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT without a scheme hides everything", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "user:hunter2@127.0.0.1:4318"}, "OTEL_EXPORTER_OTLP_ENDPOINT", "does not start with http:// or https://", "hunter2"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT without a host", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://u:hunter2@"}, "OTEL_EXPORTER_OTLP_ENDPOINT", "no host", "hunter2"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT unparsable", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://u:hunter2%zz@c"}, "OTEL_EXPORTER_OTLP_ENDPOINT", "not a valid URL", "hunter2"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT hides the query", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "ftp://c/?api_key=hunter2"}, "OTEL_EXPORTER_OTLP_ENDPOINT", "value not shown", "hunter2"},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT hides password and query", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "ftp://u:hunter2@c/?k=hunter2"}, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "value not shown", "hunter2"},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT not a URL", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "/v1/traces"}, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "not an absolute URL", ""},
		{"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT not a URL", map[string]string{"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "grpc://c"}, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "scheme is not http or https", "grpc"},
		{"OTEL_EXPORTER_OTLP_HEADERS malformed", map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "api-key hunter2"}, "OTEL_EXPORTER_OTLP_HEADERS", "entry 1", "hunter2"},
		{"OTEL_EXPORTER_OTLP_TRACES_HEADERS bad escape", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_HEADERS": "k=hunter2%zz"}, "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "percent-encoding", "hunter2"},
		{"OTEL_EXPORTER_OTLP_HEADERS bad escape hides the key too", map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "authorization: Bearer hunter2=%zz"}, "OTEL_EXPORTER_OTLP_HEADERS", "percent-encoding", "hunter2"},
		{"OTEL_EXPORTER_OTLP_HEADERS name not a header name", map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "authorization: Bearer hunter2=x"}, "OTEL_EXPORTER_OTLP_HEADERS", "entry 1: the name is not an HTTP header name", "hunter2"},
		{"OTEL_EXPORTER_OTLP_METRICS_HEADERS value with a newline", map[string]string{"OTEL_EXPORTER_OTLP_METRICS_HEADERS": "a=1,api-key=hunter2%0A"}, "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "entry 2: the value holds a control character", "hunter2"},
		{"OTEL_EXPORTER_OTLP_COMPRESSION unknown", map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"}, "OTEL_EXPORTER_OTLP_COMPRESSION", "allowed: gzip, none", ""},
		{"OTEL_EXPORTER_OTLP_METRICS_COMPRESSION unknown", map[string]string{"OTEL_EXPORTER_OTLP_METRICS_COMPRESSION": "br"}, "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", `"br"`, ""},
		{"OTEL_EXPORTER_OTLP_TIMEOUT not milliseconds", map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "10s"}, "OTEL_EXPORTER_OTLP_TIMEOUT", `"10s"`, ""},
		{"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT zero", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "0"}, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "allowed: 1 to", ""},
		{"OTEL_EXPORTER_OTLP_CERTIFICATE unsupported", map[string]string{"OTEL_EXPORTER_OTLP_CERTIFICATE": "/ca.pem"}, "OTEL_EXPORTER_OTLP_CERTIFICATE", "not supported", ""},
		{"OTEL_TRACES_EXPORTER unknown", map[string]string{"OTEL_TRACES_EXPORTER": "console"}, "OTEL_TRACES_EXPORTER", "allowed: otlp, none", ""},
		{"OTEL_METRICS_EXPORTER unknown", map[string]string{"OTEL_METRICS_EXPORTER": "prometheus"}, "OTEL_METRICS_EXPORTER", `"prometheus"`, ""},
		{"OTEL_RESOURCE_ATTRIBUTES malformed", map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "team"}, "OTEL_RESOURCE_ATTRIBUTES", "not key=value", ""},
		{"OTEL_TRACES_SAMPLER unknown", map[string]string{"OTEL_TRACES_SAMPLER": "jaeger_remote"}, "OTEL_TRACES_SAMPLER", "parentbased_always_on", ""},
		{"OTEL_TRACES_SAMPLER_ARG above 1", map[string]string{"OTEL_TRACES_SAMPLER_ARG": "1.5"}, "OTEL_TRACES_SAMPLER_ARG", `"1.5"`, ""},
		{"OTEL_PROPAGATORS unknown", map[string]string{"OTEL_PROPAGATORS": "tracecontext,b3"}, "OTEL_PROPAGATORS", `"b3"`, ""},
		{"OTEL_METRIC_EXPORT_INTERVAL not a number", map[string]string{"OTEL_METRIC_EXPORT_INTERVAL": "1m"}, "OTEL_METRIC_EXPORT_INTERVAL", `"1m"`, ""},
		{"OTEL_METRIC_EXPORT_TIMEOUT not a number", map[string]string{"OTEL_METRIC_EXPORT_TIMEOUT": "x"}, "OTEL_METRIC_EXPORT_TIMEOUT", `"x"`, ""},
		{"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE unknown", map[string]string{"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "both"}, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "allowed: cumulative, delta, lowmemory", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(envFunc(tt.env), readFiles(files))
			if err == nil {
				t.Fatalf("Load() accepted %v", tt.env)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != 1 {
				t.Fatalf("want exactly one problem, got %d:\n%v", len(lines), err)
			}
			msg := lines[0]
			if !strings.HasPrefix(msg, tt.wantVar+": ") && !strings.HasPrefix(msg, tt.wantVar+" ") {
				t.Errorf("message %q does not start with the variable %s", msg, tt.wantVar)
			}
			if tt.wantText != "" && !strings.Contains(msg, tt.wantText) {
				t.Errorf("message %q does not contain %q", msg, tt.wantText)
			}
			if !strings.Contains(msg, "allowed") {
				t.Errorf("message %q does not say what is allowed", msg)
			}
			if tt.secret != "" && strings.Contains(msg, tt.secret) {
				t.Errorf("message %q leaks the secret %q", msg, tt.secret)
			}
		})
	}
}

func TestLoadReportsAllProblemsAtOnce(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"PORT":                        "x",
		"LOG_LEVEL":                   "loud",
		"SHUTDOWN_TIMEOUT":            "forever",
		"DRAIN_DELAY":                 "-5s",
		"MAX_BODY_BYTES":              "big",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
	}
	_, err := Load(envFunc(env), readFiles(nil))
	if err == nil {
		t.Fatal("Load() accepted bad values")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(env) {
		t.Fatalf("got %d problems, want %d:\n%v", len(lines), len(env), err)
	}
	for name := range env {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, name+":")
		}
		if !found {
			t.Errorf("no line for %s in:\n%v", name, err)
		}
	}
}

func TestLoadWarnsAboutCloudRunGrace(t *testing.T) {
	t.Parallel()
	c, err := Load(envFunc(map[string]string{"DRAIN_DELAY": "5s", "SHUTDOWN_TIMEOUT": "8s"}), readFiles(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "DRAIN_DELAY") {
		t.Fatalf("Warnings = %v, want one naming DRAIN_DELAY", c.Warnings)
	}
}

func TestHeadersNeverPrintValues(t *testing.T) {
	t.Parallel()
	h := Headers{"api-key": "hunter2"}
	if s := h.String(); strings.Contains(s, "hunter2") || !strings.Contains(s, "api-key") {
		t.Fatalf("String() = %q", s)
	}
}

func TestBaseEndpointGetsTheSignalPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base, wantTraces, wantMetrics string
	}{
		{"http://c:4318", "http://c:4318/v1/traces", "http://c:4318/v1/metrics"},
		{"http://c:4318/", "http://c:4318/v1/traces", "http://c:4318/v1/metrics"},
		{"https://c/otlp", "https://c/otlp/v1/traces", "https://c/otlp/v1/metrics"},
		{"https://c/otlp/", "https://c/otlp/v1/traces", "https://c/otlp/v1/metrics"},
		{"https://c/otlp?api_key=k&x=1", "https://c/otlp/v1/traces?api_key=k&x=1", "https://c/otlp/v1/metrics?api_key=k&x=1"},
		{"https://c:4318/?api_key=k", "https://c:4318/v1/traces?api_key=k", "https://c:4318/v1/metrics?api_key=k"},
		{"https://u:p@c/a%2Fb", "https://u:p@c/a%2Fb/v1/traces", "https://u:p@c/a%2Fb/v1/metrics"},
	}
	for _, tt := range tests {
		c, err := Load(envFunc(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": tt.base}), readFiles(nil))
		if err != nil {
			t.Fatalf("%s: Load() error = %v", tt.base, err)
		}
		if got := c.Telemetry.Traces.Endpoint; got != tt.wantTraces {
			t.Errorf("%s: traces endpoint = %q, want %q", tt.base, got, tt.wantTraces)
		}
		if got := c.Telemetry.Metrics.Endpoint; got != tt.wantMetrics {
			t.Errorf("%s: metrics endpoint = %q, want %q", tt.base, got, tt.wantMetrics)
		}
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"http://c:4318/v1/traces", "http://c:4318/v1/traces"},
		{"https://user:hunter2@c/v1/traces", "https://user:xxxxx@c/v1/traces"},
		{"https://c/v1/traces?api_key=hunter2", "https://c/v1/traces?xxxxx"},
		{"https://user:hunter2@c/otlp/v1/metrics?api_key=hunter2&a=b#hunter2", "https://user:xxxxx@c/otlp/v1/metrics?xxxxx#xxxxx"},
		{"http://u:hunter2%zz@c/", "(value not shown: not an http or https URL)"},
		{"user:hunter2@127.0.0.1:4318", "(value not shown: not an http or https URL)"},
		{"https://u:hunter2@", "(value not shown: not an http or https URL)"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := (Exporter{}).RedactedEndpoint(); got != "" {
		t.Errorf("RedactedEndpoint() of an unset endpoint = %q, want empty", got)
	}
}
