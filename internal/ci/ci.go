// Package ci holds the one rule berth's tests follow for what they need
// from the machine (PostgreSQL, the Docker engine, the Pulumi CLI, Node.js):
// without it a test skips, saying what is missing, except under CI=true,
// which .ci/run sets, where it fails, so that CI never passes by skipping.
package ci

import (
	"os"
	"testing"
)

// Var is the environment variable that says the tests run in CI, set to
// "true".
const Var = "CI"

// Require skips t when err says that what is missing, or fails it when
// CI=true; a nil err does nothing.
func Require(t testing.TB, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv(Var) == "true" {
		t.Fatalf("%s is required in CI (CI=true) but is missing: %v", what, err)
		return
	}
	t.Skipf("skipping: %s is missing: %v", what, err)
}
