// Package deployer holds what the identity that runs `pulumi up` for berth
// must be allowed to do, derived from the providers' source, and builds the
// AWS IAM policy and the GCP custom role from it.
//
// The data lives in deploy/aws-deployer.json and deploy/gcp-deployer.json, one
// catalog per cloud: for every Pulumi resource type token and invoke token
// berth uses, the cloud API calls the provider makes on create, read
// (refresh), update and delete, each with its IAM action or permission, the
// provider file and function that makes it, and the scope it is granted on.
// JSON keeps the data reviewable without Go and usable by other tools; this
// package only loads, checks and renders it.
//
// Its tests run berth's real program for both sample stacks and for the
// settings that add or remove resources (existing cluster, plain HTTP, task
// policy, secrets created from a value, connector ID, Direct VPC) and fail
// when a resource type or invoke in a plan has no catalog entry, when an
// entry is no longer used, when a physical name berth derives falls outside
// the scope that grants its actions, or when the shipped
// deploy/aws-deployer-policy.json or deploy/gcp-deployer-role.json differs
// from what the catalogs generate. Regenerate those two files with
//
//	go test ./internal/deployer -run TestShippedFiles -update
//
// See docs/deployer.md for how to use them.
package deployer
