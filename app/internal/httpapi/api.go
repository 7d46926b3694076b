// Package httpapi is the service's HTTP interface: health and readiness
// probes, the instance identity at "/", and a small JSON API of notes.
//
// Routing uses the standard library's method-and-path patterns. Every
// response carries an X-Request-Id header; every error, including unknown
// routes (404) and wrong methods (405, with Allow), is JSON of the form
// {"error":{"code":"...","message":"..."}}. Each request is traced (W3C
// trace context in, span out), counted in the http.server.request.duration
// histogram, and logged as one JSON line. In span and metric attributes a
// method outside the nine standard ones is "_OTHER", as the OpenTelemetry
// semantic conventions ask, so that clients cannot add metric series.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"golang.org/x/sync/semaphore"

	"github.com/berth-dev/berth/app/internal/lifecycle"
	"github.com/berth-dev/berth/app/internal/platform"
	"github.com/berth-dev/berth/app/internal/store"
)

// NoteStore is what the notes API needs from storage.
type NoteStore interface {
	// CreateNote stores a note and returns it with its ID and creation
	// time. With a non-empty idempotency key it returns the note stored
	// earlier with that key, replayed true, when title and body match, and
	// an error matching store.ErrKeyReused when they do not. An error
	// matching store.ErrOutcomeUnknown means the note may have been stored.
	CreateNote(ctx context.Context, title, body, idempotencyKey string) (n store.Note, replayed bool, err error)
	// GetNote returns the note with the ID, or an error matching store.ErrNotFound.
	GetNote(ctx context.Context, id int64) (store.Note, error)
	// ListNotes returns up to limit notes with IDs above afterID, in ID order.
	ListNotes(ctx context.Context, afterID int64, limit int) ([]store.Note, error)
}

var _ NoteStore = (*store.Postgres)(nil)

// Options configure [New]. Logger and Readiness are required.
type Options struct {
	// Logger receives one line per request and every error. Required.
	Logger *slog.Logger
	// Readiness answers /readyz. Required.
	Readiness *lifecycle.Readiness
	// Store holds notes. Default: nil, and the notes API answers 503
	// "storage is not configured". Pass a nil interface, not a nil pointer.
	Store NoteStore
	// Identity reports the instance identity for GET /. Default: unknown.
	Identity func() platform.Identity
	// ServiceName is reported by GET /. Default: empty.
	ServiceName string
	// MaxBodyBytes is the largest request body read. Default: 1 MiB.
	MaxBodyBytes int64
	// BodyBudget is the most memory that request bodies being read take
	// at once, summed over all requests. It is taken as bytes arrive, not
	// from the declared Content-Length, so a client that sends nothing
	// holds none of it; a request that cannot get more within 10 s
	// answers 503 with Retry-After. One body may take the whole budget.
	// Default: 8 MiB, a sixteenth of the smallest instance
	// (memlimit.BodyBudget).
	BodyBudget int64
	// ResponseBudget is the most memory that responses holding notes
	// take at once, summed over all requests, from before the database is
	// asked until each note is written to the connection: it bounds what
	// clients that read slowly or not at all can make the service hold.
	// A GET reserves its worst case first (limit notes of 10,200
	// four-byte characters, about 4 MiB for 100) and gives back what it
	// does not need; one that cannot get it within 10 s answers 503 with
	// Retry-After. One response may take the whole budget. Default: 8 MiB,
	// a sixteenth of the smallest instance (memlimit.ResponseBudget).
	ResponseBudget int64
	// APIToken, when not empty, is the bearer token POST /v1/notes
	// requires. Default: empty, writes need no token.
	APIToken string
	// TracerProvider creates the server spans. Default: no tracing.
	TracerProvider trace.TracerProvider
	// MeterProvider records http.server.request.duration. Default: no metrics.
	MeterProvider metric.MeterProvider
	// Propagator extracts trace context from requests. Default: none.
	Propagator propagation.TextMapPropagator
}

