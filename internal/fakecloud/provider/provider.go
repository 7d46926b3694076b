// Package provider serves the fake cloud to the Pulumi engine as resource
// provider plugins (pulumi-resource-aws, -gcp, -docker) over the real
// provider gRPC protocol (NewServer). The rules come from
// internal/providers and the memory from internal/fakecloud/cloud:
// Check fills defaults and names as the bridge does, Diff answers which
// properties change and replace and whether the replacement deletes first,
// Create and Update claim the names the cloud keeps unique and wait as the
// provider waits (a failed wait leaves the resource in the cloud and, for
// pulumi-aws, reaches the engine as a partial failure), and Delete refuses
// what the cloud refuses while another resource uses it.
//
// What it is not: the plugins build no image (the Docker provider's build
// and push are modelled: its rebuild decision, the registry's digest of
// each build, ECR's tag immutability) and run no task; an ECS deployment
// and a Cloud Run operation end as the cloud is scripted to end them.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"

	"github.com/berth-dev/berth/internal/fakecloud/cloud"
	"github.com/berth-dev/berth/internal/providers"
)

// AccountVar names the variable that sets the fake AWS account ID.
// Default: DefaultAccount.
const AccountVar = "BERTH_FAKECLOUD_AWS_ACCOUNT"

// DefaultAccount is the fake AWS account, the documentation's example
// account that the sample stacks' ARNs use.
const DefaultAccount = "123456789012"

// Main serves the fake provider of package pkg ("aws", "gcp" or "docker")
// as the engine expects of a plugin: it prints the port it listens on and
// serves until the engine sends SIGINT or stops answering its health check
// (the engine's address is the one argument).
func Main(pkg string) error {
	prov, ok := providers.Providers[pkg]
	if !ok {
		return fmt.Errorf("no fake provider for package %q", pkg)
	}
	c, err := cloud.FromEnv()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var engine string
	for _, a := range os.Args[1:] {
		if !strings.HasPrefix(a, "-") {
			engine = a
		}
	}
	if engine != "" {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		if err := rpcutil.Healthcheck(ctx, engine, 5*time.Minute, cancel); err != nil {
			return fmt.Errorf("starting the engine health check: %w", err)
		}
	}
	done := make(chan bool)
	go func() { <-ctx.Done(); close(done) }()
	server := NewServer(New(prov, c))
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: done,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(srv, server)
			return nil
		},
	})
	if err != nil {
		return fmt.Errorf("serving: %w", err)
	}
	// The plugin protocol: the first line on stdout is the port.
	fmt.Printf("%d\n", handle.Port)
	return <-handle.Done
}

// Provider is one package's fake provider.
type Provider struct {
	plugin.UnimplementedProvider

	prov   *providers.Provider
	cloud  *cloud.Cloud
	config providers.Config
}

var _ plugin.Provider = (*Provider)(nil)

// New returns the fake of the provider prov (providers.Providers) over the
// cloud c.
func New(prov *providers.Provider, c *cloud.Cloud) *Provider {
	return &Provider{prov: prov, cloud: c, config: providers.Config{}}
}

// Close releases nothing.
func (p *Provider) Close() error { return nil }

// SignalCancellation has nothing to stop: every call ends at once.
func (p *Provider) SignalCancellation(context.Context) error { return nil }

// GetPluginInfo reports the version the SDK asked for.
func (p *Provider) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	v := semver.MustParse(p.prov.Version)
	return plugin.PluginInfo{Version: &v}, nil
}

