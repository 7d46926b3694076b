package testkit

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/berth-dev/berth/internal/monitor"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
	"github.com/berth-dev/berth/internal/stackconfig"
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

// Resource is one registered resource as the engine received it, and what
// the monitor answered: URN, type, logical name, parent (the stack's URN
// for children of the stack), dependencies, lifecycle options, inputs
// (secrets as resource.Secret values, unknowns as Computed), ID and
// outputs. It is the record `berth plan` keeps too.
type Resource = monitor.Resource

// Options are the lifecycle options a resource was registered with, as the
// engine receives them. DeleteBeforeReplace is nil when the program left
// it to the provider.
type Options = plan.Options

// Option configures a Monitor.
type Option func(*Monitor)

// WithAWS sets the account and Region of the default AWS provider, as the
// stack configuration aws:allowedAccountIds and aws:region would: the ARNs,
// URLs and invoke answers hold them. Default: AWSAccount, AWSRegion.
func WithAWS(account, region string) Option {
	return func(m *Monitor) {
		m.config["aws:allowedAccountIds"] = fmt.Sprintf("[%q]", account)
		m.config["aws:region"] = region
	}
}

// WithGCP sets the project and Region of the default Google Cloud
// provider, as gcp:project and gcp:region would. Default: GCPProject,
// GCPRegion.
func WithGCP(project, region string) Option {
	return func(m *Monitor) {
		m.config["gcp:project"] = project
		m.config["gcp:region"] = region
		m.config["gcp:zone"] = region + "-a"
	}
}

// WithConfig adds stack configuration values by full key ("berth:cloud",
// "aws:region"): the program reads them, and the default providers are
// configured by theirs. Default: none beyond WithAWS and WithGCP.
func WithConfig(values map[string]string) Option {
	return func(m *Monitor) {
		for k, v := range values {
			m.config[k] = v
		}
	}
}

// WithInvoke answers the function tok, which berth's provider model does
// not answer, with answer. Default: such an invoke fails, naming it.
func WithInvoke(tok string, answer func(args resource.PropertyMap) (resource.PropertyMap, error)) Option {
	return func(m *Monitor) { m.invokes[tok] = answer }
}

// WithStackOutputs gives the outputs of the stack a stack reference names
// (name as pulumi.NewStackReference is given it). Default: a referenced
// stack's outputs are unknown.
func WithStackOutputs(name string, outputs map[string]any) Option {
	return func(m *Monitor) { m.stacks[name] = resource.NewPropertyMapFromMap(outputs) }
}

// Monitor runs a program against berth's engine and records every
// registration, answering as the cloud would (see the package
// documentation). Create it with New or ForStack; one Monitor serves one
// program run. It is safe for concurrent use.
type Monitor struct {
	project, stack string
	config         map[string]string
	secretKeys     []string
	rootDir        string
	invokes        map[string]func(resource.PropertyMap) (resource.PropertyMap, error)
	stacks         map[string]resource.PropertyMap

	mu        sync.Mutex
	overrides map[string]map[string]any
	seqs      providers.Sequences
	mon       *monitor.Monitor
}

// New returns a Monitor for the given project and stack names. The
// program's working directory, against which a provider resolves relative
// paths (a Docker build context), is the test's.
func New(project, stack string, opts ...Option) *Monitor {
	wd, _ := os.Getwd()
	return newMonitor(project, stack, wd, opts...)
}

// newMonitor returns a Monitor whose program runs in dir.
func newMonitor(project, stack, dir string, opts ...Option) *Monitor {
	m := &Monitor{project: project, stack: stack, config: map[string]string{},
		invokes: map[string]func(resource.PropertyMap) (resource.PropertyMap, error){}, stacks: map[string]resource.PropertyMap{}}
	WithAWS(AWSAccount, AWSRegion)(m)
	WithGCP(GCPProject, GCPRegion)(m)
	for _, o := range opts {
		o(m)
	}
	m.mon = monitor.New(monitor.Options{
		Project: project, Stack: stack, Config: m.config, Dir: dir,
		IDs: func(urn string) providers.IDs { return providers.NewFake(urn, &m.seqs) },
		Seed: func(urn string) []byte {
			sum := sha256.Sum256([]byte(urn))
			return sum[:]
		},
		StackOutputs: func(name string) (resource.PropertyMap, bool, error) {
			outs, ok := m.stacks[name]
			return outs, ok, nil
		},
		Invokes:  m.invokes,
		Answered: m.answered,
		Invoked:  canaries,
	})
	return m
}

