// Package memlimit finds the memory limit of the container the service runs
// in, so that the Go runtime's soft memory limit and the request-body
// budget fit the instance rather than the host.
//
// The limit comes from the process's memory cgroup, which Cloud Run,
// Fargate, Docker and Kubernetes all set from the instance's memory:
// cgroup v2's memory.max (https://docs.kernel.org/admin-guide/cgroup-v2.html,
// "memory.max"), the smallest along the process's cgroup path that is
// visible, or cgroup v1's hierarchical_memory_limit in memory.stat, which
// already takes the parent cgroups into account, else memory.limit_in_bytes
// (https://docs.kernel.org/admin-guide/cgroup-v1/memory.html). A container
// whose own cgroup has no limit under a limited parent (an ECS task-level
// limit) is found through those same rules where the parent is visible.
package memlimit

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Limit is a detected memory limit.
type Limit struct {
	// Bytes is the limit; 0 when no limit was found.
	Bytes int64
	// Source is the file that gave it, for the log; empty when none did.
	Source string
}

// unlimited is the value at and above which cgroup v1 means "no limit"
// (it reports 9223372036854771712, the largest page-aligned int64).
const unlimited = 1 << 62

// Detect returns the memory limit of this process's cgroup, reading the
// files under root ("/" in production; tests pass a directory laid out the
// same way).
func Detect(root string) Limit {
	f, err := os.Open(filepath.Join(root, "proc/self/cgroup"))
	if err != nil {
		return Limit{}
	}
	defer f.Close()
	var v1Path, v2Path string
	hasV2 := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// hierarchy-ID:controller-list:cgroup-path
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			hasV2, v2Path = true, parts[2]
		case hasController(parts[1], "memory"):
			v1Path = parts[2]
		}
	}
	if v1Path != "" {
		return detectV1(filepath.Join(root, "sys/fs/cgroup/memory"), v1Path)
	}
	if hasV2 {
		return detectV2(filepath.Join(root, "sys/fs/cgroup"), v2Path)
	}
	return Limit{}
}

func hasController(list, name string) bool {
	for _, c := range strings.Split(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// ownDir returns the process's cgroup directory under mount: mount/path
// when it exists, else mount itself, which is what a container sees when
// its runtime mounts its own cgroup as the root.
func ownDir(mount, path string) string {
	dir := filepath.Join(mount, filepath.Clean("/"+path))
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return dir
	}
	return mount
}

func detectV1(mount, path string) Limit {
	dir := ownDir(mount, path)
	stat := filepath.Join(dir, "memory.stat")
	if b, err := os.ReadFile(stat); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "hierarchical_memory_limit "); ok {
				if n, ok := parseLimit(v); ok {
					return Limit{Bytes: n, Source: stat}
				}
			}
		}
	}
	file := filepath.Join(dir, "memory.limit_in_bytes")
	if b, err := os.ReadFile(file); err == nil {
		if n, ok := parseLimit(string(b)); ok {
			return Limit{Bytes: n, Source: file}
		}
	}
	return Limit{}
}

// detectV2 takes the smallest memory.max from the process's cgroup up to
// the mount: a parent's limit binds its children.
func detectV2(mount, path string) Limit {
	var best Limit
	for dir := ownDir(mount, path); ; dir = filepath.Dir(dir) {
		file := filepath.Join(dir, "memory.max")
		if b, err := os.ReadFile(file); err == nil {
			if n, ok := parseLimit(string(b)); ok && (best.Bytes == 0 || n < best.Bytes) {
				best = Limit{Bytes: n, Source: file}
			}
		}
		if dir == mount || len(dir) <= len(mount) {
			return best
		}
	}
}

// parseLimit reads a limit file's value: a byte count, or "max" (v2) or a
// huge number (v1) for none.
func parseLimit(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 || n >= unlimited {
		return 0, false
	}
	return n, true
}

// SmallestInstance (128 MiB) is the least memory berth deploys an instance
// with: Cloud Run gen1's minimum (components/cloudrun, minMemoryGen1MiB;
// Fargate's least is 512 MiB). Without a detected limit the body budget
// assumes it.
const SmallestInstance = 128 << 20

// BodyBudget returns how many request-body bytes the service reads at once
// under a memory limit of limit bytes (0: unknown, taken as
// SmallestInstance): a sixteenth of it. Decoding a JSON body holds about
// three times its size (the decoder's buffer, which grows by doubling, and
// the decoded strings), and the garbage collector lets the heap grow to
// twice what is live, so a sixteenth keeps bodies under half the limit.
func BodyBudget(limit int64) int64 {
	if limit <= 0 {
		limit = SmallestInstance
	}
	return limit / 16
}

// ResponseBudget returns how many bytes of notes the service holds at
// once for responses under a memory limit of limit bytes (0: unknown,
// taken as SmallestInstance): a sixteenth of it, as for bodies. A
// response holds its notes (counted at their size) and the encoding of
// one note at a time, and the garbage collector's headroom doubles that,
// so bodies and responses together stay under a quarter of the limit
// plus what the runtime itself needs.
func ResponseBudget(limit int64) int64 {
	if limit <= 0 {
		limit = SmallestInstance
	}
	return limit / 16
}

// GoLimit returns the soft memory limit to give the Go runtime for a
// container limit of limit bytes: 90% of it, leaving the rest for what
// the runtime does not count (the binary's pages, thread stacks).
func GoLimit(limit int64) int64 { return limit / 10 * 9 }