// DefaultMaxBodyBytes is used when Options.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// DefaultBodyBudget is used when Options.BodyBudget is 0.
const DefaultBodyBudget = 8 << 20

// DefaultResponseBudget is used when Options.ResponseBudget is 0.
const DefaultResponseBudget = 8 << 20

// API is the service's root handler.
type API struct {
	opts     Options
	mux      *http.ServeMux
	tracer   trace.Tracer
	duration metric.Float64Histogram
	// storeDown is true from the first ErrUnavailable until the store next
	// answers: one unavailability episode, logged once.
	storeDown atomic.Bool
	// bodies holds the BodyBudget that requests take as bodies arrive.
	bodies *semaphore.Weighted
	// responses holds the ResponseBudget that GETs of notes reserve.
	responses *semaphore.Weighted
	// budgetWait bounds each wait for bodies or responses; tests shorten it.
	budgetWait time.Duration
}

var _ http.Handler = (*API)(nil)

// New returns the root handler.
func New(o Options) *API {
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.BodyBudget <= 0 {
		o.BodyBudget = DefaultBodyBudget
	}
	if o.ResponseBudget <= 0 {
		o.ResponseBudget = DefaultResponseBudget
	}
	if o.Identity == nil {
		o.Identity = func() platform.Identity { return platform.Identity{} }
	}
	if o.TracerProvider == nil {
		o.TracerProvider = tracenoop.NewTracerProvider()
	}
	if o.Propagator == nil {
		o.Propagator = propagation.NewCompositeTextMapPropagator()
	}
	a := &API{opts: o, mux: http.NewServeMux(), tracer: o.TracerProvider.Tracer(instrumentationName), bodies: semaphore.NewWeighted(o.BodyBudget), responses: semaphore.NewWeighted(o.ResponseBudget), budgetWait: budgetWait}
	if o.MeterProvider != nil {
		// Boundaries advised by the HTTP semantic conventions
		// (https://opentelemetry.io/docs/specs/semconv/http/http-metrics/).
		a.duration, _ = o.MeterProvider.Meter(instrumentationName).Float64Histogram("http.server.request.duration",
			metric.WithUnit("s"), metric.WithDescription("Duration of HTTP server requests."),
			metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10))
	}
	a.mux.HandleFunc("GET /healthz", a.healthz)
	a.mux.HandleFunc("GET /readyz", a.readyz)
	a.mux.HandleFunc("GET /{$}", a.root)
	a.mux.HandleFunc("POST /v1/notes", a.createNote)
	a.mux.HandleFunc("GET /v1/notes", a.listNotes)
	a.mux.HandleFunc("GET /v1/notes/{id}", a.getNote)
	return a
}

// instrumentationName names the tracer and meter, as OpenTelemetry asks.
const instrumentationName = "github.com/berth-dev/berth/app/internal/httpapi"

// route dispatches a request that has passed through the middleware.
// Requests that match no pattern go through the mux into a recorder so
// that its plain-text 404 and 405 become JSON, keeping the Allow header.
func (a *API) route(w http.ResponseWriter, r *http.Request, pattern string) {
	if pattern != "" {
		a.mux.ServeHTTP(w, r)
		return
	}
	rec := &headerRecorder{header: http.Header{}}
	a.mux.ServeHTTP(rec, r)
	switch rec.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", rec.header.Get("Allow"))
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "method "+r.Method+" is not allowed here; allowed: "+rec.header.Get("Allow"))
	case http.StatusNotFound, 0:
		writeError(w, http.StatusNotFound, "not_found", "no route matches "+r.URL.Path)
	default:
		// Redirects that clean the path, such as "//healthz" to "/healthz".
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body)
	}
}

// headerRecorder captures what the mux writes for unmatched requests.
type headerRecorder struct {
	header http.Header
	status int
	body   []byte
}

func (h *headerRecorder) Header() http.Header { return h.header }
func (h *headerRecorder) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
	}
}
func (h *headerRecorder) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	h.body = append(h.body, b...)
	return len(b), nil
}
