package providers

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The providers' DiffSuppressFuncs and StateFuncs that berth's types use.
// Each compares or stores what the provider does, read in its source at
// the pinned version; a value that is not a known string (unknown, or a
// secret whose content the comparison cannot see) compares by value.

// jsonDoc decodes a JSON document held in a known string.
func jsonDoc(v resource.PropertyValue) (any, bool) {
	s, ok := KnownString(v)
	if !ok {
		return nil, false
	}
	var doc any
	if json.Unmarshal([]byte(s), &doc) != nil {
		return nil, false
	}
	return doc, true
}

// equalJSON is verify.SuppressEquivalentJSONDiffs (terraform-provider-aws
// internal/verify/json.go JSONStringsEqual): the documents decode to equal
// values; key order is no difference, array order is.
func equalJSON(n, o resource.PropertyValue, _ resource.PropertyMap) bool {
	return equalAs(n, o, jsonDoc, func(a, b any) bool { return reflect.DeepEqual(a, b) })
}

// equalAs compares n and o as read reads them; values it cannot read
// (unknowns, other types) are equal only when they are the same value.
func equalAs[T any](n, o resource.PropertyValue, read func(resource.PropertyValue) (T, bool), equal func(a, b T) bool) bool {
	a, okA := read(n)
	b, okB := read(o)
	if !okA || !okB {
		return Unsecret(n).DeepEquals(Unsecret(o))
	}
	return equal(a, b)
}

// normalizeJSON is structure.NormalizeJsonString, the StateFunc of the
// providers' JSON documents: the document re-encoded compactly with sorted
// keys. A value that is not a JSON document is kept.
func normalizeJSON(v resource.PropertyValue) resource.PropertyValue {
	doc, ok := jsonDoc(v)
	if !ok {
		return v
	}
	return resource.NewProperty(encodeJSON(doc))
}

// encodeJSON encodes doc compactly, keys sorted, without HTML escaping.
func encodeJSON(doc any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(doc)
	return strings.TrimSuffix(b.String(), "\n")
}

// normalizeLegacyPolicy is verify.LegacyPolicyNormalize, the StateFunc of
// IAM inline role policies: normalised JSON with "Version" moved first.
func normalizeLegacyPolicy(v resource.PropertyValue) resource.PropertyValue {
	n := normalizeJSON(v)
	s, ok := KnownString(n)
	if !ok || !strings.Contains(s, `"Version":"2012-10-17"`) {
		return n
	}
	s = strings.Replace(s, `"Version":"2012-10-17",`, "", 1)
	s = strings.Replace(s, `,"Version":"2012-10-17"`, "", 1)
	return resource.NewProperty(`{"Version":"2012-10-17",` + strings.TrimPrefix(s, "{"))
}

// equalPolicy is verify.SuppressEquivalentPolicyDiffs
// (terraform-provider-aws internal/verify/json.go, over
// hashicorp/awspolicyequivalence PoliciesAreEquivalent): "" and "{}" are
// equal; otherwise two IAM policies are equal when their statements are,
// in any order, with a single value and a one-element list equal and the
// values of Action, Resource, Principal and their Not forms compared as
// sets.
func equalPolicy(n, o resource.PropertyValue, _ resource.PropertyMap) bool {
	return equalAs(n, o, KnownString, func(sn, so string) bool {
		empty := func(s string) bool { return s == "" || s == "{}" }
		if empty(sn) || empty(so) {
			return empty(sn) && empty(so)
		}
		a, okA := jsonDoc(n)
		b, okB := jsonDoc(o)
		if !okA || !okB {
			return sn == so
		}
		return encodeJSON(canonicalPolicy(a)) == encodeJSON(canonicalPolicy(b))
	})
}

// canonicalPolicy puts a policy document in one form: Statement a list
// sorted by its encoding, set-valued fields sorted lists.
func canonicalPolicy(doc any) any {
	m, ok := doc.(map[string]any)
	if !ok {
		return doc
	}
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	stmts := asList(m["Statement"])
	canon := make([]any, len(stmts))
	for i, st := range stmts {
		canon[i] = canonicalStatement(st)
	}
	sort.Slice(canon, func(i, j int) bool { return encodeJSON(canon[i]) < encodeJSON(canon[j]) })
	if _, has := m["Statement"]; has {
		out["Statement"] = canon
	}
	return out
}

