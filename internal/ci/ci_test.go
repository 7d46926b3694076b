package ci

import (
	"errors"
	"fmt"
	"testing"
)

// recorder keeps what Require does to a test.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Fatalf(format string, a ...any) { r.fatal = fmt.Sprintf(format, a...) }
func (r *recorder) Skipf(format string, a ...any)  { r.skip = fmt.Sprintf(format, a...) }

func TestRequireSkipsOutsideCIAndFailsInIt(t *testing.T) {
	missing := errors.New("no docker.sock")
	t.Setenv(Var, "")
	r := &recorder{TB: t}
	Require(r, "the Docker engine", missing)
	if r.skip != "skipping: the Docker engine is missing: no docker.sock" || r.fatal != "" {
		t.Errorf("outside CI: skip %q, fatal %q", r.skip, r.fatal)
	}
	t.Setenv(Var, "true")
	r = &recorder{TB: t}
	Require(r, "the Docker engine", missing)
	if r.fatal != "the Docker engine is required in CI (CI=true) but is missing: no docker.sock" || r.skip != "" {
		t.Errorf("in CI: skip %q, fatal %q", r.skip, r.fatal)
	}
	r = &recorder{TB: t}
	Require(r, "the Docker engine", nil)
	if r.fatal != "" || r.skip != "" {
		t.Errorf("nothing missing: skip %q, fatal %q", r.skip, r.fatal)
	}
}
