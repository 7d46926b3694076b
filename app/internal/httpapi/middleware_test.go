package httpapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// recorder is a tracer and meter provider that keeps every ended span and
// every recorded measurement's attributes.
type recorder struct {
	embedded.TracerProvider
	metricnoop.MeterProvider

	mu           sync.Mutex
	spans        []*recordedSpan
	measurements []attribute.Set
}

type recordedSpan struct {
	tracenoop.Span
	r      *recorder
	name   string
	attrs  map[attribute.Key]attribute.Value
	status codes.Code
}

func (r *recorder) Tracer(string, ...trace.TracerOption) trace.Tracer {
	return recordingTracer{r: r}
}

type recordingTracer struct {
	embedded.Tracer
	r *recorder
}

func (t recordingTracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	s := &recordedSpan{r: t.r, name: name, attrs: map[attribute.Key]attribute.Value{}}
	cfg := trace.NewSpanStartConfig(opts...)
	s.SetAttributes(cfg.Attributes()...)
	return trace.ContextWithSpan(ctx, s), s
}

func (s *recordedSpan) SetName(name string) { s.name = name }
func (s *recordedSpan) SetAttributes(kvs ...attribute.KeyValue) {
	for _, kv := range kvs {
		s.attrs[kv.Key] = kv.Value
	}
}
func (s *recordedSpan) SetStatus(c codes.Code, _ string) { s.status = c }
func (s *recordedSpan) End(...trace.SpanEndOption) {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.spans = append(s.r.spans, s)
}

func (r *recorder) Meter(string, ...metric.MeterOption) metric.Meter {
	return recordingMeter{r: r}
}

type recordingMeter struct {
	metricnoop.Meter
	r *recorder
}

func (m recordingMeter) Float64Histogram(string, ...metric.Float64HistogramOption) (metric.Float64Histogram, error) {
	return recordingHistogram{r: m.r}, nil
}

type recordingHistogram struct {
	metricnoop.Float64Histogram
	r *recorder
}

func (h recordingHistogram) Record(_ context.Context, _ float64, opts ...metric.RecordOption) {
	h.r.mu.Lock()
	defer h.r.mu.Unlock()
	h.r.measurements = append(h.r.measurements, metric.NewRecordConfig(opts).Attributes())
}

// last returns the last ended span and the last measurement's attributes.
func (r *recorder) last(t *testing.T) (*recordedSpan, attribute.Set) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.spans) == 0 || len(r.measurements) == 0 {
		t.Fatalf("%d spans, %d measurements; want at least one of each", len(r.spans), len(r.measurements))
	}
	return r.spans[len(r.spans)-1], r.measurements[len(r.measurements)-1]
}

func newRecordingFixture(t *testing.T) (*fixture, *recorder) {
	rec := &recorder{}
	f := newFixture(t, func(o *Options) { o.TracerProvider, o.MeterProvider = rec, rec })
	return f, rec
}

func TestNonStandardMethodsAreRecordedAsOther(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, target string
		wantAttr       string
		wantSpanName   string
		wantOriginal   string
	}{
		{"GET", "/healthz", "GET", "GET /healthz", ""},
		{"PATCH", "/healthz", "PATCH", "PATCH", ""},
		{"OPTIONS", "/nope", "OPTIONS", "OPTIONS", ""},
		{"FOO", "/healthz", "_OTHER", "HTTP", "FOO"},
		{"get", "/v1/notes", "_OTHER", "HTTP", "get"},
		{"X-RANDOM-12345", "/", "_OTHER", "HTTP", "X-RANDOM-12345"},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			t.Parallel()
			f, rec := newRecordingFixture(t)
			f.do(t, tt.method, tt.target, "")
			span, m := rec.last(t)
			if got, _ := m.Value("http.request.method"); got.AsString() != tt.wantAttr {
				t.Errorf("metric http.request.method = %q, want %q", got.AsString(), tt.wantAttr)
			}
			if got := span.attrs["http.request.method"]; got.AsString() != tt.wantAttr {
				t.Errorf("span http.request.method = %q, want %q", got.AsString(), tt.wantAttr)
			}
			if got := span.attrs["http.request.method_original"]; got.AsString() != tt.wantOriginal {
				t.Errorf("span http.request.method_original = %q, want %q", got.AsString(), tt.wantOriginal)
			}
			if m.HasValue("http.request.method_original") {
				t.Error("the metric carries the original method")
			}
			if span.name != tt.wantSpanName {
				t.Errorf("span name = %q, want %q", span.name, tt.wantSpanName)
			}
		})
	}
}

// TestPanicAfterTheResponseStartedAbortsTheConnection serves through a real
// server: the handler has sent the status and part of the body when it
// panics, so the client must see a broken response, not a short 200.
func TestPanicAfterTheResponseStartedAbortsTheConnection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		wantPanic bool // a "panic serving request" line
	}{
		{"panic", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, `{"partial":`)
			http.NewResponseController(w).Flush()
			panic("boom")
		}, true},
		{"panic without Content-Length", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"partial":`)
			http.NewResponseController(w).Flush()
			panic("boom")
		}, true},
		{"ErrAbortHandler after the status", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"partial":`)
			http.NewResponseController(w).Flush()
			panic(http.ErrAbortHandler)
		}, false},
		{"ErrAbortHandler before the status", func(w http.ResponseWriter, r *http.Request) {
			panic(http.ErrAbortHandler)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, rec := newRecordingFixture(t)
			f.api.mux.HandleFunc("GET /stream", tt.handler)
			srv := httptest.NewServer(f.api)
			t.Cleanup(srv.Close)
			req, _ := http.NewRequest("GET", srv.URL+"/stream", nil)
			req.Header.Set(RequestIDHeader, "req-a")
			resp, err := srv.Client().Do(req)
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if err == nil {
				t.Fatalf("client read a complete response (%d); want a broken connection", resp.StatusCode)
			}

			var panicLine, accessLine map[string]any
			for _, l := range f.logs.lines(t) {
				switch l["message"] {
				case "panic serving request":
					panicLine = l
				case "request":
					accessLine = l
				}
			}
			if (panicLine != nil) != tt.wantPanic {
				t.Errorf("panic log line = %v, want one: %v", panicLine, tt.wantPanic)
			}
			if accessLine == nil || accessLine["aborted"] != true || accessLine["severity"] != "WARNING" || accessLine["request_id"] != "req-a" {
				t.Fatalf("access log = %v, want a WARNING line marked aborted", accessLine)
			}
			span, m := rec.last(t)
			if span.status != codes.Error || span.attrs["error.type"].AsString() != "aborted" {
				t.Errorf("span status %v, attributes %v; want an error, error.type aborted", span.status, span.attrs)
			}
			if v, _ := m.Value("error.type"); v.AsString() != "aborted" {
				t.Errorf("metric attributes %v, want error.type aborted", m.ToSlice())
			}
		})
	}
}

func TestPanicBeforeTheResponseIsA500(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.api.mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	srv := httptest.NewServer(f.api)
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL + "/panic")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 500 || !strings.Contains(string(body), `"internal"`) {
		t.Fatalf("GET /panic = %d %s %v, want a complete 500", resp.StatusCode, body, err)
	}
}
