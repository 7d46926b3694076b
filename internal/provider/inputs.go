package provider

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/berth-dev/berth/settings"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	perrors "github.com/pulumi/pulumi/sdk/v3/go/pulumi/errors"
)

// checkInputs returns a problem for every input of a Construct request
// that the Go SDK could not copy into args, a component's Go arguments
// struct, or that it could copy only by dropping what makes it a secret or
// another resource's output; each names the property path, as the engine
// prints it ("service.secrets[0].version"). It is stricter than the SDK in
// two places: a fraction in an integer field, which the SDK truncates, and
// a resource where a string is expected, which the SDK turns into the
// resource's ID in a plain field.
//
// The Go SDK copies the inputs into args before the constructor runs
// (pulumi-go-provider v1.5.0 infer/component.go:129-141, calling
// ConstructInputs.CopyTo, sdk/v3 v3.274.1 go/pulumi/provider/provider.go:60,
// which is constructInputsCopyTo, go/pulumi/provider.go:660-782, and
// copyInputTo, provider.go:357-540), and stops at the first failure with
// an error that names only the top-level input ("copying input
// \"service\": expected a pulumi.String, got a number", provider.go:700).
// This walk follows the same rules over the whole value and collects every
// failure instead:
//
//   - A field whose Go type is a Pulumi input or output (pulumi.StringInput,
//     pulumi.StringArrayInput) takes a secret, an unknown or another
//     resource's output at any depth; when known, its value must have the
//     shape of the input's element type (copyInputTo's input branch,
//     provider.go:412-520, and createOutput with unmarshalOutput, rpc.go:799).
//     go-provider sends the SDK no input dependencies of its own (its
//     ConstructRequest.rpc, provider.go:1642-1732, sets none), so the SDK
//     always takes this path (provider.go:698-702), never the per-field
//     outputs below it.
//   - Any other field is plain: the SDK copies a secret, an unknown or a
//     value with dependencies there only into a pulumi.Input or
//     pulumi.Output and fails otherwise (provider.go:372-396, "expected
//     destination type to implement pulumi.Input or pulumi.Output"). A value
//     has dependencies when it is another resource's output: go-provider
//     hands the SDK each property.Value with dependencies as an output
//     value, and a secret as a secret (provider.go:1780-1782 marshals with
//     internal/rpc/marshal.go:74, which converts with sdk/v3
//     go/common/resource/property_compatibility.go:78-88), after merging the
//     engine's input dependencies into the values (provider.go:1634).
//
// Plainness is read from the Go types, as annotate reads it for the
// schema's `plain`, so the two agree whatever the fields become.
func checkInputs(inputs property.Map, args reflect.Type) []perrors.InputPropertyErrorDetails {
	var c checker
	c.fields(property.Path{}, inputs, args, true)
	return c.problems
}

// checker collects the problems of one walk.
type checker struct {
	problems []perrors.InputPropertyErrorDetails
}

// problem records reason at path.
func (c *checker) problem(path property.Path, reason string) {
	text, err := path.MarshalText()
	if err != nil {
		// MarshalText fails only for a key longer than 16 KiB, which no
		// property name of berth's has.
		text = []byte(fmt.Sprint(path))
	}
	c.problems = append(c.problems, perrors.InputPropertyErrorDetails{PropertyPath: string(text), Reason: reason})
}

// fields checks the entries of m that are tagged fields of struct t, in the
// order of t's fields, plain as value's plain, then reports each key that
// is not a field, with the field it most likely means: the SDK would drop
// it silently (copyToStruct, provider.go:627-657), so `maxInstance: 4`
// would deploy the default.
func (c *checker) fields(path property.Path, m property.Map, t reflect.Type, plain bool) {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
		if name == "" || !f.IsExported() {
			continue
		}
		names = append(names, name)
		if v, ok := m.GetOk(name); ok {
			c.value(path.AppendKey(name), v, f.Type, plain)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.AsMap())) {
		if !slices.Contains(names, k) {
			c.problem(path.AppendKey(k), fmt.Sprintf("unknown property%s (allowed: %s)", settings.Nearest(k, names), strings.Join(names, ", ")))
		}
	}
}

