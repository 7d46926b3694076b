package validate

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestProblemsErrListsEveryProblemUnderHeader(t *testing.T) {
	t.Parallel()
	var p Problems
	if err := p.Err("berth:x:Y", "svc"); err != nil {
		t.Fatalf("Err() on no problems = %v, want nil", err)
	}
	p.Addf("cpu", "must be at least %d", 1)
	var nested Problems
	nested.Addf("path", "must be absolute")
	p.Merge(Index("secrets", 2), &nested)
	err := p.Err("berth:x:Y", "svc")
	want := "invalid arguments for berth:x:Y \"svc\":\n  cpu: must be at least 1\n  secrets[2].path: must be absolute"
	if err == nil || err.Error() != want {
		t.Fatalf("Err() = %q, want %q", err, want)
	}
	var verr *Error
	if !errors.As(err, &verr) {
		t.Fatalf("Err() is %T, want *Error", err)
	}
	if got := verr.Fields(); len(got) != 2 || got[0] != "cpu" || got[1] != "secrets[2].path" {
		t.Fatalf("Fields() = %v", got)
	}
}

func TestJoin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		parts []string
		want  string
	}{
		{[]string{"a", "b"}, "a.b"},
		{[]string{"a", "[1]", "b"}, "a[1].b"},
		{[]string{"", "b"}, "b"},
		{[]string{"vpc", ""}, "vpc"},
	}
	for _, tt := range tests {
		if got := Join(tt.parts...); got != tt.want {
			t.Errorf("Join(%q) = %q, want %q", tt.parts, got, tt.want)
		}
	}
}

func TestOneOf(t *testing.T) {
	t.Parallel()
	if got, want := OneOf("gen1", "gen2"), `"gen1", "gen2"`; got != want {
		t.Fatalf("OneOf = %s, want %s", got, want)
	}
	if got, want := OneOf(1, 2), `"1", "2"`; got != want {
		t.Fatalf("OneOf = %s, want %s", got, want)
	}
}

func TestStackConfigHeader(t *testing.T) {
	t.Parallel()
	var p Problems
	p.Addf("service.memory", "too much")
	want := "invalid configuration of stack \"dev\":\n  service.memory: too much"
	if got := p.Err(StackConfig, "dev").Error(); got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestDescribeNamesEachJSONKind(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   any
		want string
	}{
		{map[string]any{"a": 1}, "an object"},
		{[]any{1}, "a list"},
		{"ten", `the string "ten"`},
		{json.Number("4.5"), "the number 4.5"},
		{float64(80), "the number 80"},
		{true, "a boolean"},
		{nil, "null"},
	} {
		if got := Describe(tt.in); got != tt.want {
			t.Errorf("Describe(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
