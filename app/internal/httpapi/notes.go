package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/berth-dev/berth/app/internal/store"
	"github.com/berth-dev/berth/app/internal/strictjson"
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
	// budgetWait bounds each wait for body or response budget: readBody
	// waits only for bytes that have arrived, and a few waits fit in the
	// server's 30 s ReadTimeout and WriteTimeout.
	budgetWait = 10 * time.Second
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

// Member names of a note in a POST body; matched exactly, case included.
const (
	fieldTitle = "title"
	fieldBody  = "body"
)

func (a *API) createNote(w http.ResponseWriter, r *http.Request) {
	if !a.authorized(w, r) || !a.storeConfigured(w) {
		return
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json")
		return
	}
	// JSON is UTF-8 (RFC 8259 section 8.1); a body declared in another
	// charset would be stored as mojibake, so it is refused, not guessed at.
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_charset", "charset "+strconv.Quote(cs)+" is not supported (allowed: utf-8)")
		return
	}
	key, ok := idempotencyKey(w, r)
	if !ok {
		return
	}
	raw, release, err := a.readBody(r)
	if err != nil {
		a.bodyError(w, r, err)
		return
	}
	title, body, ok := decodeNote(w, raw)
	release()
	if !ok {
		return
	}
	ctx, cancel := storeContext(r, storeTimeout)
	defer cancel()
	n, replayed, err := a.opts.Store.CreateNote(ctx, title, body, key)
	if err != nil {
		a.storeError(w, r, err, key != "")
		return
	}
	a.storeAnswered(ctx)
	w.Header().Set("Location", "/v1/notes/"+strconv.FormatInt(n.ID, 10))
	if replayed {
		w.Header().Set(IdempotentReplayedHeader, "true")
	}
	writeJSON(w, http.StatusCreated, toJSON(n))
}

// bodyError answers a failure of readBody.
func (a *API) bodyError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case isTooLarge(err):
		writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", "request body is larger than "+strconv.FormatInt(maxBytes(err), 10)+" bytes")
	case errors.Is(err, errBodyBusy):
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "busy", "too many request bodies are being read at once; retry")
	default:
		// Nobody reads this answer; the access log shows the request as
		// closed by the client (499), not as a failure of the service.
		writeError(w, http.StatusBadRequest, "incomplete_body", "the connection ended before the request body did")
		clientClosed(w)
	}
}