// ForStack returns a Monitor for the stack of the Pulumi project in dir
// (Pulumi.yaml, found from dir upwards) with the stack's own configuration,
// read from Pulumi.<stack>.yaml as the Pulumi CLI reads it (project
// defaults, secure values decrypted with $PULUMI_CONFIG_PASSPHRASE when
// set). The stack's aws: and gcp: settings configure the default providers;
// what it leaves out comes from WithAWS and WithGCP's defaults. opts apply
// after the stack's values. The program's working directory is the
// project's program directory (Pulumi.yaml's main), as under the CLI.
func ForStack(dir, stack string, opts ...Option) (*Monitor, error) {
	lo := stackconfig.LoadOptions{Dir: dir, Stack: stack}
	if p, ok := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE"); ok {
		lo.Passphrase = &p
	}
	cfg, err := stackconfig.LoadConfig(lo)
	if err != nil {
		return nil, fmt.Errorf("testkit: loading stack %s: %w", stack, err)
	}
	m := newMonitor(cfg.Project, cfg.Stack, cfg.ProgramDirectory, append([]Option{WithConfig(cfg.Values)}, opts...)...)
	m.secretKeys = cfg.SecretKeys
	m.rootDir = cfg.RootDirectory
	return m, nil
}

// Run runs program against the monitor and returns the program's error, as
// `pulumi up` would run it (ctx.DryRun() false), over the engine's gRPC
// protocol: transforms, stack references, aliases and explicit providers
// behave as under the engine. Extra run options apply after the testkit's.
func (m *Monitor) Run(program pulumi.RunFunc, opts ...pulumi.RunOption) error {
	addr, stop, err := m.mon.Serve()
	if err != nil {
		return err
	}
	defer stop()
	config := map[string]string{}
	for k, v := range m.config {
		config[k] = v
	}
	base := func(info *pulumi.RunInfo) {
		info.Project, info.Stack = m.project, m.stack
		info.Config, info.ConfigSecretKeys = config, m.secretKeys
		info.MonitorAddr, info.EngineAddr = addr, addr
		info.Organization = monitor.Organization
		info.RootDirectory = m.rootDir
		info.Mocks, info.DryRun = nil, false
	}
	return pulumi.RunErr(program, append([]pulumi.RunOption{base}, opts...)...)
}

// answered applies scripted outputs and refuses a custom resource whose
// type berth's provider model does not know and whose outputs the test has
// not scripted: its outputs would be guesses (an empty ARN makes a policy
// read "Resource":"/*" and pass).
func (m *Monitor) answered(r *Resource) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	scripted, ok := m.overrides[r.Type]
	if !r.Modelled && r.Custom && !ok {
		return fmt.Errorf("testkit: %s %q: berth's provider model does not know %s, so its outputs cannot be known; "+
			"script them with Monitor.SetOutputs(%q, ...) (modelled types: internal/providers)", r.Type, r.Name, r.Type, r.Type)
	}
	for key, value := range scripted {
		r.Outputs[resource.PropertyKey(key)] = resource.NewPropertyValue(value)
	}
	if !r.Modelled && r.Custom && r.ID == "" {
		s, _ := providers.NewFake(r.URN, nil).Generate(providers.Hex, 16)
		r.ID = r.Name + "-" + s
	}
	return nil
}

