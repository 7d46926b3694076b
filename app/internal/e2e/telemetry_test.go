package e2e

import (
	"strings"
	"syscall"
	"testing"
)

// TestUnreachableCollectorDoesNotHoldShutdown exports to a port where
// nothing listens, with SHUTDOWN_TIMEOUT and the export timeout both far
// longer than the test's wait bound: the flush must give up within its own
// share of the shutdown, exit 1 (shutdown did not finish), and say which
// signal could not be flushed.
func TestUnreachableCollectorDoesNotHoldShutdown(t *testing.T) {
	t.Parallel()
	a := startApp(t,
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://"+closedPort(t),
		"OTEL_EXPORTER_OTLP_TIMEOUT=100000",
		"SHUTDOWN_TIMEOUT=100s",
	)
	// A request makes a span and a histogram point to flush.
	if code, _, err := a.get("/healthz"); err != nil || code != 200 {
		t.Fatalf("GET /healthz = %d %v", code, err)
	}
	a.signal(syscall.SIGTERM)
	if code := a.wait(bound); code != 1 {
		t.Fatalf("exit code = %d, want 1 (telemetry was not flushed)", code)
	}
	signals := map[string]bool{}
	for _, l := range a.linesAt("WARNING") {
		if l.message() == "flushing telemetry did not finish" {
			s, _ := l["signal"].(string)
			signals[s] = true
			if !strings.Contains(l["error"].(string), "deadline") {
				t.Errorf("warning %v does not give the deadline as the cause", l)
			}
		}
	}
	if !signals["traces"] || !signals["metrics"] {
		t.Errorf("flush warnings name signals %v, want traces and metrics", signals)
	}
	if l := a.waitLog("shutdown complete"); l["exit_code"] != float64(1) {
		t.Errorf("shutdown complete line = %v, want exit_code 1", l)
	}
}
