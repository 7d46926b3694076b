// Package testkit is berth's test kit for Pulumi Go programs and
// components: it runs a program against berth's engine in the test's own
// process and records every registration, answered as the cloud would
// answer. berth's own component and program tests use it; so can the tests
// of a stack that adopts berth's components, in a few lines:
//
//	func TestOrdersService(t *testing.T) {
//		m, svc := testkit.RunComponent(t, func(ctx *pulumi.Context) (*cloudrun.Service, error) {
//			return cloudrun.NewService(ctx, "orders", &cloudrun.ServiceArgs{ /* ... */ })
//		})
//		sa := m.One(t, "gcp:serviceaccount/account:Account")
//		if got := testkit.Out(t, sa, "email"); got != "orders-...@berth-mock-project.iam.gserviceaccount.com" { ... }
//	}
//
// or with the stack's own project, configuration and referenced stacks
// (examples/adopter does this):
//
//	m, err := testkit.ForStack(".", "staging", testkit.WithStackOutputs("acme/network/staging", map[string]any{"vpcId": "vpc-0abc"}))
//	err = m.Run(Program)
//
// # The engine
//
// Monitor.Run serves the program the engine's gRPC protocol, as `pulumi up`
// would (ctx.DryRun() false), with the engine `berth plan` uses
// (internal/monitor): URNs, a second registration of a URN failing as the
// engine fails it, aliases, transforms (pulumi.Transforms and
// ctx.RegisterResourceTransform, which call back into the program),
// explicit providers and stack references (their outputs given with
// WithStackOutputs; a reference the test gives none fails the run, since
// its outputs would read as nil). A Monitor also answers through
// pulumi.WithMocks (NewResource, Call), as pulumi-go-provider's
// integration server uses it, with the same answers but no transforms.
//
// # What it answers
//
// Every registered resource is recorded (type, name, URN, parent,
// dependencies, lifecycle options, inputs, outputs) and answered with the
// outputs the provider would give, from berth's provider model
// (internal/providers, the same rules its fake cloud and `berth plan`
// use): the provider's Check (schema defaults, the name the provider makes
// for an unnamed resource, required inputs: a missing one fails the
// registration as it would fail `pulumi preview`), then outputs that
// follow from the inputs and the provider's configuration (an ECR
// repository's URL, a service account's email, ARNs in the configured
// account and Region), and for what only the cloud invents (IDs, ARN
// suffixes, revisions, digests, the random part of a name) values drawn
// from the resource's URN, so every output is known and the same on every
// run. A custom resource of a type the model does not know fails the run,
// naming the type, unless SetOutputs scripts its outputs: its outputs
// would otherwise be guesses.
//
// Default providers are configured as a stack's configuration would
// configure them: by default AWS account AWSAccount in AWSRegion, Google
// Cloud project GCPProject in GCPRegion (WithAWS, WithGCP, WithConfig,
// ForStack). An explicit provider (`pulumi:providers:aws`) is configured
// by its own inputs, as it is under the engine.
//
// Invokes are answered from the same configuration:
// aws:index/getCallerIdentity, getRegion, getPartition,
// aws:ecr/getAuthorizationToken (password ECRPassword),
// gcp:organizations/getClientConfig (access token AccessToken) and
// getProject. WithInvoke answers others; any other invoke fails with an
// error that names it, so a test cannot silently depend on an unanswered
// cloud call.
//
// Readers give what tests assert on: Prop and Out walk inputs and outputs,
// Containers reads a Cloud Run service's or an ECS task definition's
// containers (env and secret references), Statements an IAM policy's
// statements, NoPlaintext looks for secrets outside secrets.
package testkit
