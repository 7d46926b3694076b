package providers

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// URN is the URN the engine gives a resource registered with parent (a
// URN, "" or the stack's for a child of the stack), type typ and logical
// name, in stack and project: the parent's qualified type joined with typ,
// unless the parent is the stack ([PKG] resource/deploy/deployment.go:
// 859-868 generateURN).
func URN(stack, project, parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(stack), tokens.PackageName(project), parentType, tokens.Type(typ), name))
}

// DeleteFirst is the engine's choice of replacement order: a
// deleteBeforeReplace option the program gave, true or false, wins; without
// one, the provider's ([PKG] resource/deploy/step_generator.go:2142-2145).
func DeleteFirst(provider bool, option *bool) bool {
	if option != nil {
		return *option
	}
	return provider
}

// ReplacesDeleteFirst reports whether the provider asks to delete a
// resource of the type before creating its replacement, for a program
// that sets the properties set reports: always for a DeleteBeforeReplace
// type, and for a name the program gives (see Type.Diff), which the old
// resource still holds while the replacement is created.
func (t *Type) ReplacesDeleteFirst(set func(prop string) bool) bool {
	if t.DeleteBeforeReplace {
		return true
	}
	if t.Framework || t.Autoname == nil {
		return false
	}
	return set(t.Autoname.Prop)
}

// ForceNewAt reports whether a change at the input path (`a.b[0].c`, list
// indexes and `[name=x]` selectors ignored) replaces the resource, and at
// which property: the first ForceNew one on the way to it, such as
// `encryptionConfigurations` for `encryptionConfigurations[0].encryptionType`.
func (t *Type) ForceNewAt(path string) (string, bool) {
	keys := PathKeys(path)
	for i, p := range t.Schema.at(keys) {
		if p.Is(ForceNew) {
			return strings.Join(keys[:i+1], "."), true
		}
	}
	return "", false
}

// KeptAt reports whether a program that stops giving the input at path
// (the property itself, or the block that held it) keeps the cloud's
// value, as Type.Diff's compare decides: the property is Computed (or an
// output) and has no default to fall back to. A list element the program
// drops is a change of the list.
func (t *Type) KeptAt(path string) bool {
	if path == "" || strings.HasSuffix(path, "]") {
		return false
	}
	ps := t.Schema.at(PathKeys(path))
	p := ps[len(ps)-1]
	return p != nil && (p.Is(Computed) || p.Is(Output)) && p.Default.IsNull()
}

// SetAt reports whether the input at path is a set, whose element order is
// no change.
func (t *Type) SetAt(path string) bool {
	ps := t.Schema.at(PathKeys(path))
	return len(ps) > 0 && ps[len(ps)-1].Is(Set)
}

// InheritedAlias is the alias a child gets from its parent's: when the
// parent (named parentName) matched its old state through the alias
// parentAlias, the child's old URN has that parent, and a child name that
// starts with the parent's name starts with the old parent's name instead
// ([PKG] resource/deploy/step_generator.go inheritedChildAlias 643-672,
// applied in generateAliases 674-706 to the child's name and to each of
// its own aliases).
func InheritedAlias(stack, project, typ, name, parentName, parentAlias string) string {
	if after, ok := strings.CutPrefix(name, parentName); ok {
		name = resource.URN(parentAlias).Name() + after
	}
	return URN(stack, project, parentAlias, typ, name)
}
