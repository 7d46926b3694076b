// Package testenv gives tests access to the real services they need.
//
// A test that needs PostgreSQL calls [DatabaseURL] or [FreshDatabase]. The
// server comes from BERTH_TEST_DATABASE_URL, a URL for a role allowed to
// create databases, or else [DefaultDatabaseURL], the server that
// scripts/setup.sh starts. When neither answers the test is skipped on a
// developer machine, saying so, but fails when CI=true: CI must never skip.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/berth-dev/berth/internal/ci"
)

// DatabaseURLVar names the variable that holds the PostgreSQL server URL.
const DatabaseURLVar = "BERTH_TEST_DATABASE_URL"

// DefaultDatabaseURL is the role and database scripts/setup.sh creates.
const DefaultDatabaseURL = "postgres://berth:berth@127.0.0.1:5432/berth?sslmode=disable"

// DatabaseURL returns BERTH_TEST_DATABASE_URL, or DefaultDatabaseURL when
// that is unset and its server answers; otherwise it skips or fails t.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv(DatabaseURLVar); u != "" {
		return u
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, DefaultDatabaseURL)
	if err != nil {
		ci.Require(t, "PostgreSQL", fmt.Errorf("run scripts/setup.sh, or set %s to a URL for a role that may CREATE DATABASE (%w)", DatabaseURLVar, err))
	}
	conn.Close(ctx)
	return DefaultDatabaseURL
}

// FreshDatabase creates an empty database for this test only, drops it when
// the test ends, and returns its URL.
func FreshDatabase(t testing.TB) string {
	t.Helper()
	admin := DatabaseURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connecting to %s: %v", DatabaseURLVar, err)
	}
	defer conn.Close(ctx)

	b := make([]byte, 6)
	rand.Read(b)
	name := "berth_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("connecting to drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
	})

	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s must be a URL: %v", DatabaseURLVar, err)
	}
	u.Path = "/" + name
	return u.String()
}
