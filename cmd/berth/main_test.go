package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/stackconfig"
)

func TestMain(m *testing.M) {
	// One cache for the package's plans, so that each program compiles
	// once per run.
	dir, err := os.MkdirTemp("", "berth-cmd-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("BERTH_CACHE_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// probeDir is internal/planengine's probe program, which the plan tests use too.
var probeDir, _ = filepath.Abs(filepath.Join("..", "..", "internal", "planengine", "testdata", "probe"))

// project writes a probe project (mode service) with stacks dev and prod
// into a new directory; extra are more file names and contents.
func project(t *testing.T, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	rel, err := filepath.Rel(dir, probeDir)
	if err != nil {
		t.Fatal(err)
	}
	own, err := os.ReadFile(filepath.Join(probeDir, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"Pulumi.yaml":      string(own) + "main: " + rel + "\n",
		"Pulumi.dev.yaml":  "config:\n  gcp:project: acme-dev\n  probe:mode: service\n  probe:service:\n    name: api\n    memory: 512Mi\n    port: 8080\n",
		"Pulumi.prod.yaml": "config:\n  gcp:project: acme-prod\n  probe:mode: service\n  probe:service:\n    name: api\n    memory: 1Gi\n    port: 8080\n",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		files[extra[i]] = extra[i+1]
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// berth runs run with args and returns its stdout, stderr and exit status.
func berth(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), exitCode(err)
}

func TestPlanPrintsJSON(t *testing.T) {
	t.Parallel()
	dir := project(t)
	stdout, stderr, code := berth(t, "plan", "--stack", "dev", "--dir", dir, "--format", "json", "--set", "service.memory=2Gi")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	p, err := plan.Read(strings.NewReader(stdout))
	if err != nil {
		t.Fatal(err)
	}
	if p.Project != "probe" || p.Stack != "dev" || len(p.Resources) != 2 {
		t.Fatalf("plan = %+v", p)
	}
	comp, sa := p.Resources[0], p.Resources[1]
	if comp.Type != "probe:index:Service" || comp.Name != "api" || comp.Parent != "" {
		t.Errorf("first resource = %+v, want the component", comp)
	}
	if sa.Type != "gcp:serviceaccount/account:Account" || sa.Parent != comp.URN {
		t.Errorf("second resource = %+v, want the service account under the component", sa)
	}
	if got := sa.Inputs["description"]; got != "memory 2Gi" {
		t.Errorf("description = %v, want the --set memory", got)
	}
	if got := p.Outputs["email"]; got != "api-1a2b3c4@acme-dev.iam.gserviceaccount.com" {
		t.Errorf("email output = %v", got)
	}
}

func TestPlanPrintsTextByDefault(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := berth(t, "plan", "--stack=prod", "--dir", project(t))
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"Plan for probe/prod: 2 resources\n",
		"\napi  probe:index:Service\n  api-sa  gcp:serviceaccount/account:Account\n",
		`    description: "memory 1Gi"`,
		"Outputs:\n  email: \"api-1a2b3c4@acme-prod.iam.gserviceaccount.com\"\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestPlanFindsTheProjectFromASubdirectory(t *testing.T) {
	dir := project(t)
	sub := filepath.Join(dir, "infra")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	if _, stderr, code := berth(t, "plan", "--stack", "dev"); code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
}

func TestPlanReportsEveryProblemOnItsOwnLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{
			name: "program validation",
			args: []string{"--set", "service.memory=3Gi", "--set", "service.port=0"},
			want: []string{
				`project "probe", stack "dev": the program failed:`,
				`service.memory: "3Gi" is not supported (allowed: 512Mi, 1Gi, 2Gi)`,
				"service.port: 0 is out of range (allowed: 1-65535)",
			},
		},
		{
			name: "project schema",
			args: []string{"--set", "probe:service=[]", "--set", "servce.memory=1Gi"},
			want: []string{
				`invalid configuration of stack "dev":`,
				"  probe:servce: not declared in Pulumi.yaml's config (did you mean probe:service? declared: probe:cost, probe:format, probe:mode, probe:password, probe:service, probe:short, probe:tenant, probe:token)",
				"  probe:service: must be of type object, as Pulumi.yaml declares (got a list)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := berth(t, append([]string{"plan", "--stack", "dev", "--dir", project(t)}, tt.args...)...)
			if code != 1 {
				t.Errorf("exit status = %d, want 1", code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if got := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("stderr lines:\n%s\nwant:\n%s", stderr, strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestUsageErrorsNameTheFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"apply"}, `berth: unknown command "apply"`},
		{"missing stack", []string{"plan"}, "berth plan: --stack is required"},
		{"stack without value", []string{"plan", "--stack"}, "berth plan: flag needs an argument: --stack"},
		{"stack twice", []string{"plan", "--stack", "dev", "--stack", "prod"}, `berth plan: invalid value "prod" for flag --stack: given twice ("dev" and "prod")`},
		{"unknown flag", []string{"plan", "--stack", "dev", "--cwd", "."}, "berth plan: flag provided but not defined: --cwd"},
		{"bad format", []string{"plan", "--stack", "dev", "--format", "yaml"}, `berth plan: --format "yaml": must be text, json or mermaid`},
		{"set without value", []string{"plan", "--stack", "dev", "--set", "service.memory"}, `berth plan: --set the 1st override: no "=" (want PATH=VALUE; the setting is not echoed, as it may be a secret)`},
		{"set with bad YAML", []string{"plan", "--stack", "dev", "--set", "service.env=[a"}, `berth plan: --set "service.env": parsing value as YAML`},
		{"positional argument", []string{"plan", "--stack", "dev", "extra"}, `berth plan: unexpected argument "extra"`},
		{"unknown stack", []string{"plan", "--stack", "dve"}, `berth plan: --stack "dve": stack not found: no `},
		{"no project", []string{"plan", "--stack", "dev", "--dir", "/"}, "berth plan: no Pulumi.yaml in or above /; run inside the project or pass --dir"},
		{"bad timeout", []string{"plan", "--stack", "dev", "--timeout", "soon"}, `berth plan: --timeout "soon": must be a positive duration such as 90s or 5m`},
		{"version with an argument", []string{"version", "--short"}, `berth version: unexpected argument "--short"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := tt.args
			if len(args) > 1 && args[0] == "plan" && tt.name != "no project" && tt.name != "bad timeout" {
				args = append([]string{"plan", "--dir", project(t)}, args[1:]...)
			}
			stdout, stderr, code := berth(t, args...)
			if code != 2 {
				t.Errorf("exit status = %d, want 2", code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if !strings.HasPrefix(stderr, tt.want) || !strings.Contains(stderr, "-h' for usage.") {
				t.Errorf("stderr = %q, want it to start with %q and point to -h", stderr, tt.want)
			}
		})
	}
}

func TestHelpGoesToStdout(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"--help"}, {"plan", "-h"}, {"plan", "--help"}, {"diff", "-h"}, {"version", "-h"}} {
		stdout, stderr, code := berth(t, args...)
		if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "Usage: berth") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	stdout, _, _ := berth(t, "plan", "-h")
	for _, flag := range []string{"--stack NAME", "--set PATH=VALUE    Optional", "--format text|json|mermaid\n                      Optional",
		"--dir DIR           Optional", "--timeout DURATION  Optional", "BERTH_CACHE_DIR", "Exit status: 0 with the plan on stdout; 1 when"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("plan help lacks %q", flag)
		}
	}
	stdout, _, _ = berth(t, "diff", "-h")
	for _, flag := range []string{"--fail-on FLAG,...  Optional", "3 when --fail-on\nnames a raised flag", "--format text|markdown|json"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("diff help lacks %q", flag)
		}
	}
	stdout, _, _ = berth(t)
	for _, cmd := range []string{"\n  plan ", "\n  diff ", "\n  version "} {
		if !strings.Contains(stdout, cmd) {
			t.Errorf("usage lacks %q:\n%s", cmd, stdout)
		}
	}
}

// secretProject returns a project whose dev stack holds berth:token
// encrypted with phrase.
func secretProject(t *testing.T, phrase, token string) string {
	t.Helper()
	salt, crypter, err := stackconfig.NewEncryptionSalt(phrase, []byte("saltsalt"))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := crypter.EncryptValue(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return project(t, "Pulumi.dev.yaml", fmt.Sprintf(
		"encryptionsalt: %s\nconfig:\n  probe:mode: service\n  probe:service: {name: api, memory: 512Mi, port: 8080}\n  probe:token:\n    secure: %s\n", salt, ct))
}

func TestPlanDecryptsWithThePassphraseFromTheEnvironment(t *testing.T) {
	const token = "tok-0123456789"
	dir := secretProject(t, "s3same", token)
	file := filepath.Join(t.TempDir(), "phrase")
	if err := os.WriteFile(file, []byte("s3same\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_CONFIG_PASSPHRASE_FILE", file)
	stdout, stderr, code := berth(t, "plan", "--stack", "dev", "--dir", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stdout, token) || !strings.Contains(stdout, "\"token\": {\n      \"$secret\": true\n    }") {
		t.Errorf("stdout shows the secret or lacks its marker:\n%s", stdout)
	}

	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "wrong")
	stdout, stderr, code = berth(t, "plan", "--stack", "dev", "--dir", dir)
	if code != 1 || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	if want := "berth: decrypting configuration of stack dev: incorrect passphrase (from PULUMI_CONFIG_PASSPHRASE)\n"; stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	got := []int{exitCode(nil), exitCode(errors.New("x")), exitCode(&problemsError{errors.New("x")}), exitCode(usageErrorf("plan", "x")), exitCode(&flaggedError{"x"})}
	want := []int{0, 1, 1, 2, 3}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("exit codes = %v, want %v", got, want)
	}
}

func TestVersionNamesTheSchemasAndTheEngineProtocol(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := berth(t, "version")
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if code != 0 || stderr != "" || len(lines) != 3 || !strings.HasPrefix(lines[0], "berth ") ||
		!strings.HasPrefix(lines[1], "go1.") || lines[2] != "plan schema 3, diff schema 3; engine protocol of Pulumi 3.274.1" {
		t.Errorf("exit %d, stdout:\n%s\nstderr %q", code, stdout, stderr)
	}
}

func TestPlanOfABadProgramNamesTheProjectWithNothingOnStdout(t *testing.T) {
	t.Parallel()
	dir := project(t, "Pulumi.dev.yaml", "config:\n  probe:mode: duplicate\n")
	stdout, stderr, code := berth(t, "plan", "--stack", "dev", "--dir", dir)
	want := "project \"probe\", stack \"dev\": the program registers a resource twice:\n" +
		"Duplicate resource URN 'urn:pulumi:dev::probe::probe:index:Thing::twin'; try giving it a unique name\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, stdout, stderr, want)
	}
	dir = project(t, "Pulumi.dev.yaml", "config:\n  probe:mode: hang\n")
	stdout, stderr, code = berth(t, "plan", "--stack", "dev", "--dir", dir, "--timeout", "2s")
	if code != 1 || stdout != "" || !strings.HasPrefix(stderr, `project "probe", stack "dev": the program did not finish within 2s and was stopped (raise --timeout`) {
		t.Errorf("hang: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}
