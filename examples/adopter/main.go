// Command adopter is an adopting team's Pulumi program: an image
// repository, a log group and a security group in the VPC of the network
// stack it references, none of them named by the program, every AWS
// resource tagged with the team by a stack transform.
package main

import (
	"context"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() { pulumi.Run(Program) }

// NetworkStack is the stack whose VPC the program uses, unless
// adopter:networkStack names another.
const NetworkStack = "acme/network/staging"

// Program is the stack's program.
func Program(ctx *pulumi.Context) error {
	team := config.Require(ctx, "adopter:team")
	if err := ctx.RegisterResourceTransform(func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
		if !a.Custom || !strings.HasPrefix(a.Type, "aws:") {
			return nil
		}
		a.Props["tags"] = pulumi.StringMap{"team": pulumi.String(team)}
		return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
	}); err != nil {
		return err
	}
	networkStack := config.Get(ctx, "adopter:networkStack")
	if networkStack == "" {
		networkStack = NetworkStack
	}
	network, err := pulumi.NewStackReference(ctx, networkStack, nil)
	if err != nil {
		return err
	}
	repo, err := ecr.NewRepository(ctx, "images", nil)
	if err != nil {
		return err
	}
	logs, err := cloudwatch.NewLogGroup(ctx, "logs", &cloudwatch.LogGroupArgs{RetentionInDays: pulumi.Int(14)})
	if err != nil {
		return err
	}
	sg, err := ec2.NewSecurityGroup(ctx, "tasks", &ec2.SecurityGroupArgs{
		VpcId:       network.GetStringOutput(pulumi.String("vpcId")),
		Description: pulumi.String("the app's tasks"),
	})
	if err != nil {
		return err
	}
	ctx.Export("repositoryUrl", repo.RepositoryUrl)
	ctx.Export("logGroup", logs.Name)
	ctx.Export("securityGroup", sg.ID())
	return nil
}
