package monitor

import (
	"context"
	"fmt"
	"maps"
	"net"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// EngineVersion is the Pulumi engine whose protocol the monitor serves: the
// version of the Go SDK berth is built with. A program's
// RequirePulumiVersion is checked against it.
const EngineVersion = "3.274.1"

// Organization is what a self-managed backend calls the organization (the
// Pulumi SDK's default, pulumi.Context.Organization).
const Organization = "organization"

// maxMessage is the largest gRPC message accepted, as the Pulumi engine
// accepts (sdk/go/common/util/rpcutil GrpcChannelOptions: 400 MiB).
const maxMessage = 400 * 1024 * 1024

// features are the resource monitor features the monitor supports, which
// the SDK asks for with GetDeploymentInfo (and, before that RPC existed,
// with SupportsFeature by the legacy names in the map's values). Output
// values (only remote components receive them) and invoke transforms are
// not supported.
var features = map[pulumirpc.ResourceMonitorFeature]string{
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_SECRETS:             "secrets",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES: "resourceReferences",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_ALIAS_SPECS:         "aliasSpecs",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_DELETED_WITH:        "deletedWith",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_REPLACE_WITH:        "replaceWith",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_TRANSFORMS:          "transforms",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_PARAMETERIZATION:    "parameterization",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_RESOURCE_HOOKS:      "resourceHooks",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_ERROR_HOOKS:         "errorHooks",
}

// Resource is one registration as the engine received it, and what it
// answered.
type Resource struct {
	// URN is the resource's URN as the engine computes it.
	URN string
	// Type is the Pulumi type token, such as `gcp:cloudrunv2/service:Service`.
	Type string
	// Name is the logical name.
	Name string
	// Custom is false for component resources.
	Custom bool
	// Read is true for a resource the program reads instead of managing
	// (ctx.ReadResource, `Get<Resource>` functions, stack references).
	Read bool
	// ID is the physical ID: a read resource's, or the one answered; empty
	// when unknown.
	ID string
	// Parent is the parent's URN; the stack's for children of the stack.
	Parent string
	// Provider is the URN of the explicit provider that manages the
	// resource, empty for the default provider.
	Provider string
	// Dependencies lists the URNs the resource depends on, explicitly and
	// through its inputs, sorted.
	Dependencies []string
	// InputDependencies lists, per top-level input, the URNs its value
	// comes from, sorted; inputs without any are left out.
	InputDependencies map[string][]string
	// Options are the lifecycle options the program gave.
	Options plan.Options
	// Inputs are the inputs keyed by the provider's property names, after
	// the transforms. Secret inputs are resource.Secret values; unknown
	// ones Computed.
	Inputs resource.PropertyMap
	// Outputs is the state the engine answered with.
	Outputs resource.PropertyMap
	// Modelled says the provider model knows the type (or the resource is
	// a component or provider); an unmodelled custom resource is answered
	// with its inputs and unknown outputs.
	Modelled bool
}

// Options configure a Monitor.
type Options struct {
	// Project and Stack name the stack the program runs in. Required.
	Project, Stack string
	// Config holds the stack's configuration values by full key
	// ("aws:region"), which configure the default providers.
	Config map[string]string
	// Dir is the program's working directory, against which a provider
	// resolves relative paths (a Docker build context). Default: the
	// current directory.
	Dir string
	// Platform is the Docker engine's platform, the default of an image
	// build's platform. Default: linux and this machine's architecture,
	// such as "linux/amd64".
	Platform string
	// DryRun says the program runs as a preview (ctx.DryRun() true).
	DryRun bool
	// IDs returns the source of what the cloud invents for the resource or
	// invoke of a URN. Default: providers.Unknown, for every URN.
	IDs func(urn string) providers.IDs
	// Seed returns the engine's random seed for a registration, from which
	// the bridge draws autonames. Default: none.
	Seed func(urn string) []byte
	// StackOutputs returns the outputs of the stack a stack reference
	// names, whether they are known, and why a stack that should be
	// readable is not. Default: never known.
	StackOutputs func(name string) (resource.PropertyMap, bool, error)
	// Invokes answer functions the provider model does not, by token.
	Invokes map[string]func(args resource.PropertyMap) (resource.PropertyMap, error)
	// Answered, when set, sees each answered resource before the program
	// gets its state, and may change the state or refuse the resource
	// (testkit's SetOutputs, and its refusal of unmodelled types).
	Answered func(r *Resource) error
	// Invoked, when set, sees each invoke's result before the program
	// gets it, and may change it (testkit's fixed credentials).
	Invoked func(tok string, result resource.PropertyMap)
}

// Monitor serves the engine's ResourceMonitor and Engine services to one
// program run, recording every registration. Create it with New. It is
// safe for concurrent use.
type Monitor struct {
	pulumirpc.UnimplementedResourceMonitorServer
	pulumirpc.UnimplementedEngineServer

	opts Options

	mu        sync.Mutex
	connected bool
	// stackDone and shutdown record the two calls with which the Go SDK
	// ends a run; see Run.
	stackDone, shutdown bool
	stackURN            string
	rootURN             string
	resources           map[string]*Resource
	// pending holds the URNs of registrations under way.
	pending map[string]bool
	// claims holds what the resources claim in the cloud (their physical
	// names in their scope, providers.Type.Unique), with the claimant's
	// URN.
	claims map[string]string
	// order lists the URNs in the order they were recorded.
	order     []string
	providers map[string]providers.Config
	outputs   resource.PropertyMap
	// transforms hold the transform callbacks of each resource, by URN;
	// stackTransforms those of the stack.
	transforms      map[string][]*pulumirpc.Callback
	stackTransforms []*pulumirpc.Callback
	// callbackConns are the connections to the program's callback
	// servers, by target.
	callbackConns map[string]*grpc.ClientConn
	// problems are what the engine rejected or could not answer, in the
	// order they happened.
	problems []string
	// logErrors and warnings are what the program logged.
	logErrors, warnings []string
}

// New returns a monitor for one run.
func New(opts Options) *Monitor {
	if opts.IDs == nil {
		opts.IDs = func(string) providers.IDs { return providers.Unknown{} }
	}
	if opts.Platform == "" {
		opts.Platform = "linux/" + runtime.GOARCH
	}
	return &Monitor{
		opts:          opts,
		resources:     map[string]*Resource{},
		pending:       map[string]bool{},
		claims:        map[string]string{},
		providers:     map[string]providers.Config{},
		transforms:    map[string][]*pulumirpc.Callback{},
		callbackConns: map[string]*grpc.ClientConn{},
	}
}

// Serve starts serving on a loopback port and returns its address and a
// function that stops the server and closes its connections to the
// program.
func (m *Monitor) Serve() (string, func(), error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("starting the engine: %w", err)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessage), grpc.MaxSendMsgSize(maxMessage))
	pulumirpc.RegisterResourceMonitorServer(srv, m)
	pulumirpc.RegisterEngineServer(srv, m)
	go func() { _ = srv.Serve(lis) }()
	return lis.Addr().String(), func() { srv.Stop(); m.closeCallbacks() }, nil
}

