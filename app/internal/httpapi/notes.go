package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/berth-dev/berth/app/internal/store"
)

// Limits of the notes API. Each carries its reason.
const (
	// MaxTitleLength (characters) keeps titles to one line in any listing.
	MaxTitleLength = 200
	// MaxBodyLength (characters) keeps a note well under the 1 MiB body limit
	// even when every character takes four bytes.
	MaxBodyLength = 10000
	// DefaultPageSize is the page size when limit is absent.
	DefaultPageSize = 20
	// MaxPageSize bounds one page so that a list stays a cheap index scan.
	MaxPageSize = 100
	// storeTimeout bounds each database call, well inside the server's
	// WriteTimeout, so that a hung database yields a 503, not a dropped connection.
	storeTimeout = 5 * time.Second
	// bodyWait bounds the wait for body budget: it leaves 20 of the
	// server's 30 s ReadTimeout for reading the body itself.
	bodyWait = 10 * time.Second
)

// noteJSON is a note on the wire. The ID is a string so that JavaScript
// clients never round it.
type noteJSON struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func toJSON(n store.Note) noteJSON {
	return noteJSON{ID: strconv.FormatInt(n.ID, 10), Title: n.Title, Body: n.Body, CreatedAt: n.CreatedAt.UTC()}
}

