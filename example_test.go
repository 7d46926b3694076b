package berth_test

import (
	"errors"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// ExampleNewService runs one service on Cloud Run from an image built
// elsewhere; moving it to Fargate changes Cloud and the block, not the
// description. Outside tests the program runs under `pulumi up`; here it
// runs against berth's recording mock monitor and lists what it creates.
func ExampleNewService() {
	program := func(ctx *pulumi.Context) error {
		svc, err := berth.NewService(ctx, "orders", &berth.ServiceArgs{
			Cloud: berth.GCP,
			Service: &spec.Service{
				Memory:       "1Gi",
				MaxInstances: pulumi.IntRef(20),
				Env:          pulumi.StringMap{"LOG_LEVEL": pulumi.String("info")},
			},
			Image: pulumi.String("europe-west1-docker.pkg.dev/acme/apps/orders@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
			GCP:   &cloudrun.GCP{Region: "europe-west1"},
		})
		if err != nil {
			return err
		}
		ctx.Export("url", svc.URL)
		return nil
	}
	m := testkit.New("shop", "dev", testkit.WithGCP("acme", "europe-west1"))
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
	// berth:index:Service
	// gcp:cloudrunv2/service:Service
	// gcp:serviceaccount/account:Account
}

// ExampleNewService_invalid shows what a program gets for invalid
// arguments: one *validate.Error with every problem at its path, before
// anything is created.
func ExampleNewService_invalid() {
	var verr *validate.Error
	err := testkit.New("shop", "dev").Run(func(ctx *pulumi.Context) error {
		_, err := berth.NewService(ctx, "orders", &berth.ServiceArgs{
			Cloud:   berth.GCP,
			Service: &spec.Service{Memory: "1GB", Port: pulumi.IntRef(0)},
			Image:   pulumi.String("orders:latest"),
			GCP:     &cloudrun.GCP{Region: "europe-west1"},
		})
		return err
	})
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Println(p.Field)
		}
	}
	// Output:
	// service.port
	// service.memory
	// image
}
