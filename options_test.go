package berth

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/child"
	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// digestImage is an image built elsewhere, by digest.
const digestImage = "ghcr.io/acme/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

var (
	createFirst = func() *bool { f := false; return &f }()
	timeouts    = &pulumi.CustomTimeouts{Create: "40m", Update: "45m", Delete: "20m"}
	recorded    = &plan.Timeouts{Create: "40m", Update: "45m", Delete: "20m"}
)

// optionsOf returns the recorded options of the child named name.
func optionsOf(t *testing.T, m *testkit.Monitor, typ, name string) testkit.Options {
	t.Helper()
	return m.Named(t, typ, name).Options
}

// TestComponentOptionsReachTheChildrenMeantForThem gives berth.NewService
// protect, retainOnDelete, custom timeouts and an ignoreChanges addressed
// to the ECS service, and reads every option set the children were
// registered with: stateful children are protected and retained, the
// others explicitly not (which stops the SDK's and the engine's
// inheritance), the long ones take the timeouts, and only the ECS service
// ignores taskDefinition.
func TestComponentOptionsReachTheChildrenMeantForThem(t *testing.T) {
	m, _ := testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", &ServiceArgs{Cloud: AWS, Build: buildContext(t), AWS: awsBlock()},
			pulumi.Protect(true), pulumi.RetainOnDelete(true), pulumi.Timeouts(timeouts),
			child.IgnoreChanges(child.FargateService, "taskDefinition"))
	})
	stateful := testkit.Options{Protect: true, RetainOnDelete: true, DeleteBeforeReplace: createFirst}
	for _, tt := range []struct {
		typ, name string
		want      testkit.Options
	}{
		{"aws:ecr/repository:Repository", "api-repo", stateful},
		{"aws:cloudwatch/logGroup:LogGroup", "api-logs", stateful},
		{"aws:iam/role:Role", "api-task-role", stateful},
		// The SDK adds the type's old name as an alias.
		{"aws:lb/loadBalancer:LoadBalancer", "api-lb", testkit.Options{Protect: true, RetainOnDelete: true, DeleteBeforeReplace: createFirst, CustomTimeouts: recorded,
			Aliases: []string{"urn:pulumi:test::berth::berth:index:Service$berth:fargate:Service$aws:elasticloadbalancingv2/loadBalancer:LoadBalancer::api-lb"}}},
		{"aws:ecs/service:Service", "api-svc", testkit.Options{DeleteBeforeReplace: createFirst, IgnoreChanges: []string{"desiredCount", "taskDefinition"}, CustomTimeouts: recorded}},
		{"aws:ecs/taskDefinition:TaskDefinition", "api-taskdef", testkit.Options{}},
		{"aws:iam/role:Role", "api-exec-role", testkit.Options{DeleteBeforeReplace: createFirst}},
		{"aws:ecr/lifecyclePolicy:LifecyclePolicy", "api-lifecycle", testkit.Options{}},
		{"docker:index/image:Image", "api-image", testkit.Options{
			Aliases: []string{"urn:pulumi:test::berth::berth:index:Service$berth:image:Image$docker:image:Image::api-image"}}},
		{"berth:fargate:Service", "api", testkit.Options{Protect: true, RetainOnDelete: true, CustomTimeouts: recorded}},
	} {
		if got := optionsOf(t, m, tt.typ, tt.name); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %s options = %+v, want %+v", tt.typ, tt.name, got, tt.want)
		}
	}
}

// TestCloudRunChildrenTakeTheComponentOptions: on GCP the repository and
// the service account are stateful, the Cloud Run service is long.
func TestCloudRunChildrenTakeTheComponentOptions(t *testing.T) {
	m, _ := testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", &ServiceArgs{Cloud: GCP, Build: buildContext(t), GCP: &cloudrun.GCP{Region: "europe-west4"}},
			pulumi.Protect(true), pulumi.RetainOnDelete(true), pulumi.Timeouts(timeouts))
	})
	for _, tt := range []struct {
		typ, name string
		want      testkit.Options
	}{
		// The SDK marks the label maps secret-capable and adds the type's
		// old name as an alias.
		{"gcp:artifactregistry/repository:Repository", "api-repo", testkit.Options{Protect: true, RetainOnDelete: true, DeleteBeforeReplace: createFirst,
			AdditionalSecretOutputs: []string{"effectiveLabels", "pulumiLabels"}}},
		{"gcp:serviceaccount/account:Account", "api-sa", testkit.Options{Protect: true, RetainOnDelete: true, DeleteBeforeReplace: createFirst,
			Aliases: []string{"urn:pulumi:test::berth::berth:index:Service$berth:cloudrun:Service$gcp:serviceAccount/account:Account::api-sa"}}},
		{"gcp:cloudrunv2/service:Service", "api-svc", testkit.Options{DeleteBeforeReplace: createFirst, CustomTimeouts: recorded,
			AdditionalSecretOutputs: []string{"effectiveLabels", "pulumiLabels"}}},
	} {
		if got := optionsOf(t, m, tt.typ, tt.name); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %s options = %+v, want %+v", tt.typ, tt.name, got, tt.want)
		}
	}
}

