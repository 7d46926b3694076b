package planengine

import (
	"context"
	"fmt"
	"maps"
	"net"
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

	"github.com/berth-dev/berth/internal/answers"
	"github.com/berth-dev/berth/internal/fakecloud/model"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/stackconfig"
)

// EngineVersion is the Pulumi engine whose protocol berth plan serves: the
// version of the Go SDK berth is built with. A program's
// RequirePulumiVersion is checked against it.
const EngineVersion = "3.274.1"

// maxMessage is the largest gRPC message accepted, as the Pulumi engine
// accepts (sdk/go/common/util/rpcutil GrpcChannelOptions: 400 MiB).
const maxMessage = 400 * 1024 * 1024

// features are the resource monitor features berth plan supports, which
// the SDK asks for with GetDeploymentInfo (and, before that RPC existed,
// with SupportsFeature by the legacy names in the map's values).
// Transforms (the engine calling back into the program) and output values
// (only remote components receive them) are not supported: a program that
// registers a transform gets the SDK's error for an engine without them.
var features = map[pulumirpc.ResourceMonitorFeature]string{
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_SECRETS:             "secrets",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES: "resourceReferences",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_ALIAS_SPECS:         "aliasSpecs",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_DELETED_WITH:        "deletedWith",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_REPLACE_WITH:        "replaceWith",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_PARAMETERIZATION:    "parameterization",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_RESOURCE_HOOKS:      "resourceHooks",
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_ERROR_HOOKS:         "errorHooks",
}

// record is one registration as the engine received it.
type record struct {
	urn, typ, name, parent, provider string
	custom, read                     bool
	// id is the physical ID of a read resource, or the ID answered.
	id   string
	deps []string
	// inputDeps are the dependencies of each top-level input.
	inputDeps map[string][]string
	options   plan.Options
	inputs    resource.PropertyMap
	// state is what the program got back, for pulumi:pulumi:getResource.
	state resource.PropertyMap
}

// engine serves the ResourceMonitor and Engine services to one program
// run, recording every registration. It answers as a preview of a stack
// with no state: every resource is new, and what only the cloud can know
// is unknown.
type engine struct {
	pulumirpc.UnimplementedResourceMonitorServer
	pulumirpc.UnimplementedEngineServer

	project, stack string
	// config is the stack's configuration, for default providers.
	config map[string]string
	// dir is the program's working directory.
	dir string
	// platform is the Docker engine's platform for image builds.
	platform string

	mu        sync.Mutex
	connected bool
	stackURN  string
	rootURN   string
	resources map[string]*record
	providers map[string]model.Config
	outputs   resource.PropertyMap
	// problems are what the engine rejected or could not answer, in the
	// order they happened.
	problems []string
	// logErrors and warnings are what the program logged.
	logErrors, warnings []string
}

func newEngine(cfg *stackconfig.Config, platform string) *engine {
	return &engine{
		project: cfg.Project, stack: cfg.Stack, config: cfg.Values,
		dir: cfg.ProgramDirectory, platform: platform,
		resources: map[string]*record{}, providers: map[string]model.Config{},
	}
}

// serve starts serving on a loopback port and returns its address and a
// function that stops the server.
func (e *engine) serve() (string, func(), error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("starting the engine: %w", err)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessage), grpc.MaxSendMsgSize(maxMessage))
	pulumirpc.RegisterResourceMonitorServer(srv, e)
	pulumirpc.RegisterEngineServer(srv, e)
	go func() { _ = srv.Serve(lis) }()
	return lis.Addr().String(), srv.Stop, nil
}

// problem records what went wrong and returns it as the RPC's error, so
// that the program fails as it would under the engine.
func (e *engine) problem(code codes.Code, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	e.mu.Lock()
	e.problems = append(e.problems, msg)
	e.mu.Unlock()
	return status.Error(code, msg)
}

var unmarshalOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}

func marshal(m resource.PropertyMap, secrets, resources bool) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: secrets, KeepResources: resources})
}

// GetDeploymentInfo tells the SDK the stack and the supported features.
func (e *engine) GetDeploymentInfo(context.Context, *emptypb.Empty) (*pulumirpc.DeploymentInfo, error) {
	e.mu.Lock()
	e.connected = true
	e.mu.Unlock()
	info := &pulumirpc.DeploymentInfo{Project: e.project, Stack: e.stack, Organization: organization, DryRun: true}
	for f := range features {
		info.SupportedFeatures = append(info.SupportedFeatures, f)
	}
	sort.Slice(info.SupportedFeatures, func(i, j int) bool { return info.SupportedFeatures[i] < info.SupportedFeatures[j] })
	return info, nil
}

