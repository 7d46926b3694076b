package fargate

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// networkArgs is minimalArgs with the network read from a stack reference.
func networkArgs(ctx *pulumi.Context) (*ServiceArgs, error) {
	network, err := pulumi.NewStackReference(ctx, "acme/network/prod", nil)
	if err != nil {
		return nil, err
	}
	a := minimalArgs()
	a.AWS.VPCID = network.GetStringOutput(pulumi.String("vpcId"))
	a.AWS.LoadBalancerSubnetIDs = network.GetOutput(pulumi.String("publicSubnetIds")).AsStringArrayOutput()
	a.AWS.TaskSubnetIDs = network.GetOutput(pulumi.String("privateSubnetIds")).AsStringArrayOutput()
	a.AWS.PlainHTTP = false
	a.AWS.CertificateARN = network.GetStringOutput(pulumi.String("certificateArn"))
	return a, nil
}

// TestValuesFromOutputsAreValidatedWhenTheyResolve: a stack reference that
// gives an empty VPC ID, one load balancer subnet, a task subnet twice and
// an empty certificate fails the run with every problem, in the messages
// a plain value gets, and nothing is registered but the reference.
func TestValuesFromOutputsAreValidatedWhenTheyResolve(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test", testkit.WithStackOutputs("acme/network/prod", map[string]any{
		"vpcId":            "",
		"publicSubnetIds":  []any{"subnet-pub1"},
		"privateSubnetIds": []any{"subnet-priv1", "subnet-priv1"},
		"certificateArn":   "",
	}))
	var returned error
	err := m.Run(func(ctx *pulumi.Context) error {
		args, err := networkArgs(ctx)
		if err != nil {
			return err
		}
		_, returned = NewService(ctx, "api", args)
		return returned
	})
	want := `invalid arguments for berth:fargate:Service "api":
  aws.vpcId: "" is not a VPC ID (allowed: "vpc-" followed by hex digits)
  aws.loadBalancerSubnetIds: 1 subnet (allowed: at least two subnets in different Availability Zones)
  aws.taskSubnetIds[1]: "subnet-priv1" is already aws.taskSubnetIds[0] (allowed: each subnet once)
  aws.certificateArn: empty (allowed: an ACM certificate ARN, arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID; to serve unencrypted HTTP instead, leave it unset and set aws.plainHttp)`
	var verr *validate.Error
	if !errors.As(returned, &verr) || verr.Error() != want {
		t.Fatalf("NewService returned %v, want\n%s", returned, want)
	}
	if !errors.As(err, &verr) || verr.Error() != want {
		t.Fatalf("the run failed with %v, want\n%s", err, want)
	}
	for _, r := range m.Resources() {
		if r.Type != "pulumi:pulumi:StackReference" {
			t.Errorf("registered %s %s", r.Type, r.Name)
		}
	}
}

// TestValidValuesFromOutputsPassTheGate: the same program with a valid
// network registers the whole service.
func TestValidValuesFromOutputsPassTheGate(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test", testkit.WithStackOutputs("acme/network/prod", map[string]any{
		"vpcId":            "vpc-0abc",
		"publicSubnetIds":  []any{"subnet-pub1", "subnet-pub2"},
		"privateSubnetIds": []any{"subnet-priv1"},
		"certificateArn":   testCert,
	}))
	err := m.Run(func(ctx *pulumi.Context) error {
		args, err := networkArgs(ctx)
		if err != nil {
			return err
		}
		args.Service = &spec.Service{Public: true}
		_, err = NewService(ctx, "api", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := testkit.Prop(t, m.One(t, typeTargetGroup), "vpcId"); got != "vpc-0abc" {
		t.Errorf("target group vpcId = %v", got)
	}
}

// TestASecretValueFromAnOutputIsNotQuoted: a stack reference's secret
// output that fails a check is named by its path, never by its value.
func TestASecretValueFromAnOutputIsNotQuoted(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test", testkit.WithStackOutputs("acme/network/prod", map[string]any{
		"vpcId":            "vpc-0abc",
		"publicSubnetIds":  []any{"subnet-pub1", "subnet-pub2"},
		"privateSubnetIds": []any{"subnet-priv1", "subnet-priv2"},
		"certificateArn":   "",
	}))
	err := m.Run(func(ctx *pulumi.Context) error {
		args, err := networkArgs(ctx)
		if err != nil {
			return err
		}
		args.AWS.VPCID = pulumi.ToSecret(pulumi.String("hunter2-not-a-vpc")).(pulumi.StringOutput)
		_, err = NewService(ctx, "api", args)
		return err
	})
	want := `aws.vpcId: [secret] is not a VPC ID (allowed: "vpc-" followed by hex digits)`
	if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("the run failed with %v, want it to hold %s and not the value", err, want)
	}
}
