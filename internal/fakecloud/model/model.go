package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Config is a provider's configuration as the model reads it, by key:
// "region" and "account" for aws, "project" and "region" for gcp.
type Config map[string]string

// IDs makes the values only the cloud invents. A fake cloud returns fresh
// values; an offline plan returns ok false, and every output built from the
// value is then unknown.
type IDs interface {
	// Generate returns n characters drawn from alphabet for a new
	// identifier, or ok false when it cannot be known.
	Generate(alphabet string, n int) (id string, ok bool)
	// Next returns the next number of the sequence seq, starting at 1
	// (task definition revisions per family, secret versions per secret,
	// Cloud Run revisions per service), or ok false when it cannot be
	// known.
	Next(seq string) (n int, ok bool)
}

// Alphabets for IDs.Generate.
const (
	Hex    = "0123456789abcdef"
	Digits = "0123456789"
	// LowerAlnum is what Cloud Run revision suffixes and URL hashes use.
	LowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	// UpperAlnum is what IAM unique IDs use after their prefix.
	UpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	// Alnum is what Secrets Manager ARN suffixes use.
	Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// Key is one thing the cloud keeps unique, with the error the cloud returns
// when a second resource claims it.
type Key struct {
	// Key names the scope and the value, such as
	// "ecr-repository/123456789012/us-east-1/berth-app-1a2b3c4".
	Key string
	// Err is the cloud's error for a duplicate, such as
	// "RepositoryAlreadyExistsException: ...".
	Err string
}

// Type holds one resource type's rules. Property names are Pulumi's
// (camelCase); comments name the Terraform attribute.
type Type struct {
	// Token is the Pulumi type token.
	Token string
	// Source is the provider file and function the rules come from.
	Source string
	// Required are the top-level inputs without which the provider's Check
	// fails.
	Required []string
	// Defaults are the top-level schema defaults the bridge's Check writes
	// into the inputs, and so into the state, when an input is absent.
	Defaults resource.PropertyMap
	// ForceNew are the top-level inputs whose change replaces the resource.
	ForceNew []string
	// Computed are the Optional+Computed top-level inputs: when absent from
	// the new inputs, the state's value (the cloud's) stands, without a
	// diff.
	Computed []string
	// Sensitive are the top-level properties the provider marks secret in
	// the state, whether or not the program passed them as secrets.
	Sensitive []string
	// Autoname is the top-level property the bridge fills with the
	// resource's name plus a random suffix when it is absent; "" for none.
	Autoname string
	// Equivalent compares a top-level property whose provider suppresses
	// differences in form (JSON documents); nil compares values.
	Equivalent map[string]func(news, olds resource.PropertyValue) bool
	// Outputs computes the ID and the outputs the provider adds to the
	// inputs on create (c.Old nil) or update.
	Outputs func(c *Ctx) (id resource.PropertyValue, out resource.PropertyMap)
	// Unique returns what the resource claims in the cloud; nil for none.
	Unique func(c *Ctx) []Key
}

// Failure is a Check failure: the property and the provider's reason.
type Failure struct {
	Property string
	Reason   string
}

// Check validates the inputs as the provider's Check does and returns them
// with the schema defaults and the autoname applied. olds are the previous
// inputs (nil on create): an autoname, once chosen, is kept. name is the
// resource's Pulumi name and seed the engine's random seed for it.
func (t *Type) Check(olds, news resource.PropertyMap, name string, seed []byte) (resource.PropertyMap, []Failure) {
	in := news.Copy()
	for k, v := range t.Defaults {
		if cur, ok := in[resource.PropertyKey(k)]; !ok || cur.IsNull() {
			in[k] = v
		}
	}
	if t.Autoname != "" {
		key := resource.PropertyKey(t.Autoname)
		if cur, ok := in[key]; !ok || cur.IsNull() {
			if old, ok := olds[key]; ok && !old.IsNull() {
				in[key] = old
			} else {
				in[key] = resource.NewProperty(autoname(name, seed))
			}
		}
	}
	var failures []Failure
	for _, k := range t.Required {
		if v, ok := in[resource.PropertyKey(k)]; !ok || v.IsNull() {
			// terraform-plugin-sdk/v2 helper/schema (schemaMap.validate):
			// the message the bridge passes on.
			failures = append(failures, Failure{Property: k, Reason: fmt.Sprintf("Missing required argument. The argument %q is required, but no definition was found.", k)})
		}
	}
	return in, failures
}

// autoname is the bridge's default name: the Pulumi name, a hyphen and
// seven hex characters (pulumi-terraform-bridge tfbridge
// AutoNameTransform / resource.NewUniqueHex), derived from the engine's
// random seed so that previews and updates agree.
func autoname(name string, seed []byte) string {
	h := sha256.Sum256(append([]byte(name+"\x00"), seed...))
	return name + "-" + hex.EncodeToString(h[:])[:7]
}

// DiffResult is what changes between the state and the new inputs.
type DiffResult struct {
	// Changed are the top-level properties that change, sorted.
	Changed []string
	// Replace are the changed properties that force a replacement, sorted.
	Replace []string
}

// Diff compares checked new inputs with the old state as the bridge's
// Terraform plan does: each new input against the state's value (so a
// default the cloud overrides shows as a change), nested values the new
// inputs leave out keep the cloud's value, and a top-level input removed
// from the program is a change unless it is Computed. Properties in
// ignoreChanges (top-level) are skipped; the engine has already put their
// old values into the new inputs.
func (t *Type) Diff(oldInputs, oldOutputs, newInputs resource.PropertyMap, ignoreChanges []string) DiffResult {
	var changed []string
	for k, nv := range newInputs {
		if slices.Contains(ignoreChanges, string(k)) || strings.HasPrefix(string(k), "__") {
			continue
		}
		ov, ok := oldOutputs[k]
		if !ok {
			ov = oldInputs[k]
		}
		if nv.IsNull() {
			if !ov.IsNull() && !slices.Contains(t.Computed, string(k)) {
				changed = append(changed, string(k))
			}
			continue
		}
		if eq := t.Equivalent[string(k)]; eq != nil {
			if !eq(nv, ov) {
				changed = append(changed, string(k))
			}
			continue
		}
		if !covers(nv, ov) {
			changed = append(changed, string(k))
		}
	}
	for k, ov := range oldInputs {
		if _, ok := newInputs[k]; ok || ov.IsNull() || slices.Contains(ignoreChanges, string(k)) || slices.Contains(t.Computed, string(k)) || strings.HasPrefix(string(k), "__") {
			continue
		}
		changed = append(changed, string(k))
	}
	sort.Strings(changed)
	var replace []string
	for _, k := range changed {
		if slices.Contains(t.ForceNew, k) {
			replace = append(replace, k)
		}
	}
	return DiffResult{Changed: changed, Replace: replace}
}

// covers reports whether the state value o already holds the new input n:
// equal scalars, arrays of the same length whose elements cover, objects
// whose every key of n covers (keys only in o are the cloud's own). An
// unknown n never covers: its value is decided later.
func covers(n, o resource.PropertyValue) bool {
	n, o = unsecret(n), unsecret(o)
	switch {
	case n.ContainsUnknowns():
		return false
	case n.IsNull():
		return true
	case n.IsObject():
		if !o.IsObject() {
			return false
		}
		om := o.ObjectValue()
		for k, nv := range n.ObjectValue() {
			if !covers(nv, om[k]) {
				return false
			}
		}
		return true
	case n.IsArray():
		if !o.IsArray() {
			return false
		}
		na, oa := n.ArrayValue(), o.ArrayValue()
		if len(na) != len(oa) {
			return false
		}
		for i := range na {
			if !covers(na[i], oa[i]) {
				return false
			}
		}
		return true
	}
	return n.DeepEquals(o)
}

// unsecret strips secret markers.
func unsecret(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

// Apply returns the ID and the state after a create (c.Old nil) or an
// update: the inputs, then the provider's outputs over them, with the
// Sensitive properties and every property that was a secret input marked
// secret.
func (t *Type) Apply(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
	state := c.In.Copy()
	var id resource.PropertyValue
	if t.Outputs != nil {
		var out resource.PropertyMap
		id, out = t.Outputs(c)
		for k, v := range out {
			state[k] = v
		}
	}
	for k, v := range state {
		if slices.Contains(t.Sensitive, string(k)) || c.In[k].ContainsSecrets() {
			if !v.IsSecret() && !v.IsNull() {
				state[k] = resource.MakeSecret(v)
			}
		}
	}
	return id, state
}

// UniqueKeys returns what the resource claims in the cloud.
func (t *Type) UniqueKeys(c *Ctx) []Key {
	if t.Unique == nil {
		return nil
	}
	return t.Unique(c)
}

// Ctx is what a type's rules compute from.
type Ctx struct {
	// In are the checked inputs.
	In resource.PropertyMap
	// Old is the previous state, nil on create.
	Old resource.PropertyMap
	// Config is the provider's configuration.
	Config Config
	// IDs makes the values only the cloud invents.
	IDs IDs
}

// Part is one piece of a computed string: known or not.
type Part struct {
	s     string
	known bool
}

// Lit is a literal part.
func Lit(s string) Part { return Part{s: s, known: true} }

// Str is the string input key; a missing input is "", an unknown one
// unknown.
func (c *Ctx) Str(key string) Part {
	v := unsecret(c.In[resource.PropertyKey(key)])
	switch {
	case v.IsString():
		return Part{s: v.StringValue(), known: true}
	case v.IsNumber():
		return Part{s: fmt.Sprint(v.NumberValue()), known: true}
	case v.IsNull():
		return Part{known: true}
	}
	return Part{}
}

// Cfg is the provider configuration value key.
func (c *Ctx) Cfg(key string) Part { return Part{s: c.Config[key], known: true} }

// Gen is a new identifier of n characters of alphabet, or the one the
// state holds under oldKey (IDs do not change on update).
func (c *Ctx) Gen(oldKey, alphabet string, n int) Part {
	if p, ok := c.old(oldKey); ok {
		return p
	}
	s, ok := c.IDs.Generate(alphabet, n)
	return Part{s: s, known: ok}
}

// Next is the next number of the sequence seq.
func (c *Ctx) Next(seq string) Part {
	n, ok := c.IDs.Next(seq)
	return Part{s: fmt.Sprint(n), known: ok}
}

// old returns the state's string value of key, when there is one.
func (c *Ctx) old(key string) (Part, bool) {
	if c.Old == nil || key == "" {
		return Part{}, false
	}
	v := unsecret(c.Old[resource.PropertyKey(key)])
	if !v.IsString() {
		return Part{}, false
	}
	return Part{s: v.StringValue(), known: true}, true
}

// S joins parts into a string value, unknown when any part is.
func S(parts ...Part) resource.PropertyValue {
	var b strings.Builder
	for _, p := range parts {
		if !p.known {
			return resource.MakeComputed(resource.NewProperty(""))
		}
		b.WriteString(p.s)
	}
	return resource.NewProperty(b.String())
}

// Of is the string value v as a part: unknown unless v is a known string.
func Of(v resource.PropertyValue) Part {
	v = unsecret(v)
	if v.IsString() {
		return Lit(v.StringValue())
	}
	return Part{}
}

// Known returns the string of p and whether it is known.
func (p Part) Known() (string, bool) { return p.s, p.known }

// Types returns every type the model knows, by token.
func Types() map[string]*Type {
	out := map[string]*Type{}
	for _, t := range awsTypes() {
		out[t.Token] = t
	}
	for _, t := range gcpTypes() {
		out[t.Token] = t
	}
	return out
}

// Lookup returns the rules of the type token.
func Lookup(token string) (*Type, bool) {
	t, ok := registry[token]
	return t, ok
}

var registry = Types()