type listResponse struct {
	Notes      []noteJSON `json:"notes"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// createRequest uses pointers to tell a missing field from an empty one.
type createRequest struct {
	Title *string `json:"title"`
	Body  *string `json:"body"`
}

func (a *API) createNote(w http.ResponseWriter, r *http.Request) {
	if !a.authorized(w, r) || !a.storeConfigured(w) {
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json")
		return
	}
	release, ok := a.reserveBody(w, r)
	if !ok {
		return
	}
	var in createRequest
	ok = decodeJSON(w, r, &in)
	release()
	if !ok {
		return
	}
	title, body := "", ""
	if in.Title != nil {
		title = strings.TrimSpace(*in.Title)
	}
	if in.Body != nil {
		body = *in.Body
	}
	var problems []fieldError
	switch n := utf8.RuneCountInString(title); {
	case in.Title == nil:
		problems = append(problems, fieldError{"title", "is required"})
	case n == 0:
		problems = append(problems, fieldError{"title", "must not be blank"})
	case n > MaxTitleLength:
		problems = append(problems, fieldError{"title", "must be at most " + strconv.Itoa(MaxTitleLength) + " characters"})
	}
	if in.Title != nil && strings.ContainsRune(title, 0) {
		problems = append(problems, fieldError{"title", nulMessage})
	}
	if utf8.RuneCountInString(body) > MaxBodyLength {
		problems = append(problems, fieldError{"body", "must be at most " + strconv.Itoa(MaxBodyLength) + " characters"})
	}
	if strings.ContainsRune(body, 0) {
		problems = append(problems, fieldError{"body", nulMessage})
	}
	if len(problems) > 0 {
		writeInvalid(w, problems)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	n, err := a.opts.Store.CreateNote(ctx, title, body)
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	a.storeAnswered(ctx)
	w.Header().Set("Location", "/v1/notes/"+strconv.FormatInt(n.ID, 10))
	writeJSON(w, http.StatusCreated, toJSON(n))
}

// nulMessage explains why U+0000 is refused: PostgreSQL's text type
// cannot store it (it fails with SQLSTATE 22021,
// https://www.postgresql.org/docs/current/datatype-character.html: "the
// character with code zero (sometimes called NUL) cannot be stored").
// Strings decoded from JSON are valid UTF-8 (invalid bytes become U+FFFD),
// so NUL is the only character a UTF-8 database cannot take.
const nulMessage = "must not contain the NUL character (U+0000)"

// parseID parses a positive decimal in its one canonical form, as the API
// writes IDs: digits only, no sign, no leading zero, at most MaxInt64.
func parseID(s string) (int64, bool) {
	if s == "" || s[0] == '0' || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func (a *API) getNote(w http.ResponseWriter, r *http.Request) {
	if !a.storeConfigured(w) {
		return
	}
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "note not found")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	n, err := a.opts.Store.GetNote(ctx, id)
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	a.storeAnswered(ctx)
	writeJSON(w, http.StatusOK, toJSON(n))
}

func (a *API) listNotes(w http.ResponseWriter, r *http.Request) {
	if !a.storeConfigured(w) {
		return
	}
	q := r.URL.Query()
	limit := DefaultPageSize
	var problems []fieldError
	if q.Has("limit") {
		n, ok := parseID(q.Get("limit"))
		if !ok || n > MaxPageSize {
			problems = append(problems, fieldError{"limit", "must be a whole number from 1 to " + strconv.Itoa(MaxPageSize) + ", written without sign or leading zeros"})
		}
		limit = int(n)
	}
	after, ok := decodeCursor(q.Get("cursor"))
	if !ok {
		problems = append(problems, fieldError{"cursor", "is not a cursor returned by this API"})
	}
	if len(problems) > 0 {
		writeError(w, http.StatusBadRequest, "invalid_parameter", describe(problems), problems...)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	// One extra row tells whether another page exists.
	notes, err := a.opts.Store.ListNotes(ctx, after, limit+1)
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	a.storeAnswered(ctx)
	resp := listResponse{Notes: make([]noteJSON, 0, len(notes))}
	if len(notes) > limit {
		notes = notes[:limit]
		resp.NextCursor = encodeCursor(notes[len(notes)-1].ID)
	}
	for _, n := range notes {
		resp.Notes = append(resp.Notes, toJSON(n))
	}
	writeJSON(w, http.StatusOK, resp)
}

// cursorPrefix versions the cursor format; clients must treat it as opaque.
const cursorPrefix = "n1:"

func encodeCursor(afterID int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(afterID, 10)))
}

// decodeCursor returns the note ID a cursor continues after, 0 for no
// cursor. It accepts only what encodeCursor writes for a note ID of 1 or
// more, so that each position in the list has one cursor: base64 decoding
// alone would also take padding bits set, line breaks inside, or the ID
// with a sign or leading zeros.
func decodeCursor(c string) (int64, bool) {
	if c == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	digits, ok := strings.CutPrefix(string(b), cursorPrefix)
	if !ok {
		return 0, false
	}
	id, ok := parseID(digits)
	return id, ok && encodeCursor(id) == c
}

// reserveBody takes the request's share of the body budget before the body
// is read, and returns the function that gives it back. A Content-Length
// over the limit is refused at once (413) without reading; a body of
// unknown length reserves the limit. When no budget frees up within
// bodyWait it writes 503 with Retry-After and returns false.
func (a *API) reserveBody(w http.ResponseWriter, r *http.Request) (func(), bool) {
	n := r.ContentLength
	switch {
	case n > a.opts.MaxBodyBytes:
		writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", "request body is larger than "+strconv.FormatInt(a.opts.MaxBodyBytes, 10)+" bytes")
		return nil, false
	case n == 0:
		return func() {}, true
	case n < 0:
		n = a.opts.MaxBodyBytes
	}
	n = min(n, a.opts.BodyBudget)
	ctx, cancel := context.WithTimeout(r.Context(), bodyWait)
	defer cancel()
	if err := a.bodies.Acquire(ctx, n); err != nil {
		if r.Context().Err() != nil {
			// The client went away; nobody reads this response.
			writeError(w, http.StatusServiceUnavailable, "cancelled", "request cancelled")
			return nil, false
		}
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "busy", "too many request bodies are being read at once; retry")
		return nil, false
	}
	return func() { a.bodies.Release(n) }, true
}

// decodeJSON reads exactly one JSON object with only known fields. It
// writes the error response and returns false on failure.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// Anything but the end of input after the object is trailing data.
		if err = dec.Decode(&struct{}{}); err == io.EOF {
			return true
		} else if err == nil || !isTooLarge(err) {
			writeError(w, http.StatusBadRequest, "malformed_json", "request body must hold a single JSON object with nothing after it")
			return false
		}
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case isTooLarge(err):
		writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", "request body is larger than "+strconv.FormatInt(maxBytes(err), 10)+" bytes")
	case errors.As(err, &typeErr) && typeErr.Field != "":
		writeInvalid(w, []fieldError{{typeErr.Field, "must be a JSON " + jsonKind(typeErr.Type.Kind().String())}})
	case errors.As(err, &syntaxErr):
		writeError(w, http.StatusBadRequest, "malformed_json", "request body is not valid JSON at byte "+strconv.FormatInt(syntaxErr.Offset, 10))
	case err == io.EOF:
		writeError(w, http.StatusBadRequest, "malformed_json", "request body is empty")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		writeError(w, http.StatusBadRequest, "malformed_json", "request body has an "+strings.TrimPrefix(err.Error(), "json: "))
	default:
		writeError(w, http.StatusBadRequest, "malformed_json", "request body is not a valid JSON object")
	}
	return false
}

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func maxBytes(err error) int64 {
	var mbe *http.MaxBytesError
	errors.As(err, &mbe)
	return mbe.Limit
}

func jsonKind(goKind string) string {
	if goKind == "ptr" || goKind == "string" {
		return "string"
	}
	return goKind
}

func writeInvalid(w http.ResponseWriter, problems []fieldError) {
	writeError(w, http.StatusUnprocessableEntity, "invalid_fields", describe(problems), problems...)
}

func describe(problems []fieldError) string {
	parts := make([]string, len(problems))
	for i, p := range problems {
		parts[i] = p.Field + " " + p.Message
	}
	return strings.Join(parts, "; ")
}

func (a *API) storeConfigured(w http.ResponseWriter) bool {
	if a.opts.Store == nil {
		writeError(w, http.StatusServiceUnavailable, "storage_not_configured", "storage is not configured")
		return false
	}
	return true
}

func (a *API) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.storeAnswered(r.Context())
		writeError(w, http.StatusNotFound, "not_found", "note not found")
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this response.
		writeError(w, http.StatusServiceUnavailable, "cancelled", "request cancelled")
	case errors.Is(err, store.ErrUnavailable):
		// One warning per episode: during an outage or a credential
		// rotation every request fails the same way.
		if a.storeDown.CompareAndSwap(false, true) {
			a.opts.Logger.WarnContext(r.Context(), "storage unavailable", "error", err)
		} else {
			a.opts.Logger.DebugContext(r.Context(), "storage still unavailable", "error", err)
		}
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusServiceUnavailable, "storage_unavailable", "storage is unavailable")
	default:
		a.opts.Logger.ErrorContext(r.Context(), "storage error", "error", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
	}
}

// bearerToken returns the credentials of an Authorization header value of
// the Bearer scheme. The scheme is a case-insensitive token (RFC 9110
// section 11.1) followed by one or more spaces (section 11.4: auth-scheme
// [ 1*SP ( token68 / #auth-param ) ]).
func bearerToken(h string) (string, bool) {
	scheme, rest, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token := strings.TrimLeft(rest, " ")
	return token, token != ""
}

// storeAnswered ends an unavailability episode, if one is running, when a
// store call got an answer from the database.
func (a *API) storeAnswered(ctx context.Context) {
	if a.storeDown.CompareAndSwap(true, false) {
		a.opts.Logger.InfoContext(ctx, "storage available again")
	}
}

// authorized checks the bearer token when one is configured.
func (a *API) authorized(w http.ResponseWriter, r *http.Request) bool {
	if a.opts.APIToken == "" {
		return true
	}
	if got, ok := bearerToken(r.Header.Get("Authorization")); ok && subtle.ConstantTimeCompare([]byte(got), []byte(a.opts.APIToken)) == 1 {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="notes"`)
	writeError(w, http.StatusUnauthorized, "unauthorized", "a valid bearer token is required")
	return false
}
