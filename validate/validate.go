// Package validate collects every problem found in a component's Args so that
// one error reports all of them before anything is registered.
//
// Each problem names the exact field path (`template.cpu`, `secrets[2].path`),
// says what is wrong and, for enums and ranges, which values are allowed:
//
//	memory: "3Gi" is not offered with cpu 1 (allowed: 512 Mi to 4Gi)
package validate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Problem is one broken rule: the field path it concerns and a message.
type Problem struct {
	// Field is the dotted path of the offending field, with list indexes in
	// brackets, for example `secrets[1].mountPath`.
	Field string
	// Message says what is wrong and what is allowed, lowercase, no trailing
	// period.
	Message string
}

// String renders the problem as `field: message`.
func (p Problem) String() string { return p.Field + ": " + p.Message }

// Error is returned by a component constructor when its Args break one or more
// rules. Nothing has been registered when it is returned.
type Error struct {
	// Component is the type token of the component that rejected its Args,
	// for example `berth:cloudrun:Service`.
	Component string
	// Name is the component's logical name.
	Name string
	// Problems lists every broken rule in the order they were found.
	Problems []Problem
}

// StackConfig stands in Error.Component when the problems are in a stack's
// configuration rather than in a component's Args; Error.Name is the stack.
const StackConfig = "stack configuration"

// Error renders a header line and then one problem per line.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Component == StackConfig {
		fmt.Fprintf(&b, "invalid configuration of stack %q:", e.Name)
	} else {
		fmt.Fprintf(&b, "invalid arguments for %s %q:", e.Component, e.Name)
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Fields returns the sorted, de-duplicated field paths named by the problems.
func (e *Error) Fields() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range e.Problems {
		if !seen[p.Field] {
			seen[p.Field] = true
			out = append(out, p.Field)
		}
	}
	sort.Strings(out)
	return out
}

// Problems collects problems during one validation pass. The zero value is
// ready to use.
type Problems struct {
	list []Problem
}

// Addf records a problem with field and a formatted message.
func (p *Problems) Addf(field, format string, args ...any) {
	p.list = append(p.list, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Merge records the problems of another pass, their fields prefixed with
// prefix and a dot (no dot when prefix is empty). Use it to validate a nested
// struct with its own function.
func (p *Problems) Merge(prefix string, other *Problems) {
	if other == nil {
		return
	}
	for _, q := range other.list {
		if prefix != "" {
			q.Field = Join(prefix, q.Field)
		}
		p.list = append(p.list, q)
	}
}

// Empty reports whether no problem was recorded.
func (p *Problems) Empty() bool { return len(p.list) == 0 }

// List returns a copy of the recorded problems.
func (p *Problems) List() []Problem { return append([]Problem(nil), p.list...) }

// Err returns nil when nothing was recorded, otherwise an *Error for the
// component type token and logical name.
func (p *Problems) Err(component, name string) error {
	if p.Empty() {
		return nil
	}
	return &Error{Component: component, Name: name, Problems: p.List()}
}

// Join joins field path segments with dots, keeping `[i]` index segments
// attached: Join("secrets[1]", "path") is "secrets[1].path".
func Join(parts ...string) string {
	var b strings.Builder
	for _, s := range parts {
		if s == "" {
			continue
		}
		if b.Len() > 0 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// Index returns field with a list index appended: Index("secrets", 2) is
// "secrets[2]".
func Index(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }

// OneOf returns the allowed values quoted and comma separated, for messages
// such as `(allowed: "gen1", "gen2")`.
func OneOf[T any](values ...T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return strings.Join(parts, ", ")
}

// Describe names a value decoded from JSON (encoding/json, with UseNumber)
// for a message such as "must be a number, got the string \"ten\"": its
// kind, with the text of a string or number. Describe a secret setting's
// value without it, since a string would be quoted.
func Describe(v any) string {
	switch x := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + x.String()
	case float64:
		return "the number " + strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
