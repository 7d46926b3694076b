#!/usr/bin/env bash
# Runs the sample service as its container does: builds app/ into a binary,
# then execs it, so that the process you started is the service itself and a
# `kill -TERM <pid>` (or Ctrl-C) reaches it and shuts it down gracefully.
# `go run ./app` would stand in between: the go command, not the service,
# gets the signal, and the service is left orphaned and serving.
#
#   bash scripts/run-app.sh                      # configured by environment variables
#   DATABASE_URL='postgres://berth:berth@127.0.0.1:5432/berth?sslmode=disable' bash scripts/run-app.sh
#
# The working directory is left as it is, so relative *_FILE paths work.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="${TMPDIR:-/tmp}/berth-app-$(id -u)/app"
mkdir -p "$(dirname "$bin")"
go build -C "$root/app" -o "$bin" .
exec "$bin" "$@"
