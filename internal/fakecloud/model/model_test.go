package model

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// seqIDs is a deterministic IDs for tests.
type seqIDs struct{ n map[string]int }

func (s *seqIDs) Generate(alphabet string, n int) (string, bool) {
	return strings.Repeat(alphabet[:1], n), true
}

func (s *seqIDs) Next(seq string) (int, bool) {
	if s.n == nil {
		s.n = map[string]int{}
	}
	s.n[seq]++
	return s.n[seq], true
}

func mustType(t *testing.T, token string) *Type {
	t.Helper()
	typ, ok := Lookup(token)
	if !ok {
		t.Fatalf("no model of %s", token)
	}
	return typ
}

// create runs Check and Apply as a create of inputs.
func create(t *testing.T, typ *Type, cfg Config, inputs map[string]any) (resource.PropertyMap, resource.PropertyMap) {
	t.Helper()
	in, failures := typ.Check(nil, resource.NewPropertyMapFromMap(inputs), "res", []byte("seed"))
	if len(failures) > 0 {
		t.Fatalf("check failures: %v", failures)
	}
	_, state := typ.Apply(&Ctx{In: in, Config: cfg, IDs: &seqIDs{}})
	return in, state
}

var gcpConfig = Config{"project": "p-123456", "region": "us-central1"}

func TestConnectorDefaultsThroughputAndReplacesWhenTheAPIOverridesThem(t *testing.T) {
	typ := mustType(t, "gcp:vpcaccess/connector:Connector")
	for _, c := range []struct {
		min, max    float64
		wantReplace []string
	}{
		{2, 3, nil},
		{3, 5, []string{"maxThroughput", "minThroughput"}},
		{2, 10, []string{"maxThroughput"}},
	} {
		in, state := create(t, typ, gcpConfig, map[string]any{"name": "c", "minInstances": c.min, "maxInstances": c.max, "ipCidrRange": "10.8.0.0/28", "network": "default"})
		if in["minThroughput"].NumberValue() != 200 || in["maxThroughput"].NumberValue() != 300 {
			t.Errorf("%v/%v: checked inputs hold throughput %v/%v, want the schema defaults 200/300", c.min, c.max, in["minThroughput"], in["maxThroughput"])
		}
		next, _ := typ.Check(in, resource.NewPropertyMapFromMap(map[string]any{"name": "c", "minInstances": c.min, "maxInstances": c.max, "ipCidrRange": "10.8.0.0/28", "network": "default"}), "res", nil)
		d := typ.Diff(in, state, next, nil)
		if !slices.Equal(d.Replace, c.wantReplace) {
			t.Errorf("%v/%v instances: replace %v, want %v", c.min, c.max, d.Replace, c.wantReplace)
		}
	}
}

func TestConnectorClaimsItsNameAndRange(t *testing.T) {
	typ := mustType(t, "gcp:vpcaccess/connector:Connector")
	in, _ := create(t, typ, gcpConfig, map[string]any{"name": "c", "ipCidrRange": "10.8.0.0/28", "network": "default"})
	var got []string
	for _, k := range typ.UniqueKeys(&Ctx{In: in, Config: gcpConfig}) {
		got = append(got, k.Key)
	}
	want := []string{"vpc-connector/p-123456/us-central1/c", "network-range/p-123456/default/10.8.0.0/28"}
	if !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
}

