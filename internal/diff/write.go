package diff

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/berth-dev/berth/internal/cost"
	"github.com/berth-dev/berth/internal/english"
	"github.com/berth-dev/berth/internal/markdown"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/safetext"
)

// MarkdownMarker starts every Markdown rendering, so that a workflow can
// find the pull request comment it posted before and update it.
const MarkdownMarker = "<!-- berth-plan-diff"

// WriteJSON writes the diff as indented JSON (docs/plan-format.md): its
// format and schema version, project, stack, counts, changes with the old
// and new value of each changed input and option (secrets and unknowns as
// the plan's markers), flags, and the cost change when the plans carry
// estimates (as cost.Delta.MarshalJSON writes it). Equal plans give empty
// lists.
func (r *Result) WriteJSON(w io.Writer) error {
	doc := struct {
		Format        string      `json:"format"`
		SchemaVersion int         `json:"schemaVersion"`
		Project       string      `json:"project"`
		Stack         string      `json:"stack"`
		Counts        Counts      `json:"counts"`
		Changes       []Change    `json:"changes"`
		Flags         []Flag      `json:"flags"`
		Rollouts      []Rollout   `json:"rollouts"`
		Cost          *cost.Delta `json:"cost,omitempty"`
	}{Format, SchemaVersion, r.Project, r.Stack, r.Counts, r.Changes, r.Flags, r.Rollouts, r.Cost}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing diff: %w", err)
	}
	return nil
}

// MarshalJSON writes a value as {"path", "old"?, "new"?, "ignored"?}: old
// and new are left out where the path does not exist.
func (v Value) MarshalJSON() ([]byte, error) {
	doc := struct {
		Path    string          `json:"path"`
		Old     json.RawMessage `json:"old,omitempty"`
		New     json.RawMessage `json:"new,omitempty"`
		Ignored bool            `json:"ignored,omitempty"`
		Kept    bool            `json:"kept,omitempty"`
	}{Path: v.Path, Ignored: v.Ignored, Kept: v.Kept}
	var err error
	if v.HasOld {
		if doc.Old, err = marshal(plan.EncodeValue(planValue(v.Old))); err != nil {
			return nil, err
		}
	}
	if v.HasNew {
		if doc.New, err = marshal(plan.EncodeValue(planValue(v.New))); err != nil {
			return nil, err
		}
	}
	return marshal(doc)
}

// summary counts the changes, as "1 to create, 2 to update, 0 to replace,
// 0 to delete".
func (r *Result) summary() string {
	n := r.Counts
	return fmt.Sprintf("%d to create, %d to update, %d to replace, %d to delete", n.Create, n.Update, n.Replace, n.Delete)
}

// groups splits the changes (sorted by component) into runs of one
// component.
func (r *Result) groups() [][]Change {
	var out [][]Change
	for i, c := range r.Changes {
		if i == 0 || c.Component != r.Changes[i-1].Component {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], c)
	}
	return out
}

// componentName names a group: the parent's type and name, or "stack".
func (r *Result) componentName(urn string) string {
	if urn == "" {
		return "stack"
	}
	if n, ok := r.names[urn]; ok {
		return n
	}
	return urn
}