// decodeNote reads the title and body of a POST body that must be one
// JSON object with only the members "title" (required) and "body"
// (optional), each a string, null meaning absent. The text is kept
// exactly as sent: invalid UTF-8 and lone surrogate escapes are refused
// (422 naming the field), never replaced by U+FFFD as encoding/json
// would. Names match exactly: "Title" is an unknown member, and a member
// given twice is refused (400 naming it), where encoding/json would match
// case-insensitively and keep the last. It writes the error response and
// returns false on failure.
func decodeNote(w http.ResponseWriter, raw []byte) (title, body string, ok bool) {
	members, err := strictjson.Object(raw)
	var syntaxErr *strictjson.SyntaxError
	var dupErr *strictjson.DuplicateError
	var textErr *strictjson.TextError
	switch {
	case err == nil:
	case errors.Is(err, strictjson.ErrEmpty):
		writeError(w, http.StatusBadRequest, "malformed_json", "request body is empty")
		return "", "", false
	case errors.As(err, &syntaxErr):
		if isTrailingData(raw, syntaxErr) {
			writeError(w, http.StatusBadRequest, "malformed_json", "request body must hold a single JSON object with nothing after it")
		} else {
			writeError(w, http.StatusBadRequest, "malformed_json", "request body is not valid JSON at byte "+strconv.FormatInt(syntaxErr.Offset, 10))
		}
		return "", "", false
	case errors.As(err, &dupErr):
		writeError(w, http.StatusBadRequest, "malformed_json", "request body has the field "+strconv.Quote(dupErr.Name)+" more than once", fieldError{dupErr.Name, "appears more than once"})
		return "", "", false
	case errors.As(err, &textErr):
		writeError(w, http.StatusBadRequest, "malformed_json", "request body has a field name that "+textErr.Error())
		return "", "", false
	default:
		writeError(w, http.StatusBadRequest, "malformed_json", "request body is not a valid JSON object")
		return "", "", false
	}
	var problems []fieldError
	hasTitle, titleBad := false, false
	for _, m := range members {
		if m.Name != fieldTitle && m.Name != fieldBody {
			msg := "request body has an unknown field " + strconv.Quote(m.Name) + " (allowed: \"body\", \"title\")"
			if strings.EqualFold(m.Name, fieldTitle) || strings.EqualFold(m.Name, fieldBody) {
				msg += "; field names are case-sensitive: write " + strconv.Quote(strings.ToLower(m.Name))
			}
			writeError(w, http.StatusBadRequest, "malformed_json", msg, fieldError{m.Name, "is not a field of a note"})
			return "", "", false
		}
		if string(m.Raw) == "null" {
			continue
		}
		s, err := strictjson.String(m.Raw)
		if m.Name == fieldTitle {
			hasTitle = true
		}
		switch {
		case err != nil:
			problems = append(problems, fieldError{m.Name, textMessage(err)})
			if m.Name == fieldTitle {
				titleBad = true
			}
		case m.Name == fieldTitle:
			title = s
		default:
			body = s
		}
	}
	title = strings.TrimSpace(title)
	if p := titleProblem(title, hasTitle); p != "" && !titleBad {
		problems = append(problems, fieldError{fieldTitle, p})
	}
	if utf8.RuneCountInString(body) > MaxBodyLength {
		problems = append(problems, fieldError{fieldBody, "must be at most " + strconv.Itoa(MaxBodyLength) + " characters"})
	}
	if strings.ContainsRune(body, 0) {
		problems = append(problems, fieldError{fieldBody, nulMessage})
	}
	if len(problems) > 0 {
		// Title first, as the fields are documented.
		slices.SortStableFunc(problems, func(a, b fieldError) int { return strings.Compare(b.Field, a.Field) })
		writeInvalid(w, problems)
		return "", "", false
	}
	return title, body, true
}

// isTrailingData reports whether the syntax error is data after a
// complete JSON value, such as a second object.
func isTrailingData(raw []byte, e *strictjson.SyntaxError) bool {
	return e.Offset > 0 && json.Valid(raw[:e.Offset-1])
}

// textMessage is the 422 message for a member value that is not text.
func textMessage(err error) string {
	var te *strictjson.TextError
	errors.As(err, &te)
	switch te.Problem {
	case strictjson.NotString:
		if te.Value != "" {
			return "must be a JSON string, not " + te.Value
		}
		return "must be a JSON string"
	case strictjson.InvalidUTF8:
		return "must be valid UTF-8 text; byte " + strconv.Itoa(te.Offset) + " of its value is not"
	default:
		return "must be Unicode text; it holds a lone UTF-16 surrogate escape (\\uD800 to \\uDFFF without its pair) at byte " + strconv.Itoa(te.Offset) + " of its value"
	}
}

// titleProblem returns why a title (already trimmed) is refused, or "".
// Beyond length, a title is one line of visible text: control characters
// (C0, C1, DEL: newlines, tabs, escape), format characters (Unicode
// category Cf: zero-width spaces, bidirectional overrides and isolates,
// the byte order mark, soft hyphens) and the line and paragraph
// separators are refused, because they make a title render other than it
// reads or spoof its neighbours in a listing. Zero-width non-joiner and
// joiner (U+200C, U+200D) are Cf but kept: Persian and Indic scripts need
// them in ordinary words, and emoji sequences are joined with them.
// Bodies are free text and keep newlines and tabs.
func titleProblem(title string, present bool) string {
	switch n := utf8.RuneCountInString(title); {
	case !present:
		return "is required"
	case n == 0:
		return "must not be blank"
	case n > MaxTitleLength:
		return "must be at most " + strconv.Itoa(MaxTitleLength) + " characters"
	}
	if strings.ContainsRune(title, 0) {
		return nulMessage
	}
	for _, r := range title {
		if r == '\u200c' || r == '\u200d' {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			return fmt.Sprintf("must not contain control or invisible formatting characters (found %U); allowed: one line of visible text", r)
		}
	}
	return ""
}

