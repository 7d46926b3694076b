package fargate

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/iampolicy"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
)

var (
	testTGName = "api-" + hash7("berth/test/api/tg/vpc-0abc")
	// The alarms' names: siblings of the service's seed.
	testErrorsAlarm    = "api-5xx-" + hash7("berth/test/api")
	testUnhealthyAlarm = "api-unhealthy-" + hash7("berth/test/api")
	testLogGroup       = "/berth/" + testName
	testExecRole       = "api-exec-" + hash7("berth/test/api")
	testTaskRole       = "api-task-" + hash7("berth/test/api")
	testClusterID      = "arn:aws:ecs:us-east-1:123456789012:cluster/" + testName
)

func TestNewServiceCreatesTheCompleteResourceSet(t *testing.T) {
	t.Parallel()
	m, _ := run(t, typicalArgs())
	var got []string
	for _, r := range m.Resources() {
		got = append(got, r.Type+" "+r.Name)
	}
	want := []string{
		typeComponent + " api",
		typeLogGroup + " api-logs",
		typeRole + " api-exec-role",
		typeRolePolicy + " api-exec-policy",
		typeRole + " api-task-role",
		typeRolePolicy + " api-task-policy",
		typeSecurityGroup + " api-lb-sg",
		typeSecurityGroup + " api-task-sg",
		typeIngress + " api-lb-in-443-0-0-0-0-0",
		typeIngress + " api-lb-in-443-ipv6-xx-0",
		typeIngress + " api-lb-in-80-0-0-0-0-0",
		typeIngress + " api-lb-in-80-ipv6-xx-0",
		typeEgress + " api-lb-out-8080",
		typeIngress + " api-task-in-8080",
		typeEgress + " api-task-out-ipv4",
		typeEgress + " api-task-out-ipv6",
		typeLoadBalancer + " api-lb",
		typeTargetGroup + " api-tg",
		typeListener + " api-https",
		typeListener + " api-http",
		"aws:cloudwatch/metricAlarm:MetricAlarm api-5xx",
		"aws:cloudwatch/metricAlarm:MetricAlarm api-unhealthy",
		typeCluster + " api-cluster",
		typeTaskDef + " api-taskdef",
		typeService + " api-svc",
		typeScaling + " api-scaling",
		typePolicy + " api-cpu",
		typePolicy + " api-requests",
	}
	// Registration order depends on when each resource's inputs resolve.
	slices.Sort(got)
	slices.Sort(want)
	assertEqual(t, "resources", got, want)

	comp := m.One(t, typeComponent)
	for _, r := range m.Resources() {
		if r.URN != comp.URN && r.Parent != comp.URN {
			t.Errorf("%s %s parent = %q, want the component", r.Type, r.Name, r.Parent)
		}
	}
}

func TestExecutionPolicyGrantsExactlyTheDeclaredResources(t *testing.T) {
	t.Parallel()
	m, _ := run(t, typicalArgs())
	policy := m.Named(t, typeRolePolicy, "api-exec-policy")
	assertEqual(t, "role", testkit.Prop(t, policy, "role"), testExecRole)
	want := iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
		{Sid: "AuthenticateToECR", Effect: "Allow", Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
		{Sid: "PullImage", Effect: "Allow", Action: []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, Resource: []string{testRepoARN}},
		{Sid: "WriteLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{"arn:aws:logs:us-east-1:123456789012:log-group:" + testLogGroup + ":*"}},
		{Sid: "ReadSecrets", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"}, Resource: []string{
			// A partial ARN is granted with the random suffix's wildcard;
			// the JSON key, stage and version suffixes are cut off; the
			// secret read whole and by key is granted once.
			"arn:aws:secretsmanager:us-east-1:123456789012:secret:api-token-??????",
			testDBARN,
			"arn:aws:secretsmanager:us-east-1:123456789012:secret:signing-QwErTy",
		}},
		{Sid: "ReadParameters", Effect: "Allow", Action: []string{"ssm:GetParameters"}, Resource: []string{
			"arn:aws:ssm:eu-west-1:123456789012:parameter/shared/smtp",
			"arn:aws:ssm:us-east-1:123456789012:parameter/api/flags",
		}},
		{Sid: "DecryptSecrets", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{testKMS}},
	}}
	assertEqual(t, "execution policy", policyOf(t, policy, "policy"), want)
}

