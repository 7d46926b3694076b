// Package logging builds the service's logger: JSON lines on stdout in the
// shape Google Cloud Logging understands (and that CloudWatch stores as is).
//
// Each line carries "severity" (DEBUG, INFO, WARNING, ERROR), "message" and
// "time". When a record is logged with a context, the request ID and the
// trace are added from it: "request_id", "trace_id", "span_id", and, when a
// Google Cloud project is known, "logging.googleapis.com/trace" as
// "projects/PROJECT/traces/TRACE_ID", "logging.googleapis.com/spanId" and
// "logging.googleapis.com/trace_sampled", which link the line to its trace
// (https://cloud.google.com/logging/docs/structured-logging).
package logging

import (
	"context"
	"io"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// New returns a logger writing JSON lines to w at level and above.
// gcpProject may be empty; then the Cloud Logging trace fields are omitted.
func New(w io.Writer, level slog.Leveler, gcpProject string) *slog.Logger {
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: replaceAttr})
	return slog.New(&contextHandler{Handler: h, project: gcpProject})
}

// Severity returns the Cloud Logging severity name for a slog level.
func Severity(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARNING"
	case l >= slog.LevelInfo:
		return "INFO"
	default:
		return "DEBUG"
	}
}

func replaceAttr(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 {
		return a
	}
	switch a.Key {
	case slog.LevelKey:
		if l, ok := a.Value.Any().(slog.Level); ok {
			return slog.String("severity", Severity(l))
		}
	case slog.MessageKey:
		a.Key = "message"
	}
	return a
}

type requestIDKey struct{}

// WithRequestID returns a context carrying the request ID, which every
// record logged with that context includes as "request_id".
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request ID carried by ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// contextHandler adds the request ID and trace fields found in the context.
type contextHandler struct {
	slog.Handler
	project string
}

func (h *contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if ctx != nil {
		if id := RequestID(ctx); id != "" {
			r.AddAttrs(slog.String("request_id", id))
		}
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			traceID, spanID := sc.TraceID().String(), sc.SpanID().String()
			r.AddAttrs(slog.String("trace_id", traceID), slog.String("span_id", spanID))
			if h.project != "" {
				r.AddAttrs(
					slog.String("logging.googleapis.com/trace", "projects/"+h.project+"/traces/"+traceID),
					slog.String("logging.googleapis.com/spanId", spanID),
					slog.Bool("logging.googleapis.com/trace_sampled", sc.IsSampled()),
				)
			}
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h *contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &contextHandler{Handler: h.Handler.WithAttrs(attrs), project: h.project}
}

func (h *contextHandler) WithGroup(name string) slog.Handler {
	return &contextHandler{Handler: h.Handler.WithGroup(name), project: h.project}
}
