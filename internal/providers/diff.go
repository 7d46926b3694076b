package providers

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// DiffKind is what happens to one property path.
type DiffKind string

// Diff kinds, as the provider's detailed diff reports them.
const (
	// Add: the inputs give a value the state does not have.
	Add DiffKind = "add"
	// Update: the value changes.
	Update DiffKind = "update"
	// Delete: the inputs drop a value the provider then removes.
	Delete DiffKind = "delete"
)

// PathDiff is one changed property path.
type PathDiff struct {
	// Path is the property path, such as `template.vpcAccess` or
	// `loadBalancers`, with list indexes as `[0]`.
	Path string
	// Kind is what happens at the path.
	Kind DiffKind
	// Replace says the change replaces the resource.
	Replace bool
}

// DiffResult is what changes between the state and the new inputs.
type DiffResult struct {
	// Changed are the top-level properties that change, sorted.
	Changed []string
	// Replace are the changed top-level properties that force a
	// replacement, sorted.
	Replace []string
	// Paths are the changed paths, sorted.
	Paths []PathDiff
	// DeleteBeforeReplace says the provider asks the engine to delete the
	// old resource before it creates the replacement. Only set when
	// Replace is not empty.
	DeleteBeforeReplace bool
}

// Diff compares the checked new inputs news with the old inputs and the
// old state as the bridge's plan does (bridge v3.110.0 provider.go Diff
// over the provider's PlanResourceChange; OpenTofu objchange.ProposedNew):
//
//   - each new value, Terraform's defaults filled in (planDefaults),
//     against the state's (so a default the cloud overrides is a change),
//     under the property's Equal when the provider suppresses differences
//     of form;
//   - a value the inputs drop is a change (Delete) unless the property is
//     Computed, when the state's value stands; nested values the state has
//     but the old inputs never gave are the cloud's own and never a change;
//   - Set properties compare as multisets: order is no change;
//   - an unknown new value is a change: its value is decided later.
//
// A change replaces the resource when the property, or any block that
// holds it, is ForceNew, or when the type's Replaces says so. The provider
// asks for delete-before-replace when the resource is replaced and either
// the type is DeleteBeforeReplace or the name was given by the program
// (bridge v3.89.1 provider.go:1168-1169 and schema.go:197-249
// nameRequiresDeleteBeforeReplace; v3.110.0 provider.go:1250-1251):
//
//   - an autonamed top-level property present in news but absent from
//     news' DefaultsKey list, which is how a name the program set looks
//     (no list at all: false). (The bridge's other rule, for types with
//     UniqueNameFields, applies to none of the modelled types: neither
//     [PA] resources.go nor [PG] res.go sets them for any.)
//   - Plugin Framework resources: the DeleteBeforeReplace flag alone
//     (bridge v3.89.1 pf/tfbridge/provider_diff.go:111-118; v3.110.0 pkg/pf/tfbridge/provider_diff.go:110-117).
//
// Properties named in ignoreChanges (top level, as the engine sends them)
// are skipped; the engine has already put their old values into news.
func (t *Type) Diff(oldInputs, oldState, news resource.PropertyMap, ignoreChanges []string) DiffResult {
	var d DiffResult
	checked := news
	news = planDefaults(t.Schema, news)
	// The paths come in key order, so each top-level key's are together.
	for _, pd := range compareObject(news, "", t.Schema, news, oldInputs, oldState) {
		k := PathKeys(pd.Path)[0]
		if ignored(k, ignoreChanges) {
			continue
		}
		if !slices.Contains(d.Changed, k) {
			d.Changed = append(d.Changed, k)
		}
		_, pd.Replace = t.ForceNewAt(pd.Path)
		if pd.Replace && !slices.Contains(d.Replace, k) {
			d.Replace = append(d.Replace, k)
		}
		d.Paths = append(d.Paths, pd)
	}
	if t.Replaces != nil {
		for _, k := range t.Replaces(oldState, news) {
			if !slices.Contains(d.Changed, k) {
				d.Changed = append(d.Changed, k)
				d.Paths = append(d.Paths, PathDiff{Path: k, Kind: Update})
			}
			if !slices.Contains(d.Replace, k) {
				d.Replace = append(d.Replace, k)
			}
			for i := range d.Paths {
				if PathKeys(d.Paths[i].Path)[0] == k {
					d.Paths[i].Replace = true
				}
			}
		}
		slices.Sort(d.Changed)
		slices.Sort(d.Replace)
	}
	slices.SortFunc(d.Paths, func(a, b PathDiff) int { return strings.Compare(a.Path, b.Path) })
	d.DeleteBeforeReplace = len(d.Replace) > 0 && (t.DeleteBeforeReplace || t.nameSetByProgram(checked))
	return d
}

// nameSetByProgram is the bridge's nameRequiresDeleteBeforeReplace over
// checked inputs news (see Diff).
func (t *Type) nameSetByProgram(news resource.PropertyMap) bool {
	if t.Framework || t.Autoname == nil {
		return false
	}
	defaulted, ok := defaultsOf(news)
	if !ok {
		return false
	}
	_, has := news[resource.PropertyKey(t.Autoname.Prop)]
	return has && !defaulted[t.Autoname.Prop]
}

// ignored reports whether the top-level key k is under an ignoreChanges
// path.
func ignored(k string, paths []string) bool {
	for _, p := range paths {
		if p == "*" || p == k {
			return true
		}
	}
	return false
}

