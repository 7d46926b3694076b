package stackconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

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

// errNoEquals is ParseOverride's error for a setting without "=".
var errNoEquals = errors.New(`no "=" (want PATH=VALUE; the setting is not echoed, as it may be a secret)`)

// ordinal writes n as "1st", "2nd", "3rd", "4th", ....
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

// ParseOverrides parses each of sets with ParseOverride, in order, and
// returns the first error, which names the setting's PATH, or its
// position when it has none.
func ParseOverrides(sets []string) ([]Override, error) {
	var out []Override
	for i, s := range sets {
		o, err := ParseOverride(s)
		if errors.Is(err, errNoEquals) {
			return nil, fmt.Errorf("the %s override: %w", ordinal(i+1), err)
		}
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
		// Not echoed: it may be a value, and a value may be a secret.
		return Override{}, errNoEquals
	}
	// Errors name the PATH and never echo the VALUE, which may be a
	// secret.
	path := fmt.Sprintf("%q", s[:i])
	o := Override{Path: s[:i]}
	// A namespace is whatever precedes a colon in the first path segment;
	// colons later in the path belong to quoted map keys.
	if head := o.Path[:strings.IndexAny(o.Path+".[", ".[")]; strings.Contains(head, ":") {
		c := strings.IndexByte(head, ':')
		o.Namespace, o.Path = head[:c], o.Path[c+1:]
		if o.Namespace == "" {
			return Override{}, fmt.Errorf("%s: empty namespace before ':'", path)
		}
	}
	if o.Path == "" {
		return Override{}, fmt.Errorf("%s: empty config path", path)
	}
	p, err := resource.ParsePropertyPathStrict(o.Path)
	if err != nil {
		return Override{}, fmt.Errorf("%s: invalid config path: %w", path, err)
	}
	if _, ok := p[0].(string); !ok {
		return Override{}, fmt.Errorf("%s: a config path must start with a key, not an index", path)
	}
	if emptySegment(o.Path) {
		return Override{}, fmt.Errorf("%s: empty key in config path", path)
	}
	// The CLI would store U+FFFD in place of each byte that is not
	// UTF-8, changing the value silently.
	if !utf8.ValidString(s) {
		return Override{}, fmt.Errorf("%s: the override is not UTF-8 text (allowed: UTF-8; configuration is text)", path)
	}
	o.Value, err = overrideValue(s[i+1:])
	if err != nil {
		return Override{}, fmt.Errorf("%s: %w", path, err)
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
