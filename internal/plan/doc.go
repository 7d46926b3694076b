// Package plan runs a Pulumi Go project's program offline, as `pulumi
// preview` would run it, and records what it would register: every resource
// with its type, name, parent, provider, dependencies, lifecycle options and
// inputs, and the stack outputs. No credentials, provider plugins, Pulumi
// CLI or network are needed.
//
// A plan is made in two steps:
//
//	cfg, err := plan.LoadConfig(plan.LoadOptions{Dir: "../my-stack", Stack: "dev"})
//	res, err := plan.Run(ctx, cfg, plan.RunOptions{})
//	err = res.Plan.WriteJSON(os.Stdout) // or WriteText, WriteMermaid
//
// LoadConfig reads Pulumi.yaml and Pulumi.<stack>.yaml as the Pulumi CLI
// does: where the program is (`main`), project config defaults, the
// stack's values, `--set`-style overrides by config path (typed as `pulumi
// config set --path` types them; see ParseOverride), and secure values
// decrypted with the passphrase secrets provider when a passphrase is given
// (they stand in as the string "[secret]" otherwise, and a plan shows any
// string holding that stand-in as a secret). It is stricter than the CLI:
// every top-level key in the project's namespace must be declared in
// Pulumi.yaml's `config:` (a typo such as `berth:servce` is an error that
// names the nearest declared key), declared types are checked, and every
// problem is reported at once.
//
// Run compiles the program's main package with `go build`, as the Pulumi Go
// language host does, and keeps the binary in a cache keyed by what the
// build reads (the Go environment, the program's own sources and module
// files), so that a later plan of an unchanged program starts it at once.
// It then serves the engine's ResourceMonitor and Engine gRPC services
// itself and runs the binary in the directory `main` names, with the
// environment a language host gives a Go program and PULUMI_DRY_RUN=true:
// ctx.DryRun() is true, as in a preview. Relative paths, and the image
// content tag that hashes them, are therefore the same as under `pulumi
// up`.
//
// The engine answers each registration as a preview of a new stack does,
// with the outputs the provider would compute (package internal/answers,
// over the provider model of internal/fakecloud/model): values that follow
// from the inputs and the provider's configuration (aws:region,
// aws:allowedAccountIds, gcp:project, gcp:region) are shown, and what only
// the cloud invents (IDs, digests, revisions, ARNs that hold them, the
// account when the configuration does not pin it) is unknown. Types the
// model does not know get unknown outputs. Invokes of the functions the
// components call are answered from the configuration; any other is an
// error that names it.
//
// A program that does not compile is a *BuildError; one that returns an
// error, panics, does not finish within RunOptions.Timeout, registers a
// URN twice, calls a function that cannot be answered or gives a provider
// inputs it would reject is a *ProgramError, which names the project and
// stack and says what happened.
//
// Secrets never reach a plan: secret inputs and outputs are Secret, and any
// string that contains the plaintext of a secure config value is replaced
// by Secret too, in case the program passed it on as a plain value. The
// plaintext is also looked for as Go's %q and %+q and as JSON escape it
// (once and twice, for a JSON document inside a quoted message). Inside
// resource names, URNs, parents, dependencies, map keys, warnings and error
// messages only the secret itself is replaced, by "[secret]", so the rest
// stays readable. Plaintexts shorter than four bytes are replaced only
// where a whole string (or name) equals them.
//
// What a plan holds (docs/plan-format.md has the JSON form):
//
//   - Resources in a deterministic order (see order): parents, explicit
//     providers and dependencies before the resources that need them, ties
//     broken by URN. Component resources are included with their (usually
//     empty) inputs, and so are explicit provider resources; default
//     providers never appear (the engine makes them, not the program).
//   - Inputs as the provider receives them, minus engine-internal keys that
//     start with "__". JSON documents built from outputs (IAM policies)
//     stay strings; one built from an unknown output is unknown as a whole.
//   - The stack outputs the program exports.
package plan
