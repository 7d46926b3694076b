package testkit

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/validate"
)

// Prop walks r's recorded inputs along path, map keys (string) and list
// indexes (int), and returns the value there in its plain Go form (nil when
// a map key is absent). A step into something that is not a map or a list
// long enough fails t.
func Prop(t testing.TB, r Resource, path ...any) any {
	t.Helper()
	return walk(t, r, r.Inputs.Mappable(), path)
}

// Out walks r's outputs, the state the monitor answered with, as Prop walks
// its inputs: Out(t, sa, "email").
func Out(t testing.TB, r Resource, path ...any) any {
	t.Helper()
	return walk(t, r, r.Outputs.Mappable(), path)
}

// NoPlaintext fails t for every place in the recorded inputs and outputs
// that holds one of plaintexts outside a value marked secret, where the
// engine would store it in the state in plain text, naming the resource and
// the property path. Use it with the secrets a test passes in.
func (m *Monitor) NoPlaintext(t testing.TB, plaintexts ...string) {
	t.Helper()
	for _, r := range m.Resources() {
		for what, props := range map[string]resource.PropertyMap{"input": r.Inputs, "output": r.Outputs} {
			for _, p := range plaintexts {
				if p == "" {
					continue
				}
				for _, at := range plaintextAt(resource.NewObjectProperty(props), p, r.Name) {
					t.Errorf("%s %s: %s %s holds a secret's plaintext outside a secret", r.Type, r.Name, what, at)
				}
			}
		}
	}
}

func walk(t testing.TB, r Resource, v any, path []any) any {
	t.Helper()
	for i, step := range path {
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%s %s: %v at %v is not an object", r.Type, r.Name, path[:i], v)
			}
			v = m[s]
		case int:
			list, ok := v.([]any)
			if !ok || s >= len(list) {
				t.Fatalf("%s %s: %v at %v is not a list with index %d", r.Type, r.Name, path[:i], v, s)
			}
			v = list[s]
		default:
			t.Fatalf("Prop: path step %v is neither a string nor an int", step)
		}
	}
	return v
}

// RunValidation runs program under a fresh monitor (project berth, stack
// test, the default clouds) and returns the *validate.Error it failed
// with, nil when it succeeded, and how many resources were registered. Any
// other error fails t.
func RunValidation(t testing.TB, program pulumi.RunFunc) (*validate.Error, int) {
	t.Helper()
	m := New("berth", "test")
	err := m.Run(program)
	if err == nil {
		return nil, len(m.Resources())
	}
	var verr *validate.Error
	if !errors.As(err, &verr) {
		t.Fatalf("err = %v (%T), want a *validate.Error", err, err)
	}
	return verr, len(m.Resources())
}

// RunComponent runs newComponent under a fresh monitor (project berth,
// stack test, configured by opts) and returns the monitor and what
// newComponent returned. An error fails t.
func RunComponent[T any](t testing.TB, newComponent func(ctx *pulumi.Context) (T, error), opts ...Option) (*Monitor, T) {
	t.Helper()
	m := New("berth", "test", opts...)
	var c T
	err := m.Run(func(ctx *pulumi.Context) error {
		var err error
		c, err = newComponent(ctx)
		return err
	})
	if err != nil {
		t.Fatalf("creating the component: %v", err)
	}
	return m, c
}

// plaintextAt returns the paths at which s appears in v outside a secret.
func plaintextAt(v resource.PropertyValue, s, path string) []string {
	switch {
	case v.IsSecret():
		return nil
	case v.IsString():
		if strings.Contains(v.StringValue(), s) {
			return []string{path}
		}
	case v.IsArray():
		var out []string
		for i, e := range v.ArrayValue() {
			out = append(out, plaintextAt(e, s, fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	case v.IsObject():
		var out []string
		for k, e := range v.ObjectValue() {
			out = append(out, plaintextAt(e, s, path+"."+string(k))...)
		}
		return out
	case v.IsComputed():
		return plaintextAt(v.Input().Element, s, path)
	case v.IsOutput():
		if v.OutputValue().Secret {
			return nil
		}
		return plaintextAt(v.OutputValue().Element, s, path)
	}
	return nil
}
