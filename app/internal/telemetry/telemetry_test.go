package telemetry

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/berth-dev/berth/app/internal/config"
)

type collector struct {
	mu       sync.Mutex
	requests map[string][][]byte
	headers  []http.Header
}

func newCollector(t *testing.T) (*collector, *httptest.Server) {
	c := &collector{requests: map[string][][]byte{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				t.Errorf("bad gzip: %v", err)
				return
			}
			body = zr
		}
		b, _ := io.ReadAll(body)
		c.mu.Lock()
		c.requests[r.URL.Path] = append(c.requests[r.URL.Path], b)
		c.headers = append(c.headers, r.Header.Clone())
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	t.Cleanup(srv.Close)
	return c, srv
}

func testConfig(endpoint string) config.Telemetry {
	exp := func(path string) config.Exporter {
		return config.Exporter{Endpoint: endpoint + path, Headers: config.Headers{"Api-Key": "k"}, Compression: "gzip", Timeout: 10 * time.Second}
	}
	return config.Telemetry{
		Traces: exp("/v1/traces"), Metrics: exp("/v1/metrics"),
		Sampler: "parentbased_always_on", SamplerRatio: 1,
		Propagators:    []string{"tracecontext", "baggage"},
		MetricInterval: time.Hour, MetricTimeout: 10 * time.Second, Temporality: "cumulative",
		ResourceAttributes: []config.Attribute{{Key: "deployment.environment", Value: "test"}},
	}
}

func metricAttrs() metric.MeasurementOption {
	return metric.WithAttributes(attribute.String("http.route", "/v1/notes"), attribute.String("http.request.method", "GET"))
}

func findAttr(kvs []*commonpb.KeyValue, key string) *commonpb.AnyValue {
	for _, kv := range kvs {
		if kv.Key == key {
			return kv.Value
		}
	}
	return nil
}

func TestNoEndpointCreatesNoExporter(t *testing.T) {
	t.Parallel()
	tel := New(config.Telemetry{Propagators: []string{"tracecontext"}}, "svc", slog.New(slog.DiscardHandler))
	if tel.Enabled() {
		t.Fatal("Enabled() without an endpoint")
	}
	tracer := tel.TracerProvider.Tracer("x")
	ctx, span := tracer.Start(context.Background(), "s")
	if span.IsRecording() {
		t.Fatal("tracer without an exporter records")
	}
	root := trace.SpanContextFromContext(ctx)
	if !root.TraceID().IsValid() || !root.SpanID().IsValid() {
		t.Fatalf("span without a parent has no IDs: %v", root)
	}
	span.End()

	parent := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0x4b, 0xf9, 15: 0x36}, SpanID: trace.SpanID{0x00, 0xf0, 7: 0xb7}, TraceFlags: trace.FlagsSampled, Remote: true,
	})
	ctx, child := tracer.Start(trace.ContextWithRemoteSpanContext(context.Background(), parent), "s")
	got := trace.SpanContextFromContext(ctx)
	if got.TraceID() != parent.TraceID() || !got.SpanID().IsValid() || got.SpanID() == parent.SpanID() {
		t.Fatalf("span under traceparent %v has %v, want the same trace ID and a new span ID", parent, got)
	}
	if child.IsRecording() {
		t.Fatal("tracer without an exporter records a sampled caller's span")
	}
	child.End()
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestExportsSpansAsOTLPProtobuf(t *testing.T) {
	t.Parallel()
	c, srv := newCollector(t)
	tel := New(testConfig(srv.URL), "notes", slog.New(slog.DiscardHandler))
	tracer := tel.TracerProvider.Tracer("github.com/berth-dev/berth/app", trace.WithInstrumentationVersion("v1"))

	remote := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		SpanID:  trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}, TraceFlags: trace.FlagsSampled, Remote: true,
	})
	ctx := trace.ContextWithRemoteSpanContext(context.Background(), remote)
	_, span := tracer.Start(ctx, "GET /v1/notes/{id}", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.route", "/v1/notes/{id}"), attribute.Int("http.response.status_code", 500),
			attribute.Bool("b", true), attribute.Float64("f", 1.5), attribute.StringSlice("ss", []string{"a", "b"})))
	span.AddEvent("retry", trace.WithAttributes(attribute.Int("n", 2)))
	span.SetStatus(codes.Error, "boom")
	span.End()
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown() = %v", err)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	bodies := c.requests["/v1/traces"]
	if len(bodies) != 1 {
		t.Fatalf("got %d trace requests, want 1", len(bodies))
	}
	if h := c.headers[0]; h.Get("Content-Type") != "application/x-protobuf" || h.Get("Api-Key") != "k" {
		t.Errorf("headers = %v", h)
	}
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(bodies[0], &req); err != nil {
		t.Fatalf("body is not an ExportTraceServiceRequest: %v", err)
	}
	rs := req.ResourceSpans[0]
	if v := findAttr(rs.Resource.Attributes, "service.name"); v.GetStringValue() != "notes" {
		t.Errorf("service.name = %v", v)
	}
	if v := findAttr(rs.Resource.Attributes, "deployment.environment"); v.GetStringValue() != "test" {
		t.Errorf("deployment.environment = %v", v)
	}
	ss := rs.ScopeSpans[0]
	if ss.Scope.Name != "github.com/berth-dev/berth/app" || ss.Scope.Version != "v1" {
		t.Errorf("scope = %v", ss.Scope)
	}
	s := ss.Spans[0]
	if s.Name != "GET /v1/notes/{id}" || s.Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("name/kind = %q %v", s.Name, s.Kind)
	}
	if tid := remote.TraceID(); !bytes.Equal(s.TraceId, tid[:]) {
		t.Errorf("trace ID = %x", s.TraceId)
	}
	if pid := remote.SpanID(); !bytes.Equal(s.ParentSpanId, pid[:]) {
		t.Errorf("parent span ID = %x", s.ParentSpanId)
	}
	if s.StartTimeUnixNano == 0 || s.EndTimeUnixNano < s.StartTimeUnixNano {
		t.Errorf("times = %d %d", s.StartTimeUnixNano, s.EndTimeUnixNano)
	}
	if s.Status.Code != tracepb.Status_STATUS_CODE_ERROR || s.Status.Message != "boom" {
		t.Errorf("status = %v", s.Status)
	}
	if s.Flags != 0x301 {
		t.Errorf("flags = %#x, want sampled, has-is-remote, is-remote", s.Flags)
	}
	if v := findAttr(s.Attributes, "http.response.status_code"); v.GetIntValue() != 500 {
		t.Errorf("status attribute = %v", v)
	}
	if v := findAttr(s.Attributes, "b"); !v.GetBoolValue() {
		t.Errorf("bool attribute = %v", v)
	}
	if v := findAttr(s.Attributes, "f"); v.GetDoubleValue() != 1.5 {
		t.Errorf("double attribute = %v", v)
	}
	if v := findAttr(s.Attributes, "ss"); len(v.GetArrayValue().GetValues()) != 2 || v.GetArrayValue().Values[1].GetStringValue() != "b" {
		t.Errorf("slice attribute = %v", v)
	}
	if len(s.Events) != 1 || s.Events[0].Name != "retry" || findAttr(s.Events[0].Attributes, "n").GetIntValue() != 2 {
		t.Errorf("events = %v", s.Events)
	}
}

