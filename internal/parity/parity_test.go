package parity

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
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
