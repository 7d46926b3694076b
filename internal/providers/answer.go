package providers

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Request is one resource registration to answer.
type Request struct {
	// Type is the type token, such as "aws:ecr/repository:Repository".
	Type string
	// Name is the resource's logical name.
	Name string
	// Custom is false for component resources, which have no provider.
	Custom bool
	// Inputs are the resource's inputs, secrets and unknowns kept.
	Inputs resource.PropertyMap
	// Config is the configuration of the resource's provider.
	Config Config
	// IDs makes what only the cloud invents: Unknown or a Fake.
	IDs IDs
	// Seed is the engine's random seed for the registration, from which
	// the bridge draws an autoname. Default: none, a random name.
	Seed []byte
	// Dir is the program's working directory, against which a provider
	// resolves relative paths (a Docker build context). Default: the
	// current directory.
	Dir string
	// Platform is the Docker engine's platform, the default of an image
	// build's platform, such as "linux/amd64". Required for Docker images.
	Platform string
}

// CheckError is a provider's Check failure: the inputs break a rule of the
// provider, such as a missing required argument. A real preview fails the
// same way.
type CheckError struct {
	// Type and Name name the resource.
	Type, Name string
	// Reasons lists each failure, as "property: reason".
	Reasons []string
}

// Error returns the failures in the engine's form: `TYPE resource 'NAME'
// has a problem: REASON`.
func (e *CheckError) Error() string {
	lines := make([]string, len(e.Reasons))
	for i, r := range e.Reasons {
		lines[i] = fmt.Sprintf("%s resource '%s' has a problem: %s", e.Type, e.Name, r)
	}
	return strings.Join(lines, "\n")
}

// Result is a registration's answer.
type Result struct {
	// ID is the physical ID, unknown when only the cloud can know it, null
	// for components.
	ID resource.PropertyValue
	// State is what the program gets back: the checked inputs as the
	// provider stores them and the outputs it adds.
	State resource.PropertyMap
	// Modelled says the model knows the type; when false, State is the
	// inputs and every other output is missing.
	Modelled bool
}

// Answer returns the ID and the outputs (the state) of a registration:
//
//   - component resources and providers: their inputs, and no ID;
//   - types the model knows: the inputs after the provider's Check
//     (schema defaults, an autoname where the program gives no name,
//     required inputs), then the outputs the provider computes, with the
//     properties it marks secret and every secret input kept secret;
//   - Docker images: the Docker provider's Check (the Dockerfile must exist,
//     the context digest) and its outputs, repoDigest included;
//   - every other type: its inputs and an unknown ID; its other outputs are
//     missing, which a preview resolves as unknown (Result.Modelled false).
//
// With Unknown IDs (an offline plan) an autoname is unknown: the engine
// draws a fresh seed for every preview and every update, so no name a plan
// could show is the one an update makes. With Placeholders, its random
// characters are a placeholder and the rest of it is known. A *CheckError reports inputs the
// provider would reject.
func Answer(r Request) (Result, error) {
	switch {
	case !r.Custom:
		return Result{ID: resource.NewNullProperty(), State: r.Inputs.Copy(), Modelled: true}, nil
	case strings.HasPrefix(r.Type, ProviderPrefix):
		return Result{ID: unknown(), State: r.Inputs.Copy(), Modelled: true}, nil
	case r.Type == DockerImage:
		id, state, err := dockerImage(r)
		return Result{ID: id, State: state, Modelled: true}, err
	}
	t, ok := Lookup(r.Type)
	if !ok {
		return Result{ID: unknown(), State: r.Inputs.Copy()}, nil
	}
	_, offline := r.IDs.(Unknown)
	checked, failures, err := t.Check(nil, r.Inputs, r.Name, r.Seed)
	if err != nil {
		return Result{}, fmt.Errorf("%s resource '%s': %w", r.Type, r.Name, err)
	}
	if len(failures) > 0 {
		e := &CheckError{Type: r.Type, Name: r.Name}
		for _, f := range failures {
			e.Reasons = append(e.Reasons, f.Reason)
		}
		return Result{}, e
	}
	if a := t.Autoname; a != nil && isNull(r.Inputs[resource.PropertyKey(a.Prop)]) {
		key := resource.PropertyKey(a.Prop)
		if ph, isPH := r.IDs.(placeholderIDs); isPH {
			checked[key] = a.withRandom(r.Name, checked[key], ph)
		} else if offline {
			checked[key] = unknown()
		}
	}
	id, state := t.Apply(&Ctx{In: checked, Config: r.Config, IDs: r.IDs})
	return Result{ID: id, State: state, Modelled: true}, nil
}

