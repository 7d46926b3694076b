package conformance

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/berth-dev/berth/internal/fakecloud/cloud"
	"github.com/berth-dev/berth/internal/fakecloud/provider"
	"github.com/berth-dev/berth/internal/providers"
)

// opts are the marshalling options the engine uses with providers that
// accept secrets and unknowns.
var opts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}

// plug is one fake provider plugin served over gRPC, with its cloud.
type plug struct {
	t      *testing.T
	pkg    string
	client pulumirpc.ResourceProviderClient
	cloud  *cloud.Cloud
}

// start serves the fake plugin of pkg on a loopback port over a fresh
// cloud and configures it with config (provider inputs such as "region").
func start(t *testing.T, pkg string, config map[string]string) *plug {
	t.Helper()
	c, err := cloud.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	pulumirpc.RegisterResourceProviderServer(srv, provider.NewServer(provider.New(providers.Providers[pkg], c)))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	p := &plug{t: t, pkg: pkg, client: pulumirpc.NewResourceProviderClient(conn), cloud: c}
	vars := resource.PropertyMap{}
	for k, v := range config {
		vars[resource.PropertyKey(k)] = resource.NewProperty(v)
	}
	args, err := plugin.MarshalProperties(vars, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.client.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: args, AcceptSecrets: true, AcceptResources: true}); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	return p
}

func (p *plug) marshal(m resource.PropertyMap) *structpb.Struct {
	p.t.Helper()
	s, err := plugin.MarshalProperties(m, opts)
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}

func (p *plug) unmarshal(s *structpb.Struct) resource.PropertyMap {
	p.t.Helper()
	m, err := plugin.UnmarshalProperties(s, opts)
	if err != nil {
		p.t.Fatal(err)
	}
	return m
}

// urn is the URN the engine gives a resource of type typ named name.
func urn(typ, name string) string { return providers.URN("test", "conformance", "", typ, name) }

// check is the engine's Check: news against olds (nil on create and on a
// replacement), with the registration's random seed.
func (p *plug) check(typ, name string, olds, news resource.PropertyMap, seed string) (resource.PropertyMap, []*pulumirpc.CheckFailure) {
	p.t.Helper()
	req := &pulumirpc.CheckRequest{Urn: urn(typ, name), Name: name, Type: typ, News: p.marshal(news), RandomSeed: []byte(seed)}
	if olds != nil {
		req.Olds = p.marshal(olds)
	}
	resp, err := p.client.Check(context.Background(), req)
	if err != nil {
		p.t.Fatalf("Check %s: %v", typ, err)
	}
	return p.unmarshal(resp.GetInputs()), resp.GetFailures()
}

// mustCheck checks and fails the test on a Check failure.
func (p *plug) mustCheck(typ, name string, olds, news resource.PropertyMap, seed string) resource.PropertyMap {
	p.t.Helper()
	in, failures := p.check(typ, name, olds, news, seed)
	if len(failures) > 0 {
		p.t.Fatalf("Check %s: %v", typ, failures)
	}
	return in
}

// createResult is a Create's outcome: the resource, or the error, and for
// a partial failure the resource the engine records anyway.
type createResult struct {
	id    string
	state resource.PropertyMap
	err   error
	// partial is true when the error carries ErrorResourceInitFailed: the
	// engine records the resource with its reasons as initErrors ([PKG]
	// resource/plugin/provider_plugin.go parseError 2634-2666).
	partial bool
}

// create is the engine's Create of checked inputs.
func (p *plug) create(typ, name string, in resource.PropertyMap) createResult {
	p.t.Helper()
	resp, err := p.client.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urn(typ, name), Name: name, Type: typ, Properties: p.marshal(in)})
	if err != nil {
		return p.failure(err)
	}
	return createResult{id: resp.GetId(), state: p.unmarshal(resp.GetProperties())}
}

// failure reads an error as the engine's parseError does.
func (p *plug) failure(err error) createResult {
	r := createResult{err: errors.New(status.Convert(err).Message())}
	if st, ok := status.FromError(err); ok {
		for _, d := range st.Details() {
			if f, ok := d.(*pulumirpc.ErrorResourceInitFailed); ok {
				r.partial, r.id, r.state = true, f.GetId(), p.unmarshal(f.GetProperties())
				r.err = errors.New(strings.Join(f.GetReasons(), "; "))
			}
		}
	}
	return r
}

// mustCreate creates and fails the test on an error.
func (p *plug) mustCreate(typ, name string, in resource.PropertyMap) createResult {
	p.t.Helper()
	r := p.create(typ, name, in)
	if r.err != nil {
		p.t.Fatalf("Create %s: %v", typ, r.err)
	}
	return r
}

// diff is the engine's Diff of new checked inputs against the old inputs
// and state.
func (p *plug) diff(typ, name, id string, oldIn, oldState, news resource.PropertyMap, ignore ...string) *pulumirpc.DiffResponse {
	p.t.Helper()
	resp, err := p.client.Diff(context.Background(), &pulumirpc.DiffRequest{
		Urn: urn(typ, name), Name: name, Type: typ, Id: id,
		OldInputs: p.marshal(oldIn), Olds: p.marshal(oldState), News: p.marshal(news), IgnoreChanges: ignore,
	})
	if err != nil {
		p.t.Fatalf("Diff %s: %v", typ, err)
	}
	return resp
}

// update is the engine's Update.
func (p *plug) update(typ, name, id string, oldIn, oldState, news resource.PropertyMap) createResult {
	p.t.Helper()
	resp, err := p.client.Update(context.Background(), &pulumirpc.UpdateRequest{
		Urn: urn(typ, name), Name: name, Type: typ, Id: id, OldInputs: p.marshal(oldIn), Olds: p.marshal(oldState), News: p.marshal(news),
	})
	if err != nil {
		return p.failure(err)
	}
	return createResult{id: id, state: p.unmarshal(resp.GetProperties())}
}

// delete is the engine's Delete.
func (p *plug) delete(typ, name, id string, in, state resource.PropertyMap) error {
	p.t.Helper()
	_, err := p.client.Delete(context.Background(), &pulumirpc.DeleteRequest{
		Urn: urn(typ, name), Name: name, Type: typ, Id: id, OldInputs: p.marshal(in), Properties: p.marshal(state),
	})
	return err
}

// invoke is the engine's Invoke.
func (p *plug) invoke(tok string, args resource.PropertyMap) resource.PropertyMap {
	p.t.Helper()
	resp, err := p.client.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: tok, Args: p.marshal(args)})
	if err != nil {
		p.t.Fatalf("Invoke %s: %v", tok, err)
	}
	return p.unmarshal(resp.GetReturn())
}

// props builds a property map from plain Go values.
func props(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

// detailed returns a Diff's detailed diff as "path=KIND" strings, sorted.
func detailed(d *pulumirpc.DiffResponse) []string {
	var out []string
	for k, v := range d.GetDetailedDiff() {
		out = append(out, k+"="+v.GetKind().String())
	}
	slices.Sort(out)
	return out
}
