// Package testkit is the recording Pulumi mock monitor that berth's own
// component tests and the offline `berth plan` use.
//
// Monitor keeps every registered resource (type, name, URN, parent,
// dependencies, inputs) in registration order and answers each resource with
// its inputs plus deterministic values for the outputs a cloud would compute:
// realistic where they follow from the inputs (a service account's email, an
// ECR repository URL, a Cloud Run service ID) and a recognizable placeholder
// `${logicalName.property}` where they do not. Invokes used by the components
// (GCP client config, ECR authorization token, AWS caller identity) return
// fixed, realistic values; any other invoke is an error that names it, so a
// test cannot silently depend on an unmocked cloud call.
//
// Usage:
//
//	m := testkit.New("berth", "test")
//	err := m.Run(func(ctx *pulumi.Context) error { ... })
//	sa := m.One(t, "gcp:serviceaccount/account:Account")
package testkit

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Fixed identities the mock answers with when a resource's inputs do not name
// its own project, region or account.
const (
	// GCPProject is the project ID of the mock GCP client config.
	GCPProject = "berth-mock-project"
	// GCPRegion is the region of the mock GCP client config.
	GCPRegion = "us-central1"
	// AWSAccount is the account ID of the mock AWS caller identity.
	AWSAccount = "123456789012"
	// AWSRegion is the region of the mock AWS provider.
	AWSRegion = "us-east-1"
	// AccessToken is the fake OAuth access token of the mock GCP client
	// config; tests assert it never leaves the state as plaintext.
	AccessToken = "ya29.mock-access-token"
	// ECRPassword is the fake password of the mock ECR authorization token.
	ECRPassword = "mock-ecr-password"
)

// Resource is one registered resource as the engine received it.
type Resource struct {
	// URN is the resource's URN, computed as the engine does.
	URN string
	// Type is the Pulumi type token, for example `gcp:cloudrunv2/service:Service`.
	Type string
	// Name is the logical name.
	Name string
	// Custom is false for component resources.
	Custom bool
	// Parent is the parent's URN, empty for children of the stack.
	Parent string
	// Dependencies lists the URNs the resource depends on, explicit and
	// through its inputs, sorted.
	Dependencies []string
	// Provider is the provider reference, if any.
	Provider string
	// Options are the resource options that decide what a change does.
	Options Options
	// Inputs are the resource's inputs keyed by provider property names.
	// Secret inputs are resource.Secret values; unknown ones are Computed.
	Inputs resource.PropertyMap
	// ID is the mock physical ID given to the resource.
	ID string
	// Outputs is the state the mock answered with.
	Outputs resource.PropertyMap
}

// Options are the lifecycle options a resource was registered with, as the
// engine receives them.
type Options struct {
	// Protect refuses to delete the resource.
	Protect bool
	// DeleteBeforeReplace deletes the old resource before its replacement
	// is created.
	DeleteBeforeReplace bool
	// RetainOnDelete leaves the cloud resource in place when Pulumi deletes
	// it.
	RetainOnDelete bool
	// IgnoreChanges lists input paths whose changes are ignored, sorted.
	IgnoreChanges []string
	// ReplaceOnChanges lists input paths whose changes force a replacement,
	// sorted.
	ReplaceOnChanges []string
	// DeletedWith is the URN whose deletion deletes this resource too.
	DeletedWith string
}

// Monitor is a pulumi.MockResourceMonitor that records every resource. It is
// safe for concurrent use. Create it with New.
type Monitor struct {
	project, stack string

	mu        sync.Mutex
	resources []Resource
	overrides map[string]map[string]any
}

var _ pulumi.MockResourceMonitor = (*Monitor)(nil)

// New returns a Monitor for the given project and stack names.
func New(project, stack string) *Monitor {
	return &Monitor{project: project, stack: stack}
}

