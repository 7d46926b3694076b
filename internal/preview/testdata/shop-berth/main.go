// Command orders deploys an image that another pipeline built with berth's
// Cloud Run component.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/berth-dev/berth/components/cloudrun"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		svc, err := cloudrun.NewService(ctx, "orders", &cloudrun.ServiceArgs{
			Image:        pulumi.String("europe-west1-docker.pkg.dev/acme/apps/orders@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
			Region:       "europe-west1",
			Memory:       config.Get(ctx, "orders:memory"),
			MaxInstances: 20,
			Secrets: []cloudrun.Secret{
				{Secret: pulumi.String("orders-db-url"), Version: pulumi.String("3"), Env: "DATABASE_URL"},
			},
			Invokers: []string{"serviceAccount:gateway@acme.iam.gserviceaccount.com"},
		})
		if err != nil {
			return err
		}
		ctx.Export("url", svc.URL)
		ctx.Export("serviceAccount", svc.ServiceAccountEmail)
		return nil
	})
}
