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
	// shutting down, and the call changed nothing; it may succeed later.
	ErrUnavailable = errors.New("storage is unavailable")
	// ErrOutcomeUnknown means that a write was sent and the connection
	// failed before its answer came: it may or may not have been stored.
	// Retrying is safe only with an idempotency key.
	ErrOutcomeUnknown = errors.New("the write's outcome is unknown")
	// ErrKeyReused means that the idempotency key was stored with a note
	// of another title or body.
	ErrKeyReused = errors.New("idempotency key already used for another note")
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
// idempotency_key is the client's Idempotency-Key, kept with its note for
// as long as the note lives; the unique index makes a retry find the note
// the first attempt stored, even when that attempt's answer was lost, and
// makes concurrent attempts with one key store one note (PostgreSQL
// makes the second insert wait for the first to commit or roll back).
const schema = `
CREATE TABLE IF NOT EXISTS notes (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	title      text        NOT NULL,
	body       text        NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE notes ADD COLUMN IF NOT EXISTS idempotency_key text;
CREATE UNIQUE INDEX IF NOT EXISTS notes_idempotency_key ON notes (idempotency_key)`

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
//
// With a non-empty idempotencyKey the note is stored with the key, once:
// when a note with that key exists already, CreateNote returns it with
// replayed true if its title and body are these, or [ErrKeyReused] if
// not. Without a key every call stores a new note.
//
// A failure after the statement was sent, when the connection broke
// before the answer came, is [ErrOutcomeUnknown]: the note may be stored.
// Failures before anything was sent, and errors the server answered
// with (the statement then did not commit), are [ErrUnavailable] or
// plain errors as [classify] decides.
func (p *Postgres) CreateNote(ctx context.Context, title, body, idempotencyKey string) (n Note, replayed bool, err error) {
	n = Note{Title: title, Body: body}
	// Acquired apart from the statement so that a failure to get a
	// connection (connect, authentication, a full pool) is known to have
	// sent nothing.
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return Note{}, false, fmt.Errorf("inserting note: %w", classify(err))
	}
	defer conn.Release()
	if idempotencyKey == "" {
		err = conn.QueryRow(ctx,
			"INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING id, created_at", title, body,
		).Scan(&n.ID, &n.CreatedAt)
		if err != nil {
			return Note{}, false, fmt.Errorf("inserting note: %w", classifyWrite(err))
		}
		return n, false, nil
	}
	// One statement, so that it commits or not as a whole: insert unless
	// the key exists, and either way return the note that has the key.
	// The CTE's insert is not visible to the SELECT in the same
	// statement, hence the UNION: exactly one of the two returns a row.
	var inserted bool
	var storedTitle, storedBody string
	err = conn.QueryRow(ctx, `
WITH ins AS (
	INSERT INTO notes (title, body, idempotency_key) VALUES ($1, $2, $3)
	ON CONFLICT (idempotency_key) DO NOTHING
	RETURNING id, title, body, created_at
)
SELECT id, title, body, created_at, true FROM ins
UNION ALL
SELECT id, title, body, created_at, false FROM notes
WHERE idempotency_key = $3 AND NOT EXISTS (SELECT 1 FROM ins)`,
		title, body, idempotencyKey,
	).Scan(&n.ID, &storedTitle, &storedBody, &n.CreatedAt, &inserted)
	if err != nil {
		return Note{}, false, fmt.Errorf("inserting note with idempotency key: %w", classifyWrite(err))
	}
	if !inserted && (storedTitle != title || storedBody != body) {
		return Note{}, false, ErrKeyReused
	}
	return n, !inserted, nil
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

// classifyWrite is classify for a statement that writes: a failure that
// leaves its outcome unknown is [ErrOutcomeUnknown]. The outcome is known
// in two cases only: pgconn marks a failure that happened before anything
// was sent as safe to retry (pgconn.SafeToRetry), and an error of
// severity ERROR that the server answered with means the statement, run
// in its own implicit transaction, rolled back while the session went on.
// Anything else may have come after the commit: the connection reset,
// closed or timed out while the statement was out, or a FATAL or PANIC
// that ended the session (a shutdown terminates sessions whatever they
// were doing).
func classifyWrite(err error) error {
	var pgErr *pgconn.PgError
	if err == nil || pgconn.SafeToRetry(err) || (errors.As(err, &pgErr) && pgErr.Severity == "ERROR") {
		return classify(err)
	}
	return fmt.Errorf("%w: %w", ErrOutcomeUnknown, classify(err))
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