// canaries puts the fixed credentials in the invokes that hand them out,
// so that tests can look for them. Like the providers' (see
// internal/providers invokes), they are not marked secret.
func canaries(tok string, out resource.PropertyMap) {
	switch tok {
	case providers.GetClientConfig:
		out["accessToken"] = resource.NewProperty(AccessToken)
	case providers.GetAuthorizationToken:
		out["password"] = resource.NewProperty(ECRPassword)
		out["authorizationToken"] = resource.NewProperty(base64.StdEncoding.EncodeToString([]byte("AWS:" + ECRPassword)))
	}
}

// SetOutputs makes every later resource of type typ answer with outputs in
// place of the computed values of the same keys, to script what a cloud
// reports (a rolled-back deployment, a missing digest) or the outputs of a
// type berth's provider model does not know. Values are plain Go values as
// resource.NewPropertyValue takes them.
func (m *Monitor) SetOutputs(typ string, outputs map[string]any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.overrides == nil {
		m.overrides = map[string]map[string]any{}
	}
	m.overrides[typ] = outputs
}

// NewResource answers a registration made through pulumi.WithMocks (the
// Pulumi SDK's mock monitor, which pulumi-go-provider's integration server
// uses too), as Run would: it is the same engine. The mock monitor runs no
// transforms.
func (m *Monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	ctx := context.Background()
	if rpc := args.ReadRPC; rpc != nil {
		resp, err := m.mon.ReadResource(ctx, rpc)
		if err != nil {
			return "", nil, err
		}
		state, err := unmarshal(resp.GetProperties())
		return args.ID, state, err
	}
	rpc := args.RegisterRPC
	if rpc == nil {
		return "", nil, fmt.Errorf("testkit: registration of %s %q without its request", args.TypeToken, args.Name)
	}
	resp, err := m.mon.RegisterResource(ctx, rpc)
	if err != nil {
		return "", nil, err
	}
	state, err := unmarshal(resp.GetObject())
	return resp.GetId(), state, err
}

// Call answers an invoke made through pulumi.WithMocks, as Run would.
func (m *Monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	in, err := plugin.MarshalProperties(args.Args, plugin.MarshalOptions{KeepSecrets: true, KeepResources: true, KeepUnknowns: true})
	if err != nil {
		return nil, err
	}
	resp, err := m.mon.Invoke(context.Background(), &pulumirpc.ResourceInvokeRequest{Tok: args.Token, Args: in, Provider: args.Provider, AcceptResources: true})
	if err != nil {
		return nil, err
	}
	return unmarshal(resp.GetReturn())
}

var _ pulumi.MockResourceMonitor = (*Monitor)(nil)

// unmarshal reads a state the engine sent, secrets and unknowns kept.
func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(s, plugin.MarshalOptions{KeepSecrets: true, KeepResources: true, KeepUnknowns: true})
}

// Warnings returns what the program logged as warnings (ctx.Log.Warn, the
// SDK's own), in order.
func (m *Monitor) Warnings() []string {
	return m.mon.Result().Warnings
}

// LogErrors returns what the program logged as errors (ctx.Log.Error,
// validate.All), in order.
func (m *Monitor) LogErrors() []string {
	return m.mon.Result().LogErrors
}

// Resources returns every recorded resource in registration order, with
// Parent empty for children of the stack.
func (m *Monitor) Resources() []Resource {
	run := m.mon.Result()
	out := make([]Resource, 0, len(run.Order))
	for _, u := range run.Order {
		r := *run.Resources[u]
		if p := resource.URN(r.Parent); p != "" && p.QualifiedType() == resource.RootStackType {
			r.Parent = ""
		}
		out = append(out, r)
	}
	return out
}

// Unmodelled returns the types of the recorded custom resources berth's
// provider model does not know, sorted: their outputs are the test's
// scripts (SetOutputs), not the model's.
func (m *Monitor) Unmodelled() []string {
	var out []string
	for _, r := range m.Resources() {
		if r.Custom && !r.Modelled && !r.Read {
			out = append(out, r.Type)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
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
