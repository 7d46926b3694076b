package plan

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteMermaid writes p as a Mermaid flowchart in a ```mermaid fenced
// block, which GitHub renders in Markdown (comments, READMEs): each
// component is a subgraph holding its children, each other resource a node
// labelled with its name and type, and each dependency an arrow from the
// resource depended on to the one that depends on it. Node IDs are r0, r1,
// ... in plan order, so no URN character reaches Mermaid's syntax; labels
// are quoted with Mermaid's entity codes for the characters it would read.
func (p *Plan) WriteMermaid(w io.Writer) error {
	bw := bufio.NewWriter(w)
	id := make(map[string]string, len(p.Resources))
	children := map[string][]int{}
	for i, r := range p.Resources {
		id[r.URN] = "r" + strconv.Itoa(i)
	}
	var roots []int
	for i, r := range p.Resources {
		if _, ok := id[r.Parent]; ok && r.Parent != "" {
			children[r.Parent] = append(children[r.Parent], i)
		} else {
			roots = append(roots, i)
		}
	}
	bw.WriteString("```mermaid\nflowchart LR\n")
	var node func(i, depth int)
	node = func(i, depth int) {
		r := p.Resources[i]
		ind := strings.Repeat("  ", depth)
		label := mermaidLabel(r.Name) + "<br/><small>" + mermaidLabel(r.Type) + "</small>"
		if kids := children[r.URN]; len(kids) > 0 {
			fmt.Fprintf(bw, "%ssubgraph %s[\"%s\"]\n", ind, id[r.URN], label)
			for _, k := range kids {
				node(k, depth+1)
			}
			fmt.Fprintf(bw, "%send\n", ind)
			return
		}
		fmt.Fprintf(bw, "%s%s[\"%s\"]\n", ind, id[r.URN], label)
	}
	for _, i := range roots {
		node(i, 1)
	}
	for _, r := range p.Resources {
		for _, d := range r.DependsOn {
			if from, ok := id[d]; ok {
				fmt.Fprintf(bw, "  %s --> %s\n", from, id[r.URN])
			}
		}
	}
	bw.WriteString("```\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	return nil
}

// mermaidLabel escapes text for a quoted Mermaid label: characters that
// Mermaid or the HTML it renders would interpret become entity codes.
func mermaidLabel(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString("#quot;")
		case '<':
			b.WriteString("#lt;")
		case '>':
			b.WriteString("#gt;")
		case '&':
			b.WriteString("#amp;")
		case '#':
			b.WriteString("#35;")
		case '`':
			b.WriteString("#96;")
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
