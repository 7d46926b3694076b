package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/berth-dev/berth/internal/containerbuild"
)

// benchImage is the tag the benchmark builds app/Dockerfile as.
const benchImage = "berth-app:bench"

// imageSize builds app/Dockerfile and returns the image's size in bytes.
func imageSize(ctx context.Context) (int64, error) {
	root, err := os.Getwd()
	if err != nil {
		return 0, err
	}
	if err := containerbuild.EngineErr(); err != nil {
		return 0, err
	}
	if err := containerbuild.BuilderErr(); err != nil {
		return 0, err
	}
	const tag = benchImage
	if err := containerbuild.Build(ctx, root, tag, containerbuild.Options{}); err != nil {
		return 0, err
	}
	out, err := exec.CommandContext(ctx, "docker", "image", "inspect", "-f", "{{.Size}}", tag).Output()
	if err != nil {
		return 0, fmt.Errorf("inspecting %s: %w", tag, err)
	}
	return strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
}

// loadFigures runs wrk on / and on the API read path of a note it creates.
func loadFigures(ctx context.Context, bin string, o options) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("wrk not found (scripts/setup.sh installs it): %w", err)
	}
	s, err := start(ctx, bin, []string{"DATABASE_URL=" + o.dbURL})
	if err != nil {
		return err
	}
	defer s.kill()
	if err := waitReady(ctx, s, "/readyz", 15*time.Second); err != nil {
		return err
	}
	resp, err := http.Post(s.url("/v1/notes"), "application/json",
		bytes.NewBufferString(`{"title":"bench","body":"a note read by the benchmark"}`))
	if err != nil {
		return fmt.Errorf("creating a note: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	note := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusCreated || note == "" {
		return fmt.Errorf("creating a note: status %d, Location %q", resp.StatusCode, note)
	}
	for _, path := range []string{"/", note} {
		r, err := runWrk(ctx, s.url(path), o.conns, o.duration)
		if err != nil {
			return err
		}
		fmt.Printf("load GET %s (%d connections, %s, wrk -t2): %.0f req/s, p50 %s, p99 %s, errors %d\n",
			pathLabel(path), o.conns, o.duration, r.rps, r.p50, r.p99, r.errors)
	}
	return nil
}

func pathLabel(p string) string {
	if strings.HasPrefix(p, "/v1/notes/") {
		return "/v1/notes/{id}"
	}
	return p
}

type wrkResult struct {
	rps      float64
	p50, p99 string
	errors   int
}

var (
	rpsLine    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	p50Line    = regexp.MustCompile(`\n\s+50%\s+(\S+)`)
	p99Line    = regexp.MustCompile(`\n\s+99%\s+(\S+)`)
	non2xxLine = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	socketLine = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

func runWrk(ctx context.Context, url string, conns int, d time.Duration) (wrkResult, error) {
	out, err := exec.CommandContext(ctx, "wrk", "-t2", "-c"+strconv.Itoa(conns),
		"-d"+strconv.Itoa(int(d.Seconds()))+"s", "--latency", url).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	s := string(out)
	var r wrkResult
	if m := rpsLine.FindStringSubmatch(s); m != nil {
		r.rps, _ = strconv.ParseFloat(m[1], 64)
	} else {
		return r, fmt.Errorf("no Requests/sec in wrk output:\n%s", s)
	}
	if m := p50Line.FindStringSubmatch(s); m != nil {
		r.p50 = m[1]
	}
	if m := p99Line.FindStringSubmatch(s); m != nil {
		r.p99 = m[1]
	}
	if m := non2xxLine.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		r.errors += n
	}
	if m := socketLine.FindStringSubmatch(s); m != nil {
		for _, v := range m[1:] {
			n, _ := strconv.Atoi(v)
			r.errors += n
		}
	}
	return r, nil
}

// sigtermUnderLoad sends SIGTERM to a loaded server with DRAIN_DELAY=2s. The
// clients stop sending one second after the signal, as a load balancer stops
// routing to a draining target within its drain delay. Every request sent
// must get a full 200 and the process must exit 0.
func sigtermUnderLoad(ctx context.Context, bin, dbURL string) (sent, failed int64, err error) {
	s, err := start(ctx, bin, []string{"DATABASE_URL=" + dbURL, "DRAIN_DELAY=2s", "SHUTDOWN_TIMEOUT=5s"})
	if err != nil {
		return 0, 0, err
	}
	if err := waitReady(ctx, s, "/readyz", 15*time.Second); err != nil {
		s.kill()
		return 0, 0, err
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				atomic.AddInt64(&sent, 1)
				resp, err := client.Get(s.url("/"))
				if err != nil {
					atomic.AddInt64(&failed, 1)
					continue
				}
				_, cerr := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if cerr != nil || resp.StatusCode != http.StatusOK {
					atomic.AddInt64(&failed, 1)
				}
			}
		}()
	}
	time.Sleep(time.Second)
	if err := s.terminate(); err != nil {
		return 0, 0, err
	}
	time.Sleep(time.Second)
	stop.Store(true)
	wg.Wait()
	if err := s.cmd.Wait(); err != nil {
		return sent, failed, fmt.Errorf("app did not exit 0 after SIGTERM: %w", err)
	}
	return sent, failed, nil
}
