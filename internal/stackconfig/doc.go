// Package stackconfig reads a Pulumi project's Pulumi.yaml and
// Pulumi.<stack>.yaml as the Pulumi CLI does, and returns the configuration
// a program of that stack sees: where the program is (`main`), project
// config defaults, the stack's values, `--set`-style overrides by config
// path (typed as `pulumi config set --path` types them; see ParseOverride),
// and secure values decrypted with the passphrase secrets provider when a
// passphrase is given (they stand in as BlindedSecret otherwise).
//
// It is stricter than the CLI: every top-level key in the project's
// namespace must be declared in Pulumi.yaml's `config:` (a typo such as
// `berth:servce` is an error that names the nearest declared key),
// declared types are checked, and every problem is reported at once.
//
// `berth plan` (internal/planengine) and testkit read stacks through it.
package stackconfig