// value checks v against Go type t; plain says that no input or output
// type encloses it, so that it must be a plain value itself.
func (c *checker) value(path property.Path, v property.Value, t reflect.Type, plain bool) {
	// The SDK allocates pointers before it looks at the type (provider.go:
	// 365-370).
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(inputType) || t.Implements(outputType) {
		if v.IsComputed() {
			return
		}
		if elem := elementType(t); elem != nil {
			c.value(path, v, elem, false)
		}
		return
	}
	if plain {
		if reason := notPlain(v); reason != "" {
			c.problem(path, reason)
			return
		}
	}
	if v.IsComputed() || v.IsNull() {
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		if !v.IsBool() {
			c.mismatch(path, v, t)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		switch {
		case !v.IsNumber():
			c.mismatch(path, v, t)
		case v.AsNumber() != math.Trunc(v.AsNumber()):
			// The SDK would drop the fraction (rpc.go:887-897); Go
			// callers cannot pass one, and the schema says integer.
			c.problem(path, "expected an integer, got a number with a fraction")
		}
	case reflect.Float32, reflect.Float64:
		if !v.IsNumber() {
			c.mismatch(path, v, t)
		}
	case reflect.String:
		// The SDK takes a resource's ID for a plain string (rpc.go:905-915)
		// but refuses a resource for a string input; berth takes neither.
		if !v.IsString() {
			c.mismatch(path, v, t)
		}
	case reflect.Slice, reflect.Array:
		if !v.IsArray() {
			c.mismatch(path, v, t)
			return
		}
		for i, e := range v.AsArray().All {
			c.value(path.AppendIndex(i), e, t.Elem(), plain)
		}
	case reflect.Map:
		if !v.IsMap() {
			c.mismatch(path, v, t)
			return
		}
		for k, e := range v.AsMap().AllStable {
			c.value(path.AppendKey(k), e, t.Elem(), plain)
		}
	case reflect.Struct:
		if !v.IsMap() {
			c.mismatch(path, v, t)
			return
		}
		c.fields(path, v.AsMap(), t, plain)
	}
}

// notPlain says why v cannot stand where Go takes a plain value, or "" when
// it can.
func notPlain(v property.Value) string {
	secret, unknown, output := v.Secret(), v.IsComputed(), len(v.Dependencies()) > 0
	if !secret && !unknown && !output {
		return ""
	}
	var what []string
	if secret {
		what = append(what, "secret")
	}
	if unknown {
		what = append(what, "unknown")
	}
	switch {
	case output:
		what = append(what, "output of another resource")
	case unknown:
		what = append(what, "value")
	}
	got := strings.Join(what, " ")
	var why []string
	if unknown || output {
		why = append(why, "berth reads this field before it creates anything, so it cannot wait for another resource")
	}
	if secret {
		why = append(why, "a plain field would not keep it secret")
	}
	return fmt.Sprintf("must be a plain value, got %s %s (%s)", article(got), got, strings.Join(why, "; "))
}

// mismatch records that v is not a value of Go type t.
func (c *checker) mismatch(path property.Path, v property.Value, t reflect.Type) {
	want := schemaKind(t)
	reason := fmt.Sprintf("expected %s %s, got %s %s", article(want), want, article(kindOf(v)), kindOf(v))
	if values := enumValues(t); values != "" {
		reason += " (allowed: " + values + ")"
	}
	c.problem(path, reason)
}

// schemaKind names Go type t in the schema's words.
func schemaKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	default:
		return "object"
	}
}

// kindOf names the kind of a known, non-null value in the schema's words.
func kindOf(v property.Value) string {
	switch {
	case v.IsBool():
		return "boolean"
	case v.IsNumber():
		return "number"
	case v.IsString():
		return "string"
	case v.IsArray():
		return "array"
	case v.IsMap():
		return "object"
	case v.IsAsset():
		return "asset"
	case v.IsArchive():
		return "archive"
	case v.IsResourceReference():
		return "resource"
	default:
		return "value"
	}
}

// article is "an" before a vowel, else "a".
func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// enumValues lists the allowed values of an enum type t, quoted, or "".
func enumValues(t reflect.Type) string {
	if !isEnum(t) {
		return ""
	}
	values := reflect.Zero(t).MethodByName("Values").Call(nil)[0]
	quoted := make([]string, values.Len())
	for i := range quoted {
		quoted[i] = fmt.Sprintf("%q", values.Index(i).String())
	}
	return strings.Join(quoted, ", ")
}

// elementType is the Go type of the value an input or output type t
// holds (string for pulumi.StringInput, []string for
// pulumi.StringArrayInput), or nil when t does not say. An input interface
// is followed to its output type by its To<Name>Output method, as the SDK
// finds it (getOutputType, provider.go:556-581).
func elementType(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Interface {
		m, ok := t.MethodByName("To" + strings.TrimSuffix(t.Name(), "Input") + "Output")
		if !ok || m.Type.NumIn() != 0 || m.Type.NumOut() != 1 || !m.Type.Out(0).Implements(outputType) {
			return nil
		}
		t = m.Type.Out(0)
	}
	if t.Kind() == reflect.Interface {
		return nil
	}
	switch z := reflect.Zero(t).Interface().(type) {
	case pulumi.Output:
		return z.ElementType()
	case pulumi.Input:
		return z.ElementType()
	}
	return nil
}
