package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/plan"
)

// These tests run the built berth binary on the repository's own stacks, as
// a pull request's preview job does: the real infra program, the real stack
// files, nothing replaced.

// devToken is the plaintext of the secure value in Pulumi.dev.yaml.
const (
	devPassphrase = "berth-sample-passphrase"
	devToken      = "dev-api-token-not-a-real-secret"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// berthBinary builds cmd/berth once per test run.
func berthBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "berth-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "berth")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err: err, out: string(out)}
		}
	})
	if buildErr != nil {
		t.Fatalf("building berth: %v", buildErr)
	}
	return binPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// runBerth runs the binary in the repository root with env added. The
// binary finds its cache in BERTH_CACHE_DIR, which TestMain sets.
func runBerth(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(berthBinary(t), args...)
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), 0
}

// planDev plans the dev stack as JSON with extra flags and returns the plan.
func planDev(t *testing.T, env []string, flags ...string) *plan.Plan {
	t.Helper()
	stdout, stderr, code := runBerth(t, env, append([]string{"plan", "--stack", "dev", "--format", "json"}, flags...)...)
	if code != 0 {
		t.Fatalf("berth plan exited %d: %s", code, stderr)
	}
	p, err := plan.Read(strings.NewReader(stdout))
	if err != nil {
		t.Fatalf("reading plan: %v", err)
	}
	return p
}

func byType(p *plan.Plan, typ string) []plan.Resource {
	var out []plan.Resource
	for _, r := range p.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// urnOf returns the URN of the one resource of type typ.
func urnOf(t *testing.T, p *plan.Plan, typ string) string {
	t.Helper()
	return one(t, p, typ).URN
}

func one(t *testing.T, p *plan.Plan, typ string) plan.Resource {
	t.Helper()
	rs := byType(p, typ)
	if len(rs) != 1 {
		t.Fatalf("want one %s, got %d", typ, len(rs))
	}
	return rs[0]
}

// at walks a plan value along map keys and list indexes.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, step := range path {
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: %T is not a map", path, v)
			}
			v = m[s]
		case int:
			l, ok := v.([]any)
			if !ok || s >= len(l) {
				t.Fatalf("at %v: %v has no index %d", path, v, s)
			}
			v = l[s]
		}
	}
	return v
}

