package program

import (
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// awsConfig is a prod-like stack: a JSON key of a Secrets Manager secret, an
// SSM parameter and a secret created from a value.
func awsConfig() map[string]any {
	return map[string]any{
		"aws:region":  "us-east-1",
		"berth:cloud": "aws",
		"berth:service": map[string]any{
			"name": "api", "cpu": 0.5, "memory": "1Gi", "concurrency": 50,
			"minInstances": 2, "maxInstances": 6, "timeout": "30s", "public": true,
			"env": map[string]any{"LOG_LEVEL": "info", "SHUTDOWN_TIMEOUT": "40s"},
			"secrets": []any{
				map[string]any{"env": "DATABASE_URL", "ref": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-Xy12Ab", "key": "url"},
				map[string]any{"env": "API_TOKEN", "ref": "/api/token"},
				map[string]any{"env": "WEBHOOK_KEY", "value": canary},
			},
		},
		"berth:aws": map[string]any{
			"vpcId":                 "vpc-0123456789abcdef0",
			"loadBalancerSubnetIds": []any{"subnet-a", "subnet-b"},
			"taskSubnetIds":         []any{"subnet-c", "subnet-d"},
			"certificateArn":        "arn:aws:acm:us-east-1:123456789012:certificate/abc",
		},
	}
}

// containerDef returns the one container definition of the task definition.
func containerDef(t *testing.T, m *testkit.Monitor) map[string]any {
	t.Helper()
	td := m.One(t, "aws:ecs/taskDefinition:TaskDefinition")
	var defs []map[string]any
	if err := json.Unmarshal([]byte(td.Inputs["containerDefinitions"].StringValue()), &defs); err != nil || len(defs) != 1 {
		t.Fatalf("containerDefinitions: %v (%d)", err, len(defs))
	}
	return defs[0]
}

func TestAWSStackRegistersTheWholeService(t *testing.T) {
	t.Parallel()
	m, err := deploy(t, awsConfig(), "berth:service")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, r := range m.Resources() {
		counts[r.Type]++
	}
	want := map[string]int{
		"berth:image:Image":                                         1,
		"berth:index:Service":                                       1,
		"aws:ecr/repository:Repository":                             1,
		"aws:ecr/lifecyclePolicy:LifecyclePolicy":                   1,
		"docker:index/image:Image":                                  1,
		"aws:secretsmanager/secret:Secret":                          1,
		"aws:secretsmanager/secretVersion:SecretVersion":            1,
		"berth:fargate:Service":                                     1,
		"aws:cloudwatch/logGroup:LogGroup":                          1,
		"aws:iam/role:Role":                                         2,
		"aws:iam/rolePolicy:RolePolicy":                             1,
		"aws:ec2/securityGroup:SecurityGroup":                       2,
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 5,
		"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   3,
		"aws:lb/loadBalancer:LoadBalancer":                          1,
		"aws:lb/targetGroup:TargetGroup":                            1,
		"aws:lb/listener:Listener":                                  2,
		"aws:ecs/cluster:Cluster":                                   1,
		"aws:ecs/taskDefinition:TaskDefinition":                     1,
		"aws:ecs/service:Service":                                   1,
		"aws:appautoscaling/target:Target":                          1,
		"aws:appautoscaling/policy:Policy":                          2,
		"aws:cloudwatch/metricAlarm:MetricAlarm":                    2,
	}
	var diff []string
	for typ := range merge(counts, want) {
		if counts[typ] != want[typ] {
			diff = append(diff, typ)
		}
	}
	sort.Strings(diff)
	for _, typ := range diff {
		t.Errorf("%s: %d registered, want %d", typ, counts[typ], want[typ])
	}
}

func merge(a, b map[string]int) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func TestAWSSizesAndScalingReachFargate(t *testing.T) {
	t.Parallel()
	m, err := deploy(t, awsConfig(), "berth:service")
	if err != nil {
		t.Fatal(err)
	}
	td := m.One(t, "aws:ecs/taskDefinition:TaskDefinition")
	if cpu, mem := td.Inputs["cpu"].StringValue(), td.Inputs["memory"].StringValue(); cpu != "512" || mem != "1024" {
		t.Errorf("task cpu/memory = %s/%s, want 512/1024", cpu, mem)
	}
	target := m.One(t, "aws:appautoscaling/target:Target")
	if lo, hi := target.Inputs["minCapacity"].NumberValue(), target.Inputs["maxCapacity"].NumberValue(); lo != 2 || hi != 6 {
		t.Errorf("scaling = %v-%v, want 2-6", lo, hi)
	}
	// SHUTDOWN_TIMEOUT 40s plus the 2 s margin.
	if got := containerDef(t, m)["stopTimeout"]; got != float64(42) {
		t.Errorf("stopTimeout = %v, want 42", got)
	}
	if got := m.One(t, "aws:lb/loadBalancer:LoadBalancer").Inputs["internal"].BoolValue(); got {
		t.Error("service.public true gave an internal load balancer")
	}
	if got := m.One(t, "aws:lb/targetGroup:TargetGroup").Inputs["deregistrationDelay"].NumberValue(); got != 30 {
		t.Errorf("deregistrationDelay = %v, want the 30 s request timeout", got)
	}
}

func TestAWSSecretsReachTheTaskAndTheExecutionRole(t *testing.T) {
	t.Parallel()
	m, err := deploy(t, awsConfig(), "berth:service")
	if err != nil {
		t.Fatal(err)
	}
	created := m.One(t, "aws:secretsmanager/secret:Secret")
	if got, want := created.Inputs["name"].StringValue(), "api-webhook-key-"+hash7("berth/dev/api/secret/webhook-key"); got != want {
		t.Errorf("created secret name = %q, want %q", got, want)
	}
	createdARN := created.Outputs["arn"].StringValue()
	version := m.One(t, "aws:secretsmanager/secretVersion:SecretVersion")
	if v := version.Inputs["secretString"]; !v.IsSecret() {
		t.Errorf("secretString is not a secret")
	}
	var got []string
	for _, s := range containerDef(t, m)["secrets"].([]any) {
		e := s.(map[string]any)
		got = append(got, e["name"].(string)+"="+e["valueFrom"].(string))
	}
	want := []string{
		"API_TOKEN=/api/token",
		"DATABASE_URL=arn:aws:secretsmanager:us-east-1:123456789012:secret:db-Xy12Ab:url::",
		"WEBHOOK_KEY=" + createdARN,
	}
	if !slices.Equal(got, want) {
		t.Errorf("container secrets = %v, want %v", got, want)
	}
	policy := m.One(t, "aws:iam/rolePolicy:RolePolicy").Inputs["policy"].StringValue()
	for _, arn := range []string{
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-Xy12Ab\"",
		"arn:aws:ssm:us-east-1:" + testkit.AWSAccount + ":parameter/api/token",
		createdARN,
	} {
		if !strings.Contains(policy, arn) {
			t.Errorf("execution role policy does not grant %s:\n%s", arn, policy)
		}
	}
	td := m.One(t, "aws:ecs/taskDefinition:TaskDefinition")
	if strings.Contains(td.Inputs["containerDefinitions"].StringValue(), canary) {
		t.Error("the secret value reached the task definition")
	}
}

func TestAWSRejectsWhatOnlyCloudRunOffers(t *testing.T) {
	t.Parallel()
	cfg := awsConfig()
	svc := cfg["berth:service"].(map[string]any)
	svc["cpu"] = 0.08
	svc["minInstances"] = 0
	svc["secrets"] = []any{map[string]any{"path": "/etc/secrets/db", "ref": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-Xy12Ab"}}
	cfg["berth:aws"].(map[string]any)["architecture"] = "SPARC"
	m, err := deploy(t, cfg, "berth:service")
	var verr *validate.Error
	if !errors.As(err, &verr) {
		t.Fatalf("err = %v, want a *validate.Error", err)
	}
	want := []string{"aws.architecture", "service.cpu", "service.minInstances", "service.secrets[0].path"}
	if got := verr.Fields(); !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v\n%v", got, want, err)
	}
	if n := len(m.Resources()); n != 0 {
		t.Errorf("%d resources registered, want none", n)
	}
}

func TestFargateMemoryNotOfferedForTheCPUIsNamed(t *testing.T) {
	t.Parallel()
	cfg := awsConfig()
	cfg["berth:service"].(map[string]any)["memory"] = "8Gi" // 0.5 vCPU offers 1-4 GiB
	_, err := deploy(t, cfg, "berth:service")
	var verr *validate.Error
	if !errors.As(err, &verr) || !slices.Contains(verr.Fields(), "service.memory") {
		t.Fatalf("err = %v, want a problem at service.memory", err)
	}
}

func TestCloudRunShutdownMustFitItsGracePeriod(t *testing.T) {
	t.Parallel()
	cfg := gcpConfig()
	cfg["berth:service"].(map[string]any)["env"].(map[string]any)["SHUTDOWN_TIMEOUT"] = "9s"
	cfg["berth:service"].(map[string]any)["env"].(map[string]any)["DRAIN_DELAY"] = "5s"
	_, err := deploy(t, cfg, "berth:service")
	var verr *validate.Error
	if !errors.As(err, &verr) || !slices.Equal(verr.Fields(), []string{"service.env.SHUTDOWN_TIMEOUT"}) {
		t.Fatalf("err = %v, want one problem at service.env.SHUTDOWN_TIMEOUT", err)
	}
}

func TestAWSReviewRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(svc, aws map[string]any)
		field  string
	}{
		{"value with key", func(svc, _ map[string]any) {
			svc["secrets"].([]any)[2].(map[string]any)["key"] = "k"
		}, "service.secrets[2].key"},
		{"numeric version", func(svc, _ map[string]any) {
			svc["secrets"].([]any)[0].(map[string]any)["version"] = "1"
		}, "service.secrets[0].version"},
		{"timeout beyond the app's keep-alive", func(svc, _ map[string]any) {
			svc["timeout"] = "300s"
		}, "service.timeout"},
		{"shutdown beyond stopTimeout maximum", func(svc, _ map[string]any) {
			svc["env"].(map[string]any)["SHUTDOWN_TIMEOUT"] = "119s"
		}, "service.env.SHUTDOWN_TIMEOUT"},
		{"public without a certificate", func(_, aws map[string]any) {
			delete(aws, "certificateArn")
		}, "aws.certificateArn"},
		{"plain HTTP together with a certificate", func(_, aws map[string]any) {
			aws["plainHttp"] = true
		}, "aws.plainHttp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := awsConfig()
			tt.change(cfg["berth:service"].(map[string]any), cfg["berth:aws"].(map[string]any))
			m, err := deploy(t, cfg, "berth:service")
			var verr *validate.Error
			if !errors.As(err, &verr) || !slices.Equal(verr.Fields(), []string{tt.field}) {
				t.Fatalf("err = %v, want one problem at %s", err, tt.field)
			}
			if n := len(m.Resources()); n != 0 {
				t.Errorf("%d resources registered, want none", n)
			}
		})
	}
}

