package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/containerbuild"
)

// rebuildEdits is how many one-line changes the rebuild figures take, and
// coldRounds how many cold builds of each kind, taken in turn so that the
// load other processes put on the machine shifts both alike.
const (
	rebuildEdits = 7
	coldRounds   = 3
)

// median returns the middle value of xs (the upper one of an even count).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// buildFigures measures, in one run, the image build against the host build
// of the same source (issue 10 item 5):
//
//   - coldRounds times, in turn: the floor, a cold host build of the app
//     (empty GOMODCACHE and GOCACHE, so it downloads what the app imports
//     and compiles everything), with the same flags and module source as
//     the image build; and the cold image build through the daemon's
//     BuildKit (no layer cache, no cache mounts); their ratio;
//   - after each of rebuildEdits one-line changes of app/main.go: the image
//     rebuild and the host's warm go build, and their ratio;
//   - for reference, a cold build with the classic builder.
//
// Both build a copy of the build context (go.mod, go.sum, .dockerignore,
// app/) in a temporary directory, so the checkout is never edited.
func buildFigures(ctx context.Context, work string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	if err := containerbuild.EngineErr(); err != nil {
		return err
	}
	if err := containerbuild.BuilderErr(); err != nil {
		return err
	}
	src := filepath.Join(work, "context")
	for _, p := range []string{"go.mod", "go.sum", ".dockerignore", "app"} {
		if err := copyTree(filepath.Join(root, p), filepath.Join(src, p)); err != nil {
			return fmt.Errorf("copying the build context: %w", err)
		}
	}
	goproxy, stop, err := containerbuild.ModuleProxy(ctx)
	if err != nil {
		return err
	}
	defer stop()

	const tag = "berth-app:bench-build"
	var coldRatios []float64
	for i := 1; i <= coldRounds; i++ {
		cold := filepath.Join(work, fmt.Sprintf("cold-%d", i))
		floor, err := timed(func() error {
			return hostBuild(ctx, src, filepath.Join(work, "app-floor"), goproxy,
				"GOMODCACHE="+filepath.Join(cold, "mod"), "GOCACHE="+filepath.Join(cold, "cache"))
		})
		if err != nil {
			return err
		}
		zips, bytes := downloads(filepath.Join(cold, "mod", "cache", "download"))
		// The module cache is read-only; make it removable.
		_ = exec.Command("chmod", "-R", "u+w", cold).Run()
		_ = os.RemoveAll(cold)
		image, err := timed(func() error {
			return containerbuild.Build(ctx, src, tag, containerbuild.Options{GOPROXY: goproxy, Cold: true})
		})
		if err != nil {
			return err
		}
		coldRatios = append(coldRatios, float64(image)/float64(floor))
		fmt.Printf("cold build %d: host floor (empty GOMODCACHE and GOCACHE; %d module zips, %.1f MiB downloaded) %s, image (daemon BuildKit, no layer cache, cache mounts emptied) %s, ratio %.2f (target <= 1.1)\n",
			i, zips, mib(bytes), secs(floor), secs(image), coldRatios[len(coldRatios)-1])
	}
	fmt.Printf("cold build ratio, median of %d: %.2f (target <= 1.1)\n", len(coldRatios), median(coldRatios))

	// The host's warm build starts from the unchanged source.
	if err := hostBuild(ctx, src, filepath.Join(work, "app-warm"), goproxy); err != nil {
		return err
	}
	var ratios []float64
	for i := 1; i <= rebuildEdits; i++ {
		if err := editMain(src, i); err != nil {
			return err
		}
		image, err := timed(func() error { return containerbuild.Build(ctx, src, tag, containerbuild.Options{GOPROXY: goproxy}) })
		if err != nil {
			return err
		}
		host, err := timed(func() error { return hostBuild(ctx, src, filepath.Join(work, "app-warm"), goproxy) })
		if err != nil {
			return err
		}
		ratios = append(ratios, float64(image)/float64(host))
		fmt.Printf("rebuild after one-line change %d: image (BuildKit, cache mounts) %s, warm host go build %s, ratio %.2f (target <= 2)\n",
			i, secs(image), secs(host), ratios[len(ratios)-1])
	}
	fmt.Printf("rebuild ratio, median of %d: %.2f (target <= 2)\n", len(ratios), median(ratios))

	classic, err := timed(func() error {
		return containerbuild.BuildClassic(ctx, src, tag+"-classic", containerbuild.Options{GOPROXY: goproxy})
	})
	if err != nil {
		return err
	}
	fmt.Printf("for reference, image build with the classic builder (no cache mounts; base image and go.mod layers cached): %s\n", secs(classic))
	return nil
}

// hostBuild builds dir's ./app as the Dockerfile does, with env added.
func hostBuild(ctx context.Context, dir, out, goproxy string, env ...string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "./app")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"CGO_ENABLED=0", "GOFLAGS=-buildvcs=false", "GOWORK=off", "GOPROXY=" + goproxy}, env...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build in %s: %v\n%s", dir, err, b)
	}
	return nil
}

// editMain makes the i-th one-line change of app/main.go: a package-level
// declaration, replacing the previous edit's.
func editMain(src string, i int) error {
	p := filepath.Join(src, "app", "main.go")
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if i > 1 {
		lines = lines[:len(lines)-1] // replace the previous edit
	}
	lines = append(lines, fmt.Sprintf("var benchEdit = %d", i))
	return os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

func timed(f func() error) (time.Duration, error) {
	t0 := time.Now()
	err := f()
	return time.Since(t0), err
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

// downloads counts the module zips and bytes under a module download cache.
func downloads(dir string) (zips int, bytes int64) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			bytes += info.Size()
		}
		if strings.HasSuffix(p, ".zip") {
			zips++
		}
		return nil
	})
	return zips, bytes
}

// copyTree copies a file or a directory tree.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
}