func TestPlanDevStackRegistersExactlyTheDevService(t *testing.T) {
	t.Parallel()
	p := planDev(t, nil)
	var got []string
	for _, r := range p.Resources {
		got = append(got, r.Type+" "+r.Name)
	}
	sort.Strings(got)
	want := []string{
		"berth:cloudrun:Service app",
		"berth:image:Image app",
		"berth:index:Service app",
		"docker:index/image:Image app-image",
		"gcp:artifactregistry/repository:Repository app-repo",
		"gcp:cloudrunv2/service:Service app-svc",
		"gcp:cloudrunv2/serviceIamMember:ServiceIamMember app-invoker-group-berth-developers-example-com-1e3faef",
		"gcp:secretmanager/secret:Secret app-token",
		"gcp:secretmanager/secretIamMember:SecretIamMember app-secret-berth-dev-database-url-8400c7c",
		"gcp:secretmanager/secretIamMember:SecretIamMember app-secret-token-55e1ab7",
		"gcp:secretmanager/secretVersion:SecretVersion app-token",
		"gcp:serviceaccount/account:Account app-sa",
		"gcp:vpcaccess/connector:Connector app-connector",
	}
	if !slices.Equal(got, want) {
		t.Errorf("resources:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p.Project != "berth" || p.Stack != "dev" {
		t.Errorf("project/stack = %s/%s", p.Project, p.Stack)
	}
}

func TestPlanDevServiceAccountHoldsOnlyItsSecretBindings(t *testing.T) {
	t.Parallel()
	p := planDev(t, nil)
	sa := one(t, p, "gcp:serviceaccount/account:Account")
	member := "serviceAccount:" + at(t, sa.Inputs, "accountId").(string) + "@berth-dev-467312.iam.gserviceaccount.com"
	var grants []string
	for _, r := range p.Resources {
		if m, ok := r.Inputs["member"]; ok && m == member {
			grants = append(grants, r.Type+" "+r.Inputs["role"].(string)+" "+r.Inputs["secretId"].(string))
		}
	}
	sort.Strings(grants)
	want := []string{
		"gcp:secretmanager/secretIamMember:SecretIamMember roles/secretmanager.secretAccessor berth-app-token-99a0159",
		"gcp:secretmanager/secretIamMember:SecretIamMember roles/secretmanager.secretAccessor berth-dev-database-url",
	}
	if !slices.Equal(grants, want) {
		t.Errorf("grants to %s:\n%s\nwant:\n%s", member, strings.Join(grants, "\n"), strings.Join(want, "\n"))
	}
	svc := one(t, p, "gcp:cloudrunv2/service:Service")
	for _, b := range byType(p, "gcp:secretmanager/secretIamMember:SecretIamMember") {
		if !slices.Contains(svc.DependsOn, b.URN) {
			t.Errorf("service does not depend on %s", b.Name)
		}
	}
	if got := at(t, svc.Inputs, "template", "serviceAccount"); got != strings.TrimPrefix(member, "serviceAccount:") {
		t.Errorf("service account = %v", got)
	}
	inv := one(t, p, "gcp:cloudrunv2/serviceIamMember:ServiceIamMember")
	if inv.Inputs["member"] != "group:berth-developers@example.com" || inv.Inputs["role"] != "roles/run.invoker" {
		t.Errorf("invoker = %v %v", inv.Inputs["member"], inv.Inputs["role"])
	}
}

func TestPlanDevSecretsAndKnobsReachTheTemplate(t *testing.T) {
	t.Parallel()
	p := planDev(t, nil)
	tmpl := at(t, one(t, p, "gcp:cloudrunv2/service:Service").Inputs, "template")
	c := at(t, tmpl, "containers", 0)
	var dbRef any
	for _, e := range at(t, c, "envs").([]any) {
		if at(t, e, "name") == "DATABASE_URL" {
			dbRef = at(t, e, "valueSource", "secretKeyRef")
		}
	}
	if want := map[string]any{"secret": "berth-dev-database-url", "version": "1"}; !reflect.DeepEqual(dbRef, want) {
		t.Errorf("DATABASE_URL secretKeyRef = %v, want %v", dbRef, want)
	}
	if got := at(t, c, "volumeMounts", 0, "mountPath"); got != "/var/secrets/api-token" {
		t.Errorf("mountPath = %v", got)
	}
	vol := at(t, tmpl, "volumes", 0, "secret")
	wantVol := map[string]any{
		"secret":      "berth-app-token-99a0159",
		"defaultMode": float64(0o444),
		// The version of a secret the stack creates is the cloud's number,
		// a new one whenever the version is updated.
		"items": []any{map[string]any{"path": "token", "version": plan.Unknown{From: urnOf(t, p, "gcp:secretmanager/secretVersion:SecretVersion"), NewOnUpdate: true}, "mode": float64(0o444)}},
	}
	if !reflect.DeepEqual(vol, wantVol) {
		t.Errorf("secret volume = %v, want %v", vol, wantVol)
	}
	for _, k := range []struct {
		path []any
		want any
	}{
		{[]any{"containers", 0, "resources", "limits", "cpu"}, "1"},
		{[]any{"containers", 0, "resources", "limits", "memory"}, "512Mi"},
		{[]any{"maxInstanceRequestConcurrency"}, float64(80)},
		{[]any{"scaling", "minInstanceCount"}, float64(0)},
		{[]any{"scaling", "maxInstanceCount"}, float64(3)},
		{[]any{"timeout"}, "30s"},
		{[]any{"vpcAccess", "egress"}, "PRIVATE_RANGES_ONLY"},
	} {
		if got := at(t, tmpl, k.path...); got != k.want {
			t.Errorf("template %v = %v, want %v", k.path, got, k.want)
		}
	}
	if got := one(t, p, "gcp:secretmanager/secretVersion:SecretVersion").Inputs["secretData"]; (got != plan.Secret{}) {
		t.Errorf("secretData = %v, want a secret", got)
	}
	// The digest is the registry's: unknown until the push. The content
	// tag, which berth computes, shows whether the image changes.
	img := one(t, p, "docker:index/image:Image")
	if got, want := p.Outputs["image"], (plan.Partial{"us-central1-docker.pkg.dev/berth-dev-467312/berth-app-8c6beed/berth-app@sha256:", plan.Unknown{From: img.URN, NewOnUpdate: true}}); !reflect.DeepEqual(got, want) {
		t.Errorf("image output = %#v, want %#v", got, want)
	}
	if name, _ := img.Inputs["imageName"].(string); !regexp.MustCompile(`^us-central1-docker\.pkg\.dev/berth-dev-467312/berth-app-8c6beed/berth-app:[0-9a-f]{12}$`).MatchString(name) {
		t.Errorf("imageName = %v, want the repository and the content tag", img.Inputs["imageName"])
	}
	// The program runs in infra/, as under pulumi up: the build context and
	// Dockerfile are the paths a real deploy gives the provider.
	if build := at(t, img.Inputs, "build"); at(t, build, "context") != ".." || at(t, build, "dockerfile") != "../app/Dockerfile" {
		t.Errorf("build = %v, want context .. and dockerfile ../app/Dockerfile", build)
	}
}

func TestPlanDevOverridesReachTheirFields(t *testing.T) {
	t.Parallel()
	p := planDev(t, nil,
		"--set", "service.memory=1Gi",
		"--set", "service.maxInstances=7",
		"--set", "service.public=true",
		"--set", "service.secrets[0].version=4",
		"--set", "gcp.invokers=[]")
	tmpl := at(t, one(t, p, "gcp:cloudrunv2/service:Service").Inputs, "template")
	if got := at(t, tmpl, "containers", 0, "resources", "limits", "memory"); got != "1Gi" {
		t.Errorf("memory = %v, want 1Gi", got)
	}
	if got := at(t, tmpl, "scaling", "maxInstanceCount"); got != float64(7) {
		t.Errorf("max instances = %v, want 7", got)
	}
	var members []string
	for _, r := range byType(p, "gcp:cloudrunv2/serviceIamMember:ServiceIamMember") {
		members = append(members, r.Inputs["member"].(string))
	}
	if !slices.Equal(members, []string{"allUsers"}) {
		t.Errorf("invoker members = %v, want [allUsers]", members)
	}
	for _, e := range at(t, tmpl, "containers", 0, "envs").([]any) {
		if at(t, e, "name") == "DATABASE_URL" {
			if got := at(t, e, "valueSource", "secretKeyRef", "version"); got != "4" {
				t.Errorf("DATABASE_URL version = %v, want 4", got)
			}
		}
	}
}

func TestPlanDevRejectsBadInputWithEveryPathOnStderr(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runBerth(t, nil, "plan", "--stack", "dev",
		"--set", "service.memory=64Gi",
		"--set", "service.port=70000",
		"--set", "gcp.vpc.egress=everything",
		"--set", "service.secrets[0].version=latest")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	for _, path := range []string{"service.memory:", "service.port:", "gcp.vpc.egress:", "service.secrets[0].version:"} {
		found := false
		for _, line := range strings.Split(stderr, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), path) {
				found = true
			}
		}
		if !found {
			t.Errorf("stderr has no line for %s:\n%s", path, stderr)
		}
	}
	if !strings.Contains(stderr, `(allowed: "private-ranges-only", "all-traffic")`) {
		t.Errorf("egress problem does not list the allowed values:\n%s", stderr)
	}
}

