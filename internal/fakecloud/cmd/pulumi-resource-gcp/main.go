// Command pulumi-resource-gcp is berth's fake-cloud gcp provider plugin for
// the engine test tier: the Pulumi CLI finds it on PATH. It keeps the fake
// cloud in $BERTH_FAKECLOUD_DIR; see internal/fakecloud/provider.
package main

import (
	"fmt"
	"os"

	"github.com/berth-dev/berth/internal/fakecloud/provider"
)

func main() {
	if err := provider.Main("gcp"); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-gcp (fake cloud): %v\n", err)
		os.Exit(1)
	}
}
