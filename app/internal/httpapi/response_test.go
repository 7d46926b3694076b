package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/app/internal/store"
)

// stalledWriter is a ResponseWriter whose client reads nothing: its first
// Write says so and blocks until it is released.
type stalledWriter struct {
	*httptest.ResponseRecorder
	writing chan struct{}
	release chan struct{}
	stalled bool
}

func (s *stalledWriter) Write(b []byte) (int, error) {
	if !s.stalled {
		s.stalled = true
		close(s.writing)
		<-s.release
	}
	return s.ResponseRecorder.Write(b)
}

// TestSlowReadersHoldTheResponseBudget (issue 17, item 1): a page of
// notes whose client reads nothing holds the response budget for the
// notes it has not handed to the connection, so that the memory slow
// readers can pin is bounded: another page that cannot get budget answers
// 503 with Retry-After, and once the slow one is read, pages go through
// and the budget is whole again.
func TestSlowReadersHoldTheResponseBudget(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.ResponseBudget = 3 * maxNoteBytes })
	f.api.budgetWait = time.Millisecond
	for range 3 {
		f.store.notes = append(f.store.notes, store.Note{ID: int64(len(f.store.notes) + 1), Title: "t", Body: strings.Repeat("<", MaxBodyLength)})
	}

	slow := &stalledWriter{ResponseRecorder: httptest.NewRecorder(), writing: make(chan struct{}), release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		f.api.ServeHTTP(slow, httptest.NewRequest("GET", "/v1/notes?limit=3", nil))
		close(done)
	}()
	<-slow.writing
	if rec := f.do(t, "GET", "/v1/notes?limit=3", ""); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("a page while a slow reader holds the budget = %d %s, want 503 with Retry-After", rec.Code, rec.Body)
	}
	close(slow.release)
	<-done
	var page listResponse
	if err := json.Unmarshal(slow.Body.Bytes(), &page); err != nil || len(page.Notes) != 3 || page.Notes[2].Body != strings.Repeat("<", MaxBodyLength) {
		t.Fatalf("the slow reader's page = %.200s (%v), want three notes with their text unescaped", slow.Body, err)
	}
	if !f.api.responses.TryAcquire(3 * maxNoteBytes) {
		t.Fatal("the budget is not whole again after the page was written")
	}
	f.api.responses.Release(3 * maxNoteBytes)
	if rec := f.do(t, "GET", "/v1/notes?limit=3", ""); rec.Code != http.StatusOK {
		t.Fatalf("a page after the slow reader finished = %d %s, want 200", rec.Code, rec.Body)
	}
}