// SupportsFeature answers the legacy feature query.
func (e *engine) SupportsFeature(_ context.Context, req *pulumirpc.SupportsFeatureRequest) (*pulumirpc.SupportsFeatureResponse, error) {
	e.mu.Lock()
	e.connected = true
	e.mu.Unlock()
	for _, id := range features {
		if id == req.GetId() {
			return &pulumirpc.SupportsFeatureResponse{HasSupport: true}, nil
		}
	}
	return &pulumirpc.SupportsFeatureResponse{}, nil
}

// providerConfig returns the configuration of the provider a reference
// ("URN::ID") names, or of package pkg's default provider.
func (e *engine) providerConfig(ref, pkg string) model.Config {
	if ref == "" {
		return answers.DefaultConfig(pkg, e.config)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.providers[providerURN(ref)]; ok {
		return c
	}
	return model.Config{}
}

// providerURN is the URN part of a provider reference "URN::ID".
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 {
		return ref[:i]
	}
	return ref
}

// RegisterResource records a resource and answers it with the outputs the
// provider model computes.
func (e *engine) RegisterResource(_ context.Context, req *pulumirpc.RegisterResourceRequest) (*pulumirpc.RegisterResourceResponse, error) {
	if req.GetType() == string(resource.RootStackType) && req.GetParent() == "" {
		urn := answers.URN(e.stack, e.project, "", req.GetType(), req.GetName())
		e.mu.Lock()
		e.stackURN, e.connected = urn, true
		if e.rootURN == "" {
			e.rootURN = urn
		}
		e.mu.Unlock()
		return &pulumirpc.RegisterResourceResponse{Urn: urn}, nil
	}
	urn := answers.URN(e.stack, e.project, req.GetParent(), req.GetType(), req.GetName())
	inputs, err := plugin.UnmarshalProperties(req.GetObject(), unmarshalOpts)
	if err != nil {
		return nil, e.problem(codes.InvalidArgument, "resource %s: reading its inputs: %v", urn, err)
	}
	r := &record{
		urn: urn, typ: req.GetType(), name: req.GetName(), parent: req.GetParent(),
		custom: req.GetCustom(), inputs: inputs, deps: dependencies(req.GetDependencies(), req.GetPropertyDependencies()),
		inputDeps: inputDependencies(req.GetPropertyDependencies()), options: e.options(req, urn),
	}
	if req.GetProvider() != "" {
		r.provider = providerURN(req.GetProvider())
	}
	if err := e.add(r); err != nil {
		return nil, err
	}
	if req.GetRemote() {
		e.mu.Lock()
		e.warnings = append(e.warnings, fmt.Sprintf("resource %s: %s is a remote component, whose provider berth plan cannot run offline: its children are not in the plan", req.GetName(), req.GetType()))
		e.mu.Unlock()
	}
	pkg := answers.Package(r.typ)
	if strings.HasPrefix(r.typ, "pulumi:providers:") {
		e.mu.Lock()
		e.providers[urn] = answers.ExplicitConfig(pkg, inputs)
		e.mu.Unlock()
	}
	id, state, err := answers.Resource(answers.Request{
		Type: r.typ, Name: r.name, Custom: r.custom, Inputs: inputs,
		Config: e.providerConfig(req.GetProvider(), pkg), IDs: answers.Unknown{},
		Dir: e.dir, Platform: e.platform,
	})
	if err != nil {
		return nil, e.problem(codes.InvalidArgument, "%v", err)
	}
	if id.IsString() {
		r.id = id.StringValue()
	}
	e.mu.Lock()
	r.state = state
	e.mu.Unlock()
	obj, err := marshal(state, req.GetAcceptSecrets(), req.GetAcceptResources())
	if err != nil {
		return nil, e.problem(codes.Internal, "resource %s: writing its outputs: %v", urn, err)
	}
	return &pulumirpc.RegisterResourceResponse{Urn: urn, Id: r.id, Object: obj}, nil
}

