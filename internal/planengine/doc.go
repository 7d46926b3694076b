// Package planengine runs a Pulumi Go project's program offline, as `pulumi
// preview` would run it, and records what it would register as a
// plan.Plan. No credentials, provider plugins, Pulumi CLI or network are
// needed.
//
//	cfg, err := stackconfig.LoadConfig(stackconfig.LoadOptions{Dir: "../my-stack", Stack: "dev"})
//	res, err := planengine.Run(ctx, cfg, planengine.RunOptions{})
//	err = res.Plan.WriteJSON(os.Stdout)
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
// from the provider model (internal/providers): the provider's Check
// (schema defaults, autonames, required inputs), then the outputs that
// follow from the inputs and the provider's configuration (aws:region,
// aws:allowedAccountIds, gcp:project, gcp:region); what only the cloud
// invents (IDs, digests, revisions, ARNs that hold them, the account when
// the configuration does not pin it) is unknown. A type the model does not
// know gets unknown outputs. Invokes the model answers are answered from
// the configuration; any other is an error that names it.
//
// A program that does not compile is a *BuildError; one that returns an
// error, panics, does not finish within RunOptions.Timeout, registers a
// URN twice, calls a function that cannot be answered or gives a provider
// inputs it would reject is a *ProgramError, which names the project and
// stack and says what happened.
//
// Secrets never reach a plan: secret inputs and outputs are plan.Secret,
// and any string that contains the plaintext of a secure config value is
// replaced by plan.Secret too, in case the program passed it on as a plain
// value. The plaintext is also looked for as Go's %q and %+q and as JSON
// escapes it (once and twice, for a JSON document inside a quoted
// message). Inside resource names, URNs, parents, dependencies, map keys,
// warnings and error messages only the secret itself is replaced, by
// "[secret]", so the rest stays readable. Plaintexts shorter than four
// bytes are replaced only where a whole string (or name) equals them.
package planengine
