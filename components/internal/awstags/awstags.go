// Package awstags checks the tags berth's AWS components put on their
// resources, in one place for every component that tags.
package awstags

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/berth-dev/berth/validate"
)

// ManagedBy is the tag every berth resource carries, unless the caller's
// tags give the key another value.
var ManagedBy = map[string]string{"managed-by": "berth"}

// Resolve checks the caller's tags, recording problems in ps under field
// (such as "aws.tags"), and returns them after managed-by=berth. AWS's
// rules for user tags: keys of 1 to 128 characters, not beginning with
// "aws:" (reserved), values of at most 256 characters, at most 50 tags on a
// resource (the AWS General Reference, "Tagging your AWS resources", tag
// naming limits).
func Resolve(field string, tags map[string]string, ps *validate.Problems) map[string]string {
	out := maps.Clone(ManagedBy)
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		f := fmt.Sprintf("%s[%q]", field, k)
		switch {
		case k == "" || len(k) > 128:
			ps.Addf(f, "key is %d characters long (allowed: 1 to 128)", len(k))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			ps.Addf(f, "key begins with \"aws:\", which AWS reserves (allowed: any other key)")
		}
		if len(tags[k]) > 256 {
			ps.Addf(f, "value is %d characters long (allowed: at most 256)", len(tags[k]))
		}
		out[k] = tags[k]
	}
	if len(out) > 50 {
		ps.Addf(field, "%d tags with managed-by (allowed: at most 50)", len(out))
	}
	return out
}
