package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"gopkg.in/yaml.v3"
)

// Override is one configuration override, the parsed form of
// `--set PATH=VALUE`. It sets a value by config path as
// `pulumi config set --path PATH VALUE` does, without writing the stack file.
type Override struct {
	// Namespace is the config namespace given before the first colon
	// (`gcp` in `gcp:region`), or empty for the project namespace.
	Namespace string
	// Path is the config path inside the namespace: a key followed by
	// `.name`, `["name"]` or `[index]` segments, such as
	// `service.secrets[0].version`.
	Path string
	// Value is the value to set.
	Value config.Value
}

// ParseOverride parses `PATH=VALUE`. PATH is a config path, optionally
// namespaced (`gcp:region`); without a namespace it means the project's.
// VALUE is parsed as YAML: `[]`, `["a","b"]` and `{a: 1}` set lists and
// objects, `4` and `true` set a number and a boolean, `'4'` sets the
// string "4", and an empty VALUE sets the empty string.
func ParseOverride(s string) (Override, error) {
	i := strings.IndexByte(s, '=')
	if i < 0 {
		return Override{}, fmt.Errorf("%q: want PATH=VALUE", s)
	}
	o := Override{Path: s[:i]}
	// A namespace is whatever precedes a colon in the first path segment;
	// colons later in the path belong to quoted map keys.
	if head := o.Path[:strings.IndexAny(o.Path+".[", ".[")]; strings.Contains(head, ":") {
		c := strings.IndexByte(head, ':')
		o.Namespace, o.Path = head[:c], o.Path[c+1:]
		if o.Namespace == "" {
			return Override{}, fmt.Errorf("%q: empty namespace before ':'", s)
		}
	}
	if o.Path == "" {
		return Override{}, fmt.Errorf("%q: empty config path", s)
	}
	p, err := resource.ParsePropertyPathStrict(o.Path)
	if err != nil {
		return Override{}, fmt.Errorf("%q: invalid config path: %w", s, err)
	}
	if _, ok := p[0].(string); !ok {
		return Override{}, fmt.Errorf("%q: a config path must start with a key, not an index", s)
	}
	if emptySegment(o.Path) {
		return Override{}, fmt.Errorf("%q: empty key in config path", s)
	}
	o.Value, err = yamlValue(s[i+1:])
	if err != nil {
		return Override{}, fmt.Errorf("%q: %w", s, err)
	}
	return o, nil
}

// key returns the override's config key in project's namespace unless it
// names its own.
func (o Override) key(project string) config.Key {
	ns := o.Namespace
	if ns == "" {
		ns = project
	}
	return config.MustMakeKey(ns, o.Path)
}

// yamlValue turns a YAML document into a typed config value.
func yamlValue(raw string) (config.Value, error) {
	if strings.TrimSpace(raw) == "" {
		return config.NewTypedValue(raw, config.TypeString), nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(raw), &doc); err != nil {
		return config.Value{}, fmt.Errorf("parsing value as YAML: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return config.Value{}, errors.New("parsing value as YAML: want exactly one value")
	}
	n := doc.Content[0]
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int":
			var i int64
			if err := n.Decode(&i); err != nil {
				return config.Value{}, fmt.Errorf("parsing value as YAML: %w", err)
			}
			return config.NewTypedValue(strconv.FormatInt(i, 10), config.TypeInt), nil
		case "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				return config.Value{}, fmt.Errorf("parsing value as YAML: %w", err)
			}
			return config.NewTypedValue(strconv.FormatFloat(f, 'g', -1, 64), config.TypeFloat), nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return config.Value{}, fmt.Errorf("parsing value as YAML: %w", err)
			}
			return config.NewTypedValue(strconv.FormatBool(b), config.TypeBool), nil
		case "!!null":
			return config.NewObjectValue("null"), nil
		default: // !!str, !!timestamp, !!binary: keep the text as written
			return config.NewTypedValue(n.Value, config.TypeString), nil
		}
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return config.Value{}, fmt.Errorf("parsing value as YAML: %w", err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return config.Value{}, fmt.Errorf("value cannot be configuration (JSON): %w", err)
	}
	return config.NewObjectValue(string(b)), nil
}

// emptySegment reports whether path has an empty `.key` segment, such as
// `a..b` or `a.`, which the SDK's path parser silently drops. Dots inside
// brackets belong to quoted keys and are ignored.
func emptySegment(path string) bool {
	inBracket, inQuote := false, false
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case inQuote:
			if c == '\\' {
				i++
			} else if c == '"' {
				inQuote = false
			}
		case inBracket:
			if c == '"' {
				inQuote = true
			} else if c == ']' {
				inBracket = false
			}
		case c == '[':
			inBracket = true
		case c == '.':
			if i == 0 || i == len(path)-1 || path[i+1] == '.' || path[i+1] == '[' {
				return true
			}
		}
	}
	return false
}
