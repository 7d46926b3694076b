package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/berth-dev/berth/app/internal/lifecycle"
	"github.com/berth-dev/berth/app/internal/logging"
	"github.com/berth-dev/berth/app/internal/platform"
	"github.com/berth-dev/berth/app/internal/store"
)

// fakeStore keeps notes in memory; err, when set, is returned by every call.
type fakeStore struct {
	mu    sync.Mutex
	notes []store.Note
	keys  map[string]int // idempotency key to index in notes
	err   error
}

func (f *fakeStore) CreateNote(_ context.Context, title, body, key string) (store.Note, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return store.Note{}, false, f.err
	}
	if key != "" {
		if f.keys == nil {
			f.keys = map[string]int{}
		}
		if i, ok := f.keys[key]; ok {
			if f.notes[i].Title != title || f.notes[i].Body != body {
				return store.Note{}, false, store.ErrKeyReused
			}
			return f.notes[i], true, nil
		}
		f.keys[key] = len(f.notes)
	}
	n := store.Note{ID: int64(len(f.notes) + 1), Title: title, Body: body, CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	f.notes = append(f.notes, n)
	return n, false, nil
}

func (f *fakeStore) GetNote(_ context.Context, id int64) (store.Note, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return store.Note{}, f.err
	}
	for _, n := range f.notes {
		if n.ID == id {
			return n, nil
		}
	}
	return store.Note{}, store.ErrNotFound
}

func (f *fakeStore) ListNotes(_ context.Context, after int64, limit int) ([]store.Note, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	var out []store.Note
	for _, n := range f.notes {
		if n.ID > after && len(out) < limit {
			out = append(out, n)
		}
	}
	return out, nil
}

type fixture struct {
	api   *API
	store *fakeStore
	ready *lifecycle.Readiness
	logs  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func newFixture(t *testing.T, mutate func(*Options)) *fixture {
	t.Helper()
	f := &fixture{store: &fakeStore{}, ready: &lifecycle.Readiness{}, logs: &syncBuffer{}}
	o := Options{
		Logger:       logging.New(f.logs, slog.LevelDebug, "my-project"),
		Readiness:    f.ready,
		Store:        f.store,
		ServiceName:  "notes",
		MaxBodyBytes: 1024,
		Propagator:   propagation.TraceContext{},
		Identity: func() platform.Identity {
			return platform.Identity{Platform: platform.CloudRun, Service: "notes", Revision: "notes-00001", Hostname: "h"}
		},
	}
	if mutate != nil {
		mutate(&o)
	}
	f.api = New(o)
	return f
}

func (f *fixture) do(t *testing.T, method, target, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	f.api.ServeHTTP(rec, req)
	return rec
}

// errorOf asserts the JSON error shape and returns the decoded error.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) errorDetail {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json; body %s", ct, rec.Body)
	}
	var e errorResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("body %q is not {\"error\":{\"code\",\"message\"}}: %v", rec.Body, err)
	}
	return e.Error
}

