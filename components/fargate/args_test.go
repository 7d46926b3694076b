package fargate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// validateArgs runs NewService under a fresh monitor and returns its
// validation error and how many resources were registered.
func validateArgs(t *testing.T, args *ServiceArgs) (*validate.Error, int) {
	t.Helper()
	return testkit.RunValidation(t, func(ctx *pulumi.Context) error {
		_, err := NewService(ctx, "api", args)
		return err
	})
}

// TestValidationNamesTheField has one case per rule: the error names exactly
// the offending field, says what is allowed, and nothing is registered.
func TestValidationNamesTheField(t *testing.T) {
	t.Parallel()
	secret := func(s spec.Secret) []spec.Secret {
		if s.Env == "" {
			s.Env = "DB"
		}
		return []spec.Secret{s}
	}
	statement := func(s PolicyStatement) []PolicyStatement {
		if s.Actions == nil {
			s.Actions = []string{"s3:GetObject"}
		}
		if s.Resources == nil {
			s.Resources = []string{"arn:aws:s3:::bucket/*"}
		}
		return []PolicyStatement{s}
	}
	manyTags := map[string]string{}
	for i := range 50 {
		manyTags[fmt.Sprintf("t%d", i)] = "x"
	}
	ref := func(v string) pulumi.StringInput { return pulumi.String(v) }

	tests := []struct {
		name    string
		mutate  func(a *ServiceArgs)
		field   string
		wantMsg string
	}{
		{"image is required", func(a *ServiceArgs) { a.Image = nil }, "image", "required"},
		{"image is not empty", func(a *ServiceArgs) { a.Image = pulumi.String(" ") }, "image", `" " is not an image reference`},
		// The godoc says by digest (issue 19: "nginx:latest" passed).
		{"image by digest", func(a *ServiceArgs) { a.Image = pulumi.String("nginx:latest") }, "image",
			`"nginx:latest" is not by digest (allowed: REPOSITORY@sha256: and 64 hex digits, such as an image.Image's Ref: a tag may point at another image later, which the service would not notice)`},
		{"image digest of sha256", func(a *ServiceArgs) { a.Image = pulumi.String("repo/app@sha256:abc") }, "image", "is not an image reference"},
		{"repository is an ECR ARN", func(a *ServiceArgs) { a.RepositoryARN = pulumi.String("api") }, "repositoryArn", "not an ECR repository ARN"},
		{"vpc is required", func(a *ServiceArgs) { a.AWS.VPCID = nil }, "aws.vpcId", "required"},
		{"vpc is a VPC ID", func(a *ServiceArgs) { a.AWS.VPCID = pulumi.String("subnet-1") }, "aws.vpcId", "not a VPC ID"},
		{"load balancer subnets required", func(a *ServiceArgs) { a.AWS.LoadBalancerSubnetIDs = nil }, "aws.loadBalancerSubnetIds", "required"},
		{"load balancer needs two subnets", func(a *ServiceArgs) { a.AWS.LoadBalancerSubnetIDs = pulumi.ToStringArray([]string{"subnet-1"}) }, "aws.loadBalancerSubnetIds", "1 subnet (allowed: at least two subnets in different Availability Zones)"},
		{"subnet IDs look like subnets", func(a *ServiceArgs) {
			a.AWS.LoadBalancerSubnetIDs = pulumi.ToStringArray([]string{"subnet-1", "vpc-2"})
		}, "aws.loadBalancerSubnetIds[1]", "not a subnet ID"},
		{"subnet listed once", func(a *ServiceArgs) {
			a.AWS.LoadBalancerSubnetIDs = pulumi.ToStringArray([]string{"subnet-1", "subnet-1"})
		}, "aws.loadBalancerSubnetIds[1]", "already aws.loadBalancerSubnetIds[0]"},
		{"task subnets required", func(a *ServiceArgs) { a.AWS.TaskSubnetIDs = nil }, "aws.taskSubnetIds", "required"},
		{"task subnets not empty", func(a *ServiceArgs) { a.AWS.TaskSubnetIDs = pulumi.StringArray{} }, "aws.taskSubnetIds", "at least one subnet"},
		{"allowed CIDRs not empty", func(a *ServiceArgs) { a.AWS.AllowedCIDRs = []string{} }, "aws.allowedCidrs", "at least one CIDR"},
		{"allowed CIDR is a CIDR", func(a *ServiceArgs) { a.AWS.AllowedCIDRs = []string{"10.0.0.0/8", "office"} }, "aws.allowedCidrs[1]", "not a CIDR"},
		{"allowed CIDR without host bits", func(a *ServiceArgs) { a.AWS.AllowedCIDRs = []string{"10.1.2.3/8"} }, "aws.allowedCidrs[0]", `"10.0.0.0/8"`},
		{"allowed CIDR once", func(a *ServiceArgs) { a.AWS.AllowedCIDRs = []string{"::/0", "::/0"} }, "aws.allowedCidrs[1]", "already aws.allowedCidrs[0]"},
		{"certificate is a certificate ARN", func(a *ServiceArgs) {
			a.AWS.PlainHTTP = false
			a.AWS.CertificateARN = pulumi.String("my-cert")
		}, "aws.certificateArn", "not a certificate ARN"},
		{"internet-facing needs a certificate or plain HTTP by name", func(a *ServiceArgs) { a.AWS.PlainHTTP = false }, "aws.certificateArn",
			"required on an internet-facing load balancer (service.public) (allowed: an ACM certificate ARN; to serve unencrypted HTTP, fit for development only, set aws.plainHttp)"},
		{"an empty certificate is not plain HTTP", func(a *ServiceArgs) {
			a.AWS.PlainHTTP = false
			a.AWS.CertificateARN = pulumi.String("")
		}, "aws.certificateArn", "empty (allowed: an ACM certificate ARN"},
		{"plain HTTP conflicts with a certificate", func(a *ServiceArgs) { a.AWS.CertificateARN = pulumi.String(testCert) }, "aws.plainHttp", "set together with aws.certificateArn"},
		{"ssl policy enum", func(a *ServiceArgs) {
			a.AWS.PlainHTTP = false
			a.AWS.CertificateARN = pulumi.String(testCert)
			a.AWS.SSLPolicy = "ELBSecurityPolicy-2016-08"
		}, "aws.sslPolicy", `"ELBSecurityPolicy-TLS13-1-2-2021-06"`},
		{"ssl policy needs a certificate", func(a *ServiceArgs) { a.AWS.SSLPolicy = TLS13Only }, "aws.sslPolicy", "without aws.certificateArn"},
		{"idle timeout maximum", func(a *ServiceArgs) { a.AWS.IdleTimeout = "4001s" }, "aws.idleTimeout", "allowed: 1s to 4000s"},
		{"idle timeout whole seconds", func(a *ServiceArgs) { a.AWS.IdleTimeout = "1500ms" }, "aws.idleTimeout", "whole number of seconds"},
		{"idle timeout covers the request timeout", func(a *ServiceArgs) { a.AWS.IdleTimeout = "30s"; a.Service.Timeout = "90s" }, "aws.idleTimeout", `"30s" is shorter than service.timeout "90s"`},
		{"cluster is a cluster ARN", func(a *ServiceArgs) { a.AWS.ClusterARN = pulumi.String("default") }, "aws.clusterArn", "not an ECS cluster ARN"},
		{"port range", func(a *ServiceArgs) { a.Service.Port = n(70000) }, "service.port", "allowed: 1 to 65535"},
		{"an explicit port of 0 is an error", func(a *ServiceArgs) { a.Service.Port = n(0) }, "service.port", "allowed: 1 to 65535"},
		{"cpu is a Fargate size", func(a *ServiceArgs) { a.Service.CPU = vcpu(0.3) }, "service.cpu", "0.3 vCPU is not a Fargate task size (allowed: 0.25, 0.5, 1, 2, 4, 8, 16)"},
		{"cpu 0.08 is Cloud Run's only", func(a *ServiceArgs) { a.Service.CPU = vcpu(0.08) }, "service.cpu", "0.08 vCPU is not a Fargate task size"},
		{"memory within the cpu's list", func(a *ServiceArgs) { a.Service.Memory = "768Mi" }, "service.memory", "768Mi is not offered with cpu 0.25 on Fargate (allowed with cpu 0.25: 512Mi, 1Gi, 2Gi)"},
		{"memory within the cpu's range", func(a *ServiceArgs) { a.Service.CPU = vcpu(1); a.Service.Memory = "1Gi" }, "service.memory",
			"1Gi is not offered with cpu 1 on Fargate (allowed with cpu 1: 2Gi to 8Gi in steps of 1Gi)"},
		{"memory on the cpu's step", func(a *ServiceArgs) { a.Service.CPU = vcpu(8); a.Service.Memory = "17Gi" }, "service.memory", "in steps of 4Gi"},
		{"architecture enum", func(a *ServiceArgs) { a.AWS.Architecture = "arm64" }, "aws.architecture", `"X86_64", "ARM64"`},
		{"platform version enum", func(a *ServiceArgs) { a.AWS.PlatformVersion = "1.3.0" }, "aws.platformVersion", `"LATEST", "1.4.0"`},
		{"health path", func(a *ServiceArgs) { a.Service.HealthPath = "healthz" }, "service.healthPath", `starting with "/"`},
		{"health interval minimum", func(a *ServiceArgs) { healthCheck(a).Interval = "4s" }, "aws.healthCheck.interval", "allowed: 5s to 300s"},
		{"health interval maximum", func(a *ServiceArgs) { healthCheck(a).Interval = "301s" }, "aws.healthCheck.interval", "allowed: 5s to 300s"},
		{"health timeout range", func(a *ServiceArgs) { healthCheck(a).Timeout = "1s" }, "aws.healthCheck.timeout", "allowed: 2s to 120s"},
		{"health timeout below interval", func(a *ServiceArgs) { healthCheck(a).Timeout = "10s" }, "aws.healthCheck.timeout", "less than aws.healthCheck.interval"},
		{"healthy threshold range", func(a *ServiceArgs) { healthCheck(a).HealthyThreshold = n(11) }, "aws.healthCheck.healthyThreshold", "allowed: 2 to 10"},
		{"an explicit threshold of 0 is an error", func(a *ServiceArgs) { healthCheck(a).UnhealthyThreshold = n(0) }, "aws.healthCheck.unhealthyThreshold", "allowed: 2 to 10"},
		{"matcher range", func(a *ServiceArgs) { healthCheck(a).Matcher = "200-599" }, "aws.healthCheck.matcher", "from 200 to 499"},
		{"matcher format", func(a *ServiceArgs) { healthCheck(a).Matcher = "ok" }, "aws.healthCheck.matcher", "not a success code matcher"},
		{"grace period is a duration", func(a *ServiceArgs) { a.AWS.HealthCheckGracePeriod = "-1s" }, "aws.healthCheckGracePeriod", "shorter than a second"},
		{"request timeout within the deregistration delay", func(a *ServiceArgs) { a.Service.Timeout = "2h" }, "service.timeout", "allowed on Fargate: 1s to 1h"},
		{"stop timeout maximum", func(a *ServiceArgs) { a.AWS.StopTimeout = "121s" }, "aws.stopTimeout", "allowed: 1s to 120s"},
		{"ephemeral storage minimum", func(a *ServiceArgs) { a.AWS.EphemeralStorageGiB = n(20) }, "aws.ephemeralStorageGiB", "allowed: 21 to 200"},
		{"ephemeral storage maximum", func(a *ServiceArgs) { a.AWS.EphemeralStorageGiB = n(201) }, "aws.ephemeralStorageGiB", "allowed: 21 to 200"},
		{"log retention is a CloudWatch value", func(a *ServiceArgs) { a.AWS.LogRetentionDays = n(31) }, "aws.logRetentionDays", "allowed: 1, 3, 5"},
		{"an explicit log retention of 0 is an error", func(a *ServiceArgs) { a.AWS.LogRetentionDays = n(0) }, "aws.logRetentionDays", "not a CloudWatch Logs retention"},
		{"env name", func(a *ServiceArgs) { a.Service.Env = pulumi.ToStringMap(map[string]string{"1X": "v"}) }, `service.env["1X"]`, "not an environment variable name"},
		{"env PORT comes from port", func(a *ServiceArgs) { a.Service.Env = pulumi.ToStringMap(map[string]string{"PORT": "80"}) }, `service.env["PORT"]`, "set from port"},
		{"secret env name", func(a *ServiceArgs) { a.Service.Secrets = secret(spec.Secret{Env: "DB-URL", Ref: ref(testDBARN)}) }, "service.secrets[0].env", "not an environment variable name"},
		{"secret env clashes with env", func(a *ServiceArgs) {
			a.Service.Env = pulumi.ToStringMap(map[string]string{"DB": "x"})
			a.Service.Secrets = secret(spec.Secret{Ref: ref(testDBARN)})
		}, "service.secrets[0].env", "also a plain variable"},
		{"secret env once", func(a *ServiceArgs) {
			a.Service.Secrets = []spec.Secret{{Env: "DB", Ref: ref(testDBARN)}, {Env: "DB", Ref: ref("/db")}}
		}, "service.secrets[1].env", "already the env of secrets[0]"},
		{"secrets are variables only", func(a *ServiceArgs) {
			a.Service.Secrets = []spec.Secret{{Path: "/etc/db/url", Ref: ref(testDBARN)}}
		}, "service.secrets[0].path", "environment variables only"},
		{"secret needs ref or value", func(a *ServiceArgs) { a.Service.Secrets = secret(spec.Secret{}) }, "service.secrets[0]", "neither ref nor value"},
		{"secret ref form", func(a *ServiceArgs) { a.Service.Secrets = secret(spec.Secret{Ref: ref("db password")}) }, "service.secrets[0].ref", "neither an ARN nor an SSM parameter name"},
		{"secret ARN of another service", func(a *ServiceArgs) {
			a.Service.Secrets = secret(spec.Secret{Ref: ref("arn:aws:s3:us-east-1:123456789012:bucket")})
		}, "service.secrets[0].ref", "is a s3 ARN"},
		{"secret suffix has every colon", func(a *ServiceArgs) {
			a.Service.Secrets = secret(spec.Secret{Ref: ref(testDBARN + ":password")})
		}, "service.secrets[0].ref", "every colon present"},
		{"secret parameter name not reserved", func(a *ServiceArgs) { a.Service.Secrets = secret(spec.Secret{Ref: ref("/aws/reference/x")}) }, "service.secrets[0].ref", "SSM reserves"},
		{"json key only for Secrets Manager", func(a *ServiceArgs) {
			a.Service.Secrets = secret(spec.Secret{Ref: ref("/app/db"), Key: "password"})
		}, "service.secrets[0].ref", "is an SSM parameter"},
		{"json key not twice", func(a *ServiceArgs) {
			a.Service.Secrets = secret(spec.Secret{Ref: ref(testDBARN + ":password::"), Key: "password"})
		}, "service.secrets[0].ref", "not both"},
		{"json key characters", func(a *ServiceArgs) {
			a.Service.Secrets = secret(spec.Secret{Ref: ref(testDBARN), Key: "a:b"})
		}, "service.secrets[0].key", "not a JSON key"},
		{"a version number is Cloud Run's", func(a *ServiceArgs) {
			a.Service.Secrets = secret(spec.Secret{Ref: ref(testDBARN), Version: ref("3")})
		}, "service.secrets[0].version", "Secret Manager version number"},
		{"a version is plain on Fargate", func(a *ServiceArgs) {
			a.Service.Secrets = secret(spec.Secret{Ref: ref(testDBARN), Version: pulumi.String("AWSCURRENT").ToStringOutput()})
		}, "service.secrets[0].version", "another resource's output"},
		{"kms key is a key ARN", func(a *ServiceArgs) {
			a.Service.Secrets = secret(spec.Secret{Ref: ref(testDBARN)})
			a.AWS.KMSKeyARN = pulumi.String("arn:aws:kms:us-east-1:123456789012:alias/app")
		}, "aws.kmsKeyArn", "alias ARN"},
		{"kms key with secrets", func(a *ServiceArgs) { a.AWS.KMSKeyARN = pulumi.String(testKMS) }, "aws.kmsKeyArn", "without service.secrets"},
		{"task statement effect", func(a *ServiceArgs) {
			a.AWS.TaskPolicy = statement(PolicyStatement{Effect: "allow"})
		}, "aws.taskPolicy[0].effect", `"Allow", "Deny"`},
		{"task statement needs an action", func(a *ServiceArgs) {
			a.AWS.TaskPolicy = statement(PolicyStatement{Actions: []string{}})
		}, "aws.taskPolicy[0].actions", "at least one"},
		{"task statement needs a resource", func(a *ServiceArgs) {
			a.AWS.TaskPolicy = statement(PolicyStatement{Resources: []string{}})
		}, "aws.taskPolicy[0].resources", "at least one"},
		{"task statement no * action", func(a *ServiceArgs) {
			a.AWS.TaskPolicy = statement(PolicyStatement{Actions: []string{"s3:GetObject", "*"}})
		}, "aws.taskPolicy[0].actions[1]", "every action of every service"},
		{"task statement no * service", func(a *ServiceArgs) {
			a.AWS.TaskPolicy = statement(PolicyStatement{Actions: []string{"*:Get*"}})
		}, "aws.taskPolicy[0].actions[0]", "every service"},
		{"task statement no iam:*", func(a *ServiceArgs) {
			a.AWS.TaskPolicy = statement(PolicyStatement{Actions: []string{"iam:*"}})
		}, "aws.taskPolicy[0].actions[0]", "IAM wildcards"},
		{"task statement no iam wildcard", func(a *ServiceArgs) {
			a.AWS.TaskPolicy = statement(PolicyStatement{Actions: []string{"iam:Pass*"}})
		}, "aws.taskPolicy[0].actions[0]", "IAM wildcards"},
		{"task statement action form", func(a *ServiceArgs) {
			a.AWS.TaskPolicy = statement(PolicyStatement{Actions: []string{"GetObject"}})
		}, "aws.taskPolicy[0].actions[0]", "not an action"},
		{"task statement no * resource", func(a *ServiceArgs) {
			a.AWS.TaskPolicy = statement(PolicyStatement{Resources: []string{"*"}})
		}, "aws.taskPolicy[0].resources[0]", "aws.allowWildcardResources"},
		{"task statement resource is an ARN", func(a *ServiceArgs) {
			a.AWS.TaskPolicy = statement(PolicyStatement{Resources: []string{"uploads"}})
		}, "aws.taskPolicy[0].resources[0]", "not an ARN"},
		{"exec needs a writable root", func(a *ServiceArgs) { a.AWS.EnableExec = true }, "aws.enableExec", "aws.writableRootFilesystem"},
		{"Fargate does not scale to zero", func(a *ServiceArgs) { a.Service.MinInstances = n(0) }, "service.minInstances", "cannot scale to zero"},
		{"max tasks range", func(a *ServiceArgs) { a.Service.MaxInstances = n(1001) }, "service.maxInstances", "allowed on Fargate: 1 to 1000"},
		{"min tasks at most max", func(a *ServiceArgs) { a.Service.MinInstances = n(5); a.Service.MaxInstances = n(3) }, "service.maxInstances", "minInstances 5 above maxInstances 3"},
		{"min tasks at most default max", func(a *ServiceArgs) { a.Service.MinInstances = n(11) }, "service.minInstances", "above maxInstances 10"},
		{"cpu target range", func(a *ServiceArgs) { a.AWS.CPUTarget = n(95) }, "aws.cpuTarget", "allowed: 10 to 90"},
		{"concurrency range", func(a *ServiceArgs) { a.Service.Concurrency = n(10001) }, "service.concurrency", "allowed on Fargate: 1 to 10000"},
		{"latency range", func(a *ServiceArgs) { a.AWS.Latency = "1us" }, "aws.latency", "from 1ms to 1m"},
		{"tag key not aws:", func(a *ServiceArgs) { a.AWS.Tags = map[string]string{"aws:owner": "x"} }, `aws.tags["aws:owner"]`, "AWS reserves"},
		{"tag value length", func(a *ServiceArgs) { a.AWS.Tags = map[string]string{"team": strings.Repeat("v", 257)} }, `aws.tags["team"]`, "at most 256"},
		{"at most 50 tags", func(a *ServiceArgs) { a.AWS.Tags = manyTags }, "aws.tags", "at most 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := minimalArgs()
			tt.mutate(a)
			verr, n := validateArgs(t, a)
			if verr == nil {
				t.Fatal("NewService accepted the args")
			}
			if n != 0 {
				t.Errorf("%d resources registered, want 0", n)
			}
			if got := verr.Fields(); !slices.Equal(got, []string{tt.field}) {
				t.Errorf("fields = %q, want [%q]\n%v", got, tt.field, verr)
			}
			for _, p := range verr.Problems {
				if !strings.Contains(p.Message, tt.wantMsg) {
					t.Errorf("message %q lacks %q", p.Message, tt.wantMsg)
				}
			}
		})
	}
}

func TestValidationReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	a := minimalArgs()
	a.Image = nil
	a.Service.CPU, a.Service.Memory = vcpu(0.5), "512Mi"
	a.AWS.StopTimeout = "5m"
	healthCheck(a).Interval = "2s"
	a.AWS.LogRetentionDays = n(10)
	a.AWS.AllowedCIDRs = []string{"everyone"}
	a.Service.Secrets = []spec.Secret{{Env: "DB", Ref: pulumi.String(testDBARN)}, {Env: "KEY", Ref: pulumi.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf:x")}}
	a.AWS.TaskPolicy = []PolicyStatement{{Actions: []string{"*"}, Resources: []string{"*"}}}
	a.Service.MinInstances = n(0)
	a.Service.MaxInstances = n(-2)
	verr, n := validateArgs(t, a)
	if verr == nil {
		t.Fatal("NewService accepted the args")
	}
	if n != 0 {
		t.Errorf("%d resources registered, want 0", n)
	}
	want := []string{
		"aws.allowedCidrs[0]", "aws.healthCheck.interval", "aws.logRetentionDays", "aws.stopTimeout",
		"aws.taskPolicy[0].actions[0]", "aws.taskPolicy[0].resources[0]", "image",
		"service.maxInstances", "service.memory", "service.minInstances", "service.secrets[1].ref",
	}
	if got := verr.Fields(); !slices.Equal(got, want) {
		t.Errorf("fields =\n  %q\nwant\n  %q\nerror:\n%v", got, want, verr)
	}
	if !strings.HasPrefix(verr.Error(), `invalid arguments for berth:fargate:Service "api":`) {
		t.Errorf("error header: %v", verr)
	}
}

func TestResolveAppliesDefaults(t *testing.T) {
	t.Parallel()
	p, err := minimalArgs().resolve("berth", "test", "api")
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]any{
		"cpu":                 {p.cpu, 256},
		"memory":              {p.memory, 512},
		"arch":                {p.arch, X86_64},
		"platformVersion":     {p.platformVersion, "LATEST"},
		"port":                {p.port, 8080},
		"https":               {p.https, false},
		"sslPolicy":           {p.sslPolicy, TLS12And13},
		"idleTimeout":         {p.idleTimeout, 60},
		"health":              {p.health, plannedHealth{path: "/healthz", interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: "200"}},
		"gracePeriod":         {p.gracePeriod, 30},
		"deregistrationDelay": {p.deregistrationDelay, 60},
		"stopTimeout":         {p.stopTimeout, 30},
		"ephemeralGiB":        {p.ephemeralGiB, 0},
		"readonlyRoot":        {p.readonlyRoot, true},
		"retentionDays":       {p.retentionDays, 30},
		"exec":                {p.exec, false},
		"publicIP":            {p.publicIP, false},
		"internal":            {p.internal, false},
		"minTasks":            {p.minTasks, 2},
		"maxTasks":            {p.maxTasks, 10},
		"cpuTarget":           {p.cpuTarget, 60},
		"requestTarget":       {p.requestTarget, 16800},
		"cidrs":               {fmt.Sprint(p.cidrs), "[0.0.0.0/0 ::/0]"},
		"loadBalancer":        {p.loadBalancer, testName},
		"execRole":            {p.execRole, testExecRole},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %v, want %v", name, c[0], c[1])
		}
	}
}

