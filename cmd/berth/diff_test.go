package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/planengine"
	"github.com/berth-dev/berth/internal/stackconfig"
)

// repoRoot is the project whose shipped stacks the diff tests plan.
const repoRoot = "../.."

// shippedPlan plans a stack of the repository, running its program, with
// --set style overrides, writes it as JSON into a temporary file and
// returns the file's path.
func shippedPlan(t *testing.T, stack string, sets ...string) string {
	t.Helper()
	opts := stackconfig.LoadOptions{Dir: repoRoot, Stack: stack}
	var err error
	if opts.Overrides, err = stackconfig.ParseOverrides(sets); err != nil {
		t.Fatalf("--set: %v", err)
	}
	cfg, err := stackconfig.LoadConfig(opts)
	if err != nil {
		t.Fatalf("loading stack %s %v: %v", stack, sets, err)
	}
	res, err := planengine.Run(context.Background(), cfg, planengine.RunOptions{})
	if err != nil {
		t.Fatalf("planning stack %s %v: %v", stack, sets, err)
	}
	var b bytes.Buffer
	if err := res.Plan.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), stack+".json")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// diffDoc is the JSON form of berth diff.
type diffDoc struct {
	Changes []struct {
		URN    string   `json:"urn"`
		Type   string   `json:"type"`
		Op     string   `json:"op"`
		Paths  []string `json:"paths"`
		OldURN string   `json:"oldUrn"`
	} `json:"changes"`
	Flags []struct {
		Kind   string `json:"kind"`
		URN    string `json:"urn"`
		Reason string `json:"reason"`
	} `json:"flags"`
	Rollouts []struct {
		URN    string `json:"urn"`
		Before string `json:"before"`
		After  string `json:"after"`
		Words  string `json:"words"`
	} `json:"rollouts"`
}

// diffJSON runs berth diff --format json and decodes its output.
func diffJSON(t *testing.T, base, head string) diffDoc {
	t.Helper()
	stdout, stderr, code := berth(t, "diff", base, head, "--format", "json")
	if code != 0 || stderr != "" {
		t.Fatalf("berth diff: exit %d, stderr:\n%s", code, stderr)
	}
	var d diffDoc
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatalf("decoding diff: %v\n%s", err, stdout)
	}
	return d
}

func TestDiffFlagsRiskyChangesToTheDevStack(t *testing.T) {
	t.Parallel()
	base := shippedPlan(t, "dev")
	tests := []struct {
		name  string
		sets  []string
		ops   map[string]int // op -> count
		flags []string       // "kind: regexp of the reason"
	}{
		{
			name:  "public service",
			sets:  []string{"service.public=true"},
			ops:   map[string]int{"create": 1},
			flags: []string{`iam: ^grants roles/run.invoker to allUsers$`, `exposure: ^grants roles/run.invoker to allUsers: open to anyone`},
		},
		{
			name: "secret removed",
			sets: []string{`service.secrets=[{"env": "DATABASE_URL", "ref": "berth-dev-database-url", "version": "1"}]`},
			ops:  map[string]int{"update": 1, "delete": 3},
			flags: []string{
				`delete: ^Secret Manager secret app-token is deleted`,
				`delete: ^secret version app-token is deleted`,
				`secret: ^secret berth-app-token-99a0159 version \[unknown, from app-token\] removed from file /var/secrets/api-token/token$`,
			},
		},
		{
			name:  "secret version",
			sets:  []string{"service.secrets[0].version=2"},
			ops:   map[string]int{"update": 1},
			flags: []string{`secret: ^secret berth-dev-database-url at env DATABASE_URL: version 1 -> 2$`},
		},
		{
			name:  "max instances",
			sets:  []string{"service.maxInstances=20"},
			ops:   map[string]int{"update": 1},
			flags: []string{`capacity: ^max instances 3 -> 20 \(template.scaling.maxInstanceCount\)$`},
		},
		{
			name:  "memory",
			sets:  []string{"service.memory=1Gi"},
			ops:   map[string]int{"update": 1},
			flags: []string{`capacity: ^memory "512Mi" -> "1Gi"`},
		},
		{
			name:  "no change",
			ops:   map[string]int{},
			flags: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := diffJSON(t, base, shippedPlan(t, "dev", tt.sets...))
			ops := map[string]int{}
			for _, c := range d.Changes {
				ops[c.Op]++
			}
			if !equalCounts(ops, tt.ops) {
				t.Errorf("operations = %v, want %v", ops, tt.ops)
			}
			if len(d.Flags) != len(tt.flags) {
				t.Errorf("got %d flags, want %d: %+v", len(d.Flags), len(tt.flags), d.Flags)
			}
			for i, want := range tt.flags {
				if i >= len(d.Flags) {
					break
				}
				kind, re, _ := strings.Cut(want, ": ")
				if f := d.Flags[i]; f.Kind != kind || !regexp.MustCompile(re).MatchString(f.Reason) {
					t.Errorf("flag %d = %s: %s, want %s", i, f.Kind, f.Reason, want)
				}
			}
		})
	}
}

