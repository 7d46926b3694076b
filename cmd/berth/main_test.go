package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/internal/plan"
)

func TestMain(m *testing.M) {
	deploy = testProgram
	os.Exit(m.Run())
}

// testService is the slice of berth:service that testProgram reads.
type testService struct {
	Name   string `json:"name"`
	Memory string `json:"memory"`
	Port   int    `json:"port"`
}

type component struct{ pulumi.ResourceState }

// testProgram stands in for infra/program.Deploy: it validates
// berth:service the way the real program does, every problem on its own
// line, then registers a component with a service account.
func testProgram(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
	raw, _ := ctx.GetConfig("berth:service")
	var svc testService
	if err := json.Unmarshal([]byte(raw), &svc); err != nil {
		return nil, fmt.Errorf("berth:service: must be an object: %v", err)
	}
	var problems []error
	switch svc.Memory {
	case "512Mi", "1Gi", "2Gi":
	default:
		problems = append(problems, fmt.Errorf("service.memory: %q is not supported (allowed: 512Mi, 1Gi, 2Gi)", svc.Memory))
	}
	if svc.Port < 1 || svc.Port > 65535 {
		problems = append(problems, fmt.Errorf("service.port: %d is out of range (allowed: 1-65535)", svc.Port))
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	var c component
	if err := ctx.RegisterComponentResource("berth:test:Service", svc.Name, &c); err != nil {
		return nil, err
	}
	sa, err := serviceaccount.NewAccount(ctx, svc.Name+"-sa", &serviceaccount.AccountArgs{
		AccountId:   pulumi.String(svc.Name + "-1a2b3c4"),
		Description: pulumi.String("memory " + svc.Memory),
	}, pulumi.Parent(&c))
	if err != nil {
		return nil, err
	}
	token, _ := ctx.GetConfig("berth:token")
	outs := map[string]pulumi.Output{"email": sa.Email}
	if ctx.IsConfigSecret("berth:token") {
		outs["token"] = pulumi.ToSecret(pulumi.String(token))
	}
	return outs, nil
}

// project writes a project with stacks dev and prod into a new directory.
func project(t *testing.T, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"Pulumi.yaml":      "name: berth\nruntime: go\nmain: infra/\nconfig:\n  berth:service:\n    type: object\n",
		"Pulumi.dev.yaml":  "config:\n  berth:service:\n    name: api\n    memory: 512Mi\n    port: 8080\n",
		"Pulumi.prod.yaml": "config:\n  berth:service:\n    name: api\n    memory: 1Gi\n    port: 8080\n",
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
	if p.Project != "berth" || p.Stack != "dev" || len(p.Resources) != 2 {
		t.Fatalf("plan = %+v", p)
	}
	comp, sa := p.Resources[0], p.Resources[1]
	if comp.Type != "berth:test:Service" || comp.Name != "api" || comp.Parent != "" {
		t.Errorf("first resource = %+v, want the component", comp)
	}
	if sa.Type != "gcp:serviceaccount/account:Account" || sa.Parent != comp.URN {
		t.Errorf("second resource = %+v, want the service account under the component", sa)
	}
	if got := sa.Inputs["description"]; got != "memory 2Gi" {
		t.Errorf("description = %v, want the --set memory", got)
	}
	if got := p.Outputs["email"]; got != "api-1a2b3c4@berth-mock-project.iam.gserviceaccount.com" {
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
		"Plan for berth/prod: 2 resources\n",
		"\napi  berth:test:Service\n  api-sa  gcp:serviceaccount/account:Account\n",
		`    description: "memory 1Gi"`,
		"Outputs:\n  email: \"api-1a2b3c4@berth-mock-project.iam.gserviceaccount.com\"\n",
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
				`service.memory: "3Gi" is not supported (allowed: 512Mi, 1Gi, 2Gi)`,
				"service.port: 0 is out of range (allowed: 1-65535)",
			},
		},
		{
			name: "project schema",
			args: []string{"--set", "berth:service=[]"},
			want: []string{"berth:service: must be of type object, as Pulumi.yaml declares (got a list)"},
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
		{"no command", nil, "berth: missing command"},
		{"unknown command", []string{"apply"}, `berth: unknown command "apply"`},
		{"missing stack", []string{"plan"}, "berth plan: --stack is required"},
		{"stack without value", []string{"plan", "--stack"}, "berth plan: flag needs an argument: --stack"},
		{"stack twice", []string{"plan", "--stack", "dev", "--stack", "prod"}, `berth plan: invalid value "prod" for flag --stack: given twice ("dev" and "prod")`},
		{"unknown flag", []string{"plan", "--stack", "dev", "--cwd", "."}, "berth plan: flag provided but not defined: --cwd"},
		{"bad format", []string{"plan", "--stack", "dev", "--format", "yaml"}, `berth plan: --format "yaml": must be text, json or mermaid`},
		{"set without value", []string{"plan", "--stack", "dev", "--set", "service.memory"}, `berth plan: --set "service.memory": want PATH=VALUE`},
		{"set with bad YAML", []string{"plan", "--stack", "dev", "--set", "service.env=[a"}, `berth plan: --set "service.env=[a": parsing value as YAML`},
		{"positional argument", []string{"plan", "--stack", "dev", "extra"}, `berth plan: unexpected argument "extra"`},
		{"unknown stack", []string{"plan", "--stack", "dve"}, `berth plan: --stack "dve": stack not found: no `},
		{"no project", []string{"plan", "--stack", "dev", "--dir", "/"}, "berth plan: no Pulumi.yaml in or above /; run inside the project or pass --dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := tt.args
			if len(args) > 1 && args[0] == "plan" && tt.name != "no project" {
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
	for _, args := range [][]string{{"--help"}, {"plan", "-h"}, {"plan", "--help"}} {
		stdout, stderr, code := berth(t, args...)
		if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "Usage: berth") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	stdout, _, _ := berth(t, "plan", "-h")
	for _, flag := range []string{"--stack NAME", "--set PATH=VALUE    Optional", "--format text|json|mermaid\n                      Optional", "--dir DIR           Optional"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("plan help lacks %q", flag)
		}
	}
}

// secretProject returns a project whose dev stack holds berth:token
// encrypted with phrase.
func secretProject(t *testing.T, phrase, token string) string {
	t.Helper()
	salt, crypter, err := plan.NewEncryptionSalt(phrase, []byte("saltsalt"))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := crypter.EncryptValue(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return project(t, "Pulumi.dev.yaml", fmt.Sprintf(
		"encryptionsalt: %s\nconfig:\n  berth:service: {name: api, memory: 512Mi, port: 8080}\n  berth:token:\n    secure: %s\n", salt, ct))
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
	if strings.Contains(stdout, token) || !strings.Contains(stdout, `"token": "[secret]"`) {
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
	got := []int{exitCode(nil), exitCode(errors.New("x")), exitCode(&problemsError{errors.New("x")}), exitCode(usageErrorf("plan", "x"))}
	want := []int{0, 1, 1, 2}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("exit codes = %v, want %v", got, want)
	}
}

// TestInfraProgramPlansTheDevStack runs the real program, which berth plan
// runs outside tests, on the repository's dev stack.
func TestInfraProgramPlansTheDevStack(t *testing.T) {
	t.Parallel()
	cfg, err := plan.LoadConfig(plan.LoadOptions{Dir: "../..", Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Run(context.Background(), cfg, infraProgram)
	if err != nil {
		t.Fatalf("planning the dev stack: %v", err)
	}
	if len(p.Resources) == 0 || len(p.Outputs) == 0 {
		t.Errorf("plan has %d resources and %d outputs, want some of each", len(p.Resources), len(p.Outputs))
	}
}
