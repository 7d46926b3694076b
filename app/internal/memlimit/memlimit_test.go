package memlimit

import (
	"os"
	"path/filepath"
	"testing"
)

// layout writes files (path relative to a new root: content) and returns the root.
func layout(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestDetect(t *testing.T) {
	t.Parallel()
	const mib = 1 << 20
	tests := []struct {
		name       string
		files      map[string]string
		want       int64
		wantSource string
	}{
		{"no cgroup file", map[string]string{}, 0, ""},
		{"v2 in a cgroup namespace", map[string]string{
			"proc/self/cgroup":         "0::/\n",
			"sys/fs/cgroup/memory.max": "268435456\n",
		}, 256 * mib, "sys/fs/cgroup/memory.max"},
		{"v2 without a limit", map[string]string{
			"proc/self/cgroup":         "0::/\n",
			"sys/fs/cgroup/memory.max": "max\n",
		}, 0, ""},
		{"v2 parent limit binds an unlimited child", map[string]string{
			"proc/self/cgroup":                      "0::/task/app\n",
			"sys/fs/cgroup/task/memory.max":         "536870912\n",
			"sys/fs/cgroup/task/app/memory.max":     "max\n",
			"sys/fs/cgroup/task/app/cgroup.procs":   "1\n",
			"sys/fs/cgroup/memory.max":              "max\n",
			"sys/fs/cgroup/task/other/memory.max":   "1\n",
			"sys/fs/cgroup/task/app/memory.current": "1\n",
		}, 512 * mib, "sys/fs/cgroup/task/memory.max"},
		{"v2 the smaller of child and parent", map[string]string{
			"proc/self/cgroup":                  "0::/task/app\n",
			"sys/fs/cgroup/task/memory.max":     "536870912\n",
			"sys/fs/cgroup/task/app/memory.max": "134217728\n",
		}, 128 * mib, "sys/fs/cgroup/task/app/memory.max"},
		{"v1 hierarchical limit of a container's own mount", map[string]string{
			"proc/self/cgroup":                           "12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n0::/\n",
			"sys/fs/cgroup/memory/memory.stat":           "cache 0\nhierarchical_memory_limit 134217728\ntotal_cache 0\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
		}, 128 * mib, "sys/fs/cgroup/memory/memory.stat"},
		{"v1 limit_in_bytes without memory.stat", map[string]string{
			"proc/self/cgroup": "4:memory:/berth\n",
			"sys/fs/cgroup/memory/berth/memory.limit_in_bytes": "268435456\n",
		}, 256 * mib, "sys/fs/cgroup/memory/berth/memory.limit_in_bytes"},
		{"v1 unlimited", map[string]string{
			"proc/self/cgroup":                           "4:memory:/\n",
			"sys/fs/cgroup/memory/memory.stat":           "hierarchical_memory_limit 9223372036854771712\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
		}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := layout(t, tt.files)
			got := Detect(root)
			wantSource := ""
			if tt.wantSource != "" {
				wantSource = filepath.Join(root, tt.wantSource)
			}
			if got.Bytes != tt.want || got.Source != wantSource {
				t.Fatalf("Detect() = %d from %q, want %d from %q", got.Bytes, got.Source, tt.want, wantSource)
			}
		})
	}
}

func TestBudgets(t *testing.T) {
	t.Parallel()
	if got := BodyBudget(0); got != 8<<20 {
		t.Errorf("BodyBudget(unknown) = %d, want 8 MiB (a sixteenth of 128 MiB)", got)
	}
	if got := BodyBudget(512 << 20); got != 32<<20 {
		t.Errorf("BodyBudget(512 MiB) = %d, want 32 MiB", got)
	}
	if got := GoLimit(100 << 20); got != (100<<20)/10*9 {
		t.Errorf("GoLimit(100 MiB) = %d", got)
	}
}