// nulMessage explains why U+0000 is refused: PostgreSQL's text type
// cannot store it (it fails with SQLSTATE 22021,
// https://www.postgresql.org/docs/current/datatype-character.html: "the
// character with code zero (sometimes called NUL) cannot be stored").
// Strings are decoded with package strictjson, which refuses invalid
// UTF-8 and lone surrogates, so NUL is the only character left that a
// UTF-8 database cannot take.
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
	page, ok := a.reserveResponse(w, r, 1)
	if !ok {
		return
	}
	defer page.done()
	ctx, cancel := storeContext(r, storeTimeout)
	defer cancel()
	n, err := a.opts.Store.GetNote(ctx, id)
	if err != nil {
		a.storeError(w, r, err, false)
		return
	}
	a.storeAnswered(ctx)
	page.fetched([]store.Note{n})
	writeJSON(w, http.StatusOK, toJSON(n))
}

// listQuery reads the query of GET /v1/notes: limit and cursor, each at
// most once. url.Values would silently drop a pair it cannot parse (one
// with a ";" or a bad escape: a cursor lost that way returns the first
// page again) and keep only the first of repeated names; both are
// refused here with 400 naming what is wrong. Other names are ignored.
func listQuery(raw string) (limit int, after int64, problems []fieldError) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return 0, 0, []fieldError{{"query", "is malformed (" + strings.TrimPrefix(err.Error(), "invalid ") + "); write name=value pairs separated by & with %-escapes, as the API's own next_cursor links are"}}
	}
	for _, name := range []string{"limit", "cursor"} {
		if len(q[name]) > 1 {
			problems = append(problems, fieldError{name, "is given " + strconv.Itoa(len(q[name])) + " times; give it at most once"})
		}
	}
	if len(problems) > 0 {
		return 0, 0, problems
	}
	limit = DefaultPageSize
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
	return limit, after, problems
}

func (a *API) listNotes(w http.ResponseWriter, r *http.Request) {
	if !a.storeConfigured(w) {
		return
	}
	limit, after, problems := listQuery(r.URL.RawQuery)
	if len(problems) > 0 {
		writeError(w, http.StatusBadRequest, "invalid_parameter", describe(problems), problems...)
		return
	}
	page, ok := a.reserveResponse(w, r, limit)
	if !ok {
		return
	}
	defer page.done()
	ctx, cancel := storeContext(r, storeTimeout)
	defer cancel()
	// One extra row tells whether another page exists.
	notes, err := a.opts.Store.ListNotes(ctx, after, limit+1)
	if err != nil {
		a.storeError(w, r, err, false)
		return
	}
	a.storeAnswered(ctx)
	next := ""
	if len(notes) > limit {
		notes = notes[:limit]
		next = encodeCursor(notes[len(notes)-1].ID)
	}
	page.fetched(notes)
	page.write(w, notes, next)
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

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func maxBytes(err error) int64 {
	var mbe *http.MaxBytesError
	errors.As(err, &mbe)
	return mbe.Limit
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

// storeError answers a failed store call. keySent says whether the
// request carried an Idempotency-Key, which makes a write safe to retry.
func (a *API) storeError(w http.ResponseWriter, r *http.Request, err error, keySent bool) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.storeAnswered(r.Context())
		writeError(w, http.StatusNotFound, "not_found", "note not found")
	case errors.Is(err, store.ErrKeyReused):
		a.storeAnswered(r.Context())
		writeError(w, http.StatusUnprocessableEntity, "idempotency_key_reused",
			"this Idempotency-Key was already used for a different note; send a new key for a new note",
			fieldError{IdempotencyKeyHeader, "was used for a note with another title or body"})
	case errors.Is(err, store.ErrOutcomeUnknown) && !keySent:
		// The write reached the database and the connection failed before
		// its answer: it may be stored. Retry-After would invite a retry
		// that could store it twice, and 503 is what clients retry by
		// themselves, so this is a 500 that says what to do instead.
		a.storeUnavailable(r, err)
		writeError(w, http.StatusInternalServerError, "outcome_unknown",
			"the database connection failed after the note was sent: it may or may not be stored; list the notes before writing it again, or send an Idempotency-Key header to make retries safe")
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, store.ErrOutcomeUnknown):
		// With an Idempotency-Key a retry of a write whose outcome is
		// unknown returns the stored note, so retrying is safe.
		a.storeUnavailable(r, err)
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusServiceUnavailable, "storage_unavailable", "storage is unavailable")
	default:
		a.opts.Logger.ErrorContext(r.Context(), "storage error", "error", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
	}
}

