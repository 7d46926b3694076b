// Command pulumi-resource-docker is berth's fake-cloud docker provider plugin for
// the engine test tier: the Pulumi CLI finds it on PATH. It keeps the fake
// cloud in $BERTH_FAKECLOUD_DIR; see internal/fakecloud/provider.
package main

import (
	"fmt"
	"os"

	"github.com/berth-dev/berth/internal/fakecloud/provider"
)

func main() {
	if err := provider.Main("docker"); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-docker (fake cloud): %v\n", err)
		os.Exit(1)
	}
}
