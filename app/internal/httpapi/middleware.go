package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/berth-dev/berth/app/internal/logging"
)

// RequestIDHeader carries the request ID in both directions.
const RequestIDHeader = "X-Request-Id"

// ServeHTTP runs every request through the same steps, outermost first:
// request ID, trace context and server span, access log and metric, panic
// recovery, body limit, routing.
//
// A panic before the response has started becomes a 500. A panic after it
// has started cannot change the status, so, once logged, it aborts the
// connection (by panicking with http.ErrAbortHandler) so that the client
// sees a broken response rather than a truncated one that looks complete.
// A handler's own http.ErrAbortHandler is passed on the same way. Either
// way the span ends and the access log line is written, marked "aborted".
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := r.Header.Get(RequestIDHeader)
	if !validRequestID(id) {
		id = newRequestID()
	}
	w.Header().Set(RequestIDHeader, id)
	if a.opts.Readiness.Draining() {
		// Ask clients to open new connections, which the load balancer
		// sends elsewhere, so that none is idle here when the server stops.
		w.Header().Set("Connection", "close")
	}
	method := methodAttribute(r.Method)
	spanName := method
	if method == otherMethod {
		// The semantic conventions name such spans "HTTP".
		spanName = "HTTP"
	}
	attrs := []attribute.KeyValue{
		attribute.String("http.request.method", method),
		attribute.String("url.path", r.URL.Path),
		attribute.String("url.scheme", scheme(r)),
		attribute.String("user_agent.original", r.UserAgent()),
		attribute.String("network.protocol.version", fmt.Sprintf("%d.%d", r.ProtoMajor, r.ProtoMinor)),
	}
	if method != r.Method {
		attrs = append(attrs, attribute.String("http.request.method_original", r.Method))
	}
	ctx := logging.WithRequestID(r.Context(), id)
	ctx = a.opts.Propagator.Extract(ctx, propagation.HeaderCarrier(r.Header))
	ctx, span := a.tracer.Start(ctx, spanName, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
	r = r.WithContext(ctx)
	_, pattern := a.mux.Handler(r)
	route := routeOf(pattern)
	rw := &responseWriter{ResponseWriter: w}

	defer func() {
		v := recover()
		if v == nil {
			a.finish(r, rw, span, route, start, false)
			return
		}
		if v != http.ErrAbortHandler {
			a.opts.Logger.ErrorContext(ctx, "panic serving request", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			span.RecordError(fmt.Errorf("panic: %v", v))
			if !rw.wroteHeader {
				writeError(rw, http.StatusInternalServerError, "internal", "internal error")
				a.finish(r, rw, span, route, start, false)
				return
			}
		}
		a.finish(r, rw, span, route, start, true)
		panic(http.ErrAbortHandler)
	}()

	r.Body = http.MaxBytesReader(rw, r.Body, a.opts.MaxBodyBytes)
	a.route(rw, r, pattern)
}

// otherMethod replaces a non-standard method in telemetry attributes.
const otherMethod = "_OTHER"

// methodAttribute returns the method for the http.request.method attribute:
// the method if it is one of the nine of RFC 9110 and RFC 5789, else
// "_OTHER", so that clients cannot create metric series at will
// (https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-server).
func methodAttribute(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete,
		http.MethodConnect, http.MethodOptions, http.MethodTrace, http.MethodPatch:
		return m
	}
	return otherMethod
}

