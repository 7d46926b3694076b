// Command bench measures the sample service against the targets of its issue
// and prints the figures that docs/performance.md records:
//
//   - cold start: exec to the first 200 on /healthz, median of -runs starts,
//     beside a minimal net/http server built by this program, and their ratio;
//   - the image size of app/Dockerfile and the idle resident memory;
//   - requests per second and p50/p99 latency at -conns connections (wrk) on
//     / and on the API read path, with PostgreSQL;
//   - failed requests across a SIGTERM under load;
//   - peak resident memory (VmHWM) under 80 and 100 concurrent clients each
//     POSTing 1 MiB notes, against the smallest memory berth deploys with;
//   - with -build-only, the image build against the host build of the app
//     (cold, and rebuilds after a one-line change).
//
// Run it from the repository root after scripts/setup.sh:
//
//	go run ./bench
//
// It is not a test: it asserts nothing and exits non-zero only when a
// measurement cannot be taken.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	runs     int
	conns    int
	duration time.Duration
	dbURL    string
	docker   bool
	cold     bool
	memory   bool
	build    bool
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var o options
	fs.IntVar(&o.runs, "runs", 51, "cold starts per server, taken in turn (optional)")
	fs.IntVar(&o.conns, "conns", 80, "concurrent connections for the load figures (optional)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each load run (optional)")
	fs.StringVar(&o.dbURL, "database-url", envOr("BERTH_TEST_DATABASE_URL", "postgres://berth:berth@127.0.0.1:5432/berth?sslmode=disable"), "PostgreSQL for the API figures (optional)")
	fs.BoolVar(&o.docker, "docker", true, "build the image to measure its size (optional)")
	fs.BoolVar(&o.cold, "cold-start-only", false, "measure only the cold start (optional)")
	fs.BoolVar(&o.memory, "memory-only", false, "measure only the peak memory under 1 MiB POSTs (optional)")
	fs.BoolVar(&o.build, "build-only", false, "measure only the image build against the host build (optional)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	work, err := os.MkdirTemp("", "berth-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	fmt.Printf("machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	if o.build {
		return buildFigures(ctx, work)
	}
	appBin := filepath.Join(work, "app")
	if err := goBuild(ctx, appBin, "./app"); err != nil {
		return err
	}
	if fi, err := os.Stat(appBin); err == nil {
		fmt.Printf("binary size: %.2f MiB\n", mib(fi.Size()))
	}
	if o.memory {
		return bodyMemoryFigures(ctx, appBin, o)
	}
	minBin, err := buildMinimal(ctx, work)
	if err != nil {
		return err
	}

	medians, err := coldStarts(ctx, o.runs, appBin, minBin)
	if err != nil {
		return err
	}
	app, floor := medians[0], medians[1]
	fmt.Printf("cold start (exec to first 200 on /healthz, median of %d, interleaved): app %s, minimal net/http %s, ratio %.2f (target <= 1.5)\n",
		o.runs, ms(app), ms(floor), float64(app)/float64(floor))
	if o.cold {
		return nil
	}

	if o.docker {
		size, err := imageSize(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("image size: %.2f MiB (target <= 12)\n", mib(size))
	}

	for _, db := range []string{"", o.dbURL} {
		rss, err := idleRSS(ctx, appBin, db)
		if err != nil {
			return fmt.Errorf("idle memory: %w", err)
		}
		with := "without DATABASE_URL"
		if db != "" {
			with = "with PostgreSQL pool connected"
		}
		fmt.Printf("idle resident memory (%s): %.1f MiB (target <= 20)\n", with, mib(rss))
	}

	if err := loadFigures(ctx, appBin, o); err != nil {
		return err
	}
	sent, failed, err := sigtermUnderLoad(ctx, appBin, o.dbURL)
	if err != nil {
		return err
	}
	fmt.Printf("SIGTERM under load (DRAIN_DELAY=2s, 40 clients): %d requests, %d failed (target 0)\n", sent, failed)
	return bodyMemoryFigures(ctx, appBin, o)
}

// smallestInstanceMiB is the least memory berth's components accept for an
// instance: 128Mi on Cloud Run gen1 (components/cloudrun/limits.go,
// minMemoryGen1MiB; Fargate's least is 512 MiB). The body-memory peak must
// stay under it.
const smallestInstanceMiB = 128

func bodyMemoryFigures(ctx context.Context, appBin string, o options) error {
	for _, clients := range []int{80, 100} {
		r, err := bodyMemory(ctx, appBin, o.dbURL, clients)
		if err != nil {
			return fmt.Errorf("body memory: %w", err)
		}
		fmt.Printf("body memory, process on the host (%s) (target < %d MiB)\n", r, smallestInstanceMiB)
	}
	if !o.docker {
		return nil
	}
	if _, err := imageSize(ctx); err != nil {
		return err
	}
	for _, clients := range []int{80, 100} {
		r, err := bodyMemoryInContainer(ctx, benchImage, o.dbURL, smallestInstanceMiB, clients)
		if err != nil {
			return fmt.Errorf("body memory in a container: %w", err)
		}
		fmt.Printf("body memory, container --memory %dm (%s) (target < %d MiB, not OOM-killed)\n", smallestInstanceMiB, r, smallestInstanceMiB)
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
