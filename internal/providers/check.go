package providers

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// DefaultsKey is the meta key under which the bridge's Check lists, sorted,
// the Pulumi names of the properties it filled with a default or an
// autoname, in the top-level inputs and in each nested block it checks
// (bridge v3.89.1 pkg/tfbridge/schema.go:182-187 defaultsKey and
// applyDefaults 710-947, sorted at 941-944; v3.110.0
// pkg/reservedkeys/keys.go:21-26). It tells a name the program gave from
// one the bridge made (see Diff).
const DefaultsKey = "__defaults"

// Check validates the inputs news as the provider's Check does and returns
// them with the schema defaults and the autoname applied, with DefaultsKey
// listing what it filled:
//
//   - A missing property with a Pulumi provider's default (CheckDefault)
//     takes it, or its previous value when olds (the previous checked
//     inputs) list it as defaulted or hold no list at all (bridge schema.go
//     applyDefaults useOldDefault, 724-768), so a default the program never
//     set does not drift. Terraform's defaults are not Check's: the bridge
//     checks with DisableTFDefaults, and the provider's plan applies them
//     (see planDefaults).
//   - A missing autonamed property keeps the name olds hold (bridge
//     autonaming.go ComputeAutoNameDefault reuses the prior value,
//     143-147), or gets a new one: the logical name name, the separator
//     and seven hex characters drawn from seed, the engine's random seed
//     for the registration (resource.NewUniqueName seeds its generator
//     with sha256(seed)). On a replacement the engine checks without olds
//     (pkg v3.274.1 resource/deploy/step_generator.go:2102-2122), so the
//     replacement gets a new name.
//   - Every required property, nested ones included, must have a value.
//
// An autoname that cannot be made (the logical name is too long) is the
// error.
func (t *Type) Check(olds, news resource.PropertyMap, name string, seed []byte) (resource.PropertyMap, []Failure, error) {
	in, filled := applyDefaults(t.Schema, olds, news)
	var failures []Failure
	if a := t.Autoname; a != nil && isNull(in[resource.PropertyKey(a.Prop)]) && !conflicts(in, a.ConflictsWith) {
		key := resource.PropertyKey(a.Prop)
		if prior, ok := KnownString(olds[key]); ok {
			in[key] = resource.NewProperty(prior)
		} else if v, err := a.generate(t.Token, name, seed, in); err != nil {
			// The bridge's Check returns it as its error, not as a
			// failure of a property, and checks nothing further
			// ([BR110] provider.go:1021-1027).
			return nil, nil, err
		} else {
			in[key] = resource.NewProperty(v)
		}
		filled = append(filled, a.Prop)
	}
	in[DefaultsKey] = defaultsList(filled)
	failures = append(failures, validate(t.Schema, in, "")...)
	return in, failures, nil
}

// planDefaults returns in with Terraform's defaults in every property of s
// that in leaves out, nested blocks included: what the provider's plan
// compares and stores (terraform-plugin-sdk fills schema Defaults into the
// config it plans).
func planDefaults(s Schema, in resource.PropertyMap) resource.PropertyMap {
	out := in.Copy()
	for k, p := range s {
		key := resource.PropertyKey(k)
		v, has := out[key]
		switch {
		case (!has || v.IsNull()) && !p.Default.IsNull() && !p.Is(CheckDefault):
			out[key] = p.Default
		case has && p.Elem != nil:
			out[key] = nestedPlanDefaults(p.Elem, v)
		}
	}
	return out
}

func nestedPlanDefaults(s Schema, v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return resource.MakeSecret(nestedPlanDefaults(s, v.SecretValue().Element))
	case v.IsObject():
		return resource.NewProperty(planDefaults(s, v.ObjectValue()))
	case v.IsArray():
		out := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			out[i] = nestedPlanDefaults(s, e)
		}
		return resource.NewProperty(out)
	}
	return v
}

// generate makes a new name for the resource named name.
func (a *Autoname) generate(token, name string, seed []byte, in resource.PropertyMap) (string, error) {
	base := name
	if a.Lower {
		base = strings.ToLower(base)
	}
	prefix := base + "-"
	if len(prefix)+randLen > a.MaxLen {
		// resource.NewUniqueName's error, wrapped by the bridge
		// (autonaming.go:156-159).
		return "", fmt.Errorf("could not make instance of '%s': name '%s' plus %d random chars is longer than maximum length %d", token, prefix, randLen, a.MaxLen)
	}
	out := prefix + randomHex(seed, randLen)
	if a.Suffix != nil {
		out += a.Suffix(in)
	}
	return out, nil
}

// randomHex draws n hex characters from a generator seeded by seed, as
// resource.NewUniqueName does from the engine's seed: the same seed gives
// the same name, so a preview and the update it previews agree. (The
// characters need not equal the SDK's byte for byte: what matters is that
// they are hex, seven of them, and fixed by the seed.)
func randomHex(seed []byte, n int) string {
	var r *rand.Rand
	if len(seed) == 0 {
		r = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	} else {
		sum := sha256.Sum256(seed)
		r = rand.New(rand.NewChaCha8(sum))
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = Hex[r.IntN(len(Hex))]
	}
	return string(b)
}

