package planengine

import (
	"maps"
	"regexp"
	"sort"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// derivedRevision matches the revision names components/cloudrun derives
// from a hash of the whole template (rollout.go revisionName): the
// service's name, a hyphen and ten hex characters.
var derivedRevision = regexp.MustCompile(`-[0-9a-f]{10}$`)

// unknownDerivedRevision marks a Cloud Run template's derived revision
// name unknown when another value of the template is: the program hashed
// the offline plan's placeholder for it (an image digest, a secret
// version), and the hash of a placeholder is not the name the cloud will
// see, nor is it the same from one plan to the next.
func unknownDerivedRevision(res *plan.Resource) {
	if res.Type != providers.CloudRunService {
		return
	}
	t, _ := res.Inputs["template"].(map[string]any)
	rev, _ := t["revision"].(string)
	name, _ := res.Inputs["name"].(string)
	if rev == "" || name == "" || rev[:min(len(name), len(rev))] != name || !derivedRevision.MatchString(rev) {
		return
	}
	rest := maps.Clone(t)
	delete(rest, "revision")
	if u, ok := firstUnknown(rest); ok {
		t["revision"] = plan.Unknown{From: u.From, NewOnUpdate: true}
	}
}

// firstUnknown returns the first unknown in v, keys in order.
func firstUnknown(v any) (plan.Unknown, bool) {
	switch v := v.(type) {
	case plan.Unknown:
		return v, true
	case plan.Partial:
		for _, e := range v {
			if u, ok := firstUnknown(e); ok {
				return u, true
			}
		}
	case []any:
		for _, e := range v {
			if u, ok := firstUnknown(e); ok {
				return u, true
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if u, ok := firstUnknown(v[k]); ok {
				return u, true
			}
		}
	}
	return plan.Unknown{}, false
}
