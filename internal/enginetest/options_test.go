package enginetest

// Resource options given to a berth component, and values that arrive as
// stack reference outputs, under the real engine: what reaches each child
// in the state the engine writes, and a preview that fails before any
// resource when a referenced value breaks a rule.

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/child"
	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/spec"
)

// optionsArgs is the component tier's Fargate service.
func optionsArgs() *fargate.ServiceArgs {
	return &fargate.ServiceArgs{
		Image:   pulumi.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:" + strings.Repeat("ab", 32)),
		Service: &spec.Service{Public: true},
		AWS: fargate.AWS{
			VPCID:                 pulumi.String("vpc-0a1b2c3d4e5f60718"),
			LoadBalancerSubnetIDs: pulumi.ToStringArray([]string{"subnet-0aa1111111111111a", "subnet-0bb2222222222222b"}),
			TaskSubnetIDs:         pulumi.ToStringArray([]string{"subnet-0cc3333333333333c"}),
			CertificateARN:        pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
		},
	}
}

// stateOptions is what the state holds of a resource's options.
type stateOptions struct {
	Protect, RetainOnDelete bool
	CustomTimeouts          *resource.CustomTimeouts
	IgnoreChanges           []string
}

// TestComponentOptionsAndTransformsUnderTheEngine gives fargate.NewService
// protect, retainOnDelete, custom timeouts, an ignoreChanges for the ECS
// service alone and a pulumi.Transforms that tags the cluster, runs `up`,
// and reads the options of every child of each kind from the state: the
// engine, which would pass protect and retainOnDelete to every child
// (pkg/v3 v3.274.1 resource/deploy/source_eval.go:2127-2146), keeps them
// off the routine ones, and runs the component's transform for its
// children (source_eval.go:2635-2648).
func TestComponentOptionsAndTransformsUnderTheEngine(t *testing.T) {
	e := newEnv(t)
	s := e.componentStack("options", map[string]string{"aws:region": "us-east-1"}, func(ctx *pulumi.Context) error {
		_, err := fargate.NewService(ctx, "orders", optionsArgs(),
			pulumi.Protect(true), pulumi.RetainOnDelete(true),
			pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "40m", Update: "45m", Delete: "20m"}),
			child.IgnoreChanges(child.FargateService, "taskDefinition"),
			pulumi.Transforms([]pulumi.ResourceTransform{func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
				if a.Type != "aws:ecs/cluster:Cluster" {
					return nil
				}
				a.Props["tags"] = pulumi.StringMap{"team": pulumi.String("payments")}
				return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
			}}))
		return err
	})
	if r, err := s.up(); err != nil {
		t.Fatalf("pulumi up: %v\n%s", err, r.failure())
	}
	var dep apitype.DeploymentV3
	var untyped apitype.UntypedDeployment
	if err := json.Unmarshal([]byte(s.export()), &untyped); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(untyped.Deployment, &dep); err != nil {
		t.Fatal(err)
	}
	got := map[string]stateOptions{}
	var clusterTags any
	for _, r := range dep.Resources {
		name := urnName(string(r.URN))
		got[string(r.Type)+" "+name] = stateOptions{r.Protect, r.RetainOnDelete, r.CustomTimeouts, r.IgnoreChanges}
		if r.Type == "aws:ecs/cluster:Cluster" {
			clusterTags = r.Inputs["tags"]
		}
	}
	long := &resource.CustomTimeouts{Create: 2400, Update: 2700, Delete: 1200}
	for key, want := range map[string]stateOptions{
		"berth:fargate:Service orders":                         {Protect: true, RetainOnDelete: true, CustomTimeouts: long},
		"aws:cloudwatch/logGroup:LogGroup orders-logs":         {Protect: true, RetainOnDelete: true},
		"aws:iam/role:Role orders-task-role":                   {Protect: true, RetainOnDelete: true},
		"aws:lb/loadBalancer:LoadBalancer orders-lb":           {Protect: true, RetainOnDelete: true, CustomTimeouts: long},
		"aws:ecs/service:Service orders-svc":                   {CustomTimeouts: long, IgnoreChanges: []string{"desiredCount", "taskDefinition"}},
		"aws:ecs/taskDefinition:TaskDefinition orders-taskdef": {},
		"aws:iam/role:Role orders-exec-role":                   {},
	} {
		if g, ok := got[key]; !ok || !reflect.DeepEqual(g, want) {
			t.Errorf("%s: state options %+v (present %v), want %+v", key, g, ok, want)
		}
	}
	if !reflect.DeepEqual(clusterTags, map[string]any{"team": "payments"}) {
		t.Errorf("cluster tags in the state = %v, want the transform's", clusterTags)
	}
}

// TestAnEmptyVPCFromAStackReferenceFailsThePreview: a network stack that
// exports an empty vpcId and one public subnet; the service's preview
// fails with the path-named messages, and `up` creates nothing.
func TestAnEmptyVPCFromAStackReferenceFailsThePreview(t *testing.T) {
	e := newEnv(t)
	network := e.componentStack("network", nil, func(ctx *pulumi.Context) error {
		ctx.Export("vpcId", pulumi.String(""))
		ctx.Export("publicSubnetIds", pulumi.ToStringArray([]string{"subnet-0aa1111111111111a"}))
		return nil
	})
	network.mustUp()
	app := e.componentStack("app", map[string]string{"aws:region": "us-east-1"}, func(ctx *pulumi.Context) error {
		ref, err := pulumi.NewStackReference(ctx, "organization/berth/network", nil)
		if err != nil {
			return err
		}
		args := optionsArgs()
		args.AWS.VPCID = ref.GetStringOutput(pulumi.String("vpcId"))
		args.AWS.LoadBalancerSubnetIDs = ref.GetOutput(pulumi.String("publicSubnetIds")).AsStringArrayOutput()
		_, err = fargate.NewService(ctx, "orders", args)
		return err
	})
	want := []string{
		`invalid arguments for berth:fargate:Service "orders":`,
		`  aws.vpcId: "" is not a VPC ID (allowed: "vpc-" followed by hex digits)`,
		`  aws.loadBalancerSubnetIds: 1 subnet (allowed: at least two subnets in different Availability Zones)`,
	}
	r, err := app.preview()
	if err == nil {
		t.Fatal("the preview succeeded")
	}
	if out := r.stdout + r.stderr + err.Error(); !strings.Contains(out, strings.Join(want, "\n")) {
		t.Errorf("the preview's output lacks\n%s\n---\n%s", strings.Join(want, "\n"), r.failure())
	}
	for op, n := range r.changes {
		if op != "same" && n > 0 && op != "create" {
			t.Errorf("preview planned %d %s", n, op)
		}
	}
	for name, m := range r.steps() {
		if m.Type != "pulumi:pulumi:Stack" && m.Type != "pulumi:pulumi:StackReference" && !strings.HasPrefix(string(m.Type), "pulumi:providers:") {
			t.Errorf("the preview planned %s %s %s", m.Op, m.Type, name)
		}
	}
	if r, err := app.up(); err == nil {
		t.Errorf("up succeeded:\n%s", r.stdout)
	}
	if live := e.live(); len(live) != 0 {
		t.Errorf("the cloud holds %v after the failed up", live)
	}
	if strings.Contains(app.export(), "berth:fargate:Service") {
		t.Error("the state holds the component after the failed up")
	}
}
