package stackconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
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

// ParseOverrides parses each of sets with ParseOverride, in order, and
// returns the first error, which quotes the setting.
func ParseOverrides(sets []string) ([]Override, error) {
	var out []Override
	for _, s := range sets {
		o, err := ParseOverride(s)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// ParseOverride parses `PATH=VALUE`. PATH is a config path, optionally
// namespaced (`gcp:region`); without a namespace it means the project's.
// VALUE is typed as `pulumi config set --path` types it: `true` and `false`
// set a boolean, a base-10 integer without leading zeros (`0`, `42`, `-7`)
// sets an integer, and anything else sets the string as written (`0.5`,
// `010`, `a #b`, `1e3`, `~` and the empty VALUE are strings). A VALUE that
// starts with `[` or `{` is a YAML flow list or object, which JSON is too:
// `[]`, `["a","b"]`, `{a: 1}`; one that does not parse is an error.
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
	o.Value, err = overrideValue(s[i+1:])
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

// integerValue matches the integers that `pulumi config set --path` stores
// as numbers: base 10, an optional minus sign, no leading zeros. Other
// digit strings (`010`, `+1`, `1_000`) stay strings, as they do there.
var integerValue = regexp.MustCompile(`^(0|-?[1-9][0-9]*)$`)

// overrideValue types the VALUE of an override; see ParseOverride.
func overrideValue(raw string) (config.Value, error) {
	switch {
	case raw == "true" || raw == "false":
		return config.NewTypedValue(raw, config.TypeBool), nil
	case integerValue.MatchString(raw):
		if _, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return config.NewTypedValue(raw, config.TypeInt), nil
		}
		// Too large for an int64: keep every digit as a string.
	case strings.HasPrefix(raw, "[") || strings.HasPrefix(raw, "{"):
		return collectionValue(raw)
	}
	return config.NewTypedValue(raw, config.TypeString), nil
}

// collectionValue parses a YAML flow list or object (JSON included) into an
// object config value.
func collectionValue(raw string) (config.Value, error) {
	const what = `parsing value as YAML (a VALUE that starts with "[" or "{" is a list or object)`
	// A Decoder, unlike yaml.Unmarshal, reports text after the value
	// (`[a] b`) instead of dropping it.
	dec := yaml.NewDecoder(strings.NewReader(raw))
	var doc, extra yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return config.Value{}, fmt.Errorf("%s: %w", what, err)
	}
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("want exactly one value")
		}
		return config.Value{}, fmt.Errorf("%s: text after the value: %w", what, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return config.Value{}, fmt.Errorf("%s: want exactly one value", what)
	}
	n := doc.Content[0]
	if n.Kind != yaml.SequenceNode && n.Kind != yaml.MappingNode {
		return config.Value{}, fmt.Errorf("%s: got a single value; drop the bracket or write a list or object", what)
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return config.Value{}, fmt.Errorf("%s: %w", what, err)
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
