package testkit_test

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/testkit"
)

// A program's resources are answered as the cloud would answer them, in
// the account, project and Regions the monitor is given.
func Example() {
	m := testkit.New("shop", "test", testkit.WithAWS("111122223333", "eu-west-1"), testkit.WithGCP("shop-prod", "europe-west1"))
	err := m.Run(func(ctx *pulumi.Context) error {
		if _, err := ecr.NewRepository(ctx, "orders", &ecr.RepositoryArgs{Name: pulumi.String("orders")}); err != nil {
			return err
		}
		_, err := serviceaccount.NewAccount(ctx, "orders-sa", &serviceaccount.AccountArgs{AccountId: pulumi.String("orders")})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	repo := m.ByType("aws:ecr/repository:Repository")[0]
	fmt.Println(repo.Outputs["repositoryUrl"].StringValue())
	fmt.Println(repo.Outputs["arn"].StringValue())
	fmt.Println(repo.Outputs["imageTagMutability"].StringValue()) // the provider's default
	sa := m.ByType("gcp:serviceaccount/account:Account")[0]
	fmt.Println(sa.Outputs["email"].StringValue())
	// Output:
	// 111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders
	// arn:aws:ecr:eu-west-1:111122223333:repository/orders
	// MUTABLE
	// orders@shop-prod.iam.gserviceaccount.com
}
