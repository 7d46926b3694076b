package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writePlan plans a shipped stack with the built binary and writes the JSON
// plan to a temporary file.
func writePlan(t *testing.T, stack string, sets ...string) string {
	t.Helper()
	args := []string{"plan", "--stack", stack, "--format", "json"}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	stdout, stderr, code := runBerth(t, nil, args...)
	if code != 0 {
		t.Fatalf("berth plan %v exited %d: %s", sets, code, stderr)
	}
	path := filepath.Join(t.TempDir(), stack+".json")
	if err := os.WriteFile(path, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPlanJSONCarriesTheSameEstimateAsBerthCost(t *testing.T) {
	t.Parallel()
	for _, stack := range []string{"dev", "prod"} {
		planFile := writePlan(t, stack)
		b, err := os.ReadFile(planFile)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Cost json.RawMessage `json:"cost"`
		}
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := runBerth(t, nil, "cost", "--stack", stack, "--format", "json")
		if code != 0 {
			t.Fatalf("berth cost --stack %s exited %d: %s", stack, code, stderr)
		}
		var fromPlan, fromCost any
		if err := json.Unmarshal(p.Cost, &fromPlan); err != nil {
			t.Fatalf("plan of %s has no cost section: %v", stack, err)
		}
		if err := json.Unmarshal([]byte(stdout), &fromCost); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(fromPlan)
		c, _ := json.Marshal(fromCost)
		if string(a) != string(c) {
			t.Errorf("%s: the plan's cost section differs from berth cost:\n%s\n%s", stack, a, c)
		}
	}
}

func TestDiffShowsTheCostChangeAndFlagsARiseAboveTheThreshold(t *testing.T) {
	t.Parallel()
	base := writePlan(t, "prod")
	head := writePlan(t, "prod", "service.maxInstances=20")

	stdout, stderr, code := runBerth(t, nil, "diff", base, head, "--format", "json")
	if code != 0 {
		t.Fatalf("berth diff exited %d: %s", code, stderr)
	}
	var d struct {
		Flags []struct{ Kind, URN, Reason string } `json:"flags"`
		Cost  struct {
			Base, Head struct {
				Min, Max float64
				Complete bool
			}
			Change    struct{ Min, Max float64 }
			Threshold string
			Exceeded  bool
			Lines     []struct {
				Resource, Item string
				Base, Head     struct{ Min, Max float64 }
			}
		} `json:"cost"`
	}
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatalf("decoding diff: %v\n%s", err, stdout)
	}
	c := d.Cost
	// Ten more tasks of 0.5 vCPU and 1 GB at the maximum, us-east-1 x86:
	// 10 x 730 x (0.5 x 0.04048 + 1 x 0.004445) = 180.20 a month.
	if c.Base.Max != 197.65 || c.Head.Max != 377.85 || c.Change.Min != 0 || c.Change.Max != 180.2 || !c.Exceeded || c.Threshold != "10%" {
		t.Errorf("cost = %+v", c)
	}
	if len(c.Lines) != 2 || c.Lines[0].Item != "Fargate vCPU (X86_64, us-east-1)" || c.Lines[0].Head.Max != 295.5 || c.Lines[1].Item != "Fargate memory (X86_64, us-east-1)" || c.Lines[1].Head.Max != 64.9 {
		t.Errorf("changed lines = %+v", c.Lines)
	}
	var costFlags []string
	for _, f := range d.Flags {
		if f.Kind == "cost" {
			costFlags = append(costFlags, f.URN+": "+f.Reason)
		}
	}
	want := "urn:pulumi:prod::berth::pulumi:pulumi:Stack::berth-prod: monthly cost rises by $0.00 to +$180.20 (from $53.49 - $197.65 to $53.49 - $377.85), more than the threshold of 10%"
	if strings.Join(costFlags, "\n") != want {
		t.Errorf("cost flags:\n%s\nwant:\n%s", strings.Join(costFlags, "\n"), want)
	}

	md, _, _ := runBerth(t, nil, "diff", base, head, "--format", "markdown")
	for _, part := range []string{
		"| **cost** | `berth-prod` | monthly cost rises by $0.00 to +$180.20",
		"**Monthly cost** (USD, berth's estimate; see docs/cost.md)\n\n| | Min | Max |\n|---|---:|---:|\n| base | $53.49 | $197.65 |\n| head | $53.49 | $377.85 |\n| change | $0.00 | +$180.20 |\n",
		"| `app-svc` | Fargate vCPU (X86\\_64, us-east-1) | $29.55 - $147.75 | $29.55 - $295.50 |",
	} {
		if !strings.Contains(md, part) {
			t.Errorf("markdown lacks %q:\n%s", part, md)
		}
	}

	// A threshold above the rise raises no flag; the section still shows.
	stdout, _, _ = runBerth(t, nil, "diff", base, head, "--format", "json", "--cost-threshold", "100%")
	if strings.Contains(stdout, `"kind": "cost"`) || !strings.Contains(stdout, `"exceeded": false`) {
		t.Errorf("--cost-threshold 100%% flagged a 91%% rise:\n%s", stdout)
	}
}

func TestDiffOfAPlanWithoutACostSectionShowsTheHeadOnly(t *testing.T) {
	t.Parallel()
	head := writePlan(t, "dev")
	b, err := os.ReadFile(head)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "cost") // a plan from a berth without cost estimates
	old, _ := json.Marshal(doc)
	base := filepath.Join(t.TempDir(), "old.json")
	if err := os.WriteFile(base, old, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runBerth(t, nil, "diff", base, head)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Monthly cost (USD, see docs/cost.md): base not estimated, head $15.32 - $217.98, change not known\n") || strings.Contains(stdout, "rises") {
		t.Errorf("text diff:\n%s", stdout)
	}
}

// TestTheCostGateFailsWhenItCannotDecide: --fail-on cost with a plan that
// has no cost estimate exits 3, saying why (issue 17: it exited 0); with
// both estimates and no rise it passes.
func TestTheCostGateFailsWhenItCannotDecide(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runBerth(t, nil, "plan", "--stack", "dev", "--format", "json")
	if code != 0 {
		t.Fatalf("berth plan: exit %d: %s", code, stderr)
	}
	base := filepath.Join(t.TempDir(), "base.json")
	if err := os.WriteFile(base, []byte(stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	raw := []byte(stdout)
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "cost")
	noCost := filepath.Join(t.TempDir(), "nocost.json")
	b, _ := json.Marshal(doc)
	if err := os.WriteFile(noCost, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runBerth(t, nil, "diff", base, noCost, "--fail-on", "cost")
	if want := "berth: --fail-on cost: the cost gate cannot decide: the head plan has no cost estimate; make both plans with berth plan --format json"; code != 3 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want 3 and %q", code, stderr, want)
	}
	if _, stderr, code := runBerth(t, nil, "diff", base, base, "--fail-on", "cost"); code != 0 {
		t.Errorf("both estimates, no rise: exit %d, stderr %q; want 0", code, stderr)
	}
}