// dockerImage answers a docker:index/image:Image: the provider's Check
// against the program's working directory, then its outputs. The digest is
// the registry's, drawn from the IDs: builds are not reproducible, so each
// is a new digest (ImageDigest).
func dockerImage(r Request) (resource.PropertyValue, resource.PropertyMap, error) {
	in, restore := rebase(r.Inputs, r.Dir)
	checked, err := DockerImageCheck(in, r.Platform)
	if err != nil {
		return resource.PropertyValue{}, nil, &CheckError{Type: r.Type, Name: r.Name, Reasons: []string{restore(err.Error())}}
	}
	checked = unrebase(checked, r.Inputs, r.Dir)
	name, nameOK := KnownString(checked["imageName"])
	build := Unsecret(checked["build"])
	digest, digestOK := "", false
	if build.IsObject() {
		digest, digestOK = KnownString(build.ObjectValue()["contextDigest"])
	}
	_, ctxOK := KnownString(objectField(build, "context"))
	_, dfOK := KnownString(objectField(build, "dockerfile"))
	if !nameOK || !ctxOK || !dfOK {
		return resource.MakeComputed(resource.NewProperty("")), checked, nil
	}
	repoDigest := resource.MakeComputed(resource.NewProperty(""))
	nonce, known := r.IDs.Generate(Hex, 16)
	repo, _ := SplitImageName(name)
	var state resource.PropertyMap
	if known && digestOK {
		d := ImageDigest(digest, nonce)
		if ph, isPH := r.IDs.(placeholderIDs); isPH {
			// The digest is a hash of the placeholder nonce, so it is
			// one too.
			ph.mark(strings.TrimPrefix(d, "sha256:"))
		}
		ref := repo + "@" + d
		state = DockerImageState(checked, ref)
		repoDigest = resource.NewProperty(ref)
	} else {
		state = DockerImageState(checked, "")
	}
	delete(state, "__inputs") // the engine's own bookkeeping, not an output
	state["repoDigest"] = repoDigest
	out := checked.Copy()
	for k, v := range state {
		out[k] = v
	}
	// The provider's ID is the image name (provider/image.go dockerBuild).
	return resource.NewProperty(name), out, nil
}

// rebase returns the inputs with a relative build context and Dockerfile
// made absolute under dir, for the provider's file checks, and a function
// that turns the absolute paths in a message back into the program's.
func rebase(in resource.PropertyMap, dir string) (resource.PropertyMap, func(string) string) {
	out := in.Copy()
	var pairs []string
	build := Unsecret(in["build"])
	if dir == "" || !build.IsObject() {
		return out, func(s string) string { return s }
	}
	b := build.ObjectValue().Copy()
	ctx, ok := KnownString(b["context"])
	if !ok && b["context"].IsNull() {
		ctx, ok = ".", true
	}
	if ok && !filepath.IsAbs(ctx) {
		abs := filepath.Join(dir, ctx)
		b["context"] = resource.NewProperty(abs)
		pairs = append(pairs, abs, ctx)
	}
	if df, ok := KnownString(b["dockerfile"]); ok && !filepath.IsAbs(df) {
		abs := filepath.Join(dir, df)
		b["dockerfile"] = resource.NewProperty(abs)
		pairs = append(pairs, abs, df)
	}
	out["build"] = resource.NewProperty(b)
	// Longer paths first, so that the Dockerfile's is restored whole.
	if len(pairs) == 4 && len(pairs[2]) < len(pairs[0]) {
		pairs[0], pairs[1], pairs[2], pairs[3] = pairs[2], pairs[3], pairs[0], pairs[1]
	}
	return out, strings.NewReplacer(pairs...).Replace
}

// unrebase puts the program's own context and Dockerfile paths back into
// the checked inputs: outputs carry the paths as the program gave them.
func unrebase(checked, orig resource.PropertyMap, dir string) resource.PropertyMap {
	b := Unsecret(checked["build"])
	if dir == "" || !b.IsObject() {
		return checked
	}
	build := b.ObjectValue().Copy()
	ob := resource.PropertyMap{}
	if o := Unsecret(orig["build"]); o.IsObject() {
		ob = o.ObjectValue()
	}
	ctx := "."
	if s, ok := KnownString(ob["context"]); ok {
		ctx = s
	}
	if s, ok := KnownString(build["context"]); ok && filepath.IsAbs(s) && !filepath.IsAbs(ctx) {
		build["context"] = resource.NewProperty(ctx)
	}
	if s, ok := KnownString(build["dockerfile"]); ok && filepath.IsAbs(s) {
		if df, ok := KnownString(ob["dockerfile"]); ok {
			build["dockerfile"] = resource.NewProperty(df)
		} else {
			build["dockerfile"] = resource.NewProperty(filepath.Join(ctx, "Dockerfile"))
		}
	}
	out := checked.Copy()
	out["build"] = resource.NewProperty(build)
	return out
}

func objectField(v resource.PropertyValue, key string) resource.PropertyValue {
	if v = Unsecret(v); v.IsObject() {
		return v.ObjectValue()[resource.PropertyKey(key)]
	}
	return resource.NewNullProperty()
}