// Run is what the program did: its registrations and what it said.
type Run struct {
	// Resources are the registered resources, by URN.
	Resources map[string]*Resource
	// Order lists the URNs of Resources in the order they were
	// answered, which varies from run to run: the Go SDK registers each
	// resource from a goroutine of its own.
	Order []string
	// StackURN is the URN of the stack's root resource; empty when the
	// program never registered it.
	StackURN string
	// Outputs are the stack's outputs.
	Outputs resource.PropertyMap
	// Connected says the program reached the engine.
	Connected bool
	// StackDone says the program registered the stack's outputs, which
	// every Go SDK does once the program's body has returned (sdk/v3
	// v3.274.1 go/pulumi/run.go:149, v3.129.0 run.go:127), even before
	// its resources are all registered.
	StackDone bool
	// Shutdown says the program signalled its end: the Go SDK does after
	// every registration of a run without error has finished, since
	// v3.182.0 (v3.274.1 go/pulumi/run.go:105-121; v3.181.0 has no such
	// call).
	Shutdown bool
	// Problems are what the engine rejected or could not answer.
	Problems []string
	// LogErrors and Warnings are what the program logged.
	LogErrors, Warnings []string
}

// Result returns a snapshot of the run so far.
func (m *Monitor) Result() Run {
	m.mu.Lock()
	defer m.mu.Unlock()
	rs := make(map[string]*Resource, len(m.resources))
	for k, v := range m.resources {
		c := *v
		rs[k] = &c
	}
	return Run{
		Resources: rs, Order: slices.Clone(m.order), StackURN: m.stackURN, Outputs: m.outputs.Copy(), Connected: m.connected,
		StackDone: m.stackDone, Shutdown: m.shutdown,
		Problems: slices.Clone(m.problems), LogErrors: slices.Clone(m.logErrors), Warnings: slices.Clone(m.warnings),
	}
}

