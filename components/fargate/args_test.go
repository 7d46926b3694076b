package fargate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/iampolicy"
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
	secret := func(s Secret) []Secret {
		if s.Name == "" {
			s.Name = "DB"
		}
		return []Secret{s}
	}
	statement := func(s iampolicy.Statement) []iampolicy.Statement {
		if s.Action == nil {
			s.Action = []string{"s3:GetObject"}
		}
		if s.Resource == nil {
			s.Resource = []string{"arn:aws:s3:::bucket/*"}
		}
		return []iampolicy.Statement{s}
	}
	manyTags := map[string]string{}
	for i := range 50 {
		manyTags[fmt.Sprintf("t%d", i)] = "x"
	}

	tests := []struct {
		name    string
		mutate  func(a *ServiceArgs)
		field   string
		wantMsg string
	}{
		{"image is required", func(a *ServiceArgs) { a.Image = nil }, "image", "required"},
		{"image is not empty", func(a *ServiceArgs) { a.Image = pulumi.String(" ") }, "image", "must not be empty"},
		{"repository is an ECR ARN", func(a *ServiceArgs) { a.RepositoryARN = pulumi.String("api") }, "repositoryArn", "not an ECR repository ARN"},
		{"vpc is required", func(a *ServiceArgs) { a.VpcID = nil }, "vpcId", "required"},
		{"vpc is a VPC ID", func(a *ServiceArgs) { a.VpcID = pulumi.String("subnet-1") }, "vpcId", "not a VPC ID"},
		{"load balancer subnets required", func(a *ServiceArgs) { a.LoadBalancerSubnetIDs = nil }, "loadBalancerSubnetIds", "required"},
		{"load balancer needs two subnets", func(a *ServiceArgs) { a.LoadBalancerSubnetIDs = pulumi.ToStringArray([]string{"subnet-1"}) }, "loadBalancerSubnetIds", "at least two subnets"},
		{"subnet IDs look like subnets", func(a *ServiceArgs) { a.LoadBalancerSubnetIDs = pulumi.ToStringArray([]string{"subnet-1", "vpc-2"}) }, "loadBalancerSubnetIds[1]", "not a subnet ID"},
		{"subnet listed once", func(a *ServiceArgs) {
			a.LoadBalancerSubnetIDs = pulumi.ToStringArray([]string{"subnet-1", "subnet-1"})
		}, "loadBalancerSubnetIds[1]", "already loadBalancerSubnetIds[0]"},
		{"task subnets required", func(a *ServiceArgs) { a.TaskSubnetIDs = nil }, "taskSubnetIds", "required"},
		{"task subnets not empty", func(a *ServiceArgs) { a.TaskSubnetIDs = pulumi.StringArray{} }, "taskSubnetIds", "at least one subnet"},
		{"allowed CIDRs not empty", func(a *ServiceArgs) { a.AllowedCIDRs = []string{} }, "allowedCidrs", "at least one CIDR"},
		{"allowed CIDR is a CIDR", func(a *ServiceArgs) { a.AllowedCIDRs = []string{"10.0.0.0/8", "office"} }, "allowedCidrs[1]", "not a CIDR"},
		{"allowed CIDR without host bits", func(a *ServiceArgs) { a.AllowedCIDRs = []string{"10.1.2.3/8"} }, "allowedCidrs[0]", `"10.0.0.0/8"`},
		{"allowed CIDR once", func(a *ServiceArgs) { a.AllowedCIDRs = []string{"::/0", "::/0"} }, "allowedCidrs[1]", "already allowedCidrs[0]"},
		{"certificate is a certificate ARN", func(a *ServiceArgs) { a.PlainHTTP = false; a.CertificateARN = pulumi.String("my-cert") }, "certificateArn", "not a certificate ARN"},
		{"internet-facing needs a certificate or plain HTTP by name", func(a *ServiceArgs) { a.PlainHTTP = false }, "certificateArn", "required on an internet-facing load balancer (allowed: an ACM certificate ARN; to serve unencrypted HTTP, fit for development only, set plainHttp)"},
		{"an empty certificate is not plain HTTP", func(a *ServiceArgs) { a.PlainHTTP = false; a.CertificateARN = pulumi.String("") }, "certificateArn", "empty (allowed: an ACM certificate ARN"},
		{"plain HTTP conflicts with a certificate", func(a *ServiceArgs) { a.CertificateARN = pulumi.String(testCert) }, "plainHttp", "set together with certificateArn"},
		{"ssl policy enum", func(a *ServiceArgs) {
			a.PlainHTTP = false
			a.CertificateARN = pulumi.String(testCert)
			a.SSLPolicy = "ELBSecurityPolicy-2016-08"
		}, "sslPolicy", `"ELBSecurityPolicy-TLS13-1-2-2021-06"`},
		{"ssl policy needs a certificate", func(a *ServiceArgs) { a.SSLPolicy = TLS13Only }, "sslPolicy", "without certificateArn"},
		{"idle timeout maximum", func(a *ServiceArgs) { a.IdleTimeout = 4001 * time.Second }, "idleTimeout", "allowed: 1s to 4000s"},
		{"idle timeout whole seconds", func(a *ServiceArgs) { a.IdleTimeout = 1500 * time.Millisecond }, "idleTimeout", "whole number of seconds"},
		{"load balancer name length", func(a *ServiceArgs) { a.LoadBalancerName = strings.Repeat("a", 33) }, "loadBalancerName", "33 characters"},
		{"load balancer name characters", func(a *ServiceArgs) { a.LoadBalancerName = "api_lb" }, "loadBalancerName", "character"},
		{"load balancer name hyphens", func(a *ServiceArgs) { a.LoadBalancerName = "api-" }, "loadBalancerName", "ends with a hyphen"},
		{"load balancer name not internal-", func(a *ServiceArgs) { a.LoadBalancerName = "internal-api" }, "loadBalancerName", `"internal-"`},
		{"target group name length", func(a *ServiceArgs) { a.TargetGroupName = strings.Repeat("t", 40) }, "targetGroupName", "allowed: 1 to 32"},
		{"cluster is a cluster ARN", func(a *ServiceArgs) { a.ClusterARN = pulumi.String("default") }, "clusterArn", "not an ECS cluster ARN"},
		{"port range", func(a *ServiceArgs) { a.Port = 70000 }, "port", "allowed: 1 to 65535"},
		{"cpu is a Fargate size", func(a *ServiceArgs) { a.CPU = 300 }, "cpu", "allowed CPU units: 256, 512"},
		{"memory within the cpu's list", func(a *ServiceArgs) { a.Memory = 768 }, "memory", "allowed: 512, 1024, 2048 MiB"},
		{"memory within the cpu's range", func(a *ServiceArgs) { a.CPU = 1024; a.Memory = 1024 }, "memory", "2048 to 8192 in steps of 1024"},
		{"memory on the cpu's step", func(a *ServiceArgs) { a.CPU = 8192; a.Memory = 17408 }, "memory", "in steps of 4096"},
		{"architecture enum", func(a *ServiceArgs) { a.CPUArchitecture = "arm64" }, "cpuArchitecture", `"X86_64", "ARM64"`},
		{"platform version enum", func(a *ServiceArgs) { a.PlatformVersion = "1.3.0" }, "platformVersion", `"LATEST", "1.4.0"`},
		{"health path", func(a *ServiceArgs) { a.HealthCheck.Path = "healthz" }, "healthCheck.path", `starting with "/"`},
		{"health interval minimum", func(a *ServiceArgs) { a.HealthCheck.Interval = 4 * time.Second }, "healthCheck.interval", "allowed: 5s to 300s"},
		{"health interval maximum", func(a *ServiceArgs) { a.HealthCheck.Interval = 301 * time.Second }, "healthCheck.interval", "allowed: 5s to 300s"},
		{"health timeout range", func(a *ServiceArgs) { a.HealthCheck.Timeout = time.Second }, "healthCheck.timeout", "allowed: 2s to 120s"},
		{"health timeout below interval", func(a *ServiceArgs) { a.HealthCheck.Timeout = 10 * time.Second }, "healthCheck.timeout", "less than healthCheck.interval"},
		{"healthy threshold range", func(a *ServiceArgs) { a.HealthCheck.HealthyThreshold = 11 }, "healthCheck.healthyThreshold", "allowed: 2 to 10"},
		{"unhealthy threshold range", func(a *ServiceArgs) { a.HealthCheck.UnhealthyThreshold = 1 }, "healthCheck.unhealthyThreshold", "allowed: 2 to 10"},
		{"matcher range", func(a *ServiceArgs) { a.HealthCheck.Matcher = "200-599" }, "healthCheck.matcher", "from 200 to 499"},
		{"matcher format", func(a *ServiceArgs) { a.HealthCheck.Matcher = "ok" }, "healthCheck.matcher", "not a success code matcher"},
		{"grace period positive", func(a *ServiceArgs) { a.HealthCheckGracePeriod = -time.Second }, "healthCheckGracePeriod", "out of range"},
		{"request timeout within the deregistration delay", func(a *ServiceArgs) { a.RequestTimeout = 2 * time.Hour }, "requestTimeout", "allowed: 1s to 3600s"},
		{"stop timeout maximum", func(a *ServiceArgs) { a.StopTimeout = 121 * time.Second }, "stopTimeout", "allowed: 1s to 120s"},
		{"ephemeral storage minimum", func(a *ServiceArgs) { a.EphemeralStorageGiB = 20 }, "ephemeralStorageGiB", "allowed: 21 to 200"},
		{"ephemeral storage maximum", func(a *ServiceArgs) { a.EphemeralStorageGiB = 201 }, "ephemeralStorageGiB", "allowed: 21 to 200"},
		{"log retention is a CloudWatch value", func(a *ServiceArgs) { a.LogRetentionDays = 31 }, "logRetentionDays", "allowed: 1, 3, 5"},
		{"log retention is finite", func(a *ServiceArgs) { a.LogRetentionDays = -1 }, "logRetentionDays", "not a CloudWatch Logs retention"},
		{"env name", func(a *ServiceArgs) { a.Env = map[string]string{"1X": "v"} }, `env["1X"]`, "not an environment variable name"},
		{"env PORT comes from port", func(a *ServiceArgs) { a.Env = map[string]string{"PORT": "80"} }, `env["PORT"]`, "set from port"},
		{"secret name", func(a *ServiceArgs) { a.Secrets = secret(Secret{Name: "DB-URL", ValueFrom: pulumi.String(testDBARN)}) }, "secrets[0].name", "not an environment variable name"},
		{"secret name clashes with env", func(a *ServiceArgs) {
			a.Env = map[string]string{"DB": "x"}
			a.Secrets = secret(Secret{ValueFrom: pulumi.String(testDBARN)})
		}, "secrets[0].name", "also a plain variable"},
		{"secret name once", func(a *ServiceArgs) {
			a.Secrets = []Secret{{Name: "DB", ValueFrom: pulumi.String(testDBARN)}, {Name: "DB", ValueFrom: pulumi.String("/db")}}
		}, "secrets[1].name", "already the name of secrets[0]"},
		{"secret valueFrom required", func(a *ServiceArgs) { a.Secrets = secret(Secret{}) }, "secrets[0].valueFrom", "required"},
		{"secret valueFrom form", func(a *ServiceArgs) { a.Secrets = secret(Secret{ValueFrom: pulumi.String("db password")}) }, "secrets[0].valueFrom", "neither an ARN nor an SSM parameter name"},
		{"secret ARN of another service", func(a *ServiceArgs) {
			a.Secrets = secret(Secret{ValueFrom: pulumi.String("arn:aws:s3:us-east-1:123456789012:bucket")})
		}, "secrets[0].valueFrom", "is a s3 ARN"},
		{"secret suffix has every colon", func(a *ServiceArgs) {
			a.Secrets = secret(Secret{ValueFrom: pulumi.String(testDBARN + ":password")})
		}, "secrets[0].valueFrom", "every colon present"},
		{"secret parameter name not reserved", func(a *ServiceArgs) { a.Secrets = secret(Secret{ValueFrom: pulumi.String("/aws/reference/x")}) }, "secrets[0].valueFrom", "SSM reserves"},
		{"json key only for Secrets Manager", func(a *ServiceArgs) {
			a.Secrets = secret(Secret{ValueFrom: pulumi.String("/app/db"), JSONKey: "password"})
		}, "secrets[0].valueFrom", "is an SSM parameter"},
		{"json key not twice", func(a *ServiceArgs) {
			a.Secrets = secret(Secret{ValueFrom: pulumi.String(testDBARN + ":password::"), JSONKey: "password"})
		}, "secrets[0].valueFrom", "not both"},
		{"json key without colons", func(a *ServiceArgs) {
			a.Secrets = secret(Secret{ValueFrom: pulumi.String(testDBARN), JSONKey: "a:b"})
		}, "secrets[0].jsonKey", "without colons"},
		{"version stage or ID", func(a *ServiceArgs) {
			a.Secrets = secret(Secret{ValueFrom: pulumi.String(testDBARN), VersionStage: "AWSCURRENT", VersionID: "1f0e"})
		}, "secrets[0].versionId", "at most one of them"},
		{"kms key is a key ARN", func(a *ServiceArgs) {
			a.Secrets = secret(Secret{ValueFrom: pulumi.String(testDBARN)})
			a.KMSKeyARN = pulumi.String("arn:aws:kms:us-east-1:123456789012:alias/app")
		}, "kmsKeyArn", "alias ARN"},
		{"kms key with secrets", func(a *ServiceArgs) { a.KMSKeyARN = pulumi.String(testKMS) }, "kmsKeyArn", "without secrets"},
		{"task statement effect", func(a *ServiceArgs) {
			a.TaskPolicyStatements = statement(iampolicy.Statement{Effect: "allow"})
		}, "taskPolicyStatements[0].effect", `"Allow", "Deny"`},
		{"task statement no principal", func(a *ServiceArgs) {
			a.TaskPolicyStatements = statement(iampolicy.Statement{Principal: &iampolicy.Principal{AWS: []string{"*"}}})
		}, "taskPolicyStatements[0].principal", "identity policy"},
		{"task statement needs an action", func(a *ServiceArgs) {
			a.TaskPolicyStatements = statement(iampolicy.Statement{Action: []string{}})
		}, "taskPolicyStatements[0].action", "at least one"},
		{"task statement needs a resource", func(a *ServiceArgs) {
			a.TaskPolicyStatements = statement(iampolicy.Statement{Resource: []string{}})
		}, "taskPolicyStatements[0].resource", "at least one"},
		{"task statement no * action", func(a *ServiceArgs) {
			a.TaskPolicyStatements = statement(iampolicy.Statement{Action: []string{"s3:GetObject", "*"}})
		}, "taskPolicyStatements[0].action[1]", "every action of every service"},
		{"task statement no * service", func(a *ServiceArgs) {
			a.TaskPolicyStatements = statement(iampolicy.Statement{Action: []string{"*:Get*"}})
		}, "taskPolicyStatements[0].action[0]", "every service"},
		{"task statement no iam:*", func(a *ServiceArgs) {
			a.TaskPolicyStatements = statement(iampolicy.Statement{Action: []string{"iam:*"}})
		}, "taskPolicyStatements[0].action[0]", "IAM wildcards"},
		{"task statement no iam wildcard", func(a *ServiceArgs) {
			a.TaskPolicyStatements = statement(iampolicy.Statement{Action: []string{"iam:Pass*"}})
		}, "taskPolicyStatements[0].action[0]", "IAM wildcards"},
		{"task statement action form", func(a *ServiceArgs) {
			a.TaskPolicyStatements = statement(iampolicy.Statement{Action: []string{"GetObject"}})
		}, "taskPolicyStatements[0].action[0]", "not an action"},
		{"task statement no * resource", func(a *ServiceArgs) {
			a.TaskPolicyStatements = statement(iampolicy.Statement{Resource: []string{"*"}})
		}, "taskPolicyStatements[0].resource[0]", "allowWildcardResources"},
		{"task statement resource is an ARN", func(a *ServiceArgs) {
			a.TaskPolicyStatements = statement(iampolicy.Statement{Resource: []string{"uploads"}})
		}, "taskPolicyStatements[0].resource[0]", "not an ARN"},
		{"exec needs a writable root", func(a *ServiceArgs) { a.EnableExec = true }, "enableExec", "writableRootFilesystem"},
		{"min tasks positive", func(a *ServiceArgs) { a.MinTasks = -1 }, "minTasks", "does not scale to zero"},
		{"max tasks range", func(a *ServiceArgs) { a.MaxTasks = 1001 }, "maxTasks", "allowed: 1 to 1000"},
		{"min tasks at most max", func(a *ServiceArgs) { a.MinTasks = 5; a.MaxTasks = 3 }, "minTasks", "above maxTasks 3"},
		{"min tasks at most default max", func(a *ServiceArgs) { a.MinTasks = 11 }, "minTasks", "above maxTasks 10"},
		{"cpu target range", func(a *ServiceArgs) { a.CPUTarget = 95 }, "cpuTarget", "allowed: 10 to 90"},
		{"concurrency range", func(a *ServiceArgs) { a.Concurrency = -1 }, "concurrency", "allowed: 1 to 10000"},
		{"latency range", func(a *ServiceArgs) { a.Latency = time.Microsecond }, "latency", "allowed: 1ms to 1m0s"},
		{"tag key not aws:", func(a *ServiceArgs) { a.Tags = map[string]string{"aws:owner": "x"} }, `tags["aws:owner"]`, "AWS reserves"},
		{"tag value length", func(a *ServiceArgs) { a.Tags = map[string]string{"team": strings.Repeat("v", 257)} }, `tags["team"]`, "at most 256"},
		{"at most 50 tags", func(a *ServiceArgs) { a.Tags = manyTags }, "tags", "at most 50"},
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
	a.CPU, a.Memory = 512, 512
	a.StopTimeout = 5 * time.Minute
	a.HealthCheck.Interval = 2 * time.Second
	a.LogRetentionDays = 10
	a.AllowedCIDRs = []string{"everyone"}
	a.Secrets = []Secret{{Name: "DB", ValueFrom: pulumi.String(testDBARN)}, {Name: "KEY", ValueFrom: pulumi.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf:x")}}
	a.TaskPolicyStatements = []iampolicy.Statement{{Action: []string{"*"}, Resource: []string{"*"}}}
	a.MinTasks = 0
	a.MaxTasks = -2
	verr, n := validateArgs(t, a)
	if verr == nil {
		t.Fatal("NewService accepted the args")
	}
	if n != 0 {
		t.Errorf("%d resources registered, want 0", n)
	}
	want := []string{
		"allowedCidrs[0]", "healthCheck.interval", "image", "logRetentionDays", "maxTasks", "memory",
		"secrets[1].valueFrom", "stopTimeout", "taskPolicyStatements[0].action[0]", "taskPolicyStatements[0].resource[0]",
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
		"health":              {p.health, HealthCheck{Path: "/healthz", Interval: 10 * time.Second, Timeout: 5 * time.Second, HealthyThreshold: 2, UnhealthyThreshold: 3, Matcher: "200"}},
		"gracePeriod":         {p.gracePeriod, 30},
		"deregistrationDelay": {p.deregistrationDelay, 30},
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

func TestDerivedNamesFitTheirLimits(t *testing.T) {
	t.Parallel()
	for _, name := range []string{strings.Repeat("checkout-service-", 5), "internal-api", "Internal API", "9lives"} {
		for _, internal := range []bool{false, true} {
			a := minimalArgs()
			a.Internal = internal
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

func TestTargetGroupNameFollowsThePort(t *testing.T) {
	t.Parallel()
	a, b := minimalArgs(), minimalArgs()
	b.Port = 9000
	pa, _ := a.resolve("berth", "test", "api")
	pb, _ := b.resolve("berth", "test", "api")
	if pa.targetGroup == pb.targetGroup {
		t.Errorf("target group name %q does not change with the port, so its replacement would clash", pa.targetGroup)
	}
	if pa.loadBalancer != pb.loadBalancer {
		t.Errorf("load balancer name changed with the port: %q, %q", pa.loadBalancer, pb.loadBalancer)
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
		a.CPU = 333
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
	if got, want := verr.Fields(), []string{"cpu"}; !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
	if n := len(m.Resources()); n != 0 {
		t.Errorf("%d resources registered, want 0", n)
	}
}
