package testkit

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func TestDuplicateURNsFailAsTheEngineDoes(t *testing.T) {
	t.Parallel()
	err := New("berth", "test").Run(func(ctx *pulumi.Context) error {
		if _, err := iam.NewRole(ctx, "twin", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")}); err != nil {
			return err
		}
		_, err := iam.NewRole(ctx, "twin", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "Duplicate resource URN 'urn:pulumi:test::berth::aws:iam/role:Role::twin'; try giving it a unique name") {
		t.Errorf("err = %v", err)
	}
}

// TestPhysicalNamesCollideAsTheCloudRefusesThem registers what the cloud
// refuses the second of: two IAM roles of one name (IAM is global, so
// even through providers of two Regions of the account), and two services named alike
// in one cluster; names in different scopes (two clusters) are fine.
func TestPhysicalNamesCollideAsTheCloudRefusesThem(t *testing.T) {
	t.Parallel()
	err := New("berth", "test").Run(func(ctx *pulumi.Context) error {
		west, err := aws.NewProvider(ctx, "west", &aws.ProviderArgs{Region: pulumi.String("us-west-2"), AllowedAccountIds: pulumi.ToStringArray([]string{"123456789012"})})
		if err != nil {
			return err
		}
		if _, err := iam.NewRole(ctx, "a", &iam.RoleArgs{Name: pulumi.String("app-exec"), AssumeRolePolicy: pulumi.String("{}")}); err != nil {
			return err
		}
		_, err = iam.NewRole(ctx, "b", &iam.RoleArgs{Name: pulumi.String("app-exec"), AssumeRolePolicy: pulumi.String("{}")}, pulumi.Provider(west))
		return err
	})
	want := "resources urn:pulumi:test::berth::aws:iam/role:Role::a and urn:pulumi:test::berth::aws:iam/role:Role::b both claim iam-role/123456789012/app-exec: " +
		"the cloud refuses the second create (EntityAlreadyExists: Role with name app-exec already exists.); give them different names"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to say %q", err, want)
	}

	services := func(clusters ...string) error {
		return New("berth", "test").Run(func(ctx *pulumi.Context) error {
			for i, c := range clusters {
				if _, err := ecs.NewService(ctx, "svc-"+strconv.Itoa(i), &ecs.ServiceArgs{Name: pulumi.String("api"), Cluster: pulumi.String(c)}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := services("one", "one"); err == nil || !strings.Contains(err.Error(), "both claim ecs-service/one/api") {
		t.Errorf("two services named api in one cluster: err = %v", err)
	}
	if err := services("one", "two"); err != nil {
		t.Errorf("services named api in two clusters: %v", err)
	}
}

func TestStackReferencesReadTheOutputsTheTestGives(t *testing.T) {
	t.Parallel()
	program := func(ctx *pulumi.Context) error {
		net, err := pulumi.NewStackReference(ctx, "acme/network/prod", nil)
		if err != nil {
			return err
		}
		_, err = iam.NewRole(ctx, "r", &iam.RoleArgs{
			AssumeRolePolicy: pulumi.String("{}"),
			Description:      net.GetStringOutput(pulumi.String("vpcId")),
		})
		return err
	}
	// Outputs no test gave would read as nil: the run fails, naming them.
	err := New("berth", "test").Run(program)
	if err == nil || !strings.Contains(err.Error(), "the outputs of stack acme/network/prod are not known here; give them (testkit.WithStackOutputs)") {
		t.Errorf("err = %v", err)
	}
	m := New("berth", "test", WithStackOutputs("acme/network/prod", map[string]any{"vpcId": "vpc-0123"}))
	if err := m.Run(program); err != nil {
		t.Fatal(err)
	}
	if got := Prop(t, m.One(t, "aws:iam/role:Role"), "description"); got != "vpc-0123" {
		t.Errorf("description = %v, want the referenced stack's vpc-0123", got)
	}
	ref := m.One(t, "pulumi:pulumi:StackReference")
	if !ref.Read || ref.ID != "acme/network/prod" || Out(t, ref, "outputs", "vpcId") != "vpc-0123" {
		t.Errorf("stack reference recorded as %+v", ref)
	}
}

func TestTransformsRunAsTheEngineRunsThem(t *testing.T) {
	t.Parallel()
	m := New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		if err := ctx.RegisterResourceTransform(func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			if a.Type != "aws:iam/role:Role" {
				return nil
			}
			a.Props["tags"] = pulumi.StringMap{"team": pulumi.String("platform")}
			return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
		}); err != nil {
			return err
		}
		_, err := iam.NewRole(ctx, "r", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := Prop(t, m.One(t, "aws:iam/role:Role"), "tags"); !reflect.DeepEqual(got, map[string]any{"team": "platform"}) {
		t.Errorf("tags = %v, want the stack transform's", got)
	}
}

func TestForStackRunsUnderTheStacksOwnConfiguration(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, content := range map[string]string{
		"Pulumi.yaml":         "name: shop\nruntime: go\nconfig:\n  shop:team:\n    type: string\n",
		"Pulumi.staging.yaml": "config:\n  aws:region: eu-west-1\n  shop:team: payments\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := ForStack(dir, "staging")
	if err != nil {
		t.Fatal(err)
	}
	err = m.Run(func(ctx *pulumi.Context) error {
		_, err := iam.NewRole(ctx, "r", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}"), Description: pulumi.String(config.Require(ctx, "shop:team"))})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	role := m.One(t, "aws:iam/role:Role")
	if !strings.HasPrefix(role.URN, "urn:pulumi:staging::shop::") {
		t.Errorf("URN %s, want the stack's and the project's", role.URN)
	}
	if Prop(t, role, "description") != "payments" {
		t.Errorf("description = %v, want the stack's shop:team", Prop(t, role, "description"))
	}
	// The stack's Region, the default account.
	if got := Out(t, role, "arn"); got != "arn:aws:iam::"+AWSAccount+":role/"+Out(t, role, "name").(string) {
		t.Errorf("arn = %v", got)
	}
}

func TestReadersGiveContainersAndPolicyStatements(t *testing.T) {
	t.Parallel()
	m := New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		if _, err := cloudrunv2.NewService(ctx, "web", &cloudrunv2.ServiceArgs{
			Location: pulumi.String("us-central1"),
			Template: &cloudrunv2.ServiceTemplateArgs{Containers: cloudrunv2.ServiceTemplateContainerArray{&cloudrunv2.ServiceTemplateContainerArgs{
				Image: pulumi.String("app@sha256:1"),
				Envs: cloudrunv2.ServiceTemplateContainerEnvArray{
					&cloudrunv2.ServiceTemplateContainerEnvArgs{Name: pulumi.String("MODE"), Value: pulumi.String("prod")},
					&cloudrunv2.ServiceTemplateContainerEnvArgs{Name: pulumi.String("DB"), ValueSource: &cloudrunv2.ServiceTemplateContainerEnvValueSourceArgs{
						SecretKeyRef: &cloudrunv2.ServiceTemplateContainerEnvValueSourceSecretKeyRefArgs{Secret: pulumi.String("db-url"), Version: pulumi.String("3")}}},
				},
			}}},
		}); err != nil {
			return err
		}
		if _, err := ecs.NewTaskDefinition(ctx, "td", &ecs.TaskDefinitionArgs{Family: pulumi.String("api"),
			ContainerDefinitions: pulumi.String(`[{"name":"app","image":"app@sha256:2","environment":[{"name":"MODE","value":"prod"}],` +
				`"secrets":[{"name":"DB","valueFrom":"arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:url::"}]}]`)}); err != nil {
			return err
		}
		_, err := iam.NewRolePolicy(ctx, "p", &iam.RolePolicyArgs{Role: pulumi.String("r"),
			Policy: pulumi.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*"]}}`)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	run := Containers(t, m.One(t, "gcp:cloudrunv2/service:Service"))
	want := []Container{{Image: "app@sha256:1", Env: map[string]string{"MODE": "prod"}, Secrets: map[string]SecretRef{"DB": {Secret: "db-url", Version: "3"}}}}
	if !reflect.DeepEqual(run, want) {
		t.Errorf("Cloud Run containers = %+v\nwant %+v", run, want)
	}
	task := Containers(t, m.One(t, "aws:ecs/taskDefinition:TaskDefinition"))
	want = []Container{{Name: "app", Image: "app@sha256:2", Env: map[string]string{"MODE": "prod"},
		Secrets: map[string]SecretRef{"DB": {Secret: "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:url::"}}}}
	if !reflect.DeepEqual(task, want) {
		t.Errorf("task containers = %+v\nwant %+v", task, want)
	}
	st := Statements(t, m.One(t, "aws:iam/rolePolicy:RolePolicy"), "policy")
	if len(st) != 1 || st[0].Effect != "Allow" || !reflect.DeepEqual(st[0].Action, []string{"s3:GetObject"}) || !reflect.DeepEqual(st[0].Resource, []string{"arn:aws:s3:::b/*"}) {
		t.Errorf("statements = %+v", st)
	}
}

// TestInvokesTheModelDoesNotAnswerFailUnlessTheTestAnswersThem: an invoke
// berth's model has no answer for fails the run, naming it; WithInvoke
// answers it, with the arguments the program gave.
func TestInvokesTheModelDoesNotAnswerFailUnlessTheTestAnswersThem(t *testing.T) {
	t.Parallel()
	program := func(ctx *pulumi.Context) error {
		zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{State: pulumi.StringRef("available")})
		if err != nil {
			return err
		}
		_, err = iam.NewRole(ctx, "r", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}"), Description: pulumi.String(strings.Join(zones.Names, ","))})
		return err
	}
	const tok = "aws:index/getAvailabilityZones:getAvailabilityZones"
	if err := New("berth", "test").Run(program); err == nil || !strings.Contains(err.Error(), "no offline answer for invoke "+tok) {
		t.Errorf("unanswered invoke: err = %v", err)
	}
	var state any
	m := New("berth", "test", WithInvoke(tok, func(args resource.PropertyMap) (resource.PropertyMap, error) {
		state = args["state"].V
		return resource.PropertyMap{"names": resource.NewProperty([]resource.PropertyValue{resource.NewProperty("eu-west-1a"), resource.NewProperty("eu-west-1b")})}, nil
	}))
	if err := m.Run(program); err != nil {
		t.Fatal(err)
	}
	if state != "available" {
		t.Errorf("the answer saw state %v, want the program's available", state)
	}
	if got := Prop(t, m.One(t, "aws:iam/role:Role"), "description"); got != "eu-west-1a,eu-west-1b" {
		t.Errorf("description = %v, want the zones the test answered", got)
	}
}
