//go:build tools

// Package tools pins the Pulumi CLI that the engine test tier runs
// (internal/enginetest): github.com/pulumi/pulumi/pkg/v3 and sdk/v3 at
// v3.274.1, the versions of the repository's go.mod. The CLI is not
// released on the module proxy as a binary, so scripts/setup.sh builds it
// from this module:
//
//	go build -p 1 -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v3.274.1" \
//		-o BIN/pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
//
// Without the ldflag `pulumi version` prints nothing. The replace of
// github.com/atotto/clipboard in go.mod is the one pkg/v3's own go.mod
// carries, which a dependent module must repeat.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
