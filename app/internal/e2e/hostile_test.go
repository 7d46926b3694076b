package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/berth-dev/berth/app/internal/testenv"
)

// These tests cover the defects a hostile-input probe found (issue 17),
// each against the real binary and, where the defect reached it, the real
// PostgreSQL.

// rawRequest opens a connection to a, writes head (a request's header
// block, "\r\n\r\n" included) and returns the connection.
func (a *app) rawRequest(head string) (net.Conn, *bufio.Reader) {
	a.t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(a.base, "http://"))
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, head); err != nil {
		a.t.Fatal(err)
	}
	return conn, bufio.NewReader(conn)
}

// waitLine waits for the first log line that match accepts.
func (a *app) waitLine(match func(logLine) bool) logLine {
	a.t.Helper()
	for {
		a.mu.Lock()
		for _, l := range a.logs {
			if match(l) {
				a.mu.Unlock()
				return l
			}
		}
		a.mu.Unlock()
		select {
		case <-a.newLn:
		case <-a.exited:
			a.t.Fatal("app exited before logging the line")
		case <-time.After(bound):
			a.t.Fatal("app did not log the line")
		}
	}
}

// awaitContinue reads the "100 Continue" that the server sends when the
// handler first reads the body.
func awaitContinue(t *testing.T, br *bufio.Reader) {
	t.Helper()
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusContinue {
		t.Fatalf("waiting for 100 Continue: %v %v", resp, err)
	}
}

// TestUploadsThatSendNothingDoNotBlockWrites (item 2): eight uploads
// that declare 1 MiB and send one byte, and then one that declares 32 MiB
// with MAX_BODY_BYTES at its maximum, are being read (the server asked
// for their bodies with 100 Continue) while a normal write is sent: it
// must be stored, not wait for budget those uploads never filled.
func TestUploadsThatSendNothingDoNotBlockWrites(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		maxBody  string
		declared int
		uploads  int
	}{{"1048576", 1 << 20, 8}, {"33554432", 32 << 20, 1}} {
		a := startApp(t, "DATABASE_URL="+testenv.FreshDatabase(t), "MAX_BODY_BYTES="+tt.maxBody)
		a.waitStatus("/readyz", 200)
		host := strings.TrimPrefix(a.base, "http://")
		for range tt.uploads {
			conn, br := a.rawRequest(fmt.Sprintf("POST /v1/notes HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", host, tt.declared))
			awaitContinue(t, br)
			io.WriteString(conn, "{")
		}
		if code, h, body := a.request("POST", "/v1/notes", `{"title":"a normal write"}`); code != 201 {
			t.Fatalf("MAX_BODY_BYTES=%s, %d idle uploads of %d bytes: a normal POST = %d (Retry-After %q) %s, want 201",
				tt.maxBody, tt.uploads, tt.declared, code, h.Get("Retry-After"), body)
		}
	}
}

// storedTexts returns the title and body of every note in the database,
// read straight from PostgreSQL.
func storedTexts(t *testing.T, dbURL string) [][2]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT title, body FROM notes ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for rows.Next() {
		var tb [2]string
		if err := rows.Scan(&tb[0], &tb[1]); err != nil {
			t.Fatal(err)
		}
		out = append(out, tb)
	}
	return out
}

// errorFields decodes an error body's code and the fields it names.
func errorFields(body string) (code string, fields []string, message string) {
	var e struct {
		Error struct {
			Code    string
			Message string
			Fields  []struct{ Field string }
		}
	}
	json.Unmarshal([]byte(body), &e)
	for _, f := range e.Error.Fields {
		fields = append(fields, f.Field)
	}
	return e.Error.Code, fields, e.Error.Message
}

