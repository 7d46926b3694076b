package diff

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/plan"
)

// compareValues returns the changed leaves between two input maps, in path
// order. hasOld and hasNew say whether each side exists at all.
func compareValues(old, new map[string]any, hasOld, hasNew bool) []Value {
	var out []Value
	var o, n any
	if hasOld {
		o = old
	}
	if hasNew {
		n = new
	}
	walk("", o, n, hasOld, hasNew, &out)
	return out
}

// walk appends the changed leaves below path.
func walk(path string, old, new any, hasOld, hasNew bool, out *[]Value) {
	if hasOld && hasNew && equal(old, new) {
		return
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
			walk(joinKey(path, k), ov, nv, okO, okN, out)
		}
		return
	}
	oa, oIsList := old.([]any)
	na, nIsList := new.([]any)
	if (oIsList || !hasOld) && (nIsList || !hasNew) && (len(oa) > 0 || len(na) > 0) {
		if names, ok := namedElements(oa, na); ok {
			for _, name := range names {
				ov, okO := byName(oa, name)
				nv, okN := byName(na, name)
				walk(path+"[name="+name+"]", ov, nv, okO, okN, out)
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
			walk(path+"["+strconv.Itoa(i)+"]", ov, nv, i < len(oa), i < len(na), out)
		}
		return
	}
	*out = append(*out, Value{Path: path, Old: old, New: new, HasOld: hasOld, HasNew: hasNew})
}

// jsonDocs parses the sides that are strings holding a JSON object or list.
// It reports false unless every side that exists is such a string.
func jsonDocs(old, new any, hasOld, hasNew bool) (any, any, bool) {
	parse := func(v any) (any, bool) {
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		s = strings.TrimSpace(s)
		if len(s) < 2 || (s[0] != '{' && s[0] != '[') {
			return nil, false
		}
		var doc any
		if err := json.Unmarshal([]byte(s), &doc); err != nil {
			return nil, false
		}
		return doc, true
	}
	var od, nd any
	var ok bool
	if hasOld {
		if od, ok = parse(old); !ok {
			return nil, nil, false
		}
	}
	if hasNew {
		if nd, ok = parse(new); !ok {
			return nil, nil, false
		}
	}
	return od, nd, hasOld || hasNew
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
			if !ok || name == "" || inList[name] || name == plan.SecretMarker {
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

// equal compares two JSON values. Two secrets are equal: a plan cannot tell
// whether their plaintexts differ.
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
	}
	return false
}

// render formats a value on one line: JSON, markers bare, "(none)" for a
// missing value. It prints only what the plan holds, so a secret prints as
// its marker.
func render(v any, has bool) string {
	if !has {
		return "(none)"
	}
	if s, ok := v.(string); ok && (s == plan.SecretMarker || s == plan.UnknownMarker) {
		return s
	}
	b, err := marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
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

// get returns the value at a dotted path of plain keys in inputs.
func get(inputs map[string]any, path ...string) (any, bool) {
	var v any = inputs
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// str returns the string at path, or "".
func str(inputs map[string]any, path ...string) string {
	v, _ := get(inputs, path...)
	s, _ := v.(string)
	return s
}

// list returns the list at path, or nil.
func list(inputs map[string]any, path ...string) []any {
	v, _ := get(inputs, path...)
	l, _ := v.([]any)
	return l
}

// strings returns v as a list of strings: a string alone or the strings of
// a list.
func stringsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// parseJSON decodes s into v and reports whether it could.
func parseJSON(s string, v any) bool {
	return s != "" && json.Unmarshal([]byte(s), v) == nil
}
