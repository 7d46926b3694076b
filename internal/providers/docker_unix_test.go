//go:build unix

package providers

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestAContextWithADeviceOrFIFOForItsFilesIsRefused: a Dockerfile linked
// to /dev/zero or a FIFO .dockerignore would stall a plan for ever.
func TestAContextWithADeviceOrFIFOForItsFilesIsRefused(t *testing.T) {
	t.Parallel()
	zero := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(zero, "Dockerfile")); err != nil {
		t.Fatal(err)
	}
	_, err := DockerContextDigest(zero, filepath.Join(zero, "Dockerfile"))
	if want := "is a character device, not a regular file"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a Dockerfile linked to /dev/zero: %v, want %q", err, want)
	}
	fifo := t.TempDir()
	if err := os.WriteFile(filepath.Join(fifo, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(fifo, ".dockerignore"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = DockerContextDigest(fifo, filepath.Join(fifo, "Dockerfile"))
	if want := "is a FIFO (named pipe), not a regular file"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a FIFO .dockerignore: %v, want %q", err, want)
	}
}
