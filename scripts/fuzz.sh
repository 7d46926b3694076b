#!/usr/bin/env bash
# Runs each fuzz target briefly, the sample service's and berth's plan
# decoder and diff, from its seed corpus (testdata/fuzz) on: FUZZTIME each
# (default 100000x, that many inputs), one after another, as go test -fuzz
# takes one target at a time. The default is a count, not a duration: with
# a duration, Go 1.26's fuzz coordinator can fail a target with a bare
# "context deadline exceeded" when the time runs out while a worker is
# mid-input (golang/go#75804, fixed in Go 1.27). A failing input is written
# to the package's testdata/fuzz/<target>/ and the script exits non-zero.
#
#   bash scripts/fuzz.sh                    # what CI runs
#   FUZZTIME=5000000x bash scripts/fuzz.sh  # a longer local run
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-100000x}
for target in \
	app/internal/httpapi:FuzzDecodeCursor \
	app/internal/httpapi:FuzzCreateNote \
	app/internal/strictjson:FuzzString \
	app/internal/strictjson:FuzzObject \
	app/internal/config:FuzzLoad \
	internal/plan:FuzzRead \
	internal/diff:FuzzCompare; do
	pkg=${target%%:*} name=${target#*:}
	echo "fuzz: $name in $pkg for $fuzztime" >&2
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "./$pkg"
done
