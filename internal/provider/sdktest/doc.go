// Package sdktest holds the heavy tests of berth's Pulumi package: they
// build the plugin pulumi-resource-berth, have the Pulumi CLI read its
// schema, generate the TypeScript and Python SDKs from that schema with
// Pulumi's own code generators (the ones `pulumi package add` runs through
// the language hosts), compile them (TypeScript from npm at pinned
// versions, Python with compileall), compile the README's adoption
// programs against them (and see tsc refuse outputs in plain fields), check the README's YAML program against the
// schema, and run the real engine against the plugin: how it reports
// invalid arguments, and a berth:index:Service going up against the engine
// test tier's fake cloud with the resources the Go constructor registers.
//
// The CLI is the one internal/pulumicli finds ($BERTH_PULUMI_CLI, else the
// one scripts/setup.sh builds). Tests that need the CLI, Node.js or Python fail under CI=true
// when it is missing and skip otherwise.
package sdktest
