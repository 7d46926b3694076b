package pulumicli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestSetupInstallsTheYAMLHostVersionFindYAMLHostLooksFor(t *testing.T) {
	data, err := os.ReadFile("../../scripts/setup.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^yaml_version=(\S+)$`).FindAllStringSubmatch(string(data), -1)
	if len(m) != 1 || m[0][1] != YAMLHostVersion {
		t.Errorf("scripts/setup.sh sets yaml_version %q, want one line yaml_version=%s", m, YAMLHostVersion)
	}
}

func TestFindYAMLHostPrefersTheVariableThenTheSetupCache(t *testing.T) {
	t.Setenv(YAMLHostVar, "/opt/yaml/pulumi-language-yaml")
	if p, err := FindYAMLHost(); p != "/opt/yaml/pulumi-language-yaml" || err != nil {
		t.Errorf("with %s: %q, %v", YAMLHostVar, p, err)
	}
	t.Setenv(YAMLHostVar, "")
	cache := t.TempDir()
	t.Setenv("BERTH_TOOLS_CACHE", cache)
	if _, err := FindYAMLHost(); err == nil || !strings.Contains(err.Error(), "run scripts/setup.sh") {
		t.Errorf("empty cache: %v", err)
	}
	want := filepath.Join(cache, "pulumi-language-yaml-"+YAMLHostVersion, "bin", "pulumi-language-yaml")
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := FindYAMLHost(); p != want || err != nil {
		t.Errorf("FindYAMLHost = %q, %v; want %s", p, err, want)
	}
}
