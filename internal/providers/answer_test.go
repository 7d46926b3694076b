package providers

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func show(v resource.PropertyValue) string {
	if v.IsComputed() {
		return "<unknown>"
	}
	if v.IsSecret() {
		return "<secret " + show(v.SecretValue().Element) + ">"
	}
	if v.IsNull() {
		return "<null>"
	}
	return v.StringValue()
}

func TestOfflineAnswersShowWhatConfigurationDecidesAndHideWhatTheCloudInvents(t *testing.T) {
	t.Parallel()
	awsCfg := DefaultConfig("aws", map[string]string{"aws:region": "eu-west-1", "aws:allowedAccountIds": `["111122223333"]`})
	noAccount := DefaultConfig("aws", map[string]string{"aws:region": "eu-west-1"})
	gcpCfg := DefaultConfig("gcp", map[string]string{"gcp:project": "acme-prod", "gcp:region": "europe-west1"})
	tests := []struct {
		name   string
		typ    string
		inputs resource.PropertyMap
		cfg    Config
		want   map[string]string
	}{
		{
			name: "ecr repository with the account configured",
			typ:  "aws:ecr/repository:Repository", inputs: resource.PropertyMap{"name": resource.NewProperty("orders")}, cfg: awsCfg,
			want: map[string]string{
				"arn":                "arn:aws:ecr:eu-west-1:111122223333:repository/orders",
				"repositoryUrl":      "111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders",
				"imageTagMutability": "MUTABLE",
			},
		},
		{
			name: "ecr repository without the account",
			typ:  "aws:ecr/repository:Repository", inputs: resource.PropertyMap{"name": resource.NewProperty("orders")}, cfg: noAccount,
			want: map[string]string{"arn": "<unknown>", "repositoryUrl": "<unknown>", "registryId": "<unknown>"},
		},
		{
			name: "log group named by the provider: unknown offline, as each up draws another",
			typ:  "aws:cloudwatch/logGroup:LogGroup", inputs: resource.PropertyMap{}, cfg: awsCfg,
			want: map[string]string{"name": "<unknown>", "arn": "<unknown>"},
		},
		{
			name: "an unnamed ECR repository is named by the provider, not refused",
			typ:  "aws:ecr/repository:Repository", inputs: resource.PropertyMap{}, cfg: awsCfg,
			want: map[string]string{"name": "<unknown>", "repositoryUrl": "<unknown>", "imageTagMutability": "MUTABLE"},
		},
		{
			name: "an ECS service's ARN holds its cluster's name",
			typ:  "aws:ecs/service:Service", inputs: resource.PropertyMap{"name": resource.NewProperty("api"), "cluster": resource.MakeComputed(resource.NewProperty(""))}, cfg: awsCfg,
			want: map[string]string{"name": "api"},
		},
		{
			name: "security group ID is the cloud's",
			typ:  "aws:ec2/securityGroup:SecurityGroup", inputs: resource.PropertyMap{"name": resource.NewProperty("web"), "vpcId": resource.NewProperty("vpc-1")}, cfg: awsCfg,
			want: map[string]string{"arn": "<unknown>", "ownerId": "111122223333"},
		},
		{
			name: "load balancer: the Region's zone, the cloud's DNS name",
			typ:  "aws:lb/loadBalancer:LoadBalancer", inputs: resource.PropertyMap{"name": resource.NewProperty("web")}, cfg: awsCfg,
			want: map[string]string{"dnsName": "<unknown>", "zoneId": "Z32O12XQLNTSW2", "arn": "<unknown>"},
		},
		{
			name: "service account email follows from the project",
			typ:  "gcp:serviceaccount/account:Account", inputs: resource.PropertyMap{"accountId": resource.NewProperty("orders-sa")}, cfg: gcpCfg,
			want: map[string]string{"email": "orders-sa@acme-prod.iam.gserviceaccount.com", "uniqueId": "<unknown>"},
		},
		{
			name: "secret manager names hold the project number",
			typ:  "gcp:secretmanager/secret:Secret", inputs: resource.PropertyMap{"secretId": resource.NewProperty("db"), "replication": resource.NewProperty(resource.PropertyMap{})}, cfg: gcpCfg,
			want: map[string]string{"name": "<unknown>", "project": "acme-prod"},
		},
		{
			name: "cloud run uri is the cloud's",
			typ:  "gcp:cloudrunv2/service:Service", inputs: resource.PropertyMap{"name": resource.NewProperty("orders"), "location": resource.NewProperty("europe-west1"), "template": resource.NewProperty(resource.PropertyMap{})}, cfg: gcpCfg,
			want: map[string]string{"uri": "<unknown>", "latestReadyRevision": "<unknown>", "project": "acme-prod"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := Answer(Request{Type: tt.typ, Name: "r", Custom: true, Inputs: tt.inputs, Config: tt.cfg, IDs: Unknown{}})
			out := res.State
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tt.want {
				if got := show(out[resource.PropertyKey(k)]); got != want {
					t.Errorf("%s = %s, want %s", k, got, want)
				}
			}
		})
	}
}