// TestInternalByDefault: without service.public the load balancer is
// internal, and needs neither a certificate nor plainHttp.
func TestInternalByDefault(t *testing.T) {
	t.Parallel()
	a := minimalArgs()
	a.Service.Public, a.AWS.PlainHTTP = false, false
	p, err := a.resolve("berth", "test", "api")
	if err != nil {
		t.Fatal(err)
	}
	if !p.internal || p.https {
		t.Errorf("internal = %v, https = %v; want an internal plain-HTTP load balancer", p.internal, p.https)
	}
}

func TestDerivedNamesFitTheirLimits(t *testing.T) {
	t.Parallel()
	for _, name := range []string{strings.Repeat("checkout-service-", 5), "internal-api", "Internal API", "9lives"} {
		for _, public := range []bool{false, true} {
			a := minimalArgs()
			a.Service.Public = public
			p, err := a.resolve("berth", "production", name)
			if err != nil {
				t.Fatalf("%q: %v", name, err)
			}
			if msg := lbNameProblem(p.loadBalancer, true); msg != "" {
				t.Errorf("%q: load balancer %s", name, msg)
			}
			if msg := lbNameProblem(p.targetGroup, false); msg != "" {
				t.Errorf("%q: target group %s", name, msg)
			}
			if len(p.execRole) > 64 || len(p.taskRole) > 64 {
				t.Errorf("%q: role names %q, %q exceed 64", name, p.execRole, p.taskRole)
			}
		}
	}
}