// nameOf returns the logical name of a URN: the part after the last "::".
func nameOf(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

var opSymbol = map[Op]string{Create: "+", Update: "~", Replace: "+-", Delete: "-"}

// opWords names a change's operation with the order the engine gives it:
// a replacement creates first or deletes first (Change.DeleteFirst), and a
// resource the program drops is deleted after every other step of the
// update (pkg/v3 v3.274.1 resource/deploy/step_generator.go:2558-2565,
// deployment_executor.go:390-394).
func opWords(c Change) string {
	switch {
	case c.Op == Replace && c.DeleteFirst:
		return "replace, delete first"
	case c.Op == Replace:
		return "replace, create first"
	case c.Op == Delete:
		return "delete, last"
	}
	return string(c.Op)
}

// WriteText writes the diff for people to read in a terminal: a summary,
// the flags, the rollouts, then the changes by component with old -> new
// values.
func (r *Result) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Diff of %s/%s: %s; %s\n", safetext.Line(r.Project), safetext.Line(r.Stack), r.summary(), english.Count(len(r.Flags), "flag"))
	if len(r.Flags) > 0 {
		bw.WriteString("\nFlags:\n")
		for _, f := range r.Flags {
			fmt.Fprintf(bw, "  %-8s %s: %s\n", f.Kind, safetext.Line(nameOf(f.URN)), safetext.Line(f.Reason))
		}
	}
	if len(r.Rollouts) > 0 {
		bw.WriteString("\nRollouts:\n")
		for _, ro := range r.Rollouts {
			fmt.Fprintf(bw, "  %s: %s\n       before: %s\n       after:  %s\n", safetext.Line(nameOf(ro.URN)), safetext.Line(ro.Words), safetext.Line(orNone(ro.Before)), safetext.Line(orNone(ro.After)))
		}
	}
	if r.Cost != nil {
		// Writing to bw cannot fail before Flush, which reports it.
		_ = r.Cost.WriteText(bw)
	}
	if len(r.Changes) == 0 {
		bw.WriteString("\nNo changes.\n")
	}
	for _, g := range r.groups() {
		fmt.Fprintf(bw, "\n%s\n", safetext.Line(r.componentName(g[0].Component)))
		for _, c := range g {
			fmt.Fprintf(bw, "  %-2s %s  %s  (%s", opSymbol[c.Op], safetext.Line(c.Name), safetext.Line(c.Type), opWords(c))
			if c.OldURN != "" {
				fmt.Fprintf(bw, ", was %s", safetext.Line(nameOf(c.OldURN)))
			}
			bw.WriteString(")\n")
			for _, v := range c.Values {
				fmt.Fprintf(bw, "       %s: %s\n", safetext.Line(v.Path), safetext.Line(valueChange(c.Op, v)))
			}
			for _, v := range c.Options {
				fmt.Fprintf(bw, "       option %s: %s\n", safetext.Line(v.Path), safetext.Line(valueChange(c.Op, shown(v))))
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing diff: %w", err)
	}
	return nil
}

// WriteMarkdown writes the diff as a pull request comment section for one
// stack: a hidden marker and a summary line, then the sections of
// markdownSections. Everything from the plans is in code spans, escaped for
// tables.
func (r *Result) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s stack=%s -->\n", MarkdownMarker, markdown.Comment(r.Stack))
	fmt.Fprintf(bw, "### berth diff, stack %s: %s\n\n", markdown.Code(r.Stack), r.summary())
	if len(r.Changes) == 0 {
		bw.WriteString("No changes.\n\n")
		r.markdownCost(bw)
		return flush(bw)
	}
	for _, section := range r.markdownSections() {
		section(bw)
	}
	return flush(bw)
}

// markdownSections are the parts of a stack's Markdown after its summary
// line, in order: the flags, the cost change, the table of changed
// resources, and each component's details, collapsed. Another part is one
// more function in this list.
func (r *Result) markdownSections() []func(*bufio.Writer) {
	return []func(*bufio.Writer){r.markdownFlags, r.markdownRollouts, r.markdownCost, r.markdownTable, r.markdownDetails}
}

// markdownRollouts writes one row per service whose split changes.
func (r *Result) markdownRollouts(bw *bufio.Writer) {
	if len(r.Rollouts) == 0 {
		return
	}
	bw.WriteString("**Rollouts**\n\n| Service | What it does | Before | After |\n|---|---|---|---|\n")
	for _, ro := range r.Rollouts {
		fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", markdown.Code(nameOf(ro.URN)), markdown.Text(ro.Words), markdown.Code(orNone(ro.Before)), markdown.Code(orNone(ro.After)))
	}
	bw.WriteString("\n")
}

// orNone is s, or "(none)" when it is empty.
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// markdownCost writes the cost section, when the plans carry estimates.
func (r *Result) markdownCost(bw *bufio.Writer) {
	if r.Cost != nil {
		// Writing to bw cannot fail before flush, which reports it.
		_ = r.Cost.WriteMarkdown(bw)
	}
}

// markdownFlags writes the flags table.
func (r *Result) markdownFlags(bw *bufio.Writer) {
	if len(r.Flags) == 0 {
		bw.WriteString("No risk flags.\n\n")
		return
	}
	fmt.Fprintf(bw, "**%s to review**\n\n", english.Count(len(r.Flags), "flag"))
	bw.WriteString("| Flag | Resource | Reason |\n|---|---|---|\n")
	for _, f := range r.Flags {
		fmt.Fprintf(bw, "| **%s** | %s | %s |\n", f.Kind, markdown.Code(nameOf(f.URN)), markdown.Text(f.Reason))
	}
	bw.WriteString("\n")
}

// markdownTable writes one row per changed resource.
func (r *Result) markdownTable(bw *bufio.Writer) {
	bw.WriteString("| Change | Resource | Type | Component | Inputs changed | Options changed |\n|---|---|---|---|---|---|\n")
	for _, c := range r.Changes {
		name := markdown.Code(c.Name)
		if c.OldURN != "" {
			name += " (was " + markdown.Code(nameOf(c.OldURN)) + ")"
		}
		comp := "stack"
		if c.Component != "" {
			comp = markdown.Code(nameOf(c.Component))
		}
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %d | %d |\n", opWords(c), name, markdown.Code(c.Type), comp, len(c.Paths), len(c.Options))
	}
	bw.WriteString("\n")
}

// markdownDetails writes each component's changes with their values, in a
// collapsed section.
func (r *Result) markdownDetails(bw *bufio.Writer) {
	for _, g := range r.groups() {
		fmt.Fprintf(bw, "<details><summary>%s: %s</summary>\n\n", markdown.HTMLCode(r.componentName(g[0].Component)), english.Count(len(g), "change"))
		for _, c := range g {
			fmt.Fprintf(bw, "**%s** %s (%s)", c.Op, markdown.Code(c.Name), markdown.Code(c.Type))
			if c.OldURN != "" {
				fmt.Fprintf(bw, ", was %s", markdown.Code(nameOf(c.OldURN)))
			}
			bw.WriteString("\n\n")
			rows := make([]Value, 0, len(c.Values)+len(c.Options))
			rows = append(rows, c.Values...)
			for _, o := range c.Options {
				o = shown(o)
				o.Path = "option " + o.Path
				rows = append(rows, o)
			}
			switch {
			case len(rows) == 0:
			case c.Op == Create:
				bw.WriteString("| Input | Value |\n|---|---|\n")
				for _, v := range rows {
					fmt.Fprintf(bw, "| %s | %s |\n", markdown.Code(v.Path), markdown.Code(render(v.New, v.HasNew)))
				}
				bw.WriteString("\n")
			default:
				bw.WriteString("| Input | Old | New |\n|---|---|---|\n")
				for _, v := range rows {
					path := markdown.Code(v.Path)
					if v.Ignored {
						path += " (ignored)"
					}
					if v.Kept {
						path += " (kept)"
					}
					fmt.Fprintf(bw, "| %s | %s | %s |\n", path, markdown.Code(render(v.Old, v.HasOld)), markdown.Code(render(v.New, v.HasNew)))
				}
				bw.WriteString("\n")
			}
		}
		bw.WriteString("</details>\n\n")
	}
}

// shown returns an option's value as people read it: dependencies by
// logical name, not URN.
func shown(o Value) Value {
	if o.Path != "dependsOn" {
		return o
	}
	names := func(v any) any {
		l, _ := v.([]any)
		out := make([]any, len(l))
		for i, u := range l {
			s, _ := u.(string)
			out[i] = nameOf(s)
		}
		return out
	}
	o.Old, o.New = names(o.Old), names(o.New)
	return o
}

// valueChange renders one value of a change: the new value of a created
// resource, "old -> new" otherwise, with a note when ignoreChanges keeps
// the old one.
func valueChange(op Op, v Value) string {
	if op == Create {
		return render(v.New, v.HasNew)
	}
	s := render(v.Old, v.HasOld) + " -> " + render(v.New, v.HasNew)
	if v.Ignored {
		s += " (ignored: ignoreChanges keeps the old value)"
	}
	if v.Kept {
		s += " (kept: the provider keeps the cloud's value when the input is left out)"
	}
	return s
}

func flush(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing diff: %w", err)
	}
	return nil
}
