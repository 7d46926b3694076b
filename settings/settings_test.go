package settings_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/settings"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// shop is a platform team's program: two services described in stack
// configuration (shop:orders, shop:payments, shop:aws), placed in the
// network stack's VPC by stack reference, orders calling payments at its
// URL. It reads its settings with settings.Read and writes no decoder.
func shop(ctx *pulumi.Context) error {
	var p validate.Problems
	var orders, payments spec.Service
	var aws fargate.AWS
	settings.Read(ctx, "shop:orders", &orders, &p)
	settings.Read(ctx, "shop:payments", &payments, &p)
	settings.Read(ctx, "shop:aws", &aws, &p)
	if err := p.Err(validate.StackConfig, ctx.Stack()); err != nil {
		return err
	}
	network, err := pulumi.NewStackReference(ctx, "acme/network/prod", nil)
	if err != nil {
		return err
	}
	aws.VPCID = network.GetStringOutput(pulumi.String("vpcId"))
	aws.LoadBalancerSubnetIDs = network.GetOutput(pulumi.String("publicSubnetIds")).AsStringArrayOutput()
	aws.TaskSubnetIDs = network.GetOutput(pulumi.String("privateSubnetIds")).AsStringArrayOutput()
	const image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

	pay, err := berth.NewService(ctx, "payments", &berth.ServiceArgs{Cloud: berth.AWS, Service: &payments, Image: pulumi.String(image), AWS: &aws})
	if err != nil {
		return err
	}
	// The URL is another resource's output: Env takes it as it is.
	env, _ := orders.Env.(pulumi.StringMap)
	if env == nil {
		env = pulumi.StringMap{}
	}
	env["PAYMENTS_URL"] = pay.URL
	orders.Env = env
	_, err = berth.NewService(ctx, "orders", &berth.ServiceArgs{Cloud: berth.AWS, Service: &orders, Image: pulumi.String(image), AWS: &aws})
	return err
}

var network = map[string]any{
	"vpcId":            "vpc-0abc",
	"publicSubnetIds":  []any{"subnet-0a", "subnet-0b"},
	"privateSubnetIds": []any{"subnet-1a", "subnet-1b"},
}

func run(t *testing.T, config map[string]string) (*testkit.Monitor, error) {
	t.Helper()
	m := testkit.New("shop", "prod", testkit.WithAWS("123456789012", "eu-west-1"), testkit.WithConfig(config),
		testkit.WithStackOutputs("acme/network/prod", network))
	return m, m.Run(shop)
}

