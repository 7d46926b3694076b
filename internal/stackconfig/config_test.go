package stackconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
)

const serviceStack = `config:
  berth:service:
    name: api
    memory: 512Mi
    env:
      MODE: prod
    secrets:
      - env: DB_PASSWORD
        ref: db-password
        version: "3"
  gcp:region: us-central1
`

func TestOverridesSetValuesByPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		sets []string
		key  string
		want string
	}{
		{"nested map key", []string{"service.env.LOG_LEVEL=debug"}, "berth:service",
			`{"env":{"LOG_LEVEL":"debug","MODE":"prod"},"memory":"512Mi","name":"api","secrets":[{"env":"DB_PASSWORD","ref":"db-password","version":"3"}]}`},
		{"replaces a string", []string{"service.memory=2Gi"}, "berth:service",
			`{"env":{"MODE":"prod"},"memory":"2Gi","name":"api","secrets":[{"env":"DB_PASSWORD","ref":"db-password","version":"3"}]}`},
		{"list index, integer", []string{"service.secrets[0].version=4"}, "berth:service",
			`{"env":{"MODE":"prod"},"memory":"512Mi","name":"api","secrets":[{"env":"DB_PASSWORD","ref":"db-password","version":4}]}`},
		{"quotes are part of the string, as in pulumi config set", []string{"service.secrets[0].version='4'"}, "berth:service",
			`{"env":{"MODE":"prod"},"memory":"512Mi","name":"api","secrets":[{"env":"DB_PASSWORD","ref":"db-password","version":"'4'"}]}`},
		{"empty list", []string{"service.secrets=[]"}, "berth:service",
			`{"env":{"MODE":"prod"},"memory":"512Mi","name":"api","secrets":[]}`},
		{"list of strings, boolean, decimal string", []string{`service.args=["a","b"]`, "service.public=true", "service.cpu=0.5"}, "berth:service",
			`{"args":["a","b"],"cpu":"0.5","env":{"MODE":"prod"},"memory":"512Mi","name":"api","public":true,"secrets":[{"env":"DB_PASSWORD","ref":"db-password","version":"3"}]}`},
		{"object value", []string{"service.env={A: 1, B: x}"}, "berth:service",
			`{"env":{"A":1,"B":"x"},"memory":"512Mi","name":"api","secrets":[{"env":"DB_PASSWORD","ref":"db-password","version":"3"}]}`},
		{"JSON object value", []string{`service.env={"A":"1"}`}, "berth:service",
			`{"env":{"A":"1"},"memory":"512Mi","name":"api","secrets":[{"env":"DB_PASSWORD","ref":"db-password","version":"3"}]}`},
		{"false and zero", []string{"service.public=false", "service.min=0", "service.delta=-7"}, "berth:service",
			`{"delta":-7,"env":{"MODE":"prod"},"memory":"512Mi","min":0,"name":"api","public":false,"secrets":[{"env":"DB_PASSWORD","ref":"db-password","version":"3"}]}`},
		{"quoted key with dots", []string{`service.env["a.b"]=c`}, "berth:service",
			`{"env":{"MODE":"prod","a.b":"c"},"memory":"512Mi","name":"api","secrets":[{"env":"DB_PASSWORD","ref":"db-password","version":"3"}]}`},
		{"namespaced key", []string{"gcp:region=europe-west1"}, "gcp:region", "europe-west1"},
		{"new top-level key", []string{"berth:cloud=gcp"}, "berth:cloud", "gcp"},
		{"top-level number", []string{"replicas=3"}, "berth:replicas", "3"},
		{"empty value", []string{"service.env.EMPTY="}, "berth:service",
			`{"env":{"EMPTY":"","MODE":"prod"},"memory":"512Mi","name":"api","secrets":[{"env":"DB_PASSWORD","ref":"db-password","version":"3"}]}`},
		{"later wins", []string{"service.memory=1Gi", "service.memory=2Gi"}, "berth:service",
			`{"env":{"MODE":"prod"},"memory":"2Gi","name":"api","secrets":[{"env":"DB_PASSWORD","ref":"db-password","version":"3"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeProject(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.test.yaml": serviceStack})
			cfg := load(t, dir, tt.sets...)
			if got := cfg.Values[tt.key]; got != tt.want {
				t.Errorf("%s = %s\nwant %s", tt.key, got, tt.want)
			}
		})
	}
}

func TestParseOverrideRejectsMalformedInput(t *testing.T) {
	t.Parallel()
	// Each error names the PATH and never the VALUE, which may be a
	// secret.
	tests := []struct{ in, want string }{
		{"s3cret-token", `no "=" (want PATH=VALUE; the setting is not echoed, as it may be a secret)`},
		{"=2Gi", `"": empty config path`},
		{"gcp:=x", `"gcp:": empty config path`},
		{":region=x", `":region": empty namespace before ':'`},
		{"service..memory=1", `"service..memory": empty key in config path`},
		{"service.env[=1", `"service.env[": invalid config path: missing closing bracket in array index`},
		{"[0]=1", `"[0]": a config path must start with a key, not an index`},
		{"service.env=[s3cret", `"service.env": parsing value as YAML (a VALUE that starts with "[" or "{" is a list or object): yaml: line 1: did not find expected ',' or ']'`},
		{"service.env={a: s3cret", `"service.env": parsing value as YAML (a VALUE that starts with "[" or "{" is a list or object): yaml: line 1: did not find expected ',' or '}'`},
		{"service.env=[a] s3cret", `"service.env": parsing value as YAML (a VALUE that starts with "[" or "{" is a list or object): text after the value: yaml: did not find expected <document start>`},
		{"service.token=s3cret\xff", `"service.token": the override is not UTF-8 text (allowed: UTF-8; configuration is text)`},
	}
	for _, tt := range tests {
		_, err := ParseOverride(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseOverride(%q) error = %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

func TestOverrideValuesStayStringsUnlessBooleanIntegerListOrObject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  any // the value as the program sees it below a path
	}{
		{"a #b", "a #b"},
		{"010", "010"},
		{"0x10", "0x10"},
		{"0o10", "0o10"},
		{"1e3", "1e3"},
		{"1_000", "1_000"},
		{"+1", "+1"},
		{"-0", "-0"},
		{"~", "~"},
		{"null", "null"},
		{".inf", ".inf"},
		{"0.5", "0.5"},
		{"yes", "yes"},
		{"True", "True"},
		{"2024-01-02", "2024-01-02"},
		{"'4'", "'4'"},
		{" 4", " 4"},
		{"", ""},
		{"99999999999999999999", "99999999999999999999"},
		{"true", true},
		{"false", false},
		{"0", float64(0)},
		{"42", float64(42)},
		{"-7", float64(-7)},
		{"[]", []any{}},
		{`["a", 1]`, []any{"a", float64(1)}},
		{"{a: x}", map[string]any{"a": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			o, err := ParseOverride("service.x=" + tt.value)
			if err != nil {
				t.Fatal(err)
			}
			m := config.Map{}
			if err := m.Set(o.key("berth"), o.Value, true); err != nil {
				t.Fatal(err)
			}
			raw, err := m[config.MustMakeKey("berth", "service")].Value(config.NopDecrypter)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(raw), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got["x"], tt.want) {
				t.Errorf("service.x=%s sets %#v, want %#v", tt.value, got["x"], tt.want)
			}
		})
	}
}

const schemaProject = `name: berth
runtime: go
config:
  berth:cloud:
    type: string
  berth:service:
    type: object
  replicas:
    type: integer
    default: 2
  region:
    type: string
    default: us-central1
  tags:
    type: array
    items:
      type: string
    default: [a, b]
`

func TestLoadConfigAppliesProjectDefaults(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{
		"Pulumi.yaml":      schemaProject,
		"Pulumi.test.yaml": "config:\n  berth:cloud: gcp\n  berth:service: {name: api}\n  berth:region: europe-west1\n",
	})
	cfg := load(t, dir)
	want := map[string]string{
		"berth:cloud":    "gcp",
		"berth:service":  `{"name":"api"}`,
		"berth:replicas": "2",
		"berth:region":   "europe-west1",
		"berth:tags":     `["a","b"]`,
	}
	if !reflect.DeepEqual(cfg.Values, want) {
		t.Errorf("values = %v, want %v", cfg.Values, want)
	}
	if cfg.Project != "berth" || cfg.Stack != "test" || cfg.RootDirectory != dir {
		t.Errorf("project, stack, root = %q, %q, %q", cfg.Project, cfg.Stack, cfg.RootDirectory)
	}
}

func TestLoadConfigReportsEveryProblemWithItsKey(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{
		"Pulumi.yaml":      schemaProject,
		"Pulumi.test.yaml": "config:\n  berth:service: api\n  berth:replicas: many\n",
	})
	o, err := ParseOverride("tags=[1, 2]")
	if err != nil {
		t.Fatal(err)
	}
	_, err = LoadConfig(LoadOptions{Dir: dir, Stack: "test", Overrides: []Override{o}})
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v, want a *ConfigError", err)
	}
	want := []string{
		"berth:cloud: required (Pulumi.yaml declares it with type string and no default); set it in Pulumi.test.yaml",
		"berth:replicas: must be of type integer, as Pulumi.yaml declares (got a string)",
		"berth:service: must be of type object, as Pulumi.yaml declares (got a string)",
		"berth:tags: must be of type array<string>, as Pulumi.yaml declares (got a list)",
	}
	if !reflect.DeepEqual(ce.Problems, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(ce.Problems, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoadConfigFindsTheProjectUpwardsAndNamesMissingStacks(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.dev.yaml": "", "Pulumi.prod.yaml": ""})
	sub := dir + "/infra/program"
	if err := mkdirAll(sub); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(LoadOptions{Dir: sub, Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RootDirectory != dir {
		t.Errorf("root = %q, want %q", cfg.RootDirectory, dir)
	}
	_, err = LoadConfig(LoadOptions{Dir: sub, Stack: "dve"})
	if !errors.Is(err, ErrStackNotFound) || !strings.Contains(err.Error(), "Pulumi.dve.yaml") || !strings.Contains(err.Error(), "stacks here: dev, prod") {
		t.Errorf("error = %v, want ErrStackNotFound naming the file and the stacks", err)
	}
}

func TestUndeclaredTopLevelKeysAreErrorsNamingTheNearestDeclaredKey(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{
		"Pulumi.yaml": testProject,
		"Pulumi.test.yaml": "config:\n  berth:servce:\n    memory: 1Gi\n  berth:clod: gcp\n" +
			"  gcp:region: us-central1\n  random:anything: goes\n",
	})
	o, err := ParseOverride("replica=3")
	if err != nil {
		t.Fatal(err)
	}
	_, err = LoadConfig(LoadOptions{Dir: dir, Stack: "test", Overrides: []Override{o}})
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v, want a *ConfigError", err)
	}
	declared := "declared: berth:cloud, berth:dbPassword, berth:replicas, berth:service"
	want := []string{
		"berth:clod: not declared in Pulumi.yaml's config (did you mean berth:cloud? " + declared + ")",
		"berth:replica: not declared in Pulumi.yaml's config (did you mean berth:replicas? " + declared + ")",
		"berth:servce: not declared in Pulumi.yaml's config (did you mean berth:service? " + declared + ")",
	}
	if !reflect.DeepEqual(ce.Problems, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(ce.Problems, "\n"), strings.Join(want, "\n"))
	}
}

func TestAProjectWithoutSchemaTakesItsKeysAsThePulumiCLIDoes(t *testing.T) {
	t.Parallel()
	// The Pulumi CLI's config merge accepts undeclared keys
	// (pkg/v3@v3.274.1/workspace/config.go, mergeConfig); with no
	// declared key there is nothing to hold them to.
	dir := writeProject(t, map[string]string{"Pulumi.yaml": "name: shop\nruntime: go\n", "Pulumi.test.yaml": "config:\n  shop:size: 3\n"})
	cfg, err := LoadConfig(LoadOptions{Dir: dir, Stack: "test"})
	if err != nil || cfg.Values["shop:size"] != "3" {
		t.Errorf("LoadConfig = %v, %v; want shop:size 3", cfg, err)
	}
}

func TestProjectsOfOtherRuntimesOrWithoutTheirMainAreRejected(t *testing.T) {
	t.Parallel()
	tests := []struct{ yaml, want string }{
		{"name: web\nruntime: nodejs\n", `project "web": runtime "nodejs" is not supported: berth plan runs Go programs (runtime: go in Pulumi.yaml)`},
		{"name: web\nruntime: go\nmain: infra/\n", `project "web": main "infra/" in Pulumi.yaml is not a directory under`},
	}
	for _, tt := range tests {
		dir := writeProject(t, map[string]string{"Pulumi.yaml": tt.yaml, "Pulumi.test.yaml": ""})
		_, err := LoadConfig(LoadOptions{Dir: dir, Stack: "test"})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("error = %v, want %s", err, tt.want)
		}
	}
}

func TestMainAndBinaryAreResolvedUnderTheProjectRoot(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{
		"Pulumi.yaml":      "name: web\nruntime:\n  name: go\n  options:\n    binary: bin/web\nmain: infra/\n",
		"Pulumi.test.yaml": "",
	})
	if err := mkdirAll(dir + "/infra"); err != nil {
		t.Fatal(err)
	}
	cfg := load(t, dir)
	if cfg.ProgramDirectory != dir+"/infra" || cfg.Binary != dir+"/bin/web" {
		t.Errorf("program %q, binary %q", cfg.ProgramDirectory, cfg.Binary)
	}
}

func TestPulumiAutonamingConfigurationIsRefused(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{"Pulumi.yaml": "name: shop\nruntime: go\n", "Pulumi.test.yaml": "config:\n  pulumi:autonaming:\n    mode: verbatim\n"})
	_, err := LoadConfig(LoadOptions{Dir: dir, Stack: "test"})
	var ce *ConfigError
	if !errors.As(err, &ce) || len(ce.Problems) != 1 || !strings.HasPrefix(ce.Problems[0], "pulumi:autonaming: Pulumi's autonaming configuration is not modelled here") {
		t.Errorf("LoadConfig = %v, want the one problem naming pulumi:autonaming", err)
	}
}

// TestProviderSettingsAreTheProvidersOwn: a typo in a provider's key
// (issue 19: aws:regoin, gcp:projet passed) is a problem naming the
// nearest key; the provider's own keys and other packages' pass.
func TestProviderSettingsAreTheProvidersOwn(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{"Pulumi.yaml": "name: shop\nruntime: go\n", "Pulumi.test.yaml": "config:\n  aws:regoin: us-east-1\n  gcp:projet: p\n  aws:region: us-east-1\n  gcp:project: p\n  docker:host: unix:///var/run/docker.sock\n  random:anything: x\n  aws:version: 6.83.4\n  gcp:pluginDownloadURL: https://example.com\n"})
	_, err := LoadConfig(LoadOptions{Dir: dir, Stack: "test"})
	var ce *ConfigError
	want := []string{
		"aws:regoin: not a setting of the aws provider (did you mean aws:region? its settings are its SDK's config package's keys)",
		"gcp:projet: not a setting of the gcp provider (did you mean gcp:project? its settings are its SDK's config package's keys)",
	}
	if !errors.As(err, &ce) || !slices.Equal(ce.Problems, want) {
		t.Errorf("LoadConfig = %v, want the problems\n%q", err, want)
	}
}

// TestProviderKeysAreCurrent regenerates providerkeys.go from the pinned
// SDKs and compares.
func TestProviderKeysAreCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "providerkeys.go")
	cmd := exec.Command("go", "run", "./keygen", "-root", "../..", "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("keygen: %v\n%s", err, b)
	}
	want, _ := os.ReadFile(out)
	got, _ := os.ReadFile("providerkeys.go")
	if !bytes.Equal(got, want) {
		t.Errorf("providerkeys.go is stale: run go generate ./internal/stackconfig")
	}
}

// TestStackNamesAreCheckedEvenWithValidationDisabled: the SDK's own parser
// accepts anything under PULUMI_DISABLE_VALIDATION; berth does not.
func TestStackNamesAreCheckedEvenWithValidationDisabled(t *testing.T) {
	t.Setenv("PULUMI_DISABLE_VALIDATION", "true")
	dir := writeProject(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.test.yaml": serviceStack})
	for _, name := range []string{"x\x1b]0;pwned\a", "--->", strings.Repeat("a", 101), ""} {
		_, err := LoadConfig(LoadOptions{Dir: dir, Stack: name})
		want := fmt.Sprintf("stack %q: not a stack name (allowed: letters, digits, -, _ and ., 1 to 100 of them)", name)
		if err == nil || err.Error() != want {
			t.Errorf("stack %q: %v, want %s", name, err, want)
		}
	}
	if _, err := LoadConfig(LoadOptions{Dir: dir, Stack: "test"}); err != nil {
		t.Errorf("stack test: %v", err)
	}
}
