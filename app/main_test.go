package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
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

// TestRunServesUntilContextIsCancelled runs the service in-process on a free
// port; the real binary and real signals are tested in internal/e2e.
func TestRunServesUntilContextIsCancelled(t *testing.T) {
	env := map[string]string{"PORT": "0", "SHUTDOWN_TIMEOUT": "5s"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"app"}, func(k string) string { return env[k] }, pw, io.Discard)
		pw.Close()
	}()

	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line struct{ Message, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Message == "listening" {
				addr <- line.Addr
			}
		}
	}()
	var a string
	select {
	case a = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatal("no listening line")
	}
	port := a[strings.LastIndexByte(a, ':')+1:]
	resp, err := http.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz: %v %v", resp, err)
	}
	resp.Body.Close()

	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Fatalf("run() = %d after cancel, want 0", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run() did not return after cancel")
	}
}
