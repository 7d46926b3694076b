package plan

import (
	"fmt"
	"strings"
)

// A value in a plan (an input, a stack output) is a JSON value: nil, bool,
// float64, string, []any or map[string]any, or one of the marker types
// below, which stand for what a plan does not show. In the JSON form a
// marker is an object with one key that starts with "$", such as
// {"$secret": true}; an object key of the program's own that starts with
// "$" is written with one more "$" in front ("$ref" as "$$ref"), so that no
// input can be mistaken for a marker.

// Secret stands for a secret value: a secret input or output, a secure
// config value, or a string that contains the plaintext of one. Its JSON
// form is {"$secret": true}.
type Secret struct{}

// Unknown stands for a value that is not known until the resource exists:
// an ID, a digest, an ARN the cloud makes. Its JSON form is
// {"$unknown": true}, or {"$unknown": {"from": URN, "newOnUpdate": true}}
// when it names its source.
type Unknown struct {
	// From, when set, is the URN of the resource whose cloud-made value it
	// is, or FromConfig for a configuration value the plan lacks.
	From string `json:"from"`
	// NewOnUpdate says the value changes whenever that resource is
	// updated (an image digest, a revision number), not only when it is
	// replaced (an ARN's suffix, an ID).
	NewOnUpdate bool `json:"newOnUpdate,omitempty"`
}

// FromConfig is the From of an Unknown that stands for a provider
// configuration value the stack does not set, such as the AWS account.
const FromConfig = "provider configuration"

// Partial is a string that is known in part: the known text and the
// unknown parts in order, each element a string or an Unknown, never two
// strings in a row and at least one Unknown. An ARN with its cloud-made
// suffix unknown is ["arn:aws:secretsmanager:...:secret:db-", Unknown];
// a JSON document keeps its text around the unknown parts. Its JSON form is
// {"$partial": [...]}, the unknowns in their marker form.
type Partial []any