// Handshake accepts secrets and resource references, as the real
// providers do.
func (p *Provider) Handshake(context.Context, plugin.ProviderHandshakeRequest) (*plugin.ProviderHandshakeResponse, error) {
	return &plugin.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// GetSchema returns a schema that names the package and nothing else: the
// engine does not need more for programs in Go.
func (p *Provider) GetSchema(context.Context, plugin.GetSchemaRequest) (plugin.GetSchemaResponse, error) {
	return plugin.GetSchemaResponse{Schema: []byte(fmt.Sprintf(`{"name":%q,"version":%q}`, p.prov.Package, p.prov.Version))}, nil
}

// CheckConfig requires the configuration the real provider cannot work
// without: aws:region (the AWS provider fails to configure without a
// Region; internal/conns/config.go).
func (p *Provider) CheckConfig(_ context.Context, req plugin.CheckConfigRequest) (plugin.CheckConfigResponse, error) {
	var failures []plugin.CheckFailure
	if p.prov.Package == "aws" {
		if v := req.News["region"]; !v.IsString() && !v.IsComputed() || v.IsString() && v.StringValue() == "" {
			failures = append(failures, plugin.CheckFailure{Property: "region", Reason: "The argument \"region\" is required: set aws:region"})
		}
	}
	return plugin.CheckConfigResponse{Properties: req.News, Failures: failures}, nil
}

// DiffConfig reports a changed configuration as an update: a new Region or
// project does not replace the provider, it changes where each resource's
// next operation goes.
func (p *Provider) DiffConfig(_ context.Context, req plugin.DiffConfigRequest) (plugin.DiffConfigResponse, error) {
	if req.OldOutputs.DeepEquals(req.NewInputs) {
		return plugin.DiffResult{Changes: plugin.DiffNone}, nil
	}
	return plugin.DiffResult{Changes: plugin.DiffSome}, nil
}

// Configure reads the provider's Region and project; the fake AWS account
// comes from $BERTH_FAKECLOUD_AWS_ACCOUNT.
func (p *Provider) Configure(_ context.Context, req plugin.ConfigureRequest) (plugin.ConfigureResponse, error) {
	p.config = providers.ExplicitConfig(p.prov.Package, req.Inputs)
	// What the configuration leaves out the provider knows to be empty
	// (the fake has no environment or credentials to find it in).
	for _, k := range []string{"region", "project", "zone"} {
		if _, ok := p.config[k]; !ok {
			p.config[k] = ""
		}
	}
	p.config["account"] = DefaultAccount
	if a := os.Getenv(AccountVar); a != "" {
		p.config["account"] = a
	}
	return plugin.ConfigureResponse{}, nil
}

// typeOf returns the model of a resource type; a type the fake does not
// know is an error, so that a new resource type in berth fails the tier
// until its rules are modelled.
func typeOf(typ tokens.Type) (*providers.Type, error) {
	t, ok := providers.Lookup(string(typ))
	if !ok {
		return nil, fmt.Errorf("the fake cloud has no model of %s: add its rules to internal/providers", typ)
	}
	return t, nil
}

// Check applies the provider's defaults and validation.
func (p *Provider) Check(_ context.Context, req plugin.CheckRequest) (plugin.CheckResponse, error) {
	if req.Type == providers.DockerImage {
		in, err := providers.DockerImageCheck(req.News, "linux/"+runtime.GOARCH)
		return plugin.CheckResponse{Properties: in}, err
	}
	t, err := typeOf(req.Type)
	if err != nil {
		return plugin.CheckResponse{}, err
	}
	in, failures, err := t.Check(req.Olds, req.News, req.Name, req.RandomSeed)
	if err != nil {
		return plugin.CheckResponse{}, err
	}
	var out []plugin.CheckFailure
	for _, f := range failures {
		out = append(out, plugin.CheckFailure{Property: resource.PropertyKey(f.Property), Reason: f.Reason})
	}
	return plugin.CheckResponse{Properties: in, Failures: out}, nil
}

// diff is the model's diff of a resource of type typ.
func (p *Provider) diff(typ tokens.Type, oldInputs, oldOutputs, news resource.PropertyMap, ignore []string) (providers.DiffResult, error) {
	if typ == providers.DockerImage {
		return providers.DockerImageDiff(oldOutputs, news), nil
	}
	t, err := typeOf(typ)
	if err != nil {
		return providers.DiffResult{}, err
	}
	return t.Diff(oldInputs, oldOutputs, news, ignore), nil
}

// ctx is the model's context for inputs in and previous state old.
func (p *Provider) ctx(in, old resource.PropertyMap, id resource.ID, ids providers.IDs) *providers.Ctx {
	return &providers.Ctx{In: in, Old: old, ID: string(id), Config: p.config, IDs: ids}
}

// Create creates the resource in the fake cloud, or previews it with the
// values only the cloud invents unknown.
func (p *Provider) Create(_ context.Context, req plugin.CreateRequest) (plugin.CreateResponse, error) {
	if req.Type == providers.DockerImage {
		if req.Preview {
			// The provider builds nothing on preview unless buildOnPreview.
			return plugin.CreateResponse{Properties: req.Properties}, nil
		}
		var id string
		var state resource.PropertyMap
		err := p.cloud.Update(func(s *cloud.State) (err error) {
			id, state, err = p.push(s, req.Properties)
			if err == nil {
				s.Resources[cloud.Key(string(req.Type), id)] = record(req.Type, id, req.Name, state, nil)
				s.Record("create " + string(req.Type) + " " + id)
			}
			return err
		})
		return plugin.CreateResponse{ID: resource.ID(id), Properties: state}, err
	}
	t, err := typeOf(req.Type)
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	if req.Preview {
		id, state := t.Apply(p.ctx(req.Properties, nil, "", providers.Unknown{}))
		return plugin.CreateResponse{ID: knownID(id), Properties: state}, nil
	}
	var resp plugin.CreateResponse
	var waitErr error
	err = p.cloud.Update(func(s *cloud.State) error {
		c := p.ctx(req.Properties, nil, "", cloud.IDs{S: s})
		idv, state := t.Apply(c)
		id := knownID(idv)
		key := recordKey(req.Type, id, state)
		if req.Type == providers.ECSService {
			if err := providers.ECSCreateServiceLoadBalancers(state, func(arn string) bool { return associated(s, arn) }); err != nil {
				return err
			}
			if td := unsecretString(state["taskDefinition"]); inactive(s, td) {
				return providers.ECSInactiveTaskDefinition("creating", unsecretString(state["name"]), td)
			}
		}
		keys := t.UniqueKeys(c)
		if err := s.ClaimNew(key, keys); err != nil {
			return fmt.Errorf("creating %s %q: %w", req.Type, req.Name, err)
		}
		if _, taken := s.Resources[key]; taken {
			// A type without a uniqueness rule whose ID is taken: the model
			// lacks the cloud's rule for it.
			return fmt.Errorf("creating %s %q: %s already exists in the fake cloud", req.Type, req.Name, id)
		}
		// The cloud has the resource now; what follows is the provider's
		// wait for it (Type.Waits), which a scripted outcome can fail.
		waitErr = p.wait(s, t, "create", string(id), state, nil)
		s.Resources[key] = record(req.Type, string(id), req.Name, state, keys)
		s.Record("create " + key)
		resp = plugin.CreateResponse{ID: id, Properties: state}
		return nil
	})
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	if waitErr != nil {
		return plugin.CreateResponse{}, p.failed("creating", string(req.URN), resp.ID, resp.Properties, waitErr)
	}
	return resp, nil
}

// wait runs the part of a create or update (op) that waits for the cloud:
// an ECS deployment or a Cloud Run operation, ended as the fake cloud is
// scripted. It records what the service runs in state, and returns the
// error the provider reports.
func (p *Provider) wait(s *cloud.State, t *providers.Type, op, id string, state, old resource.PropertyMap) error {
	if !t.Waits {
		return nil
	}
	switch t.Token {
	case providers.ECSService:
		running := ""
		if old != nil {
			running = unsecretString(old["taskDefinition"])
		}
		return p.deploy(s, op, id, state, running)
	case providers.CloudRunService:
		svc := unsecretString(state["name"])
		if r := providers.TemplateRevision(state); r != "" {
			// The revision the template names is the one it makes.
			state["latestCreatedRevision"] = resource.NewProperty(r)
			state["latestReadyRevision"] = resource.NewProperty(r)
		}
		revision := unsecretString(state["latestCreatedRevision"])
		previous := unsecretString(old["latestReadyRevision"])
		revisions := s.Revisions[cloudRunKey(state)]
		if revisions == nil {
			revisions = map[string]string{}
			s.Revisions[cloudRunKey(state)] = revisions
		}
		// The revision exists once the operation starts, ready or not.
		revisions[revision] = providers.CloudRunFingerprint(state)
		serving, err := providers.CloudRunOperation(op, revision, previous, s.Operation(svc))
		if err == nil {
			// The traffic may name only revisions the service has (the new
			// one included); otherwise the operation fails and the last
			// serving state stays ([TPGB] crv2:1036-1042, reconciling).
			exists := func(r string) bool { _, ok := revisions[r]; return ok }
			if code, msg := providers.CloudRunTrafficProblem(state["traffics"], exists); msg != "" {
				serving = previous
				err = providers.CloudRunOperationError(op, code, msg)
			}
		}
		if err != nil {
			state["latestReadyRevision"] = resource.NewProperty(serving)
			s.Record(fmt.Sprintf("cloud run %s %s: revision %s failed, serving %q", op, svc, revision, serving))
		}
		return err
	}
	return nil
}

// cloudRunKey is the key of a Cloud Run service's revisions in the fake
// cloud's memory.
func cloudRunKey(state resource.PropertyMap) string {
	return unsecretString(state["project"]) + "/" + unsecretString(state["location"]) + "/" + unsecretString(state["name"])
}

// conflict is the cloud's synchronous refusal of an update, before it
// changes anything: a Cloud Run template that reuses the name of a
// revision another template made.
func conflict(s *cloud.State, typ tokens.Type, id resource.ID, state resource.PropertyMap) error {
	if typ != providers.CloudRunService {
		return nil
	}
	return providers.CloudRunRevisionConflict(string(id), providers.TemplateRevision(state),
		providers.CloudRunFingerprint(state), s.Revisions[cloudRunKey(state)])
}

// failed is what the provider returns when the cloud kept a resource that
// a create or update then failed to wait for: with a provider whose bridge
// passes the state on, a partial failure the engine records with its
// reason, "creating URN: ERROR" ([BR110] provider.go:1281-1283); otherwise
// a plain error, and the state never learns of what the cloud kept (see
// providers.Provider.RecordsPartialCreate).
func (p *Provider) failed(verb, urn string, id resource.ID, state resource.PropertyMap, err error) error {
	if p.prov.RecordsPartialCreate {
		return &PartialError{ID: id, State: state, Reasons: []string{verb + " " + urn + ": " + err.Error()}}
	}
	return err
}

// Update updates the resource in place.
func (p *Provider) Update(_ context.Context, req plugin.UpdateRequest) (plugin.UpdateResponse, error) {
	if req.Type == providers.DockerImage {
		if req.Preview {
			return plugin.UpdateResponse{Properties: req.NewInputs}, nil
		}
		var state resource.PropertyMap
		err := p.cloud.Update(func(s *cloud.State) (err error) {
			_, state, err = p.push(s, req.NewInputs)
			if err == nil {
				// The ID stays the first image name: an update returns none.
				id := string(req.ID)
				s.Resources[cloud.Key(string(req.Type), id)] = record(req.Type, id, req.Name, state, nil)
				s.Record("update " + string(req.Type) + " " + id)
			}
			return err
		})
		return plugin.UpdateResponse{Properties: state}, err
	}
	t, err := typeOf(req.Type)
	if err != nil {
		return plugin.UpdateResponse{}, err
	}
	if req.Preview {
		_, state := t.Apply(p.ctx(req.NewInputs, req.OldOutputs, req.ID, providers.Unknown{}))
		return plugin.UpdateResponse{Properties: state}, nil
	}
	var resp plugin.UpdateResponse
	var waitErr error
	err = p.cloud.Update(func(s *cloud.State) error {
		key := recordKey(req.Type, req.ID, req.OldOutputs)
		old, ok := s.Resources[key]
		if !ok || old.Status != cloud.Live {
			return fmt.Errorf("updating %s %q: %s does not exist in the fake cloud", req.Type, req.Name, req.ID)
		}
		c := p.ctx(req.NewInputs, req.OldOutputs, req.ID, cloud.IDs{S: s})
		_, state := t.Apply(c)
		if err := conflict(s, req.Type, req.ID, state); err != nil {
			return fmt.Errorf("updating %s %q: %w", req.Type, req.Name, err)
		}
		if req.Type == providers.ECSService {
			if td := unsecretString(state["taskDefinition"]); td != unsecretString(req.OldOutputs["taskDefinition"]) && inactive(s, td) {
				return providers.ECSInactiveTaskDefinition("updating", string(req.ID), td)
			}
		}
		keys := t.UniqueKeys(c)
		s.Release(key, old.Claims)
		if err := s.Claim(key, keys); err != nil {
			s.Claim(key, claimKeys(old.Claims))
			return fmt.Errorf("updating %s %q: %w", req.Type, req.Name, err)
		}
		waitErr = p.wait(s, t, "update", string(req.ID), state, req.OldOutputs)
		s.Resources[key] = record(req.Type, string(req.ID), req.Name, state, keys)
		s.Record("update " + key)
		resp = plugin.UpdateResponse{Properties: state}
		return nil
	})
	if err != nil {
		return plugin.UpdateResponse{}, err
	}
	if waitErr != nil {
		return plugin.UpdateResponse{}, p.failed("updating", string(req.URN), req.ID, resp.Properties, waitErr)
	}
	return resp, nil
}

// Delete deletes the resource from the fake cloud, with the provider's
// rules for what a delete does.
func (p *Provider) Delete(_ context.Context, req plugin.DeleteRequest) (plugin.DeleteResponse, error) {
	err := p.cloud.Update(func(s *cloud.State) error {
		key := recordKey(req.Type, req.ID, req.Outputs)
		r, ok := s.Resources[key]
		if !ok || r.Status != cloud.Live {
			// Already gone: the providers treat a missing resource on
			// delete as deleted.
			return nil
		}
		if t, ok := providers.Lookup(string(req.Type)); ok {
			if err := blocked(s, t, r); err != nil {
				return err
			}
		}
		switch req.Type {
		case providers.DockerImage:
			// The Docker provider's Delete removes nothing: the image stays
			// in the registry (provider/provider.go Delete).
			delete(s.Resources, key)
			s.Record("delete " + key)
			return nil
		case providers.ECSTaskDefinition:
			if providers.TaskDefinitionDeregisters(req.Outputs) {
				r.Status = cloud.Inactive
				s.Record("deregister " + key)
			} else {
				s.Record("skip-destroy " + key)
				// The revision stays ACTIVE; Pulumi forgets it.
				r.Name = "(forgotten) " + r.Name
				delete(s.Resources, key)
				s.Resources["retained "+key] = r
			}
			return nil
		case providers.ECRRepository:
			url, _ := r.State["repositoryUrl"].(string)
			force, _ := r.State["forceDelete"].(bool)
			if err := providers.ECRDeleteRepository(r.ID, p.config["account"], len(s.Images[url]), force); err != nil {
				return err
			}
			delete(s.Images, url)
		case providers.ArtifactRegistryRepo:
			// Deleting a repository deletes the images in it (Artifact
			// Registry docs, "Delete repositories").
			prefix := artifactRegistryPrefix(r.State)
			for repo := range s.Images {
				if strings.HasPrefix(repo, prefix) {
					delete(s.Images, repo)
				}
			}
		case providers.CloudRunService:
			// A service's revisions go with it (Cloud Run docs, "Delete
			// services").
			delete(s.Revisions, cloudRunKey(resource.NewPropertyMapFromMap(r.State)))
		case providers.SecretsManagerSecret:
			// With a recovery window the secret is only scheduled for
			// deletion and its name stays taken until the window ends
			// (Secrets Manager API, DeleteSecret).
			if days, _ := r.State["recoveryWindowInDays"].(float64); days > 0 {
				s.Release(key, r.Claims)
				for _, k := range r.Claims {
					s.Claims[k] = "scheduled for deletion: " + key
				}
				delete(s.Resources, key)
				s.Record("schedule-deletion " + key)
				return nil
			}
		}
		s.Remove(key)
		s.Record("delete " + key)
		return nil
	})
	return plugin.DeleteResponse{}, err
}

// Read returns what the fake cloud holds: the state as recorded, or
// nothing when the resource is gone.
func (p *Provider) Read(_ context.Context, req plugin.ReadRequest) (plugin.ReadResponse, error) {
	s, err := p.cloud.Read()
	if err != nil {
		return plugin.ReadResponse{}, err
	}
	r, ok := s.Resources[recordKey(req.Type, req.ID, req.State)]
	if !ok || r.Status != cloud.Live {
		return plugin.ReadResponse{ReadResult: plugin.ReadResult{ID: req.ID}}, nil
	}
	return plugin.ReadResponse{ReadResult: plugin.ReadResult{ID: req.ID, Inputs: req.Inputs, Outputs: req.State}}, nil
}

// blocked returns the cloud's refusal to delete r while a live resource
// uses it (providers.Type.Blockers).
func blocked(s *cloud.State, t *providers.Type, r *cloud.Record) error {
	target := resource.NewPropertyMapFromMap(r.State)
	for _, b := range t.Blockers {
		for _, u := range s.Live(b.Type) {
			if b.Uses(resource.NewPropertyMapFromMap(u.State), target) {
				s.Record("delete refused " + cloud.Key(r.Type, r.ID) + ": in use by " + cloud.Key(u.Type, u.ID))
				return errors.New(b.Err(target))
			}
		}
	}
	return nil
}

// inactive reports whether the task definition revision arn is
// deregistered in s (a task definition deleted without skipDestroy).
func inactive(s *cloud.State, arn string) bool {
	r, ok := s.Resources[cloud.Key(providers.ECSTaskDefinition, arn)]
	return ok && r.Status == cloud.Inactive
}

// associated reports whether a live listener or listener rule of s
// forwards to the target group arn (providers.TargetGroupAssociated).
func associated(s *cloud.State, arn string) bool {
	states := func(typ string) []resource.PropertyMap {
		var out []resource.PropertyMap
		for _, r := range s.Live(typ) {
			out = append(out, resource.NewPropertyMapFromMap(r.State))
		}
		return out
	}
	return providers.TargetGroupAssociated(arn, states(providers.Listener), states(providers.ListenerRule))
}

// deploy runs an ECS deployment of the service's task definition as the
// cloud is scripted to end it, and records what the service runs in the
// state's taskDefinition, as the provider's Read does after its waiter.
func (p *Provider) deploy(s *cloud.State, op, id string, state resource.PropertyMap, running string) error {
	want := unsecretString(state["taskDefinition"])
	svc := unsecretString(state["name"])
	outcome := s.Deployment(svc)
	wait := state["waitForSteadyState"]
	now, err := providers.Deploy(running, want, outcome, wait.IsBool() && wait.BoolValue(), alarmRollback(state))
	if err != nil {
		// [TPA] service.go: "waiting for ECS Service (%s) create|update:
		// %s" with the service's ID, its ARN.
		return fmt.Errorf("waiting for ECS Service (%s) %s: %w", id, op, err)
	}
	state["taskDefinition"] = resource.NewProperty(now)
	s.Record(fmt.Sprintf("deploy ecs service %s: %s -> %s (%s), runs %s", svc, running, want, outcomeName(outcome), now))
	return nil
}

// alarmRollback reports whether an ECS service's state enables its
// deployment alarms with rollback.
func alarmRollback(state resource.PropertyMap) bool {
	a := providers.Unsecret(state["alarms"])
	if a.IsArray() && len(a.ArrayValue()) > 0 {
		a = a.ArrayValue()[0]
	}
	if !a.IsObject() {
		return false
	}
	on := func(k string) bool {
		v := providers.Unsecret(a.ObjectValue()[resource.PropertyKey(k)])
		return v.IsBool() && v.BoolValue()
	}
	return on("enable") && on("rollback")
}

func outcomeName(o providers.DeploymentOutcome) string {
	if o == "" {
		return string(providers.DeploymentSucceeds)
	}
	return string(o)
}

// push models the Docker provider's build and push of an Image: a new
// digest per build, pushed to the repository of imageName in the fake
// cloud, with the registry's rules (the repository must exist; ECR tag
// immutability).
func (p *Provider) push(s *cloud.State, in resource.PropertyMap) (string, resource.PropertyMap, error) {
	imageName := unsecretString(in["imageName"])
	build := providers.Unsecret(in["build"]).ObjectValue()
	repo, tag := providers.SplitImageName(imageName)
	s.Builds++
	digest := providers.ImageDigest(unsecretString(build["contextDigest"]), fmt.Sprint(s.Builds))
	password := ""
	if r := providers.Unsecret(in["registry"]); r.IsObject() {
		password = unsecretString(r.ObjectValue()["password"])
	}
	host, _, _ := strings.Cut(repo, "/")
	switch {
	case strings.Contains(host, ".dkr.ecr."):
		r := findRecord(s, providers.ECRRepository, "repositoryUrl", repo)
		if r == nil {
			return "", nil, fmt.Errorf("name unknown: The repository with name '%s' does not exist in the registry", strings.TrimPrefix(repo, host+"/"))
		}
		if password == "" {
			return "", nil, errors.New("no basic auth credentials")
		}
		mutability, _ := r.State["imageTagMutability"].(string)
		if err := providers.ECRPush(r.ID, mutability, tag, s.Images[repo][tag], digest); err != nil {
			return "", nil, err
		}
	case strings.HasSuffix(host, "-docker.pkg.dev"):
		found := false
		for _, r := range s.Resources {
			if r.Type == providers.ArtifactRegistryRepo && r.Status == cloud.Live && strings.HasPrefix(repo+"/", artifactRegistryPrefix(r.State)) {
				found = true
			}
		}
		if !found {
			return "", nil, fmt.Errorf("name unknown: Repository %q not found", repo)
		}
		if password == "" {
			return "", nil, errors.New("denied: Unauthenticated request")
		}
	}
	if s.Images[repo] == nil {
		s.Images[repo] = map[string]string{}
	}
	s.Images[repo][tag] = digest
	return imageName, providers.DockerImageState(in, repo+"@"+digest), nil
}

// artifactRegistryPrefix is LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/,
// the prefix of the images of an Artifact Registry repository.
func artifactRegistryPrefix(state map[string]any) string {
	loc, _ := state["location"].(string)
	project, _ := state["project"].(string)
	id, _ := state["repositoryId"].(string)
	return loc + "-docker.pkg.dev/" + project + "/" + id + "/"
}

// findRecord returns the live record of typ whose state key is value.
func findRecord(s *cloud.State, typ, key, value string) *cloud.Record {
	for _, r := range s.Live(typ) {
		if r.State[key] == value {
			return r
		}
	}
	return nil
}

// recordKey is where the cloud keeps a resource: by ID, except task
// definitions, whose revisions share the family as ID and differ by ARN.
func recordKey(typ tokens.Type, id resource.ID, state resource.PropertyMap) string {
	if typ == providers.ECSTaskDefinition {
		if arn := unsecretString(state["arn"]); arn != "" {
			return cloud.Key(string(typ), arn)
		}
	}
	return cloud.Key(string(typ), string(id))
}

// record makes a cloud record of a state, secrets in plain text.
func record(typ tokens.Type, id, name string, state resource.PropertyMap, keys []providers.Key) *cloud.Record {
	var claims []string
	for _, k := range keys {
		claims = append(claims, k.Key)
	}
	return &cloud.Record{Type: string(typ), ID: id, Name: name, State: plain(state).Mappable(), Claims: claims}
}

func claimKeys(keys []string) []providers.Key {
	out := make([]providers.Key, len(keys))
	for i, k := range keys {
		out[i] = providers.Key{Key: k}
	}
	return out
}

// plain strips secret markers and unknowns from a state.
func plain(m resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range m {
		out[k] = plainValue(v)
	}
	return out
}

func plainValue(v resource.PropertyValue) resource.PropertyValue {
	v = providers.Unsecret(v)
	switch {
	case v.IsComputed():
		return resource.NewNullProperty()
	case v.IsObject():
		return resource.NewProperty(plain(v.ObjectValue()))
	case v.IsArray():
		a := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			a[i] = plainValue(e)
		}
		return resource.NewProperty(a)
	}
	return v
}

// unsecretString is v's string, "" when it is not a known string.
func unsecretString(v resource.PropertyValue) string {
	s, _ := providers.KnownString(v)
	return s
}

// knownID is the ID of a create; unknown during a preview.
func knownID(v resource.PropertyValue) resource.ID {
	if v.IsString() {
		return resource.ID(v.StringValue())
	}
	return ""
}

// Invoke answers the functions the provider model answers.
func (p *Provider) Invoke(_ context.Context, req plugin.InvokeRequest) (plugin.InvokeResponse, error) {
	// Functions only draw identifiers; none counts a sequence of the
	// cloud's state.
	out, err := providers.Invoke(string(req.Tok), req.Args, p.config, cloud.IDs{})
	if err != nil {
		return plugin.InvokeResponse{}, fmt.Errorf("the fake cloud has no model of the function %s: %w", req.Tok, err)
	}
	return plugin.InvokeResponse{Properties: out}, nil
}
