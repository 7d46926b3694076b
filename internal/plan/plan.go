package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// The plan document's identity. docs/plan-format.md describes the format.
const (
	// Format is the value of a plan's "format" field.
	Format = "berth-plan"
	// SchemaVersion is the version of the plan format this package writes
	// and reads. It changes whenever a reader of the previous version
	// could misread a plan of the new one.
	SchemaVersion = 3
)

// Errors that Read returns, wrapped with what it found.
var (
	// ErrNotAPlan says the input is not a berth plan.
	ErrNotAPlan = errors.New("not a berth plan")
	// ErrSchemaVersion says the input is a berth plan of another schema
	// version.
	ErrSchemaVersion = errors.New("unsupported berth plan schema version")
)

// MakeHint says how to make a plan that Read accepts.
const MakeHint = "make one with this berth: berth plan --stack NAME --format json"

// Plan is what a program would register for one stack. Its JSON form is
// the output of `berth plan --format json` and the input of `berth diff`.
type Plan struct {
	// Format is always the constant Format.
	Format string `json:"format"`
	// SchemaVersion is always the constant SchemaVersion.
	SchemaVersion int `json:"schemaVersion"`
	// Project is the project name from Pulumi.yaml.
	Project string `json:"project"`
	// Stack is the stack name.
	Stack string `json:"stack"`
	// Resources lists every registered resource, custom and component,
	// parents and dependencies before the resources that need them (see
	// Order). Never nil.
	Resources []Resource `json:"resources"`
	// Outputs holds the stack outputs by name, as values (see Value).
	// Never nil.
	Outputs map[string]any `json:"outputs"`
	// Cost is the monthly cost estimate that `berth plan --format json`
	// adds (internal/cost's document), kept as raw JSON so that this
	// package does not depend on it. Empty when the plan has none.
	Cost json.RawMessage `json:"cost,omitempty"`
}

// Resource is one registered resource.
type Resource struct {
	// URN is the resource's URN as the Pulumi engine computes it.
	URN string `json:"urn"`
	// Type is the Pulumi type token, such as `gcp:cloudrunv2/service:Service`
	// or `berth:cloudrun:Service`.
	Type string `json:"type"`
	// Name is the logical name.
	Name string `json:"name"`
	// Custom is true for resources a provider manages, false for
	// components.
	Custom bool `json:"custom"`
	// Read is true for a resource the program reads instead of managing
	// (pulumi.Context.ReadResource, `Get<Resource>` functions, stack
	// references). Default: false.
	Read bool `json:"read,omitempty"`
	// ID is the physical ID of a read resource. Default: empty.
	ID string `json:"id,omitempty"`
	// Parent is the parent's URN, empty for children of the stack.
	Parent string `json:"parent"`
	// Provider is the URN of the explicit provider resource that manages
	// this one, empty for the default provider.
	Provider string `json:"provider,omitempty"`
	// DependsOn lists the URNs of the resources this one depends on,
	// explicitly or through its inputs, sorted. Never nil.
	DependsOn []string `json:"dependsOn"`
	// InputDependencies lists, per top-level input, the URNs of the
	// resources whose outputs its value is built from, sorted: it tells
	// an unknown value that comes from one resource from one that comes
	// from another. Inputs without dependencies are left out.
	InputDependencies map[string][]string `json:"inputDependencies,omitempty"`
	// Options are the resource options that decide what a change does.
	Options Options `json:"options"`
	// Inputs are the resource's inputs keyed by the provider's property
	// names, as values (see Value). Component resources usually have none.
	// Never nil.
	Inputs map[string]any `json:"inputs"`
}

// Options are a resource's lifecycle options as the program gave them.
// Each is left out of the JSON form when it has its default.
type Options struct {
	// Protect makes the engine refuse to delete the resource, and so to
	// replace it. Default: false.
	Protect bool `json:"protect,omitempty"`
	// DeleteBeforeReplace is the program's choice of replacement order:
	// true deletes the old resource before its replacement is created;
	// false creates the replacement first even where the provider would
	// delete first, since the engine lets a given option override the
	// provider (pkg/v3 v3.274.1 resource/deploy/step_generator.go:2142-2145).
	// Default: unset (left out of the JSON), the provider decides.
	DeleteBeforeReplace *bool `json:"deleteBeforeReplace,omitempty"`
	// RetainOnDelete leaves the cloud resource in place when Pulumi
	// deletes it. Default: false.
	RetainOnDelete bool `json:"retainOnDelete,omitempty"`
	// IgnoreChanges lists input paths whose changes are not applied,
	// sorted. Default: none.
	IgnoreChanges []string `json:"ignoreChanges,omitempty"`
	// ReplaceOnChanges lists input paths whose changes replace the
	// resource, sorted; "*" means every input. Default: none.
	ReplaceOnChanges []string `json:"replaceOnChanges,omitempty"`
	// DeletedWith is the URN of the resource whose deletion deletes this
	// one, so that Pulumi does not delete it itself. Default: empty.
	DeletedWith string `json:"deletedWith,omitempty"`
	// ReplaceWith lists the URNs of resources whose replacement replaces
	// this one, sorted. Default: none.
	ReplaceWith []string `json:"replaceWith,omitempty"`
	// Aliases lists the URNs the resource had before, sorted: a resource
	// found under one of them is this resource, not a new one. Default:
	// none.
	Aliases []string `json:"aliases,omitempty"`
	// AdditionalSecretOutputs lists outputs the engine stores as secrets,
	// sorted. Default: none.
	AdditionalSecretOutputs []string `json:"additionalSecretOutputs,omitempty"`
	// CustomTimeouts are the create, update and delete timeouts, as Go
	// durations. Default: the provider's.
	CustomTimeouts *Timeouts `json:"customTimeouts,omitempty"`
	// Import is the ID of an existing cloud resource to adopt instead of
	// creating one. Default: empty.
	Import string `json:"import,omitempty"`
	// HideDiffs lists input paths whose changes the engine does not show,
	// sorted. Default: none.
	HideDiffs []string `json:"hideDiffs,omitempty"`
}

