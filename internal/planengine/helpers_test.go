package planengine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/stackconfig"
)

// testCache holds the programs the tests compile, shared by every test of
// the package so that each program compiles once per run.
var testCache string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "berth-plan-cache-")
	if err != nil {
		panic(err)
	}
	testCache = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// probeYAML is the Pulumi.yaml of a probe project in dir: the probe's own
// (testdata/probe/Pulumi.yaml) with its main at program, a directory under
// testdata/probe (or any directory, when absolute).
func probeYAML(t *testing.T, dir, program string) string {
	t.Helper()
	if !filepath.IsAbs(program) {
		abs, err := filepath.Abs(filepath.Join("testdata", "probe", program))
		if err != nil {
			t.Fatal(err)
		}
		program = abs
	}
	rel, err := filepath.Rel(dir, program)
	if err != nil {
		t.Fatal(err)
	}
	own, err := os.ReadFile(filepath.Join("testdata", "probe", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(own) + "main: " + rel + "\n"
}

// probe writes a probe project whose stack "test" has the given config
// block and returns its directory.
func probe(t *testing.T, stack string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"Pulumi.yaml": probeYAML(t, dir, ""), "Pulumi.test.yaml": stack}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// load loads the configuration of stack "test" from dir and fails the test
// on error.
func load(t *testing.T, dir string, overrides ...string) *stackconfig.Config {
	t.Helper()
	opts := stackconfig.LoadOptions{Dir: dir, Stack: "test"}
	var err error
	if opts.Overrides, err = stackconfig.ParseOverrides(overrides); err != nil {
		t.Fatalf("--set: %v", err)
	}
	cfg, err := stackconfig.LoadConfig(opts)
	if err != nil {
		t.Fatalf("stackconfig.LoadConfig: %v", err)
	}
	return cfg
}

// runPlan runs cfg's program with the test cache.
func runPlan(t *testing.T, cfg *stackconfig.Config) (*Result, error) {
	t.Helper()
	return Run(context.Background(), cfg, RunOptions{CacheDir: testCache})
}

// mustPlan runs cfg's program and fails the test on error.
func mustPlan(t *testing.T, cfg *stackconfig.Config) *plan.Plan {
	t.Helper()
	res, err := runPlan(t, cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res.Plan
}