// problem records what went wrong and returns it as the RPC's error, so
// that the program fails as it would under the engine.
func (m *Monitor) problem(code codes.Code, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	m.mu.Lock()
	m.problems = append(m.problems, msg)
	m.mu.Unlock()
	return status.Error(code, msg)
}

func (m *Monitor) warn(format string, args ...any) {
	m.mu.Lock()
	m.warnings = append(m.warnings, fmt.Sprintf(format, args...))
	m.mu.Unlock()
}

var unmarshalOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}

func marshal(m resource.PropertyMap, secrets, resources bool) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: secrets, KeepResources: resources})
}

// GetDeploymentInfo tells the SDK the stack and the supported features.
func (m *Monitor) GetDeploymentInfo(context.Context, *emptypb.Empty) (*pulumirpc.DeploymentInfo, error) {
	m.mu.Lock()
	m.connected = true
	m.mu.Unlock()
	info := &pulumirpc.DeploymentInfo{Project: m.opts.Project, Stack: m.opts.Stack, Organization: Organization, DryRun: m.opts.DryRun}
	for f := range features {
		info.SupportedFeatures = append(info.SupportedFeatures, f)
	}
	sort.Slice(info.SupportedFeatures, func(i, j int) bool { return info.SupportedFeatures[i] < info.SupportedFeatures[j] })
	return info, nil
}

// SupportsFeature answers the legacy feature query.
func (m *Monitor) SupportsFeature(_ context.Context, req *pulumirpc.SupportsFeatureRequest) (*pulumirpc.SupportsFeatureResponse, error) {
	m.mu.Lock()
	m.connected = true
	m.mu.Unlock()
	for _, id := range features {
		if id == req.GetId() {
			return &pulumirpc.SupportsFeatureResponse{HasSupport: true}, nil
		}
	}
	return &pulumirpc.SupportsFeatureResponse{}, nil
}

// providerConfig returns the configuration of the provider a reference
// ("URN::ID") names, or of package pkg's default provider.
func (m *Monitor) providerConfig(ref, pkg string) providers.Config {
	if ref == "" {
		return providers.DefaultConfig(pkg, m.opts.Config)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.providers[providerURN(ref)]; ok {
		return c
	}
	return providers.Config{}
}

// providerURN is the URN part of a provider reference "URN::ID".
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 {
		return ref[:i]
	}
	return ref
}

// urn is the URN the engine gives a registration in this stack
// (providers.URN).
func (m *Monitor) urn(parent, typ, name string) string {
	return providers.URN(m.opts.Stack, m.opts.Project, parent, typ, name)
}

