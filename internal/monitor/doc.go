// Package monitor is the Pulumi engine's side of a program run, as far as
// a program sees it: the ResourceMonitor and Engine gRPC services,
// answering every registration from the provider model
// (internal/providers) and recording it. `berth plan` (internal/planengine)
// serves it to a compiled program; testkit serves it to a program in the
// test's own process. Both record the same Resource with the same
// plan.Options, and answer alike; they differ only in what the cloud
// invents: a plan leaves it unknown, as a preview of a new stack does, and
// testkit draws fixed values from each resource's URN.
//
// What it does as the engine does (pkg/v3 v3.274.1
// resource/deploy/source_eval.go and step_generator.go, read at that
// version):
//
//   - URNs: the parent's qualified type joined to the resource's, unless
//     the parent is the stack; a second registration of a URN fails with
//     the engine's message (GetDuplicateResourceURNError).
//   - Aliases: the URNs a resource names, given or as specs completed
//     with the resource's own parts (step_generator.go collapseAliasToUrn).
//     The aliases a child inherits from its parent depend on the old state
//     (generateAliases adds them only for a parent that matched one), so
//     they are left to whoever compares plans (internal/diff).
//   - Transforms (pulumi.Transforms, ctx.RegisterResourceTransform): each
//     registration runs the resource's own transforms, then its
//     ancestors', then the stack's, by calling back into the program
//     (source_eval.go RegisterResource, wrapTransformCallback).
//   - Stack references: the engine's builtin provider reads the referenced
//     stack's outputs (builtins.go readStackReference); here they come
//     from Options.StackOutputs, and are unknown when it has none.
//   - Explicit providers configure the resources that name them from their
//     own inputs; default providers from the stack's configuration.
package monitor
