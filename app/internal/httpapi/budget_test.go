package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// readCount is a request body that counts its reads.
type readCount struct {
	r     io.Reader
	reads int
}

func (c *readCount) Read(p []byte) (int, error) { c.reads++; return c.r.Read(p) }

// partBody is a request body that delivers its first n bytes, says so,
// and blocks until it is opened: an upload that trickles.
type partBody struct {
	r       io.Reader
	n       int
	sent    int
	reading chan struct{}
	open    chan struct{}
}

func newPartBody(s string, n int) *partBody {
	return &partBody{r: strings.NewReader(s), n: n, reading: make(chan struct{}), open: make(chan struct{})}
}

func (p *partBody) Read(b []byte) (int, error) {
	if p.sent == p.n {
		close(p.reading)
		<-p.open
		p.sent++
	}
	if p.sent < p.n {
		b = b[:min(len(b), p.n-p.sent)]
	}
	n, err := p.r.Read(b)
	p.sent += n
	return n, err
}

// postNote serves one POST of note, declaring its full length, with body
// as the body reader.
func (f *fixture) postNote(note string, body io.Reader) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/v1/notes", body)
	req.ContentLength = int64(len(note))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.api.ServeHTTP(rec, req)
	return rec
}

// TestUploadsThatSendNothingHoldNoBudget (issue 17, item 2): eight
// uploads that declare a body of the whole limit and send nothing must
// not hold the body budget, which once was reserved from Content-Length
// before reading: a normal write then waited and got 503.
func TestUploadsThatSendNothingHoldNoBudget(t *testing.T) {
	t.Parallel()
	note := `{"title":"t","body":"` + strings.Repeat("x", 1000) + `"}`
	f := newFixture(t, func(o *Options) { o.MaxBodyBytes, o.BodyBudget = int64(len(note)), int64(2*len(note)) })
	f.api.budgetWait = time.Millisecond

	var idle []*partBody
	done := make(chan *httptest.ResponseRecorder, 8)
	for range 8 {
		p := newPartBody(note, 0)
		idle = append(idle, p)
		go func() { done <- f.postNote(note, p) }()
		<-p.reading
	}
	if rec := f.postNote(note, strings.NewReader(note)); rec.Code != http.StatusCreated {
		t.Fatalf("a write while eight uploads send nothing = %d %s, want 201", rec.Code, rec.Body)
	}
	for _, p := range idle {
		close(p.open)
	}
	for range idle {
		if rec := <-done; rec.Code != http.StatusCreated {
			t.Fatalf("an upload that resumed = %d %s, want 201", rec.Code, rec.Body)
		}
	}
}

// TestBytesThatArrivedAreReadWithinTheBudget: two uploads that have sent
// most of a body hold the budget for what they sent, a third that needs
// budget answers 503 with Retry-After once it cannot get it, and when the
// two finish, writes go through.
func TestBytesThatArrivedAreReadWithinTheBudget(t *testing.T) {
	t.Parallel()
	note := `{"title":"t","body":"` + strings.Repeat("x", 10000) + `"}`
	f := newFixture(t, func(o *Options) { o.MaxBodyBytes, o.BodyBudget = int64(len(note)), int64(2*len(note)) })
	f.api.budgetWait = time.Millisecond

	var held []*partBody
	done := make(chan *httptest.ResponseRecorder, 2)
	for range 2 {
		p := newPartBody(note, len(note)-10)
		held = append(held, p)
		go func() { done <- f.postNote(note, p) }()
		<-p.reading
	}
	if f.api.bodies.TryAcquire(int64(len(note))) {
		t.Fatal("two bodies nearly read left a body's budget free; want it held")
	}
	rec := f.postNote(note, strings.NewReader(note))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("a third body with the budget held = %d %s, want 503 with Retry-After", rec.Code, rec.Body)
	}
	for _, p := range held {
		close(p.open)
	}
	for range 2 {
		if rec := <-done; rec.Code != http.StatusCreated {
			t.Fatalf("a body read within the budget = %d %s, want 201", rec.Code, rec.Body)
		}
	}
	if rec := f.postNote(note, strings.NewReader(note)); rec.Code != http.StatusCreated {
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
