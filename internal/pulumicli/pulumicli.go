// Package pulumicli finds the Pulumi CLI that berth's engine-level tests
// run: the one scripts/setup.sh builds from tools/pulumi, at the version
// tools/pulumi/go.mod pins, so that every test runs the same engine.
package pulumicli

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Var names the environment variable that may point at another Pulumi
// CLI binary. Default: the binary Find returns.
const Var = "BERTH_PULUMI_CLI"

// Find returns $BERTH_PULUMI_CLI when set, else the CLI scripts/setup.sh
// builds into $BERTH_TOOLS_CACHE (default: berth/ in the user's cache
// directory, ~/.cache/berth on Linux) as pulumi-VERSION/bin/pulumi. A
// pulumi on PATH is not used: it may be another version. root is the
// repository checkout.
func Find(root string) (string, error) {
	if p := os.Getenv(Var); p != "" {
		return p, nil
	}
	version, err := Version(root)
	if err != nil {
		return "", err
	}
	return cachedTool(Var, "pulumi-"+version, "pulumi", "Pulumi CLI", "builds it from tools/pulumi")
}

// cachedTool returns the binary bin that scripts/setup.sh installs into
// $BERTH_TOOLS_CACHE (default: berth/ in the user's cache directory) as
// dir/bin/bin, or an error naming the path, what setup does (how) and the
// variable envVar that may point at another binary.
func cachedTool(envVar, dir, bin, what, how string) (string, error) {
	cache := os.Getenv("BERTH_TOOLS_CACHE")
	if cache == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		cache = filepath.Join(base, "berth")
	}
	p := filepath.Join(cache, dir, "bin", bin)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("no %s at %s: run scripts/setup.sh, which %s, or set %s", what, p, how, envVar)
	}
	return p, nil
}

// Version returns the CLI version tools/pulumi/go.mod pins, such as
// v3.274.1.
func Version(root string) (string, error) {
	f, err := os.Open(filepath.Join(root, "tools", "pulumi", "go.mod"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 3 && fields[0] == "require" && fields[1] == "github.com/pulumi/pulumi/pkg/v3" {
			return fields[2], nil
		}
	}
	return "", fmt.Errorf("tools/pulumi/go.mod requires no github.com/pulumi/pulumi/pkg/v3")
}
