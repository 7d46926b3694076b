package naming

import (
	"regexp"
	"strings"
	"testing"
)

var valid = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)

func TestPhysicalFitsEveryLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, base string
		max        int
		wantPrefix string
	}{
		{"short name kept", "api", 25, "api-"},
		{"uppercase and underscores", "My_API", 32, "my-api-"},
		{"cut to fit connector limit", "a-very-long-service-name-indeed", 25, "a-very-long-servi-"},
		{"cut leaves no trailing hyphen", "abcdefghijklmnop-rstuvwxyz", 25, "abcdefghijklmnop-"},
		{"leading digits dropped", "9lives", 30, "lives-"},
		{"nothing usable", "___", 30, "b"},
		{"minimum max", "service", HashLen + 2, "s-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Physical(tt.base, Seed("berth", "dev", tt.base), tt.max)
			if len(got) > tt.max {
				t.Errorf("Physical(%q) = %q, %d characters, over %d", tt.base, got, len(got), tt.max)
			}
			if !valid.MatchString(got) || strings.Contains(got, "--") {
				t.Errorf("Physical(%q) = %q, not a valid name", tt.base, got)
			}
			if !strings.HasPrefix(got, tt.wantPrefix) {
				t.Errorf("Physical(%q) = %q, want prefix %q", tt.base, got, tt.wantPrefix)
			}
		})
	}
}

func TestPhysicalIsStableAndSeedSensitive(t *testing.T) {
	t.Parallel()
	a := Physical("api", Seed("berth", "dev", "api"), 25)
	if b := Physical("api", Seed("berth", "dev", "api"), 25); a != b {
		t.Fatalf("same seed gave %q then %q", a, b)
	}
	if c := Physical("api", Seed("berth", "prod", "api"), 25); a == c {
		t.Fatalf("dev and prod seeds both gave %q", a)
	}
	if want := "api-be0addd"; a != want {
		// Pinned so that a change to the derivation, which would rename and so
		// replace every resource, cannot pass unnoticed.
		t.Fatalf("Physical = %q, want %q", a, want)
	}
}

func TestSanitize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Hello World": "hello-world",
		"--a--b--":    "a-b",
		"123":         "",
		"1a":          "a",
		"a.b_c":       "a-b-c",
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSiblingsCutToOnePrefixStayApart(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 60)
	if a, b := Physical(long+"-exec", "s", 64), Physical(long+"-task", "s", 64); a != b {
		t.Fatalf("the premise: Physical gives %q and %q, want one name (the cut drops what differs)", a, b)
	}
	exec, task := Sibling(long+"-exec", "s", 64), Sibling(long+"-task", "s", 64)
	if exec == task || len(exec) > 64 || len(task) > 64 || !valid.MatchString(exec) || !valid.MatchString(task) {
		t.Errorf("Sibling gives %q and %q, want two valid names of at most 64 characters", exec, task)
	}
	if got, want := Sibling("api-exec", "s", 64), Physical("api-exec", "s", 64); got != want {
		t.Errorf("Sibling of a base that fits = %q, want Physical's %q (names of running stacks stay)", got, want)
	}
}
