// Package testkit is berth's test kit for Pulumi Go programs and
// components: a recording mock resource monitor, whose answers are what the
// cloud would answer, and assertions on what was registered. berth's own
// component and program tests use it; so can the tests of a stack that
// adopts berth's components, in a few lines:
//
//	func TestOrdersService(t *testing.T) {
//		m, svc := testkit.RunComponent(t, func(ctx *pulumi.Context) (*cloudrun.Service, error) {
//			return cloudrun.NewService(ctx, "orders", &cloudrun.ServiceArgs{ /* ... */ })
//		})
//		sa := m.One(t, "gcp:serviceaccount/account:Account")
//		if got := testkit.Out(t, sa, "email"); got != "orders-...@berth-mock-project.iam.gserviceaccount.com" { ... }
//	}
//
// # What the monitor answers
//
// Every registered resource is recorded (type, name, URN, parent,
// dependencies, lifecycle options, inputs) and answered with the outputs
// the provider would give, computed by berth's provider model
// (internal/fakecloud/model, the same rules its fake cloud and `berth plan`
// use): the provider's schema defaults, then outputs that follow from the
// inputs and the provider's configuration (an ECR repository's URL, a
// service account's email, ARNs in the configured account and Region), and
// for what only the cloud invents (IDs, ARN suffixes, revisions, digests)
// values drawn deterministically from the resource's URN, so every output
// is known and the same on every run. A resource type the model does not
// know gets its inputs back and no other outputs.
//
// Default providers are configured as New's options say: by default AWS
// account AWSAccount in AWSRegion, Google Cloud project GCPProject in
// GCPRegion. An explicit provider (`pulumi:providers:aws`) is configured by
// its own inputs, as it is under the engine.
//
// The invokes the components make are answered from the same
// configuration: aws:index/getCallerIdentity, getRegion, getPartition,
// aws:ecr/getAuthorizationToken (password ECRPassword),
// gcp:organizations/getClientConfig (access token AccessToken) and
// getProject. Any other invoke fails with an error that names it, so a test
// cannot silently depend on an unanswered cloud call. A provider's Check
// failure (a missing required input) fails the registration, as it would
// fail `pulumi preview`.
//
// SetOutputs scripts what the cloud reports for one type (a rolled-back
// deployment, a missing digest).
package testkit
