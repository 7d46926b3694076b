package parity

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/parity.md")

// TestParityDocMatchesTheCode regenerates the table from the components and
// fails when docs/parity.md differs: a change to a mapping, a default or a
// rule must reach the document.
func TestParityDocMatchesTheCode(t *testing.T) {
	got, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "docs", "parity.md")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("docs/parity.md is stale: run `go test ./internal/parity -update`")
	}
}

// TestEveryFieldIsInTheTable keeps the probe list complete.
func TestEveryFieldIsInTheTable(t *testing.T) {
	t.Parallel()
	var listed []string
	for _, f := range fields {
		listed = append(listed, f.name)
	}
	if got := specFields(); !slices.Equal(listed, got) {
		t.Errorf("fields probed %v, spec.Service has %v", listed, got)
	}
}

// TestTheGodocDefaultsOfServiceAreTheCodes reads the "Default:" sentence
// of each spec.Service field's godoc and checks that it states the default
// spec.Resolve gives on each cloud (the value this file's table shows), so
// that the documentation cannot drift from the code: a godoc that says
// "Default: 100" where the code gives 10 fails here.
func TestTheGodocDefaultsOfServiceAreTheCodes(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join("..", "..", "spec", "service.go"), nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != "Service" {
			return true
		}
		for _, field := range ts.Type.(*ast.StructType).Fields.List {
			tag, _ := strconv.Unquote(field.Tag.Value)
			name, _, _ := strings.Cut(reflect.StructTag(tag).Get("pulumi"), ",")
			doc := strings.Join(strings.Fields(field.Doc.Text()), " ")
			_, stated, found := strings.Cut(doc, "Default: ")
			if !found {
				t.Errorf("service.%s: its godoc states no default (want a sentence \"Default: ...\")", name)
				continue
			}
			for _, c := range clouds {
				// The value, without the unit the table adds ("1 vCPU").
				want := strings.TrimSuffix(defaultOf(c, name), " vCPU")
				if name == "rollout" {
					want = strings.TrimSuffix(strings.Fields(want)[1], ":") // "alarms on: ..." states on or off
				}
				if !containsWord(stated, want) {
					t.Errorf("service.%s: the godoc's default %q does not state %s's %q", name, stated, c.name, want)
				}
				checked++
			}
		}
		return false
	})
	if checked < 20 {
		t.Errorf("checked %d defaults, want every field's on both clouds", checked)
	}
}

// containsWord reports whether s holds w not as part of a longer word or
// number ("10" is not in "100", nor "25" in "0.25").
func containsWord(s, w string) bool {
	// continues reports whether s[k] is part of a word or number.
	continues := func(k int) bool {
		b := s[k]
		return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' ||
			b == '.' && k+1 < len(s) && s[k+1] >= '0' && s[k+1] <= '9'
	}
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		if (j == 0 || !continues(j-1)) && (end == len(s) || !continues(end)) {
			return true
		}
		i = j + 1
	}
}