func TestExportsMetricsAsOTLPProtobuf(t *testing.T) {
	t.Parallel()
	c, srv := newCollector(t)
	tel := New(testConfig(srv.URL), "notes", slog.New(slog.DiscardHandler))
	meter := tel.MeterProvider.Meter("m")
	h, _ := meter.Float64Histogram("http.server.request.duration", metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(0.01, 0.1, 1))
	h.Record(context.Background(), 0.02, metricAttrs())
	h.Record(context.Background(), 0.3, metricAttrs())
	// Instruments other than float64 histograms are accepted and ignored.
	ctr, _ := meter.Int64Counter("notes.created")
	ctr.Add(context.Background(), 3)
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown() = %v", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	bodies := c.requests["/v1/metrics"]
	if len(bodies) != 1 {
		t.Fatalf("got %d metric requests, want 1", len(bodies))
	}
	var req colmetricpb.ExportMetricsServiceRequest
	if err := proto.Unmarshal(bodies[0], &req); err != nil {
		t.Fatalf("body is not an ExportMetricsServiceRequest: %v", err)
	}
	got := map[string]bool{}
	for _, m := range req.ResourceMetrics[0].ScopeMetrics[0].Metrics {
		got[m.Name] = true
		switch m.Name {
		case "http.server.request.duration":
			dp := m.GetHistogram().DataPoints[0]
			if dp.Count != 2 || dp.GetSum() < 0.319 || dp.GetSum() > 0.321 || dp.GetMin() != 0.02 || dp.GetMax() != 0.3 {
				t.Errorf("histogram point = %v", dp)
			}
			if len(dp.BucketCounts) != len(dp.ExplicitBounds)+1 || m.GetHistogram().AggregationTemporality != 2 || m.Unit != "s" {
				t.Errorf("histogram shape = %v", m.GetHistogram())
			}
			if findAttr(dp.Attributes, "http.route").GetStringValue() != "/v1/notes" {
				t.Errorf("attributes = %v", dp.Attributes)
			}
		}
	}
	if len(got) != 1 {
		t.Errorf("metrics = %v", got)
	}
}

func TestRetriesRetryableStatus(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	c := newClient(config.Exporter{Endpoint: srv.URL, Timeout: 10 * time.Second})
	if err := c.post(context.Background(), []byte{1}); err != nil {
		t.Fatalf("post() = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 2 {
		t.Fatalf("calls = %d, want 2", calls)
	}
}

func TestDoesNotRetryBadRequest(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadRequest)
	}))
	defer srv.Close()
	c := newClient(config.Exporter{Endpoint: srv.URL, Timeout: 10 * time.Second})
	if err := c.post(context.Background(), []byte{1}); err == nil || calls.Load() != 1 {
		t.Fatalf("post() = %v after %d calls, want an error after 1", err, calls.Load())
	}
}

