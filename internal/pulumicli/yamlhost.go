package pulumicli

import (
	"os"
)

// YAMLHostVar names the environment variable that may point at another
// pulumi-language-yaml binary. Default: the binary FindYAMLHost returns.
const YAMLHostVar = "BERTH_PULUMI_LANGUAGE_YAML"

// YAMLHostVersion is the pulumi-yaml release whose language host
// scripts/setup.sh installs (its yaml_version; a test keeps the two
// equal). The CLI runs a `runtime: yaml` program through this host, found
// on PATH as pulumi-language-yaml.
const YAMLHostVersion = "v1.25.0"

// FindYAMLHost returns $BERTH_PULUMI_LANGUAGE_YAML when set, else the
// pulumi-language-yaml that scripts/setup.sh installs into
// $BERTH_TOOLS_CACHE (default: berth/ in the user's cache directory) as
// pulumi-language-yaml-VERSION/bin/pulumi-language-yaml. The caller puts
// its directory first on the CLI's PATH, where the CLI looks for language
// hosts. A pulumi-language-yaml already on PATH is not used: it may be
// another version.
func FindYAMLHost() (string, error) {
	if p := os.Getenv(YAMLHostVar); p != "" {
		return p, nil
	}
	return cachedTool(YAMLHostVar, "pulumi-language-yaml-"+YAMLHostVersion, "pulumi-language-yaml", "pulumi-language-yaml", "installs it")
}
