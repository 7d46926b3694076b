// Command broken is a program that does not compile.
package main

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

func main() {
	var port int = "8080"
	pulumi.Run(func(ctx *pulumi.Context) error { return nil })
}
