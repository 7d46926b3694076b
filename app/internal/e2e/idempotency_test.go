package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/berth-dev/berth/app/internal/testenv"
)

// replyDropper forwards TCP connections to PostgreSQL and, when armed,
// loses the answer to the next write: it passes the statement to the
// server, and when the server's answer reports a row inserted (after the
// commit: PostgreSQL flushes its answer with ReadyForQuery, once the
// implicit transaction has committed), it closes both sides instead of
// forwarding it. That is a connection failing after the commit, as when
// the database stops under load.
type replyDropper struct {
	ln      net.Listener
	target  string
	armed   atomic.Bool
	dropped chan struct{}
	once    sync.Once
}

func newReplyDropper(t *testing.T, target string) *replyDropper {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &replyDropper{ln: ln, target: target, dropped: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			go func() { buf := make([]byte, 32<<10); copyConn(up, c, buf, nil) }()
			go func() {
				buf := make([]byte, 32<<10)
				copyConn(c, up, buf, func(b []byte) bool {
					if d.armed.Load() && (bytes.Contains(b, []byte("INSERT 0 1\x00")) || bytes.Contains(b, []byte("SELECT 1\x00"))) && d.armed.CompareAndSwap(true, false) {
						d.once.Do(func() { close(d.dropped) })
						return true
					}
					return false
				})
			}()
		}
	}()
	return d
}

// copyConn copies src to dst until either fails or drop says to cut
// both instead of forwarding a chunk.
func copyConn(dst, src net.Conn, buf []byte, drop func([]byte) bool) {
	defer dst.Close()
	defer src.Close()
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if drop != nil && drop(buf[:n]) {
				return
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (d *replyDropper) addr() string { return d.ln.Addr().String() }

// countNotes counts the notes in the database, straight from PostgreSQL.
func countNotes(t *testing.T, dbURL string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM notes").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWriteWhoseAnswerIsLostIsNotRetryable (item 4): a write whose
// connection failed after the commit answered 503 with Retry-After while
// the note was in the table, so a retry stored it twice. Without an
// Idempotency-Key it must now answer 500 outcome_unknown without
// Retry-After; with one, 503 with Retry-After is safe, since the retry
// returns the stored note instead of storing another, and the same key
// with another note is refused.
func TestWriteWhoseAnswerIsLostIsNotRetryable(t *testing.T) {
	t.Parallel()
	dbURL := testenv.FreshDatabase(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	d := newReplyDropper(t, u.Host)
	u.Host = d.addr()
	a := startApp(t, "DATABASE_URL="+u.String())
	a.waitStatus("/readyz", 200)

	d.armed.Store(true)
	code, h, body := a.request("POST", "/v1/notes", `{"title":"answer lost"}`)
	<-d.dropped
	if code != 500 || h.Get("Retry-After") != "" || !bytes.Contains([]byte(body), []byte("outcome_unknown")) {
		t.Errorf("POST whose answer was lost = %d (Retry-After %q) %s, want 500 outcome_unknown without Retry-After", code, h.Get("Retry-After"), body)
	}
	if n := countNotes(t, dbURL); n != 1 {
		t.Fatalf("%d notes stored, want 1: the test did not lose the answer after the commit", n)
	}

	const key = "0b7e4f6e-6c1f-4a43-9d55-0c4bd4a7c8a2"
	d.dropped, d.once = make(chan struct{}), sync.Once{}
	d.armed.Store(true)
	code, h, body = a.request("POST", "/v1/notes", `{"title":"with a key"}`, "Idempotency-Key", key)
	<-d.dropped
	if code != 503 || h.Get("Retry-After") == "" {
		t.Errorf("POST with a key whose answer was lost = %d (Retry-After %q) %s, want 503 with Retry-After", code, h.Get("Retry-After"), body)
	}
	if n := countNotes(t, dbURL); n != 2 {
		t.Fatalf("%d notes stored, want 2", n)
	}
	var first struct{ ID, Title string }
	for i := range 2 {
		code, h, body = a.request("POST", "/v1/notes", `{"title":"with a key"}`, "Idempotency-Key", `"`+key+`"`)
		var n struct{ ID, Title string }
		json.Unmarshal([]byte(body), &n)
		if code != 201 || h.Get("Idempotent-Replayed") != "true" || n.Title != "with a key" || (i == 1 && n.ID != first.ID) {
			t.Fatalf("retry %d with the key = %d (Idempotent-Replayed %q) %s, want 201 with the stored note", i+1, code, h.Get("Idempotent-Replayed"), body)
		}
		first = n
	}
	if n := countNotes(t, dbURL); n != 2 {
		t.Fatalf("%d notes stored after the retries, want 2: a retry stored the note again", n)
	}
	code, _, body = a.request("POST", "/v1/notes", `{"title":"another note"}`, "Idempotency-Key", key)
	if c, fields, _ := errorFields(body); code != 422 || c != "idempotency_key_reused" || len(fields) != 1 || fields[0] != "Idempotency-Key" {
		t.Fatalf("the key with another note = %d %s, want 422 idempotency_key_reused naming Idempotency-Key", code, body)
	}
	for _, bad := range []string{"has space", `"`, strings.Repeat("k", 256)} {
		if code, _, body := a.request("POST", "/v1/notes", `{"title":"x"}`, "Idempotency-Key", bad); code != 400 {
			t.Errorf("Idempotency-Key %q = %d %s, want 400", bad, code, body)
		}
	}
}
