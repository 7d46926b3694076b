package provider

import (
	"context"
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/berth-dev/berth/internal/providers"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// PartialError is a create or update that left the resource in the cloud
// and then failed: the bridge's initializationError, a gRPC error whose
// details carry ErrorResourceInitFailed with the resource's ID and state
// (pulumi-terraform-bridge v3.110.0 pkg/tfbridge/provider.go Create,
// initializationError), which the engine records as a partial failure
// (pkg v3.274.1 resource/plugin/provider_plugin.go parseError,
// resource/deploy/step.go:438-446).
type PartialError struct {
	// ID is the resource's ID.
	ID resource.ID
	// State is the resource's state.
	State resource.PropertyMap
	// Reasons say what failed; the first is the error's message.
	Reasons []string
}

// Error returns the first reason.
func (e *PartialError) Error() string { return e.Reasons[0] }

// status is the gRPC status the bridge returns.
func (e *PartialError) status() error {
	props, err := plugin.MarshalProperties(e.State, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true})
	if err != nil {
		return err
	}
	st, err := status.New(codes.Unknown, e.Reasons[0]).WithDetails(&pulumirpc.ErrorResourceInitFailed{
		Id: string(e.ID), Properties: props, Reasons: e.Reasons,
	})
	if err != nil {
		return err
	}
	return st.Err()
}

// server is the SDK's provider server over a Provider, with what the
// SDK's server cannot send as the bridge sends it: partial failures (it
// drops a response that comes with an error), and a Diff whose changed
// and replacing keys are the top-level properties (it lists the detailed
// diff's paths instead, and sends DELETE_REPLACE as DELETE).
type server struct {
	pulumirpc.ResourceProviderServer
	p *Provider
}

// NewServer returns the gRPC server of p.
func NewServer(p *Provider) pulumirpc.ResourceProviderServer {
	return &server{plugin.NewProviderServer(p), p}
}

// Diff answers as the bridge's Diff does (pulumi-terraform-bridge
// v3.110.0 pkg/tfbridge/provider.go Diff: diffs and replaces are the
// top-level keys, the detailed diff holds the paths).
func (s *server) Diff(ctx context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	opts := plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}
	var maps [3]resource.PropertyMap
	for i, st := range []*structpb.Struct{req.GetOldInputs(), req.GetOlds(), req.GetNews()} {
		m, err := plugin.UnmarshalProperties(st, opts)
		if err != nil {
			return nil, err
		}
		maps[i] = m
	}
	d, err := s.p.diff(tokens.Type(req.GetType()), maps[0], maps[1], maps[2], req.GetIgnoreChanges())
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}
	if len(d.Changed) == 0 {
		return resp, nil
	}
	resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	resp.Diffs, resp.Replaces = d.Changed, d.Replace
	resp.DeleteBeforeReplace = d.DeleteBeforeReplace
	resp.HasDetailedDiff = true
	resp.DetailedDiff = map[string]*pulumirpc.PropertyDiff{}
	for _, pd := range d.Paths {
		resp.DetailedDiff[pd.Path] = &pulumirpc.PropertyDiff{Kind: diffKinds[pd.Replace][pd.Kind], InputDiff: true}
	}
	return resp, nil
}

// diffKinds are the detailed diff's kinds, by whether the change replaces
// the resource.
var diffKinds = map[bool]map[providers.DiffKind]pulumirpc.PropertyDiff_Kind{
	false: {providers.Add: pulumirpc.PropertyDiff_ADD, providers.Update: pulumirpc.PropertyDiff_UPDATE, providers.Delete: pulumirpc.PropertyDiff_DELETE},
	true:  {providers.Add: pulumirpc.PropertyDiff_ADD_REPLACE, providers.Update: pulumirpc.PropertyDiff_UPDATE_REPLACE, providers.Delete: pulumirpc.PropertyDiff_DELETE_REPLACE},
}

// Create creates, passing a partial failure on as the bridge does.
func (s *server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	return passPartial(s.ResourceProviderServer.Create(ctx, req))
}

// Update updates, passing a partial failure on as the bridge does.
func (s *server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	return passPartial(s.ResourceProviderServer.Update(ctx, req))
}

// passPartial turns a PartialError into the bridge's gRPC status, without
// the response the SDK's server would drop.
func passPartial[R any](resp *R, err error) (*R, error) {
	var pe *PartialError
	if errors.As(err, &pe) {
		return nil, pe.status()
	}
	return resp, err
}
