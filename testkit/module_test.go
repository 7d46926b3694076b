package testkit_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoRoot is this checkout, which the outside module replaces berth with.
const repoRoot = ".."

// adoptionHeading matches the README sections whose Go examples an
// adopting stack copies.
var adoptionHeading = regexp.MustCompile(`(?i)^## .*(adopt|another stack)`)

// readmeExamples returns the ```go blocks of README.md's adoption sections,
// in order.
func readmeExamples(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []string
	var block *strings.Builder
	inSection := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case block != nil && line == "```":
			blocks = append(blocks, block.String())
			block = nil
		case block != nil:
			block.WriteString(line + "\n")
		case strings.HasPrefix(line, "## "):
			inSection = adoptionHeading.MatchString(line)
		case inSection && line == "```go":
			block = &strings.Builder{}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}

// TestTheREADMEAndGodocExamplesCompileFromAnotherModule builds a module of
// its own that requires berth (replaced by this checkout), holding every Go
// example of README.md's adoption sections as a program and every godoc
// example of berth's public packages as a test, vets it all and runs the
// examples, as an adopter's module would. Only what is exported can be
// used from there, so an example that needs anything internal fails here.
func TestTheREADMEAndGodocExamplesCompileFromAnotherModule(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a module with the cloud SDKs; skipped with -short")
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		path := filepath.Join(mod, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/adopter\n\ngo 1.26.8\n\nrequire github.com/berth-dev/berth v0.0.0-00010101000000-000000000000\n\nreplace github.com/berth-dev/berth => "+root+"\n")
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", string(sum))

	examples := readmeExamples(t)
	if len(examples) == 0 {
		t.Fatal("README.md has no ```go block under an adoption heading")
	}
	for i, src := range examples {
		if !strings.Contains(src, "package main") {
			t.Errorf("README example %d is not a whole program (package main):\n%s", i+1, src)
		}
		write(fmt.Sprintf("readme/example%d/main.go", i+1), src)
	}
	godoc, err := filepath.Glob(filepath.Join(root, "*", "*", "example_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob(filepath.Join(root, "*", "example_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	more = append(more, filepath.Join(root, "example_test.go"))
	var copied []string
	for _, f := range append(godoc, more...) {
		rel, _ := filepath.Rel(root, f)
		if strings.Contains(rel, "internal"+string(filepath.Separator)) {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Only examples of the external test package, which use the API as
		// an adopter does, can move to another module.
		if !regexp.MustCompile(`(?m)^package \w+_test$`).Match(b) {
			continue
		}
		write(filepath.Join("godoc", filepath.Dir(rel), "example_test.go"), string(b))
		// An example may read its package's testdata, as a test does.
		if err := os.CopyFS(filepath.Join(mod, "godoc", filepath.Dir(rel), "testdata"), os.DirFS(filepath.Join(filepath.Dir(f), "testdata"))); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		copied = append(copied, rel)
	}
	if len(copied) == 0 {
		t.Fatal("no godoc example found")
	}
	t.Logf("README examples: %d; godoc examples: %s", len(examples), strings.Join(copied, ", "))

	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the outside module: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("vet", "./...")
	run("test", "-count=1", "./godoc/...")
}
