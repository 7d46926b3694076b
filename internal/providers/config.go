package providers

import (
	"encoding/json"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// DefaultConfig returns the configuration of package pkg's default
// provider from the stack's configuration values ("aws:region" ->
// "region"), as the engine configures a default provider from the
// `<pkg>:` namespace. The keys the model reads are:
//
//   - aws: region (aws:region) and account, which only
//     aws:allowedAccountIds pins: the provider refuses to run against any
//     account not in that list (terraform-provider-aws
//     internal/conns/config.go Config.ConfigureProvider: "AWS account ID not
//     allowed"), so a list of
//     exactly one account ID names the account. Nothing else in the
//     configuration does; without it the account is unknown.
//   - gcp: project (gcp:project), region (gcp:region) and zone (gcp:zone).
//
// Other packages get an empty configuration.
func DefaultConfig(pkg string, values map[string]string) Config {
	get := func(key string) (resource.PropertyValue, bool) {
		v, ok := values[pkg+":"+key]
		if !ok {
			return resource.PropertyValue{}, false
		}
		return resource.NewProperty(v), true
	}
	return providerConfig(pkg, get)
}

// ExplicitConfig returns the configuration of an explicit provider, a
// `pulumi:providers:<pkg>` resource, from its inputs. An explicit provider
// reads only its own inputs, never the stack's `<pkg>:` configuration. An
// unknown input leaves its key out, so whatever is built from it is
// unknown.
func ExplicitConfig(pkg string, inputs resource.PropertyMap) Config {
	get := func(key string) (resource.PropertyValue, bool) {
		v, ok := inputs[resource.PropertyKey(key)]
		v = Unsecret(v)
		return v, ok && !v.IsNull()
	}
	return providerConfig(pkg, get)
}

func providerConfig(pkg string, get func(string) (resource.PropertyValue, bool)) Config {
	out := Config{}
	str := func(key string) {
		if v, ok := get(key); ok && v.IsString() && v.StringValue() != "" {
			out[key] = v.StringValue()
		}
	}
	switch pkg {
	case "aws":
		str("region")
		if v, ok := get("allowedAccountIds"); ok {
			if ids := stringList(v); len(ids) == 1 && ids[0] != "" {
				out["account"] = ids[0]
			}
		}
	case "gcp":
		str("project")
		str("region")
		str("zone")
	}
	return out
}

// stringList reads a list of strings given as a list or, as configuration
// and provider inputs carry lists, as a JSON document in a string. It
// returns nil when any element is not a known string.
func stringList(v resource.PropertyValue) []string {
	if v.IsString() {
		var list []string
		if json.Unmarshal([]byte(v.StringValue()), &list) != nil {
			return nil
		}
		return list
	}
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e = Unsecret(e); !e.IsString() {
			return nil
		}
		out = append(out, e.StringValue())
	}
	return out
}
