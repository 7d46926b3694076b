// Package fileread reads the files berth is given (project, stack, plan,
// outputs and state files) only when they are regular files, up to a
// stated size. A link to /dev/zero, a FIFO or a device could otherwise
// stall berth or grow it until the machine runs out of memory.
package fileread

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Limits of the files berth reads. Each is far above what a real file of
// its kind holds, and low enough that the largest fits in memory many
// times over.
const (
	// MaxProjectBytes bounds Pulumi.yaml: 4 MiB. A project file holds a
	// name, a runtime and a config schema, kilobytes in practice.
	MaxProjectBytes = 4 << 20
	// MaxStackBytes bounds a stack file (Pulumi.<stack>.yaml): 4 MiB.
	// It holds the stack's settings, secure values included, kilobytes
	// in practice.
	MaxStackBytes = 4 << 20
	// MaxStateBytes bounds a stack's state checkpoint (a file backend's
	// base.json): 512 MiB, which holds the state of about 100,000
	// resources.
	MaxStateBytes = 512 << 20
)

// ErrTooLarge is wrapped by the error Read returns for a file over its
// limit.
var ErrTooLarge = errors.New("too large")

// Read returns the contents of the regular file at path (symbolic links
// are followed) when it holds at most limit bytes. A directory, device,
// FIFO or socket is an error naming the file and what it is, found
// without opening it (opening a FIFO blocks until a writer comes); so is
// a file over limit, even one that grows while it is read.
func Read(path string, limit int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regular(path, info, limit); err != nil {
		return nil, err
	}
	return readOpened(path, limit)
}

// readOpened opens path with Open, so that a FIFO put in the file's place
// since Read's Stat does not block it, and reads it.
func readOpened(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := regular(path, info, limit); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, tooLarge(path, limit)
	}
	return b, nil
}

// Open opens the regular file at path for reading, of any size, for a
// reader that streams it (a hash). It opens without blocking, so that a
// FIFO does not wait for a writer, and refuses what is not a regular
// file, naming it, as Read does.
func Open(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = fmt.Errorf("%s is %s, not a regular file: berth reads only regular files", path, kind(info.Mode()))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// regular checks that info is a regular file of at most limit bytes.
func regular(path string, info fs.FileInfo, limit int64) error {
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is %s, not a regular file: berth reads only regular files", path, kind(info.Mode()))
	}
	if info.Size() > limit {
		return tooLarge(path, limit)
	}
	return nil
}

func tooLarge(path string, limit int64) error {
	return fmt.Errorf("%s is %w: larger than %s (allowed: at most %s)", path, ErrTooLarge, size(limit), size(limit))
}

// size prints a limit in the largest whole binary unit: "4 MiB".
func size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// kind names a file mode that is not a regular file.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "a special file (" + m.Type().String() + ")"
}
