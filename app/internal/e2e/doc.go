// Package e2e tests the real service binary: it is built once with go build,
// started with exec.Command on a free port (PORT=0, the chosen address read
// from the "listening" log line) and stopped with real signals. Tests that
// need PostgreSQL get it from BERTH_TEST_DATABASE_URL (see testenv).
//
// The package has no non-test code.
package e2e
