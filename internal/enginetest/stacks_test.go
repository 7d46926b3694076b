package enginetest

import (
	"strings"
	"testing"

	"github.com/berth-dev/berth/infra/program"
)

func TestDevStackGoesUpAndStaysUnchanged(t *testing.T) {
	e := newEnv(t)
	s := e.stack("dev", "infra", program.Run)
	up := s.mustUp()
	t.Logf("up: %v", up.changes)
	p := s.mustPreview()
	if got := p.changed(); len(got) != 0 {
		t.Errorf("second preview changes:\n%s\n%s", strings.Join(got, "\n"), p.stdout)
	}
}
