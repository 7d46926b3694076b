package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("log line %q is not JSON: %v", b, err)
	}
	return m
}

func TestLoggerUsesCloudLoggingFieldNames(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		log  func(*slog.Logger)
		want string
	}{
		{func(l *slog.Logger) { l.Debug("m") }, "DEBUG"},
		{func(l *slog.Logger) { l.Info("m") }, "INFO"},
		{func(l *slog.Logger) { l.Warn("m") }, "WARNING"},
		{func(l *slog.Logger) { l.Error("m") }, "ERROR"},
	} {
		var buf bytes.Buffer
		tt.log(New(&buf, slog.LevelDebug, ""))
		m := decode(t, buf.Bytes())
		if m["severity"] != tt.want || m["message"] != "m" || m["time"] == nil {
			t.Errorf("line = %v, want severity %s, message and time", m, tt.want)
		}
		if _, ok := m["level"]; ok {
			t.Errorf("line %v still has level", m)
		}
	}
}

func TestLoggerAddsRequestIDAndTrace(t *testing.T) {
	t.Parallel()
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
	})
	ctx := trace.ContextWithSpanContext(WithRequestID(context.Background(), "req-1"), sc)

	var buf bytes.Buffer
	New(&buf, slog.LevelInfo, "my-project").InfoContext(ctx, "hello")
	m := decode(t, buf.Bytes())
	want := map[string]any{
		"request_id":                           "req-1",
		"trace_id":                             "4bf92f3577b34da6a3ce929d0e0e4736",
		"span_id":                              "00f067aa0ba902b7",
		"logging.googleapis.com/trace":         "projects/my-project/traces/4bf92f3577b34da6a3ce929d0e0e4736",
		"logging.googleapis.com/spanId":        "00f067aa0ba902b7",
		"logging.googleapis.com/trace_sampled": true,
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}

	buf.Reset()
	New(&buf, slog.LevelInfo, "").InfoContext(ctx, "hello")
	if m := decode(t, buf.Bytes()); m["logging.googleapis.com/trace"] != nil || m["trace_id"] == nil {
		t.Errorf("without a project: %v", m)
	}
}

func TestLoggerRespectsLevel(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	New(&buf, slog.LevelWarn, "").Info("hidden")
	if buf.Len() != 0 {
		t.Fatalf("info logged at warn level: %s", buf.String())
	}
}
