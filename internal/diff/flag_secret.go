package diff

import (
	"fmt"
	"sort"
	"strings"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// secretRef is a secret that reaches a container: its name (a Secret
// Manager secret ID, an ARN or a parameter name) and version, if pinned.
type secretRef struct{ name, version string }

func (r secretRef) String() string {
	if r.version == "" {
		return r.name
	}
	return r.name + " version " + r.version
}

// secretFindings lists secret references added, removed or re-pointed.
// Only secret names, versions and where they reach the container appear.
func secretFindings(typ string, old, new map[string]any) []string {
	var o, n map[string]secretRef
	switch typ {
	case providers.CloudRunService:
		o, n = cloudRunSecrets(old), cloudRunSecrets(new)
	case providers.ECSTaskDefinition:
		o, n = ecsSecrets(old), ecsSecrets(new)
	default:
		return nil
	}
	keys := make([]string, 0, len(o)+len(n))
	for k := range o {
		keys = append(keys, k)
	}
	for k := range n {
		if _, dup := o[k]; !dup {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, where := range keys {
		ov, inOld := o[where]
		nv, inNew := n[where]
		switch {
		case !inOld:
			out = append(out, fmt.Sprintf("secret %s added at %s", nv, where))
		case !inNew:
			out = append(out, fmt.Sprintf("secret %s removed from %s", ov, where))
		case ov.name == nv.name && ov.version != nv.version:
			out = append(out, fmt.Sprintf("secret %s at %s: version %s -> %s", nv.name, where, or(ov.version, "latest"), or(nv.version, "latest")))
		case ov != nv:
			out = append(out, fmt.Sprintf("secret at %s changes: %s -> %s", where, ov, nv))
		}
	}
	return out
}

// refText is a secret name or version at key of m: the string, an unknown
// as the plan shows it (with where it comes from), or def when missing.
func refText(m map[string]any, key, def string) string {
	v, ok := plan.Lookup(m, key)
	switch {
	case !ok || v == nil:
		return def
	case opaque(v):
		return render(v, true)
	}
	s, _ := v.(string)
	return or(s, def)
}

// cloudRunSecrets maps where each secret reaches a Cloud Run container
// ("env NAME" or "file PATH") to the secret. An unpinned version is
// "latest", as Cloud Run reads it.
func cloudRunSecrets(in map[string]any) map[string]secretRef {
	out := map[string]secretRef{}
	if in == nil {
		return out
	}
	mounts := map[string]string{} // volume name -> mount path
	containers := list(in, "template", "containers")
	for ci, c := range containers {
		cm, _ := c.(map[string]any)
		prefix := ""
		if len(containers) > 1 {
			prefix = "container " + or(str(cm, "name"), fmt.Sprint(ci)) + " "
		}
		for _, e := range list(cm, "envs") {
			em, _ := e.(map[string]any)
			ref, _ := plan.Lookup(em, "valueSource", "secretKeyRef")
			if rm, ok := ref.(map[string]any); ok {
				out[prefix+"env "+str(em, "name")] = secretRef{refText(rm, "secret", ""), refText(rm, "version", "latest")}
			}
		}
		for _, v := range list(cm, "volumeMounts") {
			vm, _ := v.(map[string]any)
			mounts[str(vm, "name")] = prefix + "file " + str(vm, "mountPath")
		}
	}
	for _, v := range list(in, "template", "volumes") {
		vm, _ := v.(map[string]any)
		sec, ok := vm["secret"].(map[string]any)
		if !ok {
			continue
		}
		mount := or(mounts[str(vm, "name")], "volume "+str(vm, "name"))
		items := list(sec, "items")
		if len(items) == 0 {
			out[mount] = secretRef{refText(sec, "secret", ""), "latest"}
		}
		for _, it := range items {
			im, _ := it.(map[string]any)
			out[strings.TrimSuffix(mount, "/")+"/"+str(im, "path")] = secretRef{refText(sec, "secret", ""), refText(im, "version", "latest")}
		}
	}
	return out
}

// ecsSecrets maps each container secret of an ECS task definition
// ("container C env NAME") to its valueFrom: a Secrets Manager ARN (which
// may end in a JSON key, version stage and version ID) or an SSM parameter.
func ecsSecrets(in map[string]any) map[string]secretRef {
	out := map[string]secretRef{}
	var defs []struct {
		Name    string `json:"name"`
		Secrets []struct {
			Name      string `json:"name"`
			ValueFrom string `json:"valueFrom"`
		} `json:"secrets"`
	}
	if in == nil || !parseJSON(str(in, "containerDefinitions"), &defs) {
		return out
	}
	for _, d := range defs {
		for _, s := range d.Secrets {
			out["container "+d.Name+" env "+s.Name] = secretRef{name: s.ValueFrom}
		}
	}
	return out
}
