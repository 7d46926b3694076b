// Package iamdoc reads the AWS IAM policy documents that plans hold as
// strings (a role policy's `policy`, a role's `assumeRolePolicy`), for the
// diff's iam flags and the cost estimate's secret reads: one reading of the
// policy grammar for both.
//
// The grammar is the IAM JSON policy reference's
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html):
// Statement is one statement or a list, and Action, NotAction, Resource and
// NotResource are each a string or a list of strings.
package iamdoc

import (
	"encoding/json"

	"github.com/berth-dev/berth/internal/plan"
)

// Statement is one statement of a policy document.
type Statement struct {
	// Effect is "Allow" or "Deny" as written.
	Effect string
	// Action and Resource list the element's strings; nil when absent.
	Action, Resource []string
	// NotAction and NotResource list the element's strings; nil when the
	// statement has no such element, empty (not nil) when it has one that
	// lists nothing.
	NotAction, NotResource []string
	// Principal and NotPrincipal are the elements as written (a string
	// such as "*", or an object of kind to IDs); nil when absent.
	Principal, NotPrincipal any
}

// Parse reads the statements of a policy document. It returns false when
// doc is not a JSON object; an element of a statement that is not an
// object is skipped.
func Parse(doc string) ([]Statement, bool) {
	var d struct {
		Statement any `json:"Statement"`
	}
	if doc == "" || json.Unmarshal([]byte(doc), &d) != nil {
		return nil, false
	}
	list, ok := d.Statement.([]any)
	if !ok {
		list = []any{d.Statement}
	}
	var out []Statement
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		st := Statement{
			Action:       plan.Strings(m["Action"]),
			Resource:     plan.Strings(m["Resource"]),
			NotAction:    present(m, "NotAction"),
			NotResource:  present(m, "NotResource"),
			Principal:    m["Principal"],
			NotPrincipal: m["NotPrincipal"],
		}
		st.Effect, _ = m["Effect"].(string)
		out = append(out, st)
	}
	return out, true
}

// present returns the strings of element key, empty rather than nil when
// the element is there.
func present(m map[string]any, key string) []string {
	v, ok := m[key]
	if !ok {
		return nil
	}
	if s := plan.Strings(v); s != nil {
		return s
	}
	return []string{}
}

// Covers reports whether IAM pattern p (`*` any run of characters, `?`
// one character) matches every string that pattern s matches: s's own `*`
// is matched only by a `*` of p, and s's `?` by a `?` or `*` of p. A new
// grant that an old pattern covers (s3:GetObject under s3:*) grants nothing
// new.
func Covers(p, s string) bool {
	// ok[j] says whether p[:i] covers s[:j], for the current i.
	ok := make([]bool, len(s)+1)
	ok[0] = true
	for i := 0; i < len(p); i++ {
		next := make([]bool, len(s)+1)
		switch p[i] {
		case '*':
			next[0] = ok[0]
			for j := 1; j <= len(s); j++ {
				next[j] = ok[j] || next[j-1]
			}
		case '?':
			for j := 1; j <= len(s); j++ {
				next[j] = ok[j-1] && s[j-1] != '*'
			}
		default:
			for j := 1; j <= len(s); j++ {
				next[j] = ok[j-1] && s[j-1] == p[i]
			}
		}
		ok = next
	}
	return ok[len(s)]
}
