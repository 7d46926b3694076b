//go:build unix

package fileread

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadRefusesWhatIsNotARegularFileWithoutOpeningIt(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "Pulumi.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "Pulumi.dev.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		// Opening the FIFO would block this test forever: Read must not.
		fifo: fifo + " is a FIFO (named pipe), not a regular file: berth reads only regular files",
		zero: zero + " is a character device, not a regular file: berth reads only regular files",
		dir:  dir + " is a directory, not a regular file: berth reads only regular files",
	} {
		_, err := Read(path, MaxProjectBytes)
		if err == nil || err.Error() != want {
			t.Errorf("Read(%s) = %v, want %q", path, err, want)
		}
	}
}

func TestReadReturnsARegularFileUpToItsLimit(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(file, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{file, link} {
		b, err := Read(path, 10)
		if err != nil || string(b) != "0123456789" {
			t.Errorf("Read(%s, 10) = %q, %v", path, b, err)
		}
	}
	_, err := Read(file, 9)
	if !errors.Is(err, ErrTooLarge) || err.Error() != file+" is too large: larger than 9 bytes (allowed: at most 9 bytes)" {
		t.Errorf("Read(%s, 9) = %v", file, err)
	}
	if _, err := Read(filepath.Join(dir, "missing"), 9); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v, want os.ErrNotExist", err)
	}
}

func TestSizeNamesTheLargestWholeUnit(t *testing.T) {
	for n, want := range map[int64]string{
		MaxProjectBytes: "4 MiB", MaxStateBytes: "512 MiB", 1 << 30: "1 GiB", 64 << 10: "64 KiB", 1500: "1500 bytes",
	} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
	if !strings.Contains(tooLarge("f", 1<<20).Error(), "1 MiB") {
		t.Error("tooLarge does not name the limit")
	}
}

// TestAFIFOSwappedInAfterTheCheckIsRefusedWithoutBlocking opens a FIFO
// where Read's check saw a regular file: a blocking open would wait for a
// writer forever.
func TestAFIFOSwappedInAfterTheCheckIsRefusedWithoutBlocking(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "plan.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := readOpened(fifo, MaxProjectBytes)
	if want := fifo + " is a FIFO (named pipe), not a regular file: berth reads only regular files"; err == nil || err.Error() != want {
		t.Errorf("readOpened = %v, want %s", err, want)
	}
}
