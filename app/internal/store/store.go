// Package store keeps notes in PostgreSQL through a pgx v5 connection pool.
//
// [New] creates the pool without connecting, so that the service can start
// listening before the database is reachable. [Postgres.Migrate] creates the
// schema idempotently; it takes a transaction-scoped advisory lock so that
// several instances starting at once run it one after another.
// Connection failures are reported as [ErrUnavailable] so that the API can
// answer 503 rather than 500.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Errors returned by the store.
var (
	// ErrNotFound means that no note has the requested ID.
	ErrNotFound = errors.New("note not found")
	// ErrUnavailable means that the database could not be reached or is
	// shutting down; the request may succeed later.
	ErrUnavailable = errors.New("storage is unavailable")
)

// Note is one stored note.
type Note struct {
	// ID is assigned by the database (an identity column), from 1.
	ID int64
	// Title is 1 to 200 characters after trimming; the API checks it.
	Title string
	// Body is at most 10,000 characters; it may be empty.
	Body string
	// CreatedAt is set by the database when the note is stored.
	CreatedAt time.Time
}

// DefaultConnectTimeout bounds each new connection when the URL has no
// connect_timeout; without it a dead host holds requests for the OS TCP
// timeout (minutes).
const DefaultConnectTimeout = 3 * time.Second

// Postgres is a note store backed by PostgreSQL.
type Postgres struct {
	pool *pgxpool.Pool
}

// New creates the pool from cfg without connecting to the database. A zero
// ConnectTimeout becomes [DefaultConnectTimeout].
func New(cfg *pgxpool.Config) (*Postgres, error) {
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("creating connection pool: %w", err)
	}
	return &Postgres{pool: pool}, nil
}

// Close closes the pool, waiting for acquired connections to be released.
func (p *Postgres) Close() { p.pool.Close() }

// Ping checks that a connection can be acquired and used. Requests and Ping
// share the pool, so when every connection is in use by requests Ping may
// not get one before ctx ends; it then returns nil, because a database busy
// serving requests is up, and a pool that is merely full must not fail
// readiness. A database that hangs fills the pool too, but each request
// gives its connection up within its own timeout (5 s), after which Ping
// gets a connection and reports the hang. Connect errors and ctx ending
// while a connection is being made are errors.
func (p *Postgres) Ping(ctx context.Context) error {
	c, err := p.pool.Acquire(ctx)
	if err != nil {
		if ctx.Err() != nil && p.busy() {
			return nil
		}
		return classify(err)
	}
	defer c.Release()
	return classify(c.Ping(ctx))
}

// busy reports whether every connection the pool may hold is acquired.
func (p *Postgres) busy() bool {
	s := p.pool.Stat()
	return s.AcquiredConns() >= s.MaxConns()
}

// migrationLockID is the key of the advisory lock that serializes
// migrations; any constant works as long as nothing else in the database
// uses it ("berth" in ASCII).
const migrationLockID int64 = 0x6265727468

// schema is idempotent; add statements, never edit ones already released.
const schema = `
CREATE TABLE IF NOT EXISTS notes (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	title      text        NOT NULL,
	body       text        NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL DEFAULT now()
)`

// Migrate creates the schema if it does not exist. It is safe to run from
// several instances at once: pg_advisory_xact_lock makes them take turns,
// and the lock is released when the transaction ends, even if the instance
// dies.
func (p *Postgres) Migrate(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLockID); err != nil {
			return fmt.Errorf("taking migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, schema); err != nil {
			return fmt.Errorf("creating schema: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrating: %w", classify(err))
	}
	return nil
}

// CreateNote stores a note and returns it with its ID and creation time.
func (p *Postgres) CreateNote(ctx context.Context, title, body string) (Note, error) {
	n := Note{Title: title, Body: body}
	err := p.pool.QueryRow(ctx,
		"INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING id, created_at", title, body,
	).Scan(&n.ID, &n.CreatedAt)
	if err != nil {
		return Note{}, fmt.Errorf("inserting note: %w", classify(err))
	}
	return n, nil
}

// GetNote returns the note with the given ID, or [ErrNotFound].
func (p *Postgres) GetNote(ctx context.Context, id int64) (Note, error) {
	var n Note
	err := p.pool.QueryRow(ctx,
		"SELECT id, title, body, created_at FROM notes WHERE id = $1", id,
	).Scan(&n.ID, &n.Title, &n.Body, &n.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Note{}, ErrNotFound
	}
	if err != nil {
		return Note{}, fmt.Errorf("selecting note: %w", classify(err))
	}
	return n, nil
}

// ListNotes returns up to limit notes with IDs above afterID, in ID order
// (keyset pagination: stable under concurrent inserts, and each page is an
// index range scan however deep the page).
func (p *Postgres) ListNotes(ctx context.Context, afterID int64, limit int) ([]Note, error) {
	rows, err := p.pool.Query(ctx,
		"SELECT id, title, body, created_at FROM notes WHERE id > $1 ORDER BY id LIMIT $2", afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("listing notes: %w", classify(err))
	}
	notes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Note, error) {
		var n Note
		err := r.Scan(&n.ID, &n.Title, &n.Body, &n.CreatedAt)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing notes: %w", classify(err))
	}
	return notes, nil
}

// classify marks connection-level failures with ErrUnavailable. Any
// failure to connect is one, whatever the server said: a wrong password
// during a credential rotation (SQLSTATE 28P01), a missing database, too
// many connections. Once connected, an error reported by the PostgreSQL
// server is a bug (500) unless its SQLSTATE class
// (https://www.postgresql.org/docs/current/errcodes-appendix.html) says
// that the connection failed (08), authorization failed (28), the server
// is out of resources (53) or shutting down (57). Any other failure (dial,
// TLS, reset connection, timeout, closed pool) happened on the way to the
// server, so it is ErrUnavailable too; a cancelled request context is
// left alone.
func classify(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var connectErr *pgconn.ConnectError
	var pgErr *pgconn.PgError
	if !errors.As(err, &connectErr) && errors.As(err, &pgErr) {
		switch pgErr.Code[:min(2, len(pgErr.Code))] {
		case "08", "28", "53", "57":
		default:
			return err
		}
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}
