package diff

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// compareValues returns the changed leaves between two input maps of a
// resource of type typ, in path order. hasOld and hasNew say whether each
// side exists at all. Lists the provider model calls sets compare in any
// order; a list of named elements that is not a set also reports a new
// order of its names, at the list's path.
func compareValues(old, new map[string]any, hasOld, hasNew bool, typ string) []Value {
	var out []Value
	var o, n any
	if hasOld {
		o = old
	}
	if hasNew {
		n = new
	}
	w := walker{setAt: func(string) bool { return false }}
	if t, ok := providers.Lookup(typ); ok {
		w.setAt = t.SetAt
	}
	w.walk("", o, n, hasOld, hasNew, "", &out)
	return out
}

// walker walks two values.
type walker struct {
	// setAt reports whether the list at a path is a set.
	setAt func(path string) bool
}

// walk appends the changed leaves below path. dropped is the path at
// which the head's inputs stop holding the base's value, "" while they
// hold it.
func (w walker) walk(path string, old, new any, hasOld, hasNew bool, dropped string, out *[]Value) {
	if hasOld && hasNew && equal(old, new) {
		return
	}
	if hasOld && !hasNew && dropped == "" {
		dropped = path
	}
	// A JSON document in a string is compared as a document.
	if od, nd, ok := jsonDocs(old, new, hasOld, hasNew); ok {
		old, new = od, nd
	}
	om, oIsMap := old.(map[string]any)
	nm, nIsMap := new.(map[string]any)
	if (oIsMap || !hasOld) && (nIsMap || !hasNew) && (len(om) > 0 || len(nm) > 0) {
		keys := make([]string, 0, len(om)+len(nm))
		for k := range om {
			keys = append(keys, k)
		}
		for k := range nm {
			if _, dup := om[k]; !dup {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			ov, okO := om[k]
			nv, okN := nm[k]
			w.walk(joinKey(path, k), ov, nv, okO, okN, dropped, out)
		}
		return
	}
	oa, oIsList := old.([]any)
	na, nIsList := new.([]any)
	if (oIsList || !hasOld) && (nIsList || !hasNew) && (len(oa) > 0 || len(na) > 0) {
		set := w.setAt(path)
		if set && hasOld && hasNew && providers.SameElements(oa, na, equal) {
			return
		}
		if names, ok := namedElements(oa, na); ok {
			for _, name := range names {
				ov, okO := byName(oa, name)
				nv, okN := byName(na, name)
				w.walk(path+"[name="+name+"]", ov, nv, okO, okN, dropped, out)
			}
			if o, n := commonOrder(oa, na); !set && hasOld && hasNew && !slices.Equal(o, n) {
				*out = append(*out, Value{Path: path, Old: anyList(o), New: anyList(n), HasOld: true, HasNew: true})
			}
			return
		}
		for i := 0; i < len(oa) || i < len(na); i++ {
			var ov, nv any
			if i < len(oa) {
				ov = oa[i]
			}
			if i < len(na) {
				nv = na[i]
			}
			w.walk(path+"["+strconv.Itoa(i)+"]", ov, nv, i < len(oa), i < len(na), dropped, out)
		}
		return
	}
	*out = append(*out, Value{Path: path, Old: old, New: new, HasOld: hasOld, HasNew: hasNew, droppedAt: dropped})
}

// jsonDocs parses the sides that hold a JSON object or list (a string, or
// a plan.Partial with unknown parts inside the document's strings). It
// reports false unless every side that exists holds one.
func jsonDocs(old, new any, hasOld, hasNew bool) (any, any, bool) {
	var od, nd any
	var ok bool
	if hasOld {
		if od, ok = plan.Document(old); !ok {
			return nil, nil, false
		}
	}
	if hasNew {
		if nd, ok = plan.Document(new); !ok {
			return nil, nil, false
		}
	}
	return od, nd, hasOld || hasNew
}

// commonOrder returns the order of the names both lists hold, in each.
func commonOrder(a, b []any) ([]string, []string) {
	names := func(l []any) []string {
		out := make([]string, len(l))
		for i, e := range l {
			out[i], _ = e.(map[string]any)["name"].(string)
		}
		return out
	}
	na, nb := names(a), names(b)
	keep := func(l, other []string) []string {
		var out []string
		for _, n := range l {
			if slices.Contains(other, n) {
				out = append(out, n)
			}
		}
		return out
	}
	return keep(na, nb), keep(nb, na)
}

// namedElements reports whether every element of both lists is an object
// with a distinct string "name", and returns the names sorted.
func namedElements(a, b []any) ([]string, bool) {
	seen := map[string]bool{}
	for _, list := range [][]any{a, b} {
		inList := map[string]bool{}
		for _, e := range list {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			name, ok := m["name"].(string)
			if !ok || name == "" || inList[name] {
				return nil, false
			}
			inList[name] = true
			seen[name] = true
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, true
}

func byName(list []any, name string) (any, bool) {
	for _, e := range list {
		if e.(map[string]any)["name"] == name {
			return e, true
		}
	}
	return nil, false
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// joinKey appends an object key to a path: `a.b`, or `a["x.y"]` when the key
// is not a plain identifier.
func joinKey(path, key string) string {
	if !plainKey.MatchString(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// equal compares two plan values. Two secrets are equal: a plan cannot tell
// whether their plaintexts differ. Two unknowns are equal when they come
// from the same resources.
func equal(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case float64:
		bf, ok := b.(float64)
		return ok && a == bf
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, v := range a {
			w, ok := bm[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		bl, ok := b.([]any)
		if !ok || len(a) != len(bl) {
			return false
		}
		for i := range a {
			if !equal(a[i], bl[i]) {
				return false
			}
		}
		return true
	case plan.Archive:
		bb, ok := b.(plan.Archive)
		return ok && a.Path == bb.Path && a.URI == bb.URI && slices.Equal(a.Assets, bb.Assets)
	case unknownFrom:
		bu, ok := b.(unknownFrom)
		return ok && a.urns == bu.urns && !a.renewed && !bu.renewed
	case plan.Partial:
		bp, ok := b.(plan.Partial)
		if !ok || len(a) != len(bp) {
			return false
		}
		for i := range a {
			if !equal(a[i], bp[i]) {
				return false
			}
		}
		return true
	case plan.Secret, plan.Unknown, plan.Asset, plan.Ref:
		return a == b
	}
	return false
}

// render formats a value on one line: JSON, markers as plan.Describe says
// (an unknown with the resources it comes from), "(none)" for a missing
// value. It prints only what the plan holds, so a secret prints as its
// marker.
func render(v any, has bool) string {
	if !has {
		return "(none)"
	}
	switch v := v.(type) {
	case unknownFrom:
		// The source is named when the input has one: an input built from
		// several resources (a whole template) says too little about a
		// value inside it.
		from := ""
		if v.names != "" && !strings.Contains(v.urns, ",") {
			from = ", from " + v.names
		}
		if v.renewed {
			return "[unknown: new" + from + "]"
		}
		return "[unknown" + from + "]"
	case plan.Partial:
		// As plan.Describe: the known text quoted, joined to the unknown
		// parts with "+".
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = render(e, true)
		}
		return strings.Join(parts, "+")
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			kb, _ := marshal(k)
			parts[i] = string(kb) + ":" + render(v[k], true)
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = render(e, true)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	if plan.IsMarker(v) {
		return plan.Describe(v)
	}
	b, err := marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}

// opaque reports whether v is a value a plan does not show: a secret or an
// unknown.
func opaque(v any) bool {
	switch v.(type) {
	case plan.Secret, plan.Unknown, unknownFrom:
		return true
	}
	return false
}

// marshal encodes v as compact JSON without HTML escaping.
func marshal(v any) ([]byte, error) {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(sb.String(), "\n")), nil
}

// str returns the string at path, or "". A string known in part (an ARN
// with a cloud-made suffix, a policy naming one) is its text with each
// unknown part as [unknown], so that rules that read text see the rest.
func str(inputs map[string]any, path ...string) string {
	v, _ := plan.Lookup(inputs, path...)
	switch v := v.(type) {
	case string:
		return v
	case plan.Partial:
		return v.Text()
	}
	return ""
}

// list returns the list at path, or nil.
func list(inputs map[string]any, path ...string) []any {
	v, _ := plan.Lookup(inputs, path...)
	l, _ := v.([]any)
	return l
}

// parseJSON decodes s into v and reports whether it could.
func parseJSON(s string, v any) bool {
	return s != "" && json.Unmarshal([]byte(s), v) == nil
}

// effectiveInputs returns the new inputs with the old value at every path
// that an ignoreChanges entry covers ("*" is every input), as the engine
// sends them to the provider. Paths are those of walk, so a path inside a
// list matched by name (`envs[name=X]`) is followed by name.
func effectiveInputs(old, new map[string]any, ignore []string) map[string]any {
	if len(ignore) == 0 {
		return new
	}
	v, _ := effective(old, new, old != nil, true, "", ignore)
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

func effective(old, new any, hasOld, hasNew bool, path string, ignore []string) (any, bool) {
	if path != "" {
		for _, p := range ignore {
			if p == "*" || covers(p, path) {
				return old, hasOld
			}
		}
	}
	if !hasNew {
		// Dropped from the program: only an ignored path (above) keeps it.
		if om, ok := old.(map[string]any); ok && hasOld {
			out := map[string]any{}
			for k, ov := range om {
				if v, ok := effective(ov, nil, true, false, joinKey(path, k), ignore); ok {
					out[k] = v
				}
			}
			if len(out) > 0 {
				return out, true
			}
		}
		return nil, false
	}
	switch n := new.(type) {
	case map[string]any:
		om, _ := old.(map[string]any)
		out := make(map[string]any, len(n))
		for k, nv := range n {
			ov, okO := om[k]
			if v, ok := effective(ov, nv, okO, true, joinKey(path, k), ignore); ok {
				out[k] = v
			}
		}
		for k, ov := range om {
			if _, ok := n[k]; !ok {
				if v, ok := effective(ov, nil, true, false, joinKey(path, k), ignore); ok {
					out[k] = v
				}
			}
		}
		return out, true
	case []any:
		oa, _ := old.([]any)
		if names, ok := namedElements(oa, n); ok {
			out := []any{}
			for _, name := range names {
				ov, okO := byName(oa, name)
				nv, okN := byName(n, name)
				if v, ok := effective(ov, nv, okO, okN, path+"[name="+name+"]", ignore); ok {
					out = append(out, v)
				}
			}
			return out, true
		}
		out := make([]any, 0, len(n))
		for i, nv := range n {
			var ov any
			if i < len(oa) {
				ov = oa[i]
			}
			v, _ := effective(ov, nv, i < len(oa), true, path+"["+strconv.Itoa(i)+"]", ignore)
			out = append(out, v)
		}
		return out, true
	}
	return new, true
}