func TestDiffFlagsAWildcardInTheFargateTaskRole(t *testing.T) {
	t.Parallel()
	base := shippedPlan(t, "prod",
		`aws.taskPolicy=[{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::berth-uploads/*"]}]`)
	head := shippedPlan(t, "prod",
		`aws.taskPolicy=[{"actions": ["s3:GetObject", "s3:*"], "resources": ["arn:aws:s3:::berth-uploads/*"]}]`)
	d := diffJSON(t, base, head)
	var iam []string
	for _, f := range d.Flags {
		if f.Kind == "iam" {
			iam = append(iam, f.URN+": "+f.Reason)
		}
	}
	if len(iam) == 0 {
		t.Fatalf("no iam flag; flags: %+v", d.Flags)
	}
	found := false
	for _, f := range iam {
		found = found || strings.Contains(f, "aws:iam/rolePolicy:RolePolicy") && strings.Contains(f, "s3:*")
	}
	if !found {
		t.Errorf("no iam flag naming s3:* on the task role policy: %v", iam)
	}
}

func TestDiffFlagsRiskyChangesToTheProdStack(t *testing.T) {
	t.Parallel()
	const oneObject = `aws.taskPolicy=[{"actions":["s3:GetObject"],"resources":["arn:aws:s3:::b/x"]}]`
	tests := []struct {
		name       string
		base, head []string
		want       []string // "kind: URN suffix: reason substring"
	}{
		{
			name: "task policy resource widened to every bucket",
			base: []string{oneObject},
			head: []string{`aws.taskPolicy=[{"actions":["s3:GetObject"],"resources":["arn:aws:s3:::*"]}]`},
			want: []string{
				`iam: app-task-policy: allows existing actions on new resources: "s3:GetObject" on "arn:aws:s3:::*"`,
				`iam: app-task-policy: allows wildcard resources: "arn:aws:s3:::*"`,
			},
		},
		{
			name: "task policy action granted on a second resource",
			base: []string{oneObject},
			head: []string{`aws.taskPolicy=[{"actions":["s3:GetObject"],"resources":["arn:aws:s3:::b/x","arn:aws:s3:::b/y"]}]`},
			want: []string{`iam: app-task-policy: allows existing actions on new resources: "s3:GetObject" on "arn:aws:s3:::b/y"`},
		},
		{
			name: "HTTPS dropped",
			head: []string{`aws={vpcId: vpc-0a1b2c3d4e5f60718, loadBalancerSubnetIds: [subnet-0aa1111111111111a, subnet-0bb2222222222222b], taskSubnetIds: [subnet-0cc3333333333333c, subnet-0dd4444444444444d], plainHttp: true, architecture: X86_64, logRetentionDays: 30}`},
			want: []string{
				"exposure: app-http: forwards plain HTTP instead of redirecting to HTTPS",
				"exposure: app-https: HTTPS listener on port 443 is deleted",
			},
		},
		{
			name: "request target halves with concurrency",
			head: []string{"service.concurrency=40"},
			want: []string{"capacity: app-requests: scaling target (ALBRequestCountPerTarget) 16800 -> 8400"},
		},
		{
			name: "narrowed CIDRs pair rules by port",
			head: []string{`aws.allowedCidrs=["10.0.0.0/8"]`},
			want: []string{
				"replace: app-lb-in-443-10-0-0-0-8: logical name app-lb-in-443-0-0-0-0-0 -> app-lb-in-443-10-0-0-0-8",
				"replace: app-lb-in-80-10-0-0-0-8: logical name app-lb-in-80-0-0-0-0-0 -> app-lb-in-80-10-0-0-0-8",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := diffJSON(t, shippedPlan(t, "prod", tt.base...), shippedPlan(t, "prod", tt.head...))
			var got []string
			for _, f := range d.Flags {
				got = append(got, f.Kind+": "+f.URN[strings.LastIndex(f.URN, "::")+2:]+": "+f.Reason)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("flags:\n%s\nwant %d:\n%s", strings.Join(got, "\n"), len(tt.want), strings.Join(tt.want, "\n"))
			}
			for i, w := range tt.want {
				kind, rest, _ := strings.Cut(w, ": ")
				name, reason, _ := strings.Cut(rest, ": ")
				if !strings.HasPrefix(got[i], kind+": "+name+": ") || !strings.Contains(got[i], reason) {
					t.Errorf("flag %d = %s\nwant %s", i, got[i], w)
				}
			}
		})
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestDiffReportsARenamedServiceAsReplaced: service.name drives the
// physical names, not the URNs, so a rename replaces the resources in place
// (each by its own rules, such as the connector's delete-first) rather than
// creating new URNs next to the old ones.
func TestDiffReportsARenamedServiceAsReplaced(t *testing.T) {
	t.Parallel()
	d := diffJSON(t, shippedPlan(t, "dev"), shippedPlan(t, "dev", "service.name=other"))
	if len(d.Changes) == 0 {
		t.Fatal("no changes")
	}
	for _, c := range d.Changes {
		if c.Op != "replace" && c.Op != "update" || c.OldURN != "" || strings.Contains(c.URN, "other") {
			t.Errorf("change %+v, want an in-place replace or update of the same URN", c)
		}
	}
	replaced := map[string]bool{}
	for _, f := range d.Flags {
		if f.Kind == "replace" {
			replaced[f.URN] = true
		}
	}
	for _, typ := range []string{"gcp:serviceaccount/account:Account", "gcp:artifactregistry/repository:Repository", "gcp:cloudrunv2/service:Service", "gcp:vpcaccess/connector:Connector"} {
		found := false
		for urn := range replaced {
			found = found || strings.Contains(urn, typ)
		}
		if !found {
			t.Errorf("no replace flag on %s; flags: %+v", typ, d.Flags)
		}
	}
}

func TestDiffOfEachShippedStackWithItselfIsEmpty(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(repoRoot, "Pulumi.*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no stack files in %s (%v)", repoRoot, err)
	}
	for _, f := range files {
		stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml")
		t.Run(stack, func(t *testing.T) {
			t.Parallel()
			p := shippedPlan(t, stack)
			stdout, stderr, code := berth(t, "diff", p, p, "--format", "json")
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			var d struct {
				Counts  map[string]int `json:"counts"`
				Changes []any          `json:"changes"`
				Flags   []any          `json:"flags"`
			}
			if err := json.Unmarshal([]byte(stdout), &d); err != nil {
				t.Fatal(err)
			}
			pl, err := readPlan(p)
			if err != nil {
				t.Fatal(err)
			}
			n := len(pl.Resources)
			if len(d.Changes) != 0 || len(d.Flags) != 0 || d.Counts["same"] != n || d.Counts["update"]+d.Counts["create"]+d.Counts["replace"]+d.Counts["delete"] != 0 {
				t.Errorf("diff of a plan with itself:\n%s", stdout)
			}
		})
	}
}

// TestCanarySecretNeverReachesAnyOutput plans copies of the dev stack
// whose secure value is a canary, in every plan format, and diffs one
// against a copy with another canary and more changes, in every diff
// format. Neither canary may appear anywhere. The copies' Pulumi.yaml names
// the repository's own program as main. It sets the passphrase in the
// environment, so it does not run in parallel.
func TestCanarySecretNeverReachesAnyOutput(t *testing.T) {
	const phrase = "canary-passphrase"
	canaries := []string{"CANARY-7f3a9c1e-base-value", "CANARY-0b5d2e8a-head-value"}
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", phrase)

	stackFile, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	projectFile, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	app, err := filepath.Abs(filepath.Join(repoRoot, "app"))
	if err != nil {
		t.Fatal(err)
	}
	infra, err := filepath.Abs(filepath.Join(repoRoot, "infra"))
	if err != nil {
		t.Fatal(err)
	}
	secure := regexp.MustCompile(`secure: v1:\S+`)
	if len(secure.FindAll(stackFile, -1)) == 0 {
		t.Fatal("Pulumi.dev.yaml has no secure value to replace")
	}
	dirs := make([]string, len(canaries))
	for i, canary := range canaries {
		salt, crypter, err := stackconfig.NewEncryptionSalt(phrase, []byte("canary0"+string(rune('0'+i))))
		if err != nil {
			t.Fatal(err)
		}
		ct, err := crypter.EncryptValue(context.Background(), canary)
		if err != nil {
			t.Fatal(err)
		}
		stack := regexp.MustCompile(`(?m)^encryptionsalt: .*$`).ReplaceAllLiteral(stackFile, []byte("encryptionsalt: "+salt))
		stack = secure.ReplaceAllLiteral(stack, []byte("secure: "+ct))
		dirs[i] = t.TempDir()
		main, err := filepath.Rel(dirs[i], infra)
		if err != nil {
			t.Fatal(err)
		}
		proj := regexp.MustCompile(`(?m)^main: .*$`).ReplaceAllLiteral(projectFile, []byte("main: "+main))
		for name, content := range map[string][]byte{"Pulumi.yaml": proj, "Pulumi.dev.yaml": stack} {
			if err := os.WriteFile(filepath.Join(dirs[i], name), content, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink(app, filepath.Join(dirs[i], "app")); err != nil {
			t.Fatal(err)
		}
	}

	var outputs []string
	check := func(args ...string) string {
		t.Helper()
		stdout, stderr, code := berth(t, args...)
		if code != 0 {
			t.Fatalf("berth %v: exit %d, stderr:\n%s", args, code, stderr)
		}
		outputs = append(outputs, stdout, stderr)
		return stdout
	}
	headSets := []string{"--set", "service.public=true", "--set", "service.memory=1Gi", "--set", "service.env.CANARY_NEIGHBOUR=plain"}
	var planFiles []string
	for i, dir := range dirs {
		args := []string{"plan", "--stack", "dev", "--dir", dir}
		if i == 1 {
			args = append(args, headSets...)
		}
		for _, format := range []string{"text", "mermaid"} {
			check(append(args, "--format", format)...)
		}
		f := filepath.Join(t.TempDir(), "plan.json")
		if err := os.WriteFile(f, []byte(check(append(args, "--format", "json")...)), 0o644); err != nil {
			t.Fatal(err)
		}
		planFiles = append(planFiles, f)
	}
	for _, format := range []string{"text", "markdown", "json"} {
		out := check("diff", planFiles[0], planFiles[1], "--format", format)
		if strings.Contains(out, "secretData") {
			t.Errorf("diff --format %s shows a change of secretData, which two [secret] values cannot show:\n%s", format, out)
		}
	}
	headPlan, err := readPlan(planFiles[1])
	if err != nil {
		t.Fatal(err)
	}
	versions := 0
	for _, r := range headPlan.Resources {
		if r.Type == "gcp:secretmanager/secretVersion:SecretVersion" {
			versions++
			if (r.Inputs["secretData"] != plan.Secret{}) {
				t.Errorf("the plan lacks the secret marker where the canary went: %+v", r.Inputs)
			}
		}
	}
	if versions != 1 {
		t.Errorf("%d secret versions in the plan, want 1", versions)
	}
	for i, out := range outputs {
		for _, canary := range canaries {
			if strings.Contains(out, canary) {
				t.Errorf("output %d contains the canary %q:\n%s", i, canary, out)
			}
		}
	}
}

func TestDiffUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const head = `{"format": "berth-plan", "schemaVersion": 3, "project": "berth", `
	dev := write("dev.json", head+`"stack": "dev", "resources": [], "outputs": {}}`)
	prod := write("prod.json", head+`"stack": "prod", "resources": [], "outputs": {}}`)
	bad := write("bad.json", `{"project": `)
	old := write("old.json", `{"project": "berth", "stack": "dev", "resources": [], "outputs": {}}`)
	v1 := write("v1.json", `{"format": "berth-plan", "schemaVersion": 1, "project": "berth", "stack": "dev"}`)
	twice := write("twice.json", head+`"stack": "dev", "outputs": {}, "resources": [`+
		`{"urn": "urn:x", "type": "t", "name": "n", "custom": true, "parent": "", "dependsOn": [], "options": {}, "inputs": {}},`+
		`{"urn": "urn:x", "type": "t", "name": "n", "custom": true, "parent": "", "dependsOn": [], "options": {}, "inputs": {}}]}`)
	emptyDiff := "{\n  \"format\": \"berth-diff\",\n  \"schemaVersion\": 3,\n  \"project\": \"berth\",\n  \"stack\": \"dev\",\n  \"counts\": {\n    \"create\": 0,\n"
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
		stdout string
	}{
		{"no files", []string{"diff"}, 2, "berth diff: want two plan files, BASE.json and HEAD.json (got 0)\nRun 'berth diff -h' for usage.\n", ""},
		{"one file", []string{"diff", dev}, 2, "berth diff: want two plan files, BASE.json and HEAD.json (got 1)", ""},
		{"three files", []string{"diff", dev, dev, dev}, 2, "(got 3)", ""},
		{"bad format", []string{"diff", dev, dev, "--format", "html"}, 2, `berth diff: --format "html": must be text, markdown or json`, ""},
		{"format twice", []string{"diff", "--format", "json", dev, dev, "--format", "text"}, 2, `invalid value "text" for flag --format: given twice`, ""},
		{"unknown flag", []string{"diff", dev, dev, "--stack", "dev"}, 2, "berth diff: flag provided but not defined: --stack", ""},
		{"missing file", []string{"diff", dev, filepath.Join(dir, "nope.json")}, 1, "berth: reading plan: stat ", ""},
		{"malformed plan", []string{"diff", dev, bad}, 1, "berth: " + bad + ": not a berth plan: not a JSON object", ""},
		{"an earlier berth's plan", []string{"diff", old, dev}, 1, "berth: " + old + `: not a berth plan: no "format": "berth-plan" field; make one with this berth: berth plan --stack NAME --format json` + "\n", ""},
		{"another schema version", []string{"diff", dev, v1}, 1, "berth: " + v1 + ": unsupported berth plan schema version: the plan has schema version 1, this berth reads version 3; make both plans with the same berth", ""},
		{"a URN twice", []string{"diff", dev, twice}, 1, "resource URN urn:x is listed twice", ""},
		{"both stdin", []string{"diff", "-", "-"}, 2, "berth diff: only one of BASE.json and HEAD.json can be - (stdin)", ""},
		{"bad fail-on", []string{"diff", dev, dev, "--fail-on", "iam,risky"}, 2, `berth diff: --fail-on "iam,risky": "risky" is not a flag kind (allowed: replace, delete, downtime, iam, exposure, secret, capacity, rollout, cost)`, ""},
		{"fail-on without a raised flag", []string{"diff", dev, dev, "--fail-on", "iam,exposure"}, 0, "", "Diff of berth/dev"},
		{"different stacks", []string{"diff", dev, prod}, 1, "berth: comparing " + dev + " and " + prod + ": plans of different stacks: base is berth/dev, head is berth/prod\n", ""},
		{"flags first", []string{"diff", "--format", "json", dev, dev}, 0, "", emptyDiff},
		{"flags between", []string{"diff", dev, "--format=text", dev}, 0, "", "Diff of berth/dev: 0 to create, 0 to update, 0 to replace, 0 to delete; 0 flags\n\nNo changes.\n"},
		{"bad cost threshold", []string{"diff", dev, dev, "--cost-threshold", "ten"}, 2, `berth diff: --cost-threshold "ten" is not an amount (allowed: USD a month such as 25, or a percentage such as 10%)`, ""},
		{"negative cost threshold", []string{"diff", dev, dev, "--cost-threshold", "-5%"}, 2, `berth diff: --cost-threshold "-5%" is not a percentage (allowed: 0% to 1000%, such as 10%)`, ""},
		{"help", []string{"diff", "-h"}, 0, "", "Usage: berth diff BASE.json HEAD.json [--format text|markdown|json] [--fail-on FLAG,...] [--cost-threshold N%|N]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := berth(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit status = %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) || (tt.stderr == "" && stderr != "") {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.stderr)
			}
			if !strings.HasPrefix(stdout, tt.stdout) || (tt.stdout == "" && stdout != "") {
				t.Errorf("stdout = %q, want it to start with %q", stdout, tt.stdout)
			}
		})
	}
}