// TestTargetGroupNameFollowsTheVPCNotThePort: a new VPC replaces the group
// create-first, under a new name; a new port keeps the group (it keeps the
// port it was made with, see newNetwork), so its name stays.
func TestTargetGroupNameFollowsTheVPCNotThePort(t *testing.T) {
	t.Parallel()
	a, port, vpc := minimalArgs(), minimalArgs(), minimalArgs()
	port.Service.Port = n(9000)
	vpc.AWS.VPCID = pulumi.String("vpc-0def")
	pa, _ := a.resolve("berth", "test", "api")
	pp, _ := port.resolve("berth", "test", "api")
	pv, _ := vpc.resolve("berth", "test", "api")
	if pa.targetGroup != pp.targetGroup {
		t.Errorf("target group name changed with the port: %q, %q", pa.targetGroup, pp.targetGroup)
	}
	if pa.targetGroup == pv.targetGroup {
		t.Errorf("target group name %q does not change with the VPC, so its create-first replacement would clash", pa.targetGroup)
	}
	if pa.loadBalancer != pp.loadBalancer {
		t.Errorf("load balancer name changed with the port: %q, %q", pa.loadBalancer, pp.loadBalancer)
	}
}

// TestValidateAcceptsMissingImage checks the pre-flight used by programs that
// build the image in the same deployment.
func TestValidateAcceptsMissingImage(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test")
	var okErr, badErr error
	err := m.Run(func(ctx *pulumi.Context) error {
		a := minimalArgs()
		a.Image = nil
		okErr = a.Validate(ctx, "api")
		a.Service.CPU = vcpu(0.33)
		badErr = a.Validate(ctx, "api")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if okErr != nil {
		t.Errorf("Validate without image = %v, want nil", okErr)
	}
	var verr *validate.Error
	if !errors.As(badErr, &verr) {
		t.Fatalf("Validate = %v, want a *validate.Error", badErr)
	}
	if got, want := verr.Fields(), []string{"service.cpu"}; !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
}
