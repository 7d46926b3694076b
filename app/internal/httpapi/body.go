package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// Errors of readBody other than *http.MaxBytesError.
var (
	// errBodyBusy means no body budget freed up within budgetWait.
	errBodyBusy = errors.New("body budget spent")
	// errClientGone means the body ended early or the connection failed
	// while it was being read: the client went away.
	errClientGone = errors.New("client closed the connection while sending the body")
)

// readChunk is the scratch buffer a body is read through before it is
// counted against the budget: 4 KiB, the size of the buffer net/http
// already keeps for each connection, so that a client that sends nothing
// costs what an idle connection costs and holds no budget.
const readChunk = 4 << 10

// readBody reads the whole request body into memory within the body
// budget (Options.BodyBudget) and returns it with the function that gives
// its budget back.
//
// The budget is taken as bytes arrive, never from the declared
// Content-Length: the body is read through a small scratch buffer, and
// only bytes that have arrived are copied into the body's buffer, whose
// capacity (grown by doubling, never past the declared length or
// MaxBodyBytes) is what the request holds of the budget. A client that
// declares 1 MiB and trickles one byte holds a few bytes of it, so idle
// or slow uploads cannot block other writes; a request that holds no
// budget waits for none. The old buffer during a grow (at most half the
// new one) is not counted: it is garbage as soon as the copy is done.
//
// A request's share is capped at the whole budget, so that a single body
// larger than the budget (MAX_BODY_BYTES above it) can still be read
// alone. Waiting for budget is bounded by budgetWait and does not follow the
// request's context (see storeContext for why).
func (a *API) readBody(r *http.Request) ([]byte, func(), error) {
	if r.ContentLength > a.opts.MaxBodyBytes {
		// Refused before reading anything.
		return nil, nil, &http.MaxBytesError{Limit: a.opts.MaxBodyBytes}
	}
	var held int64
	release := func() {
		if held > 0 {
			a.bodies.Release(held)
			held = 0
		}
	}
	limit := int(a.opts.MaxBodyBytes)
	if r.ContentLength > 0 && r.ContentLength < a.opts.MaxBodyBytes {
		limit = int(r.ContentLength)
	}
	var buf []byte
	scratch := make([]byte, readChunk)
	for {
		n, err := r.Body.Read(scratch)
		if n > 0 {
			if need := len(buf) + n; need > cap(buf) {
				grown := min(max(2*cap(buf), need, readChunk), max(limit, need))
				more := min(int64(grown-cap(buf)), a.opts.BodyBudget-held)
				if more > 0 {
					ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), a.budgetWait)
					err := a.bodies.Acquire(ctx, more)
					cancel()
					if err != nil {
						release()
						return nil, nil, errBodyBusy
					}
					held += more
				}
				nb := make([]byte, len(buf), grown)
				copy(nb, buf)
				buf = nb
			}
			buf = append(buf, scratch[:n]...)
		}
		switch {
		case err == io.EOF:
			return buf, release, nil
		case err != nil:
			release()
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, nil, err
			}
			return nil, nil, errClientGone
		}
	}
}

// storeContext returns the context for a store call or a budget wait of
// r: its values (trace, request ID) but not its cancellation, with its own
// timeout. net/http cancels a request's context when the client
// half-closes its side of the connection after sending the request (the
// server's background read sees EOF), which is how some clients and
// proxies end a request; such a client is still reading and must be
// served. Every wait is bounded by its own timeout instead, and a client
// that really went away is found when its response cannot be written.
func storeContext(r *http.Request, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), timeout)
}