// Asset describes a file asset by its path or URI, or a text asset by the
// SHA-256 of its text (first 12 hex digits) and its size, which shows a
// change without the content. Its JSON form is {"$asset": {...}} with the
// fields that are set.
type Asset struct {
	Path   string `json:"path,omitempty"`
	URI    string `json:"uri,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	Bytes  int    `json:"bytes,omitempty"`
}

// Archive describes an archive by its path or URI, or by the sorted names
// of the assets it holds. Its JSON form is {"$archive": {...}}.
type Archive struct {
	Path   string   `json:"path,omitempty"`
	URI    string   `json:"uri,omitempty"`
	Assets []string `json:"assets,omitempty"`
}

// Ref is a reference to another resource, by URN. Its JSON form is
// {"$resource": "urn:..."}.
type Ref struct{ URN string }

// Marker keys of the JSON form.
const (
	secretKey   = "$secret"
	unknownKey  = "$unknown"
	partialKey  = "$partial"
	assetKey    = "$asset"
	archiveKey  = "$archive"
	resourceKey = "$resource"
)

// encodeMap returns m in its JSON form.
func encodeMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[escapeKey(k)] = encode(v)
	}
	return out
}

// encode returns v in its JSON form.
func encode(v any) any {
	switch v := v.(type) {
	case Secret:
		return map[string]any{secretKey: true}
	case Unknown:
		if v.From != "" {
			return map[string]any{unknownKey: v}
		}
		return map[string]any{unknownKey: true}
	case Partial:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = encode(e)
		}
		return map[string]any{partialKey: out}
	case Asset:
		return map[string]any{assetKey: v}
	case Archive:
		return map[string]any{archiveKey: v}
	case Ref:
		return map[string]any{resourceKey: v.URN}
	case map[string]any:
		return encodeMap(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = encode(e)
		}
		return out
	}
	return v
}

func escapeKey(k string) string {
	if strings.HasPrefix(k, "$") {
		return "$" + k
	}
	return k
}

// decodeMap returns the values of a JSON object in their Go form; path
// names it in errors.
func decodeMap(m map[string]any, path string) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if strings.HasPrefix(k, "$") && !strings.HasPrefix(k, "$$") {
			return nil, fmt.Errorf("%s: key %q: a marker must be the only key of its object", path, k)
		}
		key := k
		if strings.HasPrefix(k, "$$") {
			key = k[1:]
		}
		d, err := decode(v, path+"."+key)
		if err != nil {
			return nil, err
		}
		out[key] = d
	}
	return out, nil
}

// decode returns a JSON value in its Go form.
func decode(v any, path string) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for k, e := range v {
				if m, ok, err := decodeMarker(k, e, path); ok || err != nil {
					return m, err
				}
			}
		}
		return decodeMap(v, path)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			d, err := decode(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = d
		}
		return out, nil
	}
	return v, nil
}

// decodeMarker decodes a one-key object whose key is a marker's.
func decodeMarker(k string, e any, path string) (any, bool, error) {
	bad := func() (any, bool, error) {
		return nil, true, fmt.Errorf("%s: malformed %s marker %v", path, k, e)
	}
	switch k {
	case secretKey:
		if e != true {
			return bad()
		}
		return Secret{}, true, nil
	case unknownKey:
		if e == true {
			return Unknown{}, true, nil
		}
		m, ok := e.(map[string]any)
		from, okFrom := m["from"].(string)
		newOnUpdate, okNew := m["newOnUpdate"].(bool)
		if !ok || !okFrom || from == "" || len(m) > 2 || (len(m) == 2 && (!okNew || !newOnUpdate)) {
			return bad()
		}
		return Unknown{From: from, NewOnUpdate: newOnUpdate}, true, nil
	case partialKey:
		list, ok := e.([]any)
		if !ok {
			return bad()
		}
		out := make(Partial, len(list))
		holes, prevText := 0, false
		for i, el := range list {
			d, err := decode(el, fmt.Sprintf("%s.%s[%d]", path, partialKey, i))
			if err != nil {
				return nil, true, err
			}
			switch d.(type) {
			case string:
				if prevText {
					return bad()
				}
				prevText = true
			case Unknown:
				holes++
				prevText = false
			default:
				return bad()
			}
			out[i] = d
		}
		if holes == 0 {
			return bad()
		}
		return out, true, nil
	case assetKey:
		m, ok := e.(map[string]any)
		if !ok {
			return bad()
		}
		a := Asset{}
		a.Path, _ = m["path"].(string)
		a.URI, _ = m["uri"].(string)
		a.SHA256, _ = m["sha256"].(string)
		if n, ok := m["bytes"].(float64); ok {
			a.Bytes = int(n)
		}
		return a, true, nil
	case archiveKey:
		m, ok := e.(map[string]any)
		if !ok {
			return bad()
		}
		a := Archive{}
		a.Path, _ = m["path"].(string)
		a.URI, _ = m["uri"].(string)
		if list, ok := m["assets"].([]any); ok {
			for _, n := range list {
				s, ok := n.(string)
				if !ok {
					return bad()
				}
				a.Assets = append(a.Assets, s)
			}
		}
		return a, true, nil
	case resourceKey:
		s, ok := e.(string)
		if !ok {
			return bad()
		}
		return Ref{URN: s}, true, nil
	}
	return nil, false, nil
}

// IsMarker reports whether v is one of the marker types.
func IsMarker(v any) bool {
	switch v.(type) {
	case Secret, Unknown, Partial, Asset, Archive, Ref:
		return true
	}
	return false
}

// Text returns the string p stands for with each unknown part as
// [unknown], for readers that match text (policy resources, secret
// references).
func (p Partial) Text() string {
	var b strings.Builder
	for _, e := range p {
		if s, ok := e.(string); ok {
			b.WriteString(s)
		} else {
			b.WriteString(Describe(Unknown{}))
		}
	}
	return b.String()
}

// Describe renders a marker for people: [secret], [unknown], [asset
// file app/main.go], [resource urn:...], and a Partial as its quoted
// text joined to its unknown parts with "+" ("sg-"+[unknown]). Other
// values render as "".
func Describe(v any) string {
	switch v := v.(type) {
	case Secret:
		return "[secret]"
	case Unknown:
		return "[unknown]"
	case Partial:
		parts := make([]string, len(v))
		for i, e := range v {
			if s, ok := e.(string); ok {
				parts[i] = jsonString(s)
			} else {
				parts[i] = Describe(e)
			}
		}
		return strings.Join(parts, "+")
	case Asset:
		switch {
		case v.Path != "":
			return "[asset file " + v.Path + "]"
		case v.URI != "":
			return "[asset uri " + v.URI + "]"
		}
		return fmt.Sprintf("[asset text, %d bytes, sha256 %s]", v.Bytes, v.SHA256)
	case Archive:
		switch {
		case v.Path != "":
			return "[archive file " + v.Path + "]"
		case v.URI != "":
			return "[archive uri " + v.URI + "]"
		}
		return "[archive of " + strings.Join(v.Assets, ", ") + "]"
	case Ref:
		return "[resource " + v.URN + "]"
	}
	return ""
}

// EncodeValue returns a plan value in its JSON form, markers as their
// one-key objects and "$" keys escaped, for documents that embed plan
// values (berth diff's JSON).
func EncodeValue(v any) any { return encode(v) }

// Lookup returns the value at path in nested objects of in (each element
// a key), and false when an element is missing or its parent is not an
// object: a marker such as Unknown ends the walk.
func Lookup(in map[string]any, path ...string) (any, bool) {
	var v any = in
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

// Strings reads a value that is a string or a list of strings, as IAM
// policy elements and many provider inputs are: the strings, in order,
// without the list's other elements; nil for any other value.
func Strings(v any) []string {
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
