// Command infra is the Pulumi program of this repository (Pulumi.yaml's
// main). It runs program.Run; see infra/program for what it deploys.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/infra/program"
)

func main() {
	pulumi.Run(program.Run)
}
