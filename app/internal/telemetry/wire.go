package telemetry

import (
	"math"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"google.golang.org/protobuf/encoding/protowire"
)

// This file writes OTLP protobuf messages field by field with protowire,
// following opentelemetry-proto v1 (https://github.com/open-telemetry/opentelemetry-proto,
// common/v1/common.proto and resource/v1/resource.proto). The generated
// OTLP types and the official exporters are not used because they link in
// gRPC and grpc-gateway, which would double the binary size. Tests decode
// the output with the generated types to prove it matches.

func appendMessage(b []byte, num protowire.Number, msg []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendBytes(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendVarint(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendFixed64(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, v)
}

func appendDouble(b []byte, num protowire.Number, v float64) []byte {
	return appendFixed64(b, num, math.Float64bits(v))
}

func appendFixed32(b []byte, num protowire.Number, v uint32) []byte {
	b = protowire.AppendTag(b, num, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, v)
}

func unixNano(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixNano())
}

// appendAnyValue writes an AnyValue message body.
func appendAnyValue(b []byte, v attribute.Value) []byte {
	switch v.Type() {
	case attribute.BOOL:
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		return protowire.AppendVarint(b, protowire.EncodeBool(v.AsBool()))
	case attribute.INT64:
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		return protowire.AppendVarint(b, uint64(v.AsInt64()))
	case attribute.FLOAT64:
		return appendDouble(b, 4, v.AsFloat64())
	case attribute.STRING:
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		return protowire.AppendString(b, v.AsString())
	case attribute.BOOLSLICE:
		return appendArray(b, v.AsBoolSlice(), attribute.BoolValue)
	case attribute.INT64SLICE:
		return appendArray(b, v.AsInt64Slice(), attribute.Int64Value)
	case attribute.FLOAT64SLICE:
		return appendArray(b, v.AsFloat64Slice(), attribute.Float64Value)
	case attribute.STRINGSLICE:
		return appendArray(b, v.AsStringSlice(), attribute.StringValue)
	default:
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		return protowire.AppendString(b, v.Emit())
	}
}

func appendArray[T any](b []byte, vs []T, conv func(T) attribute.Value) []byte {
	var arr []byte
	for _, v := range vs {
		arr = appendMessage(arr, 1, appendAnyValue(nil, conv(v)))
	}
	return appendMessage(b, 5, arr)
}

// appendKeyValues writes each attribute as a repeated KeyValue field num.
func appendKeyValues(b []byte, num protowire.Number, kvs []attribute.KeyValue) []byte {
	for _, kv := range kvs {
		var m []byte
		m = appendString(m, 1, string(kv.Key))
		m = appendMessage(m, 2, appendAnyValue(nil, kv.Value))
		b = appendMessage(b, num, m)
	}
	return b
}

// appendResource writes a Resource message as field num.
func appendResource(b []byte, num protowire.Number, attrs []attribute.KeyValue) []byte {
	return appendMessage(b, num, appendKeyValues(nil, 1, attrs))
}

// scope is an instrumentation scope: the tracer's or meter's name and version.
type scope struct{ name, version string }

// appendScope writes an InstrumentationScope message as field num.
func appendScope(b []byte, num protowire.Number, s scope) []byte {
	var m []byte
	m = appendString(m, 1, s.name)
	m = appendString(m, 2, s.version)
	return appendMessage(b, num, m)
}
