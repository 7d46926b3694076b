package main_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hangGuard bounds each run of the binary in these tests: a berth that
// reads forever fails the test instead of hanging the suite.
const hangGuard = 2 * time.Minute

// startBerth starts the binary in dir with stdin, returning the command
// and its stderr.
func startBerth(t *testing.T, ctx context.Context, dir string, stdin *os.File, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.CommandContext(ctx, berthBinary(t), args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// exitStatus waits for cmd and returns its exit status, -1 when a signal
// killed it.
func exitStatus(cmd *exec.Cmd) int {
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -2
	}
	return 0
}

// minimalProject writes a project directory with Pulumi.yaml and the
// given files.
func minimalProject(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	files = append([]string{"Pulumi.yaml", "name: p\nruntime: go\n"}, files...)
	for i := 0; i+1 < len(files); i += 2 {
		if err := os.WriteFile(filepath.Join(dir, files[i]), []byte(files[i+1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFilesThatAreNotRegularFilesAreRefusedNamingTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	zeroProject := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(zeroProject, "Pulumi.yaml")); err != nil {
		t.Fatal(err)
	}
	fifoProject := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(fifoProject, "Pulumi.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	zeroStack := minimalProject(t)
	if err := os.Symlink("/dev/zero", filepath.Join(zeroStack, "Pulumi.dev.yaml")); err != nil {
		t.Fatal(err)
	}
	bigStack := minimalProject(t, "Pulumi.dev.yaml", "config:\n  p:mode: service\n"+strings.Repeat("# padding\n", 500_000))
	tests := []struct {
		name string
		dir  string
		args []string
		want string
	}{
		{"a project file linked to /dev/zero", zeroProject, []string{"plan", "--stack", "dev"},
			"berth: loading project: " + filepath.Join(zeroProject, "Pulumi.yaml") + " is a character device, not a regular file: berth reads only regular files\n"},
		{"a project file that is a FIFO", fifoProject, []string{"plan", "--stack", "dev"},
			"berth: loading project: " + filepath.Join(fifoProject, "Pulumi.yaml") + " is a FIFO (named pipe), not a regular file: berth reads only regular files\n"},
		{"a stack file linked to /dev/zero", zeroStack, []string{"cost", "--stack", "dev"},
			"berth: loading stack dev: " + filepath.Join(zeroStack, "Pulumi.dev.yaml") + " is a character device, not a regular file: berth reads only regular files\n"},
		{"a stack file over 4 MiB", bigStack, []string{"plan", "--stack", "dev"},
			"berth: loading stack dev: " + filepath.Join(bigStack, "Pulumi.dev.yaml") + " is too large: larger than 4 MiB (allowed: at most 4 MiB)\n"},
		{"a plan linked to /dev/zero", dir, []string{"diff", "/dev/zero", "/dev/zero"},
			"berth: reading plan: /dev/zero is a character device, not a regular file: berth reads only regular files\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
			defer cancel()
			cmd, stderr := startBerth(t, ctx, tt.dir, nil, tt.args...)
			if code := exitStatus(cmd); code != 1 || stderr.String() != tt.want {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1, stderr:\n%s", code, stderr, tt.want)
			}
		})
	}
}

// TestSignalsStopBerthWhereverItWaits sends SIGINT and SIGTERM to berth
// diff while it waits for a plan on stdin that never comes.
func TestSignalsStopBerthWhereverItWaits(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
		want string
	}{
		{syscall.SIGINT, 130, "berth: stopped by SIGINT (Ctrl-C)\n"},
		{syscall.SIGTERM, 143, "berth: stopped by SIGTERM\n"},
	} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			t.Parallel()
			// A signal that comes before berth listens for it kills it
			// (status -1): start again, up to a few times.
			var code int
			var stderr *bytes.Buffer
			for attempt := 0; attempt < 5; attempt++ {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
				var cmd *exec.Cmd
				// Stdin stays open and silent: the plan never comes.
				cmd, stderr = startBerth(t, ctx, t.TempDir(), r, "diff", "-", "head.json")
				r.Close()
				time.Sleep(time.Duration(attempt) * 100 * time.Millisecond)
				cmd.Process.Signal(tt.sig)
				code = exitStatus(cmd)
				w.Close()
				cancel()
				if code != -1 {
					break
				}
			}
			if code != tt.code || stderr.String() != tt.want {
				t.Errorf("exit %d, stderr %q; want exit %d, stderr %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}
