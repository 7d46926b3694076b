package program

import (
	"errors"
	"regexp"
	"strings"

	"github.com/berth-dev/berth/validate"
)

// fieldMap translates a component's Args field path to the config path a
// user sets, so that a component's validation error names `service.memory`
// rather than `memory`. Entries are prefixes; the longest match wins. "[]"
// in an entry stands for any list index, which the translation keeps:
// "secrets[].name" -> "service.secrets[].env" turns secrets[2].name into
// service.secrets[2].env.
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
	shape, indexes := indexPattern.ReplaceAllString(field, "[]"), indexPattern.FindAllString(field, -1)
	best := ""
	for from := range m {
		if len(from) > len(best) && (shape == from || strings.HasPrefix(shape, from+".") || strings.HasPrefix(shape, from+"[")) {
			best = from
		}
	}
	if best == "" {
		return field
	}
	out := m[best] + shape[len(best):]
	for _, idx := range indexes {
		out = strings.Replace(out, "[]", idx, 1)
	}
	return out
}

var indexPattern = regexp.MustCompile(`\[\d+\]`)
