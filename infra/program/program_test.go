package program

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// hash7 is the hash naming.Physical appends for seed.
func hash7(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])[:7]
}

// canary is a secret value that must never appear in plaintext.
const canary = "canary-secret-value-0123456789"

// gcpConfig is a dev-like stack: an env secret by reference, a file secret
// by value, a connector and one invoker.
func gcpConfig() map[string]any {
	return map[string]any{
		"gcp:project": "berth-dev-467312",
		"gcp:region":  "us-central1",
		"berth:cloud": "gcp",
		"berth:service": map[string]any{
			"name": "api", "cpu": 1, "memory": "512Mi", "concurrency": 40,
			"minInstances": 0, "maxInstances": 3, "timeout": "30s",
			"env": map[string]any{"LOG_LEVEL": "debug", "API_TOKEN_FILE": "/var/secrets/api-token/token"},
			"secrets": []any{
				map[string]any{"env": "DATABASE_URL", "ref": "db-url", "version": "4"},
				map[string]any{"path": "/var/secrets/api-token/token", "value": canary},
			},
		},
		"berth:gcp": map[string]any{
			"vpc":      map[string]any{"connector": map[string]any{"network": "default", "ipCidrRange": "10.8.0.0/28"}},
			"invokers": []any{"group:devs@example.com"},
		},
	}
}

// withConfig passes cfg to the program as the Pulumi CLI does: objects as
// JSON, the keys holding secure values listed as secret.
func withConfig(t *testing.T, cfg map[string]any, secretKeys ...string) pulumi.RunOption {
	t.Helper()
	flat := map[string]string{}
	for k, v := range cfg {
		if s, ok := v.(string); ok {
			flat[k] = s
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		flat[k] = string(b)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return func(info *pulumi.RunInfo) {
		info.Config = flat
		info.ConfigSecretKeys = secretKeys
		info.RootDirectory = root
	}
}

// deploy runs Deploy under a fresh mock monitor for stack dev.
func deploy(t *testing.T, cfg map[string]any, secretKeys ...string) (*testkit.Monitor, error) {
	t.Helper()
	m := testkit.New("berth", "dev")
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := Deploy(ctx)
		return err
	}, withConfig(t, cfg, secretKeys...))
	return m, err
}

