package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/ci"
	"github.com/berth-dev/berth/internal/containerbuild"
)

// The container test builds app/Dockerfile on a real Docker engine with the
// local Go builder image (scripts/setup.sh makes both available): through
// the daemon's BuildKit, as the Pulumi docker provider builds it, and with
// the classic builder. It runs the image locked down as a platform would,
// and stops it under load.

const (
	containerImage = "berth-app:test"
	classicImage   = "berth-app:test-classic"
)

// imageConfig is the part of an image's configuration the tests check.
type imageConfig struct {
	User       string
	Entrypoint []string
	Cmd        []string
}

func inspectConfig(t *testing.T, image string) imageConfig {
	t.Helper()
	var cfg imageConfig
	out := docker(t, "image", "inspect", "-f", "{{json .Config}}", image)
	if err := json.Unmarshal([]byte(out), &cfg); err != nil {
		t.Fatalf("parsing image config %q: %v", out, err)
	}
	return cfg
}

// TestClassicBuilderBuildsTheImage builds the Dockerfile's classic stage
// with the docker CLI's classic builder, which cannot run the default
// stage's cache mounts: the image must have the same configuration and
// serve.
func TestClassicBuilderBuildsTheImage(t *testing.T) {
	requireDocker(t)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := containerbuild.BuildClassic(ctx, root, classicImage, containerbuild.Options{}); err != nil {
		t.Fatal(err)
	}
	if cfg := inspectConfig(t, classicImage); cfg.User != "65532:65532" || strings.Join(cfg.Entrypoint, " ") != "/app" || len(cfg.Cmd) != 0 {
		t.Errorf("classic image config = %+v, want user 65532:65532, entrypoint [/app], no Cmd", cfg)
	}
	port := freePort(t)
	name := fmt.Sprintf("berth-ct-classic-%d", os.Getpid())
	docker(t, "run", "-d", "--name", name, "--read-only", "--cap-drop", "ALL", "--network", "host",
		"-e", "PORT="+strconv.Itoa(port), classicImage)
	t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", name).Run() })
	waitFor200(t, fmt.Sprintf("http://127.0.0.1:%d/healthz", port), 30*time.Second)
}