// TestNoteTextIsStoredExactlyOrRefused (item 3): invalid UTF-8, lone
// surrogate escapes and a body in another charset were stored with
// U+FFFD and answered 201. Now they are refused (422 naming the field;
// 415 for the charset), and text that is valid, U+FFFD and HTML
// characters included, is stored byte for byte and answered unescaped.
func TestNoteTextIsStoredExactlyOrRefused(t *testing.T) {
	t.Parallel()
	dbURL := testenv.FreshDatabase(t)
	a := startApp(t, "DATABASE_URL="+dbURL)
	a.waitStatus("/readyz", 200)
	for _, tt := range []struct {
		body, field string
	}{
		{"{\"title\":\"caf\xe9\"}", "title"},
		{"{\"title\":\"ok\",\"body\":\"\xff\xfe\"}", "body"},
		{`{"title":"\ud800"}`, "title"},
		{`{"title":"ok","body":"x\udc00y"}`, "body"},
	} {
		code, _, body := a.request("POST", "/v1/notes", tt.body)
		if c, fields, _ := errorFields(body); code != 422 || c != "invalid_fields" || len(fields) != 1 || fields[0] != tt.field {
			t.Errorf("POST %q = %d %s, want 422 naming %s", tt.body, code, body, tt.field)
		}
	}
	code, _, body := a.request("POST", "/v1/notes", "{\"title\":\"caf\xe9\"}", "Content-Type", "application/json; charset=iso-8859-1")
	if c, _, msg := errorFields(body); code != 415 || c != "unsupported_charset" || !strings.Contains(msg, "utf-8") {
		t.Errorf("POST in charset iso-8859-1 = %d %s, want 415 naming utf-8", code, body)
	}
	if code, _, body := a.request("POST", "/v1/notes", `{"title":"utf-8 declared"}`, "Content-Type", "application/json; charset=UTF-8"); code != 201 {
		t.Errorf("POST in charset UTF-8 = %d %s, want 201", code, body)
	}

	want := [2]string{"a <b> & \uFFFD \U0001F600", "line one\nline two\t<script>"}
	in, _ := json.Marshal(map[string]string{"title": want[0], "body": want[1]})
	code, _, body = a.request("POST", "/v1/notes", string(in))
	if code != 201 || !strings.Contains(body, want[0][:8]) {
		t.Fatalf("POST of valid text = %d %s, want 201 with the title unescaped", code, body)
	}
	code, _, list := a.request("GET", "/v1/notes", "")
	if code != 200 || !strings.Contains(list, "<script>") {
		t.Fatalf("GET /v1/notes = %d %s, want the body unescaped", code, list)
	}
	stored := storedTexts(t, dbURL)
	if len(stored) != 2 || stored[1] != want {
		t.Fatalf("stored notes = %q, want the refused ones absent and %q exactly", stored, want)
	}
}

// TestQueryAndJSONAreReadStrictly (item 7): a ";" in the query, a
// repeated parameter, a member name in other case or given twice, and a
// title with control, zero-width or bidi-override characters were
// accepted; each is now refused naming what is wrong, and a number in
// the place of a string is echoed exactly.
func TestQueryAndJSONAreReadStrictly(t *testing.T) {
	t.Parallel()
	dbURL := testenv.FreshDatabase(t)
	a := startApp(t, "DATABASE_URL="+dbURL)
	a.waitStatus("/readyz", 200)
	for _, tt := range []struct {
		path, field string
	}{
		{"/v1/notes?limit=1;cursor=bjE6MQ", "query"},
		{"/v1/notes?limit=1&limit=2", "limit"},
		{"/v1/notes?cursor=bjE6MQ&cursor=bjE6Mg", "cursor"},
		{"/v1/notes?limit=%zz", "query"},
	} {
		code, _, body := a.request("GET", tt.path, "")
		if c, fields, _ := errorFields(body); code != 400 || c != "invalid_parameter" || len(fields) == 0 || fields[0] != tt.field {
			t.Errorf("GET %s = %d %s, want 400 naming %s", tt.path, code, body, tt.field)
		}
	}
	for _, tt := range []struct {
		body, field string
		status      int
	}{
		{`{"Title":"x"}`, "Title", 400},
		{`{"title":"x","BODY":"y"}`, "BODY", 400},
		{`{"title":"x","title":"y"}`, "title", 400},
		{`{"title":"zero\u200bwidth"}`, "title", 422},
		{`{"title":"two\nlines"}`, "title", 422},
		{`{"title":"esc\u001b[31m"}`, "title", 422},
		{`{"title":"abc\u202egnp.exe"}`, "title", 422},
		{`{"title":"tab\there"}`, "title", 422},
	} {
		code, _, body := a.request("POST", "/v1/notes", tt.body)
		if _, fields, _ := errorFields(body); code != tt.status || len(fields) == 0 || fields[0] != tt.field {
			t.Errorf("POST %s = %d %s, want %d naming %s", tt.body, code, body, tt.status, tt.field)
		}
	}
	code, _, body := a.request("POST", "/v1/notes", `{"title":9223372036854775807}`)
	if _, _, msg := errorFields(body); code != 422 || !strings.Contains(msg, "9223372036854775807") {
		t.Errorf("POST of a number as the title = %d %s, want 422 echoing 9223372036854775807 exactly", code, body)
	}
	// Joiners stay allowed in titles (Persian, emoji sequences), and
	// bodies keep newlines and tabs.
	if code, _, body := a.request("POST", "/v1/notes", `{"title":"می\u200cخواهم \ud83d\udc68\u200d\ud83d\udc69","body":"a\n\tb"}`); code != 201 {
		t.Errorf("POST with joiners in the title and a newline in the body = %d %s, want 201", code, body)
	}
	if stored := storedTexts(t, dbURL); len(stored) != 1 {
		t.Errorf("stored notes = %q, want only the valid one", stored)
	}
}

