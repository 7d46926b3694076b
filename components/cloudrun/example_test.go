package cloudrun_test

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
)

// ExampleNewService deploys an image with one secret read as an environment
// variable. Outside tests the program runs under `pulumi up`; here it runs
// against berth's recording mock monitor and lists what it would create.
func ExampleNewService() {
	program := func(ctx *pulumi.Context) error {
		svc, err := cloudrun.NewService(ctx, "api", &cloudrun.ServiceArgs{
			Image: pulumi.String("us-central1-docker.pkg.dev/my-project/apps/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
			Service: &spec.Service{
				Memory: "1Gi",
				Secrets: []spec.Secret{
					{Env: "DATABASE_URL", Ref: pulumi.String("database-url"), Version: pulumi.String("1")},
				},
			},
			GCP: cloudrun.GCP{Region: "us-central1"},
		})
		if err != nil {
			return err
		}
		ctx.Export("url", svc.URL)
		return nil
	}

	m := testkit.New("berth", "dev")
	if err := m.Run(program); err != nil {
		fmt.Println(err)
		return
	}
	var created []string
	for _, r := range m.Resources() {
		created = append(created, r.Type)
	}
	sort.Strings(created)
	for _, typ := range created {
		fmt.Println(typ)
	}
	// Output:
	// berth:cloudrun:Service
	// gcp:cloudrunv2/service:Service
	// gcp:secretmanager/secretIamMember:SecretIamMember
	// gcp:serviceaccount/account:Account
}
