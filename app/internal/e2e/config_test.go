package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// runToExit runs the binary with env until it exits and returns its exit
// code and output. A process still running after the bound is killed and
// fails the test: these are start-up failures, which must not hang.
func runToExit(t *testing.T, env ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	cmd := execApp(append([]string{"PORT=0"}, env...)...)
	cmd = withContext(ctx, cmd)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("the app was still running after %v (it must fail at start); stderr:\n%s", bound, errOut.String())
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// TestRejectedCredentialValuesAreNeverPrinted gives every variable that may
// hold credentials a value it rejects, in shapes that do not parse as an
// http URL: the service must exit 2 naming the variable, and print no part
// of the secret anywhere.
func TestRejectedCredentialValuesAreNeverPrinted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		variable, value, secret string
	}{
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "user:pa55w0rd@127.0.0.1:4318", "pa55w0rd"},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:s3cr3t-pass@127.0.0.1:4318/v1/traces", "s3cr3t-pass"},
		{"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "https://u:m3tr1c-pass@", "m3tr1c-pass"},
		{"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "ftp://u:ftp-s3cr3t@host/x?key=k3y", "s3cr3t"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "127.0.0.1:4318/?api_key=k3y-v4lue", "k3y-v4lue"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://u:p%zzass@127.0.0.1:4318", "p%zzass"},
		{"OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer h34der-t0ken,x-api-key", "h34der-t0ken"},
		{"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "authorization: Bearer c0l0n-t0ken=%zz", "c0l0n-t0ken"},
		{"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "authorization: Bearer sp4ce-t0ken=x", "sp4ce-t0ken"},
		{"OTEL_EXPORTER_OTLP_METRICS_HEADERS", "api-key=k3y%zz", "k3y"},
	}
	for _, tt := range tests {
		t.Run(tt.variable+"="+tt.secret, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runToExit(t, tt.variable+"="+tt.value)
			if code != 2 || !strings.Contains(stderr, "invalid configuration: "+tt.variable+": ") {
				t.Fatalf("exit code %d, stderr %q; want 2 and a line naming %s", code, stderr, tt.variable)
			}
			if strings.Contains(stderr+stdout, tt.secret) {
				t.Fatalf("output shows the secret %q:\nstderr: %s\nstdout: %s", tt.secret, stderr, stdout)
			}
		})
	}
}

// TestTokenThatCanNeverMatchIsRejectedAtStart: HTTP strips the whitespace
// around a header value and cannot carry control characters, so a token
// with them could never be presented; the service must refuse to start.
func TestTokenThatCanNeverMatchIsRejectedAtStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const token = "0123456789abcdefTOKEN"
	tests := []struct {
		name, env, variable string
	}{
		{"trailing space", "API_TOKEN=" + token + " ", "API_TOKEN"},
		{"trailing tab", "API_TOKEN=" + token + "\t", "API_TOKEN"},
		{"leading space", "API_TOKEN= " + token, "API_TOKEN"},
		{"newline inside", "API_TOKEN=" + token[:8] + "\n" + token[8:], "API_TOKEN"},
		{"file with two trailing newlines", "API_TOKEN_FILE=" + write("two", token+"\n\n"), "API_TOKEN_FILE"},
		{"file with trailing space", "API_TOKEN_FILE=" + write("space", token+" \n"), "API_TOKEN_FILE"},
		{"file with CRLF twice", "API_TOKEN_FILE=" + write("crlf", token+"\r\n\r\n"), "API_TOKEN_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runToExit(t, tt.env)
			if code != 2 || !strings.Contains(stderr, "invalid configuration: "+tt.variable+": ") {
				t.Fatalf("exit code %d, stderr %q; want 2 and a line naming %s", code, stderr, tt.variable)
			}
			if strings.Contains(stderr+stdout, token[8:]) {
				t.Fatalf("output shows the token:\n%s%s", stderr, stdout)
			}
		})
	}
	// One trailing newline in a file is what `echo token > file` writes; it is fine.
	a := startApp(t, "API_TOKEN_FILE="+write("one", token+"\n"))
	a.signal(syscall.SIGTERM)
	if code := a.wait(bound); code != 0 {
		t.Fatalf("exit code with one trailing newline = %d, want 0", code)
	}
}

// TestSecretFilesAreReadOnlyWhenRegularAndSmall: a device, a FIFO without
// a writer and an oversized file each fail the start at once, naming the
// variable, instead of exhausting memory, hanging or being accepted.
func TestSecretFilesAreReadOnlyWhenRegularAndSmall(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, bytes.Repeat([]byte("t"), 10<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, env, variable, want string
	}{
		{"device", "DATABASE_URL_FILE=/dev/zero", "DATABASE_URL_FILE", "not a regular file"},
		{"FIFO without a writer", "DATABASE_URL_FILE=" + fifo, "DATABASE_URL_FILE", "not a regular file"},
		{"directory", "API_TOKEN_FILE=" + dir, "API_TOKEN_FILE", "not a regular file"},
		{"10 MB token file", "API_TOKEN_FILE=" + big, "API_TOKEN_FILE", "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runToExit(t, tt.env)
			if code != 2 || !strings.Contains(stderr, "invalid configuration: "+tt.variable+": ") || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit code %d, stderr %q; want 2 and a line naming %s with %q", code, stderr, tt.variable, tt.want)
			}
		})
	}
}
