package cost

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// estimateOf builds an estimate with one priced line per amount, keyed by
// item, in us-east-1.
func estimateOf(items map[string]Range, order ...string) *Estimate {
	est := &Estimate{SchemaVersion: SchemaVersion, Project: "berth", Stack: "test", Currency: Currency, PricesChecked: PricesChecked,
		HoursPerMonth: HoursPerMonth, Assumptions: Defaults(), Lines: []Line{}, FreeTier: []Line{}, NotIncluded: []string{"taxes"}, Complete: true}
	for _, item := range order {
		r := items[item]
		est.Lines = append(est.Lines, Line{URN: urnPrefix + "svc", Resource: "svc", Type: "aws:ecs/service:Service", Item: item, Min: r.Min, Max: r.Max, Priced: true})
		est.Total.Min += r.Min
		est.Total.Max += r.Max
	}
	return est
}

func TestParseThresholdReadsPercentagesAndAmounts(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Threshold{"10%": {Percent: 10, IsPercent: true}, "0%": {IsPercent: true}, "25": {USD: 25}, "2.5": {USD: 2.5}} {
		got, err := ParseThreshold(in)
		if err != nil || got != want || got.String() != in {
			t.Errorf("ParseThreshold(%q) = %+v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "ten", "-1", "-5%", "2000%", "%", "NaN"} {
		if _, err := ParseThreshold(in); err == nil {
			t.Errorf("ParseThreshold(%q) accepted", in)
		}
	}
}

func TestCompareListsTheLinesThatChangedAndFlagsARiseAboveTheThreshold(t *testing.T) {
	t.Parallel()
	base := estimateOf(map[string]Range{"vCPU": {10, 50}, "memory": {2, 10}, "gone": {1, 1}}, "vCPU", "memory", "gone")
	head := estimateOf(map[string]Range{"vCPU": {10, 50}, "memory": {4, 20}, "new": {3, 3}}, "vCPU", "memory", "new")
	ten, _ := ParseThreshold("10%")
	d := Compare(base, head, ten)
	var got []string
	for _, lc := range d.Lines {
		got = append(got, lineRange(lc.Base)+" -> "+lineRange(lc.Head))
	}
	if strings.Join(got, "; ") != "$2.00 - $10.00 -> $4.00 - $20.00; none -> $3.00; $1.00 -> none" {
		t.Errorf("changed lines: %v", got)
	}
	if c := d.Change(); !near(c.Min, 4) || !near(c.Max, 12) {
		t.Errorf("change = %+v, want +4 to +12", c)
	}
	reason, ok := d.Exceeded()
	if !ok || reason != "monthly cost rises by +$4.00 to +$12.00 (from $13.00 - $61.00 to $17.00 - $73.00), more than the threshold of 10%" {
		t.Errorf("Exceeded() = %q, %v", reason, ok)
	}
	// 12 on a base of 61 is 20%; 4 on 13 is 31%: a 40% threshold lets both pass.
	forty, _ := ParseThreshold("40%")
	if _, ok := Compare(base, head, forty).Exceeded(); ok {
		t.Error("a rise under 40% at both ends was flagged at 40%")
	}
	usd, _ := ParseThreshold("10")
	if _, ok := Compare(base, head, usd).Exceeded(); !ok {
		t.Error("a rise of $12 was not flagged at $10")
	}
	if _, ok := Compare(head, base, ten).Exceeded(); ok {
		t.Error("a fall was flagged")
	}
	if _, ok := Compare(nil, head, ten).Exceeded(); ok {
		t.Error("a stack without a base estimate was flagged")
	}
}

func TestCompareJSONReadsPlansWithoutEstimatesAndNotesAnotherSchema(t *testing.T) {
	t.Parallel()
	ten, _ := ParseThreshold("10%")
	if d := CompareJSON(nil, nil, ten); d != nil {
		t.Errorf("two plans without estimates: %+v", d)
	}
	head, _ := Marshal(estimateOf(map[string]Range{"vCPU": {1, 2}}, "vCPU"))
	d := CompareJSON(nil, head, ten)
	if d == nil || d.Base != nil || d.Head == nil || d.Note != "" {
		t.Fatalf("base without an estimate: %+v", d)
	}
	var text bytes.Buffer
	if err := d.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "base not estimated, head $1.00 - $2.00, change not known") {
		t.Errorf("text:\n%s", text.String())
	}
	d = CompareJSON(json.RawMessage(`{"schemaVersion": 9}`), head, ten)
	if d.Note != "the base plan's cost estimate was not compared: cost estimate of another schema version: 9 (this berth reads 1; make both plans with the same berth)" {
		t.Errorf("note = %q", d.Note)
	}
	if _, ok := d.Exceeded(); ok {
		t.Error("an uncompared estimate was flagged")
	}
}

func TestDeltaJSONCarriesBaseHeadChangeAndLines(t *testing.T) {
	t.Parallel()
	base := estimateOf(map[string]Range{"vCPU": {10, 50}}, "vCPU")
	head := estimateOf(map[string]Range{"vCPU": {20.004, 100}}, "vCPU")
	head.Complete = false
	ten, _ := ParseThreshold("10%")
	b, err := json.Marshal(Compare(base, head, ten))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"base":{"min":10,"max":50,"complete":true},"head":{"min":20,"max":100,"complete":false},"change":{"min":10,"max":50},"threshold":"10%","exceeded":true,` +
		`"lines":[{"resource":"svc","type":"aws:ecs/service:Service","item":"vCPU","base":{"min":10,"max":50,"priced":true},"head":{"min":20,"max":100,"priced":true}}]}`
	if string(b) != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", b, want)
	}
}

func TestMarkdownEscapesWhatComesFromThePlan(t *testing.T) {
	t.Parallel()
	est := estimateOf(map[string]Range{"vCPU": {1, 2}}, "vCPU")
	est.Lines[0].Resource = "evil|`name`\n@team"
	est.Lines[0].Item = "<img src=x> *bold* @user"
	var b bytes.Buffer
	if err := est.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "| ``evil\\|`name` @team`` | &lt;img src=x&gt; \\*bold\\* &#64;user |") {
		t.Errorf("markdown row not escaped:\n%s", out)
	}
	d := Compare(nil, est, Threshold{Percent: 10, IsPercent: true})
	b.Reset()
	if err := d.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<img") || strings.Contains(b.String(), " @user") {
		t.Errorf("delta markdown not escaped:\n%s", b.String())
	}
}
