package providers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Config is a provider's configuration as the model reads it, by key:
// "region" and "account" for aws, "project", "region" and "zone" for gcp.
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

// Ctx is what a type's rules compute from.
type Ctx struct {
	// In are the checked inputs.
	In resource.PropertyMap
	// Old is the previous state, nil on create.
	Old resource.PropertyMap
	// ID is the resource's ID on update, "" on create.
	ID string
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
	v := Unsecret(c.In[resource.PropertyKey(key)])
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

// Cfg is the provider configuration value key, unknown when the
// configuration does not hold it (an offline plan without the account,
// say), or a placeholder where Placeholders stands in for it; a key held
// with an empty value is known to be empty (a provider configured without
// a zone).
func (c *Ctx) Cfg(key string) Part {
	v, ok := c.Config[key]
	if !ok {
		if ph, isPH := c.IDs.(placeholderIDs); isPH {
			v, ok = ph.configValue(key)
		}
	}
	return Part{s: v, known: ok}
}

// Gen is a new identifier of n characters of alphabet.
func (c *Ctx) Gen(alphabet string, n int) Part {
	s, ok := c.IDs.Generate(alphabet, n)
	return Part{s: s, known: ok}
}

// Keep is the state's string value of output key on update: what the
// cloud assigned once (an ARN's random suffix, a unique ID, a DNS name)
// does not change. On create, or when the state has none, it is fresh(),
// which alone draws new identifiers.
func (c *Ctx) Keep(key string, fresh func() resource.PropertyValue) resource.PropertyValue {
	if p, ok := c.old(key); ok {
		return S(p)
	}
	return c.Stable(fresh)
}

// Stable returns fresh(), telling a placeholder source that what fresh
// draws stays when the resource is updated: a value the model keeps (Keep)
// or that is the resource's ID.
func (c *Ctx) Stable(fresh func() resource.PropertyValue) resource.PropertyValue {
	ph, ok := c.IDs.(placeholderIDs)
	if !ok {
		return fresh()
	}
	saved := c.IDs
	c.IDs = ph.stable()
	defer func() { c.IDs = saved }()
	return fresh()
}

// NewID is the resource's ID: the one it has on update, else prefix and n
// new characters of alphabet.
func (c *Ctx) NewID(prefix, alphabet string, n int) resource.PropertyValue {
	if c.ID != "" {
		return resource.NewProperty(c.ID)
	}
	return c.Stable(func() resource.PropertyValue { return S(Lit(prefix), c.Gen(alphabet, n)) })
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
	v := Unsecret(c.Old[resource.PropertyKey(key)])
	if !v.IsString() {
		return Part{}, false
	}
	return Part{s: v.StringValue(), known: true}, true
}

// str is the known string value of input key, "" otherwise.
func (c *Ctx) str(key string) string {
	s, _ := c.Str(key).Known()
	return s
}

// S joins parts into a string value, unknown when any part is.
func S(parts ...Part) resource.PropertyValue {
	var b strings.Builder
	for _, p := range parts {
		if !p.known {
			return unknown()
		}
		b.WriteString(p.s)
	}
	return resource.NewProperty(b.String())
}

// Of is the string value v as a part: unknown unless v is a known string.
func Of(v resource.PropertyValue) Part {
	v = Unsecret(v)
	if v.IsString() {
		return Lit(v.StringValue())
	}
	return Part{}
}

// Known returns the string of p and whether it is known.
func (p Part) Known() (string, bool) { return p.s, p.known }

// unknown is an unknown string value.
func unknown() resource.PropertyValue { return resource.MakeComputed(resource.NewProperty("")) }

// Unsecret strips a value's secret markers (not those of values nested in
// it).
func Unsecret(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

// KnownString returns v's string when it is a known string, secret or
// not.
func KnownString(v resource.PropertyValue) (string, bool) {
	v = Unsecret(v)
	if v.IsString() {
		return v.StringValue(), true
	}
	return "", false
}

func itoa(n int) string { return strconv.Itoa(n) }

// str and num build property values in schema literals.
func str(s string) resource.PropertyValue  { return resource.NewProperty(s) }
func num(n float64) resource.PropertyValue { return resource.NewProperty(n) }
func boolean(b bool) resource.PropertyValue {
	return resource.NewProperty(b)
}
