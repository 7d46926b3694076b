package e2e

import (
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
// as soon as the signal is handled, every request made during the drain
// delay succeeds, and the process exits 0 within its shutdown budget.
func TestSIGTERMUnderLoad(t *testing.T) {
	t.Parallel()
	a := startApp(t, "DRAIN_DELAY=2s", "SHUTDOWN_TIMEOUT=5s")
	a.waitStatus("/readyz", 200)

	var stop atomic.Bool
	var ok, failed atomic.Int64
	var failMu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	started := make(chan struct{}, 20)
	for i := range 20 {
		wg.Go(func() {
			client := &http.Client{Timeout: bound}
			path := []string{"/healthz", "/", "/v1/notes/1"}[i%3]
			want := map[string]int{"/healthz": 200, "/": 200, "/v1/notes/1": 503}[path]
			first := true
			for !stop.Load() {
				code, body, err := do(client, "GET", a.base+path, "")
				if err != nil || code != want || !strings.HasSuffix(body, "}\n") {
					failed.Add(1)
					failMu.Lock()
					failures = append(failures, fmt.Sprintf("%s: %d %q %v", path, code, body, err))
					failMu.Unlock()
				} else {
					ok.Add(1)
				}
				if first {
					started <- struct{}{}
					first = false
				}
			}
		})
	}
	for range 20 {
		<-started
	}

	a.signal(syscall.SIGTERM)
	a.waitLog("shutdown started")
	if code, body, err := a.get("/readyz"); err != nil || code != 503 || !strings.Contains(body, "shutting down") {
		t.Fatalf("first /readyz after the signal = %d %q %v, want 503 shutting down", code, body, err)
	}
	// Keep the load on for half of DRAIN_DELAY: all of it must succeed.
	time.Sleep(time.Second)
	stop.Store(true)
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of %d requests failed during the drain, e.g. %v", failed.Load(), failed.Load()+ok.Load(), failures[:min(5, len(failures))])
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
	if ok.Load() == 0 {
		t.Fatal("no request succeeded")
	}
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
}
