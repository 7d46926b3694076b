// Package berth takes a stateless HTTP service from source to production on
// Google Cloud Run or Amazon ECS Fargate, as the Pulumi component
// berth:index:Service.
//
// A service is described once, in spec.Service's words and units; Cloud
// says where it runs, and the gcp or aws block carries what only that cloud
// has. Moving a service to the other cloud changes Cloud and the block, not
// the description:
//
//	svc, err := berth.NewService(ctx, "orders", &berth.ServiceArgs{
//		Cloud: berth.GCP,
//		Service: &spec.Service{
//			Memory:       "1Gi",
//			MaxInstances: pulumi.IntRef(20),
//			Secrets:      []spec.Secret{{Env: "DATABASE_URL", Ref: pulumi.String("orders-db-url"), Version: pulumi.String("3")}},
//		},
//		Build: &image.Build{Context: ".", Dockerfile: "Dockerfile"},
//		GCP:   &cloudrun.GCP{Region: "europe-west1"},
//	})
//
// NewService checks everything before it creates anything: the service
// against the chosen cloud's real limits (a CPU and memory pair Fargate does
// not offer, a concurrency Cloud Run does not allow below one vCPU), the
// build context, the blocks that must or must not be set. Every problem is
// reported at once in one *validate.Error, each under its field path
// (`service.memory`, `aws.certificateArn`), in the units the caller wrote.
//
// With Build, the image is built with Docker and pushed to a repository the
// component creates (Artifact Registry on GCP, ECR on AWS), for the
// platform the cloud runs, and deployed by digest; with Image, an image
// built elsewhere is deployed as given. Then the cloud's own component runs:
// cloudrun.NewService or fargate.NewService, which stay usable on their own.
// docs/parity.md lists, per field, what it becomes on each cloud, its
// default there and the values each cloud rejects.
package berth
