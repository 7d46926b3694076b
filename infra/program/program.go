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

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/internal/validate"
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
	build, err := findBuildContext()
	if err != nil {
		return nil, err
	}
	switch cfg.Cloud {
	case "gcp":
		return deployGCP(ctx, cfg, build, &p)
	case "aws":
		p.Addf("cloud", "\"aws\" is not supported yet by this program (allowed: \"gcp\")")
	}
	return nil, p.Err(validate.StackConfig, ctx.Stack())
}

// buildContext is where the app's image is built from.
type buildContext struct {
	// dir is the repository root, the Docker build context.
	dir string
	// dockerfile is app/Dockerfile under dir.
	dockerfile string
}

// findBuildContext finds the project root (the directory holding
// Pulumi.yaml) from the working directory, which is infra/ under `pulumi up`
// and the root or below it under `berth plan`.
func findBuildContext() (buildContext, error) {
	wd, err := os.Getwd()
	if err != nil {
		return buildContext{}, fmt.Errorf("finding the project root: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err == nil {
			return buildContext{dir: dir, dockerfile: filepath.Join(dir, "app", "Dockerfile")}, nil
		}
		if filepath.Dir(dir) == dir {
			return buildContext{}, fmt.Errorf("finding the project root: no Pulumi.yaml in %s or above", wd)
		}
	}
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
