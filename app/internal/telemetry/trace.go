package telemetry

import (
	"context"
	"encoding/binary"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
)

// This file is a small tracer that implements the OpenTelemetry trace API:
// sampling as OTEL_TRACES_SAMPLER describes, random IDs, and a batching
// exporter. It replaces the SDK's TracerProvider, which with the metric SDK
// adds about 1.4 MB to the binary; the service needs only server spans.

// Batching, as the SDK's batch span processor defaults
// (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#batch-span-processor).
const (
	maxQueueSize       = 2048
	maxExportBatchSize = 512
	scheduleDelay      = 5 * time.Second
	// maxEventsPerSpan and maxAttributesPerSpan follow the SDK's span limits.
	maxEventsPerSpan     = 128
	maxAttributesPerSpan = 128
)

// tracerProvider creates tracers whose sampled spans are batched and exported.
type tracerProvider struct {
	embedded.TracerProvider

	sample   func(parent trace.SpanContext, id trace.TraceID) bool
	resource []attribute.KeyValue
	client   *client
	logger   *slog.Logger

	queue chan *span
	flush chan chan struct{}
	stopper
	dropped  uint64 // spans lost to a full queue; guarded by droppedM
	droppedM sync.Mutex
}

var _ trace.TracerProvider = (*tracerProvider)(nil)

func newTracerProvider(c *client, resource []attribute.KeyValue, sampler string, ratio float64, logger *slog.Logger) *tracerProvider {
	p := &tracerProvider{
		sample:   newSampler(sampler, ratio),
		resource: resource,
		client:   c,
		logger:   logger,
		queue:    make(chan *span, maxQueueSize),
		flush:    make(chan chan struct{}),
		stopper:  newStopper(),
	}
	go p.loop()
	return p
}

// newIDTracerProvider returns a provider for when traces are not exported:
// its spans record nothing and are never exported, and it runs no
// goroutine, but each span still gets a W3C trace ID (the caller's, from
// traceparent, or a new one) and a new span ID, so that every request's log
// lines carry trace_id and span_id.
func newIDTracerProvider() *tracerProvider {
	return &tracerProvider{sample: func(trace.SpanContext, trace.TraceID) bool { return false }}
}

func (p *tracerProvider) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	c := trace.NewTracerConfig(opts...)
	return &tracer{p: p, scope: scope{name: name, version: c.InstrumentationVersion()}}
}

// newSampler implements the OTEL_TRACES_SAMPLER values
// (https://opentelemetry.io/docs/specs/otel/trace/sdk/#built-in-samplers).
func newSampler(name string, ratio float64) func(trace.SpanContext, trace.TraceID) bool {
	// TraceIdRatioBased compares the low 63 bits of the trace ID's last 8 bytes.
	bound := uint64(ratio * (1 << 63))
	byRatio := func(id trace.TraceID) bool { return binary.BigEndian.Uint64(id[8:16])>>1 < bound }
	var root func(trace.TraceID) bool
	switch name {
	case "always_off", "parentbased_always_off":
		root = func(trace.TraceID) bool { return false }
	case "traceidratio", "parentbased_traceidratio":
		root = byRatio
	default:
		root = func(trace.TraceID) bool { return true }
	}
	switch name {
	case "always_on", "always_off", "traceidratio":
		return func(_ trace.SpanContext, id trace.TraceID) bool { return root(id) }
	}
	return func(parent trace.SpanContext, id trace.TraceID) bool {
		if parent.IsValid() {
			return parent.IsSampled()
		}
		return root(id)
	}
}

func (p *tracerProvider) enqueue(s *span) {
	select {
	case p.queue <- s:
	default:
		p.droppedM.Lock()
		p.dropped++
		p.droppedM.Unlock()
	}
}

// loop exports a batch when it is full, every scheduleDelay, on flush and on stop.
func (p *tracerProvider) loop() {
	defer close(p.stopped)
	ticker := time.NewTicker(scheduleDelay)
	defer ticker.Stop()
	batch := make([]*span, 0, maxExportBatchSize)
	// send exports the batch and returns the export's error.
	send := func(ctx context.Context) error {
		p.droppedM.Lock()
		dropped := p.dropped
		p.dropped = 0
		p.droppedM.Unlock()
		if dropped > 0 {
			p.logger.Warn("dropped spans: export queue full", "count", dropped)
		}
		if len(batch) == 0 {
			return nil
		}
		err := p.client.post(ctx, encodeSpans(p.resource, batch))
		clear(batch)
		batch = batch[:0]
		return err
	}
	// export sends the batch and logs a failure.
	export := func(ctx context.Context) {
		n := len(batch)
		if err := send(ctx); err != nil {
			p.logger.Warn("exporting spans", "error", err, "spans", n)
		}
	}
	// drain moves what is queued into batches, sending full ones; it
	// returns the first error.
	drain := func(ctx context.Context) error {
		var first error
		for {
			select {
			case s := <-p.queue:
				batch = append(batch, s)
				if len(batch) == maxExportBatchSize {
					if err := send(ctx); err != nil && first == nil {
						first = err
					}
				}
			default:
				return first
			}
		}
	}
	for {
		select {
		case s := <-p.queue:
			batch = append(batch, s)
			if len(batch) == maxExportBatchSize {
				export(context.Background())
			}
		case <-ticker.C:
			export(context.Background())
		case done := <-p.flush:
			if err := drain(context.Background()); err != nil {
				p.logger.Warn("exporting spans", "error", err)
			}
			export(context.Background())
			close(done)
		case ctx := <-p.stop:
			// The final export runs within the shutdown's context and
			// reports to Shutdown instead of the log.
			p.err = drain(ctx)
			if err := send(ctx); p.err == nil {
				p.err = err
			}
			return
		}
	}
}

