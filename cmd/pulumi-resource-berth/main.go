// Command pulumi-resource-berth is the Pulumi plugin that serves berth's
// components to TypeScript, Python, C#, Java and YAML programs. The Pulumi
// engine starts it; `pulumi package add` builds it from source (see
// PulumiPlugin.yaml beside this file) and generates an SDK from its schema.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/berth-dev/berth/internal/provider"
)

func main() {
	prov, err := provider.New()
	if err == nil {
		err = prov.Run(context.Background(), provider.Name, provider.Version)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-berth: %v\n", err)
		os.Exit(1)
	}
}