// TestWithoutOptionsChildrenKeepTheirOwn: a component given no options
// gives its children none of these.
func TestWithoutOptionsChildrenKeepTheirOwn(t *testing.T) {
	m, _ := testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", &ServiceArgs{Cloud: AWS, Build: buildContext(t), AWS: awsBlock()})
	})
	for typ, want := range map[string]testkit.Options{
		"aws:cloudwatch/logGroup:LogGroup":      {DeleteBeforeReplace: createFirst},
		"aws:ecs/service:Service":               {DeleteBeforeReplace: createFirst, IgnoreChanges: []string{"desiredCount"}},
		"aws:ecs/taskDefinition:TaskDefinition": {},
	} {
		if got := m.One(t, typ).Options; !reflect.DeepEqual(got, want) {
			t.Errorf("%s options = %+v, want %+v", typ, got, want)
		}
	}
}

// TestChildOptionsTakeBackWhatBerthSet: a later option wins, so a routine
// child of a protected component can be protected too.
func TestChildOptionsTakeBackWhatBerthSet(t *testing.T) {
	m, _ := testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", &ServiceArgs{Cloud: AWS, Build: buildContext(t), AWS: awsBlock()},
			pulumi.Protect(true), child.Options(child.FargateService, pulumi.Protect(true)))
	})
	want := testkit.Options{Protect: true, DeleteBeforeReplace: createFirst, IgnoreChanges: []string{"desiredCount"}}
	if got := optionsOf(t, m, "aws:ecs/service:Service", "api-svc"); !reflect.DeepEqual(got, want) {
		t.Errorf("ECS service options = %+v, want %+v", got, want)
	}
	if got := optionsOf(t, m, "aws:ecs/taskDefinition:TaskDefinition", "api-taskdef"); got.Protect {
		t.Errorf("task definition protected: %+v", got)
	}
}

// TestTransformsOnTheComponentReachEveryDescendant is the escape hatch:
// pulumi.Transforms given to berth.NewService runs for the grandchildren
// too (the engine runs each ancestor's transforms, pkg/v3 v3.274.1
// resource/deploy/source_eval.go:2635-2648). It also shows why berth's own
// per-child options are transformations: a Go transform's answer replaces
// the child's options, and the Go SDK cannot answer deleteBeforeReplace
// false (sdk go/pulumi/context.go:521-524), so the ECS service it touched
// lost its create-first replacement.
func TestTransformsOnTheComponentReachEveryDescendant(t *testing.T) {
	m, _ := testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", &ServiceArgs{Cloud: AWS, Build: buildContext(t), AWS: awsBlock()},
			pulumi.Transforms([]pulumi.ResourceTransform{func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
				switch a.Type {
				case "aws:ecs/cluster:Cluster":
					a.Props["tags"] = pulumi.StringMap{"team": pulumi.String("payments")}
					return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
				case "aws:ecs/service:Service":
					a.Opts.IgnoreChanges = append(a.Opts.IgnoreChanges, "taskDefinition")
					return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
				}
				return nil
			}}))
	})
	if got := testkit.Prop(t, m.One(t, "aws:ecs/cluster:Cluster"), "tags"); !reflect.DeepEqual(got, map[string]any{"team": "payments"}) {
		t.Errorf("cluster tags = %v, want the transform's", got)
	}
	want := testkit.Options{IgnoreChanges: []string{"desiredCount", "taskDefinition"}}
	if got := m.One(t, "aws:ecs/service:Service").Options; !reflect.DeepEqual(got, want) {
		t.Errorf("ECS service options after the transform = %+v, want %+v", got, want)
	}
}