type tracer struct {
	embedded.Tracer
	p     *tracerProvider
	scope scope
}

func (t *tracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	cfg := trace.NewSpanStartConfig(opts...)
	parent := trace.SpanContextFromContext(ctx)
	if cfg.NewRoot() {
		parent = trace.SpanContext{}
	}
	tid := parent.TraceID()
	if !parent.IsValid() {
		binary.BigEndian.PutUint64(tid[:8], rand.Uint64())
		binary.BigEndian.PutUint64(tid[8:], rand.Uint64()|1) // never all zero
	}
	var sid trace.SpanID
	binary.BigEndian.PutUint64(sid[:], rand.Uint64()|1)
	flags := parent.TraceFlags() &^ trace.FlagsSampled
	sampled := t.p.sample(parent, tid)
	if sampled {
		flags |= trace.FlagsSampled
	}
	s := &span{
		tracer: t,
		sc: trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: tid, SpanID: sid, TraceFlags: flags, TraceState: parent.TraceState(),
		}),
		parent:    parent,
		recording: sampled,
	}
	if sampled {
		s.name = name
		s.kind = cfg.SpanKind()
		s.start = cfg.Timestamp()
		if s.start.IsZero() {
			s.start = time.Now()
		}
		s.SetAttributes(cfg.Attributes()...)
		s.links = cfg.Links()
	}
	return trace.ContextWithSpan(ctx, s), s
}

type event struct {
	name  string
	time  time.Time
	attrs []attribute.KeyValue
}

// span is one span. Its fields are written under mu until End hands it to
// the exporter, which reads them only after that.
type span struct {
	embedded.Span
	tracer    *tracer
	sc        trace.SpanContext
	parent    trace.SpanContext
	recording bool

	mu            sync.Mutex
	ended         bool
	name          string
	kind          trace.SpanKind
	start, end    time.Time
	attrs         []attribute.KeyValue
	droppedAttrs  int
	events        []event
	droppedEvents int
	links         []trace.Link
	statusCode    codes.Code
	statusDesc    string
}

var _ trace.Span = (*span)(nil)

func (s *span) SpanContext() trace.SpanContext       { return s.sc }
func (s *span) TracerProvider() trace.TracerProvider { return s.tracer.p }

func (s *span) IsRecording() bool {
	if !s.recording {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.ended
}

// live locks the span and reports whether it may still change; on true the
// caller must unlock.
func (s *span) live() bool {
	if !s.recording {
		return false
	}
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return false
	}
	return true
}

func (s *span) End(opts ...trace.SpanEndOption) {
	if !s.live() {
		return
	}
	cfg := trace.NewSpanEndConfig(opts...)
	s.end = cfg.Timestamp()
	if s.end.IsZero() {
		s.end = time.Now()
	}
	s.ended = true
	s.mu.Unlock()
	s.tracer.p.enqueue(s)
}

func (s *span) AddEvent(name string, opts ...trace.EventOption) {
	if !s.live() {
		return
	}
	defer s.mu.Unlock()
	s.addEvent(name, trace.NewEventConfig(opts...))
}

func (s *span) addEvent(name string, cfg trace.EventConfig) {
	if len(s.events) >= maxEventsPerSpan {
		s.droppedEvents++
		return
	}
	t := cfg.Timestamp()
	if t.IsZero() {
		t = time.Now()
	}
	s.events = append(s.events, event{name: name, time: t, attrs: cfg.Attributes()})
}

func (s *span) AddLink(l trace.Link) {
	if !s.live() {
		return
	}
	defer s.mu.Unlock()
	s.links = append(s.links, l)
}

func (s *span) RecordError(err error, opts ...trace.EventOption) {
	if err == nil || !s.live() {
		return
	}
	defer s.mu.Unlock()
	opts = append(opts, trace.WithAttributes(
		attribute.String("exception.type", "error"),
		attribute.String("exception.message", err.Error()),
	))
	s.addEvent("exception", trace.NewEventConfig(opts...))
}