func TestDiffKeepsWhatTheCloudFillsInAndSeesRemovedInputs(t *testing.T) {
	typ := mustType(t, "gcp:cloudrunv2/service:Service")
	olds := resource.NewPropertyMapFromMap(map[string]any{"name": "s", "location": "us-central1", "template": map[string]any{"timeout": "30s"}, "ingress": "INGRESS_TRAFFIC_ALL", "description": "d"})
	state := resource.NewPropertyMapFromMap(map[string]any{"name": "s", "location": "us-central1", "template": map[string]any{"timeout": "30s", "maxInstanceRequestConcurrency": 80.0}, "ingress": "INGRESS_TRAFFIC_ALL", "description": "d"})
	for _, c := range []struct {
		name string
		news map[string]any
		want []string
	}{
		{"same", map[string]any{"name": "s", "location": "us-central1", "template": map[string]any{"timeout": "30s"}, "ingress": "INGRESS_TRAFFIC_ALL", "description": "d"}, nil},
		{"computed input left out", map[string]any{"name": "s", "location": "us-central1", "template": map[string]any{"timeout": "30s"}, "description": "d"}, nil},
		{"plain input removed", map[string]any{"name": "s", "location": "us-central1", "template": map[string]any{"timeout": "30s"}, "ingress": "INGRESS_TRAFFIC_ALL"}, []string{"description"}},
		{"nested change", map[string]any{"name": "s", "location": "us-central1", "template": map[string]any{"timeout": "60s"}, "ingress": "INGRESS_TRAFFIC_ALL", "description": "d"}, []string{"template"}},
		{"force new", map[string]any{"name": "t", "location": "us-central1", "template": map[string]any{"timeout": "30s"}, "ingress": "INGRESS_TRAFFIC_ALL", "description": "d"}, []string{"name"}},
	} {
		d := typ.Diff(olds, state, resource.NewPropertyMapFromMap(c.news), nil)
		if !slices.Equal(d.Changed, c.want) {
			t.Errorf("%s: changed %v, want %v", c.name, d.Changed, c.want)
		}
	}
}

func TestTaskDefinitionRevisionsCountUpAndEveryArgumentReplaces(t *testing.T) {
	typ := mustType(t, "aws:ecs/taskDefinition:TaskDefinition")
	cfg := Config{"account": "111122223333", "region": "eu-west-1"}
	ids := &seqIDs{}
	var arns []string
	for range 2 {
		in, _ := typ.Check(nil, resource.NewPropertyMapFromMap(map[string]any{"family": "f", "containerDefinitions": "[]"}), "td", nil)
		_, state := typ.Apply(&Ctx{In: in, Config: cfg, IDs: ids})
		arns = append(arns, state["arn"].StringValue())
	}
	want := []string{"arn:aws:ecs:eu-west-1:111122223333:task-definition/f:1", "arn:aws:ecs:eu-west-1:111122223333:task-definition/f:2"}
	if !slices.Equal(arns, want) {
		t.Errorf("arns %v, want %v", arns, want)
	}
	in, state := create(t, typ, cfg, map[string]any{"family": "f", "containerDefinitions": `[{"name":"app","image":"a"}]`, "cpu": "256"})
	same, _ := typ.Check(in, resource.NewPropertyMapFromMap(map[string]any{"family": "f", "containerDefinitions": `[ {"image":"a", "name":"app"} ]`, "cpu": "256"}), "td", nil)
	if d := typ.Diff(in, state, same, nil); len(d.Changed) != 0 {
		t.Errorf("equivalent container definitions changed %v", d.Changed)
	}
	other, _ := typ.Check(in, resource.NewPropertyMapFromMap(map[string]any{"family": "f", "containerDefinitions": `[{"name":"app","image":"b"}]`, "cpu": "256"}), "td", nil)
	if d := typ.Diff(in, state, other, nil); !slices.Equal(d.Replace, []string{"containerDefinitions"}) {
		t.Errorf("a new image replaces %v, want containerDefinitions", d.Replace)
	}
}

func TestUnknownIDsMakeUnknownOutputs(t *testing.T) {
	typ := mustType(t, "aws:ec2/securityGroup:SecurityGroup")
	in, _ := typ.Check(nil, resource.NewPropertyMapFromMap(map[string]any{"vpcId": "vpc-1"}), "sg", nil)
	id, state := typ.Apply(&Ctx{In: in, Config: Config{"account": "1", "region": "r"}, IDs: unknownIDs{}})
	if !id.IsComputed() || !state["arn"].IsComputed() {
		t.Errorf("id %v, arn %v: want both unknown when the cloud's ID is", id, state["arn"])
	}
	if state["ownerId"].StringValue() != "1" {
		t.Errorf("ownerId %v, want the configured account", state["ownerId"])
	}
}

