package program

import (
	"errors"
	"strings"

	"github.com/berth-dev/berth/internal/validate"
)

// fieldMap translates a component's Args field path to the config path a
// user sets, so that a component's validation error names `service.memory`
// rather than `memory`. Entries are prefixes; the longest match wins.
type fieldMap map[string]string

// addComponentProblems records the problems of a component's validation
// error under their config paths. A field the configuration checks already
// reported is not reported again, so each setting gets one line. An error
// that is not a validation error is recorded as it is.
func addComponentProblems(p *validate.Problems, err error, m fieldMap) {
	if err == nil {
		return
	}
	var verr *validate.Error
	if !errors.As(err, &verr) {
		p.Addf("", "%v", err)
		return
	}
	reported := map[string]bool{}
	for _, prob := range p.List() {
		reported[prob.Field] = true
	}
	for _, prob := range verr.Problems {
		if field := m.translate(prob.Field); !reported[field] {
			p.Addf(field, "%s", prob.Message)
		}
	}
}

func (m fieldMap) translate(field string) string {
	best := ""
	for from := range m {
		if len(from) > len(best) && (field == from || strings.HasPrefix(field, from+".") || strings.HasPrefix(field, from+"[")) {
			best = from
		}
	}
	if best == "" {
		return field
	}
	return m[best] + field[len(best):]
}
