package cost

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/english"
	"github.com/berth-dev/berth/internal/markdown"
	"github.com/berth-dev/berth/internal/safetext"
)

// DefaultThreshold is the rise of the monthly estimate above which a pull
// request's cost is flagged: 10% of the base figure.
const DefaultThreshold = "10%"

// Threshold is the rise of the monthly estimate that raises a cost flag:
// a share of the base figure ("10%") or an amount in USD ("25").
type Threshold struct {
	// Percent is the share of the base figure, when the threshold is one.
	Percent float64
	// USD is the amount, when the threshold is one.
	USD float64
	// IsPercent says which of the two applies.
	IsPercent bool
}

// ParseThreshold reads "N%" (a share of the base figure, N from 0 to
// 1,000) or "N" (USD a month, N at least 0).
func ParseThreshold(s string) (Threshold, error) {
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(pct, 64)
		if err != nil || f < 0 || f > 1000 || math.IsNaN(f) {
			return Threshold{}, fmt.Errorf("%q is not a percentage (allowed: 0%% to 1000%%, such as 10%%)", s)
		}
		return Threshold{Percent: f, IsPercent: true}, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return Threshold{}, fmt.Errorf("%q is not an amount (allowed: USD a month such as 25, or a percentage such as 10%%)", s)
	}
	return Threshold{USD: f}, nil
}

// String returns the threshold as ParseThreshold reads it.
func (t Threshold) String() string {
	if t.IsPercent {
		return plain(t.Percent) + "%"
	}
	return plain(t.USD)
}

// limit is the rise allowed over base.
func (t Threshold) limit(base float64) float64 {
	if t.IsPercent {
		return base * t.Percent / 100
	}
	return t.USD
}

// Delta is how the monthly estimate changes from a base plan to a head
// plan of one stack.
type Delta struct {
	// Base and Head are the two estimates; either is nil when its plan has
	// none (a plan written by a berth without cost estimates, or a stack
	// the pull request adds).
	Base, Head *Estimate
	// Threshold is the rise that raises a flag.
	Threshold Threshold
	// Lines lists the lines that differ, head order first, then the lines
	// only the base has.
	Lines []LineChange
	// Note says why the estimates were not compared, when they were not.
	Note string
}

// LineChange is one line that differs between the estimates; Base or Head
// is nil when only the other has it.
type LineChange struct {
	Base, Head *Line
}

// CompareJSON compares the cost sections of two plans (either may be
// empty). It returns nil when neither plan has one. A section that cannot
// be read, such as one of another schema version, is not compared and the
// delta's Note says why.
func CompareJSON(base, head json.RawMessage, t Threshold) *Delta {
	if len(base) == 0 && len(head) == 0 {
		return nil
	}
	b, errB := Decode(base)
	h, errH := Decode(head)
	switch {
	case errB != nil:
		return &Delta{Threshold: t, Note: "the base plan's cost estimate was not compared: " + errB.Error()}
	case errH != nil:
		return &Delta{Threshold: t, Note: "the head plan's cost estimate was not compared: " + errH.Error()}
	}
	return Compare(b, h, t)
}

// Compare returns how the estimate changes from base to head; either may
// be nil.
func Compare(base, head *Estimate, t Threshold) *Delta {
	d := &Delta{Base: base, Head: head, Threshold: t}
	baseLines := map[string]*Line{}
	if base != nil {
		for i := range base.Lines {
			baseLines[base.Lines[i].key()] = &base.Lines[i]
		}
	}
	seen := map[string]bool{}
	if head != nil {
		for i := range head.Lines {
			h := &head.Lines[i]
			seen[h.key()] = true
			b := baseLines[h.key()]
			if b == nil || !sameLine(*b, *h) {
				d.Lines = append(d.Lines, LineChange{Base: b, Head: h})
			}
		}
	}
	if base != nil {
		for i := range base.Lines {
			if b := &base.Lines[i]; !seen[b.key()] {
				d.Lines = append(d.Lines, LineChange{Base: b})
			}
		}
	}
	return d
}

