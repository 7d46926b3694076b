// Package secrets loads secret values from the environment or from files.
//
// A secret NAME is read from the environment variable NAME, or, when
// NAME_FILE is set instead, from the file at that path with one trailing
// newline removed. The file form is what Docker and Kubernetes secrets, Cloud
// Run secret volumes and ECS secrets mounted as files provide. Setting both
// NAME and NAME_FILE is an error, so that it is never unclear which one wins.
// [ReadFile] reads only regular files of at most [MaxFileBytes], so that a
// path to a device, a FIFO or a huge file fails the start at once instead of
// exhausting memory or hanging.
//
// A [Secret] never prints its value: String, GoString, LogValue and
// MarshalJSON all describe only whether it is set and where it came from.
package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"syscall"
)

// Source says where a secret's value came from.
type Source string

// The sources of a secret.
const (
	// SourceNone means that neither NAME nor NAME_FILE is set.
	SourceNone Source = ""
	// SourceEnv means that the value came from the variable NAME.
	SourceEnv Source = "env"
	// SourceFile means that the value came from the file named by NAME_FILE.
	SourceFile Source = "file"
)

// Secret is a value loaded by [Load]. The zero value is an unset secret.
type Secret struct {
	// Name is the environment variable name, such as DATABASE_URL.
	Name string
	// Source is where the value came from; SourceNone when unset.
	Source Source
	// Path is the file the value was read from; empty unless Source is SourceFile.
	Path  string
	value string
}

// Value returns the secret value; empty when the secret is unset.
func (s Secret) Value() string { return s.value }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s.Source != SourceNone }

// Describe returns a description safe to log: "not set", "set from env" or
// "set from file /path".
func (s Secret) Describe() string {
	switch s.Source {
	case SourceEnv:
		return "set from env " + s.Name
	case SourceFile:
		return "set from file " + s.Path
	default:
		return "not set"
	}
}

// String returns [Secret.Describe], never the value.
func (s Secret) String() string { return s.Describe() }

// GoString returns [Secret.Describe], never the value, so that %#v is safe.
func (s Secret) GoString() string { return s.Describe() }

// LogValue returns [Secret.Describe], never the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.Describe()) }

// MarshalJSON encodes [Secret.Describe], never the value.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.Describe()) }

// FileSuffix is appended to a secret's name to form the variable that holds
// a path to a file containing the value.
const FileSuffix = "_FILE"

// MaxFileBytes (64 KiB) is the largest secret file [ReadFile] reads: far
// above any connection URL or token, small enough that reading it costs
// nothing.
const MaxFileBytes = 64 << 10

// ReadFile reads the secret file at path: a regular file (a symbolic link
// to one, as Kubernetes mounts them, is fine) of at most [MaxFileBytes]. It
// opens the file without blocking, so a FIFO without a writer fails at once
// rather than hanging, and checks the opened file itself, so the path
// cannot be swapped between the check and the read.
func ReadFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errNotRegular
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, errTooLarge
	}
	return b, nil
}

var (
	errNotRegular = errors.New("not a regular file (a device, FIFO, socket or directory)")
	errTooLarge   = fmt.Errorf("larger than %d bytes", MaxFileBytes)
)

// Load reads the secret name from getenv(name) or from the file named by
// getenv(name+"_FILE"), using readFile to read it ([ReadFile] in
// production). An empty variable counts as unset. It returns an error,
// which names the variables but never the value, when both are set, when
// the file cannot be read or when the file is empty.
func Load(name string, getenv func(string) string, readFile func(string) ([]byte, error)) (Secret, error) {
	fileVar := name + FileSuffix
	direct, path := getenv(name), getenv(fileVar)
	switch {
	case direct != "" && path != "":
		return Secret{Name: name}, fmt.Errorf("%s and %s are both set (allowed: set only one of them)", name, fileVar)
	case direct != "":
		return Secret{Name: name, Source: SourceEnv, value: direct}, nil
	case path != "":
		b, err := readFile(path)
		if err != nil {
			return Secret{Name: name}, fmt.Errorf("%s: reading %q: %w (allowed: a readable regular file of at most %d bytes holding the value of %s)", fileVar, path, unwrapPathError(err), MaxFileBytes, name)
		}
		v := string(b)
		if strings.HasSuffix(v, "\r\n") {
			v = v[:len(v)-2]
		} else {
			v = strings.TrimSuffix(v, "\n")
		}
		if v == "" {
			return Secret{Name: name}, fmt.Errorf("%s: file %q is empty (allowed: a file holding the value of %s)", fileVar, path, name)
		}
		return Secret{Name: name, Source: SourceFile, Path: path, value: v}, nil
	default:
		return Secret{Name: name}, nil
	}
}

// unwrapPathError drops the *fs.PathError wrapper, whose text repeats the path.
func unwrapPathError(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}
