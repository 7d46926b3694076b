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
