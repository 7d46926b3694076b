// Package model is what berth's fake cloud knows about the providers it
// stands in for: for each resource type (token such as
// "aws:ecs/service:Service" or "gcp:vpcaccess/connector:Connector") its
// required inputs, the provider defaults written into the state, the inputs
// whose change forces a replacement, the outputs the provider or cloud
// computes, the keys that must be unique per account or project and
// region, and the properties the provider marks secret; plus the few
// behaviours that are more than a table (the ECS steady-state waiter, ECR
// tag immutability, the Docker provider's context digest).
//
// Every rule cites the provider source it comes from: pulumi-aws 6.83.4 is
// built on hashicorp/terraform-provider-aws v5 (its upstream submodule),
// pulumi-gcp 7.38.0 on hashicorp/terraform-provider-google v5.40.0, and
// pulumi-docker 4.11.2's Image is its own code (provider/provider.go,
// provider/image.go). Where a rule is the cloud's behaviour rather than the
// provider's and cannot be read from source, the comment says so.
//
// The package is pure: no gRPC, no Automation API, no files. What only the
// cloud can invent (IDs, revisions) comes from an [IDs], so that a consumer
// that cannot know them (an offline plan) gets unknowns instead of values
// that look real. internal/fakecloud/provider serves it over the provider
// gRPC protocol; internal/fakecloud/cloud keeps what exists.
package model
