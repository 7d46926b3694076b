package plan

import (
	"encoding/json"
	"fmt"
	"io"
)

// Markers that stand in for values a plan does not show.
const (
	// SecretMarker replaces every secret value: secret inputs and outputs,
	// secure config values and any string containing their plaintext.
	SecretMarker = "[secret]"
	// UnknownMarker replaces a value that is not known until the resource
	// exists. The mock monitor computes placeholders for most of them, so it
	// is rare.
	UnknownMarker = "[unknown]"
)

// Plan is what a program would create for one stack. Its JSON form is the
// output of `berth plan --format json` and the input of `berth diff`.
type Plan struct {
	// Project is the project name from Pulumi.yaml.
	Project string `json:"project"`
	// Stack is the stack name.
	Stack string `json:"stack"`
	// Resources lists every registered resource, custom and component, in
	// the order the program registered them.
	Resources []Resource `json:"resources"`
	// Outputs holds the stack outputs by name, rendered like inputs.
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
	// Parent is the parent's URN, empty for children of the stack.
	Parent string `json:"parent"`
	// DependsOn lists the URNs of the resources this one depends on,
	// explicitly or through its inputs, sorted. Never nil.
	DependsOn []string `json:"dependsOn"`
	// Inputs are the resource's inputs keyed by the provider's property
	// names, as JSON values: secrets are SecretMarker, unknowns
	// UnknownMarker, assets and archives a short description such as
	// `[asset file app/main.go]`. Component resources usually have none.
	// Never nil.
	Inputs map[string]any `json:"inputs"`
}

// WriteJSON writes p as indented JSON followed by a newline. Map keys are
// sorted, so equal plans produce identical bytes.
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p.normalized()); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	return nil
}

// Read decodes a plan written by WriteJSON.
func Read(r io.Reader) (*Plan, error) {
	var p Plan
	// Numbers decode as float64, as they are in a plan that Run returns.
	if err := json.NewDecoder(r).Decode(&p); err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	n := p.normalized()
	return &n, nil
}

// normalized returns a copy of p whose slices and maps are non-nil, so that
// the JSON form has [] and {} rather than null.
func (p *Plan) normalized() Plan {
	n := *p
	if n.Resources == nil {
		n.Resources = []Resource{}
	}
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
