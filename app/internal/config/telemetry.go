package config

import (
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Telemetry is the OpenTelemetry configuration, read from the standard
// OTEL_* variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
// and https://opentelemetry.io/docs/specs/otel/protocol/exporter/). Only
// OTLP over HTTP with protobuf encoding is supported; nothing is exported
// unless an endpoint is set.
type Telemetry struct {
	// Disabled turns all exporting off, from OTEL_SDK_DISABLED.
	// Default: false. Allowed: true, false.
	Disabled bool
	// ServiceName is the service.name resource attribute, from OTEL_SERVICE_NAME.
	// Default: the service.name in OTEL_RESOURCE_ATTRIBUTES, else empty
	// (Config.ServiceName then falls back to K_SERVICE, then "berth-app").
	ServiceName string
	// ResourceAttributes are extra resource attributes, from
	// OTEL_RESOURCE_ATTRIBUTES. Default: none. Allowed: key=value pairs
	// separated by commas, values percent-encoded.
	ResourceAttributes []Attribute
	// Traces configures the span exporter; its Endpoint is empty when traces are off.
	Traces Exporter
	// Metrics configures the metric exporter; its Endpoint is empty when metrics are off.
	Metrics Exporter
	// Sampler is the trace sampler, from OTEL_TRACES_SAMPLER.
	// Default: parentbased_always_on. Allowed: always_on, always_off,
	// traceidratio, parentbased_always_on, parentbased_always_off,
	// parentbased_traceidratio.
	Sampler string
	// SamplerRatio is the ratio for the traceidratio samplers, from
	// OTEL_TRACES_SAMPLER_ARG. Default: 1. Allowed: 0 to 1.
	SamplerRatio float64
	// Propagators are the context propagators, from OTEL_PROPAGATORS.
	// Default: tracecontext,baggage. Allowed: any of tracecontext, baggage, or none.
	Propagators []string
	// MetricInterval is the time between metric exports, from
	// OTEL_METRIC_EXPORT_INTERVAL in milliseconds. Default: 60000. Allowed: 1 or more.
	MetricInterval time.Duration
	// MetricTimeout bounds one metric export, from OTEL_METRIC_EXPORT_TIMEOUT
	// in milliseconds. Default: 30000. Allowed: 1 or more.
	MetricTimeout time.Duration
	// Temporality is the metric temporality preference, from
	// OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE. Default: cumulative.
	// Allowed: cumulative, delta, lowmemory.
	Temporality string
}

// Attribute is one resource attribute from OTEL_RESOURCE_ATTRIBUTES.
type Attribute struct {
	// Key is the attribute name, such as deployment.environment.
	Key string
	// Value is the attribute value, percent-decoded.
	Value string
}

// Exporter is the configuration of one OTLP/HTTP exporter (traces or metrics).
type Exporter struct {
	// Endpoint is the full URL to POST to: OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT
	// as given, else OTEL_EXPORTER_OTLP_ENDPOINT with "/v1/traces" or
	// "/v1/metrics" appended to its path, its query kept. It may hold
	// credentials (user:password@, ?api_key=); log [Exporter.RedactedEndpoint].
	// Default: empty, meaning this signal is not exported.
	// Allowed: an absolute http or https URL.
	Endpoint string
	// Headers are sent with every export, from OTEL_EXPORTER_OTLP_HEADERS
	// merged with OTEL_EXPORTER_OTLP_<SIGNAL>_HEADERS. They often hold API
	// keys, so they are treated as secrets. Default: none. Allowed:
	// key=value pairs separated by commas, values percent-encoded.
	Headers Headers
	// Compression is "gzip" or "none", from OTEL_EXPORTER_OTLP_COMPRESSION or
	// its per-signal form. Default: none.
	Compression string
	// Timeout bounds one export including retries, from
	// OTEL_EXPORTER_OTLP_TIMEOUT or its per-signal form, in milliseconds.
	// Default: 10000. Allowed: 1 or more.
	Timeout time.Duration
}

// Enabled reports whether this signal is exported.
func (e Exporter) Enabled() bool { return e.Endpoint != "" }

// Headers are OTLP export headers. Their values are secret: String and
// LogValue list only the header names.
type Headers map[string]string

// String lists the header names, never the values.
func (h Headers) String() string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	return fmt.Sprintf("%d headers %v (values not shown)", len(h), names)
}