// RegisterResource records a resource, runs its transforms, and answers it
// with the outputs the provider model computes.
func (m *Monitor) RegisterResource(ctx context.Context, req *pulumirpc.RegisterResourceRequest) (*pulumirpc.RegisterResourceResponse, error) {
	if req.GetType() == providers.RootStack && req.GetParent() == "" {
		urn := m.urn("", req.GetType(), req.GetName())
		m.mu.Lock()
		m.stackURN, m.connected = urn, true
		if m.rootURN == "" {
			m.rootURN = urn
		}
		m.mu.Unlock()
		return &pulumirpc.RegisterResourceResponse{Urn: urn}, nil
	}
	urn := m.urn(req.GetParent(), req.GetType(), req.GetName())
	req, err := m.transform(ctx, req, urn)
	if err != nil {
		return nil, m.problem(codes.Unknown, "resource %s: running its transforms: %v", urn, err)
	}
	inputs, err := plugin.UnmarshalProperties(req.GetObject(), unmarshalOpts)
	if err != nil {
		return nil, m.problem(codes.InvalidArgument, "resource %s: reading its inputs: %v", urn, err)
	}
	r := &Resource{
		URN: urn, Type: req.GetType(), Name: req.GetName(), Parent: req.GetParent(),
		Custom: req.GetCustom(), Inputs: inputs,
		Dependencies:      dependencies(req.GetDependencies(), req.GetPropertyDependencies()),
		InputDependencies: inputDependencies(req.GetPropertyDependencies()),
		Options:           m.options(req, urn),
	}
	if req.GetProvider() != "" {
		r.Provider = providerURN(req.GetProvider())
	}
	if err := m.reserve(urn); err != nil {
		return nil, err
	}
	published := false
	defer func() {
		if !published {
			m.release(urn)
		}
	}()
	if len(req.GetTransforms()) > 0 {
		m.mu.Lock()
		m.transforms[urn] = req.GetTransforms()
		m.mu.Unlock()
	}
	if req.GetRemote() {
		m.warn("resource %s: %s is a remote component, whose provider cannot run offline: its children are not recorded", req.GetName(), req.GetType())
	}
	pkg := providers.Package(r.Type)
	if strings.HasPrefix(r.Type, providers.ProviderPrefix) {
		m.mu.Lock()
		m.providers[urn] = providers.ExplicitConfig(pkg, inputs)
		m.mu.Unlock()
	}
	ans, err := providers.Answer(providers.Request{
		Type: r.Type, Name: r.Name, Custom: r.Custom, Inputs: inputs,
		Config: m.providerConfig(req.GetProvider(), pkg), IDs: m.opts.IDs(urn), Seed: m.seed(urn),
		Dir: m.opts.Dir, Platform: m.opts.Platform,
	})
	if err != nil {
		return nil, m.problem(codes.InvalidArgument, "%v", err)
	}
	r.Outputs, r.Modelled = ans.State, ans.Modelled
	if id, ok := knownID(ans.ID); ok {
		r.ID = id
	}
	if err := m.claim(r, req.GetProvider(), pkg); err != nil {
		return nil, err
	}
	if m.opts.Answered != nil {
		if err := m.opts.Answered(r); err != nil {
			return nil, m.problem(codes.FailedPrecondition, "%v", err)
		}
	}
	obj, err := marshal(r.Outputs, req.GetAcceptSecrets(), req.GetAcceptResources())
	if err != nil {
		return nil, m.problem(codes.Internal, "resource %s: writing its outputs: %v", urn, err)
	}
	m.publish(r)
	published = true
	return &pulumirpc.RegisterResourceResponse{Urn: urn, Id: r.ID, Object: obj}, nil
}

// scopeKeys are the provider configuration keys that scope physical names;
// a provider without one is given a scope of its own, so that two
// providers of unknown accounts never seem to share one.
var scopeKeys = []string{"account", "project"}