func TestPlanPrintsMermaid(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := berth(t, "plan", "--stack", "dev", "--dir", project(t), "--format", "mermaid")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	want := "```mermaid\nflowchart LR\n  subgraph r0[\"api<br/><small>probe:index:Service</small>\"]\n    r1[\"api-sa<br/><small>gcp:serviceaccount/account:Account</small>\"]\n  end\n```\n"
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
}

func TestDiffFailOnExitsThreeAfterPrintingTheDiff(t *testing.T) {
	t.Parallel()
	base, head := shippedPlan(t, "dev"), shippedPlan(t, "dev", "service.public=true", "service.memory=1Gi")
	stdout, stderr, code := berth(t, "diff", base, head, "--fail-on", "exposure,delete")
	if code != 3 || !strings.HasPrefix(stdout, "Diff of berth/dev: 1 to create, 1 to update") {
		t.Fatalf("exit %d, stdout:\n%s", code, stdout)
	}
	want := "berth: --fail-on exposure,delete: 1 flag raised:\n  exposure urn:pulumi:dev::berth::berth:index:Service$berth:cloudrun:Service$gcp:cloudrunv2/serviceIamMember:ServiceIamMember::"
	if !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, ": grants roles/run.invoker to allUsers: open to anyone on the internet") {
		t.Errorf("stderr:\n%s\nwant it to start with\n%s", stderr, want)
	}
	if _, _, code := berth(t, "diff", base, head, "--fail-on", "delete,replace"); code != 0 {
		t.Errorf("--fail-on of flags not raised: exit %d", code)
	}
}