// Run runs program against the monitor and returns the program's error.
// Extra run options (for example configuration) are applied after the testkit.
func (m *Monitor) Run(program pulumi.RunFunc, opts ...pulumi.RunOption) error {
	return pulumi.RunErr(program, append([]pulumi.RunOption{pulumi.WithMocks(m.project, m.stack, m)}, opts...)...)
}

// NewResource records the resource and answers with its outputs.
func (m *Monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := Resource{
		Type:     args.TypeToken,
		Name:     args.Name,
		Custom:   args.Custom,
		Provider: args.Provider,
		Inputs:   args.Inputs.Copy(),
	}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Parent = rpc.GetParent()
		deps := map[string]bool{}
		for _, d := range rpc.GetDependencies() {
			deps[d] = true
		}
		for _, pd := range rpc.GetPropertyDependencies() {
			for _, d := range pd.GetUrns() {
				deps[d] = true
			}
		}
		for d := range deps {
			r.Dependencies = append(r.Dependencies, d)
		}
		sort.Strings(r.Dependencies)
		r.Options = Options{
			Protect:             rpc.GetProtect(),
			DeleteBeforeReplace: rpc.GetDeleteBeforeReplace(),
			RetainOnDelete:      rpc.GetRetainOnDelete(),
			IgnoreChanges:       sorted(rpc.GetIgnoreChanges()),
			ReplaceOnChanges:    sorted(rpc.GetReplaceOnChanges()),
			DeletedWith:         rpc.GetDeletedWith(),
		}
	}
	r.URN = m.urn(r.Parent, r.Type, r.Name)

	r.ID = args.ID
	outputs := args.Inputs.Copy()
	if r.Custom {
		c := computed{r: &r}
		if r.ID == "" {
			r.ID = c.id()
		}
		for key, value := range c.outputs() {
			if _, set := outputs[resource.PropertyKey(key)]; !set {
				outputs[resource.PropertyKey(key)] = value
			}
		}
	}
	m.mu.Lock()
	for key, value := range m.overrides[r.Type] {
		outputs[resource.PropertyKey(key)] = resource.NewPropertyValue(value)
	}
	r.Outputs = outputs
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	return r.ID, outputs, nil
}

// SetOutputs makes every later resource of type typ answer with outputs in
// place of the computed values of the same keys, to script what a cloud
// reports: a rolled-back deployment, a missing digest. Values are plain Go
// values as resource.NewPropertyValue takes them.
func (m *Monitor) SetOutputs(typ string, outputs map[string]any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.overrides == nil {
		m.overrides = map[string]map[string]any{}
	}
	m.overrides[typ] = outputs
}

// Call answers the invokes the components make.
func (m *Monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if answer, ok := invokes[args.Token]; ok {
		return resource.NewPropertyMapFromMap(answer), nil
	}
	return nil, fmt.Errorf("testkit: no answer for invoke %q; add one to invokes in testkit/invokes.go", args.Token)
}

// Resources returns every recorded resource in registration order.
func (m *Monitor) Resources() []Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Resource(nil), m.resources...)
}

// ByType returns the recorded resources of one type token.
func (m *Monitor) ByType(typ string) []Resource {
	var out []Resource
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// One returns the only resource of type typ and fails the test when there is
// not exactly one.
func (m *Monitor) One(t testing.TB, typ string) Resource {
	t.Helper()
	rs := m.ByType(typ)
	if len(rs) != 1 {
		t.Fatalf("want exactly one %s, got %d", typ, len(rs))
	}
	return rs[0]
}

// Named returns the resource with type typ and logical name name and fails
// the test when there is none.
func (m *Monitor) Named(t testing.TB, typ, name string) Resource {
	t.Helper()
	for _, r := range m.ByType(typ) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s named %q", typ, name)
	return Resource{}
}

// sorted returns a sorted copy of s, nil when s is empty.
func sorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// urn computes a URN the way the Pulumi engine and its mock monitor do.
func (m *Monitor) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// Placeholder is the recognizable stand-in for an output the cloud computes
// and the inputs do not determine.
func Placeholder(name, property string) string {
	return "${" + name + "." + property + "}"
}
