package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/berth-dev/berth/app/internal/testenv"
)

// TestWrongPasswordDuringRotationIsUnavailable rotates the password of the
// service's own PostgreSQL role under it and ends its sessions, as a
// credential rotation does: new connections then fail authentication
// (SQLSTATE 28P01). Every write that cannot connect must answer 503 with
// Retry-After; a write sent on a session the server has just terminated
// gets FATAL 57P01 back, which leaves its outcome unknown (a session
// can be ended after its commit), so it answers 500 outcome_unknown
// without Retry-After (issue 17, item 4). The API logs one WARNING for
// the whole episode and no ERROR; once the old password is back, writes
// succeed again.
func TestWrongPasswordDuringRotationIsUnavailable(t *testing.T) {
	t.Parallel()
	dbURL := testenv.FreshDatabase(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*bound)
	defer cancel()
	admin, err := pgx.Connect(ctx, testenv.DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	b := make([]byte, 4)
	rand.Read(b)
	role := "berth_rotation_" + hex.EncodeToString(b)
	exec := func(sql string) {
		t.Helper()
		if _, err := admin.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD 'old-password'", role))
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), testenv.DatabaseURL(t))
		if err != nil {
			t.Errorf("connecting to drop role %s: %v", role, err)
			return
		}
		defer c.Close(context.Background())
		// The database, which the role owns with the table the service
		// made in it, is dropped by FreshDatabase's cleanup, which runs
		// after this one: hand both back first.
		c.Exec(context.Background(), fmt.Sprintf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '%s'", role))
		if db, err := pgx.Connect(context.Background(), dbURL); err == nil {
			db.Exec(context.Background(), "REASSIGN OWNED BY "+role+" TO CURRENT_USER")
			db.Close(context.Background())
		}
		c.Exec(context.Background(), fmt.Sprintf("ALTER DATABASE %s OWNER TO CURRENT_USER", strings.TrimPrefix(u.Path, "/")))
		if _, err := c.Exec(context.Background(), "DROP ROLE IF EXISTS "+role); err != nil {
			t.Errorf("dropping role %s: %v", role, err)
		}
	})
	exec(fmt.Sprintf("ALTER DATABASE %s OWNER TO %s", strings.TrimPrefix(u.Path, "/"), role))
	u.User = url.UserPassword(role, "old-password")

	a := startApp(t, "DATABASE_URL="+u.String(), "LOG_LEVEL=debug")
	a.waitStatus("/readyz", 200)
	if code, _, body := a.request("POST", "/v1/notes", `{"title":"before"}`); code != 201 {
		t.Fatalf("POST before the rotation = %d %s", code, body)
	}

	exec(fmt.Sprintf("ALTER ROLE %s PASSWORD 'new-password'", role))
	exec(fmt.Sprintf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '%s'", role))
	unavailable := 0
	for i := 0; unavailable < 5; i++ {
		if i == 200 {
			t.Fatalf("only %d of 200 writes answered 503 after the rotation", unavailable)
		}
		code, h, body := a.request("POST", "/v1/notes", `{"title":"during"}`)
		switch {
		case code == 503 && h.Get("Retry-After") != "" && strings.Contains(body, "storage_unavailable"):
			unavailable++
		case code == 201 && unavailable == 0:
			// A connection that survived the termination; try again.
			time.Sleep(10 * time.Millisecond)
		case code == 500 && h.Get("Retry-After") == "" && strings.Contains(body, "outcome_unknown") && unavailable == 0:
			// A session the termination ended: its outcome is unknown.
		default:
			t.Fatalf("write after the rotation = %d (Retry-After %q) %s, want 503 with Retry-After", code, h.Get("Retry-After"), body)
		}
	}
	a.waitLog("storage still unavailable")
	sawAuth := false
	a.mu.Lock()
	for _, l := range a.logs {
		if l.message() == "storage still unavailable" && strings.Contains(fmt.Sprint(l["error"]), "28P01") {
			sawAuth = true
		}
	}
	a.mu.Unlock()
	if !sawAuth {
		t.Error("no write failed authentication (SQLSTATE 28P01); the test did not reach the case it is about")
	}

	exec(fmt.Sprintf("ALTER ROLE %s PASSWORD 'old-password'", role))
	deadline := time.Now().Add(bound)
	for {
		code, _, body := a.request("POST", "/v1/notes", `{"title":"after"}`)
		if code == 201 {
			break
		}
		if code != 503 || time.Now().After(deadline) {
			t.Fatalf("write after the password was restored = %d %s", code, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	a.waitLog("storage available again")

	var warnings []string
	for _, l := range a.linesAt("WARNING") {
		if l.message() == "storage unavailable" {
			warnings = append(warnings, fmt.Sprint(l["error"]))
		}
	}
	if len(warnings) != 1 {
		t.Errorf("%d \"storage unavailable\" warnings, want one for the episode: %q", len(warnings), warnings)
	}
	if errs := a.linesAt("ERROR"); len(errs) > 0 {
		t.Errorf("ERROR log lines: %v", errs)
	}
}
