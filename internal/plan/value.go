package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// minSubstringSecret is the shortest secret plaintext that is redacted
// wherever it occurs inside a string. Shorter ones are redacted only where a
// whole string equals them: redacting every "1" or "ab" would hide most of
// the plan without protecting anything.
const minSubstringSecret = 4

// redactor replaces strings that carry a secret's plaintext, as written or
// escaped. Build it with newRedactor.
type redactor struct{ forms []secretForm }

// secretForm is one way a secret plaintext can appear in text.
type secretForm struct {
	// text is the plaintext, or the inside of a quoted form of it.
	text string
	// long says whether the plaintext is at least minSubstringSecret
	// bytes, so that the form is redacted inside other strings.
	long bool
}

// newRedactor returns a redactor of secrets: their plaintexts and the
// escaped forms in which messages and documents carry them.
func newRedactor(secrets []string) redactor {
	var r redactor
	seen := map[string]bool{}
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		for _, f := range escapedForms(secret) {
			if !seen[f] {
				seen[f] = true
				r.forms = append(r.forms, secretForm{text: f, long: len(secret) >= minSubstringSecret})
			}
		}
	}
	// Longest first, so that a form containing another is redacted whole.
	sort.SliceStable(r.forms, func(i, j int) bool { return len(r.forms[i].text) > len(r.forms[j].text) })
	return r
}

// escapers turn a string into the inside of a quoted form of it: Go's %q
// (strconv.Quote) and %+q (strconv.QuoteToASCII), and JSON with and without
// HTML escaping (encoding/json escapes <, > and & by default).
var escapers = []func(string) string{
	func(s string) string { return unquote(strconv.Quote(s)) },
	func(s string) string { return unquote(strconv.QuoteToASCII(s)) },
	func(s string) string { return jsonInner(s, true) },
	func(s string) string { return jsonInner(s, false) },
}

// escapedForms returns s and its escaped forms, once and twice escaped: a
// secret in a JSON document that an error message quotes with %q is
// escaped twice.
func escapedForms(s string) []string {
	out := []string{s}
	for _, e := range escapers {
		once := e(s)
		out = append(out, once)
		for _, e2 := range escapers {
			out = append(out, e2(once))
		}
	}
	return out
}

func unquote(q string) string { return q[1 : len(q)-1] }

// jsonInner returns the JSON string literal of s without its quotes.
func jsonInner(s string, escapeHTML bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s) // a string always encodes
	return unquote(strings.TrimSuffix(b.String(), "\n"))
}

// str returns s, or SecretMarker when s holds a secret plaintext or an
// escaped form of one.
func (r redactor) str(s string) string {
	for _, f := range r.forms {
		if s == f.text || (f.long && strings.Contains(s, f.text)) {
			return SecretMarker
		}
	}
	return s
}

// text returns s with every long enough secret plaintext, and every escaped
// form of one, replaced by SecretMarker; it is used for messages and names,
// where the rest stays readable.
func (r redactor) text(s string) string {
	for _, f := range r.forms {
		if f.long {
			s = strings.ReplaceAll(s, f.text, SecretMarker)
		}
	}
	return s
}

// name returns a resource name or URN with secrets replaced by
// SecretMarker: a name that is a secret, however short, and every long
// enough secret inside one.
func (r redactor) name(s string) string {
	for _, f := range r.forms {
		if s == f.text {
			return SecretMarker
		}
	}
	return r.text(s)
}

// urn returns a URN with secrets replaced by SecretMarker, its name part as
// name does.
func (r redactor) urn(u string) string {
	i := strings.LastIndex(u, "::")
	if i < 0 {
		return r.name(u)
	}
	return r.text(u[:i+2]) + r.name(u[i+2:])
}

// properties renders a property map as JSON values, skipping the engine's
// internal keys (`__defaults`, `__meta`, ...), which are no resource setting.
func (r redactor) properties(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if strings.HasPrefix(string(k), "__") {
			continue
		}
		out[r.text(string(k))] = r.property(v)
	}
	return out
}