func TestAWSTimeoutsFollowTheService(t *testing.T) {
	t.Parallel()
	cfg := awsConfig()
	svc := cfg["berth:service"].(map[string]any)
	svc["timeout"] = "90s"
	svc["env"].(map[string]any)["SHUTDOWN_TIMEOUT"] = "29400ms"
	m, err := deploy(t, cfg, "berth:service")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.One(t, "aws:lb/loadBalancer:LoadBalancer").Inputs["idleTimeout"].NumberValue(); got != 90 {
		t.Errorf("idleTimeout = %v, want the 90 s request timeout", got)
	}
	// 29.4 s + 2 s rounds up, never down.
	if got := containerDef(t, m)["stopTimeout"]; got != float64(32) {
		t.Errorf("stopTimeout = %v, want 32", got)
	}
	if got := m.One(t, "aws:secretsmanager/secret:Secret").Inputs["recoveryWindowInDays"].NumberValue(); got != 0 {
		t.Errorf("recoveryWindowInDays = %v, want 0", got)
	}
}

func TestAWSEnableExecMakesTheRootWritable(t *testing.T) {
	t.Parallel()
	cfg := awsConfig()
	cfg["berth:aws"].(map[string]any)["enableExec"] = true
	m, err := deploy(t, cfg, "berth:service")
	if err != nil {
		t.Fatal(err)
	}
	if !m.One(t, "aws:ecs/service:Service").Inputs["enableExecuteCommand"].BoolValue() {
		t.Error("enableExecuteCommand is false")
	}
	if got := containerDef(t, m)["readonlyRootFilesystem"]; got != false {
		t.Errorf("readonlyRootFilesystem = %v, want false with ECS Exec", got)
	}
}
