package fargate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/iampolicy"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
)

// Provider type tokens of the children.
const (
	typeComponent     = "berth:fargate:Service"
	typeLogGroup      = "aws:cloudwatch/logGroup:LogGroup"
	typeRole          = "aws:iam/role:Role"
	typeRolePolicy    = "aws:iam/rolePolicy:RolePolicy"
	typeSecurityGroup = "aws:ec2/securityGroup:SecurityGroup"
	typeIngress       = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgress        = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeLoadBalancer  = "aws:lb/loadBalancer:LoadBalancer"
	typeTargetGroup   = "aws:lb/targetGroup:TargetGroup"
	typeListener      = "aws:lb/listener:Listener"
	typeCluster       = "aws:ecs/cluster:Cluster"
	typeTaskDef       = "aws:ecs/taskDefinition:TaskDefinition"
	typeService       = "aws:ecs/service:Service"
	typeScaling       = "aws:appautoscaling/target:Target"
	typePolicy        = "aws:appautoscaling/policy:Policy"

	testRepo    = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api"
	testImage   = testRepo + "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	testRepoARN = "arn:aws:ecr:us-east-1:123456789012:repository/api"
	testCert    = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
	testKMS     = "arn:aws:kms:us-east-1:123456789012:key/66666666-7777-8888-9999-000000000000"
	testDBARN   = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"
)

// hash7 is the hash naming.Physical appends for seed.
func hash7(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])[:7]
}

// testName is the derived name of most children of a component "api" in
// project berth, stack test.
var testName = "api-" + hash7("berth/test/api")

// minimalArgs is the smallest valid internet-facing ServiceArgs: plain
// HTTP, asked for by name, and defaults.
func minimalArgs() *ServiceArgs {
	return &ServiceArgs{
		Image:   pulumi.String(testImage),
		Service: &spec.Service{Public: true},
		AWS: AWS{
			VPCID:                 pulumi.String("vpc-0abc"),
			LoadBalancerSubnetIDs: pulumi.ToStringArray([]string{"subnet-pub1", "subnet-pub2"}),
			TaskSubnetIDs:         pulumi.ToStringArray([]string{"subnet-priv1", "subnet-priv2"}),
			PlainHTTP:             true,
		},
	}
}

// typicalArgs is a production service: HTTPS, secrets of every form, a
// customer key, an environment variable and one task statement.
func typicalArgs() *ServiceArgs {
	a := minimalArgs()
	a.RepositoryARN = pulumi.String(testRepoARN)
	a.AWS.PlainHTTP = false
	a.AWS.CertificateARN = pulumi.String(testCert)
	a.AWS.KMSKeyARN = pulumi.String(testKMS)
	a.Service.Env = pulumi.ToStringMap(map[string]string{"LOG_LEVEL": "info"})
	a.Service.Secrets = []spec.Secret{
		{Env: "DATABASE_URL", Ref: pulumi.String(testDBARN)},
		{Env: "DB_PASSWORD", Ref: pulumi.String(testDBARN), Key: "password"},
		{Env: "API_TOKEN", Ref: pulumi.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:api-token")},
		{Env: "SIGNING_KEY", Ref: pulumi.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:signing-QwErTy:key:AWSPREVIOUS:")},
		{Env: "FEATURE_FLAGS", Ref: pulumi.String("/api/flags")},
		{Env: "SMTP_URL", Ref: pulumi.String("arn:aws:ssm:eu-west-1:123456789012:parameter/shared/smtp")},
	}
	a.AWS.TaskPolicy = []PolicyStatement{
		{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::uploads/*"}},
	}
	return a
}

// vcpu and n make the pointers of optional numbers.
func vcpu(v float64) *float64 { return &v }
func n(v int) *int            { return &v }

// run creates one service named "api" under a fresh mock monitor.
func run(t *testing.T, args *ServiceArgs) (*testkit.Monitor, *Service) {
	t.Helper()
	return testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", args)
	})
}

// policyOf parses the JSON policy document at key of r's inputs.
func policyOf(t *testing.T, r testkit.Resource, key string) iampolicy.Document {
	t.Helper()
	s, ok := testkit.Prop(t, r, key).(string)
	if !ok {
		t.Fatalf("%s %s: %s is %v, not a JSON string", r.Type, r.Name, key, testkit.Prop(t, r, key))
	}
	d, err := iampolicy.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// containerOf parses the task definition's only container definition.
func containerOf(t *testing.T, m *testkit.Monitor) map[string]any {
	t.Helper()
	raw, ok := testkit.Prop(t, m.One(t, typeTaskDef), "containerDefinitions").(string)
	if !ok {
		t.Fatal("containerDefinitions is not a string")
	}
	var defs []map[string]any
	if err := json.Unmarshal([]byte(raw), &defs); err != nil {
		t.Fatal(err)
	}
	if len(defs) != 1 {
		t.Fatalf("%d container definitions, want 1", len(defs))
	}
	return defs[0]
}

func assertEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n  %#v\nwant\n  %#v", what, got, want)
	}
}

// The IDs and ARNs the cloud makes, as the monitor answered them for the
// resources of the service named api. Each fails the test when the
// resource or the value is missing, so that a comparison cannot pass on
// two empty strings.
func lbSG(t *testing.T, m *testkit.Monitor) string { return idOf(t, m, typeSecurityGroup, "api-lb-sg") }
func taskSG(t *testing.T, m *testkit.Monitor) string {
	return idOf(t, m, typeSecurityGroup, "api-task-sg")
}
func lbARN(t *testing.T, m *testkit.Monitor) string { return lbOut(t, m, "api-lb", "arn") }
func tgARN(t *testing.T, m *testkit.Monitor) string {
	t.Helper()
	return outOf(t, m, typeTargetGroup, "api-tg", "arn")
}

// lbOut returns an output of the load balancer called name.
func lbOut(t *testing.T, m *testkit.Monitor, name, key string) string {
	t.Helper()
	return outOf(t, m, typeLoadBalancer, name, key)
}

func idOf(t *testing.T, m *testkit.Monitor, typ, name string) string {
	t.Helper()
	id := m.Named(t, typ, name).ID
	if id == "" {
		t.Fatalf("%s %s has no ID", typ, name)
	}
	return id
}

func outOf(t *testing.T, m *testkit.Monitor, typ, name, key string) string {
	t.Helper()
	v, _ := testkit.Out(t, m.Named(t, typ, name), key).(string)
	if v == "" {
		t.Fatalf("%s %s has no output %s", typ, name, key)
	}
	return v
}

// healthCheck returns a's health check, setting an empty one first when it
// is nil.
func healthCheck(a *ServiceArgs) *HealthCheck {
	if a.AWS.HealthCheck == nil {
		a.AWS.HealthCheck = &HealthCheck{}
	}
	return a.AWS.HealthCheck
}
