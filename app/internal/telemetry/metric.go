package telemetry

import (
	"context"
	"encoding/binary"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
)

// This file is a small meter that implements the OpenTelemetry metric API
// for explicit-bucket float64 histograms, the only instrument the service
// records (http.server.request.duration), and exports them periodically.
// Every other instrument is a no-op, inherited from the noop package. It
// replaces the metric SDK, which adds about 0.7 MB to the binary.

// defaultBoundaries are the SDK's default explicit bucket boundaries.
var defaultBoundaries = []float64{0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000}

type meterProvider struct {
	metricnoop.MeterProvider
	resource []attribute.KeyValue
	client   *client
	logger   *slog.Logger
	delta    bool
	interval time.Duration
	timeout  time.Duration

	mu         sync.Mutex
	histograms []*histogram

	stopper
}

func newMeterProvider(c *client, resource []attribute.KeyValue, temporality string, interval, timeout time.Duration, logger *slog.Logger) *meterProvider {
	p := &meterProvider{
		resource: resource, client: c, logger: logger,
		// Histograms are delta under both "delta" and "lowmemory" preferences.
		delta:    temporality == "delta" || temporality == "lowmemory",
		interval: interval, timeout: timeout,
		stopper: newStopper(),
	}
	go p.loop()
	return p
}

func (p *meterProvider) Meter(name string, opts ...metric.MeterOption) metric.Meter {
	c := metric.NewMeterConfig(opts...)
	return &meter{p: p, scope: scope{name: name, version: c.InstrumentationVersion()}}
}

func (p *meterProvider) loop() {
	defer close(p.stopped)
	ticker := time.NewTicker(p.interval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			if err := p.export(context.Background()); err != nil {
				p.logger.Warn("exporting metrics", "error", err)
			}
		case ctx := <-p.stop:
			// The final export runs within the shutdown's context and
			// reports to Shutdown instead of the log.
			p.err = p.export(ctx)
			return
		}
	}
}

// export sends every histogram, within ctx and OTEL_METRIC_EXPORT_TIMEOUT.
func (p *meterProvider) export(ctx context.Context) error {
	p.mu.Lock()
	hs := slices.Clone(p.histograms)
	p.mu.Unlock()
	body := encodeMetrics(p.resource, hs, p.delta, time.Now())
	if body == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	return p.client.post(ctx, body)
}

type meter struct {
	metricnoop.Meter
	p     *meterProvider
	scope scope
}

func (m *meter) Float64Histogram(name string, opts ...metric.Float64HistogramOption) (metric.Float64Histogram, error) {
	c := metric.NewFloat64HistogramConfig(opts...)
	bounds := c.ExplicitBucketBoundaries()
	if len(bounds) == 0 {
		bounds = defaultBoundaries
	}
	h := &histogram{
		scope: m.scope, name: name, description: c.Description(), unit: c.Unit(),
		bounds: slices.Clone(bounds), points: map[attribute.Distinct]*point{}, start: time.Now(),
	}
	m.p.mu.Lock()
	m.p.histograms = append(m.p.histograms, h)
	m.p.mu.Unlock()
	return h, nil
}

// histogram aggregates recordings per attribute set.
type histogram struct {
	metricnoop.Float64Histogram
	scope       scope
	name        string
	description string
	unit        string
	bounds      []float64

	mu     sync.Mutex
	points map[attribute.Distinct]*point
	start  time.Time
}

type point struct {
	attrs    attribute.Set
	counts   []uint64
	count    uint64
	sum      float64
	min, max float64
}

func (h *histogram) Record(_ context.Context, v float64, opts ...metric.RecordOption) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	attrs := metric.NewRecordConfig(opts).Attributes()
	// Buckets are upper-inclusive: (bounds[i-1], bounds[i]].
	i, _ := slices.BinarySearch(h.bounds, v)
	h.mu.Lock()
	defer h.mu.Unlock()
	pt := h.points[attrs.Equivalent()]
	if pt == nil {
		pt = &point{attrs: attrs, counts: make([]uint64, len(h.bounds)+1), min: v, max: v}
		h.points[attrs.Equivalent()] = pt
	}
	pt.counts[i]++
	pt.count++
	pt.sum += v
	pt.min, pt.max = min(pt.min, v), max(pt.max, v)
}

// Enabled reports that recordings are kept.
func (h *histogram) Enabled(context.Context) bool { return true }

// encodeMetrics writes an ExportMetricsServiceRequest
// (collector/metrics/v1/metrics_service.proto), or returns nil when no
// histogram has points. With delta, the points are reset.
func encodeMetrics(resource []attribute.KeyValue, hs []*histogram, delta bool, now time.Time) []byte {
	var scopes []scope
	byScope := map[scope][]byte{}
	for _, h := range hs {
		m := h.encode(delta, now)
		if m == nil {
			continue
		}
		if _, ok := byScope[h.scope]; !ok {
			scopes = append(scopes, h.scope)
		}
		byScope[h.scope] = appendMessage(byScope[h.scope], 2, m)
	}
	if len(scopes) == 0 {
		return nil
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

// AggregationTemporality values of metrics.proto.
const (
	otlpDelta      = 1
	otlpCumulative = 2
)

// encode writes a Metric message holding a Histogram.
func (h *histogram) encode(delta bool, now time.Time) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.points) == 0 {
		return nil
	}
	var hist []byte
	for _, pt := range h.points {
		var p []byte
		p = appendFixed64(p, 2, unixNano(h.start))
		p = appendFixed64(p, 3, unixNano(now))
		p = appendFixed64(p, 4, pt.count)
		p = appendDouble(p, 5, pt.sum)
		var counts, bounds []byte
		for _, c := range pt.counts {
			counts = binary.LittleEndian.AppendUint64(counts, c)
		}
		for _, b := range h.bounds {
			bounds = binary.LittleEndian.AppendUint64(bounds, math.Float64bits(b))
		}
		p = appendBytes(p, 6, counts)
		p = appendBytes(p, 7, bounds)
		p = appendKeyValues(p, 9, pt.attrs.ToSlice())
		p = appendDouble(p, 11, pt.min)
		p = appendDouble(p, 12, pt.max)
		hist = appendMessage(hist, 1, p)
	}
	temporality := uint64(otlpCumulative)
	if delta {
		temporality = otlpDelta
		clear(h.points)
		h.start = now
	}
	hist = appendVarint(hist, 2, temporality)

	var m []byte
	m = appendString(m, 1, h.name)
	m = appendString(m, 2, h.description)
	m = appendString(m, 3, h.unit)
	return appendMessage(m, 9, hist)
}
