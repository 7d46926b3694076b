package httpapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// gatedBody is a request body that says when it is first read and then
// blocks until it is opened.
type gatedBody struct {
	r       io.Reader
	reading chan struct{}
	open    chan struct{}
	started bool
}

func newGatedBody(s string) *gatedBody {
	return &gatedBody{r: strings.NewReader(s), reading: make(chan struct{}), open: make(chan struct{})}
}

func (g *gatedBody) Read(p []byte) (int, error) {
	if !g.started {
		g.started = true
		close(g.reading)
		<-g.open
	}
	return g.r.Read(p)
}

// readCount is a request body that counts its reads.
type readCount struct {
	r     io.Reader
	reads int
}

func (c *readCount) Read(p []byte) (int, error) { c.reads++; return c.r.Read(p) }

// TestBodiesAreReadWithinTheBudget fills a budget of two bodies with two
// requests whose bodies are being read: the budget is then spent, a third
// request that cannot get budget (its context ends while it waits) answers
// 503 without reading its body, and once the two finish, writes go through.
func TestBodiesAreReadWithinTheBudget(t *testing.T) {
	t.Parallel()
	note := `{"title":"t","body":"` + strings.Repeat("x", 1000) + `"}`
	f := newFixture(t, func(o *Options) { o.MaxBodyBytes, o.BodyBudget = int64(len(note)), int64(2*len(note)) })

	post := func(ctx context.Context, body io.Reader) *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(ctx, "POST", "/v1/notes", body)
		req.ContentLength = int64(len(note))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		f.api.ServeHTTP(rec, req)
		return rec
	}
	var held []*gatedBody
	done := make(chan *httptest.ResponseRecorder, 2)
	for range 2 {
		g := newGatedBody(note)
		held = append(held, g)
		go func() { done <- post(context.Background(), g) }()
		<-g.reading
	}

	if f.api.bodies.TryAcquire(1) {
		t.Fatal("two bodies of the limit being read left budget free; want it spent")
	}
	ctx, cancel := context.WithCancel(context.Background())
	third := &readCount{r: strings.NewReader(note)}
	thirdDone := make(chan *httptest.ResponseRecorder)
	go func() { thirdDone <- post(ctx, third) }()
	cancel()
	rec := <-thirdDone
	if rec.Code != http.StatusServiceUnavailable || third.reads != 0 {
		t.Fatalf("third body with the budget full: %d after %d reads, want 503 before any read; body %s", rec.Code, third.reads, rec.Body)
	}

	for _, g := range held {
		close(g.open)
	}
	for range 2 {
		if rec := <-done; rec.Code != http.StatusCreated {
			t.Fatalf("a body read within the budget = %d %s, want 201", rec.Code, rec.Body)
		}
	}
	if rec := post(context.Background(), strings.NewReader(note)); rec.Code != http.StatusCreated {
		t.Fatalf("a write after the budget was given back = %d %s, want 201", rec.Code, rec.Body)
	}
}

// TestBodyLargerThanTheLimitIsRefusedBeforeReading: a Content-Length over
// MAX_BODY_BYTES takes no budget and reads nothing.
func TestBodyLargerThanTheLimitIsRefusedBeforeReading(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	body := &readCount{r: strings.NewReader(strings.Repeat("x", 2048))}
	req := httptest.NewRequest("POST", "/v1/notes", body)
	req.ContentLength = 2048
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.api.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || body.reads != 0 || !strings.Contains(rec.Body.String(), "1024") {
		t.Fatalf("Content-Length over MaxBodyBytes = %d after %d reads %s, want 413 naming the limit before any read", rec.Code, body.reads, rec.Body)
	}
}
