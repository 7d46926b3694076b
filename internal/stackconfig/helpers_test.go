package stackconfig

import (
	"os"
	"path/filepath"
	"testing"
)

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

// testProject declares the settings the configuration tests use.
const testProject = `name: berth
runtime: go
config:
  berth:service:
    type: object
    default: {}
  berth:cloud:
    type: string
    default: ""
  berth:replicas:
    type: integer
    default: 1
  berth:dbPassword:
    type: string
    default: ""
`

// load loads the configuration of stack "test" from dir and fails the test
// on error.
func load(t *testing.T, dir string, overrides ...string) *Config {
	t.Helper()
	opts := LoadOptions{Dir: dir, Stack: "test"}
	var err error
	if opts.Overrides, err = ParseOverrides(overrides); err != nil {
		t.Fatalf("--set: %v", err)
	}
	cfg, err := LoadConfig(opts)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	return cfg
}

func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }
