package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/cost"
	"github.com/berth-dev/berth/internal/diff"
	"github.com/berth-dev/berth/internal/fileread"
	"github.com/berth-dev/berth/internal/plan"
)

const diffUsage = `Usage: berth diff BASE.json HEAD.json [--format text|markdown|json] [--fail-on FLAG,...] [--cost-threshold N%|N]

Compares two plans of one stack, as 'berth plan --format json' writes them,
and prints the resources created, updated, replaced and deleted, with the
old and new value of each changed input and lifecycle option, and risk
flags for the changes that deserve a careful look: replace, delete,
downtime, iam, exposure, secret, capacity, rollout, cost. When the plans carry cost estimates
('berth plan --format json' adds them), it shows the monthly cost of base
and head, the change, and the lines that changed. Each resource's options decide what its change
does, as they do for the engine: ignoreChanges keeps a change from being
applied, replaceOnChanges replaces, deleteBeforeReplace, protect and
retainOnDelete are named in the flags they affect.

Secrets print as [secret], values only the cloud knows as [unknown] where
they sit ("sg-"+[unknown]). A
change between two secret values cannot be seen in plans and shows no
change.

Arguments:
  BASE.json           The plan before the change, such as the pull request's
                      base revision; - reads stdin. Required.
  HEAD.json           The plan after the change. Required; the same project
                      and stack as BASE.json.

Flags:
  --format text|markdown|json
                      Optional. Output format. Default: text. markdown is a
                      pull request comment section; json is the document
                      docs/plan-format.md describes (counts, changes with
                      old and new values, flags, cost).
  --fail-on FLAG,...  Optional. Exit with status 3 when the diff raises a
                      flag of one of these kinds (replace, delete,
                      downtime, iam, exposure, secret, capacity,
                      rollout, cost),
                      after printing the diff: a gate for CI. With cost,
                      also when the plans' cost estimates cannot be
                      compared (a gate that cannot decide fails).
                      Default: none, exit 0 whatever the flags.
  --cost-threshold N%|N
                      Optional. Raise a cost flag when the monthly estimate
                      rises by more than N percent of the base figure, or
                      by more than N USD a month, at either end of its
                      range. Default: ` + cost.DefaultThreshold + `. A fall is never flagged.

Exit status: 0 with the diff on stdout, whether or not anything changed;
1 when an input is not a berth plan of this schema version (make both with
'berth plan --stack NAME --format json' of this berth), lists a URN twice,
or the plans are of different stacks; 2 on a usage error; 3 when --fail-on
names a raised flag (the diff is printed, and each such flag is named on
stderr).
`

// runDiff implements `berth diff`. It writes to stdout only when both
// plans were read and compared.
func runDiff(_ context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("berth diff", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var format, failOn, threshold onceString
	fs.Var(&format, "format", "")
	fs.Var(&failOn, "fail-on", "")
	fs.Var(&threshold, "cost-threshold", "")
	// Flags may come before, between or after the two files.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				_, err := io.WriteString(stdout, diffUsage)
				return err
			}
			return usageErrorf("diff", "%s", doubleDash(err.Error()))
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 2 {
		return usageErrorf("diff", "want two plan files, BASE.json and HEAD.json (got %d)", len(files))
	}
	if files[0] == "-" && files[1] == "-" {
		return usageErrorf("diff", "only one of BASE.json and HEAD.json can be - (stdin)")
	}
	write, err := pickFormat("diff", format.value,
		outputFormat[*diff.Result]{"text", (*diff.Result).WriteText},
		outputFormat[*diff.Result]{"markdown", (*diff.Result).WriteMarkdown},
		outputFormat[*diff.Result]{"json", (*diff.Result).WriteJSON})
	if err != nil {
		return err
	}
	gate, err := parseFailOn(failOn)
	if err != nil {
		return err
	}
	if !threshold.set {
		threshold.value = cost.DefaultThreshold
	}
	limit, err := cost.ParseThreshold(threshold.value)
	if err != nil {
		return usageErrorf("diff", "--cost-threshold %v", err)
	}
	base, err := readPlan(files[0])
	if err != nil {
		return err
	}
	head, err := readPlan(files[1])
	if err != nil {
		return err
	}
	r, err := diff.Compare(base, head)
	if err != nil {
		return fmt.Errorf("comparing %s and %s: %w", files[0], files[1], err)
	}
	delta := cost.CompareJSON(base.Cost, head.Cost, limit)
	r.AddCost(delta)
	if err := writeOut(write, r, stdout); err != nil {
		return err
	}
	// A gate that cannot decide fails: without both plans' estimates there
	// is no rise to judge.
	if slices.Contains(gate, diff.KindCost) {
		if why := undecidedCost(delta); why != "" {
			return &flaggedError{fmt.Sprintf("--fail-on %s: the cost gate cannot decide: %s; make both plans with berth plan --format json", failOn.value, why)}
		}
	}
	if raised := r.Raised(gate...); len(raised) > 0 {
		lines := make([]string, len(raised))
		for i, f := range raised {
			lines[i] = fmt.Sprintf("  %s %s: %s", f.Kind, f.URN, f.Reason)
		}
		return &flaggedError{fmt.Sprintf("--fail-on %s: %d %s raised:\n%s", failOn.value, len(raised),
			map[bool]string{true: "flag", false: "flags"}[len(raised) == 1], strings.Join(lines, "\n"))}
	}
	return nil
}

// undecidedCost says why a cost delta cannot be judged against the
// threshold, or returns "" when it can.
func undecidedCost(d *cost.Delta) string {
	switch {
	case d == nil:
		return "neither plan has a cost estimate"
	case d.Note != "":
		return d.Note
	case d.Base == nil:
		return "the base plan has no cost estimate"
	case d.Head == nil:
		return "the head plan has no cost estimate"
	}
	return ""
}

// parseFailOn reads --fail-on's comma-separated flag kinds.
func parseFailOn(v onceString) ([]diff.Kind, error) {
	if !v.set {
		return nil, nil
	}
	var kinds []diff.Kind
	for _, s := range strings.Split(v.value, ",") {
		k := diff.Kind(strings.TrimSpace(s))
		if !slices.Contains(diff.Kinds, k) {
			names := make([]string, len(diff.Kinds))
			for i, k := range diff.Kinds {
				names[i] = string(k)
			}
			return nil, usageErrorf("diff", "--fail-on %q: %q is not a flag kind (allowed: %s)", v.value, s, strings.Join(names, ", "))
		}
		kinds = append(kinds, k)
	}
	return kinds, nil
}

// readPlan reads a plan file, a regular file of at most plan.MaxBytes;
// "-" is stdin.
func readPlan(path string) (*plan.Plan, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		b, err := fileread.Read(path, plan.MaxBytes)
		if err != nil {
			return nil, fmt.Errorf("reading plan: %w", err)
		}
		r = bytes.NewReader(b)
	}
	p, err := plan.Read(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
