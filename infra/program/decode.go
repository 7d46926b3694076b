package program

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/validate"
)

// decodeStrict decodes a configuration value that was parsed from JSON into
// dst, a pointer to a struct with `json` tags. Unlike encoding/json it does
// not stop at the first problem: every unknown key and every value of the
// wrong type is recorded under its config path, so one run reports them all.
// Numbers given as strings and strings given as numbers are accepted where
// the meaning is unambiguous ("8080" for an int, 0.5 for a string).
//
// A struct field tagged `secret:"true"` holds a secret: messages about it never
// quote its value.
func decodeStrict(path string, raw any, dst any, p *validate.Problems) {
	decodeValue(path, raw, reflect.ValueOf(dst).Elem(), false, p)
}

func decodeValue(path string, raw any, v reflect.Value, secret bool, p *validate.Problems) {
	describe := func(raw any) string {
		if secret {
			return "a value of another type (not shown: the setting is secret)"
		}
		return describe(raw)
	}
	if raw == nil {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		decodeValue(path, raw, elem.Elem(), secret, p)
		v.Set(elem)
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			p.Addf(path, "must be an object, got %s", describe(raw))
			return
		}
		fields := map[string]int{}
		var names []string
		for i := range v.NumField() {
			tag := strings.Split(v.Type().Field(i).Tag.Get("json"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			fields[tag] = i
			names = append(names, tag)
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			i, ok := fields[k]
			if !ok {
				p.Addf(validate.Join(path, k), "unknown setting (allowed: %s)", strings.Join(names, ", "))
				continue
			}
			decodeValue(validate.Join(path, k), obj[k], v.Field(i), v.Type().Field(i).Tag.Get("secret") == "true", p)
		}
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok {
			p.Addf(path, "must be a map, got %s", describe(raw))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(obj))
		for k, item := range obj {
			elem := reflect.New(v.Type().Elem()).Elem()
			decodeValue(validate.Join(path, k), item, elem, secret, p)
			m.SetMapIndex(reflect.ValueOf(k), elem)
		}
		v.Set(m)
	case reflect.Slice:
		list, ok := raw.([]any)
		if !ok {
			p.Addf(path, "must be a list, got %s", describe(raw))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(list), len(list))
		for i, item := range list {
			decodeValue(validate.Index(path, i), item, s.Index(i), secret, p)
		}
		v.Set(s)
	case reflect.String:
		switch x := raw.(type) {
		case string:
			v.SetString(x)
		case json.Number:
			v.SetString(x.String())
		case bool:
			v.SetString(strconv.FormatBool(x))
		default:
			p.Addf(path, "must be a string, got %s", describe(raw))
		}
	case reflect.Int:
		var n int64
		var err error
		switch x := raw.(type) {
		case json.Number:
			n, err = x.Int64()
		case string:
			n, err = strconv.ParseInt(x, 10, 64)
		default:
			err = fmt.Errorf("not a number")
		}
		if err != nil {
			p.Addf(path, "must be a whole number, got %s", describe(raw))
			return
		}
		v.SetInt(n)
	case reflect.Float64:
		var f float64
		var err error
		switch x := raw.(type) {
		case json.Number:
			f, err = x.Float64()
		case string:
			f, err = strconv.ParseFloat(x, 64)
		default:
			err = fmt.Errorf("not a number")
		}
		if err != nil {
			p.Addf(path, "must be a number, got %s", describe(raw))
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		switch x := raw.(type) {
		case bool:
			v.SetBool(x)
		case string:
			b, err := strconv.ParseBool(x)
			if err != nil {
				p.Addf(path, "must be true or false, got %s", describe(raw))
				return
			}
			v.SetBool(b)
		default:
			p.Addf(path, "must be true or false, got %s", describe(raw))
		}
	default:
		panic(fmt.Sprintf("decodeStrict: unsupported kind %s at %s", v.Kind(), path))
	}
}

// describe names a JSON value's kind for messages without printing values
// that could be secret.
func describe(raw any) string {
	switch x := raw.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + x.String()
	case bool:
		return "a boolean"
	default:
		return fmt.Sprintf("%T", raw)
	}
}

// parseJSON parses a configuration value as JSON, keeping numbers exact.
func parseJSON(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
