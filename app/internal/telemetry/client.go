package telemetry

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/berth-dev/berth/app/internal/config"
)

// client posts OTLP/HTTP protobuf requests to one endpoint
// (https://opentelemetry.io/docs/specs/otlp/#otlphttp).
type client struct {
	endpoint string
	// shown is endpoint as errors show it, without its credentials.
	shown   string
	headers map[string]string
	gzip    bool
	timeout time.Duration
	http    *http.Client
}

func newClient(e config.Exporter) *client {
	return &client{
		endpoint: e.Endpoint,
		shown:    e.RedactedEndpoint(),
		headers:  e.Headers,
		gzip:     e.Compression == "gzip",
		timeout:  e.Timeout,
		http:     &http.Client{CheckRedirect: sameOrigin(e.Endpoint)},
	}
}

// maxRedirects is what net/http's default policy allows.
const maxRedirects = 10

// sameOrigin is the client's redirect policy: follow a redirect only to
// the endpoint's own origin (scheme, host and port), and never send a
// Referer. net/http's default follows redirects to any host with every
// header the request was built with except Authorization and Cookie, so
// a collector or a proxy in front of it that answered 307 to another host
// would receive OTEL_EXPORTER_OTLP_HEADERS (x-api-key and the like), and
// it puts the previous URL, query included (an ?api_key=), in Referer.
// A redirect elsewhere is not followed: the export fails with the 3xx
// status, which names no credential.
func sameOrigin(endpoint string) func(*http.Request, []*http.Request) error {
	origin, err := url.Parse(endpoint)
	return func(req *http.Request, via []*http.Request) error {
		req.Header.Del("Referer")
		if err != nil || req.URL.Scheme != origin.Scheme || req.URL.Host != origin.Host {
			return http.ErrUseLastResponse
		}
		if len(via) >= maxRedirects {
			return errors.New("stopped after " + strconv.Itoa(maxRedirects) + " redirects")
		}
		return nil
	}
}

// Retry backoff. The first retry waits retryInitial, each later one twice
// as long up to retryMax; the export timeout bounds the total.
const (
	retryInitial = 250 * time.Millisecond
	retryMax     = 5 * time.Second
)

// post sends body, retrying on the statuses the OTLP specification calls
// retryable (429, 502, 503, 504) and on network errors, until the exporter
// timeout or ctx ends.
func (c *client) post(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if c.gzip {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(body)
		zw.Close()
		body = buf.Bytes()
	}
	wait := retryInitial
	for {
		retryAfter, err := c.send(ctx, body)
		if err == nil || retryAfter < 0 {
			return err
		}
		if retryAfter > 0 {
			wait = retryAfter
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (gave up retrying: %w)", err, ctx.Err())
		case <-t.C:
		}
		wait = min(wait*2, retryMax)
	}
}

// send makes one attempt. retryAfter is negative when the error is final,
// zero to retry with the usual backoff, and positive when the server said
// how long to wait.
func (c *client) send(ctx context.Context, body []byte) (retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		// url.Parse errors quote the URL; show only the redacted one.
		return -1, fmt.Errorf("building OTLP request for %s: invalid URL", c.shown)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	if c.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// A *url.Error quotes the URL with its query (and its user name);
		// keep only what it wraps.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, fmt.Errorf("sending OTLP request to %s: %w", c.shown, err)
	}
	defer resp.Body.Close()
	// Drain a little so the connection can be reused; the body is a
	// protobuf Status not worth logging.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return 0, nil
	}
	err = fmt.Errorf("sending OTLP request to %s: status %s", c.shown, resp.Status)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if s, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && s > 0 {
			return time.Duration(s) * time.Second, err
		}
		return 0, err
	}
	return -1, err
}