// add records r, refusing a URN registered before as the engine does.
func (e *engine) add(r *record) error {
	e.mu.Lock()
	_, dup := e.resources[r.urn]
	if !dup {
		e.resources[r.urn] = r
	}
	e.mu.Unlock()
	if dup {
		// The engine's message (sdk/go/common/diag/errors.go GetDuplicateResourceURNError).
		return e.problem(codes.AlreadyExists, "Duplicate resource URN '%s'; try giving it a unique name", r.urn)
	}
	return nil
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

// options reads a registration's lifecycle options.
func (e *engine) options(req *pulumirpc.RegisterResourceRequest, urn string) plan.Options {
	o := plan.Options{
		Protect:                 req.GetProtect(),
		DeleteBeforeReplace:     req.GetDeleteBeforeReplace(),
		RetainOnDelete:          req.GetRetainOnDelete(),
		IgnoreChanges:           slices.Sorted(slices.Values(req.GetIgnoreChanges())),
		ReplaceOnChanges:        slices.Sorted(slices.Values(req.GetReplaceOnChanges())),
		DeletedWith:             req.GetDeletedWith(),
		ReplaceWith:             slices.Sorted(slices.Values(req.GetReplaceWith())),
		AdditionalSecretOutputs: slices.Sorted(slices.Values(req.GetAdditionalSecretOutputs())),
		Import:                  req.GetImportId(),
		HideDiffs:               slices.Sorted(slices.Values(req.GetHideDiffs())),
	}
	if t := req.GetCustomTimeouts(); t != nil && (t.GetCreate() != "" || t.GetUpdate() != "" || t.GetDelete() != "") {
		o.CustomTimeouts = &plan.Timeouts{Create: t.GetCreate(), Update: t.GetUpdate(), Delete: t.GetDelete()}
	}
	aliases := append([]string(nil), req.GetAliasURNs()...)
	for _, a := range req.GetAliases() {
		aliases = append(aliases, e.aliasURN(a, req, urn))
	}
	o.Aliases = slices.Sorted(slices.Values(aliases))
	return o
}

// aliasURN computes the URN an alias names: given outright, or from a spec
// whose missing parts are the resource's own (the engine's
// resmon.RegisterResource alias handling).
func (e *engine) aliasURN(a *pulumirpc.Alias, req *pulumirpc.RegisterResourceRequest, urn string) string {
	if u := a.GetUrn(); u != "" {
		return u
	}
	spec := a.GetSpec()
	name, typ, stack, project, parent := req.GetName(), req.GetType(), e.stack, e.project, req.GetParent()
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
	return answers.URN(stack, project, parent, typ, name)
}

// RegisterResourceOutputs keeps the stack's outputs.
func (e *engine) RegisterResourceOutputs(_ context.Context, req *pulumirpc.RegisterResourceOutputsRequest) (*emptypb.Empty, error) {
	outs, err := plugin.UnmarshalProperties(req.GetOutputs(), unmarshalOpts)
	if err != nil {
		return nil, e.problem(codes.InvalidArgument, "outputs of %s: %v", req.GetUrn(), err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if req.GetUrn() == e.stackURN {
		e.outputs = outs
	}
	return &emptypb.Empty{}, nil
}

// ReadResource records a resource the program reads. Its state cannot be
// read offline: the program gets back what it gave, and every other
// output is unknown.
func (e *engine) ReadResource(_ context.Context, req *pulumirpc.ReadResourceRequest) (*pulumirpc.ReadResourceResponse, error) {
	urn := answers.URN(e.stack, e.project, req.GetParent(), req.GetType(), req.GetName())
	props, err := plugin.UnmarshalProperties(req.GetProperties(), unmarshalOpts)
	if err != nil {
		return nil, e.problem(codes.InvalidArgument, "resource %s: reading its properties: %v", urn, err)
	}
	r := &record{
		urn: urn, typ: req.GetType(), name: req.GetName(), parent: req.GetParent(),
		custom: true, read: true, id: req.GetId(), inputs: props, state: props,
		deps: slices.Sorted(slices.Values(req.GetDependencies())),
	}
	if req.GetProvider() != "" {
		r.provider = providerURN(req.GetProvider())
	}
	if err := e.add(r); err != nil {
		return nil, err
	}
	obj, err := marshal(props, req.GetAcceptSecrets(), req.GetAcceptResources())
	if err != nil {
		return nil, e.problem(codes.Internal, "resource %s: %v", urn, err)
	}
	return &pulumirpc.ReadResourceResponse{Urn: urn, Properties: obj}, nil
}

// ExistsResource says no resource exists: the plan is of a stack with no
// state.
func (e *engine) ExistsResource(context.Context, *pulumirpc.ExistsResourceRequest) (*pulumirpc.ExistsResourceResponse, error) {
	return &pulumirpc.ExistsResourceResponse{}, nil
}

// Invoke answers the functions the components call from the provider's
// configuration (see answers.Invoke), and pulumi:pulumi:getResource from
// what the program registered.
func (e *engine) Invoke(_ context.Context, req *pulumirpc.ResourceInvokeRequest) (*pulumirpc.ResourceInvokeResponse, error) {
	tok := req.GetTok()
	args, err := plugin.UnmarshalProperties(req.GetArgs(), unmarshalOpts)
	if err != nil {
		return nil, e.problem(codes.InvalidArgument, "invoke %s: reading its arguments: %v", tok, err)
	}
	var result resource.PropertyMap
	if tok == "pulumi:pulumi:getResource" {
		result, err = e.getResource(args)
	} else {
		result, err = answers.Invoke(tok, args, e.providerConfig(req.GetProvider(), answers.Package(tok)), answers.Unknown{})
	}
	if err != nil {
		return nil, e.problem(codes.Unimplemented, "the program invoked %s: %v", tok, err)
	}
	ret, err := marshal(result, true, req.GetAcceptResources())
	if err != nil {
		return nil, e.problem(codes.Internal, "invoke %s: %v", tok, err)
	}
	return &pulumirpc.ResourceInvokeResponse{Return: ret}, nil
}

// getResource answers the SDK's rehydration of a registered resource.
func (e *engine) getResource(args resource.PropertyMap) (resource.PropertyMap, error) {
	urn := args["urn"]
	if !urn.IsString() {
		return nil, fmt.Errorf("no urn argument")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.resources[urn.StringValue()]
	if !ok {
		return nil, fmt.Errorf("no resource %s is registered", urn.StringValue())
	}
	id := resource.MakeComputed(resource.NewProperty(""))
	if r.id != "" {
		id = resource.NewProperty(r.id)
	}
	return resource.PropertyMap{"urn": resource.NewProperty(r.urn), "id": id, "state": resource.NewProperty(r.state)}, nil
}

// Call refuses method calls: they run in a component's provider, which
// berth plan does not have.
func (e *engine) Call(_ context.Context, req *pulumirpc.ResourceCallRequest) (*pulumirpc.CallResponse, error) {
	return nil, e.problem(codes.Unimplemented, "the program called method %s, which runs in a component provider that berth plan cannot run offline", req.GetTok())
}

// RegisterPackage answers a parameterized package's registration with a
// reference the program passes back.
func (e *engine) RegisterPackage(_ context.Context, req *pulumirpc.RegisterPackageRequest) (*pulumirpc.RegisterPackageResponse, error) {
	return &pulumirpc.RegisterPackageResponse{Ref: req.GetName() + "@" + req.GetVersion()}, nil
}

// RegisterResourceHook accepts a hook. Hooks run around operations; a plan
// performs none.
func (e *engine) RegisterResourceHook(context.Context, *pulumirpc.RegisterResourceHookRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// RegisterErrorHook accepts an error hook, which a plan never calls.
func (e *engine) RegisterErrorHook(context.Context, *pulumirpc.RegisterErrorHookRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// SignalAndWaitForShutdown returns at once: a plan has no delete hooks to
// wait for.
func (e *engine) SignalAndWaitForShutdown(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Log keeps the program's errors and warnings; info and debug messages are
// dropped.
func (e *engine) Log(_ context.Context, req *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch req.GetSeverity() {
	case pulumirpc.LogSeverity_ERROR:
		e.logErrors = append(e.logErrors, req.GetMessage())
	case pulumirpc.LogSeverity_WARNING:
		e.warnings = append(e.warnings, req.GetMessage())
	}
	return &emptypb.Empty{}, nil
}

// GetRootResource returns the root resource, the stack unless the program
// set another.
func (e *engine) GetRootResource(context.Context, *pulumirpc.GetRootResourceRequest) (*pulumirpc.GetRootResourceResponse, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return &pulumirpc.GetRootResourceResponse{Urn: e.rootURN}, nil
}

// SetRootResource sets the root resource.
func (e *engine) SetRootResource(_ context.Context, req *pulumirpc.SetRootResourceRequest) (*pulumirpc.SetRootResourceResponse, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rootURN = req.GetUrn()
	return &pulumirpc.SetRootResourceResponse{}, nil
}

// RequirePulumiVersion checks the program's version range against
// EngineVersion, with the engine's message.
func (e *engine) RequirePulumiVersion(_ context.Context, req *pulumirpc.RequirePulumiVersionRequest) (*pulumirpc.RequirePulumiVersionResponse, error) {
	rg, err := semver.ParseRange(req.GetPulumiVersionRange())
	if err != nil {
		return nil, e.problem(codes.InvalidArgument, "failed to parse Pulumi CLI version range %q: %v", req.GetPulumiVersionRange(), err)
	}
	if !rg(semver.MustParse(EngineVersion)) {
		return nil, e.problem(codes.InvalidArgument, "Pulumi CLI version %s does not satisfy the version range %q (berth plan serves the engine of Pulumi %s)",
			EngineVersion, req.GetPulumiVersionRange(), EngineVersion)
	}
	return &pulumirpc.RequirePulumiVersionResponse{}, nil
}