// TestBrokenStdoutDoesNotKillTheService (item 6): when the reader of the
// service's stdout exits, the next log line used to kill the process with
// SIGPIPE (exit 141) and lose the response being served. It must go on
// serving and still shut down cleanly.
func TestBrokenStdoutDoesNotKillTheService(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := execApp("PORT=0")
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	exited := make(chan int, 1)
	go func() { cmd.Wait(); exited <- cmd.ProcessState.ExitCode() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	sc := bufio.NewScanner(r)
	base := ""
	for sc.Scan() {
		var l logLine
		if json.Unmarshal(sc.Bytes(), &l) == nil && l.message() == "listening" {
			addr, _ := l["addr"].(string)
			base = "http://127.0.0.1:" + addr[strings.LastIndexByte(addr, ':')+1:]
			break
		}
	}
	r.Close() // the log reader exits
	if base == "" {
		t.Fatal("no listening line")
	}
	for i := range 3 {
		if code, _, err := do(http.DefaultClient, "GET", base+"/healthz", ""); err != nil || code != 200 {
			t.Fatalf("GET /healthz %d after stdout broke = %d %v, want 200", i+1, code, err)
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case code := <-exited:
		if code != 0 {
			t.Fatalf("exit code = %d, want 0", code)
		}
	case <-context.Background().Done():
	}
}

// TestSIGHUPDrainsLikeSIGTERM (item 6): SIGHUP killed the service at once
// (129) with no drain and no log line; it now shuts down gracefully.
func TestSIGHUPDrainsLikeSIGTERM(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	a.waitStatus("/healthz", 200)
	a.signal(syscall.SIGHUP)
	if l := a.waitLog("shutdown started"); l["signal"] != "hangup" {
		t.Fatalf("shutdown started line = %v, want signal hangup", l)
	}
	if code := a.wait(bound); code != 0 {
		t.Fatalf("exit code = %d, want 0", code)
	}
}

// TestHalfClosedClientIsServed (item 6): a client that closes its
// sending side after its request (TCP half-close) is still reading; its
// GET and POST used to answer 503, because net/http cancels the request's
// context when its background read sees EOF and the database call took
// that context.
func TestHalfClosedClientIsServed(t *testing.T) {
	t.Parallel()
	a := startApp(t, "DATABASE_URL="+testenv.FreshDatabase(t))
	a.waitStatus("/readyz", 200)
	host := strings.TrimPrefix(a.base, "http://")
	note := `{"title":"sent half-closed"}`
	for _, tt := range []struct {
		name, head string
		want       int
	}{
		{"POST", fmt.Sprintf("POST /v1/notes HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", host, len(note), note), 201},
		{"GET list", "GET /v1/notes HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n", 200},
		{"GET note", "GET /v1/notes/1 HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n", 200},
	} {
		conn, br := a.rawRequest(tt.head)
		conn.(*net.TCPConn).CloseWrite()
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%s after a half-close: %v", tt.name, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tt.want || !strings.Contains(string(b), "sent half-closed") {
			t.Errorf("%s after a half-close = %d %s, want %d with the note", tt.name, resp.StatusCode, b, tt.want)
		}
	}
}

// TestClientThatLeavesIsLoggedAs499 (item 6): a client that goes away
// before its request is complete is logged with status 499 and
// client_closed, apart from the service's own failures.
func TestClientThatLeavesIsLoggedAs499(t *testing.T) {
	t.Parallel()
	a := startApp(t, "DATABASE_URL="+testenv.FreshDatabase(t))
	a.waitStatus("/readyz", 200)
	host := strings.TrimPrefix(a.base, "http://")
	conn, br := a.rawRequest("POST /v1/notes HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
	awaitContinue(t, br)
	io.WriteString(conn, `{"title":`)
	conn.Close()
	l := a.waitLine(func(l logLine) bool { return l.message() == "request" && l["method"] == "POST" })
	if l["status"] != float64(499) || l["client_closed"] != true || l["severity"] != "INFO" {
		t.Fatalf("request line of a client that left = %v, want status 499, client_closed, INFO", l)
	}
}

// TestShutdownPastTheTimeoutLogsOnlyWhatHappened (item 6): when a request
// outlives SHUTDOWN_TIMEOUT, the service logged "background checks did not
// stop within SHUTDOWN_TIMEOUT" without having waited for them at all.
func TestShutdownPastTheTimeoutLogsOnlyWhatHappened(t *testing.T) {
	t.Parallel()
	a := startApp(t, "DATABASE_URL=postgres://u:p@"+closedPort(t)+"/x?sslmode=disable", "SHUTDOWN_TIMEOUT=1s")
	startSlowPost(t, a, `{"title":"never finished"}`)
	a.signal(syscall.SIGTERM)
	if code := a.wait(bound); code != 1 {
		t.Fatalf("exit code = %d, want 1", code)
	}
	a.waitLog("shutdown complete")
	for _, l := range a.linesAt("WARNING") {
		if strings.Contains(l.message(), "background checks did not stop") {
			t.Errorf("warning %q, yet the checks stop as soon as they are cancelled", l.message())
		}
	}
}

// TestTelemetryCredentialsStayWithTheirOrigin (item 5): the OTLP client
// followed a 307 to another host with the x-api-key header and sent the
// endpoint's ?api_key= in Referer. Now a redirect off the endpoint's
// origin is not followed, and one within it carries no Referer.
func TestTelemetryCredentialsStayWithTheirOrigin(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var elsewhere []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		elsewhere = append(elsewhere, r.URL.String()+" x-api-key="+r.Header.Get("x-api-key")+" referer="+r.Header.Get("Referer"))
		mu.Unlock()
	}))
	defer other.Close()
	var referers, seen []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/v1/traces":
			http.Redirect(w, r, other.URL+"/v1/traces", http.StatusTemporaryRedirect)
		case "/v1/metrics":
			http.Redirect(w, r, "/moved/v1/metrics?"+r.URL.RawQuery, http.StatusTemporaryRedirect)
		default:
			mu.Lock()
			referers = append(referers, r.URL.Path+" referer="+r.Header.Get("Referer"))
			mu.Unlock()
		}
	}))
	defer collector.Close()
	a := startApp(t, "OTEL_EXPORTER_OTLP_ENDPOINT="+collector.URL+"/?api_key=secret-in-query", "OTEL_EXPORTER_OTLP_HEADERS=x-api-key=secret-in-header")
	if code, _, err := a.get("/healthz"); err != nil || code != 200 {
		t.Fatalf("GET /healthz = %d %v", code, err)
	}
	a.signal(syscall.SIGTERM)
	a.wait(bound)
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(seen, "/v1/traces") {
		t.Fatalf("the collector saw %q, no traces: the test did not reach the redirect it is about", seen)
	}
	if len(elsewhere) > 0 {
		t.Errorf("another host received %q", elsewhere)
	}
	if len(referers) == 0 {
		t.Fatal("the same-origin redirect of metrics was not followed")
	}
	for _, r := range referers {
		if !strings.HasSuffix(r, "referer=") {
			t.Errorf("same-origin redirect carried a Referer: %s", r)
		}
	}
}

var _ = exec.Command
