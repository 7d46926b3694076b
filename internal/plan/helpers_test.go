package plan

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// thing is a custom resource of a made-up provider; the mock monitor
// accepts any type.
type thing struct{ pulumi.CustomResourceState }

// group is a component resource.
type group struct{ pulumi.ResourceState }

// writeProject writes Pulumi.yaml and Pulumi.<stack>.yaml files into a new
// directory and returns it. files maps file names to contents.
func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const testProject = "name: berth\nruntime: go\n"

// load loads the configuration of stack "test" from dir and fails the test
// on error.
func load(t *testing.T, dir string, overrides ...string) *Config {
	t.Helper()
	opts := LoadOptions{Dir: dir, Stack: "test"}
	for _, s := range overrides {
		o, err := ParseOverride(s)
		if err != nil {
			t.Fatalf("ParseOverride(%q): %v", s, err)
		}
		opts.Overrides = append(opts.Overrides, o)
	}
	cfg, err := LoadConfig(opts)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	return cfg
}

func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }
