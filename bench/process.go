package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// minimalServer is the floor for cold start: the smallest useful net/http
// server, started the same way as the app.
const minimalServer = `package main

import (
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	http.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
`

func goBuild(ctx context.Context, out string, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

func buildMinimal(ctx context.Context, work string) (string, error) {
	dir := filepath.Join(work, "minimal")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(minimalServer), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module minimal\n\ngo 1.26\n"), 0o644); err != nil {
		return "", err
	}
	bin := filepath.Join(work, "minimal-server")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building minimal server: %v\n%s", err, b)
	}
	return bin, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// server is a started binary listening on port.
type server struct {
	cmd  *exec.Cmd
	port int
}

func (s *server) url(path string) string { return "http://127.0.0.1:" + strconv.Itoa(s.port) + path }

func start(ctx context.Context, bin string, env []string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append([]string{"PORT=" + strconv.Itoa(port), "PATH=" + os.Getenv("PATH"), "LOG_LEVEL=error"}, env...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &server{cmd: cmd, port: port}, nil
}

func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// waitReady polls path until it answers 200, as fast as it can, and returns
// when it did.
func waitReady(ctx context.Context, s *server, path string, limit time.Duration) error {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		resp, err := client.Get(s.url(path))
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("%s not 200 within %s", path, limit)
}

// coldStarts returns, for each of bins, the median time from exec to the
// first 200 on /healthz. The binaries start in turn, run after run, so that
// both see the same machine: load from other processes shifts their figures
// together instead of skewing their ratio.
func coldStarts(ctx context.Context, runs int, bins ...string) ([]time.Duration, error) {
	times := make([][]time.Duration, len(bins))
	for range runs {
		for i, bin := range bins {
			t0 := time.Now()
			s, err := start(ctx, bin, nil)
			if err != nil {
				return nil, err
			}
			err = waitReady(ctx, s, "/healthz", 10*time.Second)
			elapsed := time.Since(t0)
			s.kill()
			if err != nil {
				return nil, fmt.Errorf("cold start of %s: %w", bin, err)
			}
			times[i] = append(times[i], elapsed)
		}
	}
	medians := make([]time.Duration, len(bins))
	for i, ts := range times {
		sort.Slice(ts, func(a, b int) bool { return ts[a] < ts[b] })
		medians[i] = ts[len(ts)/2]
	}
	return medians, nil
}

// idleRSS starts bin, waits until ready and idle, and reads VmRSS.
func idleRSS(ctx context.Context, bin, dbURL string) (int64, error) {
	var env []string
	path := "/healthz"
	if dbURL != "" {
		env = append(env, "DATABASE_URL="+dbURL)
		path = "/readyz"
	}
	s, err := start(ctx, bin, env)
	if err != nil {
		return 0, err
	}
	defer s.kill()
	if err := waitReady(ctx, s, path, 15*time.Second); err != nil {
		return 0, err
	}
	time.Sleep(3 * time.Second)
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", s.cmd.Process.Pid)
}

// terminate sends SIGTERM.
func (s *server) terminate() error { return s.cmd.Process.Signal(syscall.SIGTERM) }