// claim records what r claims in the cloud (providers.Type.UniqueKeys:
// a name per account and Region, per project, per cluster), refusing a
// claim another resource of the plan holds: the cloud would refuse the
// second create. A resource read or imported claims nothing new, and one
// whose inputs are not all known cannot be checked.
func (m *Monitor) claim(r *Resource, provider, pkg string) error {
	t, ok := providers.Lookup(r.Type)
	if !ok || !r.Custom || r.Read || r.Options.Import != "" || r.Inputs.ContainsUnknowns() {
		return nil
	}
	cfg := maps.Clone(m.providerConfig(provider, pkg))
	if cfg == nil {
		cfg = providers.Config{}
	}
	for _, k := range scopeKeys {
		if _, ok := cfg[k]; !ok {
			cfg[k] = "(the " + k + " of provider " + or(providerURN(provider), "default "+pkg) + ")"
		}
	}
	keys := t.UniqueKeys(&providers.Ctx{In: r.Outputs, Config: cfg, IDs: providers.Unknown{}})
	m.mu.Lock()
	var clash error
	for _, k := range keys {
		if other, taken := m.claims[k.Key]; taken && other != r.URN {
			clash = fmt.Errorf("resources %s and %s both claim %s: the cloud refuses the second create (%s); give them different names", other, r.URN, k.Key, k.Err)
			break
		}
	}
	if clash == nil {
		for _, k := range keys {
			m.claims[k.Key] = r.URN
		}
	}
	m.mu.Unlock()
	if clash != nil {
		return m.problem(codes.AlreadyExists, "%v", clash)
	}
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// seed is the engine's random seed for a registration.
func (m *Monitor) seed(urn string) []byte {
	if m.opts.Seed == nil {
		return nil
	}
	return m.opts.Seed(urn)
}

// knownID returns an answered ID that is known.
func knownID(v resource.PropertyValue) (string, bool) {
	if v.IsString() && v.StringValue() != "" {
		return v.StringValue(), true
	}
	return "", false
}

// add records r, refusing a URN registered before as the engine does.
func (m *Monitor) add(r *Resource) error {
	if err := m.reserve(r.URN); err != nil {
		return err
	}
	m.publish(r)
	return nil
}

// reserve claims urn for a registration under way, refusing a URN
// registered before as the engine does.
func (m *Monitor) reserve(urn string) error {
	m.mu.Lock()
	_, dup := m.resources[urn]
	dup = dup || m.pending[urn]
	if !dup {
		m.pending[urn] = true
	}
	m.mu.Unlock()
	if dup {
		// The engine's message ([SDK] go/common/diag/errors.go:32-34,
		// GetDuplicateResourceURNError; [PKG] step_generator.go:311-325).
		return m.problem(codes.AlreadyExists, "Duplicate resource URN '%s'; try giving it a unique name", urn)
	}
	return nil
}

// publish records a reserved registration once it is complete.
func (m *Monitor) publish(r *Resource) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.pending, r.URN)
	m.resources[r.URN] = r
	m.order = append(m.order, r.URN)
}

// release gives up a reservation whose registration failed.
func (m *Monitor) release(urn string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.pending, urn)
}

