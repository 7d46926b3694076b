package imageref

import (
	"strings"
	"testing"
)

func TestOnlySHA256DigestReferencesPass(t *testing.T) {
	t.Parallel()
	hex := strings.Repeat("0a", 32)
	for ref, want := range map[string]string{
		"us-docker.pkg.dev/p/r/app@sha256:" + hex:                            "",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2@sha256:" + hex: "",
		Placeholder:                    "",
		"nginx:latest":                 `"nginx:latest" is not by digest`,
		"nginx":                        `"nginx" is not by digest`,
		"repo/app@sha512:" + hex + hex: "is not",
		"repo/app@sha256:ABC":          "is not an image reference",
		"":                             `"" is not an image reference`,
	} {
		got := Problem(ref)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("Problem(%q) = %q, want %q", ref, got, want)
		}
	}
	if d, ok := Digest("repo/app@sha256:" + hex); !ok || d != "sha256:"+hex {
		t.Errorf("Digest = %q, %v", d, ok)
	}
}
