package rollout

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stackFile has what an edit must keep byte for byte: comments above,
// beside and below settings, blank lines, a list indented under its key,
// quoting, and secure values.
const stackFile = `# prod: comments stay.
encryptionsalt: v1:abc=
config:
  aws:region: us-east-1   # beside

  berth:service:
    # the first setting's comment stays with it
    name: berth-app
    secrets:
      - env: TOKEN
        value:
          secure: v1:2Kj4OTSYgtv4Jz+m:5+Y21Zd9W267LY0W3msVQ==
    env:
      A: "quoted: yes"
  berth:other:
    secure: v1:AAAA
`

func TestEditStackChangesOnlyTheLinesOfTheCanary(t *testing.T) {
	t.Parallel()
	const arn7 = "arn:aws:ecs:us-east-1:123456789012:task-definition/berth-app-da1ef50:7"
	withCanary := strings.Replace(stackFile, "    # the first", `    rollout:
      errorRate: 2   # the budget
      canary:
        percent: 10
        stable: "berth-app-old"   # pinned
        abort: true
    # the first`, 1)
	tests := []struct {
		name string
		in   string
		key  string
		edit Edit
		want string
	}{
		{"promote writes rollout, canary and stable first in the service's map, indented as the file is",
			stackFile, "berth:service", Edit{Stable: arn7},
			strings.Replace(stackFile, "  berth:service:\n", "  berth:service:\n    rollout:\n      canary:\n        stable: "+arn7+"\n", 1)},
		{"abort writes abort: true",
			stackFile, "berth:service", Edit{Abort: true},
			strings.Replace(stackFile, "  berth:service:\n", "  berth:service:\n    rollout:\n      canary:\n        abort: true\n", 1)},
		{"promote replaces stable in place, keeping its comment, and drops abort",
			withCanary, "berth:service", Edit{Stable: "berth-app-da1ef50-6f2c1d9a"},
			strings.Replace(withCanary, `        stable: "berth-app-old"   # pinned
        abort: true
`, `        stable: berth-app-da1ef50-6f2c1d9a   # pinned
`, 1)},
		{"abort on an aborted canary changes nothing",
			withCanary, "berth:service", Edit{Abort: true}, withCanary},
		{"abort replaces abort: false",
			strings.Replace(withCanary, "abort: true", "abort: false", 1), "berth:service", Edit{Abort: true}, withCanary},
		{"a value that YAML would read otherwise is quoted",
			withCanary, "berth:service", Edit{Stable: "true"},
			strings.Replace(strings.Replace(withCanary, `"berth-app-old"`, `"true"`, 1), "        abort: true\n", "", 1)},
		{"CRLF line endings stay CRLF",
			strings.ReplaceAll(stackFile, "\n", "\r\n"), "berth:service", Edit{Abort: true},
			strings.ReplaceAll(strings.Replace(stackFile, "  berth:service:\n", "  berth:service:\n    rollout:\n      canary:\n        abort: true\n", 1), "\n", "\r\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := EditStack([]byte(tt.in), tt.key, tt.edit)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestEditStackRefusesWhatItCannotEditSafely(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, key, wantErr string
	}{
		{"a missing key", stackFile, "berth:nope", "the stack has no berth:nope setting"},
		{"a secure value", stackFile, "berth:other", "berth:other holds a secure value, not a map of settings; berth does not edit secrets: edit the file by hand"},
		{"a single value", stackFile, "aws:region", "aws:region is a single value, not a map of settings"},
		{"a flow-style map", "config:\n  berth:service: {name: a}\n", "berth:service", "berth:service is written in flow style ({...}); berth edits block-style maps only: edit the file by hand"},
		{"a secure rollout", "config:\n  berth:service:\n    rollout:\n      secure: v1:AAAA\n", "berth:service", "berth:service.rollout holds a secure value"},
		{"a canary that is a list", "config:\n  berth:service:\n    rollout:\n      canary: []\n", "berth:service", "berth:service.rollout.canary is a list, not a map of settings"},
		{"a secure stable", "config:\n  berth:service:\n    rollout:\n      canary:\n        stable:\n          secure: v1:AAAA\n", "berth:service", "berth:service.rollout.canary.stable holds a secure value; berth writes only plain values"},
		{"a stable on two lines", "config:\n  berth:service:\n    rollout:\n      canary:\n        stable: >-\n          a\n", "berth:service", "berth:service.rollout.canary.stable is not a single value on its key's line"},
		{"no config", "encryptionsalt: x\n", "berth:service", "the stack file has no config: map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := EditStack([]byte(tt.in), tt.key, Edit{Stable: "x"})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "v1:") {
				t.Errorf("the error prints a secure value: %v", err)
			}
		})
	}
}

func TestEditStackFileReplacesTheFileKeepingItsMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "Pulumi.prod.yaml")
	if err := os.WriteFile(path, []byte(stackFile), 0o640); err != nil {
		t.Fatal(err)
	}
	changed, err := EditStackFile(path, "berth:service", Edit{Abort: true})
	if err != nil || !changed {
		t.Fatalf("EditStackFile = %v, %v; want true, nil", changed, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", info.Mode().Perm())
	}
	if changed, err := EditStackFile(path, "berth:service", Edit{Abort: true}); err != nil || changed {
		t.Errorf("a second abort = %v, %v; want false, nil", changed, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d files, want the stack file alone", len(entries))
	}
}
