// Command infra is the shop's Pulumi program: an image repository, a log
// group and a task role on AWS, and a CI identity that reads one secret on
// Google Cloud.
package main

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "shop")
		var actions []string
		cfg.RequireObject("readActions", &actions)

		repo, err := ecr.NewRepository(ctx, "images", &ecr.RepositoryArgs{Name: pulumi.String("shop-images")})
		if err != nil {
			return err
		}
		if _, err := cloudwatch.NewLogGroup(ctx, "logs", &cloudwatch.LogGroupArgs{
			Name:            pulumi.String("/shop/app"),
			RetentionInDays: pulumi.Int(cfg.GetInt("retentionDays")),
		}); err != nil {
			return err
		}
		trust, _ := json.Marshal(map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Effect": "Allow", "Action": "sts:AssumeRole",
				"Principal": map[string]any{"Service": "ecs-tasks.amazonaws.com"},
			}},
		})
		role, err := iam.NewRole(ctx, "app", &iam.RoleArgs{Name: pulumi.String("shop-app"), AssumeRolePolicy: pulumi.String(string(trust))})
		if err != nil {
			return err
		}
		policy := repo.Arn.ApplyT(func(arn string) (string, error) {
			b, err := json.Marshal(map[string]any{
				"Version":   "2012-10-17",
				"Statement": []any{map[string]any{"Effect": "Allow", "Action": actions, "Resource": arn}},
			})
			return string(b), err
		}).(pulumi.StringOutput)
		if _, err := iam.NewRolePolicy(ctx, "app-read", &iam.RolePolicyArgs{Name: pulumi.String("read-images"), Role: role.Name, Policy: policy}); err != nil {
			return err
		}

		ci, err := serviceaccount.NewAccount(ctx, "ci", &serviceaccount.AccountArgs{AccountId: pulumi.String("shop-ci")})
		if err != nil {
			return err
		}
		secret, err := secretmanager.NewSecret(ctx, "db", &secretmanager.SecretArgs{
			SecretId:    pulumi.String(cfg.Require("secretId")),
			Replication: &secretmanager.SecretReplicationArgs{Auto: &secretmanager.SecretReplicationAutoArgs{}},
		})
		if err != nil {
			return err
		}
		if _, err := secretmanager.NewSecretIamMember(ctx, "ci-reads-db", &secretmanager.SecretIamMemberArgs{
			SecretId: secret.SecretId,
			Role:     pulumi.String("roles/secretmanager.secretAccessor"),
			Member:   ci.Member,
		}); err != nil {
			return err
		}
		ctx.Export("repositoryUrl", repo.RepositoryUrl)
		ctx.Export("ciEmail", ci.Email)
		return nil
	})
}