// property renders one property value as a JSON value.
func (r redactor) property(v resource.PropertyValue) any {
	switch {
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return r.str(v.StringValue())
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = r.property(e)
		}
		return out
	case v.IsObject():
		out := map[string]any{}
		for k, e := range v.ObjectValue() {
			out[r.text(string(k))] = r.property(e)
		}
		return out
	case v.IsSecret():
		return SecretMarker
	case v.IsComputed():
		return UnknownMarker
	case v.IsOutput():
		o := v.OutputValue()
		switch {
		case o.Secret:
			return SecretMarker
		case !o.Known:
			return UnknownMarker
		default:
			return r.property(o.Element)
		}
	case v.IsResourceReference():
		return r.urn(string(v.ResourceReferenceValue().URN))
	case v.IsAsset():
		return r.text(describeAsset(v.AssetValue()))
	case v.IsArchive():
		return r.text(describeArchive(v.ArchiveValue()))
	}
	return fmt.Sprintf("[%s]", v.TypeString())
}

// describeAsset returns a short description of an asset: its path or URI,
// or the hash of its text, which shows a change without the content.
func describeAsset(a *asset.Asset) string {
	switch {
	case a.IsPath():
		return "[asset file " + a.Path + "]"
	case a.IsURI():
		return "[asset uri " + a.URI + "]"
	case a.IsText():
		sum := sha256.Sum256([]byte(a.Text))
		return fmt.Sprintf("[asset text, %d bytes, sha256 %s]", len(a.Text), hex.EncodeToString(sum[:6]))
	}
	return "[asset]"
}

// describeArchive returns a short description of an archive.
func describeArchive(a *archive.Archive) string {
	switch {
	case a.IsPath():
		return "[archive file " + a.Path + "]"
	case a.IsURI():
		return "[archive uri " + a.URI + "]"
	case a.IsAssets():
		names := make([]string, 0, len(a.Assets))
		for n := range a.Assets {
			names = append(names, n)
		}
		sort.Strings(names)
		return "[archive of " + strings.Join(names, ", ") + "]"
	}
	return "[archive]"
}

// plain renders a resolved Go value of a stack output as a JSON value.
func (r redactor) plain(v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		return r.str(v)
	case bool:
		return v
	case pulumi.Asset:
		return r.text(plainAsset(v))
	case pulumi.Archive:
		return r.text(plainArchive(v))
	case pulumi.Resource:
		return "[resource]" // its URN is an output of its own
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.String:
		return r.str(rv.String())
	case reflect.Bool:
		return rv.Bool()
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return r.plain(rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = r.plain(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		iter := rv.MapRange()
		for iter.Next() {
			out[r.text(fmt.Sprint(iter.Key().Interface()))] = r.plain(iter.Value().Interface())
		}
		return out
	case reflect.Struct:
		out := map[string]any{}
		t := rv.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if tag := strings.Split(f.Tag.Get("pulumi"), ",")[0]; tag != "" {
				name = tag
			} else if tag := strings.Split(f.Tag.Get("json"), ",")[0]; tag != "" && tag != "-" {
				name = tag
			}
			out[name] = r.plain(rv.Field(i).Interface())
		}
		return out
	}
	return r.str(fmt.Sprint(v))
}

func plainAsset(a pulumi.Asset) string {
	switch {
	case a.Path() != "":
		return "[asset file " + a.Path() + "]"
	case a.URI() != "":
		return "[asset uri " + a.URI() + "]"
	}
	sum := sha256.Sum256([]byte(a.Text()))
	return fmt.Sprintf("[asset text, %d bytes, sha256 %s]", len(a.Text()), hex.EncodeToString(sum[:6]))
}

func plainArchive(a pulumi.Archive) string {
	switch {
	case a.Path() != "":
		return "[archive file " + a.Path() + "]"
	case a.URI() != "":
		return "[archive uri " + a.URI() + "]"
	}
	names := make([]string, 0, len(a.Assets()))
	for n := range a.Assets() {
		names = append(names, n)
	}
	sort.Strings(names)
	return "[archive of " + strings.Join(names, ", ") + "]"
}
