package provider

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/components/image"
)

// component is one component the provider serves: its token and the Go
// types of its arguments and of the component itself.
type component struct {
	token      string
	args, self reflect.Type
}

// components are the provider's components, in the order of New.
var components = []component{
	{berth.TypeToken, reflect.TypeFor[berth.ServiceArgs](), reflect.TypeFor[berth.Service]()},
	{cloudrun.TypeToken, reflect.TypeFor[cloudrun.ServiceArgs](), reflect.TypeFor[cloudrun.Service]()},
	{fargate.TypeToken, reflect.TypeFor[fargate.ServiceArgs](), reflect.TypeFor[fargate.Service]()},
	{image.TypeToken, reflect.TypeFor[image.ImageArgs](), reflect.TypeFor[image.Image]()},
}

// TypeToken is the schema token of a nested Go type t:
// berth:<package>:<Type>, the Go package's name and the type's, so that
// spec.Service is berth:spec:Service and an adopter finds the same words in
// every language. The root package berth is the index module
// (berth:index:Cloud), and a trailing "Args" is dropped
// (image.RegistryArgs is berth:image:Registry) because every SDK generator
// appends Args to input types itself: the TypeScript and Python SDKs call
// it image.RegistryArgs, as Go does.
func TypeToken(t reflect.Type) string {
	module := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
	if module == Name {
		module = "index"
	}
	return Name + ":" + module + ":" + strings.TrimSuffix(t.Name(), "Args")
}

var (
	inputType  = reflect.TypeFor[pulumi.Input]()
	outputType = reflect.TypeFor[pulumi.Output]()
)

// annotator rewrites a schema that infer derived from the components' Go
// types.
type annotator struct {
	spec *pschema.PackageSpec
	// types is the rewritten types section; inferred tracks which of the
	// inferred types were reached.
	types    map[string]pschema.ComplexTypeSpec
	inferred map[string]bool
	// goTypes is the Go type of each token, so that two types never share
	// one.
	goTypes map[string]reflect.Type
}

// annotate adds to the schema infer derived what the Go types carry beside
// their shape: descriptions from their godoc, the modes' enum types,
// explicit tokens for the nested types, and plain inputs where the Go field
// is a plain value rather than a Pulumi input, so that the SDKs accept a
// plain value there, as Go does. Every inferred type must be reached from a
// component's Go types.
func annotate(schema string) (string, error) {
	var spec pschema.PackageSpec
	if err := json.Unmarshal([]byte(schema), &spec); err != nil {
		return "", fmt.Errorf("reading the inferred schema: %w", err)
	}
	a := &annotator{spec: &spec, types: map[string]pschema.ComplexTypeSpec{}, inferred: map[string]bool{}, goTypes: map[string]reflect.Type{}}
	for _, c := range components {
		r, ok := spec.Resources[c.token]
		if !ok {
			return "", fmt.Errorf("annotating the schema: no resource %s", c.token)
		}
		r.Description = docs[key(c.self)]
		if err := a.properties(c.args, r.InputProperties, true); err != nil {
			return "", err
		}
		if err := a.properties(c.self, r.Properties, false); err != nil {
			return "", err
		}
		spec.Resources[c.token] = r
	}
	var unreached []string
	for tk := range spec.Types {
		if !a.inferred[tk] {
			unreached = append(unreached, tk)
		}
	}
	if len(unreached) > 0 {
		sort.Strings(unreached)
		return "", fmt.Errorf("annotating the schema: types %s are not reached from the components' Go types", strings.Join(unreached, ", "))
	}
	spec.Types = a.types
	out, err := json.Marshal(spec)
	if err != nil {
		return "", fmt.Errorf("writing the schema: %w", err)
	}
	return string(out), nil
}

// key is the docs key of a type, "importpath.Name".
func key(t reflect.Type) string { return t.PkgPath() + "." + t.Name() }

// properties annotates the schema properties of struct t's tagged fields.
func (a *annotator) properties(t reflect.Type, props map[string]pschema.PropertySpec, input bool) error {
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
		if name == "" || !f.IsExported() {
			continue
		}
		prop, ok := props[name]
		if !ok {
			return fmt.Errorf("annotating the schema: %s.%s (%s) is not in the inferred schema", t, f.Name, name)
		}
		prop.Description = docs[key(t)+"."+f.Name]
		if err := a.typeSpec(&prop.TypeSpec, f.Type, input); err != nil {
			return fmt.Errorf("annotating %s.%s: %w", t, f.Name, err)
		}
		props[name] = prop
	}
	return nil
}

// typeSpec annotates ts, the schema type of Go type t.
func (a *annotator) typeSpec(ts *pschema.TypeSpec, t reflect.Type, input bool) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(inputType) || t.Implements(outputType) {
		// An input or output: infer already described its element type,
		// which holds no nested object of berth's.
		return nil
	}
	if input {
		ts.Plain = true
	}
	if values, ok := enums[key(t)]; ok && isEnum(t) {
		tk, err := a.token(t)
		if err != nil {
			return err
		}
		ts.Type, ts.Ref = "", "#/types/"+tk
		spec := pschema.ComplexTypeSpec{ObjectTypeSpec: pschema.ObjectTypeSpec{Type: "string", Description: docs[key(t)]}}
		for _, v := range values {
			spec.Enum = append(spec.Enum, pschema.EnumValueSpec{Name: v.Name, Value: v.Value, Description: v.Description})
		}
		a.types[tk] = spec
		return nil
	}
	switch t.Kind() {
	case reflect.Slice:
		return a.typeSpec(ts.Items, t.Elem(), input)
	case reflect.Map:
		return a.typeSpec(ts.AdditionalProperties, t.Elem(), input)
	case reflect.Struct:
		inferred, ok := strings.CutPrefix(ts.Ref, "#/types/")
		if !ok {
			return fmt.Errorf("struct %s has no type reference in the inferred schema", t)
		}
		tk, err := a.token(t)
		if err != nil {
			return err
		}
		ts.Ref = "#/types/" + tk
		if a.inferred[inferred] {
			return nil
		}
		a.inferred[inferred] = true
		spec, ok := a.spec.Types[inferred]
		if !ok {
			return fmt.Errorf("type %s is not in the inferred schema", inferred)
		}
		spec.Description = docs[key(t)]
		if err := a.properties(t, spec.Properties, input); err != nil {
			return err
		}
		a.types[tk] = spec
	}
	return nil
}

// token returns TypeToken(t), an error when another Go type has it.
func (a *annotator) token(t reflect.Type) (string, error) {
	tk := TypeToken(t)
	if prev, ok := a.goTypes[tk]; ok && prev != t {
		return "", fmt.Errorf("%s and %s would both be %s", prev, t, tk)
	}
	a.goTypes[tk] = t
	return tk, nil
}

// isEnum reports whether t is a string type with a Values method listing
// its allowed values, as berth's modes have.
func isEnum(t reflect.Type) bool {
	m, ok := t.MethodByName("Values")
	return ok && t.Kind() == reflect.String && m.Type.NumOut() == 1 && m.Type.Out(0) == reflect.SliceOf(t)
}
