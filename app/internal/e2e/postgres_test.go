package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/berth-dev/berth/app/internal/testenv"
)

type note struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// TestTwoInstancesStartTogetherAndShareWrites starts two binaries at once
// against a fresh database: both migrate (taking turns on the advisory
// lock), become ready, and see each other's writes.
func TestTwoInstancesStartTogetherAndShareWrites(t *testing.T) {
	t.Parallel()
	dbURL := testenv.FreshDatabase(t)
	// startApp returns as soon as a process listens, before its
	// background checker first reaches the database, so both migrations
	// run at about the same time. store's TestMigrateConcurrently races
	// eight of them deterministically.
	a := startApp(t, "DATABASE_URL="+dbURL)
	b := startApp(t, "DATABASE_URL="+dbURL)
	a.waitStatus("/readyz", 200)
	b.waitStatus("/readyz", 200)
	a.waitLog("database schema is up to date")
	b.waitLog("database schema is up to date")

	code, body, err := do(http.DefaultClient, "POST", a.base+"/v1/notes", `{"title":"from a","body":"hello"}`)
	if err != nil || code != 201 {
		t.Fatalf("POST on a = %d %s %v", code, body, err)
	}
	var created note
	json.Unmarshal([]byte(body), &created)

	code, body, err = b.get("/v1/notes/" + created.ID)
	if err != nil || code != 200 || !strings.Contains(body, `"title":"from a"`) {
		t.Fatalf("GET on b = %d %s %v", code, body, err)
	}
	code, body, err = do(http.DefaultClient, "POST", b.base+"/v1/notes", `{"title":"from b"}`)
	if err != nil || code != 201 {
		t.Fatalf("POST on b = %d %s %v", code, body, err)
	}
	code, body, err = a.get("/v1/notes?limit=10")
	if err != nil || code != 200 || !strings.Contains(body, "from a") || !strings.Contains(body, "from b") {
		t.Fatalf("list on a = %d %s %v", code, body, err)
	}
}

// TestDatabaseOutage cuts the TCP path to a real PostgreSQL and restores it:
// readiness follows the database, liveness never does, and the API answers
// 503 while it is gone.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	dbURL := testenv.FreshDatabase(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.addr()
	a := startApp(t, "DATABASE_URL="+u.String())
	a.waitStatus("/readyz", 200)
	if code, body, _ := do(http.DefaultClient, "POST", a.base+"/v1/notes", `{"title":"before"}`); code != 201 {
		t.Fatalf("POST before the outage = %d %s", code, body)
	}

	p.cut()
	a.waitStatus("/readyz", 503)
	code, body, _ := a.get("/readyz")
	if !strings.Contains(body, "database unavailable") {
		t.Fatalf("/readyz during the outage = %d %s, want the database named", code, body)
	}
	// The cause, which names the database's address, user and name, is
	// logged, not shown to whoever can reach /readyz.
	for _, detail := range []string{p.addr(), u.User.Username(), strings.TrimPrefix(u.Path, "/")} {
		if strings.Contains(body, detail) {
			t.Errorf("/readyz during the outage shows %q: %s", detail, body)
		}
	}
	if l := a.waitLog("database is not ready"); l["severity"] != "WARNING" || !strings.Contains(fmt.Sprint(l["reason"]), "unreachable") {
		t.Errorf("database is not ready line = %v, want a WARNING with the cause", l)
	}
	if code, _, err := a.get("/healthz"); err != nil || code != 200 {
		t.Fatalf("/healthz during the outage = %d %v, want 200", code, err)
	}
	if code, body, _ := a.get("/v1/notes"); code != 503 || !strings.Contains(body, "storage is unavailable") {
		t.Fatalf("GET /v1/notes during the outage = %d %s, want 503", code, body)
	}

	p.restore()
	a.waitStatus("/readyz", 200)
	a.waitStatus("/v1/notes", 200)
	if _, body, _ := a.get("/v1/notes"); !strings.Contains(body, "before") {
		t.Fatalf("note written before the outage is gone: %s", body)
	}
}

// proxy forwards TCP connections to a target until cut, when it closes
// every open connection and refuses new ones by closing them on accept.
type proxy struct {
	t      *testing.T
	ln     net.Listener
	target string

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]struct{}
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go p.serve()
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[up] = struct{}{}, struct{}{}
		p.mu.Unlock()
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

func (p *proxy) pipe(dst, src net.Conn) {
	io.Copy(dst, src)
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
}

func (p *proxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}