// LogValue lists the header names, never the values.
func (h Headers) LogValue() slog.Value { return slog.StringValue(h.String()) }

// Telemetry defaults, from the OpenTelemetry specification.
const (
	// DefaultOTLPTimeout is OTEL_EXPORTER_OTLP_TIMEOUT's default (10000 ms).
	DefaultOTLPTimeout = 10 * time.Second
	// DefaultMetricInterval is OTEL_METRIC_EXPORT_INTERVAL's default (60000 ms).
	DefaultMetricInterval = 60 * time.Second
	// DefaultMetricTimeout is OTEL_METRIC_EXPORT_TIMEOUT's default (30000 ms).
	DefaultMetricTimeout = 30 * time.Second
	// DefaultSampler is OTEL_TRACES_SAMPLER's default: follow the caller's
	// sampling decision, sample every trace that starts here.
	DefaultSampler = "parentbased_always_on"
)

func loadTelemetry(getenv func(string) string, errs *problems) Telemetry {
	t := Telemetry{
		Sampler:        DefaultSampler,
		SamplerRatio:   1,
		Propagators:    []string{"tracecontext", "baggage"},
		MetricInterval: DefaultMetricInterval,
		MetricTimeout:  DefaultMetricTimeout,
		Temporality:    "cumulative",
	}
	if v := getenv("OTEL_SDK_DISABLED"); v != "" {
		switch strings.ToLower(v) {
		case "true":
			t.Disabled = true
		case "false":
		default:
			errs.add("OTEL_SDK_DISABLED", "%q is not a boolean (allowed: true, false; default false)", v)
		}
	}
	t.ServiceName = getenv("OTEL_SERVICE_NAME")
	if v := getenv("OTEL_RESOURCE_ATTRIBUTES"); v != "" {
		pairs, err := parsePairs(v)
		if err != nil {
			errs.add("OTEL_RESOURCE_ATTRIBUTES", "%q: %v (allowed: key=value pairs separated by commas, values percent-encoded)", v, err)
		}
		for _, p := range pairs {
			t.ResourceAttributes = append(t.ResourceAttributes, Attribute{Key: p[0], Value: p[1]})
			if p[0] == "service.name" && t.ServiceName == "" {
				t.ServiceName = p[1]
			}
		}
	}

	for _, name := range []string{"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"} {
		if v := getenv(name); v != "" && v != "http/protobuf" {
			errs.add(name, "%q is not supported (allowed: http/protobuf; default http/protobuf)", v)
		}
	}
	for _, signal := range []string{"", "TRACES_", "METRICS_"} {
		for _, suffix := range []string{"CERTIFICATE", "CLIENT_CERTIFICATE", "CLIENT_KEY", "INSECURE"} {
			name := "OTEL_EXPORTER_OTLP_" + signal + suffix
			if getenv(name) != "" {
				errs.add(name, "is not supported by this service (allowed: unset; https endpoints use the system's root certificates)")
			}
		}
	}

	base := getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	if problem := endpointProblem(base); base != "" && problem != "" {
		errs.add("OTEL_EXPORTER_OTLP_ENDPOINT", "%s; value not shown because it may hold credentials (allowed: an absolute http or https URL such as http://localhost:4318; default unset, nothing exported)", problem)
		base = ""
	}
	baseHeaders := parseHeaders("OTEL_EXPORTER_OTLP_HEADERS", getenv, errs)
	baseCompression := parseCompression("OTEL_EXPORTER_OTLP_COMPRESSION", "none", getenv, errs)
	baseTimeout := parseMillis("OTEL_EXPORTER_OTLP_TIMEOUT", DefaultOTLPTimeout, getenv, errs)

	exporterFor := func(signal, path, exporterVar string) Exporter {
		e := Exporter{
			Headers:     Headers{},
			Compression: parseCompression("OTEL_EXPORTER_OTLP_"+signal+"_COMPRESSION", baseCompression, getenv, errs),
			Timeout:     parseMillis("OTEL_EXPORTER_OTLP_"+signal+"_TIMEOUT", baseTimeout, getenv, errs),
		}
		for k, v := range baseHeaders {
			e.Headers[k] = v
		}
		for k, v := range parseHeaders("OTEL_EXPORTER_OTLP_"+signal+"_HEADERS", getenv, errs) {
			e.Headers[k] = v
		}
		endpointVar := "OTEL_EXPORTER_OTLP_" + signal + "_ENDPOINT"
		if v := getenv(endpointVar); v != "" {
			if problem := endpointProblem(v); problem == "" {
				e.Endpoint = v
			} else {
				errs.add(endpointVar, "%s; value not shown because it may hold credentials (allowed: an absolute http or https URL such as http://localhost:4318%s; default OTEL_EXPORTER_OTLP_ENDPOINT plus %s)", problem, path, path)
			}
		} else if base != "" {
			e.Endpoint = joinEndpoint(base, path)
		}
		switch v := getenv(exporterVar); v {
		case "", "otlp":
		case "none":
			e.Endpoint = ""
		default:
			errs.add(exporterVar, "%q is not supported (allowed: otlp, none; default otlp)", v)
		}
		if t.Disabled {
			e.Endpoint = ""
		}
		return e
	}
	t.Traces = exporterFor("TRACES", "/v1/traces", "OTEL_TRACES_EXPORTER")
	t.Metrics = exporterFor("METRICS", "/v1/metrics", "OTEL_METRICS_EXPORTER")

	if v := getenv("OTEL_TRACES_SAMPLER"); v != "" {
		switch v {
		case "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio":
			t.Sampler = v
		default:
			errs.add("OTEL_TRACES_SAMPLER", "%q is not supported (allowed: always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio; default %s)", v, DefaultSampler)
		}
	}
	if v := getenv("OTEL_TRACES_SAMPLER_ARG"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			errs.add("OTEL_TRACES_SAMPLER_ARG", "%q is not a sampling ratio (allowed: a number from 0 to 1; default 1)", v)
		} else {
			t.SamplerRatio = f
		}
	}
	if v := getenv("OTEL_PROPAGATORS"); v != "" {
		t.Propagators = nil
		for _, p := range strings.Split(v, ",") {
			switch p = strings.TrimSpace(p); p {
			case "tracecontext", "baggage":
				t.Propagators = append(t.Propagators, p)
			case "none":
			default:
				errs.add("OTEL_PROPAGATORS", "%q: propagator %q is not supported (allowed: a comma-separated list of tracecontext, baggage, or none; default tracecontext,baggage)", v, p)
			}
		}
	}
	t.MetricInterval = parseMillis("OTEL_METRIC_EXPORT_INTERVAL", DefaultMetricInterval, getenv, errs)
	t.MetricTimeout = parseMillis("OTEL_METRIC_EXPORT_TIMEOUT", DefaultMetricTimeout, getenv, errs)
	if v := getenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"); v != "" {
		switch strings.ToLower(v) {
		case "cumulative", "delta", "lowmemory":
			t.Temporality = strings.ToLower(v)
		default:
			errs.add("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "%q is not supported (allowed: cumulative, delta, lowmemory; default cumulative)", v)
		}
	}
	return t
}