// sameLine reports whether two lines of one key price the same, to the
// cent.
func sameLine(a, b Line) bool {
	return a.Priced == b.Priced && dollars(a.Min) == dollars(b.Min) && dollars(a.Max) == dollars(b.Max) && a.Note == b.Note
}

// Change returns head minus base; zero unless both estimates exist.
func (d *Delta) Change() Range {
	if d.Base == nil || d.Head == nil {
		return Range{}
	}
	return Range{Min: d.Head.Total.Min - d.Base.Total.Min, Max: d.Head.Total.Max - d.Base.Total.Max}
}

// Exceeded reports whether the estimate rises by more than the threshold
// at either end of the range, and says by how much. A fall is never
// flagged, nor is a stack without a base estimate.
func (d *Delta) Exceeded() (string, bool) {
	if d.Base == nil || d.Head == nil {
		return "", false
	}
	c := d.Change()
	over := cents(c.Min) > cents(d.Threshold.limit(d.Base.Total.Min)) || cents(c.Max) > cents(d.Threshold.limit(d.Base.Total.Max))
	if !over {
		return "", false
	}
	return fmt.Sprintf("monthly cost rises by %s (from %s to %s), more than the threshold of %s",
		changeRange(c), money(d.Base.Total.Min, d.Base.Total.Max), money(d.Head.Total.Min, d.Head.Total.Max), d.Threshold.describe()), true
}

func (t Threshold) describe() string {
	if t.IsPercent {
		return t.String()
	}
	return "$" + plain(t.USD) + " a month"
}

// changeRange renders a change: "+$1.00", or "+$1.00 to +$5.00".
func changeRange(c Range) string {
	if signed(c.Min) == signed(c.Max) {
		return signed(c.Min)
	}
	return signed(c.Min) + " to " + signed(c.Max)
}

// WriteText writes the delta for a terminal: base, head and change, then
// the lines that changed.
func (d *Delta) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\nMonthly cost (USD, see docs/cost.md):")
	if d.Note != "" {
		fmt.Fprintf(bw, " %s\n", safetext.Line(d.Note))
		return flushDelta(bw)
	}
	fmt.Fprintf(bw, " base %s, head %s, change %s\n", estimateRange(d.Base), estimateRange(d.Head), d.changeText())
	for _, lc := range d.Lines {
		l := lc.Head
		if l == nil {
			l = lc.Base
		}
		fmt.Fprintf(bw, "  %s %s: %s -> %s\n", safetext.Line(l.Resource), safetext.Line(l.Item), lineRange(lc.Base), lineRange(lc.Head))
	}
	for _, n := range d.incomplete() {
		fmt.Fprintf(bw, "  %s\n", n)
	}
	return flushDelta(bw)
}

// WriteMarkdown writes the delta as a pull request comment section: base,
// head and change, the lines that changed, and whether an estimate is
// incomplete.
func (d *Delta) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("**Monthly cost** (USD, berth's estimate; see docs/cost.md)\n\n")
	if d.Note != "" {
		fmt.Fprintf(bw, "%s\n\n", markdown.Text(d.Note))
		return flushDelta(bw)
	}
	bw.WriteString("| | Min | Max |\n|---|---:|---:|\n")
	fmt.Fprintf(bw, "| base | %s |\n", estimateCells(d.Base))
	fmt.Fprintf(bw, "| head | %s |\n", estimateCells(d.Head))
	if d.Base != nil && d.Head != nil {
		c := d.Change()
		fmt.Fprintf(bw, "| change | %s | %s |\n", signed(c.Min), signed(c.Max))
	}
	bw.WriteString("\n")
	if len(d.Lines) > 0 {
		bw.WriteString("| Resource | Item | Base | Head |\n|---|---|---:|---:|\n")
		for _, lc := range d.Lines {
			l := lc.Head
			if l == nil {
				l = lc.Base
			}
			fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", markdown.Code(l.Resource), markdown.Text(l.Item), lineRange(lc.Base), lineRange(lc.Head))
		}
		bw.WriteString("\n")
	}
	for _, n := range d.incomplete() {
		fmt.Fprintf(bw, "%s\n\n", markdown.Text(n))
	}
	if d.Head != nil {
		d.Head.writeMarkdownDetails(bw)
	}
	return flushDelta(bw)
}

