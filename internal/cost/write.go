package cost

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/berth-dev/berth/internal/english"
	"github.com/berth-dev/berth/internal/markdown"
	"github.com/berth-dev/berth/internal/safetext"
)

// WriteJSON writes est as indented JSON followed by a newline.
func (est *Estimate) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(est); err != nil {
		return fmt.Errorf("writing cost estimate: %w", err)
	}
	return nil
}

// WriteText writes est for a terminal: the total, one line per priced item
// with its quantity, unit price and monthly range, then the unpriced
// items, the free tier, the assumptions and what is not included.
func (est *Estimate) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Monthly cost of %s/%s: %s%s\n%s, %d hours a month, from berth's price table (checked %s)\n\n",
		est.Project, est.Stack, money(est.Total.Min, est.Total.Max), incompleteMark(est), est.Currency, est.HoursPerMonth, est.PricesChecked)
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RESOURCE\tITEM\tQUANTITY\tMIN\tMAX")
	for _, l := range est.Lines {
		if !l.Priced {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", safetext.Line(l.Resource), safetext.Line(l.Item), safetext.Line(quantity(l)), dollars(l.Min), dollars(l.Max))
	}
	fmt.Fprintf(tw, "total\t\t\t%s\t%s\n", dollars(est.Total.Min), dollars(est.Total.Max))
	tw.Flush()
	if un := est.Unpriced(); len(un) > 0 {
		bw.WriteString("\nNot priced, so the total is incomplete:\n")
		for _, l := range un {
			fmt.Fprintf(bw, "  %s %s: %s\n", safetext.Line(l.Resource), safetext.Line(l.Item), safetext.Line(l.Note))
		}
	}
	if len(est.FreeTier) > 0 {
		bw.WriteString("\nFree tier, per billing account, shown and not subtracted:\n")
		for _, l := range est.FreeTier {
			fmt.Fprintf(bw, "  %s, %s: up to %s\n", l.Item, l.Quantity, money(l.Min, l.Max))
		}
	}
	fmt.Fprintf(bw, "\nAssumptions (berth:cost, see docs/cost.md): %s\n", est.Assumptions.summary())
	bw.WriteString("\nNot included:\n")
	for _, s := range est.NotIncluded {
		fmt.Fprintf(bw, "  - %s\n", safetext.Line(s))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing cost estimate: %w", err)
	}
	return nil
}

// WriteMarkdown writes est as a Markdown section: the total, a table of
// the lines, the unpriced items, then the free tier, assumptions and what
// is not included in a collapsed section.
func (est *Estimate) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "### Monthly cost, stack %s: %s%s\n\n", markdown.Code(est.Stack), money(est.Total.Min, est.Total.Max), incompleteMark(est))
	fmt.Fprintf(bw, "%s, %d hours a month, from berth's price table (checked %s).\n\n", est.Currency, est.HoursPerMonth, est.PricesChecked)
	bw.WriteString("| Resource | Item | Quantity | Min | Max |\n|---|---|---|---:|---:|\n")
	for _, l := range est.Lines {
		if !l.Priced {
			fmt.Fprintf(bw, "| %s | %s | %s | no price | no price |\n", markdown.Code(l.Resource), markdown.Text(l.Item), markdown.Text(l.Note))
			continue
		}
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %s |\n", markdown.Code(l.Resource), markdown.Text(l.Item), markdown.Text(quantity(l)), dollars(l.Min), dollars(l.Max))
	}
	fmt.Fprintf(bw, "| **total** | | | **%s** | **%s** |\n\n", dollars(est.Total.Min), dollars(est.Total.Max))
	if un := est.Unpriced(); len(un) > 0 {
		fmt.Fprintf(bw, "**Incomplete:** %s without a price; the total leaves them out.\n\n", english.Count(len(un), "line"))
	}
	est.writeMarkdownDetails(bw)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing cost estimate: %w", err)
	}
	return nil
}

// writeMarkdownDetails writes the free tier, assumptions and what is not
// included, collapsed.
func (est *Estimate) writeMarkdownDetails(bw *bufio.Writer) {
	summary := "Assumptions and what is not included"
	if len(est.FreeTier) > 0 {
		summary = "Free tier, assumptions and what is not included"
	}
	fmt.Fprintf(bw, "<details><summary>%s</summary>\n\n", summary)
	if len(est.FreeTier) > 0 {
		bw.WriteString("Free tier, per billing account, shown and not subtracted:\n\n")
		for _, l := range est.FreeTier {
			fmt.Fprintf(bw, "- %s, %s: up to %s\n", markdown.Text(l.Item), markdown.Text(l.Quantity), money(l.Min, l.Max))
		}
		bw.WriteString("\n")
	}
	fmt.Fprintf(bw, "Assumptions (`berth:cost`, see docs/cost.md): %s\n\n", markdown.Text(est.Assumptions.summary()))
	bw.WriteString("Not included:\n\n")
	for _, s := range est.NotIncluded {
		fmt.Fprintf(bw, "- %s\n", markdown.Text(s))
	}
	bw.WriteString("\n</details>\n\n")
}

// summary lists the assumptions as `key value` pairs.
func (a Assumptions) summary() string {
	kept := "from each repository's policy"
	if a.ImagesKept > 0 {
		kept = fmt.Sprint(a.ImagesKept)
	}
	return fmt.Sprintf("requestsPerMonth %d, requestDuration %s, bytesPerRequest %d, logGBPerMonth %s, imageMB %s, imagesKept %s, instanceStartsPerMonth %d",
		a.RequestsPerMonth, a.RequestDuration.String(), a.BytesPerRequest, plain(a.LogGBPerMonth), plain(a.ImageMB), kept, a.InstanceStartsPerMonth)
}

// quantity renders a priced line's quantity and unit price.
func quantity(l Line) string {
	q := l.Quantity
	if q != "" {
		q += " "
	}
	return q + "at $" + plain(l.UnitPrice) + "/" + l.Unit
}

func incompleteMark(est *Estimate) string {
	if est.Complete {
		return ""
	}
	return " (incomplete)"
}

// dollars formats an amount in cents: "$12.34".
func dollars(usd float64) string {
	return fmt.Sprintf("$%.2f", math.Round(usd*100)/100+0) // +0 turns -0 into 0
}

// money formats a range: "$12.34", or "$12.34 - $56.78" when the ends
// differ in cents.
func money(lo, hi float64) string {
	if dollars(lo) == dollars(hi) {
		return dollars(lo)
	}
	return dollars(lo) + " - " + dollars(hi)
}

// signed formats a change: "+$1.00", "-$1.00" or "$0.00".
func signed(usd float64) string {
	d := dollars(usd)
	switch {
	case d == "$0.00":
		return "$0.00"
	case usd > 0:
		return "+" + d
	default:
		return "-" + dollars(-usd)
	}
}
