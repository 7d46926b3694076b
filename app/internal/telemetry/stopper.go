package telemetry

import (
	"context"
	"sync"
)

// stopper stops a provider's export loop once and waits for it: the loop
// receives the shutdown's context on stop, exports what remained within
// it, records the outcome in err and closes stopped.
type stopper struct {
	stop     chan context.Context
	stopped  chan struct{}
	err      error // the final export's error; read after stopped is closed
	stopOnce sync.Once
}

func newStopper() stopper {
	return stopper{stop: make(chan context.Context, 1), stopped: make(chan struct{})}
}

// Shutdown asks the loop to export once more, within ctx, and stop, and
// waits for it, giving up when ctx ends. It returns the final export's
// error, or ctx's when it gave up first.
func (s *stopper) Shutdown(ctx context.Context) error {
	s.stopOnce.Do(func() { s.stop <- ctx })
	select {
	case <-s.stopped:
		return s.err
	case <-ctx.Done():
		return ctx.Err()
	}
}
