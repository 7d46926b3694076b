package sdktest

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"gopkg.in/yaml.v3"
)

// adoptionSection is the README section whose programs the tests compile.
const adoptionSection = "## Adopting from TypeScript, Python and YAML"

// readmeBlock returns the code block of language lang in the README's
// adoption section that follows the line "<!-- readme-program: name -->"
// (internal/enginetest/languages runs the same blocks).
func readmeBlock(t *testing.T, name, lang string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "\n"+adoptionSection+"\n")
	if start < 0 {
		t.Fatalf("README.md has no section %q", adoptionSection)
	}
	section := text[start+1:]
	if end := strings.Index(section[len(adoptionSection):], "\n## "); end >= 0 {
		section = section[:len(adoptionSection)+end]
	}
	blocks := regexp.MustCompile("(?s)\n<!-- readme-program: "+regexp.QuoteMeta(name)+" -->\n```"+regexp.QuoteMeta(lang)+"\n(.*?)\n```\n").FindAllStringSubmatch(section, -1)
	if len(blocks) != 1 {
		t.Fatalf("the README's adoption section has %d %s blocks marked %q, want 1", len(blocks), lang, name)
	}
	return blocks[0][1] + "\n"
}

// checker checks YAML values against the schema.
type checker struct {
	spec     pschema.PackageSpec
	problems []string
}

func (c *checker) addf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// object checks the keys of value against props and required.
func (c *checker) object(path string, value any, props map[string]pschema.PropertySpec, required []string) {
	m, ok := value.(map[string]any)
	if !ok {
		c.addf("%s: %v is not an object", path, value)
		return
	}
	for k, v := range m {
		prop, ok := props[k]
		if !ok {
			c.addf("%s.%s: no such property (the schema has %s)", path, k, strings.Join(slices.Sorted(maps.Keys(props)), ", "))
			continue
		}
		c.value(path+"."+k, v, prop.TypeSpec)
	}
	for _, r := range required {
		if _, ok := m[r]; !ok {
			c.addf("%s: required property %s is missing", path, r)
		}
	}
}

// value checks v against the schema type ts.
func (c *checker) value(path string, v any, ts pschema.TypeSpec) {
	if s, ok := v.(string); ok && strings.HasPrefix(s, "${") {
		return // an interpolation: its type shows only at run time
	}
	if ref, ok := strings.CutPrefix(ts.Ref, "#/types/"); ok {
		ty, ok := c.spec.Types[ref]
		switch {
		case !ok:
			c.addf("%s: the schema has no type %s", path, ref)
		case len(ty.Enum) > 0:
			var allowed []string
			for _, e := range ty.Enum {
				allowed = append(allowed, fmt.Sprint(e.Value))
				if fmt.Sprint(e.Value) == fmt.Sprint(v) {
					return
				}
			}
			c.addf("%s: %v is not one of %s", path, v, strings.Join(allowed, ", "))
		default:
			c.object(path, v, ty.Properties, ty.Required)
		}
		return
	}
	switch ts.Type {
	case "array":
		list, ok := v.([]any)
		if !ok {
			c.addf("%s: %v is not a list", path, v)
			return
		}
		for i, e := range list {
			c.value(fmt.Sprintf("%s[%d]", path, i), e, *ts.Items)
		}
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			c.addf("%s: %v is not a map", path, v)
			return
		}
		for k, e := range m {
			c.value(path+"."+k, e, *ts.AdditionalProperties)
		}
	case "string":
		if _, ok := v.(string); !ok {
			c.addf("%s: %v (%T) is not a string; quote it", path, v, v)
		}
	case "integer":
		if _, ok := v.(int); !ok {
			c.addf("%s: %v is not an integer", path, v)
		}
	case "number":
		switch v.(type) {
		case int, float64:
		default:
			c.addf("%s: %v is not a number", path, v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			c.addf("%s: %v is not a boolean", path, v)
		}
	}
}

// checkYAMLProgram returns the problems of a Pulumi YAML program's berth
// resources and their outputs against spec.
func checkYAMLProgram(spec pschema.PackageSpec, program string) ([]string, error) {
	var doc struct {
		Resources map[string]struct {
			Type       string         `yaml:"type"`
			Properties map[string]any `yaml:"properties"`
		} `yaml:"resources"`
		Outputs map[string]string `yaml:"outputs"`
	}
	if err := yaml.Unmarshal([]byte(program), &doc); err != nil {
		return nil, fmt.Errorf("parsing the YAML program: %w", err)
	}
	c := &checker{spec: spec}
	types := map[string]string{}
	for name, r := range doc.Resources {
		res, ok := spec.Resources[r.Type]
		if !ok {
			c.addf("%s: the schema has no resource %s", name, r.Type)
			continue
		}
		types[name] = r.Type
		props := map[string]any{}
		for k, v := range r.Properties {
			props[k] = v
		}
		c.object(name, props, res.InputProperties, res.RequiredInputs)
	}
	ref := regexp.MustCompile(`^\$\{([^.}]+)\.([^}]+)\}$`)
	for out, expr := range doc.Outputs {
		m := ref.FindStringSubmatch(expr)
		if m == nil {
			continue
		}
		tk, ok := types[m[1]]
		if !ok {
			continue
		}
		if _, ok := spec.Resources[tk].Properties[m[2]]; !ok {
			c.addf("outputs.%s: %s has no output %s", out, tk, m[2])
		}
	}
	if len(doc.Resources) == 0 {
		c.addf("the program has no resources")
	}
	return c.problems, nil
}

func TestTheREADMEYAMLProgramMatchesTheSchema(t *testing.T) {
	t.Parallel()
	var spec pschema.PackageSpec
	if err := json.Unmarshal(inProcessSchema(t), &spec); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"yaml cloudrun", "yaml fargate"} {
		problems, err := checkYAMLProgram(spec, readmeBlock(t, name, "yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", name, p)
		}
	}
}

func TestTheYAMLCheckFindsWrongNames(t *testing.T) {
	t.Parallel()
	var spec pschema.PackageSpec
	if err := json.Unmarshal(inProcessSchema(t), &spec); err != nil {
		t.Fatal(err)
	}
	program := `
resources:
  orders:
    type: berth:index:Service
    properties:
      cloud: azure
      service:
        max_instances: 20
        port: "8080"
        secrets:
          - envVar: X
      gcp: {}
outputs:
  url: ${orders.uri}
`
	problems, err := checkYAMLProgram(spec, program)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"orders.cloud: azure is not one of gcp, aws",
		"orders.service.max_instances: no such property",
		"orders.service.port: 8080 is not an integer",
		"orders.service.secrets[0].envVar: no such property",
		"orders.gcp: required property region is missing",
		"outputs.url: berth:index:Service has no output uri",
	}
	for _, w := range want {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, w) }) {
			t.Errorf("no problem %q among %q", w, problems)
		}
	}
	if len(problems) != len(want) {
		t.Errorf("%d problems, want %d: %q", len(problems), len(want), problems)
	}
}
