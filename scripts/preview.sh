#!/usr/bin/env bash
# berth's main job, with no set-up (Go and git only; no credentials,
# plugins or Pulumi CLI; network only the first time, for the Go
# modules): plans a stack of this repository's project as the working tree
# has it and as the last commit had it, prints the plan, then berth diff of
# the two with its risk flags and cost change: what a reviewer of a pull
# request gets. The first run compiles the program (minutes); later runs
# reuse it.
#
#   bash scripts/preview.sh                                 # the dev stack
#   bash scripts/preview.sh prod                            # another stack
#   bash scripts/preview.sh dev --set service.memory=1Gi    # a change, without editing files
set -euo pipefail
cd "$(dirname "$0")/.."
stack=${1:-dev}
shift || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/berth" ./cmd/berth
# The last commit's files, extracted without touching .git (a worktree
# would change .git while other readers of the repository walk it), with
# the modes a checkout gives them (the umask applied, as git does): the
# image's content tag hashes file modes.
mkdir "$work/base"
git archive HEAD | tar -x --no-same-permissions -C "$work/base"
echo "preview: planning stack $stack at the last commit" >&2
"$work/berth" plan --stack "$stack" --dir "$work/base" --format json >"$work/base.json"
echo "preview: planning stack $stack as the working tree has it${*:+, with $*}" >&2
"$work/berth" plan --stack "$stack" --format json "$@" >"$work/head.json"
"$work/berth" plan --stack "$stack" "$@"
echo
"$work/berth" diff "$work/base.json" "$work/head.json"
