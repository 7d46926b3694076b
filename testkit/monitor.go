package testkit

import (
	"encoding/base64"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/internal/answers"
	"github.com/berth-dev/berth/internal/fakecloud/model"
)

// The default identities of the mock clouds; New's options change them.
const (
	// GCPProject is the default Google Cloud project.
	GCPProject = "berth-mock-project"
	// GCPRegion is the default Google Cloud Region.
	GCPRegion = "us-central1"
	// AWSAccount is the default AWS account ID (the AWS documentation's
	// example account).
	AWSAccount = "123456789012"
	// AWSRegion is the default AWS Region.
	AWSRegion = "us-east-1"
	// AccessToken is the OAuth access token of the mock GCP client config;
	// tests assert that it never leaves the state as plaintext.
	AccessToken = "ya29.mock-access-token"
	// ECRPassword is the password of the mock ECR authorization token;
	// tests assert that it never leaves the state as plaintext.
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
	// Provider is the provider reference ("URN::ID"), empty for the
	// default provider.
	Provider string
	// Options are the resource options that decide what a change does.
	Options Options
	// Inputs are the resource's inputs keyed by provider property names.
	// Secret inputs are resource.Secret values; unknown ones are Computed.
	Inputs resource.PropertyMap
	// ID is the physical ID the monitor gave the resource.
	ID string
	// Outputs is the state the monitor answered with.
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

// Option configures a Monitor.
type Option func(*Monitor)

// WithAWS sets the account and Region of the default AWS provider: the
// ARNs, URLs and invoke answers hold them. Default: AWSAccount, AWSRegion.
func WithAWS(account, region string) Option {
	return func(m *Monitor) { m.aws = model.Config{"account": account, "region": region} }
}

// WithGCP sets the project and Region of the default Google Cloud
// provider. Default: GCPProject, GCPRegion.
func WithGCP(project, region string) Option {
	return func(m *Monitor) { m.gcp = model.Config{"project": project, "region": region, "zone": region + "-a"} }
}

// Monitor is a pulumi.MockResourceMonitor that records every resource and
// answers as the cloud would (see the package documentation). It is safe
// for concurrent use. Create it with New.
type Monitor struct {
	project, stack string
	aws, gcp       model.Config

	mu        sync.Mutex
	resources []Resource
	providers map[string]model.Config
	overrides map[string]map[string]any
	seqs      answers.Sequences
}

var _ pulumi.MockResourceMonitor = (*Monitor)(nil)

// New returns a Monitor for the given project and stack names.
func New(project, stack string, opts ...Option) *Monitor {
	m := &Monitor{project: project, stack: stack, providers: map[string]model.Config{}}
	WithAWS(AWSAccount, AWSRegion)(m)
	WithGCP(GCPProject, GCPRegion)(m)
	for _, o := range opts {
		o(m)
	}
	return m
}

// Run runs program against the monitor and returns the program's error.
// Extra run options (for example configuration) are applied after the testkit.
func (m *Monitor) Run(program pulumi.RunFunc, opts ...pulumi.RunOption) error {
	return pulumi.RunErr(program, append([]pulumi.RunOption{pulumi.WithMocks(m.project, m.stack, m)}, opts...)...)
}

// config returns the configuration of the provider a reference names, or
// of pkg's default provider.
func (m *Monitor) config(ref, pkg string) model.Config {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ref != "" {
		urn := ref
		if i := strings.LastIndex(ref, "::"); i > 0 {
			urn = ref[:i]
		}
		if c, ok := m.providers[urn]; ok {
			return c
		}
		return model.Config{}
	}
	switch pkg {
	case "aws":
		return m.aws
	case "gcp":
		return m.gcp
	}
	return model.Config{}
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
			IgnoreChanges:       slices.Sorted(slices.Values(rpc.GetIgnoreChanges())),
			ReplaceOnChanges:    slices.Sorted(slices.Values(rpc.GetReplaceOnChanges())),
			DeletedWith:         rpc.GetDeletedWith(),
		}
	}
	r.URN = answers.URN(m.stack, m.project, r.Parent, r.Type, r.Name)
	pkg := answers.Package(r.Type)
	if strings.HasPrefix(r.Type, "pulumi:providers:") {
		m.mu.Lock()
		m.providers[r.URN] = answers.ExplicitConfig(pkg, r.Inputs)
		m.mu.Unlock()
	}

	ids := answers.NewFake(r.URN, &m.seqs)
	id, outputs, err := answers.Resource(answers.Request{
		Type: r.Type, Name: r.Name, Custom: r.Custom, Inputs: r.Inputs,
		Config: m.config(r.Provider, pkg), IDs: ids, Platform: "linux/" + runtime.GOARCH,
	})
	if err != nil {
		return "", nil, err
	}
	switch {
	case args.ID != "":
		r.ID = args.ID
	case id.IsString():
		r.ID = id.StringValue()
	case r.Custom:
		// A type the model does not know: an ID drawn like the cloud's.
		s, _ := ids.Generate(model.Hex, 16)
		r.ID = r.Name + "-" + s
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

// Call answers the invokes the components make; any other is an error
// that names it.
func (m *Monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	seed := "invoke:" + args.Token
	out, err := answers.Invoke(args.Token, args.Args, m.config(args.Provider, answers.Package(args.Token)), answers.NewFake(seed, &m.seqs))
	if err != nil {
		return nil, fmt.Errorf("testkit: %w; script it with a monitor of your own around this one", err)
	}
	// Fixed canaries, so that tests can look for them.
	switch args.Token {
	case "gcp:organizations/getClientConfig:getClientConfig":
		out["accessToken"] = resource.NewProperty(AccessToken)
	case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
		out["password"] = resource.NewProperty(ECRPassword)
		out["authorizationToken"] = resource.NewProperty(base64.StdEncoding.EncodeToString([]byte("AWS:" + ECRPassword)))
	case "aws:index/getCallerIdentity:getCallerIdentity":
		if a := out["accountId"]; a.IsString() {
			out["arn"] = resource.NewProperty("arn:aws:iam::" + a.StringValue() + ":user/testkit")
			out["userId"] = resource.NewProperty("AIDATESTKIT")
		}
	}
	return out, nil
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