// endpointProblem says what keeps v from being an OTLP endpoint, or ""
// when it is one. The answer never quotes v: an endpoint may hold a
// password or an API key, and a value that is not a URL cannot be told
// apart into parts that are safe to show.
func endpointProblem(v string) string {
	u, err := url.Parse(v)
	switch {
	case err != nil:
		return "not a valid URL"
	case !strings.Contains(v, "://"):
		return "not an absolute URL: it does not start with http:// or https://"
	case u.Scheme != "http" && u.Scheme != "https":
		return "its scheme is not http or https"
	case u.Host == "":
		return "it has no host"
	}
	return ""
}

// joinEndpoint appends a signal path such as "/v1/traces" to the path of
// the base endpoint, keeping its query: "http://c:4318/otlp?k=v" becomes
// "http://c:4318/otlp/v1/traces?k=v". base must be a valid endpoint.
func joinEndpoint(base, signalPath string) string {
	u, err := url.Parse(base)
	if err != nil {
		return strings.TrimSuffix(base, "/") + signalPath
	}
	return u.JoinPath(strings.TrimPrefix(signalPath, "/")).String()
}

// RedactURL returns a URL fit for logs and error messages: a password in
// its user information becomes "xxxxx" (as url.URL.Redacted does), and its
// query and fragment, where collectors often take API keys, become
// "?xxxxx" and "#xxxxx". A value that is not an absolute http or https URL
// is not shown at all, since what it holds cannot be told apart.
func RedactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil || endpointProblem(v) != "" {
		return "(value not shown: not an http or https URL)"
	}
	hasQuery, hasFragment := u.RawQuery != "" || u.ForceQuery, u.Fragment != ""
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	s := u.Redacted()
	if hasQuery {
		s += "?xxxxx"
	}
	if hasFragment {
		s += "#xxxxx"
	}
	return s
}

