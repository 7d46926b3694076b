// Package containerbuild builds app/Dockerfile on the local Docker engine the
// way berth's container test and benchmark need it: offline, with the local Go
// builder image and modules served from this machine's module cache.
//
// [Build] builds the Dockerfile's default stage through the daemon's own
// BuildKit, as the Pulumi docker provider does (pulumi-docker v4.11.2,
// provider/image.go: marshalBuilder defaults to builder version "2", and
// the build sends the context as a tar to the daemon): a POST of the build
// context to the Engine API's /build with version=2
// (https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Image/operation/ImageBuild),
// which needs no buildx. [BuildClassic] builds the Dockerfile's classic
// stage with the docker CLI's classic builder, the only builder the CLI has
// here without buildx.
package containerbuild

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// DefaultBuilderImage is the Go builder image scripts/setup.sh creates from the
// machine's own toolchain, because no image can be pulled here.
const DefaultBuilderImage = "berth-local/golang"

// Dockerfile is the service's Dockerfile, relative to the build context.
const Dockerfile = "app/Dockerfile"

// ClassicTarget is the Dockerfile stage the classic builder builds.
const ClassicTarget = "classic"

// BuilderImage returns $BERTH_GO_IMAGE, or DefaultBuilderImage when unset.
func BuilderImage() string {
	if v := os.Getenv("BERTH_GO_IMAGE"); v != "" {
		return v
	}
	return DefaultBuilderImage
}

// EngineErr returns nil when a Docker engine answers, else why not.
func EngineErr() error {
	out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput()
	if err != nil {
		return fmt.Errorf("docker info: %v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// BuilderErr returns nil when the builder image exists, else why not.
func BuilderErr() error {
	if out, err := exec.Command("docker", "image", "inspect", BuilderImage()).CombinedOutput(); err != nil {
		return fmt.Errorf("builder image %s missing (scripts/setup.sh builds it): %s", BuilderImage(), bytes.TrimSpace(out))
	}
	return nil
}

// Options adjust a build. The zero value is the ordinary build.
type Options struct {
	// GOPROXY is the module source the build is given. Default: a
	// [ModuleProxy] started for the build and stopped after it.
	GOPROXY string
	// Cold reuses nothing: it removes the BuildKit cache mounts first (only
	// app/Dockerfile declares any on this machine) and builds without the
	// layer cache, so that every module is fetched and every package
	// compiled again; base images stay. BuildKit only. Default: false.
	Cold bool
}

// Build builds root/app/Dockerfile's default stage through the daemon's
// BuildKit with root as context and tags it tag. The build runs with host
// networking, its modules coming from o.GOPROXY. Layers and cache mounts
// from earlier builds are reused unless o.Cold.
func Build(ctx context.Context, root, tag string, o Options) error {
	goproxy, stop, err := proxyFor(ctx, o)
	if err != nil {
		return err
	}
	defer stop()
	if o.Cold {
		if out, err := exec.CommandContext(ctx, "docker", "builder", "prune", "-f", "--filter", "type=exec.cachemount").CombinedOutput(); err != nil {
			return fmt.Errorf("removing BuildKit cache mounts: %v: %s", err, out)
		}
	}
	return buildKit(ctx, root, tag, goproxy, o.Cold)
}

// BuildClassic builds the Dockerfile's classic stage with the docker CLI's
// classic builder, with root as context, and tags it tag. o.Cold is not
// supported.
func BuildClassic(ctx context.Context, root, tag string, o Options) error {
	goproxy, stop, err := proxyFor(ctx, o)
	if err != nil {
		return err
	}
	defer stop()
	cmd := exec.CommandContext(ctx, "docker", "build", "-q", "--network", "host",
		"-f", filepath.Join(root, Dockerfile), "--target", ClassicTarget,
		"--build-arg", "GO_IMAGE="+BuilderImage(),
		"--build-arg", "GOPROXY="+goproxy,
		"-t", tag, root)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building %s with the classic builder: %v\n%s", tag, err, out.String())
	}
	return nil
}

// proxyFor returns o.GOPROXY, or starts a ModuleProxy.
func proxyFor(ctx context.Context, o Options) (string, func(), error) {
	if o.GOPROXY != "" {
		return o.GOPROXY, func() {}, nil
	}
	return ModuleProxy(ctx)
}

func buildKit(ctx context.Context, root, tag, goproxy string, noCache bool) error {
	var body bytes.Buffer
	if err := tarContext(&body, root); err != nil {
		return fmt.Errorf("packing the build context %s: %w", root, err)
	}
	args, _ := json.Marshal(map[string]string{"GO_IMAGE": BuilderImage(), "GOPROXY": goproxy})
	q := url.Values{
		"version":     {"2"}, // BuildKit
		"dockerfile":  {Dockerfile},
		"t":           {tag},
		"networkmode": {"host"},
		"buildargs":   {string(args)},
		"rm":          {"1"},
	}
	if noCache {
		q.Set("nocache", "1")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://docker/build?"+q.Encode(), &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-tar")
	resp, err := engineClient().Do(req)
	if err != nil {
		return fmt.Errorf("building %s with BuildKit: %w", tag, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return fmt.Errorf("building %s with BuildKit: %s: %s", tag, resp.Status, bytes.TrimSpace(b))
	}
	// The answer is a stream of JSON messages; a failed step ends it with
	// an "error" one. BuildKit's progress comes as encoded "aux" messages,
	// skipped here.
	dec := json.NewDecoder(bufio.NewReader(resp.Body))
	var streamed strings.Builder
	built := false
	for {
		var m struct {
			Stream string          `json:"stream"`
			Error  string          `json:"error"`
			ID     string          `json:"id"`
			Aux    json.RawMessage `json:"aux"`
		}
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return fmt.Errorf("building %s with BuildKit: reading the answer: %w", tag, err)
		}
		if m.Error != "" {
			return fmt.Errorf("building %s with BuildKit: %s\n%s", tag, m.Error, streamed.String())
		}
		streamed.WriteString(m.Stream)
		built = built || m.ID == "moby.image.id"
	}
	if !built {
		return fmt.Errorf("building %s with BuildKit: the engine reported no image\n%s", tag, streamed.String())
	}
	return nil
}

// engineClient talks to the Docker engine on its Unix socket
// ($DOCKER_HOST when it is unix://, else /var/run/docker.sock).
func engineClient() *http.Client {
	sock := "/var/run/docker.sock"
	if h, ok := strings.CutPrefix(os.Getenv("DOCKER_HOST"), "unix://"); ok {
		sock = h
	}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		},
	}}
}

