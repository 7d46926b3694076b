package planengine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
	"github.com/berth-dev/berth/internal/stackconfig"
)

// minSubstringSecret is the shortest secret plaintext that is redacted
// wherever it occurs inside a string. Shorter ones are redacted only where a
// whole string equals them: redacting every "1" or "ab" would hide most of
// the plan without protecting anything.
const minSubstringSecret = 4

// secretText replaces a secret inside text that stays readable around it:
// messages, names, URNs. It is the stand-in a program gets for a secure
// value that cannot be decrypted, so the two read the same.
const secretText = stackconfig.BlindedSecret

// redactor replaces strings that carry a secret's plaintext, as written or
// escaped, and marks the placeholders of values only the cloud knows. Build
// it with newRedactor.
type redactor struct {
	forms []secretForm
	// holes are the placeholders the plan's resources were answered with;
	// nil when there are none.
	holes *providers.Placeholders
}

// secretForm is one way a secret plaintext can appear in text.
type secretForm struct {
	// text is the plaintext, or the inside of a quoted form of it.
	text string
	// long says whether the plaintext is at least minSubstringSecret
	// bytes, so that the form is redacted inside other strings.
	long bool
}

// newRedactor returns a redactor of secrets (their plaintexts and the
// escaped forms in which messages and documents carry them) and of the
// placeholders of holes, which may be nil.
func newRedactor(secrets []string, holes *providers.Placeholders) redactor {
	r := redactor{holes: holes}
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

// str returns s, or Secret when s holds a secret plaintext or an
// escaped form of one, or a plan.Partial (an Unknown, when that is all of
// s) when s holds placeholders.
func (r redactor) str(s string) any {
	for _, f := range r.forms {
		if s == f.text || (f.long && strings.Contains(s, f.text)) {
			return plan.Secret{}
		}
	}
	if r.holes == nil {
		return s
	}
	pieces := r.holes.Split(s)
	if len(pieces) == 1 && pieces[0].Hole {
		return r.unknown(pieces[0])
	}
	if len(pieces) <= 1 {
		return s
	}
	out := make(plan.Partial, len(pieces))
	for i, p := range pieces {
		if p.Hole {
			out[i] = r.unknown(p)
		} else {
			out[i] = p.Text
		}
	}
	return out
}

// unknown is the marker of a placeholder.
func (r redactor) unknown(hole providers.Piece) plan.Unknown {
	if hole.From == "" {
		return plan.Unknown{From: plan.FromConfig}
	}
	return plan.Unknown{From: r.urn(hole.From), NewOnUpdate: !hole.Stable}
}

// number returns f, or an Unknown when f is a placeholder number.
func (r redactor) number(f float64) any {
	if r.holes != nil {
		if hole, ok := r.holes.Number(f); ok {
			return r.unknown(hole)
		}
	}
	return f
}

// text returns s with every long enough secret plaintext, and every escaped
// form of one, replaced by secretText, and every placeholder by [unknown];
// it is used for messages and names, where the rest stays readable.
func (r redactor) text(s string) string {
	for _, f := range r.forms {
		if f.long {
			s = strings.ReplaceAll(s, f.text, secretText)
		}
	}
	if r.holes == nil {
		return s
	}
	pieces := r.holes.Split(s)
	if len(pieces) <= 1 && (len(pieces) == 0 || !pieces[0].Hole) {
		return s
	}
	var b strings.Builder
	for _, p := range pieces {
		if p.Hole {
			b.WriteString(plan.Describe(plan.Unknown{}))
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// name returns a resource name or URN with secrets replaced by
// secretText: a name that is a secret, however short, and every long
// enough secret inside one.
func (r redactor) name(s string) string {
	for _, f := range r.forms {
		if s == f.text {
			return secretText
		}
	}
	return r.text(s)
}

// urn returns a URN with secrets replaced by secretText, its name part as
// name does.
func (r redactor) urn(u string) string {
	i := strings.LastIndex(u, "::")
	if i < 0 {
		return r.name(u)
	}
	return r.text(u[:i+2]) + r.name(u[i+2:])
}

// properties renders a property map as plan values, skipping the engine's
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

// property renders one property value as a plan value.
func (r redactor) property(v resource.PropertyValue) any {
	switch {
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return r.number(v.NumberValue())
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
		return plan.Secret{}
	case v.IsComputed():
		return plan.Unknown{}
	case v.IsOutput():
		o := v.OutputValue()
		switch {
		case o.Secret:
			return plan.Secret{}
		case !o.Known:
			return plan.Unknown{}
		default:
			return r.property(o.Element)
		}
	case v.IsResourceReference():
		return plan.Ref{URN: r.urn(string(v.ResourceReferenceValue().URN))}
	case v.IsAsset():
		return r.asset(v.AssetValue())
	case v.IsArchive():
		return r.archive(v.ArchiveValue())
	}
	return r.str(fmt.Sprintf("[%s]", v.TypeString()))
}

// asset describes an asset: its path or URI, or the hash of its text.
func (r redactor) asset(a *asset.Asset) any {
	switch {
	case a.IsPath():
		return plan.Asset{Path: r.text(a.Path)}
	case a.IsURI():
		return plan.Asset{URI: r.text(a.URI)}
	}
	if r.str(a.Text) != a.Text {
		return plan.Secret{}
	}
	sum := sha256.Sum256([]byte(a.Text))
	return plan.Asset{SHA256: hex.EncodeToString(sum[:6]), Bytes: len(a.Text)}
}

// archive describes an archive: its path or URI, or its asset names.
func (r redactor) archive(a *archive.Archive) any {
	switch {
	case a.IsPath():
		return plan.Archive{Path: r.text(a.Path)}
	case a.IsURI():
		return plan.Archive{URI: r.text(a.URI)}
	}
	names := make([]string, 0, len(a.Assets))
	for n := range a.Assets {
		names = append(names, r.text(n))
	}
	sort.Strings(names)
	return plan.Archive{Assets: names}
}
