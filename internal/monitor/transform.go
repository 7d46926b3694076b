package monitor

import (
	"context"
	"fmt"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
)

// transform runs the transforms that apply to a registration, in the
// engine's order: the resource's own, then each ancestor's, then the
// stack's ([PKG] resource/deploy/source_eval.go:2607-2674), each by
// calling the program's callback server with a TransformRequest and taking
// the TransformResponse's properties and options, a nil one meaning
// unchanged (wrapTransformCallback, 1672-1751). It returns the request as
// the transforms left it.
func (m *Monitor) transform(ctx context.Context, req *pulumirpc.RegisterResourceRequest, urn string) (*pulumirpc.RegisterResourceRequest, error) {
	callbacks := append([]*pulumirpc.Callback(nil), req.GetTransforms()...)
	m.mu.Lock()
	for parent := req.GetParent(); parent != ""; {
		callbacks = append(callbacks, m.transforms[parent]...)
		r, ok := m.resources[parent]
		if !ok {
			break
		}
		parent = r.Parent
	}
	callbacks = append(callbacks, m.stackTransforms...)
	m.mu.Unlock()
	if len(callbacks) == 0 {
		return req, nil
	}
	req = proto.Clone(req).(*pulumirpc.RegisterResourceRequest)
	for _, cb := range callbacks {
		resp, err := m.callTransform(ctx, cb, &pulumirpc.TransformRequest{
			Type: req.GetType(), Name: req.GetName(), Custom: req.GetCustom(), Parent: req.GetParent(),
			Properties: req.GetObject(), Options: transformOptions(req),
		})
		if err != nil {
			return nil, err
		}
		if resp.GetProperties() != nil {
			req.Object = resp.GetProperties()
		}
		if o := resp.GetOptions(); o != nil {
			applyTransformOptions(req, o)
		}
	}
	return req, nil
}

// callTransform invokes one transform callback.
func (m *Monitor) callTransform(ctx context.Context, cb *pulumirpc.Callback, treq *pulumirpc.TransformRequest) (*pulumirpc.TransformResponse, error) {
	client, err := m.callbacks(cb.GetTarget())
	if err != nil {
		return nil, err
	}
	body, err := proto.Marshal(treq)
	if err != nil {
		return nil, err
	}
	out, err := client.Invoke(ctx, &pulumirpc.CallbackInvokeRequest{Token: cb.GetToken(), Request: body})
	if err != nil {
		return nil, fmt.Errorf("calling transform %s: %w", cb.GetToken(), err)
	}
	var resp pulumirpc.TransformResponse
	if err := proto.Unmarshal(out.GetResponse(), &resp); err != nil {
		return nil, fmt.Errorf("reading transform %s's answer: %w", cb.GetToken(), err)
	}
	return &resp, nil
}

// callbacks returns the client of the program's callback server at
// target, one connection per target for the run, as the engine keeps
// ([PKG] resource/deploy/source_eval.go GetCallbacksClient 580-607).
func (m *Monitor) callbacks(target string) (pulumirpc.CallbacksClient, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	conn, ok := m.callbackConns[target]
	if !ok {
		var err error
		if conn, err = grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials())); err != nil {
			return nil, fmt.Errorf("connecting to the program's callbacks at %s: %w", target, err)
		}
		m.callbackConns[target] = conn
	}
	return pulumirpc.NewCallbacksClient(conn), nil
}

// closeCallbacks closes the connections to the program's callbacks.
func (m *Monitor) closeCallbacks() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for target, conn := range m.callbackConns {
		_ = conn.Close()
		delete(m.callbackConns, target)
	}
}

// transformOptions are a registration's options as a transform sees them
// (source_eval.go:2579-2600).
func transformOptions(req *pulumirpc.RegisterResourceRequest) *pulumirpc.TransformResourceOptions {
	return &pulumirpc.TransformResourceOptions{
		Import:                  req.GetImportId(),
		DependsOn:               req.GetDependencies(),
		Protect:                 req.Protect,
		IgnoreChanges:           req.GetIgnoreChanges(),
		ReplaceOnChanges:        req.GetReplaceOnChanges(),
		ReplacementTrigger:      req.GetReplacementTrigger(),
		Version:                 req.GetVersion(),
		Aliases:                 req.GetAliases(),
		Provider:                req.GetProvider(),
		Providers:               req.GetProviders(),
		HideDiff:                req.GetHideDiffs(),
		CustomTimeouts:          req.GetCustomTimeouts(),
		PluginDownloadUrl:       req.GetPluginDownloadURL(),
		RetainOnDelete:          req.RetainOnDelete,
		DeletedWith:             req.GetDeletedWith(),
		ReplaceWith:             req.GetReplaceWith(),
		AdditionalSecretOutputs: req.GetAdditionalSecretOutputs(),
		PluginChecksums:         req.GetPluginChecksums(),
		Hooks:                   req.GetHooks(),
		DeleteBeforeReplace:     deleteBeforeReplace(req),
	}
}

// applyTransformOptions writes a transform's options back into the
// registration.
func applyTransformOptions(req *pulumirpc.RegisterResourceRequest, o *pulumirpc.TransformResourceOptions) {
	req.ImportId = o.GetImport()
	req.Dependencies = o.GetDependsOn()
	req.Protect = o.Protect
	req.IgnoreChanges = o.GetIgnoreChanges()
	req.ReplaceOnChanges = o.GetReplaceOnChanges()
	req.ReplacementTrigger = o.GetReplacementTrigger()
	req.Version = o.GetVersion()
	req.Aliases = o.GetAliases()
	req.Provider = o.GetProvider()
	req.Providers = o.GetProviders()
	req.HideDiffs = o.GetHideDiff()
	req.CustomTimeouts = o.GetCustomTimeouts()
	req.PluginDownloadURL = o.GetPluginDownloadUrl()
	req.RetainOnDelete = o.RetainOnDelete
	req.DeletedWith = o.GetDeletedWith()
	req.ReplaceWith = o.GetReplaceWith()
	req.AdditionalSecretOutputs = o.GetAdditionalSecretOutputs()
	req.PluginChecksums = o.GetPluginChecksums()
	req.Hooks = o.GetHooks()
	req.DeleteBeforeReplaceDefined = o.DeleteBeforeReplace != nil
	req.DeleteBeforeReplace = o.GetDeleteBeforeReplace()
}
