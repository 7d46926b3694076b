package telemetry

import (
	"encoding/binary"
	"math"
	"time"

	"go.opentelemetry.io/otel/attribute"
)

// This file writes OTLP protobuf messages field by field, following
// opentelemetry-proto v1 (https://github.com/open-telemetry/opentelemetry-proto,
// common/v1/common.proto and resource/v1/resource.proto) and the protobuf
// wire format (https://protobuf.dev/programming-guides/encoding/). The
// generated OTLP types and the official exporters are not used because they
// link in gRPC and grpc-gateway, which would double the binary size; not
// even protowire is, because its package init reads the whole executable to
// seed a hash, which costs every cold start. Tests decode the output with
// the generated types to prove it matches.

// fieldNumber is a protobuf field number.
type fieldNumber int32

// wireType is a protobuf wire type.
type wireType uint8

// The wire types OTLP uses.
const (
	varintType  wireType = 0
	fixed64Type wireType = 1
	bytesType   wireType = 2
	fixed32Type wireType = 5
)

// appendTag appends a field's key: its number and wire type as a varint.
func appendTag(b []byte, num fieldNumber, t wireType) []byte {
	return binary.AppendUvarint(b, uint64(num)<<3|uint64(t))
}

// appendLengthDelimited appends v's length as a varint, then v.
func appendLengthDelimited(b []byte, v []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(v))), v...)
}

func appendMessage(b []byte, num fieldNumber, msg []byte) []byte {
	b = appendTag(b, num, bytesType)
	return appendLengthDelimited(b, msg)
}

func appendString(b []byte, num fieldNumber, s string) []byte {
	if s == "" {
		return b
	}
	b = appendTag(b, num, bytesType)
	return appendLengthDelimited(b, []byte(s))
}

func appendBytes(b []byte, num fieldNumber, v []byte) []byte {
	b = appendTag(b, num, bytesType)
	return appendLengthDelimited(b, v)
}

func appendVarint(b []byte, num fieldNumber, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = appendTag(b, num, varintType)
	return binary.AppendUvarint(b, v)
}

func appendFixed64(b []byte, num fieldNumber, v uint64) []byte {
	b = appendTag(b, num, fixed64Type)
	return binary.LittleEndian.AppendUint64(b, v)
}

func appendDouble(b []byte, num fieldNumber, v float64) []byte {
	return appendFixed64(b, num, math.Float64bits(v))
}

func appendFixed32(b []byte, num fieldNumber, v uint32) []byte {
	b = appendTag(b, num, fixed32Type)
	return binary.LittleEndian.AppendUint32(b, v)
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
		b = appendTag(b, 2, varintType)
		return binary.AppendUvarint(b, boolVarint(v.AsBool()))
	case attribute.INT64:
		b = appendTag(b, 3, varintType)
		return binary.AppendUvarint(b, uint64(v.AsInt64()))
	case attribute.FLOAT64:
		return appendDouble(b, 4, v.AsFloat64())
	case attribute.STRING:
		b = appendTag(b, 1, bytesType)
		return appendLengthDelimited(b, []byte(v.AsString()))
	case attribute.BOOLSLICE:
		return appendArray(b, v.AsBoolSlice(), attribute.BoolValue)
	case attribute.INT64SLICE:
		return appendArray(b, v.AsInt64Slice(), attribute.Int64Value)
	case attribute.FLOAT64SLICE:
		return appendArray(b, v.AsFloat64Slice(), attribute.Float64Value)
	case attribute.STRINGSLICE:
		return appendArray(b, v.AsStringSlice(), attribute.StringValue)
	default:
		b = appendTag(b, 1, bytesType)
		return appendLengthDelimited(b, []byte(v.Emit()))
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
func appendKeyValues(b []byte, num fieldNumber, kvs []attribute.KeyValue) []byte {
	for _, kv := range kvs {
		var m []byte
		m = appendString(m, 1, string(kv.Key))
		m = appendMessage(m, 2, appendAnyValue(nil, kv.Value))
		b = appendMessage(b, num, m)
	}
	return b
}

// appendResource writes a Resource message as field num.
func appendResource(b []byte, num fieldNumber, attrs []attribute.KeyValue) []byte {
	return appendMessage(b, num, appendKeyValues(nil, 1, attrs))
}

// scope is an instrumentation scope: the tracer's or meter's name and version.
type scope struct{ name, version string }

// appendScope writes an InstrumentationScope message as field num.
func appendScope(b []byte, num fieldNumber, s scope) []byte {
	var m []byte
	m = appendString(m, 1, s.name)
	m = appendString(m, 2, s.version)
	return appendMessage(b, num, m)
}

// boolVarint is a bool's varint value: 1 for true, 0 for false.
func boolVarint(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}
