package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// readmeServiceCommand returns the command the README's sample service
// section gives to run the service: the line marked "# the sample service".
func readmeServiceCommand(t *testing.T, root string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if cmd, _, ok := strings.Cut(line, "# the sample service"); ok && !strings.HasPrefix(line, "#") {
			return strings.TrimSpace(cmd)
		}
	}
	t.Fatal(`README.md has no line marked "# the sample service"`)
	return ""
}

// TestREADMEServiceCommandStopsOnSIGTERM runs the README's command for the
// sample service as a user's shell would, from the repository root, and sends SIGTERM to the
// process it started, as `kill -TERM <pid>` or a process manager does:
// the service must shut down as the built binary does (exit 0, "shutdown
// complete") and leave nothing listening.
func TestREADMEServiceCommandStopsOnSIGTERM(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	line := readmeServiceCommand(t, root)
	cmd := exec.Command("bash", "-c", line)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "PORT=0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	a := startCmd(t, cmd)
	a.waitStatus("/healthz", 200)

	a.signal(syscall.SIGTERM)
	code := a.wait(bound)
	a.waitLog("shutdown complete")
	if code != 0 {
		t.Fatalf("%q exited %d after SIGTERM, want 0", line, code)
	}
	if c, err := net.Dial("tcp", strings.TrimPrefix(a.base, "http://")); err == nil {
		c.Close()
		t.Fatalf("something still listens on %s after %q exited", a.base, line)
	}
}
