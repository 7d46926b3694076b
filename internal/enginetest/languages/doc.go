// Package languages runs the README's adoption programs ("Adopting from
// TypeScript, Python and YAML") under the real Pulumi engine, as an adopter
// in that language runs them, against the fake cloud of the engine test
// tier (internal/fakecloud):
//
//   - YAML: each program as written in the README, run by the Pulumi CLI
//     with pulumi-language-yaml (both from scripts/setup.sh's cache, found
//     by internal/pulumicli) and the plugin pulumi-resource-berth in the
//     project's ./plugins, which the program's packages: names;
//   - TypeScript: the README's program as an inline program of the Node.js
//     Automation API (@pulumi/pulumi from npm at an exact version), with the
//     SDK generated from the plugin's schema as `pulumi package add`
//     generates it, installed by npm from the project's sdks/berth and the
//     plugin installed with `pulumi plugin install --file`.
//
// Each program goes up, previews with no change, takes a change, fails on
// an invalid setting with the exact error berth reports (and changes
// nothing in the cloud) and is destroyed. The Cloud Run YAML program also
// runs with inputs its Go fields do not take (a number for a string, a
// secret and another resource's output in gcp.labels): a preview and an
// up without one fail with every problem at its property path, and nothing
// of the service is created. The tests need the Pulumi CLI,
// pulumi-language-yaml, Node.js and npm (with the npm registry): without
// one, a test skips, saying so, and under CI=true it fails (internal/ci).
// The Python program is compiled, not run (internal/provider/sdktest).
package languages