// TestExportErrorsHideEndpointCredentials checks both kinds of export
// error, a refused connection and an error status, for an endpoint with a
// password and an API key in its query.
func TestExportErrorsHideEndpointCredentials(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, base := range []string{srv.URL, closed.URL} {
		endpoint := strings.Replace(base, "://", "://user:pa55word@", 1) + "/v1/traces?api_key=k3y"
		c := newClient(config.Exporter{Endpoint: endpoint, Timeout: 200 * time.Millisecond})
		err := c.post(context.Background(), []byte{1})
		if err == nil {
			t.Fatalf("post(%s) succeeded, want an error", base)
		}
		if strings.Contains(err.Error(), "pa55word") || strings.Contains(err.Error(), "k3y") {
			t.Errorf("export error shows a credential: %v", err)
		}
		if !strings.Contains(err.Error(), "/v1/traces") {
			t.Errorf("export error does not name the endpoint: %v", err)
		}
	}
}

func TestHistogramBucketsAndDelta(t *testing.T) {
	t.Parallel()
	p := &meterProvider{}
	hi, _ := (&meter{p: p, scope: scope{name: "m"}}).Float64Histogram("h", metric.WithExplicitBucketBoundaries(1, 2))
	h := hi.(*histogram)
	for _, v := range []float64{0.5, 1, 1.5, 2, 3} {
		h.Record(context.Background(), v)
	}
	body := encodeMetrics(nil, []*histogram{h}, true, time.Now())
	var req colmetricpb.ExportMetricsServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	hist := req.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].GetHistogram()
	if got := hist.DataPoints[0].BucketCounts; len(got) != 3 || got[0] != 2 || got[1] != 2 || got[2] != 1 {
		t.Fatalf("bucket counts = %v, want [2 2 1] (upper bounds inclusive)", got)
	}
	if hist.AggregationTemporality != 1 {
		t.Fatalf("temporality = %v, want delta", hist.AggregationTemporality)
	}
	if encodeMetrics(nil, []*histogram{h}, true, time.Now()) != nil {
		t.Fatal("delta export did not reset the points")
	}
}

func TestSamplers(t *testing.T) {
	t.Parallel()
	sampledParent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled})
	unsampledParent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}})
	low := trace.TraceID{15: 0x02}                                        // low bits tiny: sampled at any ratio > 0
	high := trace.TraceID{8: 0xff, 9: 0xff, 10: 0xff, 11: 0xff, 15: 0xff} // sampled only near 1
	tests := []struct {
		sampler string
		ratio   float64
		parent  trace.SpanContext
		id      trace.TraceID
		want    bool
	}{
		{"always_on", 1, unsampledParent, low, true},
		{"always_off", 1, sampledParent, low, false},
		{"parentbased_always_on", 1, unsampledParent, low, false},
		{"parentbased_always_on", 1, sampledParent, low, true},
		{"parentbased_always_on", 1, trace.SpanContext{}, low, true},
		{"parentbased_always_off", 1, sampledParent, low, true},
		{"parentbased_always_off", 1, trace.SpanContext{}, low, false},
		{"traceidratio", 0.5, trace.SpanContext{}, low, true},
		{"traceidratio", 0.5, trace.SpanContext{}, high, false},
		{"traceidratio", 0, trace.SpanContext{}, low, false},
		{"parentbased_traceidratio", 0.5, sampledParent, high, true},
	}
	for _, tt := range tests {
		if got := newSampler(tt.sampler, tt.ratio)(tt.parent, tt.id); got != tt.want {
			t.Errorf("%s(%v) parent sampled=%v: got %v, want %v", tt.sampler, tt.ratio, tt.parent.IsSampled(), got, tt.want)
		}
	}
}

func TestUnsampledSpansKeepTheTraceAndAreNotExported(t *testing.T) {
	t.Parallel()
	c, srv := newCollector(t)
	cfg := testConfig(srv.URL)
	cfg.Sampler = "always_off"
	tel := New(cfg, "notes", slog.New(slog.DiscardHandler))
	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{9}, SpanID: trace.SpanID{9}, Remote: true})
	ctx, span := tel.TracerProvider.Tracer("x").Start(trace.ContextWithRemoteSpanContext(context.Background(), parent), "s")
	if span.IsRecording() || trace.SpanContextFromContext(ctx).TraceID() != parent.TraceID() || span.SpanContext().SpanID() == parent.SpanID() {
		t.Fatalf("unsampled span: recording %v, context %v", span.IsRecording(), span.SpanContext())
	}
	span.End()
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.requests["/v1/traces"]); n != 0 {
		t.Fatalf("%d trace requests for unsampled spans", n)
	}
}