func TestErrorResponses(t *testing.T) {
	t.Parallel()
	big := `{"title":"t","body":"` + strings.Repeat("x", 2000) + `"}`
	tests := []struct {
		name       string
		method     string
		target     string
		body       string
		header     []string
		wantStatus int
		wantCode   string
		wantText   string // in the message
	}{
		{"malformed JSON", "POST", "/v1/notes", `{"title":`, nil, 400, "malformed_json", ""},
		{"not JSON at all", "POST", "/v1/notes", `title=x`, nil, 400, "malformed_json", "not valid JSON"},
		{"empty body", "POST", "/v1/notes", ``, []string{"Content-Type", "application/json"}, 400, "malformed_json", "empty"},
		{"unknown field", "POST", "/v1/notes", `{"title":"t","color":"red"}`, nil, 400, "malformed_json", `"color"`},
		{"trailing data", "POST", "/v1/notes", `{"title":"t"} {"title":"u"}`, nil, 400, "malformed_json", "nothing after it"},
		{"trailing garbage", "POST", "/v1/notes", `{"title":"t"}x`, nil, 400, "malformed_json", ""},
		{"array instead of object", "POST", "/v1/notes", `[1]`, nil, 400, "malformed_json", ""},
		{"body over the limit", "POST", "/v1/notes", big, nil, 413, "body_too_large", "1024"},
		{"wrong content type", "POST", "/v1/notes", `{"title":"t"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", ""},
		{"missing title", "POST", "/v1/notes", `{"body":"b"}`, nil, 422, "invalid_fields", "title is required"},
		{"blank title", "POST", "/v1/notes", `{"title":"   "}`, nil, 422, "invalid_fields", "title must not be blank"},
		{"title too long", "POST", "/v1/notes", `{"title":"` + strings.Repeat("é", 201) + `"}`, nil, 422, "invalid_fields", "title must be at most 200"},
		{"title of the wrong type", "POST", "/v1/notes", `{"title":5}`, nil, 422, "invalid_fields", "title must be a JSON string"},
		{"unknown note", "GET", "/v1/notes/999", "", nil, 404, "not_found", "note not found"},
		{"non-numeric note ID", "GET", "/v1/notes/abc", "", nil, 404, "not_found", ""},
		{"unknown route", "GET", "/nope", "", nil, 404, "not_found", "/nope"},
		{"wrong method on the collection", "DELETE", "/v1/notes", "", nil, 405, "method_not_allowed", ""},
		{"wrong method on a note", "POST", "/v1/notes/1", "", nil, 405, "method_not_allowed", ""},
		{"wrong method on healthz", "POST", "/healthz", "", nil, 405, "method_not_allowed", ""},
		{"bad limit", "GET", "/v1/notes?limit=0", "", nil, 400, "invalid_parameter", "limit"},
		{"limit too big", "GET", "/v1/notes?limit=101", "", nil, 400, "invalid_parameter", "limit"},
		{"bad cursor", "GET", "/v1/notes?cursor=zzz", "", nil, 400, "invalid_parameter", "cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, nil)
			rec := f.do(t, tt.method, tt.target, tt.body, tt.header...)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			e := errorOf(t, rec)
			if e.Code != tt.wantCode || !strings.Contains(e.Message, tt.wantText) {
				t.Fatalf("error = %+v, want code %q and message containing %q", e, tt.wantCode, tt.wantText)
			}
			if rec.Header().Get(RequestIDHeader) == "" {
				t.Error("no X-Request-Id on an error response")
			}
		})
	}
}

func TestInvalidFieldsAreAllNamed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.MaxBodyBytes = 1 << 20 })
	rec := f.do(t, "POST", "/v1/notes", `{"title":"","body":"`+strings.Repeat("b", MaxBodyLength+1)+`"}`)
	if rec.Code != 422 {
		t.Fatalf("status = %d", rec.Code)
	}
	e := errorOf(t, rec)
	if len(e.Fields) != 2 || e.Fields[0].Field != "title" || e.Fields[1].Field != "body" {
		t.Fatalf("fields = %+v, want title and body", e.Fields)
	}
}

func TestMethodNotAllowedListsAllowedMethods(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	rec := f.do(t, "PUT", "/v1/notes", "")
	allow := rec.Header().Get("Allow")
	if rec.Code != 405 || !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
		t.Fatalf("status %d, Allow %q", rec.Code, allow)
	}
}

func TestCreateGetAndListNotes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	rec := f.do(t, "POST", "/v1/notes", `{"title":" Shopping ","body":"milk"}`)
	if rec.Code != 201 || rec.Header().Get("Location") != "/v1/notes/1" {
		t.Fatalf("create: status %d, Location %q, body %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	var n noteJSON
	json.Unmarshal(rec.Body.Bytes(), &n)
	if n.ID != "1" || n.Title != "Shopping" || n.Body != "milk" || n.CreatedAt.IsZero() {
		t.Fatalf("created = %+v", n)
	}
	if rec := f.do(t, "POST", "/v1/notes", `{"title":"no body"}`, "Content-Type", "application/json; charset=utf-8"); rec.Code != 201 {
		t.Fatalf("create without body: %d %s", rec.Code, rec.Body)
	}
	for i := 3; i <= 5; i++ {
		f.do(t, "POST", "/v1/notes", fmt.Sprintf(`{"title":"n%d"}`, i))
	}

	rec = f.do(t, "GET", "/v1/notes/1", "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"title":"Shopping"`) {
		t.Fatalf("get: %d %s", rec.Code, rec.Body)
	}

	var ids []string
	cursor := ""
	for page := 0; page < 10; page++ {
		rec = f.do(t, "GET", "/v1/notes?limit=2&cursor="+cursor, "")
		if rec.Code != 200 {
			t.Fatalf("list: %d %s", rec.Code, rec.Body)
		}
		var l listResponse
		json.Unmarshal(rec.Body.Bytes(), &l)
		for _, n := range l.Notes {
			ids = append(ids, n.ID)
		}
		if l.NextCursor == "" {
			break
		}
		cursor = l.NextCursor
	}
	if strings.Join(ids, ",") != "1,2,3,4,5" {
		t.Fatalf("paged IDs = %v", ids)
	}

	rec = f.do(t, "GET", "/v1/notes", "")
	if !strings.Contains(rec.Body.String(), `"notes":[`) || strings.Contains(rec.Body.String(), "next_cursor") {
		t.Fatalf("single page: %s", rec.Body)
	}
}

func TestEmptyListIsAnArray(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	if rec := f.do(t, "GET", "/v1/notes", ""); rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != `{"notes":[]}` {
		t.Fatalf("list: %d %s", rec.Code, rec.Body)
	}
}

func TestWithoutStorageTheAPIAnswers503(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.Store = nil })
	f.ready.SetStarted()
	for _, req := range [][2]string{{"POST", "/v1/notes"}, {"GET", "/v1/notes"}, {"GET", "/v1/notes/1"}} {
		rec := f.do(t, req[0], req[1], `{"title":"t"}`)
		if rec.Code != 503 {
			t.Fatalf("%s %s: status %d", req[0], req[1], rec.Code)
		}
		if e := errorOf(t, rec); e.Message != "storage is not configured" {
			t.Fatalf("%s %s: %+v", req[0], req[1], e)
		}
	}
	if rec := f.do(t, "GET", "/healthz", ""); rec.Code != 200 {
		t.Fatalf("healthz: %d", rec.Code)
	}
	if rec := f.do(t, "GET", "/readyz", ""); rec.Code != 200 {
		t.Fatalf("readyz without storage: %d %s", rec.Code, rec.Body)
	}
	if rec := f.do(t, "GET", "/", ""); rec.Code != 200 {
		t.Fatalf("root: %d", rec.Code)
	}
}

func TestStorageErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err        error
		wantStatus int
		wantCode   string
	}{
		{fmt.Errorf("x: %w", store.ErrUnavailable), 503, "storage_unavailable"},
		{fmt.Errorf("syntax error"), 500, "internal"},
	} {
		f := newFixture(t, nil)
		f.store.err = tt.err
		for _, req := range [][2]string{{"POST", "/v1/notes"}, {"GET", "/v1/notes"}, {"GET", "/v1/notes/1"}} {
			rec := f.do(t, req[0], req[1], `{"title":"t"}`)
			if rec.Code != tt.wantStatus || errorOf(t, rec).Code != tt.wantCode {
				t.Fatalf("%v: %s %s: %d %s", tt.err, req[0], req[1], rec.Code, rec.Body)
			}
		}
	}
}

func TestBearerTokenGuardsWrites(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.APIToken = "0123456789abcdef" })
	if rec := f.do(t, "POST", "/v1/notes", `{"title":"t"}`); rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
		t.Fatalf("no token: %d", rec.Code)
	}
	if rec := f.do(t, "POST", "/v1/notes", `{"title":"t"}`, "Authorization", "Bearer wrong"); rec.Code != 401 {
		t.Fatalf("wrong token: %d", rec.Code)
	}
	if rec := f.do(t, "POST", "/v1/notes", `{"title":"t"}`, "Authorization", "Bearer 0123456789abcdef"); rec.Code != 201 {
		t.Fatalf("right token: %d %s", rec.Code, rec.Body)
	}
	if rec := f.do(t, "GET", "/v1/notes", ""); rec.Code != 200 {
		t.Fatalf("reads need no token: %d", rec.Code)
	}
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	check := func(want int, wantReason string) {
		t.Helper()
		rec := f.do(t, "GET", "/readyz", "")
		var s statusResponse
		json.Unmarshal(rec.Body.Bytes(), &s)
		if rec.Code != want || s.Reason != wantReason {
			t.Fatalf("readyz = %d %+v, want %d %q", rec.Code, s, want, wantReason)
		}
	}
	check(503, lifecycle.ReasonStarting)
	f.ready.ExpectDependency()
	f.ready.SetStarted()
	check(503, lifecycle.ReasonDependencyUnchecked)
	f.ready.SetDependency(false)
	check(503, "database unavailable")
	if rec := f.do(t, "GET", "/readyz", ""); rec.Body.String() != `{"status":"not ready","reason":"database unavailable"}`+"\n" {
		t.Fatalf("readyz body with the database down = %s, want only the generic reason", rec.Body)
	}
	f.ready.SetDependency(true)
	check(200, "")
	f.ready.SetDraining()
	check(503, lifecycle.ReasonDraining)
	if rec := f.do(t, "GET", "/healthz", ""); rec.Code != 200 {
		t.Fatalf("healthz while draining: %d", rec.Code)
	}
}

