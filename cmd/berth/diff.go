package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/berth-dev/berth/internal/cost"
	"github.com/berth-dev/berth/internal/diff"
	"github.com/berth-dev/berth/internal/plan"
)

const diffUsage = `Usage: berth diff BASE.json HEAD.json [--format text|markdown|json] [--cost-threshold N%|N]

Compares two plans of one stack, as 'berth plan --format json' writes them,
and prints the resources created, updated, replaced and deleted, with the
old and new value of each changed input, and risk flags for the changes that
deserve a careful look: replace, delete, iam, exposure, secret, capacity,
cost. When the plans carry cost estimates (berth plan --format json adds
them), it shows the monthly cost of base and head, the change, and the
lines that changed.

Secrets print as [secret]. A change between two secret values cannot be seen
in plans and shows no change.

Arguments:
  BASE.json           The plan before the change, such as the pull request's
                      base revision. Required.
  HEAD.json           The plan after the change. Required; the same project
                      and stack as BASE.json.

Flags:
  --format text|markdown|json
                      Optional. Output format. Default: text. markdown is a
                      pull request comment section; json is
                      {"changes": [...], "flags": [...], "cost": {...}}.
  --cost-threshold N%|N
                      Optional. Raise a cost flag when the monthly estimate
                      rises by more than N percent of the base figure, or
                      by more than N USD a month, at either end of its
                      range. Default: ` + cost.DefaultThreshold + `. A fall is never flagged.

Exit status: 0 with the diff on stdout, whether or not anything changed;
1 when a plan cannot be read or the plans are of different stacks; 2 on a
usage error.
`

// runDiff implements `berth diff`. It writes to stdout only on success.
func runDiff(_ context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("berth diff", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var format, threshold onceString
	fs.Var(&format, "format", "")
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
	if threshold.value == "" {
		threshold.value = cost.DefaultThreshold
	}
	limit, err := cost.ParseThreshold(threshold.value)
	if err != nil {
		return usageErrorf("diff", "--cost-threshold %v", err)
	}
	write, err := pickFormat("diff", format.value,
		outputFormat[*diff.Result]{"text", (*diff.Result).WriteText},
		outputFormat[*diff.Result]{"markdown", (*diff.Result).WriteMarkdown},
		outputFormat[*diff.Result]{"json", (*diff.Result).WriteJSON})
	if err != nil {
		return err
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
	r.AddCost(cost.CompareJSON(base.Cost, head.Cost, limit))
	var buf bytes.Buffer
	if err := write(r, &buf); err != nil {
		return err
	}
	_, err = stdout.Write(buf.Bytes())
	return err
}

// readPlan reads a plan file; "-" is stdin.
func readPlan(path string) (*plan.Plan, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("reading plan: %w", err)
		}
		defer f.Close()
		r = f
	}
	p, err := plan.Read(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
