// Package containerbuild builds app/Dockerfile on the local Docker engine the
// way berth's container test and benchmark need it: offline, with the local Go
// builder image and modules served from this machine's module cache.
package containerbuild

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// DefaultBuilderImage is the Go builder image scripts/setup.sh creates from the
// machine's own toolchain, because no image can be pulled here.
const DefaultBuilderImage = "berth-local/golang"

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

// Build builds root/app/Dockerfile with root as context and tags it tag. The
// build runs with host networking; its GOPROXY is a loopback server over the
// local module cache, falling back to this machine's GOPROXY, so that only
// what the cache lacks is downloaded.
func Build(ctx context.Context, root, tag string) error {
	goproxy, err := goEnv(ctx, "GOPROXY")
	if err != nil {
		return err
	}
	modcache, err := goEnv(ctx, "GOMODCACHE")
	if err != nil {
		return err
	}
	if cache := filepath.Join(modcache, "cache", "download"); isDir(cache) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("starting module cache proxy: %w", err)
		}
		srv := &http.Server{Handler: http.FileServer(http.Dir(cache))}
		go func() { _ = srv.Serve(l) }()
		defer srv.Close()
		goproxy = "http://" + l.Addr().String() + "," + goproxy
	}
	cmd := exec.CommandContext(ctx, "docker", "build", "-q", "--network", "host",
		"-f", filepath.Join(root, "app", "Dockerfile"),
		"--build-arg", "GO_IMAGE="+BuilderImage(),
		"--build-arg", "GOPROXY="+goproxy,
		"-t", tag, root)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building %s: %v\n%s", tag, err, out.String())
	}
	return nil
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
