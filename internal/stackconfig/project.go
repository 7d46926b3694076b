package stackconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// program returns where a project's Go program is: the directory `main`
// names under root (root itself without one), as the Pulumi CLI resolves
// it, and the prebuilt binary of `runtime.options.binary`, if any. Only the
// go runtime is supported: berth plan builds and runs Go programs.
func program(root string, proj *workspace.Project) (dir, binary string, err error) {
	name := string(proj.Name)
	if rt := proj.Runtime.Name(); rt != "go" {
		return "", "", fmt.Errorf("project %q: runtime %q is not supported: berth plan runs Go programs (runtime: go in Pulumi.yaml)", name, rt)
	}
	dir = root
	if proj.Main != "" {
		dir = filepath.Join(root, proj.Main)
	}
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return "", "", fmt.Errorf("project %q: main %q in Pulumi.yaml is not a directory under %s; a Go program's main names the directory of its main package", name, proj.Main, root)
	}
	opts := proj.Runtime.Options()
	if b, ok := opts["binary"]; ok {
		s, ok := b.(string)
		if !ok || s == "" {
			return "", "", fmt.Errorf("project %q: runtime.options.binary in Pulumi.yaml must be a path", name)
		}
		binary = s
		if !filepath.IsAbs(binary) {
			binary = filepath.Join(root, binary)
		}
	}
	return dir, binary, nil
}

// undeclared returns a problem for every top-level key in the project's
// own namespace that Pulumi.yaml's `config:` does not declare, when it
// declares any: a typo such as `berth:servce` would otherwise be read by
// nobody and its settings silently dropped. Each names the nearest
// declared key. This is stricter than the Pulumi CLI, whose config merge
// (pkg/v3@v3.274.1/workspace/config.go, mergeConfig) type-checks declared
// keys and accepts undeclared ones; a project that declares none has no
// schema to hold its keys to, so its stacks plan as they preview.
func undeclared(project string, m config.Map, schema map[config.Key]workspace.ProjectConfigType) []string {
	var declared []string
	for k := range schema {
		if k.Namespace() == project {
			declared = append(declared, k.String())
		}
	}
	if len(declared) == 0 {
		return nil
	}
	sort.Strings(declared)
	var problems []string
	for k := range m {
		if k.Namespace() != project {
			continue
		}
		if _, ok := schema[k]; ok {
			continue
		}
		problems = append(problems, fmt.Sprintf("%s: not declared in Pulumi.yaml's config (did you mean %s? declared: %s)", k, nearest(k.String(), declared), strings.Join(declared, ", ")))
	}
	return problems
}

// engineProviderKeys are the settings of every provider that the engine
// reads itself, which no SDK's config package has a getter for (pkg/v3
// v3.274.1 resource/deploy/providers/registry.go:51,59: pluginDownloadURL
// and version).
var engineProviderKeys = []string{"version", "pluginDownloadURL"}

// unknownProviderKeys lists the settings of the aws, gcp and docker
// providers that the provider does not take (a typo such as aws:regoin,
// which the provider would ignore), each with the nearest key it takes.
// Keys of other packages are not known here and pass.
func unknownProviderKeys(m config.Map) []string {
	var problems []string
	for k := range m {
		keys, known := providerKeys[k.Namespace()]
		if !known || slices.Contains(keys, k.String()) || slices.Contains(engineProviderKeys, k.Name()) {
			continue
		}
		problems = append(problems, fmt.Sprintf("%s: not a setting of the %s provider (did you mean %s? its settings are its SDK's config package's keys)", k, k.Namespace(), nearest(k.String(), keys)))
	}
	return problems
}

// nearest returns the candidate closest to s by edit distance, the first
// in order among equals.
func nearest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		if d := levenshtein.Distance(s, c, nil); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
