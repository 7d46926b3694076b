// Package program is berth's Pulumi program: it reads the stack
// configuration into typed values, builds the image of app/ and deploys it
// with the cloudrun or fargate component, and returns the stack outputs.
//
// infra/main.go runs it under the Pulumi engine (`pulumi up`); cmd/berth runs
// the same Deploy function under a mock monitor (`berth plan`), so that what
// a pull request previews offline is what a deployment would register.
package program

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/validate"
)

// Run is the program `pulumi up` runs: Deploy, then export every output.
func Run(ctx *pulumi.Context) error {
	outputs, err := Deploy(ctx)
	if err != nil {
		return err
	}
	for name, out := range outputs {
		ctx.Export(name, out)
	}
	return nil
}

// Deploy reads the stack configuration, registers every resource and returns
// the stack outputs by name: url, image (the digest reference) and the
// service's identity. On invalid configuration it returns a *validate.Error
// listing every problem by config path, and registers nothing.
func Deploy(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
	var p validate.Problems
	cfg := LoadConfig(ctx, &p)
	build, err := findBuildContext(ctx)
	if err != nil {
		return nil, err
	}
	switch cfg.Cloud {
	case "gcp":
		return deployGCP(ctx, cfg, build, &p)
	case "aws":
		return deployAWS(ctx, cfg, build, &p)
	}
	return nil, p.Err(validate.StackConfig, ctx.Stack())
}

// buildContext is where the app's image is built from, relative to the
// working directory, which the program and the Docker provider share.
// Relative paths keep plans of two checkouts in different folders equal.
type buildContext struct {
	// dir is the project root, the Docker build context.
	dir string
	// dockerfile is app/Dockerfile under dir.
	dockerfile string
}

// findBuildContext locates the project root (the directory holding
// Pulumi.yaml) relative to the working directory: ".." from infra/ under
// `pulumi up`, "." from the root under `berth plan`.
//
// The root is ctx.RootDirectory when the engine gives one (the Go language
// host and `berth plan` do). An Automation API inline program gets none (the
// SDK's inline runtime builds its RunInfo without it), so the root is then
// found as the CLI finds the project: the first directory holding
// Pulumi.yaml, walking up from the working directory
// (workspace.DetectProjectPathFrom). Run from infra/, as the CLI runs the
// program, that is the same root and the same relative paths, so the image
// tag, which hashes the paths as given, is the same as under `pulumi up`.
func findBuildContext(ctx *pulumi.Context) (buildContext, error) {
	wd, err := os.Getwd()
	if err != nil {
		return buildContext{}, fmt.Errorf("finding the project root: %w", err)
	}
	root := ctx.RootDirectory()
	if root == "" {
		project, err := workspace.DetectProjectPathFrom(wd)
		if err != nil {
			return buildContext{}, fmt.Errorf("finding the project root: the engine gave no root directory and %w", err)
		}
		root = filepath.Dir(project)
	}
	rel, err := filepath.Rel(wd, root)
	if err != nil {
		return buildContext{}, fmt.Errorf("finding the project root from %s: %w", wd, err)
	}
	return buildContext{dir: rel, dockerfile: filepath.Join(rel, "app", "Dockerfile")}, nil
}

// secretKey names a secret by where its value goes: the environment
// variable or the file's base name, lowercased, with hyphens.
func secretKey(s Secret) string {
	key := s.Env
	if key == "" {
		key = filepath.Base(s.Path)
	}
	var b strings.Builder
	for _, r := range strings.ToLower(key) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}