func TestExecutionPolicyScopesECRToTheImageRepository(t *testing.T) {
	t.Parallel()
	logs := iampolicy.Statement{Sid: "WriteLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{"arn:aws:logs:us-east-1:123456789012:log-group:" + testLogGroup + ":*"}}
	ecr := func(repo string) []iampolicy.Statement {
		return []iampolicy.Statement{
			{Sid: "AuthenticateToECR", Effect: "Allow", Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
			{Sid: "PullImage", Effect: "Allow", Action: []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, Resource: []string{repo}},
		}
	}
	tests := []struct {
		name  string
		image string
		repo  pulumi.StringInput
		want  []iampolicy.Statement
	}{
		{name: "repository derived from an ECR image", image: testImage, want: append(ecr(testRepoARN), logs)},
		{name: "repository given", image: testImage, repo: pulumi.String("arn:aws:ecr:us-east-1:123456789012:repository/other"), want: append(ecr("arn:aws:ecr:us-east-1:123456789012:repository/other"), logs)},
		{name: "public image needs no ECR grant", image: "ghcr.io/acme/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", want: []iampolicy.Statement{logs}},
		{name: "empty repository means no ECR grant", image: testImage, repo: pulumi.String(""), want: []iampolicy.Statement{logs}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := minimalArgs()
			a.Image, a.RepositoryARN = pulumi.String(tt.image), tt.repo
			m, _ := run(t, a)
			got := policyOf(t, m.Named(t, typeRolePolicy, "api-exec-policy"), "policy")
			assertEqual(t, "statements", got.Statement, tt.want)
		})
	}
}

func TestRolesTrustOnlyECSTasksOfTheAccount(t *testing.T) {
	t.Parallel()
	m, _ := run(t, minimalArgs())
	want := iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{{
		Effect:    "Allow",
		Principal: &iampolicy.Principal{Service: []string{"ecs-tasks.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string][]string{"StringEquals": {"aws:SourceAccount": {testkit.AWSAccount}}},
	}}}
	roles := m.ByType(typeRole)
	if len(roles) != 2 {
		t.Fatalf("%d roles, want 2", len(roles))
	}
	for _, r := range roles {
		assertEqual(t, r.Name+" trust policy", policyOf(t, r, "assumeRolePolicy"), want)
		if v := testkit.Prop(t, r, "managedPolicyArns"); v != nil {
			t.Errorf("%s has managed policies %v", r.Name, v)
		}
	}
	assertEqual(t, "execution role name", testkit.Prop(t, m.Named(t, typeRole, "api-exec-role"), "name"), testExecRole)
	assertEqual(t, "task role name", testkit.Prop(t, m.Named(t, typeRole, "api-task-role"), "name"), testTaskRole)
}

func TestTaskRoleIsEmptyUnlessAsked(t *testing.T) {
	t.Parallel()
	m, svc := run(t, minimalArgs())
	for _, r := range m.ByType(typeRolePolicy) {
		if r.Name != "api-exec-policy" {
			t.Errorf("unexpected role policy %s", r.Name)
		}
	}
	if svc.TaskPolicy != nil {
		t.Error("Service.TaskPolicy is set without statements")
	}
}

func TestTaskPolicyHoldsTheStatementsAndExecGrants(t *testing.T) {
	t.Parallel()
	a := typicalArgs()
	a.AWS.EnableExec, a.AWS.WritableRootFilesystem = true, true
	m, _ := run(t, a)
	policy := m.Named(t, typeRolePolicy, "api-task-policy")
	assertEqual(t, "role", testkit.Prop(t, policy, "role"), testTaskRole)
	want := iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{
		{Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::uploads/*"}},
		{Sid: "EcsExec", Effect: "Allow", Action: []string{
			"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
			"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
		}, Resource: []string{"*"}},
	}}
	assertEqual(t, "task policy", policyOf(t, policy, "policy"), want)
	assertEqual(t, "enableExecuteCommand", testkit.Prop(t, m.One(t, typeService), "enableExecuteCommand"), true)
	assertEqual(t, "readonlyRootFilesystem", containerOf(t, m)["readonlyRootFilesystem"], false)
}

// rules returns the inputs of every rule of type typ, keyed by logical name.
func rules(m *testkit.Monitor, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range m.ByType(typ) {
		out[r.Name] = r.Inputs.Mappable()
	}
	return out
}

func TestSecurityGroupRulesAreExact(t *testing.T) {
	t.Parallel()
	a := typicalArgs()
	a.AWS.AllowedCIDRs = []string{"203.0.113.0/24", "2001:db8::/32"}
	a.Service.Port = n(9000)
	m, _ := run(t, a)
	in := func(port float64, key, cidr string) map[string]any {
		return map[string]any{
			"securityGroupId": lbSG(t, m), "description": fmt.Sprintf("listener port %d", int(port)),
			"ipProtocol": "tcp", "fromPort": port, "toPort": port, key: cidr,
		}
	}
	assertEqual(t, "ingress rules", rules(m, typeIngress), map[string]map[string]any{
		"api-lb-in-443-203-0-113-0-24":     in(443, "cidrIpv4", "203.0.113.0/24"),
		"api-lb-in-80-203-0-113-0-24":      in(80, "cidrIpv4", "203.0.113.0/24"),
		"api-lb-in-443-ipv6-2001xdb8xx-32": in(443, "cidrIpv6", "2001:db8::/32"),
		"api-lb-in-80-ipv6-2001xdb8xx-32":  in(80, "cidrIpv6", "2001:db8::/32"),
		"api-task-in-9000": {
			"securityGroupId": taskSG(t, m), "description": "from the load balancer on the container port",
			"ipProtocol": "tcp", "fromPort": float64(9000), "toPort": float64(9000), "referencedSecurityGroupId": lbSG(t, m),
		},
	})
	out := func(key, cidr string) map[string]any {
		return map[string]any{
			"securityGroupId": taskSG(t, m), "description": "to AWS APIs and the internet, through NAT or VPC endpoints",
			"ipProtocol": "-1", key: cidr,
		}
	}
	assertEqual(t, "egress rules", rules(m, typeEgress), map[string]map[string]any{
		"api-lb-out-9000": {
			"securityGroupId": lbSG(t, m), "description": "to the tasks on the container port",
			"ipProtocol": "tcp", "fromPort": float64(9000), "toPort": float64(9000), "referencedSecurityGroupId": taskSG(t, m),
		},
		"api-task-out-ipv4": out("cidrIpv4", "0.0.0.0/0"),
		"api-task-out-ipv6": out("cidrIpv6", "::/0"),
	})
	for _, sg := range m.ByType(typeSecurityGroup) {
		if testkit.Prop(t, sg, "ingress") != nil || testkit.Prop(t, sg, "egress") != nil {
			t.Errorf("%s has inline rules: %v", sg.Name, sg.Inputs)
		}
		assertEqual(t, sg.Name+" vpcId", testkit.Prop(t, sg, "vpcId"), "vpc-0abc")
	}
}

func TestWithoutCertificateOnlyPort80IsOpen(t *testing.T) {
	t.Parallel()
	m, _ := run(t, minimalArgs())
	var ports []float64
	for _, r := range m.ByType(typeIngress) {
		if testkit.Prop(t, r, "securityGroupId") == lbSG(t, m) {
			ports = append(ports, testkit.Prop(t, r, "fromPort").(float64), testkit.Prop(t, r, "toPort").(float64))
		}
	}
	assertEqual(t, "load balancer ports", ports, []float64{80, 80, 80, 80})
}

func TestHTTPSListenerForwardsAndHTTPRedirects(t *testing.T) {
	t.Parallel()
	a := typicalArgs()
	a.AWS.SSLPolicy = TLS13Only
	m, _ := run(t, a)
	assertEqual(t, "https listener", m.Named(t, typeListener, "api-https").Inputs.Mappable(), map[string]any{
		"loadBalancerArn": lbARN(t, m),
		"port":            float64(443),
		"protocol":        "HTTPS",
		"certificateArn":  testCert,
		"sslPolicy":       "ELBSecurityPolicy-TLS13-1-3-2021-06",
		"defaultActions":  []any{map[string]any{"type": "forward", "targetGroupArn": tgARN(t, m)}},
		"tags":            map[string]any{"managed-by": "berth"},
	})
	assertEqual(t, "http listener", m.Named(t, typeListener, "api-http").Inputs.Mappable(), map[string]any{
		"loadBalancerArn": lbARN(t, m),
		"port":            float64(80),
		"protocol":        "HTTP",
		"defaultActions": []any{map[string]any{"type": "redirect", "redirect": map[string]any{
			"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301",
		}}},
		"tags": map[string]any{"managed-by": "berth"},
	})
}

func TestDefaultTLSPolicyAllowsTLS12And13(t *testing.T) {
	t.Parallel()
	m, _ := run(t, typicalArgs())
	assertEqual(t, "sslPolicy", testkit.Prop(t, m.Named(t, typeListener, "api-https"), "sslPolicy"), "ELBSecurityPolicy-TLS13-1-2-2021-06")
}

func TestWithoutCertificatePort80Forwards(t *testing.T) {
	t.Parallel()
	m, svc := run(t, minimalArgs())
	listeners := m.ByType(typeListener)
	if len(listeners) != 1 {
		t.Fatalf("%d listeners, want 1", len(listeners))
	}
	assertEqual(t, "http listener", listeners[0].Inputs.Mappable(), map[string]any{
		"loadBalancerArn": lbARN(t, m),
		"port":            float64(80),
		"protocol":        "HTTP",
		"defaultActions":  []any{map[string]any{"type": "forward", "targetGroupArn": tgARN(t, m)}},
		"tags":            map[string]any{"managed-by": "berth"},
	})
	if svc.HTTPSListener != nil {
		t.Error("HTTPSListener is set without a certificate")
	}
}

func TestLoadBalancerAndTargetGroupSettings(t *testing.T) {
	t.Parallel()
	a := minimalArgs()
	a.Service.HealthPath = "/readyz"
	a.AWS.HealthCheck = &HealthCheck{Interval: "15s", Timeout: "3s", HealthyThreshold: n(3), UnhealthyThreshold: n(2), Matcher: "200-299"}
	a.Service.Timeout = "45s"
	a.AWS.IdleTimeout = "120s"
	m, _ := run(t, a)
	assertEqual(t, "load balancer", m.One(t, typeLoadBalancer).Inputs.Mappable(), map[string]any{
		"name":                    testName,
		"loadBalancerType":        "application",
		"internal":                false,
		"securityGroups":          []any{lbSG(t, m)},
		"subnets":                 []any{"subnet-pub1", "subnet-pub2"},
		"idleTimeout":             float64(120),
		"dropInvalidHeaderFields": true,
		"enableHttp2":             true,
		"tags":                    map[string]any{"managed-by": "berth"},
	})
	assertEqual(t, "target group", m.One(t, typeTargetGroup).Inputs.Mappable(), map[string]any{
		"name":                testTGName,
		"targetType":          "ip",
		"protocol":            "HTTP",
		"protocolVersion":     "HTTP1",
		"port":                float64(8080),
		"vpcId":               "vpc-0abc",
		"deregistrationDelay": float64(45),
		"healthCheck": map[string]any{
			"enabled":            true,
			"protocol":           "HTTP",
			"port":               "traffic-port",
			"path":               "/readyz",
			"interval":           float64(15),
			"timeout":            float64(3),
			"healthyThreshold":   float64(3),
			"unhealthyThreshold": float64(2),
			"matcher":            "200-299",
		},
		"tags": map[string]any{"managed-by": "berth"},
	})
}

// TestTargetGroupDefaultsDrainForTheRequestTimeout: the deregistration
// delay is service.timeout (60s by default), not AWS's 300 s.
func TestTargetGroupDefaultsDrainForTheRequestTimeout(t *testing.T) {
	t.Parallel()
	m, _ := run(t, minimalArgs())
	tg := m.One(t, typeTargetGroup)
	assertEqual(t, "deregistrationDelay", testkit.Prop(t, tg, "deregistrationDelay"), float64(60))
	assertEqual(t, "healthCheck", testkit.Prop(t, tg, "healthCheck"), map[string]any{
		"enabled": true, "protocol": "HTTP", "port": "traffic-port", "path": "/healthz",
		"interval": float64(10), "timeout": float64(5), "healthyThreshold": float64(2), "unhealthyThreshold": float64(3), "matcher": "200",
	})
}

func TestContainerDefinitionIsExact(t *testing.T) {
	t.Parallel()
	a := typicalArgs()
	a.AWS.StopTimeout = "45s"
	m, _ := run(t, a)
	want := map[string]any{
		"name":      "app",
		"image":     testImage,
		"essential": true,
		"cpu":       float64(0),
		"portMappings": []any{map[string]any{
			"name": "http", "containerPort": float64(8080), "hostPort": float64(8080), "protocol": "tcp", "appProtocol": "http",
		}},
		"environment": []any{
			map[string]any{"name": "LOG_LEVEL", "value": "info"},
			map[string]any{"name": "PORT", "value": "8080"},
		},
		"secrets": []any{
			map[string]any{"name": "API_TOKEN", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-token"},
			map[string]any{"name": "DATABASE_URL", "valueFrom": testDBARN},
			map[string]any{"name": "DB_PASSWORD", "valueFrom": testDBARN + ":password::"},
			map[string]any{"name": "FEATURE_FLAGS", "valueFrom": "/api/flags"},
			map[string]any{"name": "SIGNING_KEY", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:signing-QwErTy:key:AWSPREVIOUS:"},
			map[string]any{"name": "SMTP_URL", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/smtp"},
		},
		"mountPoints":            []any{},
		"volumesFrom":            []any{},
		"systemControls":         []any{},
		"readonlyRootFilesystem": true,
		"privileged":             false,
		"stopTimeout":            float64(45),
		"logConfiguration": map[string]any{
			"logDriver": "awslogs",
			"options": map[string]any{
				"awslogs-group":         testLogGroup,
				"awslogs-region":        testkit.AWSRegion,
				"awslogs-stream-prefix": "app",
				"mode":                  "non-blocking",
				"max-buffer-size":       "25m",
			},
		},
	}
	got := containerOf(t, m)
	assertEqual(t, "container definition", got, want)
	if _, ok := got["user"]; ok {
		t.Error("container definition sets user; the image's non-root USER applies")
	}
}

func TestTaskDefinitionSizeAndRoles(t *testing.T) {
	t.Parallel()
	a := minimalArgs()
	a.Service.CPU, a.Service.Memory, a.AWS.Architecture, a.AWS.EphemeralStorageGiB = vcpu(1), "4Gi", ARM64, n(50)
	m, _ := run(t, a)
	td := m.One(t, typeTaskDef).Inputs.Mappable()
	delete(td, "containerDefinitions")
	assertEqual(t, "task definition", td, map[string]any{
		"family":                  testName,
		"cpu":                     "1024",
		"memory":                  "4096",
		"networkMode":             "awsvpc",
		"requiresCompatibilities": []any{"FARGATE"},
		"runtimePlatform":         map[string]any{"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
		"ephemeralStorage":        map[string]any{"sizeInGib": float64(50)},
		"executionRoleArn":        "arn:aws:iam::123456789012:role/" + testExecRole,
		"taskRoleArn":             "arn:aws:iam::123456789012:role/" + testTaskRole,
		"skipDestroy":             true,
		"tags":                    map[string]any{"managed-by": "berth"},
	})
}

// TestARolledBackDeploymentFailsNamingTheService scripts what ECS reports
// after the circuit breaker rolled a deployment back: the provider's waiter
// returns success and its read-back of the service names the earlier
// revision. The component's output must fail, naming the service.
func TestARolledBackDeploymentFailsNamingTheService(t *testing.T) {
	t.Parallel()
	previous := "arn:aws:ecs:us-east-1:123456789012:task-definition/" + testName + ":6"
	m := testkit.New("berth", "test")
	m.SetOutputs(typeService, map[string]any{"taskDefinition": previous})
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := NewService(ctx, "api", typicalArgs())
		return err
	})
	registered := "arn:aws:ecs:us-east-1:123456789012:task-definition/" + testName + ":1"
	for _, want := range []string{`fargate service "api"`, "ECS service " + testName + " runs " + previous + ", not " + registered,
		"the deployment circuit breaker (the new tasks did not become healthy) or a deployment alarm, " + testErrorsAlarm + " (more than 5% 5xx for 3 periods of 1m0s) or " + testUnhealthyAlarm + " (unhealthy targets), went into ALARM"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to contain %q", err, want)
		}
	}
}

func TestACompletedDeploymentReportsTheRegisteredRevision(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		svc, err := NewService(ctx, "api", typicalArgs())
		if err != nil {
			return err
		}
		// A component that takes the output records it once it resolves.
		var sink pulumi.ResourceState
		return ctx.RegisterResource("test:index/sink:Sink", "sink", pulumi.Map{"arn": svc.TaskDefinitionARN}, &sink)
	})
	if err != nil {
		t.Fatal(err)
	}
	got := testkit.Prop(t, m.One(t, "test:index/sink:Sink"), "arn")
	if want := "arn:aws:ecs:us-east-1:123456789012:task-definition/" + testName + ":1"; got != want {
		t.Errorf("TaskDefinitionARN = %q, want %q", got, want)
	}
}

func TestServiceDeploysSafelyInPrivateSubnets(t *testing.T) {
	t.Parallel()
	m, _ := run(t, typicalArgs())
	svc := m.One(t, typeService)
	assertEqual(t, "service", svc.Inputs.Mappable(), map[string]any{
		"name":            testName,
		"alarms":          map[string]any{"alarmNames": []any{testErrorsAlarm, testUnhealthyAlarm}, "enable": true, "rollback": true},
		"cluster":         testClusterID,
		"taskDefinition":  "arn:aws:ecs:us-east-1:123456789012:task-definition/" + testName + ":1",
		"desiredCount":    float64(2),
		"launchType":      "FARGATE",
		"platformVersion": "LATEST",
		"networkConfiguration": map[string]any{
			"subnets":        []any{"subnet-priv1", "subnet-priv2"},
			"securityGroups": []any{taskSG(t, m)},
			"assignPublicIp": false,
		},
		"loadBalancers": []any{map[string]any{
			"targetGroupArn": tgARN(t, m), "containerName": "app", "containerPort": float64(8080),
		}},
		"deploymentCircuitBreaker":        map[string]any{"enable": true, "rollback": true},
		"deploymentMinimumHealthyPercent": float64(100),
		"deploymentMaximumPercent":        float64(200),
		"healthCheckGracePeriodSeconds":   float64(30),
		"enableExecuteCommand":            false,
		"enableEcsManagedTags":            true,
		"propagateTags":                   "SERVICE",
		"waitForSteadyState":              true,
		"tags":                            map[string]any{"managed-by": "berth"},
	})
	// The service starts after its permissions, listeners and the rules
	// that let health checks reach the tasks exist.
	for _, dep := range []testkit.Resource{
		m.Named(t, typeRolePolicy, "api-exec-policy"),
		m.Named(t, typeRolePolicy, "api-task-policy"),
		m.Named(t, typeListener, "api-https"),
		m.Named(t, typeListener, "api-http"),
		m.Named(t, typeIngress, "api-task-in-8080"),
		m.Named(t, typeEgress, "api-lb-out-8080"),
	} {
		if !slices.Contains(svc.Dependencies, dep.URN) {
			t.Errorf("service does not depend on %s", dep.Name)
		}
	}
	assertEqual(t, "cluster", m.One(t, typeCluster).Inputs.Mappable(), map[string]any{
		"name":     testName,
		"settings": []any{map[string]any{"name": "containerInsights", "value": "enabled"}},
		"tags":     map[string]any{"managed-by": "berth"},
	})
	assertEqual(t, "log group", m.One(t, typeLogGroup).Inputs.Mappable(), map[string]any{
		"name": testLogGroup, "retentionInDays": float64(30), "tags": map[string]any{"managed-by": "berth"},
	})
}

func TestScalingTargetAndPoliciesAreExact(t *testing.T) {
	t.Parallel()
	a := minimalArgs()
	a.Service.MinInstances, a.Service.MaxInstances, a.AWS.CPUTarget, a.Service.Concurrency, a.AWS.Latency = n(3), n(30), n(50), n(20), "50ms"
	m, _ := run(t, a)
	resourceID := "service/" + testName + "/" + testName
	assertEqual(t, "scaling target", m.One(t, typeScaling).Inputs.Mappable(), map[string]any{
		"serviceNamespace":  "ecs",
		"scalableDimension": "ecs:service:DesiredCount",
		"resourceId":        resourceID,
		"minCapacity":       float64(3),
		"maxCapacity":       float64(30),
		"tags":              map[string]any{"managed-by": "berth"},
	})
	policy := func(suffix string, target float64, spec map[string]any) map[string]any {
		return map[string]any{
			"name":              testName + "-" + suffix,
			"policyType":        "TargetTrackingScaling",
			"serviceNamespace":  "ecs",
			"scalableDimension": "ecs:service:DesiredCount",
			"resourceId":        resourceID,
			"targetTrackingScalingPolicyConfiguration": map[string]any{
				"targetValue":                   target,
				"predefinedMetricSpecification": spec,
				"scaleOutCooldown":              float64(60),
				"scaleInCooldown":               float64(300),
				"disableScaleIn":                false,
			},
		}
	}
	assertEqual(t, "cpu policy", m.Named(t, typePolicy, "api-cpu").Inputs.Mappable(),
		policy("cpu", 50, map[string]any{"predefinedMetricType": "ECSServiceAverageCPUUtilization"}))
	// 20 requests in flight at 50 ms each: 400 per second, 24000 per minute;
	// scaling aims at 70% of that.
	assertEqual(t, "request policy", m.Named(t, typePolicy, "api-requests").Inputs.Mappable(),
		policy("requests", 16800, map[string]any{
			"predefinedMetricType": "ALBRequestCountPerTarget",
			// ALB request-count scaling names the pair by ARN suffixes:
			// app/LB-NAME/LB-ID/targetgroup/TG-NAME/TG-ID (Application Auto
			// Scaling PredefinedMetricSpecification, ResourceLabel).
			"resourceLabel": strings.TrimPrefix(lbARN(t, m), "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/") +
				"/" + strings.TrimPrefix(tgARN(t, m), "arn:aws:elasticloadbalancing:us-east-1:123456789012:"),
		}))
	assertEqual(t, "desiredCount", testkit.Prop(t, m.One(t, typeService), "desiredCount"), float64(3))
}

func TestExistingClusterIsUsedNotCreated(t *testing.T) {
	t.Parallel()
	a := minimalArgs()
	a.AWS.ClusterARN = pulumi.String("arn:aws:ecs:us-east-1:123456789012:cluster/shared")
	m, svc := run(t, a)
	if n := len(m.ByType(typeCluster)); n != 0 {
		t.Errorf("created %d clusters", n)
	}
	if svc.Cluster != nil {
		t.Error("Service.Cluster is set for an existing cluster")
	}
	assertEqual(t, "service cluster", testkit.Prop(t, m.One(t, typeService), "cluster"), "arn:aws:ecs:us-east-1:123456789012:cluster/shared")
	assertEqual(t, "scaling resourceId", testkit.Prop(t, m.One(t, typeScaling), "resourceId"), "service/shared/"+testName)
}

func TestInternalLoadBalancerAndPublicTaskIPs(t *testing.T) {
	t.Parallel()
	a := minimalArgs()
	a.Service.Public, a.AWS.PlainHTTP, a.AWS.AssignPublicIP = false, false, true
	m, _ := run(t, a)
	lb := m.One(t, typeLoadBalancer)
	assertEqual(t, "internal", testkit.Prop(t, lb, "internal"), true)
	assertEqual(t, "name", testkit.Prop(t, lb, "name"), "api-"+hash7("berth/test/api/internal"))
	assertEqual(t, "assignPublicIp", testkit.Prop(t, m.One(t, typeService), "networkConfiguration", "assignPublicIp"), true)
}

func TestOutputsAreTypedFields(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test")
	got := map[string]*string{}
	record := func(key string, o pulumi.StringOutput) {
		v := new(string)
		got[key] = v
		// Record the value; the assertions run after Run returns.
		o.ApplyT(func(s string) string { *v = s; return s })
	}
	err := m.Run(func(ctx *pulumi.Context) error {
		svc, err := NewService(ctx, "api", typicalArgs())
		if err != nil {
			return err
		}
		plain, err := NewService(ctx, "plain", minimalArgs())
		if err != nil {
			return err
		}
		record("URL", svc.URL)
		record("plain URL", plain.URL)
		record("LoadBalancerDNSName", svc.LoadBalancerDNSName)
		record("ClusterName", svc.ClusterName)
		record("ServiceName", svc.ServiceName)
		record("TaskRoleName", svc.TaskRoleName)
		record("TaskRoleARN", svc.TaskRoleARN)
		record("TaskSecurityGroupID", svc.TaskSecurityGroupID)
		record("LogGroupName", svc.LogGroupName)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dns := lbOut(t, m, "api-lb", "dnsName")
	want := map[string]string{
		"URL":                 "https://" + dns,
		"plain URL":           "http://" + lbOut(t, m, "plain-lb", "dnsName"),
		"LoadBalancerDNSName": dns,
		"ClusterName":         testName,
		"ServiceName":         testName,
		"TaskRoleName":        testTaskRole,
		"TaskRoleARN":         "arn:aws:iam::123456789012:role/" + testTaskRole,
		"TaskSecurityGroupID": taskSG(t, m),
		"LogGroupName":        testLogGroup,
	}
	for k, w := range want {
		if *got[k] != w {
			t.Errorf("%s = %q, want %q", k, *got[k], w)
		}
	}
}

func TestNilArgsIsAnError(t *testing.T) {
	t.Parallel()
	verr, n := testkit.RunValidation(t, func(ctx *pulumi.Context) error {
		_, err := NewService(ctx, "api", nil)
		return err
	})
	if verr == nil || !slices.Equal(verr.Fields(), []string{"args"}) {
		t.Fatalf("err = %v, want a validation error naming args", verr)
	}
	if n != 0 {
		t.Errorf("registered %d resources", n)
	}
}

func TestOutputSecretWithSSMAndJSONKeyFailsTheDeployment(t *testing.T) {
	t.Parallel()
	a := minimalArgs()
	// Only known at deployment: the check runs inside the apply.
	a.Service.Secrets = []spec.Secret{{Env: "DB", Ref: pulumi.String("/app/db").ToStringOutput(), Key: "password"}}
	m := testkit.New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := NewService(ctx, "api", a)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "service.secrets[0].ref") {
		t.Fatalf("err = %v, want a failure naming service.secrets[0].ref", err)
	}
}

// TestSecretsFromValuesAreCreatedAndGranted: a secret given as a value
// becomes a Secrets Manager secret of the service's own, deleted without a
// recovery window; the task reads it by ARN, the execution role may read
// exactly it, and the value never appears in plain text.
func TestSecretsFromValuesAreCreatedAndGranted(t *testing.T) {
	t.Parallel()
	const canary = "canary-Zq9!secret-value"
	a := minimalArgs()
	a.Service.Secrets = []spec.Secret{{Env: "WEBHOOK_KEY", Value: pulumi.String(canary)}}
	m, svc := run(t, a)
	secret := m.One(t, "aws:secretsmanager/secret:Secret")
	name := "api-webhook-key-" + hash7("berth/test/api/secret/webhook-key")
	assertEqual(t, "secret", secret.Inputs.Mappable(), map[string]any{
		"name": name, "recoveryWindowInDays": float64(0), "tags": map[string]any{"managed-by": "berth"},
	})
	version := m.One(t, "aws:secretsmanager/secretVersion:SecretVersion")
	if !version.Inputs["secretString"].IsSecret() {
		t.Errorf("secretString is not a secret: %v", version.Inputs["secretString"])
	}
	m.NoPlaintext(t, canary)
	if len(svc.Secrets) != 1 || len(svc.SecretVersions) != 1 {
		t.Errorf("Service.Secrets %d, SecretVersions %d, want 1 each", len(svc.Secrets), len(svc.SecretVersions))
	}

	arn := testkit.Prop(t, secret, "name").(string)
	arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + arn
	var defs []map[string]any
	if err := json.Unmarshal([]byte(testkit.Prop(t, m.One(t, typeTaskDef), "containerDefinitions").(string)), &defs); err != nil {
		t.Fatal(err)
	}
	secrets := defs[0]["secrets"].([]any)
	if len(secrets) != 1 || !strings.HasPrefix(secrets[0].(map[string]any)["valueFrom"].(string), arn+"-") {
		t.Errorf("container secrets = %v, want WEBHOOK_KEY from %s-??????", secrets, arn)
	}
	doc := policyOf(t, m.Named(t, typeRolePolicy, "api-exec-policy"), "policy")
	var granted []string
	for _, st := range doc.Statement {
		if slices.Contains(st.Action, "secretsmanager:GetSecretValue") {
			granted = append(granted, st.Resource...)
		}
	}
	if len(granted) != 1 || granted[0] != secrets[0].(map[string]any)["valueFrom"] {
		t.Errorf("execution role reads %v, want exactly the created secret %v", granted, secrets[0])
	}
}

// TestAPortChangeOpensTheNewPortBesideTheOldAndKeepsTheTargetGroup: the
// rules on the container port are named by it, so a new port creates new
// rules and the old ones go only at the end of the update; the target
// group keeps the port it was made with (ignoreChanges), so the listener
// never forwards to an empty new group; the group is replaced create-first
// when its VPC changes. The rules adopt the names earlier releases gave
// them (one alias each), so upgrading creates no duplicate rule.
func TestAPortChangeOpensTheNewPortBesideTheOldAndKeepsTheTargetGroup(t *testing.T) {
	t.Parallel()
	a := minimalArgs()
	a.Service.Port = n(9000)
	m, _ := run(t, a)
	for _, r := range []struct{ typ, name, old string }{
		{typeIngress, "api-task-in-9000", "api-task-in"},
		{typeEgress, "api-lb-out-9000", "api-lb-out"},
	} {
		got := m.Named(t, r.typ, r.name)
		want := []string{"urn:pulumi:test::berth::berth:fargate:Service$" + r.typ + "::" + r.old}
		if !reflect.DeepEqual(got.Options.Aliases, want) {
			t.Errorf("%s aliases = %v, want %v", r.name, got.Options.Aliases, want)
		}
		if got.Inputs["fromPort"].NumberValue() != 9000 || got.Inputs["toPort"].NumberValue() != 9000 {
			t.Errorf("%s ports = %v-%v, want 9000", r.name, got.Inputs["fromPort"], got.Inputs["toPort"])
		}
	}
	tg := m.One(t, typeTargetGroup)
	if !reflect.DeepEqual(tg.Options.IgnoreChanges, []string{"port"}) || tg.Options.DeleteBeforeReplace == nil || *tg.Options.DeleteBeforeReplace {
		t.Errorf("target group options = %+v, want ignoreChanges [port] and deleteBeforeReplace false", tg.Options)
	}
}

// TestNamedResourcesReplaceCreateFirst: every resource whose name follows
// the service's name (or, for the load balancer and target group, its
// scheme and VPC) is replaced create-first, so that a rename or a move
// serves from the old resources until the new ones exist; the task
// definition and the rules are not named and replace create-first anyway.
func TestNamedResourcesReplaceCreateFirst(t *testing.T) {
	t.Parallel()
	a := typicalArgs()
	a.Service.Secrets = append(a.Service.Secrets, spec.Secret{Env: "WEBHOOK_KEY", Value: pulumi.String("v")})
	m, _ := run(t, a)
	for _, typ := range []string{typeLogGroup, typeCluster, typeService, typeRole, typeRolePolicy, typeLoadBalancer, typeTargetGroup, "aws:secretsmanager/secret:Secret", "aws:appautoscaling/policy:Policy"} {
		rs := m.ByType(typ)
		if len(rs) == 0 {
			t.Errorf("no %s", typ)
		}
		for _, r := range rs {
			if d := r.Options.DeleteBeforeReplace; d == nil || *d {
				t.Errorf("%s %s: deleteBeforeReplace %v, want false", typ, r.Name, d)
			}
		}
	}
}