// storeUnavailable logs a store call that did not get an answer: one
// warning per episode, since during an outage or a credential rotation
// every request fails the same way.
func (a *API) storeUnavailable(r *http.Request, err error) {
	if a.storeDown.CompareAndSwap(false, true) {
		a.opts.Logger.WarnContext(r.Context(), "storage unavailable", "error", err)
	} else {
		a.opts.Logger.DebugContext(r.Context(), "storage still unavailable", "error", err)
	}
}

// IdempotencyKeyHeader is the request header that makes POST /v1/notes
// safe to retry (draft-ietf-httpapi-idempotency-key-header): the first
// request with a key stores the note with it; a later one with the same
// key and the same title and body answers 201 with that note again
// (marked with IdempotentReplayedHeader), and with another title or body
// answers 422. Keys never expire: they live as long as their note.
const IdempotencyKeyHeader = "Idempotency-Key"

// IdempotentReplayedHeader marks a 201 that returns a note stored by an
// earlier request with the same Idempotency-Key.
const IdempotentReplayedHeader = "Idempotent-Replayed"

// MaxIdempotencyKeyLength bounds a key: a UUID takes 36 characters, and
// the key is stored in a unique index with each note.
const MaxIdempotencyKeyLength = 255

// idempotencyKey returns the request's Idempotency-Key, "" when it has
// none. The key is 1 to MaxIdempotencyKeyLength printable ASCII
// characters (0x21 to 0x7E, no space), sent as is or as a structured-field
// string in double quotes as the draft writes it ("abc" is the key abc).
// It writes a 400 and returns false for anything else.
func idempotencyKey(w http.ResponseWriter, r *http.Request) (string, bool) {
	vals := r.Header.Values(IdempotencyKeyHeader)
	if len(vals) == 0 {
		return "", true
	}
	key := ""
	if len(vals) == 1 {
		key = vals[0]
		if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
			key = key[1 : len(key)-1]
		}
	}
	valid := len(vals) == 1 && key != "" && len(key) <= MaxIdempotencyKeyLength
	for i := 0; valid && i < len(key); i++ {
		valid = key[i] > ' ' && key[i] < 0x7f && key[i] != '"' && key[i] != '\\'
	}
	if !valid {
		writeError(w, http.StatusBadRequest, "invalid_header",
			IdempotencyKeyHeader+" must be one header of 1 to "+strconv.Itoa(MaxIdempotencyKeyLength)+" printable ASCII characters without spaces, quotes or backslashes (optionally in double quotes)",
			fieldError{IdempotencyKeyHeader, "is not a valid key"})
		return "", false
	}
	return key, true
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