func TestPlanDevNeverPrintsTheDecryptedSecret(t *testing.T) {
	t.Parallel()
	env := []string{"PULUMI_CONFIG_PASSPHRASE=" + devPassphrase}
	for _, format := range []string{"json", "text"} {
		stdout, stderr, code := runBerth(t, env, "plan", "--stack", "dev", "--format", format)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		if strings.Contains(stdout+stderr, devToken) {
			t.Errorf("%s output contains the decrypted secret", format)
		}
		if !strings.Contains(stdout, `"$secret": true`) && !strings.Contains(stdout, "[secret]") {
			t.Errorf("%s output has no secret marker", format)
		}
	}
	_, stderr, code := runBerth(t, []string{"PULUMI_CONFIG_PASSPHRASE=wrong"}, "plan", "--stack", "dev")
	if code != 1 || !strings.Contains(stderr, "incorrect passphrase") {
		t.Errorf("wrong passphrase: exit %d, stderr %q", code, stderr)
	}
}

func TestPlanDevIsDeterministic(t *testing.T) {
	t.Parallel()
	a, _, _ := runBerth(t, nil, "plan", "--stack", "dev", "--format", "json")
	b, _, _ := runBerth(t, nil, "plan", "--stack", "dev", "--format", "json")
	if a != b {
		t.Error("two plans of the same stack differ")
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(a), &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"format", "schemaVersion", "project", "stack", "resources", "outputs"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("plan JSON lacks %q", key)
		}
	}
}

