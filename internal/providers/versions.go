package providers

// The provider packages berth pins, and what each is built on. The
// citations beside each rule use these short names:
//
//   - [PA]   pulumi-aws provider/resources.go (and its setAutonaming): read
//     at pulumi/pulumi-aws commit 00ba5ea5 (a v6 release), each entry used
//     identical in the v7 provider/resource_overrides.go at 015d3438; the
//     v6.83.4 tag itself could not be fetched here.
//   - [SDKA] github.com/pulumi/pulumi-aws/sdk/v6 v6.83.4, go/aws/...: the
//     exact version (which inputs are required, which outputs secret).
//   - [TPA]  hashicorp/terraform-provider-aws v5 internal/service/...: read
//     at versions of the v5 line next to the pinned upstream (see
//     AWS.Upstream), each fact checked against [SDKA].
//   - [PG]   pulumi-gcp v7.38.0 provider/resources.go.
//   - [TPGB] hashicorp/terraform-provider-google-beta v5.42.0
//     google-beta/services/...: exactly the upstream of [PG].
//   - [BR89], [BR110] pulumi-terraform-bridge v3.89.1 and v3.110.0.
//   - [PKG], [SDK] github.com/pulumi/pulumi pkg/v3 and sdk/v3 v3.274.1.
//   - [PD]   pulumi-docker v4.11.2 provider/.

// AWS is pulumi-aws as berth pins it.
var AWS = &Provider{
	Package: "aws",
	Version: "6.83.4",
	Upstream: "hashicorp/terraform-provider-aws v5.100.0, most likely: the v6.83.4 SDK has no per-resource region (v6 of the " +
		"Terraform provider added it and went into pulumi-aws v7), it has the last v5 features, and 5.100.0 (the last v5) was out " +
		"before pulumi-aws 6.83.0 (2025-06-16); the upstream submodule at the tag could not be read here",
	Bridge: "pulumi-terraform-bridge v3.110.0, inferred: the v6.83.4 SDK requires pulumi sdk v3.175.0, which v3.110.0 pins exactly, " +
		"and pulumi-aws moved from v3.110.0 to v3.111.0 on 2025-07-25 (pulumi/pulumi-aws#5692)",
	// [BR110] provider.go Create (1284-1394): a Terraform Create that fails
	// after setting the ID returns initializationError with the partial
	// state (ErrorResourceInitFailed); the engine records the resource
	// with initErrors ([PKG] resource/deploy/step.go:438-446,
	// engine/update.go:1511-1515) and the next up updates it
	// (step_generator.go:2299-2315). PlanResourceChange passes the state
	// back too since bridge v3.98.0 (#2713).
	RecordsPartialCreate: true,
}

// GCP is pulumi-gcp as berth pins it.
var GCP = &Provider{
	Package:  "gcp",
	Version:  "7.38.0",
	Upstream: "hashicorp/terraform-provider-google-beta v5.42.0 (the upstream submodule at the pulumi-gcp v7.38.0 tag is commit a78523434d61, tag v5.42.0)",
	Bridge:   "pulumi-terraform-bridge v3.89.1 (pulumi-gcp v7.38.0 provider/go.mod:10)",
	// [PG] resources.go:464 routes every resource through
	// PlanResourceChange; [BR89] pkg/tfshim/sdk-v2/provider2.go:531-534
	// drops the state Terraform returns with an error, so the bridge's
	// Create sees a nil state and returns a plain error
	// (provider.go:1270-1276): a resource whose Create set its ID and then
	// failed (a Cloud Run service whose operation failed) is left in the
	// cloud and never reaches the state. Fixed in bridge v3.98.0 (#2713),
	// after the pinned v3.89.1.
	RecordsPartialCreate: false,
}

// Docker is pulumi-docker as berth pins it: a native provider.
var Docker = &Provider{
	Package:  "docker",
	Version:  "4.11.2",
	Upstream: "its own code: pulumi/pulumi-docker v4.11.2 provider/provider.go, provider/image.go",
}
