package answers

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/berth-dev/berth/internal/fakecloud/model"
)

func str(v resource.PropertyValue) string {
	if v.IsComputed() {
		return "<unknown>"
	}
	if v.IsSecret() {
		return "<secret " + str(v.SecretValue().Element) + ">"
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
		cfg    model.Config
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
			name: "log group names itself when the program gives no name",
			typ:  "aws:cloudwatch/logGroup:LogGroup", inputs: resource.PropertyMap{}, cfg: awsCfg,
			want: map[string]string{"name": "<unknown>", "arn": "<unknown>"},
		},
		{
			name: "security group ID is the cloud's",
			typ:  "aws:ec2/securityGroup:SecurityGroup", inputs: resource.PropertyMap{"name": resource.NewProperty("web"), "vpcId": resource.NewProperty("vpc-1")}, cfg: awsCfg,
			want: map[string]string{"arn": "<unknown>", "ownerId": "111122223333"},
		},
		{
			name: "load balancer outside us-east-1 has no known zone",
			typ:  "aws:lb/loadBalancer:LoadBalancer", inputs: resource.PropertyMap{"name": resource.NewProperty("web")}, cfg: awsCfg,
			want: map[string]string{"dnsName": "<unknown>", "zoneId": "<unknown>", "arn": "<unknown>"},
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
			_, out, err := Resource(Request{Type: tt.typ, Name: "r", Custom: true, Inputs: tt.inputs, Config: tt.cfg, IDs: Unknown{}})
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tt.want {
				if got := str(out[resource.PropertyKey(k)]); got != want {
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
		_, out, err := Resource(Request{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "web", Custom: true,
			Inputs: resource.PropertyMap{"vpcId": resource.NewProperty("vpc-1")}, Config: cfg, IDs: NewFake(seed, nil)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b, c := answer("urn:a"), answer("urn:a"), answer("urn:b")
	name := str(a["name"])
	if !strings.HasPrefix(name, "web-") || len(name) != len("web-")+7 {
		t.Errorf("autoname = %s, want web- and seven hex characters", name)
	}
	if !strings.HasPrefix(str(a["arn"]), "arn:aws:ec2:us-east-1:123456789012:security-group/sg-") {
		t.Errorf("arn = %s", str(a["arn"]))
	}
	if !a.DeepEquals(b) {
		t.Error("two answers for the same seed differ")
	}
	if str(a["arn"]) == str(c["arn"]) {
		t.Error("two resources got the same security group ID")
	}
}

func TestRequiredInputsFailAsTheProviderCheckDoes(t *testing.T) {
	t.Parallel()
	_, _, err := Resource(Request{Type: "aws:ecr/repository:Repository", Name: "repo", Custom: true, Inputs: resource.PropertyMap{}, IDs: Unknown{}})
	var ce *CheckError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *CheckError", err)
	}
	want := `aws:ecr/repository:Repository resource 'repo' has a problem: Missing required argument. The argument "name" is required, but no definition was found.`
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
	id, out, err := Resource(Request{Type: model.DockerImageToken, Name: "img", Custom: true, Inputs: inputs("../app/Dockerfile"),
		IDs: Unknown{}, Dir: filepath.Join(root, "infra"), Platform: "linux/amd64"})
	if err != nil {
		t.Fatal(err)
	}
	if str(id) != "registry.example/app:abc" || str(out["repoDigest"]) != "<unknown>" {
		t.Errorf("id %s, repoDigest %s", str(id), str(out["repoDigest"]))
	}
	build := out["build"].ObjectValue()
	if str(build["context"]) != ".." || str(build["dockerfile"]) != "../app/Dockerfile" || str(build["platform"]) != "linux/amd64" {
		t.Errorf("build = %v", build)
	}
	if str(out["dockerfile"]) != "app/Dockerfile" || len(str(build["contextDigest"])) != 64 {
		t.Errorf("dockerfile output %s, contextDigest %s", str(out["dockerfile"]), str(build["contextDigest"]))
	}

	_, _, err = Resource(Request{Type: model.DockerImageToken, Name: "img", Custom: true, Inputs: inputs("../app/Missing.Dockerfile"),
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
		cfg   model.Config
		ids   model.IDs
		want  map[string]string
	}{
		{"aws:index/getCallerIdentity:getCallerIdentity", eu, Unknown{}, map[string]string{"accountId": "111122223333"}},
		{"aws:index/getCallerIdentity:getCallerIdentity", cn, Unknown{}, map[string]string{"accountId": "<unknown>"}},
		{"aws:index/getRegion:getRegion", eu, Unknown{}, map[string]string{"name": "eu-west-1", "endpoint": "ec2.eu-west-1.amazonaws.com"}},
		{"aws:index/getPartition:getPartition", cn, Unknown{}, map[string]string{"partition": "aws-cn", "dnsSuffix": "amazonaws.com.cn", "reverseDnsPrefix": "cn.com.amazonaws"}},
		{"aws:index/getPartition:getPartition", eu, Unknown{}, map[string]string{"partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}},
		{"aws:ecr/getAuthorizationToken:getAuthorizationToken", eu, Unknown{}, map[string]string{"password": "<unknown>", "proxyEndpoint": "https://111122223333.dkr.ecr.eu-west-1.amazonaws.com"}},
		{"gcp:organizations/getClientConfig:getClientConfig", DefaultConfig("gcp", map[string]string{"gcp:project": "p", "gcp:region": "r"}), Unknown{}, map[string]string{"accessToken": "<unknown>", "project": "p", "region": "r"}},
	}
	for _, tt := range tests {
		got, err := Invoke(tt.token, resource.PropertyMap{}, tt.cfg, tt.ids)
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range tt.want {
			if s := str(got[resource.PropertyKey(k)]); s != want {
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
