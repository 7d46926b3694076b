package providers

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Apply returns the ID and the state after a create (c.Old nil) or an
// update: the checked inputs with Terraform's defaults, as the provider
// stores them (its StateFuncs applied, the bridge's meta keys dropped),
// then the provider's outputs over them, with the Sensitive properties and
// every property that was a secret input marked secret. The outputs see
// the inputs with the defaults.
func (t *Type) Apply(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
	in := c.In
	c.In = planDefaults(t.Schema, c.In)
	defer func() { c.In = in }()
	state := stored(t.Schema, c.In)
	var id resource.PropertyValue
	if t.Outputs != nil {
		var out resource.PropertyMap
		id, out = t.Outputs(c)
		for k, v := range out {
			state[k] = v
		}
	}
	for k, v := range state {
		p := t.Schema[string(k)]
		if (p.Is(Sensitive) || c.In[k].ContainsSecrets()) && !v.IsSecret() && !v.IsNull() {
			state[k] = resource.MakeSecret(v)
		}
	}
	return id, state
}

// stored returns in as the state holds it: meta keys ("__defaults")
// dropped at every level and each property's StateFunc applied.
func stored(s Schema, in resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range in {
		if strings.HasPrefix(string(k), "__") {
			continue
		}
		var p *Prop
		if s != nil {
			p = s[string(k)]
		}
		out[k] = storedValue(p, v)
	}
	return out
}

func storedValue(p *Prop, v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return resource.MakeSecret(storedValue(p, v.SecretValue().Element))
	case v.ContainsUnknowns() && !v.IsObject() && !v.IsArray():
		return v
	case p != nil && p.State != nil:
		return p.State(v)
	}
	var elem Schema
	if p != nil {
		elem = p.Elem
	}
	switch {
	case v.IsObject():
		return resource.NewProperty(stored(elem, v.ObjectValue()))
	case v.IsArray():
		out := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			out[i] = storedValue(&Prop{Elem: elem}, e)
		}
		return resource.NewProperty(out)
	}
	return v
}

// UniqueKeys returns what the resource claims in the cloud.
func (t *Type) UniqueKeys(c *Ctx) []Key {
	if t.Unique == nil {
		return nil
	}
	return t.Unique(c)
}