type unknownIDs struct{}

func (unknownIDs) Generate(string, int) (string, bool) { return "", false }
func (unknownIDs) Next(string) (int, bool)             { return 0, false }

func TestSensitiveAndSecretInputsStaySecret(t *testing.T) {
	typ := mustType(t, "gcp:secretmanager/secretVersion:SecretVersion")
	_, state := create(t, typ, gcpConfig, map[string]any{"secret": "projects/p-123456/secrets/s", "secretData": "plain"})
	if !state["secretData"].IsSecret() {
		t.Errorf("secretData is not secret in the state: %v", state["secretData"])
	}
	if got := state["version"].StringValue(); got != "1" {
		t.Errorf("version %q, want 1", got)
	}
}

func TestDeploy(t *testing.T) {
	for _, c := range []struct {
		name             string
		running, want    string
		outcome          DeploymentOutcome
		wantRun, wantErr string
	}{
		{"success", "td:1", "td:2", DeploymentSucceeds, "td:2", ""},
		{"rollback reports success and runs the old revision", "td:1", "td:2", DeploymentRollsBack, "td:1", ""},
		{"a new service cannot roll back", "", "td:1", DeploymentRollsBack, "td:1", "timeout while waiting for state to become 'tfSTABLE'"},
	} {
		got, err := Deploy(c.running, c.want, c.outcome, true)
		if got != c.wantRun || (err == nil) != (c.wantErr == "") || err != nil && !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%s: runs %q, error %v; want %q, %q", c.name, got, err, c.wantRun, c.wantErr)
		}
	}
}

func TestECRPush(t *testing.T) {
	if err := ECRPush("r", "IMMUTABLE", "t", "sha256:a", "sha256:b"); err == nil || !strings.Contains(err.Error(), "cannot be overwritten because the repository is immutable") {
		t.Errorf("moving an immutable tag: %v", err)
	}
	for _, c := range [][3]string{{"IMMUTABLE", "", "sha256:b"}, {"IMMUTABLE", "sha256:b", "sha256:b"}, {"MUTABLE", "sha256:a", "sha256:b"}} {
		if err := ECRPush("r", c[0], "t", c[1], c[2]); err != nil {
			t.Errorf("%v: %v", c, err)
		}
	}
	if err := ECRDeleteRepository("r", "1", 1, false); err == nil || !strings.Contains(err.Error(), "RepositoryNotEmptyException") {
		t.Errorf("deleting a repository with images: %v", err)
	}
	if err := ECRDeleteRepository("r", "1", 1, true); err != nil {
		t.Errorf("force delete: %v", err)
	}
}

func TestDockerIgnoreLookupOrder(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("build/api.Dockerfile", "FROM scratch\n")
	write(".dockerignore", "README.md\n")
	write("README.md", "x")
	df := filepath.Join(dir, "build", "api.Dockerfile")
	if got, _ := DockerIgnorePatterns(dir, df); !slices.Equal(got, []string{"README.md"}) {
		t.Errorf("without DOCKERFILE.dockerignore: %v, want the context's .dockerignore", got)
	}
	before, _ := DockerContextDigest(dir, df)
	write("README.md", "y")
	if after, _ := DockerContextDigest(dir, df); after != before {
		t.Errorf("an edit to an ignored file changed the digest")
	}
	write("build/api.Dockerfile.dockerignore", "notes.md\n")
	if got, _ := DockerIgnorePatterns(dir, df); !slices.Equal(got, []string{"notes.md"}) {
		t.Errorf("with DOCKERFILE.dockerignore beside the Dockerfile: %v, want it first", got)
	}
	before, _ = DockerContextDigest(dir, df)
	write("README.md", "z")
	if after, _ := DockerContextDigest(dir, df); after == before {
		t.Errorf("README.md counts once api.Dockerfile.dockerignore wins, but the digest stayed")
	}
}
