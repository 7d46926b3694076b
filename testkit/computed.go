package testkit

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// computed derives the outputs a cloud would compute for one resource from
// its inputs. The per-type rules live in outputs_<cloud>.go.
type computed struct{ r *Resource }

// typeOutputs tells how to derive one resource type's ID and computed
// outputs. Either may be nil.
type typeOutputs struct {
	id      func(c computed) string
	outputs func(c computed) map[string]any
}

// outputTables lists every per-cloud table; a type appears in at most one.
var outputTables = []map[string]typeOutputs{gcpOutputs, awsOutputs, dockerOutputs, registryOutputs}

func (c computed) table() (typeOutputs, bool) {
	for _, t := range outputTables {
		if o, ok := t[c.r.Type]; ok {
			return o, true
		}
	}
	return typeOutputs{}, false
}

// id returns the mock physical ID.
func (c computed) id() string {
	if o, ok := c.table(); ok && o.id != nil {
		return o.id(c)
	}
	return Placeholder(c.r.Name, "id")
}

// outputs returns the computed outputs as property values.
func (c computed) outputs() resource.PropertyMap {
	o, ok := c.table()
	if !ok || o.outputs == nil {
		return resource.PropertyMap{}
	}
	return resource.NewPropertyMapFromMap(o.outputs(c))
}

// str returns the string input key, or its placeholder when it is unset,
// unknown or secret.
func (c computed) str(key string) string {
	v, ok := c.r.Inputs[resource.PropertyKey(key)]
	if !ok || !v.IsString() {
		return Placeholder(c.r.Name, key)
	}
	return v.StringValue()
}

// strOr returns the string input key, or def when it is unset.
func (c computed) strOr(key, def string) string {
	v, ok := c.r.Inputs[resource.PropertyKey(key)]
	if !ok || v.IsNull() {
		return def
	}
	if !v.IsString() {
		return Placeholder(c.r.Name, key)
	}
	return v.StringValue()
}

// placeholders maps each of keys to its placeholder.
func (c computed) placeholders(keys ...string) map[string]any {
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		out[k] = Placeholder(c.r.Name, k)
	}
	return out
}