// compare returns the changes at path between the new value n and the old
// input oi and old state value os of a property with rules p (nil: a plain
// Optional property).
func compare(in resource.PropertyMap, path string, p *Prop, n, oi, os resource.PropertyValue) []PathDiff {
	n, oi, os = Unsecret(n), Unsecret(oi), Unsecret(os)
	if n.IsNull() {
		if p.Is(Computed) || p.Is(Output) || oi.IsNull() || isEmpty(oi) {
			return nil
		}
		return []PathDiff{{Path: path, Kind: Delete}}
	}
	if n.ContainsUnknowns() && !n.IsObject() && !n.IsArray() || n.IsComputed() {
		return []PathDiff{{Path: path, Kind: Update}}
	}
	o := os
	if o.IsNull() {
		o = oi
	}
	if o.IsNull() {
		return []PathDiff{{Path: path, Kind: Add}}
	}
	if p != nil && p.Equal != nil {
		if n.ContainsUnknowns() || !p.Equal(n, o, in) {
			return []PathDiff{{Path: path, Kind: Update}}
		}
		return nil
	}
	var elem Schema
	if p != nil {
		elem = p.Elem
	}
	switch {
	case n.IsObject():
		if !o.IsObject() {
			return []PathDiff{{Path: path, Kind: Update}}
		}
		return compareObject(in, path, elem, n.ObjectValue(), objectOf(oi), o.ObjectValue())
	case n.IsArray():
		if !o.IsArray() {
			return []PathDiff{{Path: path, Kind: Update}}
		}
		if p.Is(Set) {
			if sameSet(in, elem, n.ArrayValue(), o.ArrayValue()) {
				return nil
			}
			return []PathDiff{{Path: path, Kind: Update}}
		}
		na, oa := n.ArrayValue(), o.ArrayValue()
		ia := arrayOf(oi)
		var out []PathDiff
		for i := range max(len(na), len(oa)) {
			ip := fmt.Sprintf("%s[%d]", path, i)
			switch {
			case i >= len(na):
				out = append(out, PathDiff{Path: ip, Kind: Delete})
			case i >= len(oa):
				out = append(out, PathDiff{Path: ip, Kind: Add})
			default:
				var oiE resource.PropertyValue
				if i < len(ia) {
					oiE = ia[i]
				}
				out = append(out, compare(in, ip, &Prop{Elem: elem}, na[i], oiE, oa[i])...)
			}
		}
		return out
	}
	if !n.DeepEquals(o) {
		return []PathDiff{{Path: path, Kind: Update}}
	}
	return nil
}

// compareObject compares the keys of an object (the inputs, a block or a
// map) at path ("" at the top): each new key against the state, and each
// key the old inputs gave that the new inputs drop. Keys only the state
// has are the cloud's own; meta keys ("__defaults") are no change.
func compareObject(in resource.PropertyMap, path string, s Schema, n, oi, os resource.PropertyMap) []PathDiff {
	var out []PathDiff
	keys := map[string]bool{}
	for k := range n {
		keys[string(k)] = true
	}
	for k := range oi {
		keys[string(k)] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if strings.HasPrefix(k, "__") {
			continue
		}
		key := resource.PropertyKey(k)
		var p *Prop
		if s != nil {
			p = s[k]
		}
		child := k
		if path != "" {
			child = path + "." + k
		}
		out = append(out, compare(in, child, p, n[key], oi[key], os[key])...)
	}
	return out
}

// sameSet reports whether two lists hold the same elements in any order.
func sameSet(in resource.PropertyMap, s Schema, a, b []resource.PropertyValue) bool {
	return SameElements(a, b, func(x, y resource.PropertyValue) bool {
		return len(compare(in, "", &Prop{Elem: s}, x, y, y)) == 0
	})
}

// SameElements reports whether a and b hold equal elements, each matched
// once, in any order.
func SameElements[T any](a, b []T, equal func(x, y T) bool) bool {
	if len(a) != len(b) {
		return false
	}
	used := make([]bool, len(b))
	for _, x := range a {
		found := false
		for j, y := range b {
			if !used[j] && equal(x, y) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// PathKeys splits a property path into its property names, dropping list
// indexes and element selectors: `template.containers[0].envs[name=A]`
// gives template, containers, envs.
func PathKeys(path string) []string {
	var out []string
	for _, part := range strings.Split(path, ".") {
		if i := strings.IndexByte(part, '['); i >= 0 {
			part = part[:i]
		}
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

func objectOf(v resource.PropertyValue) resource.PropertyMap {
	if v = Unsecret(v); v.IsObject() {
		return v.ObjectValue()
	}
	return nil
}

func arrayOf(v resource.PropertyValue) []resource.PropertyValue {
	if v = Unsecret(v); v.IsArray() {
		return v.ArrayValue()
	}
	return nil
}

// isEmpty reports an empty list, map or string: a block that holds nothing
// is as good as none.
func isEmpty(v resource.PropertyValue) bool {
	switch {
	case v.IsArray():
		return len(v.ArrayValue()) == 0
	case v.IsObject():
		for k := range v.ObjectValue() {
			if !strings.HasPrefix(string(k), "__") {
				return false
			}
		}
		return true
	case v.IsString():
		return v.StringValue() == ""
	}
	return false
}
