package spec

import "github.com/berth-dev/berth/validate"

// ResolveRolloutSetting applies d and the defaults to a rollout setting on
// its own, as Resolve does within a service, for tools that read the
// setting without the rest of the service (berth rollout). d.Alarms is the
// cloud's default. The problems are Resolve's, with fields under
// "rollout" ("rollout.canary.percent"); nil r resolves to the defaults.
func ResolveRolloutSetting(r *Rollout, d Defaults) (ResolvedRollout, []validate.Problem) {
	var p validate.Problems
	out := resolveRollout(r, d, &p)
	return out, p.List()
}
