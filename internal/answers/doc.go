// Package answers says what the cloud would answer a Pulumi program that
// runs without one: the ID and outputs of each registered resource and the
// result of each invoke. The rules are the provider model's
// (internal/fakecloud/model): required inputs, provider defaults and the
// outputs a provider computes from the inputs, the provider's configuration
// (Region, account, project) and an IDs source for what only the cloud
// invents.
//
// Two callers use it with different IDs:
//
//   - berth plan uses Unknown, so that every value the cloud invents (IDs,
//     ARNs that hold them, digests, revisions, access tokens) and every
//     value built from configuration the stack does not set (the account
//     without aws:allowedAccountIds) is unknown, as in `pulumi preview`,
//     while values that follow from inputs and configuration are shown.
//   - the test kit uses NewFake, deterministic per resource, so that every
//     output is known and tests can assert exact values.
//
// A resource type the model does not know gets its inputs back and no
// outputs: under a preview the SDK resolves the missing outputs as
// unknown. An invoke this package does not answer is an error that names
// it.
package answers