// TestDiffSaysWhatAFargateCanaryStepDoes plans the prod stack (Fargate)
// through a canary's steps and checks the words berth diff gives each, and
// that the weighted split, which waits for the canary lane's service, is
// not flagged as forwarding to a group without targets (the header route,
// which does not wait, is).
func TestDiffSaysWhatAFargateCanaryStepDoes(t *testing.T) {
	t.Parallel()
	stable := "arn:aws:ecs:us-east-1:123456789012:task-definition/berth-app-da1ef50:7"
	none := shippedPlan(t, "prod")
	started := shippedPlan(t, "prod", "service.rollout.canary.stable="+stable)
	aborted := shippedPlan(t, "prod", "service.rollout.canary.stable="+stable, "service.rollout.canary.abort=true")
	promoted := shippedPlan(t, "prod", "service.rollout.canary.stable="+stable[:len(stable)-1]+"8")
	words := func(d diffDoc) []string {
		var out []string
		for _, r := range d.Rollouts {
			out = append(out, r.URN[strings.LastIndex(r.URN, "::")+2:]+": "+r.Words+" ["+r.Before+" -> "+r.After+"]")
		}
		return out
	}
	registered := `"arn:aws:ecs:us-east-1:123456789012:task-definition/berth-app-da1ef50:"+[unknown, from app-taskdef]`
	for _, tc := range []struct {
		name       string
		base, head string
		want       []string
	}{
		{"start", none, started, []string{
			"app-svc: the stable lane app-svc is pinned to " + stable + " [" + registered + " -> " + stable + "]",
			"app-canary-split: canary starts: app-tg keeps 90%, app-canary-tg takes 10% [ -> app-tg 90%, app-canary-tg 10%]",
		}},
		{"abort", started, aborted, []string{
			"app-canary-svc: the canary lane app-canary-svc moves to " + stable + " (the stable release, when aborted) [" + registered + " -> " + stable + "]",
			"app-canary-split: abort: every request goes to app-tg, app-canary-tg takes none [app-tg 90%, app-canary-tg 10% -> app-tg 100%, app-canary-tg 0%]",
		}},
		{"end of the abort", aborted, started, []string{
			"app-canary-svc: release: the canary lane app-canary-svc runs the task definition this update registers [" + stable + " -> " + registered + "]",
			"app-canary-split: app-canary-tg takes 10%, up from none (the end of an abort, or a first share) [app-tg 100%, app-canary-tg 0% -> app-tg 90%, app-canary-tg 10%]",
		}},
		{"promote", started, promoted, []string{
			"app-svc: promote: the stable lane app-svc moves to " + stable[:len(stable)-1] + "8 [" + stable + " -> " + stable[:len(stable)-1] + "8]",
		}},
		{"end", started, none, []string{
			"app-canary-split: canary ends: the listener's default action takes every request [app-tg 90%, app-canary-tg 10% -> ]",
		}},
	} {
		d := diffJSON(t, tc.base, tc.head)
		if got := words(d); !slices.Equal(got, tc.want) {
			t.Errorf("%s: rollouts\n%q\nwant\n%q", tc.name, got, tc.want)
		}
		for _, f := range d.Flags {
			if f.Kind == "downtime" && strings.HasSuffix(f.URN, "::app-canary-split") {
				t.Errorf("%s: the split, which waits for the canary lane's service, is flagged: %s", tc.name, f.Reason)
			}
		}
	}
	var route bool
	for _, f := range diffJSON(t, none, started).Flags {
		route = route || f.Kind == "downtime" && strings.HasSuffix(f.URN, "::app-canary-route")
		if f.Kind == "rollout" {
			t.Errorf("a canary started on its own is flagged: %s", f.Reason)
		}
	}
	if !route {
		t.Error("the header route, which forwards to the canary group before its service waits, is not flagged")
	}
	// A promotion while the canary is aborted moves the stable lane to a
	// release that served no canary share; one after a served canary does
	// not raise it.
	rolloutFlags := func(d diffDoc) []string {
		var out []string
		for _, f := range d.Flags {
			if f.Kind == "rollout" {
				out = append(out, f.URN[strings.LastIndex(f.URN, "::")+2:]+": "+f.Reason)
			}
		}
		return out
	}
	if got := rolloutFlags(diffJSON(t, started, promoted)); len(got) != 0 {
		t.Errorf("a promotion after a served canary is flagged: %q", got)
	}
	eight := stable[:len(stable)-1] + "8"
	if got, want := rolloutFlags(diffJSON(t, aborted, promoted)), []string{"app-svc: promotes " + eight + " while the canary is aborted: the stable lane moves to a release that served no canary share"}; !slices.Equal(got, want) {
		t.Errorf("a promotion while aborted: rollout flags %q, want %q", got, want)
	}
	// Started with a release, the new lane runs a release that has not
	// passed a health check when the split starts.
	var withRelease []string
	for _, f := range diffJSON(t, none, shippedPlan(t, "prod", "service.rollout.canary.stable="+stable, "service.env.NEW=1")).Flags {
		if f.Kind == "rollout" {
			withRelease = append(withRelease, f.URN[strings.LastIndex(f.URN, "::")+2:]+": "+f.Reason)
		}
	}
	if want := []string{"app-canary-split: the canary starts in the same change as a new release: the new canary lane runs it, and its share can reach tasks that have not passed a health check yet (ECS counts a new service steady once its tasks run); start the canary in a change of its own"}; !slices.Equal(withRelease, want) {
		t.Errorf("a canary started with a release: rollout flags %q, want %q", withRelease, want)
	}
}
