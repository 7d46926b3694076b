// Command slowreaders measures the service's memory under clients that
// ask for pages of notes and read nothing (issue 17, item 1). It prints
// figures and asserts nothing.
//
// It runs the service binary in a container limited to -memory MiB (512,
// the dev stack's Cloud Run instance) on the host network, against a
// fresh database holding -notes notes of 10,000 "<" characters (the worst
// case for HTML escaping), opens -clients connections that each send
// GET /v1/notes?limit=100 and read nothing, waits -hold, and prints the
// process's peak resident memory (VmHWM), the container cgroup's peak
// (memory.peak on cgroup v2, max_usage_in_bytes on v1), whether the container
// was OOM-killed, and the status of one more page asked for while the
// slow readers hold theirs.
//
//	CGO_ENABLED=0 go build -o /tmp/app ./app
//	go run ./app/internal/slowreaders -bin /tmp/app
//
// It needs Docker and the berth-local/golang image (scripts/setup.sh) and
// the PostgreSQL of scripts/setup.sh.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/berth-dev/berth/app/internal/testenv"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "slowreaders:", err)
		os.Exit(1)
	}
}

func run() error {
	bin := flag.String("bin", "", "the service binary, built with CGO_ENABLED=0 (required)")
	clients := flag.Int("clients", 80, "slow readers (Cloud Run's default concurrency is 80)")
	notes := flag.Int("notes", 101, "notes in the database")
	memMiB := flag.Int("memory", 512, "container memory limit in MiB")
	hold := flag.Duration("hold", 8*time.Second, "how long the slow readers hold their pages before the figures are read")
	image := flag.String("image", "berth-local/golang", "image to run the binary in")
	flag.Parse()
	if *bin == "" {
		return fmt.Errorf("-bin is required")
	}
	abs, err := filepath.Abs(*bin)
	if err != nil {
		return err
	}
	ctx := context.Background()
	dbURL, drop, err := freshDatabase(ctx, *notes)
	if err != nil {
		return err
	}
	defer drop()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	b := make([]byte, 4)
	rand.Read(b)
	name := "berth-slowreaders-" + hex.EncodeToString(b)
	out, err := exec.Command("docker", "run", "-d", "--name", name, "--network", "host",
		"--memory", strconv.Itoa(*memMiB)+"m", "--memory-swap", strconv.Itoa(*memMiB)+"m",
		"-v", abs+":/app:ro", "-e", "PORT="+strconv.Itoa(port), "-e", "DATABASE_URL="+dbURL, "-e", "LOG_LEVEL=warn",
		"--entrypoint", "/app", *image).CombinedOutput()
	if err != nil {
		return fmt.Errorf("docker run: %v: %s", err, out)
	}
	defer exec.Command("docker", "rm", "-f", name).Run()
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the service did not become ready")
		}
		time.Sleep(100 * time.Millisecond)
	}
	pidOut, err := exec.Command("docker", "inspect", "-f", "{{.State.Pid}}", name).Output()
	if err != nil {
		return err
	}
	pid := strings.TrimSpace(string(pidOut))
	idOut, err := exec.Command("docker", "inspect", "-f", "{{.Id}}", name).Output()
	if err != nil {
		return err
	}
	id := strings.TrimSpace(string(idOut))
	// The container's own cgroup, as the systemd or the cgroupfs driver
	// names it: cgroup v2's memory.peak, or v1's max_usage_in_bytes.
	peakFile, sockFile := "", ""
	for _, c := range [][2]string{
		{"/sys/fs/cgroup/system.slice/docker-" + id + ".scope/memory.peak", ""},
		{"/sys/fs/cgroup/docker/" + id + "/memory.peak", ""},
		{"/sys/fs/cgroup/memory/docker/" + id + "/memory.max_usage_in_bytes", "/sys/fs/cgroup/memory/docker/" + id + "/memory.kmem.tcp.max_usage_in_bytes"},
	} {
		if _, err := os.Stat(c[0]); err == nil {
			peakFile, sockFile = c[0], c[1]
		}
	}
	if peakFile == "" {
		return fmt.Errorf("cannot find the memory cgroup of container %s", id)
	}

	// One page read normally, for its size.
	resp, err := http.Get(base + "/v1/notes?limit=100")
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	var conns []net.Conn
	for range *clients {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			return err
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /v1/notes?limit=100 HTTP/1.1\r\nHost: bench\r\n\r\n")
		conns = append(conns, c)
	}
	time.Sleep(*hold)
	// One more page while the slow readers hold theirs.
	client := &http.Client{Timeout: 20 * time.Second}
	status := "error"
	if resp, err := client.Get(base + "/v1/notes?limit=100"); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status = strconv.Itoa(resp.StatusCode)
	} else {
		status = err.Error()
	}
	hwm := vmHWM(pid)
	peak, _ := os.ReadFile(peakFile)
	sockPeak := "not accounted"
	if b, err := os.ReadFile(sockFile); err == nil {
		n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		sockPeak = fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	for _, c := range conns {
		c.Close()
	}
	oomOut, _ := exec.Command("docker", "inspect", "-f", "{{.State.OOMKilled}} {{.State.Running}}", name).Output()

	peakB, _ := strconv.ParseInt(strings.TrimSpace(string(peak)), 10, 64)
	fmt.Printf("machine: %d slow readers of GET /v1/notes?limit=100, %d notes of 10,000 \"<\", container --memory %dm, held %v\n", *clients, *notes, *memMiB, *hold)
	fmt.Printf("page size when read: %.2f MiB\n", float64(len(page))/(1<<20))
	fmt.Printf("peak resident memory of the service (VmHWM): %.1f MiB\n", float64(hwm)/(1<<20))
	fmt.Printf("container memory cgroup peak (%s): %.1f MiB; TCP buffer peak: %s\n", filepath.Base(peakFile), float64(peakB)/(1<<20), sockPeak)
	fmt.Printf("container OOM-killed, running: %s\n", strings.TrimSpace(string(oomOut)))
	fmt.Printf("one more page asked for while they hold theirs: %s\n", status)
	return nil
}

func vmHWM(pid string) int64 {
	b, _ := os.ReadFile("/proc/" + pid + "/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// freshDatabase creates a database with the notes table filled, and
// returns its URL and the function that drops it.
func freshDatabase(ctx context.Context, notes int) (string, func(), error) {
	admin := os.Getenv(testenv.DatabaseURLVar)
	if admin == "" {
		admin = testenv.DefaultDatabaseURL
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", nil, err
	}
	defer conn.Close(ctx)
	b := make([]byte, 4)
	rand.Read(b)
	name := "berth_slowreaders_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, err
	}
	drop := func() {
		c, err := pgx.Connect(context.Background(), admin)
		if err == nil {
			c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	}
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	db, err := pgx.Connect(ctx, u.String())
	if err != nil {
		drop()
		return "", nil, err
	}
	defer db.Close(ctx)
	// The schema the service creates; it migrates idempotently on top.
	if _, err := db.Exec(ctx, `CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL, body text NOT NULL DEFAULT '', created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO notes (title, body) SELECT 'note ' || i, repeat('<', 10000) FROM generate_series(1, `+strconv.Itoa(notes)+`) i`); err != nil {
		drop()
		return "", nil, err
	}
	return u.String(), drop, nil
}
