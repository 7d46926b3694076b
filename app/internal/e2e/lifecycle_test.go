package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestBadConfigurationExitsWithCode2BeforeServing(t *testing.T) {
	t.Parallel()
	cmd := execApp("PORT=http", "SHUTDOWN_TIMEOUT=forever")
	out, err := cmd.Output()
	code := cmd.ProcessState.ExitCode()
	if err == nil || code != 2 {
		t.Fatalf("exit code = %d (%v), want 2", code, err)
	}
	if len(out) != 0 {
		t.Errorf("stdout = %q, want nothing before serving", out)
	}
}

// TestSIGTERMUnderLoad checks the whole shutdown sequence: readiness fails
// as soon as the signal is handled, every request sent before SIGTERM plus
// DRAIN_DELAY gets its full 200, and the process exits 0 within its
// shutdown budget.
//
// The load runs until /readyz has answered 503 for half of DRAIN_DELAY.
// The drain began before that first 503, so every request is sent before
// the drain ends, with half of DRAIN_DELAY to spare however slowly this
// test notices the 503; no assertion depends on timing.
func TestSIGTERMUnderLoad(t *testing.T) {
	t.Parallel()
	const drainDelay = 4 * time.Second
	a := startApp(t, "DRAIN_DELAY="+drainDelay.String(), "SHUTDOWN_TIMEOUT=5s")
	a.waitStatus("/readyz", 200)

	// Both paths answer 200 whatever the state of the service.
	wantBody := map[string]func(string) bool{
		"/healthz": func(b string) bool { return b == `{"status":"ok"}`+"\n" },
		"/": func(b string) bool {
			var r struct{ Service string }
			return strings.HasSuffix(b, "}\n") && json.Unmarshal([]byte(b), &r) == nil && r.Service == "berth-app"
		},
	}
	var stop, draining atomic.Bool
	var ok, okDuringDrain atomic.Int64
	var failMu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	const clients = 10
	started := make(chan struct{}, clients)
	for i := range clients {
		wg.Go(func() {
			client := &http.Client{Timeout: bound}
			path := []string{"/healthz", "/"}[i%2]
			first := true
			for !stop.Load() {
				duringDrain := draining.Load()
				code, body, err := do(client, "GET", a.base+path, "")
				if err != nil || code != 200 || !wantBody[path](body) {
					failMu.Lock()
					failures = append(failures, fmt.Sprintf("%s (sent during the drain: %v): %d %q %v", path, duringDrain, code, body, err))
					failMu.Unlock()
				} else {
					ok.Add(1)
					if duringDrain {
						okDuringDrain.Add(1)
					}
				}
				if first {
					started <- struct{}{}
					first = false
				}
			}
		})
	}
	for range clients {
		<-started
	}

	a.signal(syscall.SIGTERM)
	a.waitLog("shutdown started")
	if code, body, err := a.get("/readyz"); err != nil || code != 503 || !strings.Contains(body, "shutting down") {
		stop.Store(true)
		wg.Wait()
		t.Fatalf("first /readyz after the signal = %d %q %v, want 503 shutting down", code, body, err)
	}
	draining.Store(true)
	time.Sleep(drainDelay / 2)
	stop.Store(true)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d requests failed before SIGTERM + DRAIN_DELAY, e.g. %v", len(failures), len(failures)+int(ok.Load()), failures[:min(5, len(failures))])
	}
	if okDuringDrain.Load() == 0 {
		t.Fatal("no request was sent during the drain")
	}

	// Readiness stays 503 until the listener closes.
	for {
		code, _, err := a.get("/readyz")
		if err != nil {
			break
		}
		if code != 503 {
			t.Fatalf("/readyz = %d during the drain, want 503", code)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code := a.wait(bound); code != 0 {
		t.Fatalf("exit code = %d, want 0", code)
	}
	a.waitLog("shutdown complete")
}

func TestHealthzStaysUpWhileDraining(t *testing.T) {
	t.Parallel()
	a := startApp(t, "DRAIN_DELAY=10s")
	a.signal(syscall.SIGTERM)
	a.waitLog("shutdown started")
	if code, _, err := a.get("/healthz"); err != nil || code != 200 {
		t.Fatalf("/healthz while draining = %d %v, want 200", code, err)
	}
}

// TestSecondSignalExitsAtOnce sends a second SIGTERM during a drain delay
// far longer than the wait bound, so exiting within the bound shows that
// the process did not finish the drain.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	t.Parallel()
	a := startApp(t, "DRAIN_DELAY=100s", "SHUTDOWN_TIMEOUT=10s")
	a.signal(syscall.SIGTERM)
	a.waitLog("shutdown started")
	a.signal(syscall.SIGTERM)
	if code := a.wait(bound); code != 143 {
		t.Fatalf("exit code = %d, want 143 (128 + SIGTERM)", code)
	}
}

func TestSIGINTShutsDownCleanly(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	a.waitStatus("/healthz", 200)
	a.signal(syscall.SIGINT)
	if code := a.wait(bound); code != 0 {
		t.Fatalf("exit code = %d, want 0", code)
	}
}

func TestEveryResponseHasARequestIDAndEveryRequestOneLogLine(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	req, _ := http.NewRequest("GET", a.base+"/nope", nil)
	req.Header.Set("X-Request-Id", "e2e-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("X-Request-Id") != "e2e-123" {
		t.Fatalf("GET /nope = %d, X-Request-Id %q", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}
	l := a.waitLog("request")
	if l["request_id"] != "e2e-123" || l["status"] != float64(404) || l["severity"] != "INFO" {
		t.Fatalf("request log line = %v", l)
	}
	// No OTLP endpoint is set, yet the line carries a trace.
	traceID, _ := l["trace_id"].(string)
	spanID, _ := l["span_id"].(string)
	if len(traceID) != 32 || len(spanID) != 16 || strings.Trim(traceID, "0") == "" {
		t.Fatalf("request log line without trace_id/span_id: %v", l)
	}
}