// Timeouts are custom operation timeouts; an empty field is the
// provider's default.
type Timeouts struct {
	Create string `json:"create,omitempty"`
	Update string `json:"update,omitempty"`
	Delete string `json:"delete,omitempty"`
}

// WriteJSON writes p as indented JSON followed by a newline. Map keys are
// sorted and the resource order is deterministic, so equal plans produce
// identical bytes.
func (p *Plan) WriteJSON(w io.Writer) error {
	n := p.Normalized()
	doc := struct {
		Plan
		Resources []jsonResource `json:"resources"`
		Outputs   map[string]any `json:"outputs"`
	}{Plan: n, Outputs: encodeMap(n.Outputs)}
	for _, r := range n.Resources {
		doc.Resources = append(doc.Resources, jsonResource{Resource: r, Inputs: encodeMap(r.Inputs)})
	}
	if doc.Resources == nil {
		doc.Resources = []jsonResource{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	return nil
}

// jsonResource is a Resource with its inputs in their JSON form.
type jsonResource struct {
	Resource
	Inputs map[string]any `json:"inputs"`
}

// MaxBytes is the largest plan Read accepts: 128 MiB, about 85,000
// resources of 1.5 KB (a task definition with its container definitions).
// A larger input is
// refused before it is parsed: berth diff of two plans at this size peaks
// at the resident memory docs/performance.md records (scripts/bench-diff.sh).
const MaxBytes = 128 << 20

// Read decodes a plan written by WriteJSON. Input that is not a berth plan
// is ErrNotAPlan, a plan of another schema version ErrSchemaVersion, each
// wrapped with what was found. Also errors, each naming where: input over
// MaxBytes, a key twice in one object, unknown fields, malformed values,
// "resources" missing or null, an empty URN, a URN listed twice, and a
// parent, provider or dependency that is not in the plan or is the
// resource itself.
func Read(r io.Reader) (*Plan, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	if len(raw) > MaxBytes {
		return nil, fmt.Errorf("reading plan: larger than %d MiB (allowed: at most %d MiB)", MaxBytes>>20, MaxBytes>>20)
	}
	var head struct {
		Format        *string         `json:"format"`
		SchemaVersion json.RawMessage `json:"schemaVersion"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("%w: not a JSON object (%v); %s", ErrNotAPlan, err, MakeHint)
	}
	switch {
	case head.Format == nil:
		return nil, fmt.Errorf("%w: no \"format\": %q field; %s", ErrNotAPlan, Format, MakeHint)
	case *head.Format != Format:
		return nil, fmt.Errorf("%w: \"format\" is %q, not %q; %s", ErrNotAPlan, *head.Format, Format, MakeHint)
	case head.SchemaVersion == nil:
		return nil, fmt.Errorf("%w: no \"schemaVersion\"; %s", ErrNotAPlan, MakeHint)
	}
	version, err := strconv.Atoi(string(head.SchemaVersion))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: \"schemaVersion\" is %s, not a version number (this berth reads version %d); %s", ErrSchemaVersion, head.SchemaVersion, SchemaVersion, MakeHint)
	case version != SchemaVersion:
		return nil, fmt.Errorf("%w: the plan has schema version %d, this berth reads version %d; make both plans with the same berth: berth plan --stack NAME --format json",
			ErrSchemaVersion, version, SchemaVersion)
	}
	if err := noDuplicateKeys(raw); err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	var doc struct {
		Plan
		Resources *[]jsonResource `json:"resources"`
		Outputs   map[string]any  `json:"outputs"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	if doc.Resources == nil {
		return nil, errors.New(`reading plan: "resources" is missing or null (a plan lists its resources, [] for none)`)
	}
	p := doc.Plan
	if p.Outputs, err = decodeMap(doc.Outputs, "outputs"); err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	seen := map[string]bool{}
	for i, jr := range *doc.Resources {
		res := jr.Resource
		switch {
		case res.URN == "":
			return nil, fmt.Errorf("reading plan: resources[%d] has no URN", i)
		case seen[res.URN]:
			return nil, fmt.Errorf("reading plan: resource URN %s is listed twice; a plan holds each resource once", res.URN)
		}
		seen[res.URN] = true
		if res.Inputs, err = decodeMap(jr.Inputs, fmt.Sprintf("resources[%d].inputs", i)); err != nil {
			return nil, fmt.Errorf("reading plan: %w", err)
		}
		p.Resources = append(p.Resources, res)
	}
	for _, res := range p.Resources {
		refs := map[string]string{"parent": res.Parent, "provider": res.Provider}
		for i, d := range res.DependsOn {
			refs[fmt.Sprintf("dependsOn[%d]", i)] = d
		}
		for _, field := range sortedKeys(refs) {
			switch u := refs[field]; {
			case u == "":
			case u == res.URN:
				return nil, fmt.Errorf("reading plan: resource %s: its %s is itself", res.URN, field)
			case !seen[u]:
				return nil, fmt.Errorf("reading plan: resource %s: its %s %s is not in the plan", res.URN, field, u)
			}
		}
	}
	n := p.Normalized()
	return &n, nil
}

// noDuplicateKeys reports the first object in the JSON text raw that holds
// a key twice, by its path: encoding/json would keep the last value
// silently.
func noDuplicateKeys(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	// The path is kept as segments and joined only for an error: most
	// plans have none, and a large one has millions of keys.
	var path []string
	where := func() string {
		if len(path) == 0 {
			return "the plan"
		}
		return strings.TrimPrefix(strings.Join(path, ""), ".")
	}
	var walk func() error
	walk = func() error {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'):
			keys := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				if keys[k] {
					return fmt.Errorf("%s: key %q appears twice (allowed: each key once)", where(), k)
				}
				keys[k] = true
				path = append(path, "."+k)
				if err := walk(); err != nil {
					return err
				}
				path = path[:len(path)-1]
			}
			_, err := dec.Token()
			return err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				path = append(path, "["+strconv.Itoa(i)+"]")
				if err := walk(); err != nil {
					return err
				}
				path = path[:len(path)-1]
			}
			_, err := dec.Token()
			return err
		}
		return nil
	}
	return walk()
}

