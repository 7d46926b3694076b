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
//
// # Values that arrive as outputs
//
// A value another resource or stack produces (every stack reference
// output) is not known when NewService runs. NewService checks it when it
// resolves, with the same rules and messages, all problems at once, before
// anything registers: the component waits for validate.Gate, and so does
// every child and the image build. Stack reference outputs are known in a
// preview, so an empty vpcId from the network stack fails `pulumi preview`
// with `aws.vpcId: "" is not a VPC ID ...`. The image and the repository
// ARN are not gated: they are usually the image component's outputs, and
// every child would wait for the build.
//
// # Several components in one program
//
// A constructor that fails registers nothing, so a program can run every
// constructor and fail once with validate.All, which reports the problems
// of all of them:
//
//	api, apiErr := berth.NewService(ctx, "api", apiArgs)
//	worker, workerErr := berth.NewService(ctx, "worker", workerArgs)
//	if err := validate.All(ctx, apiErr, workerErr); err != nil {
//		return err
//	}
//
// # Resource options
//
// The options given to NewService reach the children meant for them.
// Pulumi passes protect and retainOnDelete to every child by itself (the
// SDK and the engine both inherit them); berth narrows them to the
// stateful children, whose deletion loses what `pulumi up` cannot
// recreate, and sets them false on the others: a protected Fargate task
// definition, which every new image replaces, would fail every deployment,
// and a retained security group rule or IAM binding that the program
// replaced would still admit what it no longer admits.
//
//	child                        protect, retainOnDelete   custom timeouts
//	image repository             yes                       no
//	Fargate log group            yes                       no
//	Fargate secrets              yes (not their versions)  no
//	Fargate load balancer        yes (its DNS name)        yes
//	Fargate task role            yes (policies attach)     no
//	ECS service                  no                        yes
//	Cloud Run service account    yes                       no
//	Cloud Run secrets            yes (not their versions)  no
//	Cloud Run service            no                        yes
//	VPC connector                no                        yes
//	everything else              no                        no
//
// Custom timeouts go to the children whose operations wait on the cloud.
// An option for one child, such as ignoreChanges, is addressed by the
// child's role (components/child); a later option wins, so it can also
// protect a routine child:
//
//	svc, err := berth.NewService(ctx, "orders", args,
//		pulumi.Protect(true),
//		pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "40m", Update: "40m"}),
//		child.IgnoreChanges(child.FargateService, "taskDefinition"),
//		child.Options(child.FargateLoadBalancer, pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "60m"})),
//	)
//
// Anything else about any child is Pulumi's own pulumi.Transforms on the
// component, which the engine runs for every descendant:
//
//	pulumi.Transforms([]pulumi.ResourceTransform{func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
//		if a.Type != "aws:ecs/cluster:Cluster" {
//			return nil // leave every other child as it is
//		}
//		a.Props["tags"] = pulumi.StringMap{"team": pulumi.String("payments")}
//		return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
//	}})
//
// Return nil for every child the transform does not change: its answer
// replaces the child's options with what the Go SDK can send back, which
// has no deleteBeforeReplace false, so a child berth replaces create-first
// (the ECS service, the load balancer, most named children) would be
// replaced delete-first. components/child's options keep it.
package berth
