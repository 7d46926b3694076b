package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the service built once for all tests in TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "berth-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating build dir:", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "app")
	build := exec.Command("go", "build", "-o", binary, "github.com/berth-dev/berth/app")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the app:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// bound keeps a broken test from hanging; no test asserts on durations.
const bound = 30 * time.Second

// logLine is one JSON log line of the service.
type logLine map[string]any

func (l logLine) message() string { s, _ := l["message"].(string); return s }

// app is a running service process.
type app struct {
	t      *testing.T
	cmd    *exec.Cmd
	base   string
	stderr *strings.Builder

	mu    sync.Mutex
	logs  []logLine
	newLn chan struct{}

	exited   chan struct{}
	exitCode int
}

// startApp starts the binary with env (plus PORT=0) and waits until it
// logs its address.
func startApp(t *testing.T, env ...string) *app {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = append([]string{"PORT=0", "PATH=" + os.Getenv("PATH")}, env...)
	return startCmd(t, cmd)
}

// startCmd starts cmd, which must run the service, and waits until it logs
// its address. The test's end kills cmd's process, and its process group
// too when cmd made one (SysProcAttr.Setpgid).
func startCmd(t *testing.T, cmd *exec.Cmd) *app {
	t.Helper()
	a := &app{t: t, cmd: cmd, newLn: make(chan struct{}, 1), exited: make(chan struct{}), stderr: &strings.Builder{}}
	a.cmd.Stderr = a.stderr
	stdout, err := a.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	scanDone := make(chan struct{})
	go func() {
		defer close(scanDone)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var l logLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Errorf("log line is not JSON: %q", sc.Text())
				continue
			}
			a.mu.Lock()
			a.logs = append(a.logs, l)
			a.mu.Unlock()
			select {
			case a.newLn <- struct{}{}:
			default:
			}
		}
	}()
	go func() {
		<-scanDone
		err := a.cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			a.exitCode = ee.ExitCode()
		}
		close(a.exited)
	}()
	t.Cleanup(func() {
		a.cmd.Process.Kill()
		if a.cmd.SysProcAttr != nil && a.cmd.SysProcAttr.Setpgid {
			syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
		}
		<-a.exited
		if t.Failed() {
			a.mu.Lock()
			for _, l := range a.logs {
				b, _ := json.Marshal(l)
				t.Logf("app log: %s", b)
			}
			a.mu.Unlock()
			t.Logf("app stderr: %s", a.stderr.String())
		}
	})
	l := a.waitLog("listening")
	addr, _ := l["addr"].(string)
	a.base = "http://127.0.0.1:" + addr[strings.LastIndexByte(addr, ':')+1:]
	return a
}

// waitLog waits for the first line with the message and returns it.
func (a *app) waitLog(msg string) logLine {
	a.t.Helper()
	deadline := time.After(bound)
	for {
		a.mu.Lock()
		for _, l := range a.logs {
			if l.message() == msg {
				a.mu.Unlock()
				return l
			}
		}
		a.mu.Unlock()
		select {
		case <-a.newLn:
		case <-a.exited:
			// Lines may still have been appended before the exit.
			a.mu.Lock()
			for _, l := range a.logs {
				if l.message() == msg {
					a.mu.Unlock()
					return l
				}
			}
			a.mu.Unlock()
			a.t.Fatalf("app exited (code %d) before logging %q", a.exitCode, msg)
		case <-deadline:
			a.t.Fatalf("app did not log %q", msg)
		}
	}
}

func (a *app) signal(sig syscall.Signal) {
	a.t.Helper()
	if err := a.cmd.Process.Signal(sig); err != nil {
		a.t.Fatalf("sending %v: %v", sig, err)
	}
}

// wait returns the exit code, failing if the process does not exit within the bound.
func (a *app) wait(within time.Duration) int {
	a.t.Helper()
	select {
	case <-a.exited:
		return a.exitCode
	case <-time.After(within):
		a.t.Fatalf("app did not exit within %v", within)
		return -1
	}
}

// get returns the status and body of GET path.
func (a *app) get(path string) (int, string, error) {
	return do(http.DefaultClient, "GET", a.base+path, "")
}

func do(c *http.Client, method, url, body string) (int, string, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// waitStatus polls path until it answers want.
func (a *app) waitStatus(path string, want int) {
	a.t.Helper()
	deadline := time.Now().Add(bound)
	for {
		code, body, err := a.get(path)
		if err == nil && code == want {
			return
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("GET %s never answered %d; last: %d %s %v", path, want, code, body, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
