package main

import (
	"context"
	"io"

	"github.com/berth-dev/berth/internal/cost"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/stackconfig"
	"github.com/berth-dev/berth/validate"
)

const costUsage = `Usage: berth cost --stack NAME [--set PATH=VALUE ...] [--stack-outputs NAME=FILE ...] [--format text|json|markdown] [--dir DIR] [--timeout DURATION]

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
  --stack-outputs NAME=FILE
                      Optional, repeatable. A referenced stack's outputs,
                      as for 'berth plan'.
  --format text|json|markdown
                      Optional. Output format. Default: text. json is the
                      versioned estimate document (schemaVersion 1) that
                      'berth plan --format json' embeds as "cost";
                      markdown is a comment section.
  --dir DIR           Optional. Where to look for Pulumi.yaml, searching
                      upwards. Default: the current directory.
  --timeout DURATION  Optional. How long the program may run, as for
                      'berth plan'. Default: 2m.

Exit status: 0 with the estimate on stdout, complete or not; 1 when the
configuration or the program is wrong, with every problem on stderr, one
per line; 2 on a usage error.
`

// runCost implements `berth cost`. It writes to stdout only on success.
func runCost(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, help, err := parseStackFlags("cost", "estimate", args)
	if err != nil || help {
		return writeHelp(help, err, stdout, costUsage)
	}
	write, err := pickFormat("cost", f.format.value,
		outputFormat[*cost.Estimate]{"text", (*cost.Estimate).WriteText},
		outputFormat[*cost.Estimate]{"json", (*cost.Estimate).WriteJSON},
		outputFormat[*cost.Estimate]{"markdown", (*cost.Estimate).WriteMarkdown})
	if err != nil {
		return err
	}
	_, est, err := f.planStack(ctx, stderr)
	if err != nil {
		return err
	}
	return writeOut(write, est, stdout)
}

// estimateCost estimates a plan from its stack's configuration: the
// assumptions under <project>:cost, parsed strictly, and the providers'
// regions aws:region and gcp:region. planStack calls it for every command
// that plans.
func estimateCost(cfg *stackconfig.Config, p *plan.Plan) (*cost.Estimate, error) {
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
