package diff

import (
	"bytes"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
)

const stackPrefix = "urn:pulumi:test::berth::"

// res builds a resource of stack test: parent is a URN or "", inputs a map.
func res(typ, name, parent string, inputs map[string]any) plan.Resource {
	qual := typ
	if parent != "" {
		i := strings.LastIndex(parent, "::")
		qual = parent[len(stackPrefix):i] + "$" + typ
	}
	if inputs == nil {
		inputs = map[string]any{}
	}
	return plan.Resource{URN: stackPrefix + qual + "::" + name, Type: typ, Name: name, Parent: parent, DependsOn: []string{},
		Inputs: inputs, Custom: !strings.HasPrefix(typ, "berth:")}
}

func plnOf(rs ...plan.Resource) *plan.Plan {
	return &plan.Plan{Project: "berth", Stack: "test", Resources: rs, Outputs: map[string]any{}}
}

// compare runs Compare and fails the test on error.
func compare(t *testing.T, base, head *plan.Plan) *Result {
	t.Helper()
	r, err := Compare(base, head)
	if err != nil {
		t.Fatalf("Compare: %v", err)
	}
	return r
}

// kinds returns "kind: reason" lines of a result's flags.
func flagLines(r *Result) []string {
	out := make([]string, len(r.Flags))
	for i, f := range r.Flags {
		out[i] = string(f.Kind) + ": " + f.Reason
	}
	return out
}

// render writes r in every format and returns the outputs.
func allFormats(t *testing.T, r *Result) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, w := range map[string]func(*Result, *bytes.Buffer) error{
		"json":     func(r *Result, b *bytes.Buffer) error { return r.WriteJSON(b) },
		"text":     func(r *Result, b *bytes.Buffer) error { return r.WriteText(b) },
		"markdown": func(r *Result, b *bytes.Buffer) error { return r.WriteMarkdown(b) },
	} {
		var b bytes.Buffer
		if err := w(r, &b); err != nil {
			t.Fatalf("writing %s: %v", name, err)
		}
		out[name] = b.String()
	}
	return out
}

func boolPtr(b bool) *bool { return &b }
