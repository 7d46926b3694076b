package diff

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/cost"
	"github.com/berth-dev/berth/internal/plan"
)

// withCost returns p carrying an estimate with one line of the given range.
func withCost(t *testing.T, p *plan.Plan, lo, hi float64) *plan.Plan {
	t.Helper()
	est := &cost.Estimate{SchemaVersion: cost.SchemaVersion, Project: p.Project, Stack: p.Stack, Currency: cost.Currency,
		PricesChecked: cost.PricesChecked, HoursPerMonth: cost.HoursPerMonth, Assumptions: cost.Defaults(),
		Lines:       []cost.Line{{URN: stackPrefix + "svc", Resource: "svc", Type: "aws:ecs/service:Service", Item: "Fargate vCPU (X86_64, us-east-1)", Min: lo, Max: hi, Priced: true}},
		FreeTier:    []cost.Line{},
		NotIncluded: []string{"taxes"},
		Total:       cost.Range{Min: lo, Max: hi},
		Complete:    true,
	}
	raw, err := cost.Marshal(est)
	if err != nil {
		t.Fatal(err)
	}
	p.Cost = raw
	return p
}

func TestAddCostRaisesACostFlagOnTheStackAboveTheThreshold(t *testing.T) {
	t.Parallel()
	svc := res("aws:ecs/service:Service", "svc", "", map[string]any{"desiredCount": 2.0})
	base := withCost(t, plnOf(svc), 30, 150)
	head := withCost(t, plnOf(svc), 30, 300)
	r := compare(t, base, head)
	limit, _ := cost.ParseThreshold(cost.DefaultThreshold)
	r.AddCost(cost.CompareJSON(base.Cost, head.Cost, limit))
	want := "cost: monthly cost rises by $0.00 to +$150.00 (from $30.00 - $150.00 to $30.00 - $300.00), more than the threshold of 10%"
	if got := strings.Join(flagLines(r), "\n"); got != want {
		t.Errorf("flags:\n%s\nwant:\n%s", got, want)
	}
	if r.Flags[0].URN != "urn:pulumi:test::berth::pulumi:pulumi:Stack::berth-test" {
		t.Errorf("cost flag URN = %s, want the stack's", r.Flags[0].URN)
	}
	out := allFormats(t, r)
	// No resource changed, yet each format shows the cost.
	if !strings.Contains(out["text"], "Monthly cost (USD, see docs/cost.md): base $30.00 - $150.00, head $30.00 - $300.00, change $0.00 to +$150.00\n  svc Fargate vCPU (X86_64, us-east-1): $30.00 - $150.00 -> $30.00 - $300.00\n") {
		t.Errorf("text:\n%s", out["text"])
	}
	if !strings.Contains(out["markdown"], "No changes.\n\n**Monthly cost**") || !strings.Contains(out["markdown"], "| change | $0.00 | +$150.00 |") {
		t.Errorf("markdown:\n%s", out["markdown"])
	}
	var doc struct {
		Cost struct {
			Exceeded bool
			Change   struct{ Min, Max float64 }
		}
	}
	if err := json.Unmarshal([]byte(out["json"]), &doc); err != nil || !doc.Cost.Exceeded || doc.Cost.Change.Max != 150 {
		t.Errorf("json (%v):\n%s", err, out["json"])
	}
}

func TestAddCostOfPlansWithoutEstimatesChangesNothing(t *testing.T) {
	t.Parallel()
	svc := res("aws:ecs/service:Service", "svc", "", nil)
	r := compare(t, plnOf(svc), plnOf(svc))
	limit, _ := cost.ParseThreshold(cost.DefaultThreshold)
	r.AddCost(cost.CompareJSON(nil, nil, limit))
	out := allFormats(t, r)
	if r.Cost != nil || len(r.Flags) != 0 || strings.Contains(out["markdown"], "Monthly cost") || strings.Contains(out["json"], "cost") {
		t.Errorf("cost shown without estimates: %+v\n%s", r, out["json"])
	}
}