// RedactedEndpoint returns Endpoint as [RedactURL] shows it, for logs.
func (e Exporter) RedactedEndpoint() string {
	if e.Endpoint == "" {
		return ""
	}
	return RedactURL(e.Endpoint)
}

func parseMillis(name string, def time.Duration, getenv func(string) string, errs *problems) time.Duration {
	v := getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > int64(time.Hour/time.Millisecond) {
		errs.add(name, "%q is not a number of milliseconds (allowed: 1 to 3600000; default %d)", v, def.Milliseconds())
		return def
	}
	return time.Duration(n) * time.Millisecond
}

func parseCompression(name, def string, getenv func(string) string, errs *problems) string {
	switch v := getenv(name); v {
	case "":
		return def
	case "gzip", "none":
		return v
	default:
		errs.add(name, "%q is not supported (allowed: gzip, none; default %s)", v, def)
		return def
	}
}

// parseHeaders never puts any part of the value in its messages, keys
// included: headers carry API keys, and a mistyped entry such as
// "authorization: Bearer abc" puts the key where the name should be.
func parseHeaders(name string, getenv func(string) string, errs *problems) Headers {
	v := getenv(name)
	if v == "" {
		return nil
	}
	const allowed = "allowed: name=value pairs separated by commas, names HTTP header names, values percent-encoded"
	pairs, err := parsePairs(v)
	if err != nil {
		errs.add(name, "%v; value not shown because it may hold credentials (%s)", err, allowed)
	}
	h := Headers{}
	for i, p := range pairs {
		switch {
		case !validHeaderName(p[0]):
			errs.add(name, "entry %d: the name is not an HTTP header name (letters, digits and !#$%%&'*+-.^_`|~ only); value not shown because it may hold credentials (%s)", i+1, allowed)
		case strings.ContainsFunc(p[1], func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }):
			errs.add(name, "entry %d: the value holds a control character, which no HTTP header can carry; value not shown because it may hold credentials (%s)", i+1, allowed)
		default:
			h[p[0]] = p[1]
		}
	}
	return h
}

// validHeaderName reports whether s is a field name: an RFC 9110 token
// (section 5.1), 1*tchar.
func validHeaderName(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r))
	})
}

// parsePairs parses the W3C-baggage-like list used by OTEL_RESOURCE_ATTRIBUTES
// and OTEL_EXPORTER_OTLP_HEADERS. Errors name entries by position, never by
// key or value.
func parsePairs(v string) ([][2]string, error) {
	var out [][2]string
	for i, item := range strings.Split(v, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		k, val, ok := strings.Cut(item, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return out, fmt.Errorf("entry %d is not key=value", i+1)
		}
		dec, err := url.PathUnescape(strings.TrimSpace(val))
		if err != nil {
			return out, fmt.Errorf("entry %d has an invalid percent-encoding", i+1)
		}
		out = append(out, [2]string{k, dec})
	}
	return out, nil
}
