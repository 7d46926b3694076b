package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
)

// adopterDir is examples/adopter: an adopter's own module with unnamed
// resources, a stack reference and a stack transform.
var adopterDir = filepath.Join("examples", "adopter")

// TestAnAdoptersProgramPlansDiffsAndPassesTestkit runs berth on the example
// adopter's project as its pull request preview would, and the adopter's
// own testkit tests as its CI would.
func TestAnAdoptersProgramPlansDiffsAndPassesTestkit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// No backend but the ones a case gives: berth reads the stack the
	// user is logged in to, as the CLI does, and this machine's login is
	// not the test's.
	env := []string{"PULUMI_HOME=" + filepath.Join(dir, "home"), "PULUMI_BACKEND_URL="}
	planJSON := func(args ...string) (*plan.Plan, string) {
		t.Helper()
		stdout, stderr, code := runBerth(t, env, append([]string{"plan", "--stack", "staging", "--dir", adopterDir, "--format", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("berth plan %v: exit %d\n%s", args, code, stderr)
		}
		p, err := plan.Read(strings.NewReader(stdout))
		if err != nil {
			t.Fatal(err)
		}
		return p, stdout
	}
	byType := func(p *plan.Plan, typ string) plan.Resource {
		t.Helper()
		for _, r := range p.Resources {
			if r.Type == typ {
				return r
			}
		}
		t.Fatalf("no %s in the plan", typ)
		return plan.Resource{}
	}

	// Offline, the network stack's outputs are unknown, and say where they
	// come from.
	p, _ := planJSON()
	sg := byType(p, "aws:ec2/securityGroup:SecurityGroup")
	if _, unknown := sg.Inputs["vpcId"].(plan.Unknown); !unknown {
		t.Errorf("vpcId = %v, want [unknown] without the network stack's outputs", sg.Inputs["vpcId"])
	}
	ref := byType(p, "pulumi:pulumi:StackReference")
	if deps := sg.InputDependencies["vpcId"]; len(deps) != 1 || deps[0] != ref.URN {
		t.Errorf("vpcId comes from %v, want the stack reference %s", deps, ref.URN)
	}
	// The program names nothing, and the transform tags every resource.
	for _, typ := range []string{"aws:ecr/repository:Repository", "aws:cloudwatch/logGroup:LogGroup", "aws:ec2/securityGroup:SecurityGroup"} {
		r := byType(p, typ)
		if _, named := r.Inputs["name"]; named {
			t.Errorf("%s has a name input %v; the program sets none", typ, r.Inputs["name"])
		}
		if tags, _ := r.Inputs["tags"].(map[string]any); tags["team"] != "payments" {
			t.Errorf("%s tags = %v, want the transform's team", typ, r.Inputs["tags"])
		}
	}

	// With the network stack's outputs, as `pulumi stack output --json`
	// prints them, the VPC is known.
	outputs := filepath.Join(dir, "network.json")
	if err := os.WriteFile(outputs, []byte(`{"vpcId": "vpc-0abc", "dbPassword": "[secret]"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base, baseJSON := planJSON("--stack-outputs", "acme/network/staging="+outputs)
	if got := byType(base, "aws:ec2/securityGroup:SecurityGroup").Inputs["vpcId"]; got != "vpc-0abc" {
		t.Errorf("vpcId = %v, want vpc-0abc from --stack-outputs", got)
	}
	_, headJSON := planJSON("--stack-outputs", "acme/network/staging="+outputs, "--set", "adopter:team=platform")
	baseFile, headFile := filepath.Join(dir, "base.json"), filepath.Join(dir, "head.json")
	for f, c := range map[string]string{baseFile: baseJSON, headFile: headJSON} {
		if err := os.WriteFile(f, []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code := runBerth(t, env, "diff", baseFile, headFile, "--format", "json")
	if code != 0 {
		t.Fatalf("berth diff: exit %d\n%s", code, stderr)
	}
	var d struct {
		Counts  map[string]int `json:"counts"`
		Changes []struct {
			Type  string   `json:"type"`
			Op    string   `json:"op"`
			Paths []string `json:"paths"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatal(err)
	}
	if d.Counts["update"] != 3 || d.Counts["replace"] != 0 || len(d.Changes) != 3 {
		t.Errorf("diff counts %v, want 3 updates (the team tag), no replacement:\n%s", d.Counts, stdout)
	}
	for _, c := range d.Changes {
		if c.Op != "update" || strings.Join(c.Paths, ",") != "tags.team" {
			t.Errorf("%s: %s %v, want an update of tags.team", c.Type, c.Op, c.Paths)
		}
	}

	// From a local file backend, as `pulumi preview` reads it: the stack
	// named organization/network/staging in the project-scoped layout.
	// The secret output stays secret and unknown.
	state := filepath.Join(dir, "state")
	checkpoint := `{"version":3,"checkpoint":{"stack":"organization/network/staging","latest":{"resources":[` +
		`{"urn":"urn:pulumi:staging::network::pulumi:pulumi:Stack::network-staging","custom":false,"type":"pulumi:pulumi:Stack",` +
		`"outputs":{"vpcId":"vpc-0fromstate","dbPassword":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","ciphertext":"v1:AAAA"}}}]}}}`
	for f, c := range map[string]string{
		filepath.Join(state, ".pulumi", "meta.yaml"):                         "version: 1\n",
		filepath.Join(state, ".pulumi", "stacks", "network", "staging.json"): checkpoint,
	} {
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env = []string{"PULUMI_HOME=" + filepath.Join(dir, "home"), "PULUMI_BACKEND_URL=file://" + state}
	fromState, _ := planJSON("--set", "adopter:networkStack=organization/network/staging")
	if got := byType(fromState, "aws:ec2/securityGroup:SecurityGroup").Inputs["vpcId"]; got != "vpc-0fromstate" {
		t.Errorf("vpcId = %v, want vpc-0fromstate from the file backend", got)
	}
	// A name the file backend cannot hold fails, as the engine's does.
	_, stderr, code = runBerth(t, env, "plan", "--stack", "staging", "--dir", adopterDir)
	if code == 0 || !strings.Contains(stderr, "organization name must be 'organization'") {
		t.Errorf("acme/network/staging in a file backend: exit %d\n%s", code, stderr)
	}

	// The adopter's own tests, with berth's testkit.
	cmd := exec.Command("go", "test", "-count=1", "./...")
	cmd.Dir = filepath.Join("..", "..", adopterDir)
	out, err := cmd.CombinedOutput()
	if err != nil || !regexp.MustCompile(`(?m)^ok\s+example.com/adopter`).Match(out) {
		t.Errorf("go test in %s: %v\n%s", adopterDir, err, out)
	}
}