// TestNetworkFromAStackReferenceIsValidatedBeforeTheImage: berth.NewService
// checks the AWS values that arrive as outputs in its own terms, and
// neither the image nor the service registers when they are wrong.
func TestNetworkFromAStackReferenceIsValidatedBeforeTheImage(t *testing.T) {
	m := testkit.New("berth", "test", testkit.WithStackOutputs("acme/network/prod", map[string]any{
		"vpcId": "", "publicSubnetIds": []any{"subnet-a"},
	}))
	var returned error
	err := m.Run(func(ctx *pulumi.Context) error {
		network, err := pulumi.NewStackReference(ctx, "acme/network/prod", nil)
		if err != nil {
			return err
		}
		_, returned = NewService(ctx, "api", &ServiceArgs{Cloud: AWS, Build: buildContext(t), AWS: &fargate.AWS{
			VPCID:                 network.GetStringOutput(pulumi.String("vpcId")),
			LoadBalancerSubnetIDs: network.GetOutput(pulumi.String("publicSubnetIds")).AsStringArrayOutput(),
			TaskSubnetIDs:         pulumi.ToStringArray([]string{"subnet-c"}),
		}})
		return returned
	})
	want := `invalid arguments for berth:index:Service "api":
  aws.vpcId: "" is not a VPC ID (allowed: "vpc-" followed by hex digits)
  aws.loadBalancerSubnetIds: 1 subnet (allowed: at least two subnets in different Availability Zones)`
	var verr *validate.Error
	if !errors.As(returned, &verr) || verr.Error() != want {
		t.Fatalf("NewService returned %v, want\n%s", returned, want)
	}
	if !errors.As(err, &verr) || verr.Error() != want {
		t.Fatalf("the run failed with %v, want\n%s", err, want)
	}
	if got := types(m); !reflect.DeepEqual(got, []string{"pulumi:pulumi:StackReference"}) {
		t.Errorf("registered %v, want only the stack reference", got)
	}
}

// TestAllReportsEveryComponentsProblems: three components in one program,
// one with a bad plain value, one with a bad value from a stack reference,
// one valid. validate.All logs each failure as an error diagnostic, so
// both problems are shown although the run ends with the failed
// registration's error, which the SDK returns instead of the program's;
// nothing of the two failing components is registered, and the valid one
// is, since every constructor ran.
func TestAllReportsEveryComponentsProblems(t *testing.T) {
	m := testkit.New("berth", "test", testkit.WithStackOutputs("acme/network/prod", map[string]any{"vpcId": ""}))
	err := m.Run(func(ctx *pulumi.Context) error {
		network, err := pulumi.NewStackReference(ctx, "acme/network/prod", nil)
		if err != nil {
			return err
		}
		plain := awsBlock()
		plain.VPCID = pulumi.String("vpc0abc")
		_, plainErr := NewService(ctx, "plain", &ServiceArgs{Cloud: AWS, Image: pulumi.String(digestImage), AWS: plain})
		fromRef := awsBlock()
		fromRef.VPCID = network.GetStringOutput(pulumi.String("vpcId"))
		_, refErr := NewService(ctx, "ref", &ServiceArgs{Cloud: AWS, Image: pulumi.String(digestImage), AWS: fromRef})
		_, okErr := NewService(ctx, "ok", &ServiceArgs{Cloud: AWS, Image: pulumi.String(digestImage), AWS: awsBlock()})
		return validate.All(ctx, plainErr, refErr, okErr)
	})
	wantPlain := "invalid arguments for berth:index:Service \"plain\":\n  aws.vpcId: \"vpc0abc\" is not a VPC ID (allowed: \"vpc-\" followed by hex digits)"
	wantRef := "invalid arguments for berth:index:Service \"ref\":\n  aws.vpcId: \"\" is not a VPC ID (allowed: \"vpc-\" followed by hex digits)"
	if got := m.LogErrors(); !reflect.DeepEqual(got, []string{wantPlain, wantRef}) {
		t.Errorf("logged errors = %q, want %q", got, []string{wantPlain, wantRef})
	}
	var verr *validate.Error
	if !errors.As(err, &verr) || verr.Error() != wantRef {
		t.Errorf("the run failed with %v, want the gate's\n%s", err, wantRef)
	}
	for _, r := range m.Resources() {
		if strings.HasPrefix(r.URN, "urn:pulumi:test::berth::berth:index:Service::plain") || strings.Contains(r.URN, "berth:index:Service::ref") {
			t.Errorf("registered %s", r.URN)
		}
	}
	if len(m.ByType("aws:ecs/service:Service")) != 1 {
		t.Errorf("%d ECS services, want the valid component's", len(m.ByType("aws:ecs/service:Service")))
	}
}

