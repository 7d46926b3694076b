// Package telemetry sets up OpenTelemetry tracing and metrics.
//
// Spans and metrics are exported with OTLP over HTTP with protobuf encoding
// only when an endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or a
// per-signal endpoint) and OTEL_SDK_DISABLED is not true. Otherwise no
// exporter or goroutine is created: the meter provider is a no-op, and the
// tracer provider records and exports nothing but still gives every span a
// W3C trace ID (the incoming traceparent's, or a new one) and span ID, so
// that every request's log lines carry trace_id and span_id.
//
// Size drives the design. The official exporters (otlptracehttp,
// otlpmetrichttp) depend on the generated OTLP packages, which link in gRPC
// and grpc-gateway: with them the binary is about 21 MB, far past the
// 12 MiB image budget. The trace and metric SDKs add another 1.4 MB. So this
// package implements the parts of the OpenTelemetry API the service uses
// (trace.go: a sampling, batching tracer; metric.go: explicit-bucket
// histograms) and writes the OTLP protobuf messages directly (wire.go).
// Tests decode the output with the generated OTLP types.
package telemetry

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/berth-dev/berth/app/internal/config"
)

// Telemetry holds the providers the service instruments itself with.
type Telemetry struct {
	// TracerProvider creates tracers. When traces are not exported its
	// spans record nothing but still carry trace and span IDs.
	TracerProvider trace.TracerProvider
	// MeterProvider creates meters; a no-op when metrics are not exported.
	MeterProvider metric.MeterProvider
	// Propagator extracts and injects trace context and baggage.
	Propagator propagation.TextMapPropagator

	shutdown []signalShutdown
}

// signalShutdown stops the exporter of one signal.
type signalShutdown struct {
	signal string // "traces" or "metrics"
	stop   func(context.Context) error
}

// FlushError is a signal ("traces" or "metrics") whose final export did
// not succeed within the shutdown's context.
type FlushError struct {
	// Signal is "traces" or "metrics".
	Signal string
	// Err is why; it matches context.DeadlineExceeded when the export did
	// not finish in time.
	Err error
}

func (e *FlushError) Error() string { return "flushing " + e.Signal + ": " + e.Err.Error() }

// Unwrap returns Err.
func (e *FlushError) Unwrap() error { return e.Err }

// New builds the providers from cfg. It does no network I/O: exporters
// connect on their first export. serviceName becomes service.name unless
// OTEL_RESOURCE_ATTRIBUTES or OTEL_SERVICE_NAME already set one (config
// resolves that order). Export errors are logged through logger.
func New(cfg config.Telemetry, serviceName string, logger *slog.Logger) *Telemetry {
	t := &Telemetry{
		TracerProvider: newIDTracerProvider(),
		MeterProvider:  metricnoop.NewMeterProvider(),
		Propagator:     propagator(cfg.Propagators),
	}
	if !cfg.Traces.Enabled() && !cfg.Metrics.Enabled() {
		return t
	}
	res := newResource(cfg, serviceName)
	if cfg.Traces.Enabled() {
		tp := newTracerProvider(newClient(cfg.Traces), res, cfg.Sampler, cfg.SamplerRatio, logger)
		t.TracerProvider = tp
		t.shutdown = append(t.shutdown, signalShutdown{"traces", tp.Shutdown})
	}
	if cfg.Metrics.Enabled() {
		mp := newMeterProvider(newClient(cfg.Metrics), res, cfg.Temporality, cfg.MetricInterval, cfg.MetricTimeout, logger)
		t.MeterProvider = mp
		t.shutdown = append(t.shutdown, signalShutdown{"metrics", mp.Shutdown})
	}
	return t
}

// Shutdown flushes buffered spans and metrics and stops the exporters,
// both at once, giving up when ctx ends. The error joins one *FlushError
// per signal that was not flushed. It is a no-op when nothing is exported.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	errs := make([]error, len(t.shutdown))
	var wg sync.WaitGroup
	for i, s := range t.shutdown {
		wg.Go(func() {
			if err := s.stop(ctx); err != nil {
				errs[i] = &FlushError{Signal: s.signal, Err: err}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Enabled reports whether anything is exported.
func (t *Telemetry) Enabled() bool { return len(t.shutdown) > 0 }

func propagator(names []string) propagation.TextMapPropagator {
	var ps []propagation.TextMapPropagator
	for _, n := range names {
		switch n {
		case "tracecontext":
			ps = append(ps, propagation.TraceContext{})
		case "baggage":
			ps = append(ps, propagation.Baggage{})
		}
	}
	return propagation.NewCompositeTextMapPropagator(ps...)
}

// newResource returns the resource attributes: OTEL_RESOURCE_ATTRIBUTES as
// validated by config, then service.name.
func newResource(cfg config.Telemetry, serviceName string) []attribute.KeyValue {
	attrs := []attribute.KeyValue{
		attribute.String("telemetry.sdk.language", "go"),
		attribute.String("telemetry.sdk.name", "berth"),
	}
	for _, a := range cfg.ResourceAttributes {
		attrs = append(attrs, attribute.String(a.Key, a.Value))
	}
	// The resolved name replaces any service.name from OTEL_RESOURCE_ATTRIBUTES.
	attrs = slices.DeleteFunc(attrs, func(kv attribute.KeyValue) bool { return kv.Key == "service.name" })
	return append(attrs, attribute.String("service.name", serviceName))
}
