package planengine

import (
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/berth-dev/berth/internal/monitor"
	"github.com/berth-dev/berth/internal/providers"
)

// derivedRevision matches the revision names components/cloudrun derives
// from a hash of the whole template (rollout.go revisionName): the
// service's name, a hyphen and ten hex characters.
var derivedRevision = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?-[0-9a-f]{10}$`)

// deriveRevisions records, as placeholders, the revision names of Cloud Run
// templates that hold one: the program hashed the template, placeholder
// and all (an image digest, a secret version), and the hash of a
// placeholder is neither the name the cloud will see nor the same from one
// plan to the next. The plan then shows the name unknown wherever it
// appears: the template, the latest revision, the stack's outputs.
func deriveRevisions(rec monitor.Run, holes *providers.Placeholders) {
	for _, r := range rec.Resources {
		if r.Type != providers.CloudRunService || !r.Inputs["template"].IsObject() {
			continue
		}
		t := r.Inputs["template"].ObjectValue()
		rev, _ := providers.KnownString(t["revision"])
		name, _ := providers.KnownString(r.Inputs["name"])
		if name == "" || len(rev) <= len(name) || rev[:len(name)+1] != name+"-" || !derivedRevision.MatchString(rev) {
			continue
		}
		rest := t.Copy()
		delete(rest, "revision")
		if hole, ok := firstHole(resource.NewObjectProperty(rest), holes); ok {
			holes.Derive(rev, hole)
		}
	}
}

// firstHole returns the first placeholder in v.
func firstHole(v resource.PropertyValue, holes *providers.Placeholders) (providers.Piece, bool) {
	switch {
	case v.IsSecret():
		return firstHole(v.SecretValue().Element, holes)
	case v.IsString():
		for _, p := range holes.Split(v.StringValue()) {
			if p.Hole {
				return p, true
			}
		}
	case v.IsNumber():
		if p, ok := holes.Number(v.NumberValue()); ok {
			return p, true
		}
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			if p, ok := firstHole(e, holes); ok {
				return p, true
			}
		}
	case v.IsObject():
		for _, k := range v.ObjectValue().StableKeys() {
			if p, ok := firstHole(v.ObjectValue()[k], holes); ok {
				return p, true
			}
		}
	}
	return providers.Piece{}, false
}
