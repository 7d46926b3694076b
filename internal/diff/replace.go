package diff

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// What the providers do with a change comes from the provider model
// (internal/providers): which inputs replace a resource (ForceNew, and the
// CustomizeDiff rules a type has), which inputs the provider keeps when the
// program drops them (Computed), which lists are sets, and which
// replacements delete first. A type the model does not know replaces only
// where the resource's replaceOnChanges option says so.

// routineReplace lists types whose replacement is routine and raises no
// flag: an ECS task definition is immutable, and every deployment that
// changes it registers a new revision.
var routineReplace = map[string]bool{
	providers.ECSTaskDefinition: true,
}

// replaceCauses returns what replaces a resource of type typ among the
// changed values, in path order, each once: the provider's (the path up
// to the first ForceNew property, or a top-level input a CustomizeDiff rule
// names) and those of the resource's own replaceOnChanges option ("*" is
// every input). old and new are the resources' inputs.
func replaceCauses(typ string, values []Value, replaceOnChanges []string, old, new map[string]any) []string {
	var causes []string
	seen := map[string]bool{}
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			causes = append(causes, c)
		}
	}
	t, known := providers.Lookup(typ)
	for _, v := range values {
		if known {
			if c, ok := t.ForceNewAt(v.Path); ok {
				add(c)
			}
		}
		for _, p := range replaceOnChanges {
			if p == "*" {
				p = topLevel(v.Path)
			}
			if covers(p, v.Path) {
				add(p)
			}
		}
	}
	if known && t.Replaces != nil && old != nil {
		for _, k := range t.Replaces(propertyMap(old), propertyMap(new)) {
			add(k)
		}
	}
	return causes
}

// deletesFirst reports whether the engine deletes the old resource before it
// creates the replacement: the program's deleteBeforeReplace option, else
// the provider's rule for the type (a type it always replaces delete-first,
// or a name the program sets).
func deletesFirst(r *plan.Resource) bool {
	provider := false
	if t, ok := providers.Lookup(r.Type); ok {
		provider = t.ReplacesDeleteFirst(func(p string) bool {
			v, ok := r.Inputs[p]
			return ok && v != nil
		})
	}
	return providers.DeleteFirst(provider, r.Options.DeleteBeforeReplace)
}

// propertyMap turns plan inputs back into provider properties for the
// model's rules: unknowns are computed, secrets are secrets of unknown
// content.
func propertyMap(in map[string]any) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range in {
		out[resource.PropertyKey(k)] = propertyValue(v)
	}
	return out
}

func propertyValue(v any) resource.PropertyValue {
	switch v := v.(type) {
	case plan.Unknown, unknownFrom, plan.Partial:
		return resource.MakeComputed(resource.NewProperty(""))
	case plan.Secret:
		return resource.MakeSecret(resource.MakeComputed(resource.NewProperty("")))
	case map[string]any:
		return resource.NewProperty(propertyMap(v))
	case []any:
		out := make([]resource.PropertyValue, len(v))
		for i, e := range v {
			out[i] = propertyValue(e)
		}
		return resource.NewProperty(out)
	case string, bool, float64:
		return resource.NewPropertyValue(v)
	}
	return resource.NewNullProperty()
}

// covers reports whether the replace property prop covers path.
func covers(prop, path string) bool {
	return path == prop || (strings.HasPrefix(path, prop) && (path[len(prop)] == '.' || path[len(prop)] == '['))
}

// topLevel returns the first key of a path.
func topLevel(path string) string {
	if i := strings.IndexAny(path, ".["); i > 0 {
		return path[:i]
	}
	return path
}
