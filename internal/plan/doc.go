// Package plan is the plan document: what a Pulumi program would register
// for one stack, as `berth plan --format json` writes it and `berth diff`,
// `berth cost` and the deployer catalog read it. docs/plan-format.md
// describes the JSON form.
//
// It holds no engine and no gRPC: readers of plans import only this package
// (and the provider model, for what a type's inputs mean). Package
// internal/planengine runs a program and produces a Plan.
//
//	p, err := plan.Read(f)            // a plan written by WriteJSON
//	err = p.WriteText(os.Stdout)      // or WriteJSON, WriteMermaid
//
// What a plan holds:
//
//   - Resources in a deterministic order: parents, explicit providers and
//     dependencies before the resources that need them, ties broken by URN.
//     Component resources are included with their (usually empty) inputs,
//     and so are explicit provider resources; default providers never
//     appear (the engine makes them, not the program).
//   - Inputs as the program gave them to the provider, minus
//     engine-internal keys that start with "__", as values (see Secret,
//     Unknown, Asset, Archive, Ref): secrets never appear, and what only the
//     cloud can know is Unknown.
//   - Each resource's lifecycle options, as the program gave them.
//   - The stack outputs the program exports.
package plan
