// Package markdown escapes text from plans and estimates for GitHub
// Flavored Markdown, so that a value in a pull request comment renders as
// the value: it cannot close a code span, split a table cell, inject HTML
// or mention a user or team. berth diff and berth cost write with it.
package markdown

import (
	"fmt"
	"html"
	"strings"
)

// codeEscapes are Code's replacements, built once: a large diff writes
// hundreds of thousands of code spans.
var codeEscapes = strings.NewReplacer("\r", " ", "\n", " ", "|", `\|`)

// Code returns s as a code span that is safe in a table cell: the fence is
// longer than any backtick run inside, pipes are escaped (GFM splits cells
// on them even inside code spans), and line breaks become spaces.
func Code(s string) string {
	s = codeEscapes.Replace(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		s = " " + s + " "
	}
	return fence + s + fence
}

// htmlCodeEscapes are HTMLCode's replacements after HTML escaping.
var htmlCodeEscapes = strings.NewReplacer("\r", " ", "\n", " ", "@", "&#64;")

// HTMLCode returns s in an HTML code element, for <summary>, where
// Markdown is not rendered. Line breaks become spaces: a blank line would
// end the HTML block and render the rest as Markdown.
func HTMLCode(s string) string {
	s = htmlCodeEscapes.Replace(html.EscapeString(s))
	return "<code>" + s + "</code>"
}

// Comment returns s for the inside of an HTML comment (<!-- ... -->):
// letters, digits, "_", "." and single hyphens stay, anything else,
// including a hyphen after a hyphen, becomes %XX, so that s cannot end
// the comment.
func Comment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '.',
			c == '-' && (i == 0 || s[i-1] != '-'):
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
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
