package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRunRejectsBadConfigurationWithExitCode2(t *testing.T) {
	env := map[string]string{"PORT": "eighty", "LOG_LEVEL": "chatty", "DRAIN_DELAY": "-1s", "API_TOKEN": "s3cr3t"}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"app"}, func(k string) string { return env[k] }, &stdout, &stderr)
	if code != 2 {
		t.Fatalf("run() = %d, want 2", code)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != len(env) {
		t.Fatalf("stderr has %d lines, want one per problem (%d):\n%s", len(lines), len(env), stderr.String())
	}
	for _, name := range []string{"PORT", "LOG_LEVEL", "DRAIN_DELAY", "API_TOKEN"} {
		if !strings.Contains(stderr.String(), name+":") {
			t.Errorf("stderr does not name %s:\n%s", name, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), "s3cr3t") {
		t.Errorf("stderr shows the secret API_TOKEN value:\n%s", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout not empty: %s", stdout.String())
	}
}

func TestRunRejectsArguments(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"app", "--port=1"}, func(string) string { return "" }, io.Discard, &stderr); code != 2 {
		t.Fatalf("run() = %d, want 2", code)
	}
}

// bound keeps a broken test from hanging; no test asserts on durations.
const bound = 30 * time.Second

// inProcess is run() serving on a free port in this process; the real
// binary and real signals are tested in internal/e2e.
type inProcess struct {
	t      *testing.T
	base   string
	cancel context.CancelFunc
	exit   chan int

	mu    sync.Mutex
	lines []string // raw JSON log lines
	done  bool     // stdout closed
}

// startRun starts run() with env plus PORT=0 and waits for its "listening"
// line. The test's end cancels it and waits for it to return.
func startRun(t *testing.T, env map[string]string) *inProcess {
	t.Helper()
	env["PORT"] = "0"
	ctx, cancel := context.WithCancel(context.Background())
	a := &inProcess{t: t, cancel: cancel, exit: make(chan int, 1)}
	pr, pw := io.Pipe()
	go func() {
		a.exit <- run(ctx, []string{"app"}, func(k string) string { return env[k] }, pw, io.Discard)
		pw.Close()
	}()
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			a.mu.Lock()
			a.lines = append(a.lines, sc.Text())
			a.mu.Unlock()
		}
		a.mu.Lock()
		a.done = true
		a.mu.Unlock()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-scanned:
		case <-time.After(bound):
			t.Error("run() did not return after cancel")
		}
	})
	var l struct{ Addr string }
	json.Unmarshal([]byte(a.waitLine("listening")), &l)
	a.base = "http://127.0.0.1:" + l.Addr[strings.LastIndexByte(l.Addr, ':')+1:]
	return a
}

// waitLine polls the log for the first line with the message and returns it.
func (a *inProcess) waitLine(msg string) string {
	a.t.Helper()
	deadline := time.Now().Add(bound)
	for {
		a.mu.Lock()
		for _, l := range a.lines {
			var m struct{ Message string }
			if json.Unmarshal([]byte(l), &m) == nil && m.Message == msg {
				a.mu.Unlock()
				return l
			}
		}
		done := a.done
		a.mu.Unlock()
		if done || time.Now().After(deadline) {
			a.t.Fatalf("no %q log line", msg)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stop cancels the context and returns run's exit code.
func (a *inProcess) stop() int {
	a.t.Helper()
	a.cancel()
	select {
	case code := <-a.exit:
		return code
	case <-time.After(bound):
		a.t.Fatal("run() did not return after cancel")
		return -1
	}
}

func TestRunServesUntilContextIsCancelled(t *testing.T) {
	a := startRun(t, map[string]string{"SHUTDOWN_TIMEOUT": "5s"})
	resp, err := http.Get(a.base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz: %v %v", resp, err)
	}
	resp.Body.Close()

	if code := a.stop(); code != 0 {
		t.Fatalf("run() = %d after cancel, want 0", code)
	}
	var started map[string]any
	json.Unmarshal([]byte(a.waitLine("shutdown started")), &started)
	if _, ok := started["signal"]; ok || started["reason"] != "context canceled" {
		t.Fatalf("shutdown started line = %v, want reason \"context canceled\" and no signal", started)
	}
}

// TestListeningLineHidesOTLPCredentials gives the OTLP endpoint a password
// and an API key in its query: neither may appear anywhere in the output,
// and the endpoint must still be recognizable.
func TestListeningLineHidesOTLPCredentials(t *testing.T) {
	a := startRun(t, map[string]string{
		"SHUTDOWN_TIMEOUT":            "5s",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector-user:pa55w0rd@127.0.0.1:1/otlp?api_key=k3y-s3cr3t",
		"OTEL_EXPORTER_OTLP_TIMEOUT":  "100",
	})
	listening := a.waitLine("listening")
	if !strings.Contains(listening, `"otlp_traces_endpoint":"http://collector-user:xxxxx@127.0.0.1:1/otlp/v1/traces?xxxxx"`) {
		t.Errorf("listening line does not show the redacted traces endpoint: %s", listening)
	}
	// A request makes a span, so that shutdown tries, and fails, to export it.
	if resp, err := http.Get(a.base + "/healthz"); err == nil {
		resp.Body.Close()
	}
	a.stop()
	a.mu.Lock()
	defer a.mu.Unlock()
	out := strings.Join(a.lines, "\n")
	if !strings.Contains(out, `"message":"flushing telemetry failed","signal":"traces"`) {
		t.Errorf("no export error logged, so its redaction went untested:\n%s", out)
	}
	for _, secret := range []string{"pa55w0rd", "k3y-s3cr3t"} {
		if strings.Contains(out, secret) {
			t.Errorf("output shows %q:\n%s", secret, out)
		}
	}
}

// TestHugeHeadersAreRejected checks that the server run() builds enforces
// its header limit (maxHeaderBytes, 64 KiB) with a 431.
func TestHugeHeadersAreRejected(t *testing.T) {
	a := startRun(t, map[string]string{"SHUTDOWN_TIMEOUT": "5s"})
	get := func(headerBytes int) int {
		t.Helper()
		req, _ := http.NewRequest("GET", a.base+"/healthz", nil)
		req.Header.Set("X-Big", strings.Repeat("a", headerBytes))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET with %d header bytes: %v", headerBytes, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(maxHeaderBytes / 2); code != http.StatusOK {
		t.Fatalf("GET with a 32 KiB header = %d, want 200", code)
	}
	if code := get(2 * maxHeaderBytes); code != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("GET with a 128 KiB header = %d, want 431", code)
	}
}
