#!/usr/bin/env bash
# Prints the figures of docs/performance.md's provider section:
#
#  1. What berth's Go packages cost a Go program that uses them: packages,
#     modules and a cold build (empty GOCACHE, modules already downloaded)
#     of a small program calling berth.NewService, as the packages are
#     (without pulumi-go-provider) and as they would be if they imported
#     pulumi-go-provider's infer package for its annotations and enums
#     (the same program plus that import).
#  2. The plugin pulumi-resource-berth: a cold build and a rebuild after a
#     one-line change.
#
# Usage: bash scripts/bench-provider.sh   (from anywhere; several minutes)
# Builds run with -p 1, as the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d ./_bench-provider.XXXXXX)
trap 'rm -rf "$work"' EXIT

program() {
	mkdir -p "$work/$1"
	cat >"$work/$1/main.go" <<EOF
// Command $1 uses berth's cloud-neutral component, as an adopting Go stack does.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/spec"
	$2
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		_, err := berth.NewService(ctx, "api", &berth.ServiceArgs{
			Cloud:   berth.GCP,
			Service: &spec.Service{Memory: "1Gi"},
			Image:   pulumi.String("europe-west1-docker.pkg.dev/p/r/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
			GCP:     &cloudrun.GCP{Region: "europe-west1"},
		})
		return err
	})
}
EOF
}

# seconds runs "$@" and prints its wall time in seconds.
seconds() {
	local start end
	start=$(date +%s%N)
	"$@" >/dev/null
	end=$(date +%s%N)
	printf '%d.%01d' $(((end - start) / 1000000000)) $(((end - start) / 100000000 % 10))
}

program without ""
program with '_ "github.com/pulumi/pulumi-go-provider/infer"'

printf '%-40s %9s %9s %8s %10s %10s\n' program packages non-std modules "cold s" "binary B"
for v in without with; do
	pkg=./$work/$v
	all=$(go list -deps "$pkg" | wc -l)
	nonstd=$(go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' "$pkg" | grep -c .)
	modules=$(go list -deps -f '{{with .Module}}{{.Path}}{{end}}' "$pkg" | sort -u | grep -c .)
	cache=$(mktemp -d)
	cold=$(GOCACHE=$cache seconds go build -p 1 -o "$work/$v.bin" "$pkg")
	rm -rf "$cache"
	size=$(stat -c %s "$work/$v.bin")
	printf '%-40s %9s %9s %8s %10.1f %10s\n' "berth.NewService, $v infer" "$all" "$nonstd" "$modules" "$cold" "$size"
done

cache=$(mktemp -d)
cold=$(GOCACHE=$cache seconds go build -p 1 -o "$work/plugin" ./cmd/pulumi-resource-berth)
printf 'pulumi-resource-berth cold build (-p 1, empty GOCACHE): %.1f s, %s bytes\n' "$cold" "$(stat -c %s "$work/plugin")"
# A one-line change in the provider package, then the rebuild.
cp internal/provider/provider.go "$work/provider.go.orig"
trap 'cp "$work/provider.go.orig" internal/provider/provider.go; rm -rf "$work" "$cache"' EXIT
echo "// bench-provider.sh" >>internal/provider/provider.go
warm=$(GOCACHE=$cache seconds go build -p 1 -o "$work/plugin" ./cmd/pulumi-resource-berth)
cp "$work/provider.go.orig" internal/provider/provider.go
printf 'pulumi-resource-berth rebuild after a one-line change: %.1f s\n' "$warm"