// tarContext writes root as a build context: the files .dockerignore keeps,
// plus the Dockerfile and .dockerignore themselves, which the docker CLI
// always sends too.
func tarContext(w io.Writer, root string) error {
	var patterns []string
	if f, err := os.Open(filepath.Join(root, ".dockerignore")); err == nil {
		patterns, err = ignorefile.ReadAll(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("reading .dockerignore: %w", err)
		}
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return fmt.Errorf("reading .dockerignore: %w", err)
	}
	tw := tar.NewWriter(w)
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		excluded, err := pm.MatchesOrParentMatches(rel)
		if err != nil {
			return err
		}
		if rel == Dockerfile || rel == ".dockerignore" {
			excluded = false
		}
		if excluded {
			if d.IsDir() && !mayReinclude(pm, rel) {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(path); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name = rel
		if d.IsDir() {
			hdr.Name += "/"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// mayReinclude reports whether an exclusion pattern ("!app/") could bring
// back something under the excluded directory dir, so that it must be
// walked.
func mayReinclude(pm *patternmatcher.PatternMatcher, dir string) bool {
	for _, p := range pm.Patterns() {
		if !p.Exclusion() {
			continue
		}
		s := p.String()
		if strings.ContainsAny(s, "*?[\\") || strings.HasPrefix(s, dir+"/") {
			return true
		}
	}
	return false
}

// ModuleProxy serves the local module cache over loopback HTTP and returns
// the GOPROXY value that Build and BuildClassic give the build by default:
// that server, then this machine's GOPROXY for what the cache lacks, so
// that only what the cache lacks is downloaded. A build on the host
// measured against an image build should use it too. Call stop when done.
func ModuleProxy(ctx context.Context) (goproxy string, stop func(), err error) {
	goproxy, err = goEnv(ctx, "GOPROXY")
	if err != nil {
		return "", nil, err
	}
	modcache, err := goEnv(ctx, "GOMODCACHE")
	if err != nil {
		return "", nil, err
	}
	cache := filepath.Join(modcache, "cache", "download")
	if !isDir(cache) {
		return goproxy, func() {}, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("starting module cache proxy: %w", err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(cache))}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String() + "," + goproxy, func() { srv.Close() }, nil
}

func goEnv(ctx context.Context, key string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", key).Output()
	if err != nil {
		return "", fmt.Errorf("reading go env %s: %w", key, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
