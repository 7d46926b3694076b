package plan

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// Hole marks where a Partial's unknown part sits while Document parses its
// text: characters of Unicode's private use area, which JSON carries
// unescaped inside a string and no provider writes.
const (
	holeOpen  = "\ue000"
	holeClose = "\ue001"
)

// holeText matches a hole mark.
var holeText = regexp.MustCompile(holeOpen + "[0-9]+" + holeClose)

// Document parses a value that holds a JSON object or list as text (an IAM
// policy, a container definition list): a string, or a Partial whose
// unknown parts sit inside the document's strings. It returns the parsed
// document, in which a string holding an unknown part is a Partial (or the
// unknown part alone, when that is the whole string), and whether v is
// such a document. The unknown parts are returned as the Partial holds
// them (a reader may hold its own kind of unknown in a Partial).
func Document(v any) (any, bool) {
	var text string
	var holes []any
	switch v := v.(type) {
	case string:
		text = v
	case Partial:
		var b strings.Builder
		for _, e := range v {
			switch e := e.(type) {
			case string:
				if strings.Contains(e, holeOpen) || strings.Contains(e, holeClose) {
					return nil, false
				}
				b.WriteString(e)
			default:
				b.WriteString(holeOpen + strconv.Itoa(len(holes)) + holeClose)
				holes = append(holes, e)
			}
		}
		text = b.String()
	default:
		return nil, false
	}
	trimmed := strings.TrimSpace(text)
	if len(trimmed) < 2 || (trimmed[0] != '{' && trimmed[0] != '[') {
		return nil, false
	}
	var doc any
	if err := json.Unmarshal([]byte(trimmed), &doc); err != nil {
		// An unknown part outside a string (a number) leaves no JSON.
		return nil, false
	}
	if len(holes) == 0 {
		return doc, true
	}
	return fillHoles(doc, holes), true
}

// fillHoles turns the hole marks in the strings of doc back into the
// unknowns they stand for.
func fillHoles(doc any, holes []any) any {
	switch d := doc.(type) {
	case string:
		return splitHoles(d, holes)
	case map[string]any:
		out := make(map[string]any, len(d))
		for k, e := range d {
			// A key is text: an unknown part of one prints as the marker.
			out[holeText.ReplaceAllString(k, Describe(Unknown{}))] = fillHoles(e, holes)
		}
		return out
	case []any:
		out := make([]any, len(d))
		for i, e := range d {
			out[i] = fillHoles(e, holes)
		}
		return out
	}
	return doc
}

// splitHoles returns s as a Partial when it holds hole marks, the Unknown
// alone when it is one, and s otherwise.
func splitHoles(s string, holes []any) any {
	if !strings.Contains(s, holeOpen) {
		return s
	}
	var out Partial
	for s != "" {
		i := strings.Index(s, holeOpen)
		j := strings.Index(s, holeClose)
		if i < 0 || j < i {
			out = append(out, s)
			break
		}
		if i > 0 {
			out = append(out, s[:i])
		}
		n, err := strconv.Atoi(s[i+len(holeOpen) : j])
		if err != nil || n < 0 || n >= len(holes) {
			out = append(out, s[i:j+len(holeClose)])
		} else {
			out = append(out, holes[n])
		}
		s = s[j+len(holeClose):]
	}
	if len(out) == 1 {
		if _, text := out[0].(string); !text {
			return out[0]
		}
	}
	return out
}
