package image

import (
	"strings"
	"testing"
)

func TestArchitecturePlatformMapsECSArchitectures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		arch    string
		want    string
		wantErr bool
	}{
		{arch: "X86_64", want: "linux/amd64"},
		{arch: "", want: "linux/amd64"},
		{arch: "ARM64", want: "linux/arm64"},
		{arch: "arm64", wantErr: true},
		{arch: "SPARC", wantErr: true},
	} {
		got, err := ArchitecturePlatform(tc.arch)
		if tc.wantErr {
			if err == nil || !strings.Contains(err.Error(), `"X86_64", "ARM64"`) {
				t.Errorf("ArchitecturePlatform(%q) error = %v, want one listing the allowed architectures", tc.arch, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ArchitecturePlatform(%q) = %q, %v, want %q", tc.arch, got, err, tc.want)
		}
	}
}
