package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/plan"
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

func TestFilesThatAreNotRegularFilesAndBadStackNamesAreRefused(t *testing.T) {
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
		{"a stack name the Pulumi CLI refuses", zeroStack, []string{"plan", "--stack", "--->"},
			"berth: stack \"--->\": not a stack name (allowed: letters, digits, -, _ and ., 1 to 100 of them)\n"},
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

// hostilePlan is a plan whose stack, component and resource names and
// values carry what could close a comment, break out of a <summary>,
// mention a team or drive a terminal.
func hostilePlan(t *testing.T, dir, file, image string) string {
	t.Helper()
	const stack = "--->"
	comp := "urn:pulumi:" + stack + "::p::berth:index:Service::api\n\n@acme/owners [x](https://evil.example)"
	res := comp[:strings.Index(comp, "::berth")] + "::berth:index:Service$gcp:cloudrunv2/service:Service::ok\x1b[2K\rreplace \u202eetad"
	doc := map[string]any{
		"format": plan.Format, "schemaVersion": plan.SchemaVersion, "project": "p", "stack": stack, "outputs": map[string]any{},
		"resources": []any{
			map[string]any{"urn": comp, "type": "berth:index:Service", "name": "api\n\n@acme/owners [x](https://evil.example)",
				"custom": false, "parent": "", "dependsOn": []string{}, "options": map[string]any{}, "inputs": map[string]any{}},
			map[string]any{"urn": res, "type": "gcp:cloudrunv2/service:Service", "name": "ok\x1b[2K\rreplace \u202eetad",
				"custom": true, "parent": comp, "dependsOn": []string{}, "options": map[string]any{},
				"inputs": map[string]any{"image": image, "location": "europe-west1"}},
		},
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, file)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNamesAndValuesCannotInjectIntoAnyOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := hostilePlan(t, dir, "base.json", "a\x1b]8;;https://evil.example\x07b")
	head := hostilePlan(t, dir, "head.json", "c\u202ed\u009b2J")
	for _, format := range []string{"text", "markdown", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runBerth(t, nil, "diff", base, head, "--format", format)
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			for _, raw := range []string{"\x1b", "\r", "\x07", "\u202e", "\u009b"} {
				if strings.Contains(stdout, raw) {
					t.Errorf("the %s diff holds a raw %q:\n%s", format, raw, stdout)
				}
			}
			if !strings.Contains(stdout, `\u001b`) || !strings.Contains(stdout, `\u202e`) {
				t.Errorf("the %s diff does not show the escaped characters:\n%s", format, stdout)
			}
			switch format {
			case "text":
				// A name cannot forge a line of its own.
				if strings.Contains(stdout, "\n@acme") || !strings.Contains(stdout, `api\u000a\u000a@acme/owners`) {
					t.Errorf("a name breaks the text's lines:\n%s", stdout)
				}
			case "markdown":
				if !strings.HasPrefix(stdout, "<!-- berth-plan-diff stack=-%2D%2D%3E -->\n") {
					t.Errorf("the marker is not escaped:\n%s", stdout)
				}
				// Outside code spans, where Markdown renders, no name
				// starts a line, mentions or links.
				if strings.Contains(stdout, "\n@acme") || !strings.Contains(stdout, "<summary><code>berth:index:Service api  &#64;acme/owners [x](https://evil.example)</code>: 1 change</summary>") {
					t.Errorf("a name breaks out into Markdown:\n%s", stdout)
				}
			case "json":
				var doc struct {
					Changes []struct {
						Values []struct{ New string }
					}
				}
				if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
					t.Fatalf("the JSON diff does not parse: %v\n%s", err, stdout)
				}
				if got := doc.Changes[0].Values[0].New; got != "c\u202ed\u009b2J" {
					t.Errorf("the JSON diff reads %q, want the value as it is", got)
				}
			}
		})
	}
}