func TestFakeAnswersAreKnownAndDeterministicPerResource(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig("aws", map[string]string{"aws:region": "us-east-1", "aws:allowedAccountIds": `["123456789012"]`})
	answer := func(seed string) resource.PropertyMap {
		res, err := Answer(Request{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "web", Custom: true,
			Inputs: resource.PropertyMap{"vpcId": resource.NewProperty("vpc-1")}, Config: cfg, IDs: NewFake(seed, nil), Seed: []byte(seed)})
		if err != nil {
			t.Fatal(err)
		}
		return res.State
	}
	a, b, c := answer("urn:a"), answer("urn:a"), answer("urn:b")
	name := show(a["name"])
	if !strings.HasPrefix(name, "web-") || len(name) != len("web-")+7 {
		t.Errorf("autoname = %s, want web- and seven hex characters", name)
	}
	if !strings.HasPrefix(show(a["arn"]), "arn:aws:ec2:us-east-1:123456789012:security-group/sg-") {
		t.Errorf("arn = %s", show(a["arn"]))
	}
	if !a.DeepEquals(b) {
		t.Error("two answers for the same seed differ")
	}
	if show(a["arn"]) == show(c["arn"]) {
		t.Error("two resources got the same security group ID")
	}
}

func TestRequiredInputsFailAsTheProviderCheckDoes(t *testing.T) {
	t.Parallel()
	_, err := Answer(Request{Type: "aws:iam/role:Role", Name: "role", Custom: true, Inputs: resource.PropertyMap{}, IDs: Unknown{}})
	var ce *CheckError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *CheckError", err)
	}
	want := `aws:iam/role:Role resource 'role' has a problem: Missing required argument. The argument "assumeRolePolicy" is required, but no definition was found.`
	if err.Error() != want {
		t.Errorf("err = %s\nwant  %s", err, want)
	}
}

func TestDockerImageChecksTheDockerfileFromTheProgramsDirectory(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "infra"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "app", "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	inputs := func(dockerfile string) resource.PropertyMap {
		return resource.PropertyMap{
			"imageName": resource.NewProperty("registry.example/app:abc"),
			"build": resource.NewProperty(resource.PropertyMap{
				"context":    resource.NewProperty(".."),
				"dockerfile": resource.NewProperty(dockerfile),
			}),
		}
	}
	res, err := Answer(Request{Type: DockerImage, Name: "img", Custom: true, Inputs: inputs("../app/Dockerfile"),
		IDs: Unknown{}, Dir: filepath.Join(root, "infra"), Platform: "linux/amd64"})
	id, out := res.ID, res.State
	if err != nil {
		t.Fatal(err)
	}
	if show(id) != "registry.example/app:abc" || show(out["repoDigest"]) != "<unknown>" {
		t.Errorf("id %s, repoDigest %s", show(id), show(out["repoDigest"]))
	}
	build := out["build"].ObjectValue()
	if show(build["context"]) != ".." || show(build["dockerfile"]) != "../app/Dockerfile" || show(build["platform"]) != "linux/amd64" {
		t.Errorf("build = %v", build)
	}
	if show(out["dockerfile"]) != "app/Dockerfile" || len(show(build["contextDigest"])) != 64 {
		t.Errorf("dockerfile output %s, contextDigest %s", show(out["dockerfile"]), show(build["contextDigest"]))
	}

	_, err = Answer(Request{Type: DockerImage, Name: "img", Custom: true, Inputs: inputs("../app/Missing.Dockerfile"),
		IDs: Unknown{}, Dir: filepath.Join(root, "infra"), Platform: "linux/amd64"})
	if err == nil || !strings.Contains(err.Error(), `could not open dockerfile at relative path "../app/Missing.Dockerfile"`) {
		t.Errorf("missing Dockerfile: err = %v", err)
	}
}