// TestAllJoinsPlainValueProblems: without outputs, the program's error is
// validate.All's, every component's problems in order.
func TestAllJoinsPlainValueProblems(t *testing.T) {
	m := testkit.New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		a := awsBlock()
		a.VPCID = pulumi.String("vpc0abc")
		_, errA := NewService(ctx, "a", &ServiceArgs{Cloud: AWS, Image: pulumi.String(digestImage), AWS: a})
		_, errB := NewService(ctx, "b", &ServiceArgs{Cloud: GCP, Image: pulumi.String(digestImage), GCP: &cloudrun.GCP{}})
		return validate.All(ctx, errA, errB)
	})
	want := "invalid arguments for berth:index:Service \"a\":\n  aws.vpcId: \"vpc0abc\" is not a VPC ID (allowed: \"vpc-\" followed by hex digits)\n" +
		"invalid arguments for berth:index:Service \"b\":\n  gcp.region: required (for example \"us-central1\")"
	// The SDK adds its "1 error occurred" list around the program's error
	// (sdk/v3 v3.274.1 go/pulumi/run.go:144-146).
	if err == nil || !strings.Contains(err.Error(), "* "+want+"\n") {
		t.Errorf("run error = %v, want it to hold\n%s", err, want)
	}
	if got := m.LogErrors(); len(got) != 2 || got[0]+"\n"+got[1] != want {
		t.Errorf("logged errors = %q", got)
	}
	if n := len(m.Resources()); n != 0 {
		t.Errorf("%d resources registered", n)
	}
}

// teamComponent is an adopter's own component that holds berth's.
type teamComponent struct{ pulumi.ResourceState }

// TestRoutineChildrenOfANestedComponentAreNotProtectedByItsAncestors: a
// berth component given only pulumi.Parent of a protected component of the
// adopter's is protected through the SDK (context.go:1950-1953) without an
// option of its own; its routine children are still explicitly not, so a
// new image can still replace the task definition. Its stateful children
// keep the protection they inherit.
func TestRoutineChildrenOfANestedComponentAreNotProtectedByItsAncestors(t *testing.T) {
	m := testkit.New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		team := &teamComponent{}
		if err := ctx.RegisterComponentResource("acme:index:Team", "payments", team, pulumi.Protect(true), pulumi.RetainOnDelete(true)); err != nil {
			return err
		}
		_, err := NewService(ctx, "api", &ServiceArgs{Cloud: AWS, Build: buildContext(t), AWS: awsBlock()}, pulumi.Parent(team))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := optionsOf(t, m, "aws:ecs/taskDefinition:TaskDefinition", "api-taskdef"); got.Protect || got.RetainOnDelete {
		t.Errorf("the task definition inherits protection: %+v", got)
	}
	if got := optionsOf(t, m, "aws:cloudwatch/logGroup:LogGroup", "api-logs"); !got.Protect {
		t.Errorf("the log group lost the protection it inherits: %+v", got)
	}
}

// TestEveryOptionForOneChildGoesInOneCall: the documented form keeps both
// options; a second call for the same child replaces the first, as the SDK
// keeps a transformation's last answer (context.go:2259-2276).
func TestEveryOptionForOneChildGoesInOneCall(t *testing.T) {
	timeouts := &pulumi.CustomTimeouts{Update: "40m"}
	one, _ := testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", &ServiceArgs{Cloud: AWS, Build: buildContext(t), AWS: awsBlock()},
			child.Options(child.FargateService, pulumi.IgnoreChanges([]string{"taskDefinition"}), pulumi.Timeouts(timeouts)))
	})
	got := optionsOf(t, one, "aws:ecs/service:Service", "api-svc")
	if !reflect.DeepEqual(got.IgnoreChanges, []string{"desiredCount", "taskDefinition"}) || got.CustomTimeouts == nil || got.CustomTimeouts.Update != "40m" {
		t.Errorf("one call: ECS service options = %+v", got)
	}
	two, _ := testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", &ServiceArgs{Cloud: AWS, Build: buildContext(t), AWS: awsBlock()},
			child.IgnoreChanges(child.FargateService, "taskDefinition"), child.Options(child.FargateService, pulumi.Timeouts(timeouts)))
	})
	if got := optionsOf(t, two, "aws:ecs/service:Service", "api-svc"); slices.Contains(got.IgnoreChanges, "taskDefinition") {
		t.Errorf("two calls: the first was kept, which the SDK does not do: %+v", got)
	}
}