func TestContainerServesAndStopsGracefully(t *testing.T) {
	requireDocker(t)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := containerbuild.Build(ctx, root, containerImage, containerbuild.Options{}); err != nil {
		t.Fatal(err)
	}

	t.Run("image is non-root and shell-less", func(t *testing.T) {
		cfg := inspectConfig(t, containerImage)
		if cfg.User != "65532:65532" {
			t.Errorf("User = %q, want 65532:65532", cfg.User)
		}
		if strings.Join(cfg.Entrypoint, " ") != "/app" || len(cfg.Cmd) != 0 {
			t.Errorf("Entrypoint = %q, Cmd = %q, want exec form [/app] and no Cmd", cfg.Entrypoint, cfg.Cmd)
		}
		for _, shell := range []string{"/bin/sh", "/bin/bash", "/busybox"} {
			if err := exec.Command("docker", "run", "--rm", "--entrypoint", shell, containerImage, "-c", "true").Run(); err == nil {
				t.Errorf("%s ran inside the image; it must have no shell", shell)
			}
		}
	})

	port := freePort(t)
	name := fmt.Sprintf("berth-ct-%d", os.Getpid())
	docker(t, "run", "-d", "--name", name,
		"--read-only", "--user", "65532:65532", "--cap-drop", "ALL", "--memory", "256m",
		"--network", "host",
		"-e", "PORT="+strconv.Itoa(port), "-e", "DRAIN_DELAY=2s", "-e", "SHUTDOWN_TIMEOUT=5s",
		containerImage)
	t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", name).Run() })

	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor200(t, base+"/healthz", 30*time.Second)

	// The service found the container's 256m limit in its cgroup and fitted
	// the Go runtime and the body budget to it.
	var listening struct {
		Message      string `json:"message"`
		MemoryLimit  int64  `json:"memory_limit"`
		GoLimit      string `json:"go_memory_limit"`
		BodyBudget   int64  `json:"body_budget_bytes"`
		MemorySource string `json:"memory_limit_source"`
	}
	for _, line := range strings.Split(docker(t, "logs", name), "\n") {
		if json.Unmarshal([]byte(line), &listening) == nil && listening.Message == "listening" {
			break
		}
	}
	const limit = 256 << 20
	if listening.MemoryLimit != limit || listening.GoLimit != strconv.Itoa(limit/10*9) || listening.BodyBudget != limit/16 {
		t.Errorf("listening line: memory_limit %d (from %q), go_memory_limit %q, body_budget_bytes %d; want %d, %d, %d",
			listening.MemoryLimit, listening.MemorySource, listening.GoLimit, listening.BodyBudget, limit, limit/10*9, limit/16)
	}

	// Load from several keep-alive clients while the container is stopped.
	// Each client records whether a request was sent before `docker stop`
	// was called: those were sent before SIGTERM and must all get a full 200.
	type result struct {
		beforeStop bool
		err        error
	}
	var (
		mu       sync.Mutex
		results  []result
		stopping atomic.Bool
		stop     atomic.Bool
		wg       sync.WaitGroup
		served   = make(chan struct{}, 1)
	)
	client := &http.Client{Timeout: 10 * time.Second}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				before := !stopping.Load()
				err := getOK(client, base+"/")
				mu.Lock()
				results = append(results, result{before, err})
				mu.Unlock()
				if err == nil {
					select {
					case served <- struct{}{}:
					default:
					}
				} else {
					// Connection refused once the listener is closed: back off.
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	select {
	case <-served: // the load is flowing
	case <-time.After(30 * time.Second):
		t.Fatal("no request was served under load")
	}

	stopping.Store(true)
	docker(t, "stop", "-t", "15", name) // SIGTERM, then SIGKILL after 15 s
	stop.Store(true)
	wg.Wait()

	for _, r := range results {
		if r.beforeStop && r.err != nil {
			t.Errorf("request sent before SIGTERM failed: %v", r.err)
		}
	}
	// The drain shows in the container's own log order: requests answered
	// after "shutdown started", while DRAIN_DELAY keeps serving.
	var drained int
	began := false
	for _, line := range strings.Split(strings.TrimSpace(docker(t, "logs", name)), "\n") {
		var entry struct {
			Message string `json:"message"`
			Status  int    `json:"status"`
		}
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			continue // checked below
		}
		switch {
		case entry.Message == "shutdown started":
			began = true
		case began && entry.Message == "request" && entry.Status == http.StatusOK:
			drained++
		}
	}
	if !began {
		t.Error("the container never logged \"shutdown started\"")
	}
	if drained == 0 {
		t.Error("no request was served after SIGTERM; DRAIN_DELAY=2s should keep serving")
	}
	if code := strings.TrimSpace(docker(t, "inspect", "-f", "{{.State.ExitCode}}", name)); code != "0" {
		t.Errorf("container exit code = %s, want 0; logs:\n%s", code, docker(t, "logs", name))
	}
	logs := docker(t, "logs", name)
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		if entry["severity"] == nil || entry["message"] == nil {
			t.Errorf("log line lacks severity or message: %q", line)
		}
	}
}

// requireDocker skips the test when no Docker engine or builder image is
// there, or fails it under CI, where .ci/run must have set both up.
func requireDocker(t *testing.T) {
	t.Helper()
	ci.Require(t, "the Docker engine (run scripts/setup.sh)", containerbuild.EngineErr())
	ci.Require(t, "the local Go builder image (run scripts/setup.sh)", containerbuild.BuilderErr())
}

func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitFor200 polls url until it answers 200, failing the test after limit.
func waitFor200(t *testing.T, url string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		if last = getOK(http.DefaultClient, url); last == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer 200 within %s: %v", url, limit, last)
}

// getOK requires a 200 with a complete body.
func getOK(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Errorf("reading body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