func TestGCPStackRegistersTheWholeService(t *testing.T) {
	t.Parallel()
	m, err := deploy(t, gcpConfig(), "berth:service")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range m.Resources() {
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
		"gcp:cloudrunv2/serviceIamMember:ServiceIamMember app-invoker-group-devs-example-com-1228bdc",
		"gcp:secretmanager/secret:Secret app-token",
		"gcp:secretmanager/secretIamMember:SecretIamMember app-secret-db-url-fb657ba",
		"gcp:secretmanager/secretIamMember:SecretIamMember app-secret-token-" + hash7("value:token"),
		"gcp:secretmanager/secretVersion:SecretVersion app-token",
		"gcp:serviceaccount/account:Account app-sa",
		"gcp:vpcaccess/connector:Connector app-connector",
	}
	if !slices.Equal(got, want) {
		t.Errorf("resources:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestValueSecretIsCreatedEncryptedAndPinned(t *testing.T) {
	t.Parallel()
	m, err := deploy(t, gcpConfig(), "berth:service")
	if err != nil {
		t.Fatal(err)
	}
	secret := m.One(t, "gcp:secretmanager/secret:Secret")
	// Named by the service, where the value goes and a hash of project,
	// stack and service, so two stacks in one project do not share it.
	tokenID := "api-token-" + hash7("berth/dev/api/secret/token")
	if got := secret.Inputs["secretId"].StringValue(); got != tokenID {
		t.Errorf("secretId = %q, want %s", got, tokenID)
	}
	version := m.One(t, "gcp:secretmanager/secretVersion:SecretVersion")
	data := version.Inputs["secretData"]
	if !data.IsSecret() || data.SecretValue().Element.StringValue() != canary {
		t.Errorf("secretData = %v, want the value as a secret", data)
	}
	svc := m.One(t, "gcp:cloudrunv2/service:Service")
	vols := svc.Inputs["template"].ObjectValue()["volumes"].ArrayValue()
	if len(vols) != 1 {
		t.Fatalf("volumes = %v, want one", vols)
	}
	s := vols[0].ObjectValue()["secret"].ObjectValue()
	// The mock gives a new secret's first version the number 1.
	item := s["items"].ArrayValue()[0].ObjectValue()
	if got, want := s["secret"].StringValue(), tokenID; got != want {
		t.Errorf("volume secret = %q, want %q", got, want)
	}
	if got := item["version"].StringValue(); got != "1" {
		t.Errorf("volume item version = %q, want the created version 1", got)
	}
	if got := item["path"].StringValue(); got != "token" {
		t.Errorf("volume item path = %q, want token", got)
	}
	envs := svc.Inputs["template"].ObjectValue()["containers"].ArrayValue()[0].ObjectValue()["envs"].ArrayValue()
	var ref resource.PropertyMap
	for _, e := range envs {
		if e.ObjectValue()["name"].StringValue() == "DATABASE_URL" {
			ref = e.ObjectValue()["valueSource"].ObjectValue()["secretKeyRef"].ObjectValue()
		}
	}
	if ref == nil || ref["secret"].StringValue() != "db-url" || ref["version"].StringValue() != "4" {
		t.Errorf("DATABASE_URL secretKeyRef = %v, want db-url version 4", ref)
	}
	for _, r := range m.Resources() {
		b, _ := json.Marshal(r.Inputs.Mappable())
		if strings.Contains(string(b), canary) && r.Type != "gcp:secretmanager/secretVersion:SecretVersion" {
			t.Errorf("%s %s holds the secret value in plaintext", r.Type, r.Name)
		}
	}
}

func TestCloudNeutralKnobsReachCloudRun(t *testing.T) {
	t.Parallel()
	m, err := deploy(t, gcpConfig(), "berth:service")
	if err != nil {
		t.Fatal(err)
	}
	tmpl := m.One(t, "gcp:cloudrunv2/service:Service").Inputs["template"].ObjectValue()
	limits := tmpl["containers"].ArrayValue()[0].ObjectValue()["resources"].ObjectValue()["limits"].ObjectValue()
	scaling := tmpl["scaling"].ObjectValue()
	for _, c := range []struct {
		name string
		got  any
		want any
	}{
		{"cpu", limits["cpu"].StringValue(), "1"},
		{"memory", limits["memory"].StringValue(), "512Mi"},
		{"concurrency", tmpl["maxInstanceRequestConcurrency"].NumberValue(), 40.0},
		{"min instances", scaling["minInstanceCount"].NumberValue(), 0.0},
		{"max instances", scaling["maxInstanceCount"].NumberValue(), 3.0},
		{"timeout", tmpl["timeout"].StringValue(), "30s"},
		{"project for the log trace field", envValue(tmpl, "GOOGLE_CLOUD_PROJECT"), "berth-dev-467312"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestInvalidConfigNamesEveryPathAndRegistersNothing(t *testing.T) {
	t.Parallel()
	cfg := gcpConfig()
	svc := cfg["berth:service"].(map[string]any)
	svc["memory"] = "64Gi"
	svc["concurrency"] = 5000
	svc["timeout"] = "soon"
	svc["colour"] = "blue"
	svc["secrets"] = append(svc["secrets"].([]any), map[string]any{"env": "X", "path": "/a/b", "ref": "r", "version": "1"})
	cfg["berth:gcp"].(map[string]any)["ingress"] = "everyone"
	m, err := deploy(t, cfg, "berth:service")
	var verr *validate.Error
	if !errors.As(err, &verr) {
		t.Fatalf("err = %v, want a *validate.Error", err)
	}
	want := []string{"gcp.ingress", "service.colour", "service.concurrency", "service.memory", "service.secrets[2].path", "service.timeout"}
	if got := verr.Fields(); !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v\n%v", got, want, err)
	}
	if !strings.Contains(err.Error(), `invalid configuration of stack "dev":`) {
		t.Errorf("error header: %v", err)
	}
	if n := len(m.Resources()); n != 0 {
		t.Errorf("%d resources registered, want none", n)
	}
}

func TestPlaintextSecretValueIsRejected(t *testing.T) {
	t.Parallel()
	_, err := deploy(t, gcpConfig()) // berth:service not marked secret
	var verr *validate.Error
	if !errors.As(err, &verr) || !slices.Equal(verr.Fields(), []string{"service.secrets[1].value"}) {
		t.Fatalf("err = %v, want one problem at service.secrets[1].value", err)
	}
	if strings.Contains(err.Error(), canary) {
		t.Errorf("error quotes the secret value: %v", err)
	}
}

func TestImageIsBuiltFromTheProjectRootByRelativePath(t *testing.T) {
	t.Parallel()
	m, err := deploy(t, gcpConfig(), "berth:service")
	if err != nil {
		t.Fatal(err)
	}
	build := m.One(t, "docker:index/image:Image").Inputs["build"].ObjectValue()
	// The test runs in infra/program, two levels below Pulumi.yaml.
	if got, want := build["context"].StringValue(), filepath.Join("..", ".."); got != want {
		t.Errorf("build context = %q, want %q", got, want)
	}
	if got, want := build["dockerfile"].StringValue(), filepath.Join("..", "..", "app", "Dockerfile"); got != want {
		t.Errorf("dockerfile = %q, want %q", got, want)
	}
	if got := build["platform"].StringValue(); got != "linux/amd64" {
		t.Errorf("platform = %q, want linux/amd64 (Cloud Run)", got)
	}
}

func TestGCPRejectsAWSOnlySecretKeys(t *testing.T) {
	t.Parallel()
	cfg := gcpConfig()
	cfg["berth:service"].(map[string]any)["secrets"].([]any)[0].(map[string]any)["key"] = "password"
	_, err := deploy(t, cfg, "berth:service")
	var verr *validate.Error
	if !errors.As(err, &verr) || !slices.Equal(verr.Fields(), []string{"service.secrets[0].key"}) {
		t.Fatalf("err = %v, want one problem at service.secrets[0].key", err)
	}
}

func TestCloudIsRequired(t *testing.T) {
	t.Parallel()
	cfg := gcpConfig()
	delete(cfg, "berth:cloud")
	_, err := deploy(t, cfg, "berth:service")
	if err == nil || !strings.Contains(err.Error(), `cloud: required (allowed: "gcp", "aws")`) {
		t.Fatalf("err = %v", err)
	}
}

// envValue returns the plain value of the first container's env var name.
func envValue(tmpl resource.PropertyMap, name string) string {
	for _, e := range tmpl["containers"].ArrayValue()[0].ObjectValue()["envs"].ArrayValue() {
		if o := e.ObjectValue(); o["name"].StringValue() == name && o["value"].IsString() {
			return o["value"].StringValue()
		}
	}
	return ""
}
