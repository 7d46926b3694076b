// Package markdown escapes text from plans and estimates for GitHub
// Flavored Markdown, so that a value in a pull request comment renders as
// the value: it cannot close a code span, split a table cell, inject HTML
// or mention a user or team. berth diff and berth cost write with it.
package markdown

import (
	"html"
	"strings"
)

// Code returns s as a code span that is safe in a table cell: the fence is
// longer than any backtick run inside, pipes are escaped (GFM splits cells
// on them even inside code spans), and line breaks become spaces.
func Code(s string) string {
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

// HTMLCode returns s in an HTML code element, for <summary>, where
// Markdown is not rendered.
func HTMLCode(s string) string {
	return "<code>" + html.EscapeString(s) + "</code>"
}

// Text escapes prose for a table cell or list item: Markdown punctuation,
// HTML, "@" (so that nothing mentions a user or team) and line breaks.
func Text(s string) string {
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
