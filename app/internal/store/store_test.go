package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/berth-dev/berth/app/internal/testenv"
)

func open(t *testing.T, url string) *Postgres {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	p := open(t, testenv.FreshDatabase(t))
	ctx := testContext(t)
	for i := range 3 {
		if err := p.Migrate(ctx); err != nil {
			t.Fatalf("Migrate() run %d: %v", i+1, err)
		}
	}
	if _, _, err := p.CreateNote(ctx, "t", "b", ""); err != nil {
		t.Fatalf("CreateNote() after migrations: %v", err)
	}
}

// TestMigrateConcurrently runs migrations from separate pools at once, as
// instances starting together do. Without the advisory lock, concurrent
// CREATE TABLE IF NOT EXISTS can fail with a unique violation on pg_type.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	url := testenv.FreshDatabase(t)
	ctx := testContext(t)
	const instances = 8
	stores := make([]*Postgres, instances)
	for i := range stores {
		stores[i] = open(t, url)
	}
	var wg sync.WaitGroup
	errs := make([]error, instances)
	start := make(chan struct{})
	for i, s := range stores {
		wg.Go(func() {
			<-start
			errs[i] = s.Migrate(ctx)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: Migrate() = %v", i, err)
		}
	}
}

func TestNotesRoundTripAndKeysetPagination(t *testing.T) {
	t.Parallel()
	p := open(t, testenv.FreshDatabase(t))
	ctx := testContext(t)
	if err := p.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var created []Note
	for i := range 5 {
		n, _, err := p.CreateNote(ctx, fmt.Sprintf("title %d", i), "body", "")
		if err != nil {
			t.Fatal(err)
		}
		if n.ID == 0 || n.CreatedAt.IsZero() {
			t.Fatalf("CreateNote() = %+v, want ID and CreatedAt", n)
		}
		created = append(created, n)
	}
	got, err := p.GetNote(ctx, created[2].ID)
	if err != nil || got.Title != "title 2" || got.Body != "body" {
		t.Fatalf("GetNote() = %+v, %v", got, err)
	}
	if _, err := p.GetNote(ctx, 1<<40); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetNote(unknown) error = %v, want ErrNotFound", err)
	}

	var seen []int64
	after := int64(0)
	for range 10 {
		page, err := p.ListNotes(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, n := range page {
			seen = append(seen, n.ID)
		}
		after = page[len(page)-1].ID
	}
	if len(seen) != len(created) {
		t.Fatalf("paged through %v, want %d notes", seen, len(created))
	}
	for i, n := range created {
		if seen[i] != n.ID {
			t.Fatalf("page order %v, want creation order", seen)
		}
	}
}

func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	t.Parallel()
	// Port 1 on loopback refuses connections at once.
	p := open(t, "postgres://u:p@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	ctx := testContext(t)
	for name, err := range map[string]error{
		"Ping":    p.Ping(ctx),
		"Migrate": p.Migrate(ctx),
		"Create":  func() error { _, _, err := p.CreateNote(ctx, "t", "", ""); return err }(),
		"Get":     func() error { _, err := p.GetNote(ctx, 1); return err }(),
		"List":    func() error { _, err := p.ListNotes(ctx, 0, 1); return err }(),
	} {
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s error = %v, want ErrUnavailable", name, err)
		}
	}
}

// TestPingCountsAFullPoolAsUp holds the pool's only connection, as a burst
// of requests would, and checks that Ping, unable to get a connection
// before its context ends, still reports the database up.
func TestPingCountsAFullPoolAsUp(t *testing.T) {
	t.Parallel()
	cfg, err := pgxpool.ParseConfig(testenv.DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	ctx := testContext(t)
	held, err := p.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := p.Ping(pingCtx); err != nil {
		t.Fatalf("Ping() with every connection in use = %v, want nil", err)
	}
	held.Release()
	if err := p.Ping(ctx); err != nil {
		t.Fatalf("Ping() with a free connection = %v", err)
	}
}

// TestPingFailsWhileConnecting points the pool at a server that accepts
// TCP connections and never answers: the context ends while a connection
// is being made, which is an outage, not a busy pool.
func TestPingFailsWhileConnecting(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	p := open(t, "postgres://u:p@"+ln.Addr().String()+"/x?sslmode=disable&connect_timeout=30")
	ctx, cancel := context.WithTimeout(testContext(t), 100*time.Millisecond)
	defer cancel()
	if err := p.Ping(ctx); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Ping() while connecting = %v, want ErrUnavailable", err)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err             error
		wantUnavailable bool
	}{
		{&pgconn.PgError{Code: "42P01"}, false},
		{&pgconn.PgError{Code: "57P01"}, true},
		{&pgconn.PgError{Code: "08006"}, true},
		{&pgconn.PgError{Code: "53300"}, true},
		{&pgconn.PgError{Code: "28P01"}, true},
		{&pgconn.PgError{Code: "28000"}, true},
		{&pgconn.PgError{Code: "22021"}, false},
		{context.DeadlineExceeded, true},
		{errors.New("dial tcp: connection refused"), true},
		{context.Canceled, false},
	}
	for _, tt := range tests {
		if got := errors.Is(classify(tt.err), ErrUnavailable); got != tt.wantUnavailable {
			t.Errorf("classify(%v) unavailable = %v, want %v", tt.err, got, tt.wantUnavailable)
		}
	}
}

// TestWrongPasswordIsUnavailable connects to the real server with a wrong
// password, as an instance does between a credential rotation and its
// next deployment: PostgreSQL answers SQLSTATE 28P01, which must count as
// unavailability (503), not as a bug (500).
func TestWrongPasswordIsUnavailable(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(testenv.DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "not-the-password")
	p := open(t, u.String())
	_, _, err = p.CreateNote(testContext(t), "t", "b", "")
	var pgErr *pgconn.PgError
	if !errors.Is(err, ErrUnavailable) || !errors.As(err, &pgErr) || pgErr.Code != "28P01" {
		t.Fatalf("CreateNote() with a wrong password = %v, want ErrUnavailable wrapping SQLSTATE 28P01", err)
	}
}