// dependencies merges a registration's explicit and per-property
// dependencies, sorted and once each.
func dependencies(deps []string, props map[string]*pulumirpc.RegisterResourceRequest_PropertyDependencies) []string {
	set := map[string]bool{}
	for _, d := range deps {
		set[d] = true
	}
	for _, pd := range props {
		for _, d := range pd.GetUrns() {
			set[d] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// inputDependencies returns each input's dependencies, sorted, leaving out
// inputs without any.
func inputDependencies(props map[string]*pulumirpc.RegisterResourceRequest_PropertyDependencies) map[string][]string {
	out := map[string][]string{}
	for k, pd := range props {
		if urns := slices.Sorted(slices.Values(pd.GetUrns())); len(urns) > 0 {
			out[k] = slices.Compact(urns)
		}
	}
	return out
}

// options reads a registration's lifecycle options. An explicit
// deleteBeforeReplace, true or false, is kept as given: the Go SDK sends
// deleteBeforeReplaceDefined with it ([SDK] go/pulumi/context.go
// 2046-2063), and the engine lets it override the provider
// ([PKG] source_eval.go:2497-2503, step_generator.go:2142-2145).
func (m *Monitor) options(req *pulumirpc.RegisterResourceRequest, urn string) plan.Options {
	o := plan.Options{
		Protect:                 req.GetProtect(),
		RetainOnDelete:          req.GetRetainOnDelete(),
		IgnoreChanges:           slices.Sorted(slices.Values(req.GetIgnoreChanges())),
		ReplaceOnChanges:        slices.Sorted(slices.Values(req.GetReplaceOnChanges())),
		DeletedWith:             req.GetDeletedWith(),
		ReplaceWith:             slices.Sorted(slices.Values(req.GetReplaceWith())),
		AdditionalSecretOutputs: slices.Sorted(slices.Values(req.GetAdditionalSecretOutputs())),
		Import:                  req.GetImportId(),
		HideDiffs:               slices.Sorted(slices.Values(req.GetHideDiffs())),
	}
	o.DeleteBeforeReplace = deleteBeforeReplace(req)
	if t := req.GetCustomTimeouts(); t != nil && (t.GetCreate() != "" || t.GetUpdate() != "" || t.GetDelete() != "") {
		o.CustomTimeouts = &plan.Timeouts{Create: t.GetCreate(), Update: t.GetUpdate(), Delete: t.GetDelete()}
	}
	aliases := append([]string(nil), req.GetAliasURNs()...)
	for _, a := range req.GetAliases() {
		aliases = append(aliases, m.aliasURN(a, req))
	}
	o.Aliases = slices.Compact(slices.Sorted(slices.Values(aliases)))
	return o
}

// deleteBeforeReplace is a registration's deleteBeforeReplace option, nil
// when the program gave none.
func deleteBeforeReplace(req *pulumirpc.RegisterResourceRequest) *bool {
	if !req.GetDeleteBeforeReplaceDefined() && !req.GetDeleteBeforeReplace() {
		return nil
	}
	dbr := req.GetDeleteBeforeReplace()
	return &dbr
}

// aliasURN computes the URN an alias names: given outright, or from a spec
// whose missing parts are the resource's own ([PKG] step_generator.go
// collapseAliasToUrn 598-638: empty name, type, project and stack default
// to the resource's; an empty parent is the resource's own; NoParent or
// the stack mean none).
func (m *Monitor) aliasURN(a *pulumirpc.Alias, req *pulumirpc.RegisterResourceRequest) string {
	if u := a.GetUrn(); u != "" {
		return u
	}
	spec := a.GetSpec()
	name, typ, stack, project, parent := req.GetName(), req.GetType(), m.opts.Stack, m.opts.Project, req.GetParent()
	if spec.GetName() != "" {
		name = spec.GetName()
	}
	if spec.GetType() != "" {
		typ = spec.GetType()
	}
	if spec.GetStack() != "" {
		stack = spec.GetStack()
	}
	if spec.GetProject() != "" {
		project = spec.GetProject()
	}
	switch {
	case spec.GetNoParent():
		parent = ""
	case spec.GetParentUrn() != "":
		parent = spec.GetParentUrn()
	}
	return providers.URN(stack, project, parent, typ, name)
}

// RegisterResourceOutputs keeps the stack's outputs.
func (m *Monitor) RegisterResourceOutputs(_ context.Context, req *pulumirpc.RegisterResourceOutputsRequest) (*emptypb.Empty, error) {
	outs, err := plugin.UnmarshalProperties(req.GetOutputs(), unmarshalOpts)
	if err != nil {
		return nil, m.problem(codes.InvalidArgument, "outputs of %s: %v", req.GetUrn(), err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if req.GetUrn() == m.stackURN {
		m.outputs, m.stackDone = outs, true
	}
	return &emptypb.Empty{}, nil
}

// ReadResource records a resource the program reads. A stack reference is
// answered with the referenced stack's outputs (see Options.StackOutputs);
// any other resource's state cannot be read offline: the program gets
// back what it gave, and every other output is unknown.
func (m *Monitor) ReadResource(_ context.Context, req *pulumirpc.ReadResourceRequest) (*pulumirpc.ReadResourceResponse, error) {
	urn := m.urn(req.GetParent(), req.GetType(), req.GetName())
	props, err := plugin.UnmarshalProperties(req.GetProperties(), unmarshalOpts)
	if err != nil {
		return nil, m.problem(codes.InvalidArgument, "resource %s: reading its properties: %v", urn, err)
	}
	r := &Resource{
		URN: urn, Type: req.GetType(), Name: req.GetName(), Parent: req.GetParent(),
		Custom: true, Read: true, ID: req.GetId(), Inputs: props, Outputs: props,
		Dependencies: slices.Sorted(slices.Values(req.GetDependencies())),
	}
	if req.GetProvider() != "" {
		r.Provider = providerURN(req.GetProvider())
	}
	if r.Type == providers.StackReference {
		state, err := m.stackReference(req.GetId(), props)
		if err != nil {
			return nil, m.problem(codes.InvalidArgument, "stack reference %s: %v", req.GetName(), err)
		}
		r.Outputs, r.Modelled = state, true
	}
	if err := m.add(r); err != nil {
		return nil, err
	}
	obj, err := marshal(r.Outputs, req.GetAcceptSecrets(), req.GetAcceptResources())
	if err != nil {
		return nil, m.problem(codes.Internal, "resource %s: %v", urn, err)
	}
	return &pulumirpc.ReadResourceResponse{Urn: urn, Properties: obj}, nil
}

// stackReference is the state the engine's builtin provider reads for a
// stack reference ([PKG] resource/deploy/builtins.go Read 284-316,
// readStackReference 393-442): the name, the stack's outputs, and the
// sorted names of the secret ones. Only `name` is an input (its Check,
// 120-150). Outputs that cannot be known offline are an empty object: in a
// preview the Go SDK answers an output the stack lacks with an unknown
// value that depends on the reference ([SDK] go/pulumi/stack_reference.go
// GetOutput), so every output the program takes is unknown and says where
// it comes from. Outside a preview a missing output would read as nil, a
// value no cloud would give, so the run fails instead.
func (m *Monitor) stackReference(id string, props resource.PropertyMap) (resource.PropertyMap, error) {
	for k := range props {
		if k != "name" {
			return nil, fmt.Errorf("unknown property %q: a stack reference takes only its name", k)
		}
	}
	name, ok := props["name"]
	if !ok {
		name = resource.NewProperty(id)
	}
	state := resource.PropertyMap{"name": name}
	var outs resource.PropertyMap
	known := false
	if s, isStr := name.StringValue(), name.IsString(); isStr && m.opts.StackOutputs != nil {
		var err error
		if outs, known, err = m.opts.StackOutputs(s); err != nil {
			return nil, err
		}
	}
	if !known && !m.opts.DryRun {
		return nil, fmt.Errorf("the outputs of stack %v are not known here; give them (testkit.WithStackOutputs)", name.V)
	}
	var secrets []resource.PropertyValue
	for _, k := range outs.StableKeys() {
		if outs[k].ContainsSecrets() {
			secrets = append(secrets, resource.NewProperty(string(k)))
		}
	}
	state["outputs"] = resource.NewProperty(outs)
	state["secretOutputNames"] = resource.NewProperty(secrets)
	return state, nil
}

// ExistsResource says no resource exists: the stack has no state.
func (m *Monitor) ExistsResource(context.Context, *pulumirpc.ExistsResourceRequest) (*pulumirpc.ExistsResourceResponse, error) {
	return &pulumirpc.ExistsResourceResponse{}, nil
}

// Invoke answers functions from the provider model (providers.Invoke) and
// Options.Invokes, and pulumi:pulumi:getResource from what the program
// registered.
func (m *Monitor) Invoke(_ context.Context, req *pulumirpc.ResourceInvokeRequest) (*pulumirpc.ResourceInvokeResponse, error) {
	tok := req.GetTok()
	args, err := plugin.UnmarshalProperties(req.GetArgs(), unmarshalOpts)
	if err != nil {
		return nil, m.problem(codes.InvalidArgument, "invoke %s: reading its arguments: %v", tok, err)
	}
	var result resource.PropertyMap
	switch f, extra := m.opts.Invokes[tok]; {
	case tok == "pulumi:pulumi:getResource":
		result, err = m.getResource(args)
	case extra:
		result, err = f(args)
	default:
		result, err = providers.Invoke(tok, args, m.providerConfig(req.GetProvider(), providers.Package(tok)), m.opts.IDs("invoke:"+tok))
	}
	if err != nil {
		return nil, m.problem(codes.Unimplemented, "the program invoked %s: %v", tok, err)
	}
	if m.opts.Invoked != nil {
		m.opts.Invoked(tok, result)
	}
	ret, err := marshal(result, true, req.GetAcceptResources())
	if err != nil {
		return nil, m.problem(codes.Internal, "invoke %s: %v", tok, err)
	}
	return &pulumirpc.ResourceInvokeResponse{Return: ret}, nil
}

// getResource answers the SDK's rehydration of a registered resource.
func (m *Monitor) getResource(args resource.PropertyMap) (resource.PropertyMap, error) {
	urn := args["urn"]
	if !urn.IsString() {
		return nil, fmt.Errorf("no urn argument")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.resources[urn.StringValue()]
	if !ok {
		return nil, fmt.Errorf("no resource %s is registered", urn.StringValue())
	}
	id := resource.MakeComputed(resource.NewProperty(""))
	if r.ID != "" {
		id = resource.NewProperty(r.ID)
	}
	return resource.PropertyMap{"urn": resource.NewProperty(r.URN), "id": id, "state": resource.NewProperty(r.Outputs)}, nil
}

// Call refuses method calls: they run in a component's provider, which
// cannot run offline.
func (m *Monitor) Call(_ context.Context, req *pulumirpc.ResourceCallRequest) (*pulumirpc.CallResponse, error) {
	return nil, m.problem(codes.Unimplemented, "the program called method %s, which runs in a component provider that cannot run offline", req.GetTok())
}

// RegisterPackage answers a parameterized package's registration with a
// reference the program passes back.
func (m *Monitor) RegisterPackage(_ context.Context, req *pulumirpc.RegisterPackageRequest) (*pulumirpc.RegisterPackageResponse, error) {
	return &pulumirpc.RegisterPackageResponse{Ref: req.GetName() + "@" + req.GetVersion()}, nil
}

// RegisterStackTransform keeps a transform that every later registration
// runs, after its own and its ancestors'.
func (m *Monitor) RegisterStackTransform(_ context.Context, cb *pulumirpc.Callback) (*emptypb.Empty, error) {
	if cb.GetTarget() == "" {
		return nil, m.problem(codes.InvalidArgument, "a stack transform needs a callback target")
	}
	m.mu.Lock()
	m.stackTransforms = append(m.stackTransforms, cb)
	m.mu.Unlock()
	return &emptypb.Empty{}, nil
}

// RegisterResourceHook accepts a hook. Hooks run around operations; none
// runs here.
func (m *Monitor) RegisterResourceHook(context.Context, *pulumirpc.RegisterResourceHookRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// RegisterErrorHook accepts an error hook, which is never called here.
func (m *Monitor) RegisterErrorHook(context.Context, *pulumirpc.RegisterErrorHookRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// SignalAndWaitForShutdown records that the program ended its run and
// returns at once: there are no delete hooks to wait for.
func (m *Monitor) SignalAndWaitForShutdown(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	m.mu.Lock()
	m.shutdown = true
	m.mu.Unlock()
	return &emptypb.Empty{}, nil
}

// Log keeps the program's errors and warnings; info and debug messages are
// dropped.
func (m *Monitor) Log(_ context.Context, req *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch req.GetSeverity() {
	case pulumirpc.LogSeverity_ERROR:
		m.logErrors = append(m.logErrors, req.GetMessage())
	case pulumirpc.LogSeverity_WARNING:
		m.warnings = append(m.warnings, req.GetMessage())
	}
	return &emptypb.Empty{}, nil
}

// GetRootResource returns the root resource, the stack unless the program
// set another.
func (m *Monitor) GetRootResource(context.Context, *pulumirpc.GetRootResourceRequest) (*pulumirpc.GetRootResourceResponse, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return &pulumirpc.GetRootResourceResponse{Urn: m.rootURN}, nil
}

// SetRootResource sets the root resource.
func (m *Monitor) SetRootResource(_ context.Context, req *pulumirpc.SetRootResourceRequest) (*pulumirpc.SetRootResourceResponse, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rootURN = req.GetUrn()
	return &pulumirpc.SetRootResourceResponse{}, nil
}

// RequirePulumiVersion checks the program's version range against
// EngineVersion, with the engine's message.
func (m *Monitor) RequirePulumiVersion(_ context.Context, req *pulumirpc.RequirePulumiVersionRequest) (*pulumirpc.RequirePulumiVersionResponse, error) {
	rg, err := semver.ParseRange(req.GetPulumiVersionRange())
	if err != nil {
		return nil, m.problem(codes.InvalidArgument, "failed to parse Pulumi CLI version range %q: %v", req.GetPulumiVersionRange(), err)
	}
	if !rg(semver.MustParse(EngineVersion)) {
		return nil, m.problem(codes.InvalidArgument, "Pulumi CLI version %s does not satisfy the version range %q (this engine serves the protocol of Pulumi %s)",
			EngineVersion, req.GetPulumiVersionRange(), EngineVersion)
	}
	return &pulumirpc.RequirePulumiVersionResponse{}, nil
}
