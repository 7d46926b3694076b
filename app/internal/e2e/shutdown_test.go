package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/app/internal/testenv"
)

// slowPost is a POST /v1/notes whose body the test sends in two parts, on
// a raw connection, so that the handler is provably reading the body in
// between: the request carries "Expect: 100-continue", and the server
// answers "100 Continue" only when the handler first reads the body.
type slowPost struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
	req  *http.Request
	rest string
}

// startSlowPost sends the headers and the first half of body and returns
// once the handler is reading the body.
func startSlowPost(t *testing.T, a *app, body string) *slowPost {
	t.Helper()
	host := strings.TrimPrefix(a.base, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	// Only a hang is bounded; the test sets no timing expectation.
	conn.SetDeadline(time.Now().Add(2 * bound))
	p := &slowPost{t: t, conn: conn, br: bufio.NewReader(conn), rest: body[len(body)/2:]}
	p.req, _ = http.NewRequest("POST", a.base+"/v1/notes", nil)
	fmt.Fprintf(conn, "POST /v1/notes HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", host, len(body))
	resp, err := http.ReadResponse(p.br, p.req)
	if err != nil || resp.StatusCode != http.StatusContinue {
		t.Fatalf("waiting for 100 Continue: %v %v", resp, err)
	}
	if _, err := conn.Write([]byte(body[:len(body)/2])); err != nil {
		t.Fatal(err)
	}
	return p
}

// finish sends the rest of the body and returns the response's status and body.
func (p *slowPost) finish() (int, string, error) {
	p.t.Helper()
	if _, err := p.conn.Write([]byte(p.rest)); err != nil {
		return 0, "", err
	}
	resp, err := http.ReadResponse(p.br, p.req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, err = bufio.NewReader(resp.Body).WriteTo(&b)
	return resp.StatusCode, b.String(), err
}

// waitListenerClosed waits until the app refuses new connections, which it
// does from the moment http.Server.Shutdown begins.
func (a *app) waitListenerClosed() {
	a.t.Helper()
	host := strings.TrimPrefix(a.base, "http://")
	deadline := time.Now().Add(bound)
	for {
		c, err := net.Dial("tcp", host)
		if err != nil {
			return
		}
		c.Close()
		if time.Now().After(deadline) {
			a.t.Fatal("the app kept accepting connections")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRequestInFlightAtShutdownCompletes sends half a POST body before
// SIGTERM and the rest only once Shutdown has begun (the listener is
// closed): the handler, still reading the body when Shutdown starts, must
// finish with its normal 201, and the process must then exit 0.
func TestRequestInFlightAtShutdownCompletes(t *testing.T) {
	t.Parallel()
	a := startApp(t, "DATABASE_URL="+testenv.FreshDatabase(t), "DRAIN_DELAY=1s", "SHUTDOWN_TIMEOUT=20s")
	a.waitStatus("/readyz", 200)

	p := startSlowPost(t, a, `{"title":"sent across the shutdown","body":"`+strings.Repeat("x", 200)+`"}`)
	a.signal(syscall.SIGTERM)
	a.waitLog("shutdown started")
	a.waitListenerClosed()
	code, body, err := p.finish()
	var n struct{ ID, Title string }
	if err != nil || code != http.StatusCreated || json.Unmarshal([]byte(body), &n) != nil || n.Title != "sent across the shutdown" || n.ID == "" {
		t.Fatalf("in-flight POST = %d %q %v, want 201 with the note", code, body, err)
	}
	if code := a.wait(bound); code != 0 {
		t.Fatalf("exit code = %d, want 0", code)
	}
}

// TestShutdownTimeoutExitsWith1 holds a request body open past
// SHUTDOWN_TIMEOUT: the server closes the connection and the process exits
// 1. The database URL points at a closed port; the handler never gets past
// reading the body, so it is never used.
func TestShutdownTimeoutExitsWith1(t *testing.T) {
	t.Parallel()
	a := startApp(t, "DATABASE_URL=postgres://u:p@"+closedPort(t)+"/x?sslmode=disable", "SHUTDOWN_TIMEOUT=1s")

	startSlowPost(t, a, `{"title":"never finished"}`)
	a.signal(syscall.SIGTERM)
	if code := a.wait(bound); code != 1 {
		t.Fatalf("exit code = %d, want 1 (requests still running at SHUTDOWN_TIMEOUT)", code)
	}
	a.waitLog("requests still running at SHUTDOWN_TIMEOUT; closing their connections")
	if l := a.waitLog("shutdown complete"); l["exit_code"] != float64(1) {
		t.Fatalf("shutdown complete line = %v, want exit_code 1", l)
	}
}

// closedPort returns a loopback address on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestReadyzFailsBeforeTheDatabaseIsChecked starts the binary against a
// database that does not answer, several times: the first /readyz after
// the port opens must be 503, whether or not the readiness checker has run
// by then.
func TestReadyzFailsBeforeTheDatabaseIsChecked(t *testing.T) {
	t.Parallel()
	for i := range 5 {
		a := startApp(t, "DATABASE_URL=postgres://u:p@"+closedPort(t)+"/x?sslmode=disable")
		code, body, err := a.get("/readyz")
		if err != nil || code != 503 || !(strings.Contains(body, "database not checked yet") || strings.Contains(body, "database unavailable")) {
			t.Fatalf("start %d: first /readyz = %d %q %v, want 503 with the database as the reason", i+1, code, body, err)
		}
		a.signal(syscall.SIGTERM)
		if code := a.wait(bound); code != 0 {
			t.Fatalf("start %d: exit code = %d, want 0", i+1, code)
		}
	}
}
