package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// bodyLoadRequests is how many POSTs each client sends in the body-memory
// load: enough that every client overlaps with every other, bounded so the
// load stops by itself.
const bodyLoadRequests = 10

// bodyBytes is the size of each POST in the body-memory load: the default
// MAX_BODY_BYTES (1 MiB), the largest body the service accepts.
const bodyBytes = 1 << 20

// largeNote is a JSON note of exactly n bytes whose body field fills it:
// the worst case for the decoder, which must read and hold all of it before
// the API can answer that the body is too long (422).
func largeNote(n int) []byte {
	const head, tail = `{"title":"memory","body":"`, `"}`
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
}

// bodyMemoryResult is what one body-memory load saw.
type bodyMemoryResult struct {
	clients  int
	sent     int64
	statuses map[int]int64
	failed   int64 // transport errors
	peakRSS  int64 // VmHWM, bytes
}

// bodyMemory starts bin against the database, sends bodyLoadRequests POSTs
// of bodyBytes from each of clients concurrent clients, and returns the
// process's peak resident memory (VmHWM from /proc) with the statuses seen.
func bodyMemory(ctx context.Context, bin, dbURL string, clients int) (bodyMemoryResult, error) {
	s, err := start(ctx, bin, []string{"DATABASE_URL=" + dbURL})
	if err != nil {
		return bodyMemoryResult{}, err
	}
	defer s.kill()
	if err := waitReady(ctx, s, "/readyz", 15*time.Second); err != nil {
		return bodyMemoryResult{}, err
	}
	return bodyLoad(s, s.cmd.Process.Pid, clients)
}

// bodyMemoryInContainer runs the same load against the image in a
// container limited to memMiB, the service finding that limit in its own
// cgroup. The service's PID on this host gives its VmHWM.
func bodyMemoryInContainer(ctx context.Context, image, dbURL string, memMiB, clients int) (bodyMemoryResult, error) {
	port, err := freePort()
	if err != nil {
		return bodyMemoryResult{}, err
	}
	name := fmt.Sprintf("berth-bench-mem-%d-%d", os.Getpid(), clients)
	out, err := exec.CommandContext(ctx, "docker", "run", "-d", "--name", name, "--network", "host",
		"--memory", strconv.Itoa(memMiB)+"m", "--read-only", "--cap-drop", "ALL",
		"-e", "PORT="+strconv.Itoa(port), "-e", "DATABASE_URL="+dbURL, "-e", "LOG_LEVEL=error", image).CombinedOutput()
	if err != nil {
		return bodyMemoryResult{}, fmt.Errorf("docker run: %v: %s", err, out)
	}
	defer exec.Command("docker", "rm", "-f", name).Run()
	s := &server{port: port}
	if err := waitReady(ctx, s, "/readyz", 30*time.Second); err != nil {
		return bodyMemoryResult{}, err
	}
	pidOut, err := exec.CommandContext(ctx, "docker", "inspect", "-f", "{{.State.Pid}}", name).Output()
	if err != nil {
		return bodyMemoryResult{}, fmt.Errorf("docker inspect: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidOut)))
	if err != nil {
		return bodyMemoryResult{}, err
	}
	res, err := bodyLoad(s, pid, clients)
	if err != nil {
		return res, err
	}
	if oom, _ := exec.CommandContext(ctx, "docker", "inspect", "-f", "{{.State.OOMKilled}}", name).Output(); strings.TrimSpace(string(oom)) != "false" {
		return res, fmt.Errorf("the container was killed for memory (OOMKilled %s)", oom)
	}
	return res, nil
}

// bodyLoad sends the load to s and reads the peak RSS of process pid.
func bodyLoad(s *server, pid, clients int) (bodyMemoryResult, error) {
	res := bodyMemoryResult{clients: clients, statuses: map[int]int64{}}
	body := largeNote(bodyBytes)
	var mu sync.Mutex
	var wg sync.WaitGroup
	startLine := make(chan struct{})
	for range clients {
		wg.Go(func() {
			client := &http.Client{Timeout: 60 * time.Second}
			<-startLine
			for range bodyLoadRequests {
				atomic.AddInt64(&res.sent, 1)
				resp, err := client.Post(s.url("/v1/notes"), "application/json", bytes.NewReader(body))
				if err != nil {
					atomic.AddInt64(&res.failed, 1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				res.statuses[resp.StatusCode]++
				mu.Unlock()
			}
		})
	}
	close(startLine)
	wg.Wait()
	var err error
	res.peakRSS, err = procStatusBytes(pid, "VmHWM:")
	return res, err
}

// procStatusBytes reads a "kB" field such as VmRSS or VmHWM of
// /proc/pid/status, in bytes.
func procStatusBytes(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

func (r bodyMemoryResult) String() string {
	return fmt.Sprintf("%d clients x %d POSTs of %d bytes: peak RSS %.1f MiB; statuses %v, transport errors %d",
		r.clients, bodyLoadRequests, bodyBytes, mib(r.peakRSS), r.statuses, r.failed)
}
