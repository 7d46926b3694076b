package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/berth-dev/berth/app/internal/store"
)

// Response budget accounting. Each figure carries its reason.
const (
	// noteOverhead is what a stored note costs beyond its text: the
	// store.Note and its string headers, the wire struct, rounded up.
	noteOverhead = 256
	// maxNoteBytes is the most memory one note read from the database
	// takes: every character of a full title and body in four bytes.
	maxNoteBytes = 4*(MaxTitleLength+MaxBodyLength) + noteOverhead
	// maxEncodedNote is the largest JSON encoding of one note: a control
	// character, one byte, is written as six (\u001f); every other
	// character takes at most six bytes too (U+2028 as \u2028).
	maxEncodedNote = 6*(MaxTitleLength+MaxBodyLength) + noteOverhead
)

// page is the share of the response budget (Options.ResponseBudget) that
// one GET holds for the notes it answers with, from before the database
// is asked until the last note has been written to the connection.
//
// The budget bounds what slow readers can make the service hold: a client
// that reads nothing keeps its response in memory until the write
// deadline (30 s), so without a bound 80 such clients asking for 100
// notes of 10,000 characters held about 900 MB. A request first reserves
// the worst case its limit allows (every note full, in four-byte
// characters), gives back what the fetched notes do not need, and gives
// back each note's share once that note has been handed to the
// connection; the notes are written one at a time, never rendered as a
// whole page. A request that finds the budget spent waits up to
// budgetWait (10 s), then answers 503 with Retry-After.
type page struct {
	a    *API
	held int64
}

// reserveResponse takes the worst-case share for up to notes notes. It
// writes 503 and returns false when the budget stays spent.
func (a *API) reserveResponse(w http.ResponseWriter, r *http.Request, notes int) (*page, bool) {
	n := min(int64(notes)*maxNoteBytes+maxEncodedNote, a.opts.ResponseBudget)
	ctx, cancel := storeContext(r, a.budgetWait)
	defer cancel()
	if err := a.responses.Acquire(ctx, n); err != nil {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "busy", "too many responses are waiting for their clients to read them; retry")
		return nil, false
	}
	return &page{a: a, held: n}, true
}

// noteCost is what one fetched note holds of the budget.
func noteCost(n store.Note) int64 { return int64(len(n.Title) + len(n.Body) + noteOverhead) }

// fetched gives back what the worst case reserved beyond the notes read
// and one note's encoding.
func (p *page) fetched(notes []store.Note) {
	need := int64(maxEncodedNote)
	for _, n := range notes {
		need += noteCost(n)
	}
	p.giveBack(p.held - need)
}

func (p *page) giveBack(n int64) {
	n = min(n, p.held)
	if n > 0 {
		p.a.responses.Release(n)
		p.held -= n
	}
}

// done gives back whatever is still held.
func (p *page) done() { p.giveBack(p.held) }

// write streams {"notes":[...],"next_cursor":"..."} one note at a time,
// dropping each note and giving back its share once it is written. A
// write that fails (the client went away) ends the response.
func (p *page) write(w http.ResponseWriter, notes []store.Note, next string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// The API answers only application/json with nosniff: escaping < > &
	// for HTML would only make notes up to six times larger.
	enc.SetEscapeHTML(false)
	buf.WriteString(`{"notes":[`)
	for i := range notes {
		if i > 0 {
			buf.WriteByte(',')
		}
		enc.Encode(toJSON(notes[i]))
		buf.Truncate(buf.Len() - 1) // Encode's newline
		_, err := w.Write(buf.Bytes())
		buf.Reset()
		cost := noteCost(notes[i])
		notes[i] = store.Note{}
		if err != nil {
			clientClosed(w)
			return
		}
		p.giveBack(cost)
	}
	buf.WriteString("]")
	if next != "" {
		buf.WriteString(`,"next_cursor":`)
		enc.Encode(next)
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteString("}\n")
	if _, err := w.Write(buf.Bytes()); err != nil {
		clientClosed(w)
	}
}

// listResponse is the shape that page.write streams for GET /v1/notes.
type listResponse struct {
	Notes      []noteJSON `json:"notes"`
	NextCursor string     `json:"next_cursor,omitempty"`
}
