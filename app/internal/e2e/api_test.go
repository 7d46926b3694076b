package e2e

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/berth-dev/berth/app/internal/testenv"
)

// request sends method path with body and the headers (name, value pairs)
// and returns the status, the Retry-After header and the body.
func (a *app) request(method, path, body string, header ...string) (int, http.Header, string) {
	a.t.Helper()
	req, err := http.NewRequest(method, a.base+path, strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// linesAt returns the log lines of the given severity.
func (a *app) linesAt(severity string) []logLine {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []logLine
	for _, l := range a.logs {
		if l["severity"] == severity {
			out = append(out, l)
		}
	}
	return out
}

// TestTextPostgreSQLCannotStoreIsA422: PostgreSQL's text type cannot hold
// U+0000 (SQLSTATE 22021); such a note must be refused with 422 naming the
// field before it reaches the database, and nothing logged as an error.
func TestTextPostgreSQLCannotStoreIsA422(t *testing.T) {
	t.Parallel()
	a := startApp(t, "DATABASE_URL="+testenv.FreshDatabase(t))
	a.waitStatus("/readyz", 200)
	tests := []struct {
		body, field string
	}{
		{`{"title":"a\u0000b","body":"fine"}`, "title"},
		{`{"title":"fine","body":"nul \u0000 inside"}`, "body"},
		{`{"title":"\u0000","body":"\u0000"}`, "title"},
	}
	for _, tt := range tests {
		code, _, body := a.request("POST", "/v1/notes", tt.body)
		var e struct {
			Error struct {
				Code   string
				Fields []struct{ Field, Message string }
			}
		}
		json.Unmarshal([]byte(body), &e)
		if code != 422 || e.Error.Code != "invalid_fields" || len(e.Error.Fields) == 0 || e.Error.Fields[0].Field != tt.field {
			t.Errorf("POST %s = %d %s, want 422 naming %s first", tt.body, code, body, tt.field)
		}
	}
	if code, _, body := a.request("POST", "/v1/notes", `{"title":"after","body":"ok"}`); code != 201 {
		t.Fatalf("POST of a valid note = %d %s", code, body)
	}
	if errs := a.linesAt("ERROR"); len(errs) > 0 {
		t.Fatalf("ERROR log lines: %v", errs)
	}
}

// TestIDsAndCursorsHaveOneCanonicalForm: a note is found only by its ID
// as the API writes it, and a cursor is accepted only as the API wrote it.
func TestIDsAndCursorsHaveOneCanonicalForm(t *testing.T) {
	t.Parallel()
	a := startApp(t, "DATABASE_URL="+testenv.FreshDatabase(t))
	a.waitStatus("/readyz", 200)
	for range 3 {
		if code, _, body := a.request("POST", "/v1/notes", `{"title":"n"}`); code != 201 {
			t.Fatalf("POST = %d %s", code, body)
		}
	}
	if code, _, body := a.request("GET", "/v1/notes/1", ""); code != 200 {
		t.Fatalf("GET /v1/notes/1 = %d %s", code, body)
	}
	for _, id := range []string{"+1", "01", "0001", "1.0", "1e0", "0x1", "%2B1", "-0", "9223372036854775808"} {
		if code, _, body := a.request("GET", "/v1/notes/"+id, ""); code != 404 {
			t.Errorf("GET /v1/notes/%s = %d %s, want 404", id, code, body)
		}
	}

	code, _, body := a.request("GET", "/v1/notes?limit=1", "")
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	if json.Unmarshal([]byte(body), &page); code != 200 || page.NextCursor == "" {
		t.Fatalf("first page = %d %s, want a next_cursor", code, body)
	}
	if code, _, body := a.request("GET", "/v1/notes?limit=1&cursor="+page.NextCursor, ""); code != 200 || !strings.Contains(body, `"id":"2"`) {
		t.Fatalf("second page = %d %s, want note 2", code, body)
	}
	raw := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	// The API's own cursor for note 1 is raw("n1:1"); each of these differs.
	lastByte := page.NextCursor[len(page.NextCursor)-1]
	bits := page.NextCursor[:len(page.NextCursor)-1] + string(lastByte+1) // same bytes, other padding bits
	for _, c := range []string{raw("n1:+1"), raw("n1:01"), raw("n1:+5"), raw("n1: 1"), raw("n1:1 "), raw("n1:-0"), raw("n1:0"), base64.URLEncoding.EncodeToString([]byte("n1:1")), base64.StdEncoding.EncodeToString([]byte("n1:1?")), bits} {
		if code, _, body := a.request("GET", "/v1/notes?cursor="+c, ""); code != 400 {
			t.Errorf("GET /v1/notes?cursor=%s = %d %s, want 400", c, code, body)
		}
	}
	for _, l := range []string{"+5", "05", "5.0", " 5"} {
		if code, _, body := a.request("GET", "/v1/notes?limit="+strings.ReplaceAll(l, " ", "%20"), ""); code != 400 {
			t.Errorf("GET /v1/notes?limit=%s = %d %s, want 400", l, code, body)
		}
	}
}

// TestBearerSchemeIsCaseInsensitive follows RFC 9110 section 11.1: the
// authentication scheme is a case-insensitive token, and section 11.4:
// one or more spaces separate it from the credentials.
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	const token = "0123456789abcdef-token"
	a := startApp(t, "DATABASE_URL="+testenv.FreshDatabase(t), "API_TOKEN="+token)
	a.waitStatus("/readyz", 200)
	for _, auth := range []string{"Bearer " + token, "bearer " + token, "BEARER " + token, "bEaReR " + token, "Bearer   " + token} {
		if code, _, body := a.request("POST", "/v1/notes", `{"title":"t"}`, "Authorization", auth); code != 201 {
			t.Errorf("Authorization %q = %d %s, want 201", auth, code, body)
		}
	}
	for _, auth := range []string{"", "Bearer", "Bearer " + token + "x", "Basic " + token, "Bearer" + token, token, "Bearer " + strings.ToUpper(token)} {
		code, h, body := a.request("POST", "/v1/notes", `{"title":"t"}`, "Authorization", auth)
		if code != 401 || h.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q = %d %s, want 401 with WWW-Authenticate", auth, code, body)
		}
	}
}