func TestPlanProdStackEndToEnd(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runBerth(t, nil, "plan", "--stack", "prod", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	p, err := plan.Read(strings.NewReader(stdout))
	if err != nil {
		t.Fatal(err)
	}
	// 30, and the two deployment alarms.
	if n := len(p.Resources); n != 32 {
		t.Errorf("%d resources, want 32", n)
	}

	// The execution role may do exactly this, on exactly these resources.
	var policy any
	if err := json.Unmarshal([]byte(one(t, p, "aws:iam/rolePolicy:RolePolicy").Inputs["policy"].(string)), &policy); err != nil {
		t.Fatal(err)
	}
	repo := "arn:aws:ecr:us-east-1:123456789012:repository/" + one(t, p, "aws:ecr/repository:Repository").Inputs["name"].(string)
	logs := "arn:aws:logs:us-east-1:123456789012:log-group:" + one(t, p, "aws:cloudwatch/logGroup:LogGroup").Inputs["name"].(string) + ":*"
	wantPolicy := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Sid": "AuthenticateToECR", "Effect": "Allow", "Action": []any{"ecr:GetAuthorizationToken"}, "Resource": []any{"*"}},
			map[string]any{"Sid": "PullImage", "Effect": "Allow", "Action": []any{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, "Resource": []any{repo}},
			map[string]any{"Sid": "WriteLogs", "Effect": "Allow", "Action": []any{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": []any{logs}},
			map[string]any{"Sid": "ReadSecrets", "Effect": "Allow", "Action": []any{"secretsmanager:GetSecretValue"}, "Resource": []any{"arn:aws:secretsmanager:us-east-1:123456789012:secret:berth-prod-db-Xy12Ab"}},
			map[string]any{"Sid": "ReadParameters", "Effect": "Allow", "Action": []any{"ssm:GetParameters"}, "Resource": []any{"arn:aws:ssm:us-east-1:123456789012:parameter/berth/prod/api-token"}},
		},
	}
	if !reflect.DeepEqual(policy, wantPolicy) {
		got, _ := json.MarshalIndent(policy, "", "  ")
		t.Errorf("execution role policy:\n%s", got)
	}
	if rs := byType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"); len(rs) != 0 {
		t.Errorf("%d managed policy attachments, want none", len(rs))
	}

	// Only the load balancer's listener ports are open to the internet; the
	// tasks admit the load balancer's group on the container port only.
	var open []string
	for _, r := range byType(p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		// A group's ID is "sg-" and the cloud's part, which the plan
		// marks as that group's.
		group := func(key string) string {
			deps := r.InputDependencies[key]
			if len(deps) != 1 || !reflect.DeepEqual(r.Inputs[key], plan.Partial{"sg-", plan.Unknown{From: deps[0]}}) {
				t.Errorf("%s of %s = %v from %v, want the ID of one group, its cloud-made part unknown", key, r.Name, r.Inputs[key], deps)
				return ""
			}
			return deps[0][strings.LastIndex(deps[0], "::")+2:]
		}
		if c4, c6 := r.Inputs["cidrIpv4"], r.Inputs["cidrIpv6"]; c4 != nil || c6 != nil {
			open = append(open, group("securityGroupId")+" "+jsonString(r.Inputs["fromPort"]))
		} else if group("referencedSecurityGroupId") != "app-lb-sg" || group("securityGroupId") != "app-task-sg" || r.Inputs["fromPort"] != float64(8080) {
			t.Errorf("unexpected ingress rule %s: %v", r.Name, r.Inputs)
		}
	}
	sort.Strings(open)
	wantOpen := []string{"app-lb-sg 443", "app-lb-sg 443", "app-lb-sg 80", "app-lb-sg 80"}
	if !slices.Equal(open, wantOpen) {
		t.Errorf("rules open to CIDRs: %v, want %v", open, wantOpen)
	}

	var https, redirect bool
	for _, l := range byType(p, "aws:lb/listener:Listener") {
		switch l.Inputs["port"] {
		case float64(443):
			https = l.Inputs["protocol"] == "HTTPS" && l.Inputs["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06" &&
				at(t, l.Inputs, "defaultActions", 0, "type") == "forward"
		case float64(80):
			redirect = reflect.DeepEqual(at(t, l.Inputs, "defaultActions", 0, "redirect"),
				map[string]any{"port": "443", "protocol": "HTTPS", "statusCode": "HTTP_301"})
		}
	}
	if !https || !redirect {
		t.Errorf("listeners: https forward %v, http redirect %v; want both", https, redirect)
	}

	// The container definitions hold the image digest, which exists only
	// after the push: the plan shows the rest of the document, the digest
	// marked unknown where it sits, as the image's and new on each update
	// of it (the components' tests check the rest of its content).
	img := one(t, p, "docker:index/image:Image")
	defs, ok := plan.Document(one(t, p, "aws:ecs/taskDefinition:TaskDefinition").Inputs["containerDefinitions"])
	if !ok {
		t.Fatalf("containerDefinitions is not a readable document: %v", one(t, p, "aws:ecs/taskDefinition:TaskDefinition").Inputs["containerDefinitions"])
	}
	wantImage := plan.Partial{"123456789012.dkr.ecr.us-east-1.amazonaws.com/" + one(t, p, "aws:ecr/repository:Repository").Inputs["name"].(string) + "@sha256:",
		plan.Unknown{From: img.URN, NewOnUpdate: true}}
	if got := at(t, defs, 0, "image"); !reflect.DeepEqual(got, wantImage) {
		t.Errorf("container image = %#v, want %#v", got, wantImage)
	}
	wantSecrets := []any{
		map[string]any{"name": "API_TOKEN", "valueFrom": "/berth/prod/api-token"},
		map[string]any{"name": "DATABASE_URL", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:berth-prod-db-Xy12Ab:url::"},
	}
	if got := at(t, defs, 0, "secrets"); !reflect.DeepEqual(got, wantSecrets) {
		t.Errorf("container secrets = %v, want %v", got, wantSecrets)
	}
	target := one(t, p, "aws:appautoscaling/target:Target")
	if target.Inputs["minCapacity"] != float64(2) || target.Inputs["maxCapacity"] != float64(10) {
		t.Errorf("scaling %v-%v, want 2-10", target.Inputs["minCapacity"], target.Inputs["maxCapacity"])
	}
	// The load balancer's DNS name is the cloud's; the role ARN follows from
	// aws:allowedAccountIds.
	lb := one(t, p, "aws:lb/loadBalancer:LoadBalancer")
	wantURL := plan.Partial{"https://" + lb.Inputs["name"].(string) + "-", plan.Unknown{From: lb.URN}, ".us-east-1.elb.amazonaws.com"}
	if !reflect.DeepEqual(p.Outputs["url"], wantURL) || p.Outputs["taskRoleArn"] != "arn:aws:iam::123456789012:role/berth-app-task-da1ef50" {
		t.Errorf("url %#v, taskRoleArn %v", p.Outputs["url"], p.Outputs["taskRoleArn"])
	}
}

func TestPlanProdRejectsCloudRunOnlyValues(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runBerth(t, nil, "plan", "--stack", "prod", "--set", "service.cpu=0.08", "--set", "service.memory=8Gi")
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	if !strings.Contains(stderr, "service.cpu: 0.08 vCPU is not a Fargate task size (allowed: 0.25, 0.5, 1, 2, 4, 8, 16)") {
		t.Errorf("stderr:\n%s", stderr)
	}
	// The same values plan on Cloud Run: 0.08 vCPU with up to 512Mi.
	_, stderr, code = runBerth(t, nil, "plan", "--stack", "dev", "--set", "service.cpu=0.08", "--set", "service.memory=512Mi", "--set", "service.concurrency=1")
	if code != 0 {
		t.Errorf("dev with cpu 0.08: exit %d: %s", code, stderr)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestPlanProdRegionAndAccountComeFromTheStacksConfiguration checks that
// the plan invents neither: aws:region reaches every region-bearing value
// the program builds, berth diff shows the move, and without
// aws:allowedAccountIds the account is unknown.
func TestPlanProdRegionAndAccountComeFromTheStacksConfiguration(t *testing.T) {
	t.Parallel()
	planProd := func(sets ...string) (*plan.Plan, string) {
		t.Helper()
		args := []string{"plan", "--stack", "prod", "--format", "json"}
		for _, s := range sets {
			args = append(args, "--set", s)
		}
		stdout, stderr, code := runBerth(t, nil, args...)
		if code != 0 {
			t.Fatalf("berth plan %v: exit %d: %s", sets, code, stderr)
		}
		p, err := plan.Read(strings.NewReader(stdout))
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(t.TempDir(), "plan.json")
		if err := os.WriteFile(f, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		return p, f
	}
	base, baseFile := planProd()
	eu, euFile := planProd("aws:region=eu-west-1")
	repo := "123456789012.dkr.ecr.eu-west-1.amazonaws.com/" + one(t, eu, "aws:ecr/repository:Repository").Inputs["name"].(string) + ":"
	if name, _ := one(t, eu, "docker:index/image:Image").Inputs["imageName"].(string); !strings.HasPrefix(name, repo) {
		t.Errorf("imageName = %v, want it in %s", name, repo)
	}
	policy, _ := one(t, eu, "aws:iam/rolePolicy:RolePolicy").Inputs["policy"].(string)
	if !strings.Contains(policy, "arn:aws:logs:eu-west-1:123456789012:log-group:") || !strings.Contains(policy, "arn:aws:ecr:eu-west-1:123456789012:repository/") {
		t.Errorf("execution role policy does not follow the region:\n%s", policy)
	}
	if strings.Contains(strings.ReplaceAll(policy, "arn:aws:secretsmanager:us-east-1", ""), "us-east-1") {
		t.Errorf("the policy holds us-east-1 where the stack gave no such value:\n%s", policy)
	}

	stdout, stderr, code := runBerth(t, nil, "diff", baseFile, euFile)
	if code != 0 {
		t.Fatalf("berth diff: exit %d: %s", code, stderr)
	}
	for _, want := range []string{`imageName: "123456789012.dkr.ecr.us-east-1.amazonaws.com/`, `-> "123456789012.dkr.ecr.eu-west-1.amazonaws.com/`, "arn:aws:logs:eu-west-1:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("diff lacks %q:\n%s", want, stdout)
		}
	}
	if len(base.Resources) != len(eu.Resources) {
		t.Errorf("%d resources in us-east-1, %d in eu-west-1", len(base.Resources), len(eu.Resources))
	}

	noAccount, _ := planProd("aws:allowedAccountIds=[]")
	account := plan.Unknown{From: plan.FromConfig}
	if got, want := noAccount.Outputs["taskRoleArn"], (plan.Partial{"arn:aws:iam::", account, ":role/berth-app-task-da1ef50"}); !reflect.DeepEqual(got, want) {
		t.Errorf("taskRoleArn without the account = %#v, want %#v", got, want)
	}
	if got, ok := one(t, noAccount, "docker:index/image:Image").Inputs["imageName"].(plan.Partial); !ok || len(got) != 2 || got[0] != account ||
		!regexp.MustCompile(`^\.dkr\.ecr\.us-east-1\.amazonaws\.com/berth-app-da1ef50:[0-9a-f]{12}$`).MatchString(got[1].(string)) {
		t.Errorf("imageName without the account = %#v, want the account unknown and the rest known", got)
	}
	stdout, _, _ = runBerth(t, nil, "plan", "--stack", "prod", "--set", "aws:allowedAccountIds=[]")
	if strings.Contains(stdout, "arn:aws:iam::123456789012") || strings.Contains(stdout, "arn:aws:iam:::") {
		t.Errorf("a plan without the account shows one, or an empty one:\n%s", stdout)
	}
}

// TestTheQuickStartPreviewPlansAndDiffsTheDevStack runs the README's main
// job, scripts/preview.sh, as a user does on a fresh clone: it plans the
// dev stack at the last commit and with a change, and prints the diff.
func TestTheQuickStartPreviewPlansAndDiffsTheDevStack(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("compiles the dev stack's program twice; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join("..", "..", "scripts", "preview.sh"), "dev", "--set", "service.memory=1Gi")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/preview.sh: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Plan for berth/dev: 13 resources\n",
		"Diff of berth/dev: 0 to create, 1 to update, 0 to replace, 0 to delete; 1 flag\n",
		`  capacity app-svc: memory "512Mi" -> "1Gi" (template.containers[0].resources.limits.memory)` + "\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the preview lacks %q:\n%s", want, out)
		}
	}
}