// MarshalJSON writes the delta as `{"base": {"min", "max", "complete"},
// "head": {...}, "change": {"min", "max"}, "threshold", "exceeded",
// "lines": [{"resource", "type", "item", "base", "head"}], "note"?}`; base
// and head are null when their plan has no estimate.
func (d *Delta) MarshalJSON() ([]byte, error) {
	type total struct {
		Min      float64 `json:"min"`
		Max      float64 `json:"max"`
		Complete bool    `json:"complete"`
	}
	type amount struct {
		Min    float64 `json:"min"`
		Max    float64 `json:"max"`
		Priced bool    `json:"priced"`
	}
	type lineJSON struct {
		Resource string  `json:"resource"`
		Type     string  `json:"type"`
		Item     string  `json:"item"`
		Base     *amount `json:"base"`
		Head     *amount `json:"head"`
	}
	totalOf := func(est *Estimate) *total {
		if est == nil {
			return nil
		}
		return &total{Min: cents(est.Total.Min), Max: cents(est.Total.Max), Complete: est.Complete}
	}
	amountOf := func(l *Line) *amount {
		if l == nil {
			return nil
		}
		return &amount{Min: cents(l.Min), Max: cents(l.Max), Priced: l.Priced}
	}
	_, exceeded := d.Exceeded()
	c := d.Change()
	doc := struct {
		Base      *total     `json:"base"`
		Head      *total     `json:"head"`
		Change    Range      `json:"change"`
		Threshold string     `json:"threshold"`
		Exceeded  bool       `json:"exceeded"`
		Lines     []lineJSON `json:"lines"`
		Note      string     `json:"note,omitempty"`
	}{Base: totalOf(d.Base), Head: totalOf(d.Head), Change: Range{Min: cents(c.Min), Max: cents(c.Max)},
		Threshold: d.Threshold.String(), Exceeded: exceeded, Lines: []lineJSON{}, Note: d.Note}
	for _, lc := range d.Lines {
		l := lc.Head
		if l == nil {
			l = lc.Base
		}
		doc.Lines = append(doc.Lines, lineJSON{Resource: l.Resource, Type: l.Type, Item: l.Item, Base: amountOf(lc.Base), Head: amountOf(lc.Head)})
	}
	return json.Marshal(doc)
}

// cents rounds an amount to cents, as every rendering shows it.
func cents(usd float64) float64 { return math.Round(usd*100)/100 + 0 }

func (d *Delta) changeText() string {
	if d.Base == nil || d.Head == nil {
		return "not known"
	}
	return changeRange(d.Change())
}

// incomplete says which estimates are incomplete.
func (d *Delta) incomplete() []string {
	var out []string
	for _, x := range []struct {
		name string
		est  *Estimate
	}{{"base", d.Base}, {"head", d.Head}} {
		if x.est != nil && !x.est.Complete {
			n := len(x.est.Unpriced())
			out = append(out, fmt.Sprintf("The %s estimate is incomplete: %s without a price.", x.name, english.Count(n, "line")))
		}
	}
	return out
}

func estimateRange(est *Estimate) string {
	if est == nil {
		return "not estimated"
	}
	return money(est.Total.Min, est.Total.Max) + incompleteMark(est)
}

func estimateCells(est *Estimate) string {
	if est == nil {
		return "not estimated | not estimated"
	}
	mark := ""
	if !est.Complete {
		mark = " (incomplete)"
	}
	return dollars(est.Total.Min) + mark + " | " + dollars(est.Total.Max) + mark
}

func lineRange(l *Line) string {
	switch {
	case l == nil:
		return "none"
	case !l.Priced:
		return "no price"
	}
	return money(l.Min, l.Max)
}

func flushDelta(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing cost change: %w", err)
	}
	return nil
}