// Normalized returns a copy of p whose slices and maps are non-nil and
// whose identity fields are set, so that the JSON form has [] and {}
// rather than null.
func (p *Plan) Normalized() Plan {
	n := *p
	n.Format, n.SchemaVersion = Format, SchemaVersion
	if n.Outputs == nil {
		n.Outputs = map[string]any{}
	}
	rs := make([]Resource, len(n.Resources))
	for i, r := range n.Resources {
		if r.DependsOn == nil {
			r.DependsOn = []string{}
		}
		if r.Inputs == nil {
			r.Inputs = map[string]any{}
		}
		rs[i] = r
	}
	n.Resources = rs
	return n
}

// ByURN returns the plan's resources by URN.
func (p *Plan) ByURN() map[string]*Resource {
	out := make(map[string]*Resource, len(p.Resources))
	for i := range p.Resources {
		out[p.Resources[i].URN] = &p.Resources[i]
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Summary lists the options that are set, one phrase each, in a fixed
// order: "protect", "deleteBeforeReplace", "ignoreChanges [a, b]", ...
func (o Options) Summary() []string {
	var out []string
	flag := func(set bool, name string) {
		if set {
			out = append(out, name)
		}
	}
	list := func(l []string, name string) {
		if len(l) > 0 {
			out = append(out, name+" ["+strings.Join(l, ", ")+"]")
		}
	}
	flag(o.Protect, "protect")
	if o.DeleteBeforeReplace != nil {
		out = append(out, fmt.Sprintf("deleteBeforeReplace %t", *o.DeleteBeforeReplace))
	}
	flag(o.RetainOnDelete, "retainOnDelete")
	list(o.IgnoreChanges, "ignoreChanges")
	list(o.ReplaceOnChanges, "replaceOnChanges")
	if o.DeletedWith != "" {
		out = append(out, "deletedWith "+o.DeletedWith)
	}
	list(o.ReplaceWith, "replaceWith")
	list(o.Aliases, "aliases")
	list(o.AdditionalSecretOutputs, "additionalSecretOutputs")
	if t := o.CustomTimeouts; t != nil {
		out = append(out, fmt.Sprintf("customTimeouts {create %q, update %q, delete %q}", t.Create, t.Update, t.Delete))
	}
	if o.Import != "" {
		out = append(out, "import "+o.Import)
	}
	list(o.HideDiffs, "hideDiffs")
	return out
}
