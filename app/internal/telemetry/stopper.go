package telemetry

import (
	"context"
	"sync"
)

// stopper stops a provider's export loop once and waits for it: the loop
// watches stop and closes stopped when it has exported what remained.
type stopper struct {
	stop     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

func newStopper() stopper {
	return stopper{stop: make(chan struct{}), stopped: make(chan struct{})}
}

// Shutdown asks the loop to export once more and stop, and waits for it,
// giving up when ctx ends.
func (s *stopper) Shutdown(ctx context.Context) error {
	s.stopOnce.Do(func() { close(s.stop) })
	select {
	case <-s.stopped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
