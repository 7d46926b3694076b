package plan

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/english"
	"github.com/berth-dev/berth/internal/safetext"
)

// inlineWidth is the widest value that WriteText prints on its key's line;
// wider lists and objects are printed as indented blocks.
const inlineWidth = 80

// WriteText writes p for people to read: each resource under its parent,
// with its type, name, dependencies and inputs, then the stack outputs.
// Inputs that hold a JSON document (an IAM policy, say) are pretty-printed.
// Nothing is truncated.
func (p *Plan) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	t := textWriter{w: bw, names: map[string]string{}, children: map[string][]int{}}
	known := map[string]bool{}
	count := map[string]int{}
	for _, r := range p.Resources {
		count[r.Name]++
	}
	for _, r := range p.Resources {
		known[r.URN] = true
		t.names[r.URN] = r.Name
		if count[r.Name] > 1 {
			t.names[r.URN] = r.Name + " (" + r.Type + ")"
		}
	}
	var roots []int
	for i, r := range p.Resources {
		if r.Parent == "" || !known[r.Parent] {
			roots = append(roots, i)
		} else {
			t.children[r.Parent] = append(t.children[r.Parent], i)
		}
	}
	fmt.Fprintf(bw, "Plan for %s/%s: %s\n", safetext.Line(p.Project), safetext.Line(p.Stack), english.Count(len(p.Resources), "resource"))
	for _, i := range roots {
		bw.WriteString("\n")
		t.resource(p.Resources, i, 0)
	}
	bw.WriteString("\nOutputs:\n")
	if len(p.Outputs) == 0 {
		bw.WriteString("  (none)\n")
	}
	for _, k := range sortedKeys(p.Outputs) {
		t.field(k, p.Outputs[k], 1)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	return nil
}

type textWriter struct {
	w        *bufio.Writer
	names    map[string]string // URN -> logical name (with type if shared), for dependencies
	children map[string][]int  // parent URN -> indexes of its children
}

func (t textWriter) indent(depth int) string { return strings.Repeat("  ", depth) }

// name is a URN's logical name when the plan holds it, else the URN.
func (t textWriter) name(urn string) string {
	if n, ok := t.names[urn]; ok {
		return safetext.Line(n)
	}
	return safetext.Line(urn)
}

// resource writes resource i and, below it, its inputs and children.
func (t textWriter) resource(rs []Resource, i, depth int) {
	r := rs[i]
	fmt.Fprintf(t.w, "%s%s  %s\n", t.indent(depth), safetext.Line(r.Name), safetext.Line(r.Type))
	if r.Read {
		fmt.Fprintf(t.w, "%s  read: %s (an existing resource, not managed)\n", t.indent(depth), jsonString(r.ID))
	}
	if r.Provider != "" {
		fmt.Fprintf(t.w, "%s  provider: %s\n", t.indent(depth), t.name(r.Provider))
	}
	if opts := r.Options.Summary(); len(opts) > 0 {
		fmt.Fprintf(t.w, "%s  options: %s\n", t.indent(depth), strings.Join(opts, "; "))
	}
	if len(r.DependsOn) > 0 {
		deps := make([]string, len(r.DependsOn))
		for j, d := range r.DependsOn {
			deps[j] = t.name(d)
		}
		fmt.Fprintf(t.w, "%s  depends on: %s\n", t.indent(depth), strings.Join(deps, ", "))
	}
	for _, k := range sortedKeys(r.Inputs) {
		t.field(k, r.Inputs[k], depth+1)
	}
	for _, c := range t.children[r.URN] {
		t.resource(rs, c, depth+1)
	}
}

// field writes `key: value` at depth, breaking wide values into blocks.
func (t textWriter) field(key string, v any, depth int) {
	ind := t.indent(depth)
	key = safetext.Line(key)
	if doc, ok := jsonDocument(v); ok {
		fmt.Fprintf(t.w, "%s%s: (JSON)\n", ind, key)
		for _, line := range strings.Split(doc, "\n") {
			fmt.Fprintf(t.w, "%s  %s\n", ind, line)
		}
		return
	}
	if in := Inline(v); len(ind)+len(key)+2+len(in) <= inlineWidth || !isContainer(v) {
		fmt.Fprintf(t.w, "%s%s: %s\n", ind, key, in)
		return
	}
	fmt.Fprintf(t.w, "%s%s:\n", ind, key)
	t.block(v, depth+1)
}

// block writes a list or object that is too wide for one line.
func (t textWriter) block(v any, depth int) {
	ind := t.indent(depth)
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			t.field(k, v[k], depth)
		}
	case []any:
		for i, e := range v {
			t.field("["+strconv.Itoa(i)+"]", e, depth)
		}
	default:
		fmt.Fprintf(t.w, "%s%s\n", ind, Inline(v))
	}
}

func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// Inline renders a plan value on one line: JSON, except that markers print
// as Describe says, bare, so that no string (always quoted) can look like
// one.
func Inline(v any) string {
	if IsMarker(v) {
		return Describe(v)
	}
	switch v := v.(type) {
	case map[string]any:
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(jsonString(k))
			b.WriteByte(':')
			b.WriteString(Inline(v[k]))
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = Inline(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return jsonString(v)
}

// jsonString encodes v as compact JSON without HTML escaping.
func jsonString(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// jsonDocument reports whether v holds a JSON object or list (see
// Document) and returns it indented, its unknown parts as Inline prints
// them.
func jsonDocument(v any) (string, bool) {
	if s, ok := v.(string); ok {
		trimmed := strings.TrimSpace(s)
		if len(trimmed) < 2 || (trimmed[0] != '{' && trimmed[0] != '[') || !json.Valid([]byte(trimmed)) {
			return "", false
		}
		var b bytes.Buffer
		if err := json.Indent(&b, []byte(trimmed), "", "  "); err != nil {
			return "", false
		}
		return b.String(), true
	}
	doc, ok := Document(v)
	if !ok {
		return "", false
	}
	var b strings.Builder
	indented(&b, doc, "")
	return b.String(), true
}

// indented writes doc as indented JSON, markers as Inline prints them.
func indented(b *strings.Builder, doc any, ind string) {
	switch d := doc.(type) {
	case map[string]any:
		if len(d) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{")
		for i, k := range sortedKeys(d) {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n" + ind + "  " + jsonString(k) + ": ")
			indented(b, d[k], ind+"  ")
		}
		b.WriteString("\n" + ind + "}")
	case []any:
		if len(d) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[")
		for i, e := range d {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n" + ind + "  ")
			indented(b, e, ind+"  ")
		}
		b.WriteString("\n" + ind + "]")
	default:
		b.WriteString(Inline(d))
	}
}
