package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"

	"github.com/berth-dev/berth/internal/cost"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/validate"
)

const costUsage = `Usage: berth cost --stack NAME [--set PATH=VALUE ...] [--format text|json|markdown] [--dir DIR]

Plans the stack offline, as 'berth plan' does, and prints what it would cost
a month in USD: every resource berth's price table knows, each as a range
from the minimum to the maximum instance count, the total, the free tier
(shown, not subtracted), the assumptions used and what is not included.
A region, machine type or architecture without a price is a line that says
so, and the total is marked incomplete.

The assumptions (requests a month, request duration, log volume, image
size, ...) are the stack's berth:cost settings; see docs/cost.md.

Flags:
  --stack NAME        The stack to estimate. Required.
  --set PATH=VALUE    Optional, repeatable. Overrides one setting by config
                      path, as for 'berth plan': cost.requestsPerMonth=5000000,
                      service.maxInstances=20, aws:region=eu-central-1.
  --format text|json|markdown
                      Optional. Output format. Default: text. json is the
                      versioned estimate document (schemaVersion 1) that
                      'berth plan --format json' embeds as "cost";
                      markdown is a comment section.
  --dir DIR           Optional. Where to look for Pulumi.yaml, searching
                      upwards. Default: the current directory.

Exit status: 0 with the estimate on stdout, complete or not; 1 when the
configuration or the program is wrong, with every problem on stderr, one
per line; 2 on a usage error.
`

// runCost implements `berth cost`. It writes to stdout only on success.
func runCost(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("berth cost", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var (
		stack, format, dir onceString
		sets               listFlag
	)
	fs.Var(&stack, "stack", "")
	fs.Var(&sets, "set", "")
	fs.Var(&format, "format", "")
	fs.Var(&dir, "dir", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, err := io.WriteString(stdout, costUsage)
			return err
		}
		return usageErrorf("cost", "%s", doubleDash(err.Error()))
	}
	if fs.NArg() > 0 {
		return usageErrorf("cost", "unexpected argument %q: berth cost takes only flags", fs.Arg(0))
	}
	if stack.value == "" {
		return usageErrorf("cost", "--stack is required: the stack whose Pulumi.NAME.yaml to estimate")
	}
	write, err := pickFormat("cost", format.value,
		outputFormat[*cost.Estimate]{"text", (*cost.Estimate).WriteText},
		outputFormat[*cost.Estimate]{"json", (*cost.Estimate).WriteJSON},
		outputFormat[*cost.Estimate]{"markdown", (*cost.Estimate).WriteMarkdown})
	if err != nil {
		return err
	}
	cfg, p, err := planStack(ctx, "cost", stack.value, dir.value, sets)
	if err != nil {
		return err
	}
	est, err := estimateCost(cfg, p)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := write(est, &buf); err != nil {
		return err
	}
	_, err = stdout.Write(buf.Bytes())
	return err
}

// estimateCost estimates a plan from its stack's configuration: the
// assumptions under <project>:cost, parsed strictly, and the providers'
// regions aws:region and gcp:region. It is the one way berth cost and
// berth plan --format json estimate.
func estimateCost(cfg *plan.Config, p *plan.Plan) (*cost.Estimate, error) {
	a, problems := cost.ParseAssumptions(cfg.Values[cfg.Project+":cost"])
	if len(problems) > 0 {
		return nil, &problemsError{&validate.Error{Component: validate.StackConfig, Name: cfg.Stack, Problems: problems}}
	}
	return cost.Compute(p, cost.Inputs{
		Assumptions: a,
		AWSRegion:   cfg.Values["aws:region"],
		GCPRegion:   cfg.Values["gcp:region"],
	}), nil
}
