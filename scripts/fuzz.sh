#!/usr/bin/env bash
# Runs each of the sample service's fuzz targets briefly, from its seed
# corpus (testdata/fuzz) on: FUZZTIME each (default 5s), one after another,
# as go test -fuzz takes one target at a time. A failing input is written to
# the package's testdata/fuzz/<target>/ and the script exits non-zero.
#
#   bash scripts/fuzz.sh              # what CI runs
#   FUZZTIME=5m bash scripts/fuzz.sh  # a longer local run
set -euo pipefail
cd "$(dirname "$0")/../app"
fuzztime=${FUZZTIME:-5s}
for target in \
	internal/httpapi:FuzzDecodeCursor \
	internal/httpapi:FuzzCreateNote \
	internal/strictjson:FuzzString \
	internal/strictjson:FuzzObject \
	internal/config:FuzzLoad; do
	pkg=${target%%:*} name=${target#*:}
	echo "fuzz: $name in app/$pkg for $fuzztime" >&2
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "./$pkg"
done
