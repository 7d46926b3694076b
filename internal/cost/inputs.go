package cost

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Plan inputs are JSON values: objects, lists, strings, float64 numbers and
// booleans. A value of another type than expected (a secret or an unknown,
// whatever their spelling) reads as absent, so that its line is unpriced
// rather than priced from a guess.

// field walks path through nested objects of in.
func field(in map[string]any, path ...string) (any, bool) {
	var v any = in
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// str returns the string at path.
func str(in map[string]any, path ...string) (string, bool) {
	v, _ := field(in, path...)
	s, ok := v.(string)
	return s, ok
}

// number returns the number at path; a string holding a number counts (ECS
// task definitions give cpu and memory as strings).
func number(in map[string]any, path ...string) (float64, bool) {
	v, _ := field(in, path...)
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// boolean returns the boolean at path.
func boolean(in map[string]any, path ...string) (bool, bool) {
	v, _ := field(in, path...)
	b, ok := v.(bool)
	return b, ok
}

// list returns the list at path.
func list(in map[string]any, path ...string) ([]any, bool) {
	v, _ := field(in, path...)
	l, ok := v.([]any)
	return l, ok
}

// object returns the object at path.
func object(in map[string]any, path ...string) (map[string]any, bool) {
	v, _ := field(in, path...)
	m, ok := v.(map[string]any)
	return m, ok
}
