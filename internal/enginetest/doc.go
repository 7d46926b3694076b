// Package enginetest is berth's engine test tier: the sample stacks and
// each component run under the real Pulumi engine (the CLI built from
// tools/pulumi, driven through the Automation API with inline programs and
// a file backend) against the fake cloud of internal/fakecloud, whose
// provider plugins the tests build and put first on PATH.
//
// The tests need the Pulumi CLI that scripts/setup.sh builds (or
// $BERTH_PULUMI_CLI). Without it they skip, saying so, and under CI=true
// they fail.
package enginetest
