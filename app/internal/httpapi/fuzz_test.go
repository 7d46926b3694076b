package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeCursor checks that a cursor is accepted only in the one form
// encodeCursor writes, and never panics. Seeds: testdata/fuzz/FuzzDecodeCursor.
func FuzzDecodeCursor(f *testing.F) {
	f.Fuzz(func(t *testing.T, c string) {
		id, ok := decodeCursor(c)
		switch {
		case c == "":
			if !ok || id != 0 {
				t.Fatalf("decodeCursor(\"\") = %d, %v; want 0, true", id, ok)
			}
		case ok:
			if id < 1 || encodeCursor(id) != c {
				t.Fatalf("decodeCursor(%q) = %d, but encodeCursor(%d) = %q: not the canonical form", c, id, id, encodeCursor(id))
			}
		}
		if ok && c != "" {
			if back, ok := decodeCursor(encodeCursor(id)); !ok || back != id {
				t.Fatalf("cursor of %d does not decode to itself: %d, %v", id, back, ok)
			}
		}
	})
}

// FuzzCreateNote posts arbitrary bodies to POST /v1/notes: the answer is
// always one of the documented statuses with a JSON body, never a 500, and
// a stored note always meets the API's rules, so that PostgreSQL never sees
// text it cannot store. Seeds: testdata/fuzz/FuzzCreateNote.
func FuzzCreateNote(f *testing.F) {
	f.Fuzz(func(t *testing.T, body string) {
		fx := newFixture(t, nil)
		rec := fx.do(t, "POST", "/v1/notes", body, "Content-Type", "application/json")
		switch rec.Code {
		case http.StatusCreated, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("POST %q = %d %s; want 201, 400, 413 or 422", body, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("POST %q answered %q (Content-Type %q), not JSON", body, rec.Body, rec.Header().Get("Content-Type"))
		}
		if rec.Code != http.StatusCreated {
			errorOf(t, rec)
			if len(fx.store.notes) != 0 {
				t.Fatalf("POST %q = %d, yet a note was stored", body, rec.Code)
			}
			return
		}
		if !json.Valid([]byte(body)) {
			t.Fatalf("POST of invalid JSON %q = 201", body)
		}
		if len(fx.store.notes) != 1 {
			t.Fatalf("POST %q = 201 with %d notes stored", body, len(fx.store.notes))
		}
		n := fx.store.notes[0]
		for field, v := range map[string]string{"title": n.Title, "body": n.Body} {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				t.Fatalf("stored %s %q is not text PostgreSQL can store", field, v)
			}
		}
		if tl := utf8.RuneCountInString(n.Title); tl == 0 || tl > MaxTitleLength || strings.TrimSpace(n.Title) != n.Title {
			t.Fatalf("stored title %q breaks the title rules", n.Title)
		}
		if titleProblem(n.Title, true) != "" {
			t.Fatalf("stored title %q has characters titles refuse", n.Title)
		}
		if !json.Valid([]byte(body)) || !utf8.ValidString(body) {
			t.Fatalf("POST of %q, which is not valid UTF-8 JSON, = 201", body)
		}
		if utf8.RuneCountInString(n.Body) > MaxBodyLength {
			t.Fatalf("stored body of %d characters", utf8.RuneCountInString(n.Body))
		}
	})
}
