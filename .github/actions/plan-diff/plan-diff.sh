#!/usr/bin/env bash
# Plans each stack of a Pulumi Go project at the pull request's base and
# head revisions with berth, compares the plans, and writes the pull
# request comment: one section per stack (berth diff's Markdown, then the
# head's resource graph, collapsed). It runs the pull request's program,
# offline: it needs no credentials and gets none.
#
# Environment:
#   BERTH      the berth binary
#   BASE_DIR   the project's directory in the base revision's checkout
#   HEAD_DIR   the project's directory in the head revision's checkout
#   STACKS     the stacks, space-separated, in comment order
#   OUT        where to write comment.md, pr-number, head-sha, the
#              sections and the plans (created if missing)
#   PR_NUMBER  the pull request's number, for the comment workflow
#   HEAD_SHA   the pull request's head commit, for the comment workflow
#   FAIL_ON    optional: berth diff --fail-on kinds (iam,exposure,...)
#   COST_THRESHOLD
#              optional: berth diff --cost-threshold (10%, 25 for USD)
#
# A stack whose Pulumi.<stack>.yaml the head lacks is skipped; one that the
# base lacks, or that does not plan at the base, is compared with an empty
# plan, so everything shows as new. Exit status: 0; 1 when a head plan
# fails (its section says why); 2 when STACKS holds what is not a stack
# name; 3 when FAIL_ON names a raised flag. The comment is written in
# every case but the second.
set -euo pipefail

: "${BERTH:?}" "${BASE_DIR:?}" "${HEAD_DIR:?}" "${STACKS:?}" "${OUT:?}" "${PR_NUMBER:?}" "${HEAD_SHA:?}"
mkdir -p "$OUT/sections" "$OUT/plans"
status=0

# Each stack name goes into file names, a comment marker and the comment's
# Markdown: only Pulumi's stack names are taken (sdk/v3 v3.274.1
# go/common/tokens/stack_name.go:51-80: letters, digits, "-", "_" and ".",
# at most 100), so none can leave its place.
for stack in $STACKS; do
	if ! [[ $stack =~ ^[A-Za-z0-9_.-]{1,100}$ ]]; then
		printf 'berth: STACKS holds %q, which is not a stack name (allowed: letters, digits, -, _ and ., at most 100)\n' "$stack" >&2
		exit 2
	fi
done

# pre quotes a file (a program's error output, which the pull request
# controls) as an HTML <pre> block, at most 4000 bytes of it, escaped so
# that nothing in it can close the block, start Markdown, form a table row
# or mention anyone: & < > " ' by jq's @html, then | and @.
pre() {
	printf '<pre>'
	head -c 4000 "$1" | jq -Rrs '@html' | sed -e 's/|/\&#124;/g' -e 's/@/\&#64;/g'
	printf '</pre>\n'
}

for stack in $STACKS; do
	section="$OUT/sections/$stack.md"
	base="$OUT/plans/$stack.base.json"
	head="$OUT/plans/$stack.head.json"
	if [ ! -f "$HEAD_DIR/Pulumi.$stack.yaml" ]; then
		echo "berth: stack $stack has no Pulumi.$stack.yaml on the head revision; skipped" >&2
		continue
	fi
	echo "berth: planning stack $stack at the base revision" >&2
	note=""
	if [ ! -f "$BASE_DIR/Pulumi.$stack.yaml" ]; then
		note="The base revision has no stack $stack; everything below is new."
	elif ! "$BERTH" plan --stack "$stack" --dir "$BASE_DIR" --format json >"$base" 2>"$OUT/plans/$stack.base.err"; then
		cat "$OUT/plans/$stack.base.err" >&2
		note="The base revision does not plan (berth's message is in the job log); everything below is new."
	fi
	echo "berth: planning stack $stack at the head revision" >&2
	if ! "$BERTH" plan --stack "$stack" --dir "$HEAD_DIR" --format json >"$head" 2>"$OUT/plans/$stack.head.err"; then
		cat "$OUT/plans/$stack.head.err" >&2
		{
			echo "<!-- berth-plan-diff stack=${stack//--/-} -->"
			echo "### berth diff, stack \`$stack\`: the head revision does not plan"
			echo
			pre "$OUT/plans/$stack.head.err"
		} >"$section"
		status=1
		continue
	fi
	if [ -n "$note" ]; then
		jq '{format, schemaVersion, project, stack, resources: [], outputs: {}}' "$head" >"$base"
	fi
	diffFlags=()
	if [ -n "${FAIL_ON:-}" ]; then
		diffFlags+=(--fail-on "$FAIL_ON")
	fi
	if [ -n "${COST_THRESHOLD:-}" ]; then
		diffFlags+=(--cost-threshold "$COST_THRESHOLD")
	fi
	diffStatus=0
	"$BERTH" diff "$base" "$head" --format markdown "${diffFlags[@]}" >"$section.diff" || diffStatus=$?
	case $diffStatus in
	0) ;;
	3) [ "$status" -ne 0 ] || status=3 ;;
	*) exit "$diffStatus" ;;
	esac
	{
		cat "$section.diff"
		if [ -n "$note" ]; then printf '\n_%s_\n' "$note"; fi
		printf '\n<details><summary>Resource graph of <code>%s</code> (head)</summary>\n\n' "$stack"
		"$BERTH" plan --stack "$stack" --dir "$HEAD_DIR" --format mermaid
		printf '\n</details>\n'
	} >"$section"
	rm "$section.diff"
	# The text form, for the job log.
	"$BERTH" diff "$base" "$head" "${diffFlags[@]}" || true
done

{
	echo "<!-- berth-plan-diff -->"
	echo "## Infrastructure changes"
	echo
	echo "Offline plans of the base branch and of this pull request merged into it (head ${HEAD_SHA}), compared by \`berth diff\`. Advisory: review the code too. Secrets show as \`[secret]\`, values only the cloud knows as \`[unknown]\`; a changed secret value cannot be seen."
	for stack in $STACKS; do
		if [ -f "$OUT/sections/$stack.md" ]; then
			echo
			cat "$OUT/sections/$stack.md"
		fi
	done
} >"$OUT/comment.md"
echo "$PR_NUMBER" >"$OUT/pr-number"
echo "$HEAD_SHA" >"$OUT/head-sha"
exit "$status"
