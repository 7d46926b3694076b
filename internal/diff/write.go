package diff

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"
)

// MarkdownMarker starts every Markdown rendering, so that a workflow can
// find the pull request comment it posted before and update it.
const MarkdownMarker = "<!-- berth-plan-diff"

// WriteJSON writes the changes and flags as indented JSON:
// `{"changes": [{"urn", "type", "op", "paths", "oldUrn"?}], "flags":
// [{"kind", "urn", "reason"}], "cost"?: {...}}` (cost as
// cost.Delta.MarshalJSON writes it, when the plans carry estimates). Equal
// plans give empty lists.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing diff: %w", err)
	}
	return nil
}

// summary counts the changes, as "1 to create, 2 to update, 0 to replace,
// 0 to delete".
func (r *Result) summary() string {
	n := r.Counts()
	return fmt.Sprintf("%d to create, %d to update, %d to replace, %d to delete", n[Create], n[Update], n[Replace], n[Delete])
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

// WriteText writes the diff for people to read in a terminal: a summary,
// the flags, then the changes by component with old -> new values.
func (r *Result) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Diff of %s/%s: %s; %d %s\n", r.Project, r.Stack, r.summary(), len(r.Flags), plural(len(r.Flags), "flag", "flags"))
	if len(r.Flags) > 0 {
		bw.WriteString("\nFlags:\n")
		for _, f := range r.Flags {
			fmt.Fprintf(bw, "  %-8s %s: %s\n", f.Kind, nameOf(f.URN), f.Reason)
		}
	}
	if r.Cost != nil {
		if err := r.Cost.WriteText(bw); err != nil {
			return err
		}
	}
	if len(r.Changes) == 0 {
		bw.WriteString("\nNo changes.\n")
	}
	for _, g := range r.groups() {
		fmt.Fprintf(bw, "\n%s\n", r.componentName(g[0].Component))
		for _, c := range g {
			fmt.Fprintf(bw, "  %-2s %s  %s  (%s", opSymbol[c.Op], c.Name, c.Type, c.Op)
			if c.OldURN != "" {
				fmt.Fprintf(bw, ", was %s", nameOf(c.OldURN))
			}
			bw.WriteString(")\n")
			for _, v := range c.Values {
				if c.Op == Create {
					fmt.Fprintf(bw, "       %s: %s\n", v.Path, render(v.New, v.HasNew))
				} else {
					fmt.Fprintf(bw, "       %s: %s -> %s\n", v.Path, render(v.Old, v.HasOld), render(v.New, v.HasNew))
				}
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing diff: %w", err)
	}
	return nil
}

// WriteMarkdown writes the diff as a pull request comment section for one
// stack: a hidden marker, a summary line, the flags table, a table of the
// changed resources, then each component's details in a collapsed section.
// Everything from the plans is in code spans, escaped for tables.
func (r *Result) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s stack=%s -->\n", MarkdownMarker, strings.ReplaceAll(r.Stack, "--", "-"))
	fmt.Fprintf(bw, "### berth diff, stack %s: %s\n\n", code(r.Stack), r.summary())
	if len(r.Changes) == 0 {
		bw.WriteString("No changes.\n\n")
		if err := r.writeMarkdownCost(bw); err != nil {
			return err
		}
		return flush(bw)
	}
	if len(r.Flags) == 0 {
		bw.WriteString("No risk flags.\n\n")
	} else {
		fmt.Fprintf(bw, "**%d %s to review**\n\n", len(r.Flags), plural(len(r.Flags), "flag", "flags"))
		bw.WriteString("| Flag | Resource | Reason |\n|---|---|---|\n")
		for _, f := range r.Flags {
			fmt.Fprintf(bw, "| **%s** | %s | %s |\n", f.Kind, code(nameOf(f.URN)), mdText(f.Reason))
		}
		bw.WriteString("\n")
	}
	if err := r.writeMarkdownCost(bw); err != nil {
		return err
	}
	bw.WriteString("| Change | Resource | Type | Component | Inputs changed |\n|---|---|---|---|---|\n")
	for _, c := range r.Changes {
		name := code(c.Name)
		if c.OldURN != "" {
			name += " (was " + code(nameOf(c.OldURN)) + ")"
		}
		comp := "stack"
		if c.Component != "" {
			comp = code(nameOf(c.Component))
		}
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %d |\n", c.Op, name, code(c.Type), comp, len(c.Paths))
	}
	bw.WriteString("\n")
	for _, g := range r.groups() {
		fmt.Fprintf(bw, "<details><summary>%s: %d %s</summary>\n\n", htmlCode(r.componentName(g[0].Component)), len(g), plural(len(g), "change", "changes"))
		for _, c := range g {
			fmt.Fprintf(bw, "**%s** %s (%s)", c.Op, code(c.Name), code(c.Type))
			if c.OldURN != "" {
				fmt.Fprintf(bw, ", was %s", code(nameOf(c.OldURN)))
			}
			bw.WriteString("\n\n")
			switch {
			case len(c.Values) == 0:
			case c.Op == Create:
				bw.WriteString("| Input | Value |\n|---|---|\n")
				for _, v := range c.Values {
					fmt.Fprintf(bw, "| %s | %s |\n", code(v.Path), code(render(v.New, v.HasNew)))
				}
				bw.WriteString("\n")
			default:
				bw.WriteString("| Input | Old | New |\n|---|---|---|\n")
				for _, v := range c.Values {
					fmt.Fprintf(bw, "| %s | %s | %s |\n", code(v.Path), code(render(v.Old, v.HasOld)), code(render(v.New, v.HasNew)))
				}
				bw.WriteString("\n")
			}
		}
		bw.WriteString("</details>\n\n")
	}
	return flush(bw)
}

// writeMarkdownCost writes the cost section, when the plans carry
// estimates, after the flags.
func (r *Result) writeMarkdownCost(bw *bufio.Writer) error {
	if r.Cost == nil {
		return nil
	}
	return r.Cost.WriteMarkdown(bw)
}

func flush(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing diff: %w", err)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// code returns s as a Markdown code span that is safe in a table cell: the
// fence is longer than any backtick run inside, and pipes are escaped (GFM
// splits cells on them even inside code spans).
func code(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ", "|", `\|`).Replace(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		s = " " + s + " "
	}
	return fence + s + fence
}

// htmlCode returns s in an HTML code element, for <summary>, where Markdown
// is not rendered.
func htmlCode(s string) string {
	return "<code>" + html.EscapeString(s) + "</code>"
}

// mdText escapes prose for a Markdown table cell: Markdown punctuation,
// HTML and "@" (so that nothing mentions a user or team).
func mdText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '|', '#', '~', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '@':
			b.WriteString("&#64;")
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
