#!/usr/bin/env bash
# Measures berth diff on large plans: for each size, two plans written by
# bench/bigplan (N resources of about 1.5 KB, a tenth changed, a
# hundredth replaced by others), then the time and peak resident memory
# of berth diff --format markdown and --format json. The last size is
# the largest plan berth reads (internal/plan MaxBytes, 128 MiB).
#
#   bash scripts/bench-diff.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/berth" ./cmd/berth
for n in 5000 50000 87000; do
	go run ./bench/bigplan -n "$n" -dir "$work"
	size=$(stat -c %s "$work/base.json")
	for format in markdown json; do
		/usr/bin/time -f "%e s, max RSS %M KB" -o "$work/time" \
			"$work/berth" diff "$work/base.json" "$work/head.json" --format "$format" >/dev/null
		printf 'bench-diff: %6d resources, plans of %d MiB each, --format %-8s %s\n' \
			"$n" $((size >> 20)) "$format" "$(cat "$work/time")"
	done
done
