package markdown

import (
	"strings"
	"testing"
)

func TestCode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain":   "`plain`",
		"a|b":     "`a\\|b`",
		"a`b":     "``a`b``",
		"`a`":     "`` `a` ``",
		"a\nb":    "`a b`",
		"":        "`  `",
		"x``y`":   "``` x``y` ```",
		"<!---->": "`<!---->`",
	} {
		if got := Code(in); got != want {
			t.Errorf("Code(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"memory 512Mi -> 1Gi":      "memory 512Mi -&gt; 1Gi",
		"cc @acme/infra":           "cc &#64;acme/infra",
		"<img src=x>":              "&lt;img src=x&gt;",
		"a|b *c* _d_ [e](f) `g` #": `a\|b \*c\* \_d\_ \[e\](f) \` + "`" + `g\` + "`" + ` \#`,
		"line\nbreak\r":            "line break ",
		"R&D ~x~ !":                `R&amp;D \~x\~ \!`,
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHTMLCode(t *testing.T) {
	t.Parallel()
	if got := HTMLCode(`berth:cloudrun:Service <"a">`); got != "<code>berth:cloudrun:Service &lt;&#34;a&#34;&gt;</code>" {
		t.Errorf("HTMLCode = %s", got)
	}
}

func TestHTMLCodeStaysInItsElement(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"api":                          "<code>api</code>",
		"a\n\n@org/team [x](http://e)": "<code>a  &#64;org/team [x](http://e)</code>",
		"</summary><img src=x>":        "<code>&lt;/summary&gt;&lt;img src=x&gt;</code>",
	} {
		if got := HTMLCode(in); got != want {
			t.Errorf("HTMLCode(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestCommentCannotEndTheComment(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"prod-eu":    "prod-eu",
		"--->":       "-%2D%2D%3E",
		"a--!>b":     "a-%2D%21%3Eb",
		"dev.v2_x":   "dev.v2_x",
		"x -->\n@me": "x%20-%2D%3E%0A%40me",
	} {
		got := Comment(in)
		if got != want {
			t.Errorf("Comment(%q) = %s, want %s", in, got, want)
		}
		if strings.Contains(got, "--") || strings.Contains(got, ">") {
			t.Errorf("Comment(%q) = %s can end a comment", in, got)
		}
	}
}