// conflicts reports whether any of keys is set in in.
func conflicts(in resource.PropertyMap, keys []string) bool {
	for _, k := range keys {
		if !isNull(in[resource.PropertyKey(k)]) {
			return true
		}
	}
	return false
}

// applyDefaults fills the defaults of schema s into news, and of each
// nested block present, and returns the result with the top-level
// properties it filled. Nested blocks carry their own DefaultsKey list.
func applyDefaults(s Schema, olds, news resource.PropertyMap) (resource.PropertyMap, []string) {
	out := news.Copy()
	delete(out, DefaultsKey)
	oldDefaults, hasOldList := defaultsOf(olds)
	var filled []string
	for k, p := range s {
		key := resource.PropertyKey(k)
		v, has := out[key]
		switch {
		case (!has || v.IsNull()) && !p.Default.IsNull() && p.Is(CheckDefault):
			if old, ok := olds[key]; ok && !old.IsNull() && (!hasOldList || oldDefaults[k]) {
				out[key] = old
			} else {
				out[key] = p.Default
			}
			filled = append(filled, k)
		case has && p.Elem != nil:
			out[key] = nestedDefaults(p.Elem, olds[key], v)
		}
	}
	return out, filled
}

// nestedDefaults applies the defaults of a block's schema to v, an object
// or a list of objects, element by element against the old value.
func nestedDefaults(s Schema, old, v resource.PropertyValue) resource.PropertyValue {
	if v.IsSecret() {
		return resource.MakeSecret(nestedDefaults(s, Unsecret(old), Unsecret(v)))
	}
	old = Unsecret(old)
	switch {
	case v.IsObject():
		var olds resource.PropertyMap
		if old.IsObject() {
			olds = old.ObjectValue()
		}
		m, filled := applyDefaults(s, olds, v.ObjectValue())
		m[DefaultsKey] = defaultsList(filled)
		return resource.NewProperty(m)
	case v.IsArray():
		var olds []resource.PropertyValue
		if old.IsArray() {
			olds = old.ArrayValue()
		}
		out := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			var o resource.PropertyValue
			if i < len(olds) {
				o = olds[i]
			}
			out[i] = nestedDefaults(s, o, e)
		}
		return resource.NewProperty(out)
	}
	return v
}

// defaultsOf reads a checked input map's DefaultsKey list.
func defaultsOf(m resource.PropertyMap) (map[string]bool, bool) {
	v, ok := m[DefaultsKey]
	if !ok || !v.IsArray() {
		return nil, false
	}
	out := map[string]bool{}
	for _, e := range v.ArrayValue() {
		if e.IsString() {
			out[e.StringValue()] = true
		}
	}
	return out, true
}

func defaultsList(keys []string) resource.PropertyValue {
	slices.Sort(keys)
	keys = slices.Compact(keys)
	out := make([]resource.PropertyValue, len(keys))
	for i, k := range keys {
		out[i] = resource.NewProperty(k)
	}
	return resource.NewProperty(out)
}

// validate returns the failures of in against schema s: missing required
// properties and values a ValidateFunc rejects, at their paths under
// prefix. Unknown values are not judged: the provider validates them when
// they are known.
func validate(s Schema, in resource.PropertyMap, prefix string) []Failure {
	var out []Failure
	for _, k := range slices.Sorted(maps.Keys(s)) {
		p := s[k]
		path := prefix + k
		v := in[resource.PropertyKey(k)]
		if p.Is(Required) && isNull(v) {
			out = append(out, Failure{Property: path, Reason: requiredReason(path)})
			continue
		}
		u := Unsecret(v)
		if p.Validate != nil && !u.IsNull() && !u.ContainsUnknowns() {
			if reason := p.Validate(u); reason != "" {
				out = append(out, Failure{Property: path, Reason: reason})
			}
		}
		if p.Elem == nil {
			continue
		}
		switch {
		case u.IsObject():
			out = append(out, validate(p.Elem, u.ObjectValue(), path+".")...)
		case u.IsArray():
			for i, e := range u.ArrayValue() {
				if e = Unsecret(e); e.IsObject() {
					out = append(out, validate(p.Elem, e.ObjectValue(), fmt.Sprintf("%s[%d].", path, i))...)
				}
			}
		}
	}
	return out
}

// isNull reports whether v is absent or null, through secrets.
func isNull(v resource.PropertyValue) bool { return Unsecret(v).IsNull() }

// withRandom returns the autoname v (made by generate for the resource
// named name) with its random characters replaced by a placeholder of ids,
// so that an offline plan shows the rest of the name.
func (a *Autoname) withRandom(name string, v resource.PropertyValue, ids placeholderIDs) resource.PropertyValue {
	s, ok := KnownString(v)
	if !ok {
		return v
	}
	at := len(name) + 1 // the logical name and the separator
	if len(s) < at+randLen {
		return v
	}
	// The bridge keeps an autoname on update.
	random, _ := ids.stable().Generate(Hex, randLen)
	return resource.NewProperty(s[:at] + random + s[at+randLen:])
}
