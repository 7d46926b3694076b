package containerbuild

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestTarContextKeepsWhatDockerignoreKeeps packs a context laid out like
// the repository's with its .dockerignore: only go.mod, go.sum and app/
// without tests and testdata go in, plus the Dockerfile and .dockerignore,
// which the docker CLI always sends.
func TestTarContextKeepsWhatDockerignoreKeeps(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	files := map[string]string{
		".dockerignore":                  "*\n!go.mod\n!go.sum\n!app/\napp/**/*_test.go\napp/**/testdata/\napp/Dockerfile\n",
		"go.mod":                         "module m\n",
		"go.sum":                         "",
		"README.md":                      "not in the image",
		".git/config":                    "not in the image",
		"infra/main.go":                  "package main",
		"app/Dockerfile":                 "FROM scratch\n",
		"app/main.go":                    "package main",
		"app/main_test.go":               "package main",
		"app/internal/x/x.go":            "package x",
		"app/internal/x/x_test.go":       "package x",
		"app/internal/x/testdata/fuzz/a": "seed",
		"app/rootfs/etc/passwd":          "app:x:65532:65532::/:/sbin/nologin\n",
	}
	for p, c := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := tarContext(&buf, root); err != nil {
		t.Fatal(err)
	}
	var got []string
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			got = append(got, h.Name)
		}
	}
	slices.Sort(got)
	want := []string{".dockerignore", "app/Dockerfile", "app/internal/x/x.go", "app/main.go", "app/rootfs/etc/passwd", "go.mod", "go.sum"}
	if !slices.Equal(got, want) {
		t.Fatalf("context files = %q, want %q", got, want)
	}
}