func TestRootDescribesTheInstance(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	rec := f.do(t, "GET", "/", "")
	var got rootResponse
	json.Unmarshal(rec.Body.Bytes(), &got)
	if rec.Code != 200 || got.Service != "notes" || got.Revision != "notes-00001" || got.Instance.Platform != "cloudrun" || got.Instance.Hostname != "h" {
		t.Fatalf("root = %d %+v", rec.Code, got)
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	rec := f.do(t, "GET", "/healthz", "", RequestIDHeader, "abc-123")
	if got := rec.Header().Get(RequestIDHeader); got != "abc-123" {
		t.Fatalf("well-formed incoming ID not kept: %q", got)
	}
	for _, bad := range []string{"has space", strings.Repeat("a", 129), "new\nline", "<script>"} {
		rec := f.do(t, "GET", "/healthz", "", RequestIDHeader, bad)
		if got := rec.Header().Get(RequestIDHeader); got == bad || len(got) != 32 {
			t.Fatalf("malformed ID %q: response ID %q, want a new 32-character ID", bad, got)
		}
	}
	a, b := f.do(t, "GET", "/healthz", ""), f.do(t, "GET", "/healthz", "")
	if a.Header().Get(RequestIDHeader) == b.Header().Get(RequestIDHeader) {
		t.Fatal("generated IDs repeat")
	}
}

func TestAccessLogLine(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.do(t, "GET", "/v1/notes/7", "", RequestIDHeader, "req-7", "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	lines := f.logs.lines(t)
	l := lines[len(lines)-1]
	want := map[string]any{
		"message": "request", "severity": "INFO", "method": "GET", "route": "/v1/notes/{id}", "status": float64(404),
		"request_id": "req-7", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
		"logging.googleapis.com/trace": "projects/my-project/traces/4bf92f3577b34da6a3ce929d0e0e4736",
	}
	for k, v := range want {
		if l[k] != v {
			t.Errorf("%s = %v, want %v (line %v)", k, l[k], v, l)
		}
	}
	for _, k := range []string{"duration_ms", "bytes", "time", "httpRequest"} {
		if _, ok := l[k]; !ok {
			t.Errorf("no %s in %v", k, l)
		}
	}
}

func TestPanicRecovery(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.api.mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	rec := f.do(t, "GET", "/panic", "", RequestIDHeader, "req-p")
	if rec.Code != 500 || errorOf(t, rec).Code != "internal" || rec.Header().Get(RequestIDHeader) != "req-p" {
		t.Fatalf("panic: %d %s", rec.Code, rec.Body)
	}
	var panicLine, accessLine map[string]any
	for _, l := range f.logs.lines(t) {
		switch l["message"] {
		case "panic serving request":
			panicLine = l
		case "request":
			accessLine = l
		}
	}
	if panicLine == nil || panicLine["severity"] != "ERROR" || !strings.Contains(fmt.Sprint(panicLine["stack"]), "api_test.go") || panicLine["request_id"] != "req-p" {
		t.Fatalf("panic log = %v", panicLine)
	}
	if accessLine == nil || accessLine["status"] != float64(500) {
		t.Fatalf("access log = %v", accessLine)
	}
	if rec := f.do(t, "GET", "/healthz", ""); rec.Code != 200 {
		t.Fatal("handler unusable after a panic")
	}
}
