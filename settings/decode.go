package settings

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/validate"
)

// Types the decoder builds Pulumi inputs for.
var (
	stringInputType      = reflect.TypeFor[pulumi.StringInput]()
	stringArrayInputType = reflect.TypeFor[pulumi.StringArrayInput]()
	stringMapInputType   = reflect.TypeFor[pulumi.StringMapInput]()
)

// Read decodes the stack's configuration value key (a full key,
// "orders:service") into dst, a pointer to one of berth's settings types
// (spec.Service, cloudrun.GCP, fargate.AWS, berth.ServiceArgs, or any struct
// whose fields carry `pulumi:"name,..."` tags as theirs do), and reports
// whether the key is set. Problems are recorded in p under the key's name
// ("service.memory"), all of them: unknown keys with the nearest known one,
// values of the wrong type, explicit empty strings. Pulumi inputs
// (pulumi.StringInput and the like) are set as plain values, but a field
// tagged provider:"secret" (spec.Secret.Value) is a Pulumi secret: that is
// where a secure value belongs. When the key holds a secure value
// (`pulumi config set --secret --path`, which makes the whole key secret),
// no message quotes a value.
// Check p after reading every key, so that one run reports every problem:
//
//	var p validate.Problems
//	var svc spec.Service
//	settings.Read(ctx, "orders:service", &svc, &p)
//	if err := p.Err(validate.StackConfig, ctx.Stack()); err != nil {
//		return err
//	}
func Read(ctx *pulumi.Context, key string, dst any, p *validate.Problems) bool {
	raw, ok := ctx.GetConfig(key)
	if !ok {
		return false
	}
	_, name, found := strings.Cut(key, ":")
	if !found {
		name = key
	}
	// Objects and lists reach the program as JSON; anything else is a
	// string, which the decoder reports where an object is wanted.
	var v any = raw
	if parsed, err := ParseJSON(raw); err == nil {
		v = parsed
	}
	Decode(name, v, dst, ctx.IsConfigSecret(key), p)
	return true
}

// Decode decodes raw, a value as encoding/json decodes it with UseNumber
// (objects are map[string]any, numbers json.Number), into dst as Read does,
// recording problems under path. secretKey says the value came from a
// secret configuration key: see Read.
func Decode(path string, raw any, dst any, secretKey bool, p *validate.Problems) {
	m := plain
	if secretKey {
		m = inSecretKey
	}
	decodeValue(path, raw, reflect.ValueOf(dst).Elem(), m, p)
}

// secrecy is how secret what is being decoded is.
type secrecy int

const (
	// plain values are quoted in messages and set as they are.
	plain secrecy = iota
	// inSecretKey values come from a secret configuration key, which
	// holds a secure value somewhere (Pulumi marks the whole key): none is
	// quoted. They stay plain, as Pulumi's own config.RequireObject leaves
	// them, so that they are checked now and a diff shows them; the secure
	// values themselves belong in fields tagged provider:"secret".
	inSecretKey
	// secret values (a field tagged provider:"secret") become secrets and
	// are never quoted.
	secret
)

// decodeValue decodes raw into v. Unlike encoding/json it does not stop at
// the first problem: every unknown key (with the nearest known one), every
// value of the wrong type and every explicit empty string is recorded under
// its path. Explicit zeros of optional numbers reach the component, whose
// rules reject them where zero is not allowed. A field tagged
// `provider:"secret"` holds a secret: it becomes a Pulumi secret and
// messages about it never quote its value.
func decodeValue(path string, raw any, v reflect.Value, mode secrecy, p *validate.Problems) {
	describe := func(raw any) string {
		if mode != plain {
			return "a value of another type (not shown: the setting is secret)"
		}
		return validate.Describe(raw)
	}
	if raw == nil {
		return
	}
	switch {
	case v.Type() == stringInputType:
		s, ok := scalarString(raw)
		if !ok {
			p.Addf(path, "must be a string, got %s", describe(raw))
			return
		}
		if s == "" {
			p.Addf(path, "empty (set a value, or leave the setting out)")
			return
		}
		var in pulumi.StringInput = pulumi.String(s)
		if mode == secret {
			in = pulumi.ToSecret(in).(pulumi.StringOutput)
		}
		v.Set(reflect.ValueOf(&in).Elem())
		return
	case v.Type() == stringMapInputType:
		var m map[string]string
		decodeValue(path, raw, reflect.ValueOf(&m).Elem(), mode, p)
		if m != nil {
			sm := pulumi.StringMap{}
			for k, x := range m {
				var in pulumi.StringInput = pulumi.String(x)
				if mode == secret {
					in = pulumi.ToSecret(in).(pulumi.StringOutput)
				}
				sm[k] = in
			}
			var in pulumi.StringMapInput = sm
			v.Set(reflect.ValueOf(&in).Elem())
		}
		return
	case v.Type() == stringArrayInputType:
		var list []string
		decodeValue(path, raw, reflect.ValueOf(&list).Elem(), mode, p)
		if list != nil {
			var in pulumi.StringArrayInput = pulumi.ToStringArray(list)
			v.Set(reflect.ValueOf(&in).Elem())
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		decodeValue(path, raw, elem.Elem(), mode, p)
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
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
			if name == "" || !f.IsExported() {
				continue
			}
			fields[name] = i
			names = append(names, name)
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			field := validate.Join(path, k)
			i, ok := fields[k]
			if !ok {
				p.Addf(field, "unknown setting%s (allowed: %s)", Nearest(k, names), strings.Join(names, ", "))
				continue
			}
			f := v.Type().Field(i)
			fieldMode := mode
			if f.Tag.Get("provider") == "secret" {
				fieldMode = secret
			}
			if s, isString := obj[k].(string); isString && s == "" && f.Type.Kind() == reflect.String {
				p.Addf(field, "empty (set a value, or leave the setting out for its default)")
				continue
			}
			decodeValue(field, obj[k], v.Field(i), fieldMode, p)
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
			decodeValue(validate.Join(path, k), item, elem, mode, p)
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
			decodeValue(validate.Index(path, i), item, s.Index(i), mode, p)
		}
		v.Set(s)
	case reflect.String:
		s, ok := scalarString(raw)
		if !ok {
			p.Addf(path, "must be a string, got %s", describe(raw))
			return
		}
		v.SetString(s)
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
		panic(fmt.Sprintf("settings: unsupported kind %s at %s", v.Kind(), path))
	}
}

// scalarString reads a string setting; numbers and booleans count as their
// text, as `pulumi config set` stores them ("1" for a version).
func scalarString(raw any) (string, bool) {
	switch x := raw.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// Nearest suggests the allowed name closest to an unknown one, when one is
// close enough to be a typo: ` (did you mean "service"?)`; "" otherwise.
func Nearest(name string, allowed []string) string {
	best, bestDist := "", len(name)/2+1
	for _, a := range allowed {
		if d := levenshtein.Distance(strings.ToLower(name), strings.ToLower(a), nil); d < bestDist {
			best, bestDist = a, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// ParseJSON parses a configuration value as JSON, keeping numbers exact.
func ParseJSON(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