func TestATwoServiceStackReadsItsSettingsFromConfigAndItsNetworkFromAStackReference(t *testing.T) {
	t.Parallel()
	m, err := run(t, map[string]string{
		"shop:orders":   `{"memory": "1Gi", "cpu": 0.5, "env": {"LOG_LEVEL": "info"}}`,
		"shop:payments": `{"memory": "2Gi", "cpu": 1, "maxInstances": 4}`,
		"shop:aws":      `{"plainHttp": true, "architecture": "ARM64"}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	tasks := map[string]map[string]any{}
	for _, r := range m.Resources() {
		if r.Type != "aws:ecs/taskDefinition:TaskDefinition" {
			continue
		}
		var defs []map[string]any
		if err := json.Unmarshal([]byte(testkit.Prop(t, r, "containerDefinitions").(string)), &defs); err != nil {
			t.Fatal(err)
		}
		env := map[string]any{}
		for _, kv := range defs[0]["environment"].([]any) {
			kv := kv.(map[string]any)
			env[kv["name"].(string)] = kv["value"]
		}
		tasks[r.Name] = map[string]any{"memory": testkit.Prop(t, r, "memory"), "cpu": testkit.Prop(t, r, "cpu"), "env": env}
	}
	if len(tasks) != 2 || tasks["orders-taskdef"] == nil || tasks["payments-taskdef"] == nil {
		t.Fatalf("task definitions: %v", tasks)
	}
	for name, want := range map[string]map[string]any{
		"orders-taskdef":   {"memory": "1024", "cpu": "512", "LOG_LEVEL": "info", "PORT": "8080"},
		"payments-taskdef": {"memory": "2048", "cpu": "1024", "PORT": "8080"},
	} {
		got := tasks[name]
		env := got["env"].(map[string]any)
		if got["memory"] != want["memory"] || got["cpu"] != want["cpu"] || env["PORT"] != want["PORT"] || env["LOG_LEVEL"] != want["LOG_LEVEL"] {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	url, ok := tasks["orders-taskdef"]["env"].(map[string]any)["PAYMENTS_URL"].(string)
	if !ok || !strings.HasPrefix(url, "http://") {
		t.Errorf("orders' PAYMENTS_URL = %v, want payments' URL", tasks["orders-taskdef"]["env"])
	}
	for _, r := range m.Resources() {
		if r.Type == "aws:lb/targetGroup:TargetGroup" {
			if got := testkit.Prop(t, r, "vpcId"); got != "vpc-0abc" {
				t.Errorf("%s vpcId = %v, want the network stack's", r.Name, got)
			}
		}
	}
}

func TestEveryProblemInEverySettingIsNamedBeforeAnythingIsCreated(t *testing.T) {
	t.Parallel()
	m, err := run(t, map[string]string{
		"shop:orders":   `{"memroy": "2Gi", "cpu": "lots", "env": {"A": {"nested": true}}}`,
		"shop:payments": `{"maxInstance": 4, "secrets": [{"env": "DB", "ref": ""}]}`,
		"shop:aws":      `{"plainHttp": "yes", "vpcID": "vpc-1"}`,
	})
	want := `invalid configuration of stack "prod":
  orders.cpu: must be a number, got the string "lots"
  orders.env.A: must be a string, got an object
  orders.memroy: unknown setting (did you mean "memory"?) (allowed: name, port, cpu, memory, concurrency, minInstances, maxInstances, timeout, healthPath, public, env, secrets, rollout)
  payments.maxInstance: unknown setting (did you mean "maxInstances"?) (allowed: name, port, cpu, memory, concurrency, minInstances, maxInstances, timeout, healthPath, public, env, secrets, rollout)
  payments.secrets[0].ref: empty (set a value, or leave the setting out)
  aws.plainHttp: must be true or false, got the string "yes"
  aws.vpcID: unknown setting (did you mean "vpcId"?) (allowed: vpcId, loadBalancerSubnetIds, taskSubnetIds, assignPublicIp, allowedCidrs, certificateArn, plainHttp, sslPolicy, idleTimeout, clusterArn, architecture, platformVersion, healthCheck, healthCheckGracePeriod, stopTimeout, kmsKeyArn, writableRootFilesystem, ephemeralStorageGiB, logRetentionDays, taskPolicy, allowWildcardResources, enableExec, cpuTarget, latency, tags)
`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant it to hold:\n%s", err, want)
	}
	if n := len(m.Resources()); n != 0 {
		t.Errorf("%d resources registered, want none", n)
	}
}

func TestASecretKeyIsNeverQuoted(t *testing.T) {
	t.Parallel()
	m := testkit.New("shop", "prod", testkit.WithConfig(map[string]string{"shop:orders": `{"cpu": "hunter2", "secrets": [{"env": "DB", "value": ["hunter3"]}]}`}))
	var p validate.Problems
	err := m.Run(func(ctx *pulumi.Context) error {
		var s spec.Service
		settings.Read(ctx, "shop:orders", &s, &p)
		return nil
	}, func(info *pulumi.RunInfo) { info.ConfigSecretKeys = []string{"shop:orders"} })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"orders.cpu: must be a number, got a value of another type (not shown: the setting is secret)",
		"orders.secrets[0].value: must be a string, got a value of another type (not shown: the setting is secret)",
	}
	var got []string
	for _, pr := range p.List() {
		got = append(got, pr.Field+": "+pr.Message)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