func canonicalStatement(st any) any {
	m, ok := st.(map[string]any)
	if !ok {
		return st
	}
	out := map[string]any{}
	for k, v := range m {
		switch k {
		case "Action", "NotAction", "Resource", "NotResource":
			out[k] = sortedList(v)
		case "Principal", "NotPrincipal":
			if pm, ok := v.(map[string]any); ok {
				p := map[string]any{}
				for pk, pv := range pm {
					p[pk] = sortedList(pv)
				}
				out[k] = p
			} else {
				out[k] = v
			}
		default:
			out[k] = v
		}
	}
	return out
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func sortedList(v any) any {
	l := asList(v)
	out := slices.Clone(l)
	sort.Slice(out, func(i, j int) bool { return encodeJSON(out[i]) < encodeJSON(out[j]) })
	return out
}

// equalLifecyclePolicy is terraform-provider-aws
// internal/service/ecr/lifecycle_policy.go equivalentLifecyclePolicyJSON:
// rules in any order (sorted by rulePriority), tag patterns and prefixes
// in any order.
func equalLifecyclePolicy(n, o resource.PropertyValue, _ resource.PropertyMap) bool {
	return equalAs(n, o, jsonDoc, func(a, b any) bool {
		return reflect.DeepEqual(canonicalLifecycle(a), canonicalLifecycle(b))
	})
}

func canonicalLifecycle(doc any) any {
	m, ok := doc.(map[string]any)
	if !ok {
		return doc
	}
	rules := asList(m["rules"])
	sort.SliceStable(rules, func(i, j int) bool {
		pi, _ := rules[i].(map[string]any)["rulePriority"].(float64)
		pj, _ := rules[j].(map[string]any)["rulePriority"].(float64)
		return pi < pj
	})
	for _, r := range rules {
		if rm, ok := r.(map[string]any); ok {
			if sel, ok := rm["selection"].(map[string]any); ok {
				for _, k := range []string{"tagPatternList", "tagPrefixList"} {
					if l, ok := sel[k]; ok {
						sel[k] = sortedList(l)
					}
				}
			}
		}
	}
	return m
}

// Container definitions: terraform-provider-aws
// internal/service/ecs/container_definitions.go. The StateFunc sorts
// containers, then each container's environment and secrets, by name and
// drops zero-valued elements of object arrays (compactArrays); the
// DiffSuppressFunc containerDefinitionsAreEquivalent compares two
// documents after that and after filling ECS's defaults.

// compactedArrays are the container fields whose zero-valued elements the
// provider drops (compactArrays).
var compactedArrays = []string{"dependsOn", "environment", "environmentFiles", "extraHosts", "mountPoints", "portMappings",
	"resourceRequirements", "secrets", "systemControls", "ulimits", "volumesFrom"}

// emptiedLists are the container fields whose empty list the provider
// treats as absent.
var emptiedLists = []string{"command", "credentialSpecs", "dependsOn", "dnsSearchDomains", "dnsServers", "dockerSecurityOptions",
	"entryPoint", "environment", "environmentFiles", "extraHosts", "links", "mountPoints", "portMappings",
	"resourceRequirements", "secrets", "systemControls", "ulimits", "volumesFrom"}

// sortContainers applies the StateFunc's ordering and compaction to a
// decoded container definitions document in place.
func sortContainers(doc any) []any {
	list, ok := doc.([]any)
	if !ok {
		return nil
	}
	byName := func(l []any) {
		sort.SliceStable(l, func(i, j int) bool {
			a, _ := l[i].(map[string]any)["name"].(string)
			b, _ := l[j].(map[string]any)["name"].(string)
			return a < b
		})
	}
	for _, c := range list {
		cm, ok := c.(map[string]any)
		if !ok {
			continue
		}
		for k, v := range cm {
			if v == nil {
				delete(cm, k)
			}
		}
		for _, k := range compactedArrays {
			if l, ok := cm[k].([]any); ok {
				kept := l[:0:0]
				for _, e := range l {
					if em, ok := e.(map[string]any); !ok || len(em) > 0 {
						kept = append(kept, e)
					}
				}
				cm[k] = kept
			}
		}
		for _, k := range []string{"environment", "secrets"} {
			if l, ok := cm[k].([]any); ok {
				byName(l)
			}
		}
	}
	byName(list)
	return list
}

// normalizeContainerDefinitions is the StateFunc.
func normalizeContainerDefinitions(v resource.PropertyValue) resource.PropertyValue {
	doc, ok := jsonDoc(v)
	if !ok {
		return v
	}
	return resource.NewProperty(encodeJSON(sortContainers(doc)))
}

// equalContainerDefinitions is containerDefinitionsAreEquivalent: after the
// StateFunc's normalisation, essential defaults to true, a health check's
// interval, retries and timeout to 30, 3 and 5, a port mapping's "tcp"
// protocol and zero host port are dropped, and in awsvpc mode a missing
// host port is the container port; empty lists are absent.
func equalContainerDefinitions(n, o resource.PropertyValue, in resource.PropertyMap) bool {
	mode, _ := KnownString(in["networkMode"])
	awsvpc := mode == "awsvpc"
	return equalAs(n, o, jsonDoc, func(a, b any) bool {
		return reflect.DeepEqual(ecsDefaults(sortContainers(a), awsvpc), ecsDefaults(sortContainers(b), awsvpc))
	})
}

func ecsDefaults(list []any, awsvpc bool) []any {
	for _, c := range list {
		cm, ok := c.(map[string]any)
		if !ok {
			continue
		}
		if _, ok := cm["essential"]; !ok {
			cm["essential"] = true
		}
		if hc, ok := cm["healthCheck"].(map[string]any); ok {
			for k, d := range map[string]float64{"interval": 30, "retries": 3, "timeout": 5} {
				if _, ok := hc[k]; !ok {
					hc[k] = d
				}
			}
		}
		if pms, ok := cm["portMappings"].([]any); ok {
			for _, pm := range pms {
				m, ok := pm.(map[string]any)
				if !ok {
					continue
				}
				if m["protocol"] == "tcp" {
					delete(m, "protocol")
				}
				if hp, ok := m["hostPort"].(float64); ok && hp == 0 {
					delete(m, "hostPort")
				}
				if _, ok := m["hostPort"]; !ok && awsvpc {
					if cp, ok := m["containerPort"]; ok {
						m["hostPort"] = cp
					}
				}
			}
		}
		for _, k := range emptiedLists {
			if l, ok := cm[k].([]any); ok && len(l) == 0 {
				delete(cm, k)
			}
		}
	}
	return list
}

// equalFold is tpgresource.CaseDiffSuppress (terraform-provider-google-beta
// v5.42.0 tpgresource/common_diff_suppress.go:27-29).
func equalFold(n, o resource.PropertyValue, _ resource.PropertyMap) bool {
	return equalAs(n, o, KnownString, strings.EqualFold)
}

// caseSensitiveMember reports the IAM members whose case matters
// (terraform-provider-google-beta v5.42.0 tpgiamresource/iam.go:254-260).
func caseSensitiveMember(m string) bool {
	return m == "allUsers" || m == "allAuthenticatedUsers" ||
		strings.HasPrefix(m, "principal:") || strings.HasPrefix(m, "principalSet:") || strings.HasPrefix(m, "principalHierarchy:")
}

// equalMember is iamMemberCaseDiffSuppress (tpgiamresource
// resource_iam_member.go:20-26): case-insensitive unless either member is
// case-sensitive.
func equalMember(n, o resource.PropertyValue, in resource.PropertyMap) bool {
	a, okA := KnownString(n)
	b, okB := KnownString(o)
	if okA && okB && (caseSensitiveMember(a) || caseSensitiveMember(b)) {
		return a == b
	}
	return equalFold(n, o, in)
}

// normalizeMember is normalizeIamMemberCasing (tpgiamresource/iam.go:
// 271-294): the part after "type:" lowercased, unless case-sensitive; it
// names the member in the resource's ID.
func normalizeMember(m string) string {
	if caseSensitiveMember(m) {
		return m
	}
	if typ, rest, ok := strings.Cut(m, ":"); ok {
		return typ + ":" + strings.ToLower(rest)
	}
	return m
}

// equalNameOrPath is tpgresource.CompareSelfLinkOrResourceName
// (self_link_helpers.go:44-57): a short name equals a full path that ends
// in it.
func equalNameOrPath(n, o resource.PropertyValue, _ resource.PropertyMap) bool {
	return equalAs(n, o, KnownString, func(a, b string) bool {
		return a == b || lastSegment(a) == lastSegment(b) && (!strings.Contains(a, "/") || !strings.Contains(b, "/"))
	})
}
