// Command orders deploys an image that another pipeline built with berth's
// Cloud Run component.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/spec"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		maxInstances := 20
		svc, err := cloudrun.NewService(ctx, "orders", &cloudrun.ServiceArgs{
			Image: pulumi.String("europe-west1-docker.pkg.dev/acme/apps/orders@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
			Service: &spec.Service{
				Memory:       config.Get(ctx, "orders:memory"),
				MaxInstances: &maxInstances,
				Secrets: []spec.Secret{
					{Ref: pulumi.String("orders-db-url"), Version: pulumi.String("3"), Env: "DATABASE_URL"},
				},
			},
			GCP: cloudrun.GCP{
				Region:   "europe-west1",
				Invokers: []string{"serviceAccount:gateway@acme.iam.gserviceaccount.com"},
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("url", svc.URL)
		ctx.Export("serviceAccount", svc.ServiceAccountEmail)
		return nil
	})
}