func TestInvokesAnswerFromTheConfiguration(t *testing.T) {
	t.Parallel()
	eu := DefaultConfig("aws", map[string]string{"aws:region": "eu-west-1", "aws:allowedAccountIds": `["111122223333"]`})
	cn := DefaultConfig("aws", map[string]string{"aws:region": "cn-north-1"})
	tests := []struct {
		token string
		cfg   Config
		ids   IDs
		want  map[string]string
	}{
		{"aws:index/getCallerIdentity:getCallerIdentity", eu, Unknown{}, map[string]string{"accountId": "111122223333"}},
		{"aws:index/getCallerIdentity:getCallerIdentity", cn, Unknown{}, map[string]string{"accountId": "<unknown>"}},
		{"aws:index/getRegion:getRegion", eu, Unknown{}, map[string]string{"name": "eu-west-1", "endpoint": "ec2.eu-west-1.amazonaws.com"}},
		{"aws:index/getPartition:getPartition", cn, Unknown{}, map[string]string{"partition": "aws-cn", "dnsSuffix": "amazonaws.com.cn", "reverseDnsPrefix": "cn.com.amazonaws"}},
		{"aws:index/getPartition:getPartition", eu, Unknown{}, map[string]string{"partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}},
		{"aws:ecr/getAuthorizationToken:getAuthorizationToken", eu, Unknown{}, map[string]string{"password": "<unknown>", "proxyEndpoint": "https://111122223333.dkr.ecr.eu-west-1.amazonaws.com"}},
		{"aws:ecr/getAuthorizationToken:getAuthorizationToken", eu, NewFake("t", nil), map[string]string{"userName": "AWS"}},
		{"gcp:organizations/getClientConfig:getClientConfig", DefaultConfig("gcp", map[string]string{"gcp:project": "p", "gcp:region": "r"}), Unknown{}, map[string]string{"accessToken": "<unknown>", "project": "p", "region": "r"}},
	}
	for _, tt := range tests {
		got, err := Invoke(tt.token, resource.PropertyMap{}, tt.cfg, tt.ids)
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range tt.want {
			if s := show(got[resource.PropertyKey(k)]); s != want {
				t.Errorf("%s %s = %s, want %s", tt.token, k, s, want)
			}
		}
	}
	_, err := Invoke("aws:ec2/getVpc:getVpc", nil, eu, Unknown{})
	var ue *UnansweredError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "aws:ec2/getVpc:getVpc") {
		t.Errorf("unanswered invoke: %v", err)
	}
}

func TestExplicitProvidersReadOnlyTheirOwnInputs(t *testing.T) {
	t.Parallel()
	cfg := ExplicitConfig("aws", resource.PropertyMap{
		"region":            resource.NewProperty("ap-southeast-2"),
		"allowedAccountIds": resource.NewProperty(`["444455556666"]`),
	})
	if cfg["region"] != "ap-southeast-2" || cfg["account"] != "444455556666" {
		t.Errorf("config = %v", cfg)
	}
	two := ExplicitConfig("aws", resource.PropertyMap{"allowedAccountIds": resource.NewProperty([]resource.PropertyValue{resource.NewProperty("1"), resource.NewProperty("2")})})
	if _, ok := two["account"]; ok || len(two) != 0 {
		t.Errorf("two allowed accounts name no account: %v", two)
	}
}

func TestURNJoinsTheParentsTypeUnlessItIsTheStack(t *testing.T) {
	t.Parallel()
	stack := "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev"
	comp := URN("dev", "shop", stack, "berth:index:Service", "app")
	if comp != "urn:pulumi:dev::shop::berth:index:Service::app" || URN("dev", "shop", "", "berth:index:Service", "app") != comp {
		t.Errorf("child of the stack: %s", comp)
	}
	child := URN("dev", "shop", comp, "berth:cloudrun:Service", "app")
	if got := URN("dev", "shop", child, "gcp:cloudrunv2/service:Service", "app-svc"); got != "urn:pulumi:dev::shop::berth:index:Service$berth:cloudrun:Service$gcp:cloudrunv2/service:Service::app-svc" {
		t.Errorf("nested: %s", got)
	}
}

// TestDeployEndsAsTheScriptAndTheServiceSay: a circuit-breaker rollback
// and, with deployment alarms enabled with rollback, an alarm failure end
// on the running revision (the provider's waiter reports success); an
// alarm failure without rollback leaves the release; a new service that
// fails its health checks times out.
func TestDeployEndsAsTheScriptAndTheServiceSay(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		running  string
		outcome  DeploymentOutcome
		rollback bool
		want     string
		err      bool
	}{
		{"td:1", DeploymentSucceeds, true, "td:2", false},
		{"td:1", DeploymentRollsBack, false, "td:1", false},
		{"td:1", DeploymentFailsAlarms, true, "td:1", false},
		{"td:1", DeploymentFailsAlarms, false, "td:2", false},
		{"", DeploymentFailsAlarms, true, "td:2", false},
		{"", DeploymentRollsBack, false, "td:2", true},
	} {
		if got, err := Deploy(tt.running, "td:2", tt.outcome, false, tt.rollback); tt.running != "" && (got != "td:2" || err != nil) {
			t.Errorf("without waitForSteadyState, Deploy(%q, %s) = %q, %v; want the new revision, read back before any rollback", tt.running, tt.outcome, got, err)
		}
		got, err := Deploy(tt.running, "td:2", tt.outcome, true, tt.rollback)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("Deploy(%q, td:2, %s, rollback %v) = %q, %v; want %q, error %v", tt.running, tt.outcome, tt.rollback, got, err, tt.want, tt.err)
		}
	}
}
