package envvar

import (
	"strings"
	"testing"
)

func TestNameProblem(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{"DB_URL": true, "_x": true, "a1": true, "1A": false, "DB-URL": false, "": false} {
		if got := NameProblem(name) == ""; got != ok {
			t.Errorf("NameProblem(%q) accepted = %v, want %v", name, got, ok)
		}
	}
}

func TestSecretNamesRejectsBadClashingAndRepeatedNames(t *testing.T) {
	t.Parallel()
	n := NewSecretNames(map[string]string{"LOG_LEVEL": "info"}, NameProblem, "env")
	for i, c := range []struct{ name, want string }{
		{"DB_URL", ""},
		{"DB-URL", "is not an environment variable name"},
		{"LOG_LEVEL", `"LOG_LEVEL" is also a plain variable in env`},
		{"DB_URL", `"DB_URL" is already the env of secrets[0]`},
		{"TOKEN", ""},
	} {
		got := n.Check(i, c.name)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("Check(%d, %q) = %q, want %q", i, c.name, got, c.want)
		}
	}
}
