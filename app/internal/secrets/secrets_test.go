package secrets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"/run/secrets/token":       "s3cret\n",
		"/run/secrets/crlf":        "s3cret\r\n",
		"/run/secrets/two":         "s3cret\n\n",
		"/run/secrets/empty":       "",
		"/run/secrets/onlynewline": "\n",
	}
	readFile := func(p string) ([]byte, error) {
		v, ok := files[p]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		}
		return []byte(v), nil
	}
	tests := []struct {
		name       string
		env        map[string]string
		wantValue  string
		wantSource Source
		wantErr    string
	}{
		{name: "unset", env: nil, wantSource: SourceNone},
		{name: "from env", env: map[string]string{"TOKEN": "s3cret"}, wantValue: "s3cret", wantSource: SourceEnv},
		{name: "from file trims one newline", env: map[string]string{"TOKEN_FILE": "/run/secrets/token"}, wantValue: "s3cret", wantSource: SourceFile},
		{name: "from file trims one CRLF", env: map[string]string{"TOKEN_FILE": "/run/secrets/crlf"}, wantValue: "s3cret", wantSource: SourceFile},
		{name: "from file trims only one newline", env: map[string]string{"TOKEN_FILE": "/run/secrets/two"}, wantValue: "s3cret\n", wantSource: SourceFile},
		{name: "both set is an error", env: map[string]string{"TOKEN": "x", "TOKEN_FILE": "/run/secrets/token"}, wantErr: "TOKEN and TOKEN_FILE are both set"},
		{name: "missing file is an error", env: map[string]string{"TOKEN_FILE": "/nope"}, wantErr: `TOKEN_FILE: reading "/nope"`},
		{name: "empty file is an error", env: map[string]string{"TOKEN_FILE": "/run/secrets/empty"}, wantErr: "TOKEN_FILE: file \"/run/secrets/empty\" is empty"},
		{name: "file with only a newline is an error", env: map[string]string{"TOKEN_FILE": "/run/secrets/onlynewline"}, wantErr: "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Load("TOKEN", func(k string) string { return tt.env[k] }, readFile)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load() error = %v, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Fatalf("error %q leaks the secret value", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load() error = %v", err)
			}
			if s.Value() != tt.wantValue || s.Source != tt.wantSource {
				t.Fatalf("Load() = (%q, %q), want (%q, %q)", s.Value(), s.Source, tt.wantValue, tt.wantSource)
			}
		})
	}
}

func TestSecretNeverPrintsItsValue(t *testing.T) {
	t.Parallel()
	s, err := Load("TOKEN", func(k string) string {
		if k == "TOKEN" {
			return "s3cret"
		}
		return ""
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "token", s)
	j, _ := json.Marshal(struct{ S Secret }{s})
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s", s, s, s, s), logged.String(), string(j), fmt.Sprint(errors.New(s.String()))} {
		if strings.Contains(out, "s3cret") {
			t.Fatalf("output %q leaks the secret value", out)
		}
	}
	if !strings.Contains(logged.String(), "set from env TOKEN") {
		t.Fatalf("log %q does not say where the secret came from", logged.String())
	}
}

func TestReadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	regular := write("token", []byte("s3cret\n"))
	link := filepath.Join(dir, "link")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want, wantErr string
	}{
		{"regular file", regular, "s3cret\n", ""},
		{"symbolic link to a regular file", link, "s3cret\n", ""},
		{"exactly the limit", write("max", bytes.Repeat([]byte("a"), MaxFileBytes)), strings.Repeat("a", MaxFileBytes), ""},
		{"one byte over the limit", write("over", bytes.Repeat([]byte("a"), MaxFileBytes+1)), "", "larger than 65536 bytes"},
		{"character device", "/dev/zero", "", "not a regular file"},
		{"FIFO without a writer", fifo, "", "not a regular file"},
		{"directory", dir, "", "not a regular file"},
		{"missing", filepath.Join(dir, "nope"), "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := ReadFile(tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ReadFile() = %d bytes, %v; want an error with %q", len(b), err, tt.wantErr)
				}
				return
			}
			if err != nil || string(b) != tt.want {
				t.Fatalf("ReadFile() = %d bytes, %v; want %d bytes", len(b), err, len(tt.want))
			}
		})
	}
}
