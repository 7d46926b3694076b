// Package providers is berth's model of the Pulumi providers it pins
// (pulumi-aws 6.83.4, pulumi-gcp 7.38.0, pulumi-docker 4.11.2) and of the
// engine rules that decide what a change does: the one place a per-type or
// per-function fact lives. `berth plan`'s engine and testkit answer
// registrations from it (internal/monitor), the fake-cloud plugins serve it
// under the real engine (internal/fakecloud), and `berth diff` reads what
// replaces a resource, which replacements delete first and which inputs
// the provider keeps from it.
//
// # What it holds
//
// For each resource type (Type, looked up by token with Lookup): its
// schema (Schema, Prop: required, optional+computed, ForceNew, defaults,
// Sensitive, sets, nested blocks, the provider's StateFuncs and
// DiffSuppressFuncs), how the bridge autonames it (Autoname), whether the
// provider replaces it delete-first (DeleteBeforeReplace), whether Create records the ID before waiting for the
// cloud (Waits) and what a failed wait leaves (Provider.RecordsPartialCreate),
// what makes a delete fail (Blockers), the names the cloud keeps unique
// (Unique), and the outputs the provider or cloud computes (Outputs). For
// each function berth answers: its result (Invoke). Beside them, the
// behaviours that are more than a table: the bridge's Check and Diff
// (check.go, diff.go), an ECS deployment and a Cloud Run operation
// (cloud.go), the Docker provider's context digest (docker.go).
//
// # Where the rules come from
//
// Every rule cites its source at the pinned version beside the code, with
// the short names versions.go defines: the providers' own resources.go,
// the Terraform providers they are built on (terraform-provider-google-beta
// v5.42.0 exactly; terraform-provider-aws v5, read at versions next to the
// pinned upstream and checked against the exact SDK), the bridge
// (pulumi-terraform-bridge v3.89.1 and v3.110.0) and the engine (pulumi
// pkg/v3 v3.274.1). Where a rule is the cloud's behaviour rather than the
// provider's, and cannot be read in source, its comment says so and names
// the cloud's documentation.
//
// # Offline and fake answers
//
// What only the cloud invents (IDs, revisions, ARN suffixes, digests, an
// autoname's random part) comes from an IDs: Unknown in an offline plan,
// so that no value the cloud would choose is shown as if known; Fake in
// testkit, drawn from each resource's URN so that tests can assert exact
// values; the fake cloud's own in the plugins.
package providers