// finish ends the span, records the duration and writes the access log
// line. aborted means the connection is being aborted: the response, if
// it started at all, is incomplete.
func (a *API) finish(r *http.Request, rw *responseWriter, span trace.Span, route string, start time.Time, aborted bool) {
	// Status 0 stands for "no status was sent": the connection was aborted
	// before the response started.
	status := rw.status
	if status == 0 && !aborted {
		status = http.StatusOK
	}
	if !aborted && !rw.clientClosed && r.Context().Err() != nil {
		// net/http cancels the context when the client half-closes or
		// goes away; only writing tells the two apart. The response is
		// complete here, so flushing it early changes nothing for a
		// client that is still reading.
		if err := http.NewResponseController(rw.ResponseWriter).Flush(); err != nil {
			rw.clientClosed = true
		}
	}
	elapsed := time.Since(start)
	ctx := r.Context()
	method := methodAttribute(r.Method)

	if route != "" {
		if method == otherMethod {
			span.SetName("HTTP " + route)
		} else {
			span.SetName(method + " " + route)
		}
		span.SetAttributes(attribute.String("http.route", route))
	}
	if status != 0 {
		span.SetAttributes(attribute.Int("http.response.status_code", status))
	}
	switch {
	case aborted:
		span.SetAttributes(attribute.String("error.type", abortedErrorType))
		span.SetStatus(codes.Error, "response aborted")
	case status >= 500:
		span.SetStatus(codes.Error, http.StatusText(status))
	}
	span.End()

	if a.duration != nil {
		attrs := []attribute.KeyValue{
			attribute.String("http.request.method", method),
			attribute.String("url.scheme", scheme(r)),
		}
		if status != 0 {
			attrs = append(attrs, attribute.Int("http.response.status_code", status))
		}
		if aborted {
			attrs = append(attrs, attribute.String("error.type", abortedErrorType))
		}
		if route != "" {
			attrs = append(attrs, attribute.String("http.route", route))
		}
		a.duration.Record(ctx, elapsed.Seconds(), metric.WithAttributes(attrs...))
	}

	// 503s are INFO: /readyz answers 503 by design, and the cause of any
	// other (storage unavailable, shutting down) is logged once on its own.
	level := slog.LevelInfo
	if (status >= 500 && status != http.StatusServiceUnavailable) || aborted {
		level = slog.LevelWarn
	}
	logged := status
	if rw.clientClosed {
		logged, level = StatusClientClosed, slog.LevelInfo
	}
	logAttrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("route", route),
		slog.String("path", r.URL.Path),
		slog.Int("status", logged),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.Int64("bytes", rw.bytes),
		// https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry#HttpRequest
		slog.Group("httpRequest",
			slog.String("requestMethod", r.Method),
			slog.String("requestUrl", r.URL.RequestURI()),
			slog.Int("status", logged),
			slog.String("responseSize", strconv.FormatInt(rw.bytes, 10)),
			slog.String("latency", strconv.FormatFloat(elapsed.Seconds(), 'f', 6, 64)+"s"),
			slog.String("userAgent", r.UserAgent()),
			slog.String("remoteIp", remoteIP(r)),
			slog.String("protocol", r.Proto),
		),
	}
	if aborted {
		logAttrs = append(logAttrs, slog.Bool("aborted", true))
	}
	if rw.clientClosed {
		logAttrs = append(logAttrs, slog.Bool("client_closed", true), slog.Int("response_status", status))
	}
	a.opts.Logger.LogAttrs(ctx, level, "request", logAttrs...)
}

// abortedErrorType is the error.type attribute of a request whose
// connection was aborted.
const abortedErrorType = "aborted"

// routeOf turns a mux pattern such as "GET /v1/notes/{id}" into the
// http.route form "/v1/notes/{id}"; "" when nothing matched.
func routeOf(pattern string) string {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		pattern = path
	}
	return strings.TrimSuffix(pattern, "{$}")
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

func remoteIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// maxRequestIDLength keeps a client-chosen ID from bloating every log line.
const maxRequestIDLength = 128

// validRequestID accepts IDs of letters, digits and - _ . : only, so that
// a client cannot inject anything odd into logs or response headers.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:]) // Never fails since Go 1.24.
	return hex.EncodeToString(b[:])
}

// responseWriter records the status and size of the response, and
// whether the client closed the connection before it could have it.
type responseWriter struct {
	http.ResponseWriter
	status       int
	bytes        int64
	wroteHeader  bool
	clientClosed bool
}

// StatusClientClosed is the status the access log gives a request whose
// client went away before its response could be delivered: nginx's 499
// "client closed request". It is never sent; it keeps a client's
// disconnect apart from the service's own 503s in the log.
const StatusClientClosed = 499

// clientClosed marks the request as ended by its client: the access log
// shows StatusClientClosed, with the status the handler chose as
// response_status.
func clientClosed(w http.ResponseWriter) {
	if rw, ok := w.(*responseWriter); ok {
		rw.clientClosed = true
	}
}

func (w *responseWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	if err != nil {
		w.clientClosed = true
	}
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
