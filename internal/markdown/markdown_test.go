package markdown

import "testing"

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
