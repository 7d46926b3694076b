package pulumicli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersionIsWhatToolsPulumiPins(t *testing.T) {
	v, err := Version("../..")
	if err != nil || !strings.HasPrefix(v, "v3.") {
		t.Fatalf("Version = %q, %v", v, err)
	}
}

func TestFindPrefersTheVariableThenTheSetupCache(t *testing.T) {
	t.Setenv(Var, "/opt/pulumi")
	if p, err := Find("../.."); p != "/opt/pulumi" || err != nil {
		t.Errorf("with %s: %q, %v", Var, p, err)
	}
	t.Setenv(Var, "")
	cache := t.TempDir()
	t.Setenv("BERTH_TOOLS_CACHE", cache)
	v, _ := Version("../..")
	if _, err := Find("../.."); err == nil || !strings.Contains(err.Error(), "run scripts/setup.sh") {
		t.Errorf("empty cache: %v", err)
	}
	want := filepath.Join(cache, "pulumi-"+v, "bin", "pulumi")
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := Find("../.."); p != want || err != nil {
		t.Errorf("Find = %q, %v; want %s", p, err, want)
	}
}
