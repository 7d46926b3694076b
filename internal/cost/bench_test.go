package cost

import (
	"context"
	"io"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/planengine"
	"github.com/berth-dev/berth/internal/stackconfig"
)

// These benchmarks measure what the estimate adds to berth plan and berth
// diff on the repository's stacks (docs/performance.md records them):
//
//	go test ./internal/cost -run '^$' -bench . -benchmem
//
// BenchmarkPlanEstimate is what berth plan adds: parsing berth:cost,
// pricing the plan and encoding the estimate. BenchmarkDiffCost is what
// berth diff adds: decoding both estimates, comparing them and writing the
// Markdown section.

func benchPlan(b *testing.B, stack string, sets ...string) (*plan.Plan, *stackconfig.Config) {
	b.Helper()
	opts := stackconfig.LoadOptions{Dir: "../..", Stack: stack}
	var err error
	if opts.Overrides, err = stackconfig.ParseOverrides(sets); err != nil {
		b.Fatal(err)
	}
	cfg, err := stackconfig.LoadConfig(opts)
	if err != nil {
		b.Fatal(err)
	}
	res, err := planengine.Run(context.Background(), cfg, planengine.RunOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return res.Plan, cfg
}

func estimateOfStack(b *testing.B, p *plan.Plan, cfg *stackconfig.Config) []byte {
	a, problems := ParseAssumptions(cfg.Values["berth:cost"])
	if len(problems) > 0 {
		b.Fatal(problems)
	}
	raw, err := Marshal(Compute(p, Inputs{Assumptions: a, AWSRegion: cfg.Values["aws:region"], GCPRegion: cfg.Values["gcp:region"]}))
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

func BenchmarkPlanEstimate(b *testing.B) {
	for _, stack := range []string{"dev", "prod"} {
		b.Run(stack, func(b *testing.B) {
			p, cfg := benchPlan(b, stack)
			for b.Loop() {
				estimateOfStack(b, p, cfg)
			}
		})
	}
}

func BenchmarkDiffCost(b *testing.B) {
	for _, stack := range []string{"dev", "prod"} {
		b.Run(stack, func(b *testing.B) {
			p, cfg := benchPlan(b, stack)
			base := estimateOfStack(b, p, cfg)
			p, cfg = benchPlan(b, stack, "service.maxInstances=20", "service.memory=2Gi")
			head := estimateOfStack(b, p, cfg)
			limit, _ := ParseThreshold(DefaultThreshold)
			for b.Loop() {
				d := CompareJSON(base, head, limit)
				if err := d.WriteMarkdown(io.Discard); err != nil {
					b.Fatal(err)
				}
				if _, err := d.MarshalJSON(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
