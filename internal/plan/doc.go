// Package plan runs berth's Pulumi program offline and records what it would
// create: every registered resource with its type, name, parent,
// dependencies and inputs, and the stack outputs. No credentials, provider
// plugins or network are needed: the program runs against the recording mock
// monitor of testkit, which answers each resource with its inputs plus
// recognizable placeholders (`${name.property}`) for what a cloud computes.
//
// A plan is made in two steps:
//
//	cfg, err := plan.LoadConfig(plan.LoadOptions{Dir: ".", Stack: "dev"})
//	p, err := plan.Run(ctx, cfg, program.Deploy)
//	err = p.WriteJSON(os.Stdout) // or p.WriteText
//
// LoadConfig reads Pulumi.yaml and Pulumi.<stack>.yaml as the Pulumi CLI
// does: project config defaults from Pulumi.yaml, the stack's values,
// `--set`-style overrides by config path (typed as `pulumi config set
// --path` types them; see ParseOverride), typed-schema checks, and secure
// values decrypted with the passphrase secrets provider when a passphrase is
// given (they stand in as the string "[secret]" otherwise).
//
// Secrets never reach a plan: secret inputs and outputs render as
// SecretMarker, and any string that contains the plaintext of a secure config
// value is replaced by SecretMarker too, in case the program passed it on as
// a plain value. The plaintext is also looked for as Go's %q and %+q and as
// JSON escape it (once and twice, for a JSON document inside a quoted
// message). Inside resource names, URNs, parents, dependencies, map keys and
// error messages only the secret itself is replaced, so the rest stays
// readable. Plaintexts shorter than four bytes are replaced only where a
// whole string (or name) equals them.
//
// What a plan holds:
//
//   - Resources in the order the program registered them, which is stable
//     from run to run (the order in which registrations reach the monitor is
//     not: each waits for its inputs). Component resources are included with
//     their (usually empty) inputs.
//   - Explicit provider resources (`pulumi:providers:gcp`, ...) like any
//     other resource. Default providers never appear: under a mock monitor
//     the SDK does not register them, the engine would.
//   - Inputs as the provider receives them, minus engine-internal keys that
//     start with "__". JSON documents built from outputs (IAM policies) stay
//     strings, with the mock's placeholders inside.
//   - The stack outputs that the program returns, resolved after it ran.
//
// The program runs as under `pulumi up`, not `pulumi preview`: ctx.DryRun()
// is false and every output is known, so code inside ApplyT runs. Run does
// not change the working directory; ctx.RootDirectory() is the directory
// that holds Pulumi.yaml.
//
// The JSON document (type Plan) has sorted keys and a stable order so that
// two plans can be compared; Read loads one back.
package plan