func (s *span) SetStatus(code codes.Code, description string) {
	if !s.live() {
		return
	}
	defer s.mu.Unlock()
	// Ok is final; Error may not replace it, and a description goes with Error only.
	if s.statusCode == codes.Ok || code < s.statusCode {
		return
	}
	s.statusCode = code
	if code == codes.Error {
		s.statusDesc = description
	}
}

func (s *span) SetName(name string) {
	if !s.live() {
		return
	}
	defer s.mu.Unlock()
	s.name = name
}

func (s *span) SetAttributes(kvs ...attribute.KeyValue) {
	if !s.live() {
		return
	}
	defer s.mu.Unlock()
outer:
	for _, kv := range kvs {
		if !kv.Valid() {
			continue
		}
		for i := range s.attrs {
			if s.attrs[i].Key == kv.Key {
				s.attrs[i] = kv
				continue outer
			}
		}
		if len(s.attrs) >= maxAttributesPerSpan {
			s.droppedAttrs++
			continue
		}
		s.attrs = append(s.attrs, kv)
	}
}

// OTLP status codes (trace.proto Status.StatusCode) differ from codes.Code.
const (
	otlpStatusUnset = 0
	otlpStatusOK    = 1
	otlpStatusError = 2
)

// encodeSpans writes an ExportTraceServiceRequest
// (collector/trace/v1/trace_service.proto): one ResourceSpans, one
// ScopeSpans per instrumentation scope.
func encodeSpans(resource []attribute.KeyValue, spans []*span) []byte {
	var scopes []scope
	byScope := map[scope][]byte{}
	for _, s := range spans {
		if _, ok := byScope[s.tracer.scope]; !ok {
			scopes = append(scopes, s.tracer.scope)
		}
		byScope[s.tracer.scope] = appendMessage(byScope[s.tracer.scope], 2, encodeSpan(s))
	}
	var rs []byte
	rs = appendResource(rs, 1, resource)
	for _, sc := range scopes {
		var ss []byte
		ss = appendScope(ss, 1, sc)
		ss = append(ss, byScope[sc]...)
		rs = appendMessage(rs, 2, ss)
	}
	return appendMessage(nil, 1, rs)
}

func encodeSpan(s *span) []byte {
	tid, sid := s.sc.TraceID(), s.sc.SpanID()
	var m []byte
	m = appendBytes(m, 1, tid[:])
	m = appendBytes(m, 2, sid[:])
	m = appendString(m, 3, s.sc.TraceState().String())
	if s.parent.SpanID().IsValid() {
		pid := s.parent.SpanID()
		m = appendBytes(m, 4, pid[:])
	}
	m = appendString(m, 5, s.name)
	m = appendVarint(m, 6, uint64(s.kind)) // trace.SpanKind values match Span.SpanKind.
	m = appendFixed64(m, 7, unixNano(s.start))
	m = appendFixed64(m, 8, unixNano(s.end))
	m = appendKeyValues(m, 9, s.attrs)
	m = appendVarint(m, 10, uint64(s.droppedAttrs))
	for _, ev := range s.events {
		var e []byte
		e = appendFixed64(e, 1, unixNano(ev.time))
		e = appendString(e, 2, ev.name)
		e = appendKeyValues(e, 3, ev.attrs)
		m = appendMessage(m, 11, e)
	}
	m = appendVarint(m, 12, uint64(s.droppedEvents))
	for _, l := range s.links {
		ltid, lsid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
		var e []byte
		e = appendBytes(e, 1, ltid[:])
		e = appendBytes(e, 2, lsid[:])
		e = appendString(e, 3, l.SpanContext.TraceState().String())
		e = appendKeyValues(e, 4, l.Attributes)
		e = appendFixed32(e, 6, spanFlags(uint32(l.SpanContext.TraceFlags()), l.SpanContext.IsRemote()))
		m = appendMessage(m, 13, e)
	}
	code := otlpStatusUnset
	switch s.statusCode {
	case codes.Ok:
		code = otlpStatusOK
	case codes.Error:
		code = otlpStatusError
	}
	var st []byte
	st = appendString(st, 2, s.statusDesc)
	st = appendVarint(st, 3, uint64(code))
	m = appendMessage(m, 15, st)
	m = appendFixed32(m, 16, spanFlags(uint32(s.sc.TraceFlags()), s.parent.IsRemote()))
	return m
}

// spanFlags sets the W3C trace flags and the SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE
// (0x100) and SPAN_FLAGS_CONTEXT_IS_REMOTE (0x200) bits of trace.proto.
func spanFlags(traceFlags uint32, remote bool) uint32 {
	f := traceFlags&0xff | 0x100
	if remote {
		f |= 0x200
	}
	return f
}
