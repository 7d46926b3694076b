// Package provider serves the fake cloud to the Pulumi engine as resource
// provider plugins (pulumi-resource-aws, -gcp, -docker) over the real
// provider gRPC protocol, through the SDK's plugin.NewProviderServer. The
// rules come from internal/fakecloud/model and the memory from
// internal/fakecloud/cloud.
//
// What it is not: the plugins build no image (the Docker provider's build
// and push are modelled: its rebuild decision, the registry's digest of
// each build, ECR's tag immutability) and run no task; an ECS deployment
// ends as the cloud is scripted to end it.
package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
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
	"github.com/berth-dev/berth/internal/fakecloud/model"
)

// Versions are the plugin versions the pinned SDKs ask the engine for
// (github.com/pulumi/pulumi-aws/sdk/v6 v6.83.4, pulumi-gcp/sdk/v7 v7.38.0,
// pulumi-docker/sdk/v4 v4.11.2), by package.
var Versions = map[string]string{"aws": "6.83.4", "gcp": "7.38.0", "docker": "4.11.2"}

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
	version, ok := Versions[pkg]
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
	server := plugin.NewProviderServer(New(pkg, version, c))
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

	pkg, version string
	cloud        *cloud.Cloud
	config       model.Config
}

var _ plugin.Provider = (*Provider)(nil)

// New returns the fake provider of pkg at version over the cloud c.
func New(pkg, version string, c *cloud.Cloud) *Provider {
	return &Provider{pkg: pkg, version: version, cloud: c, config: model.Config{}}
}

// Close releases nothing.
func (p *Provider) Close() error { return nil }

// SignalCancellation has nothing to stop: every call ends at once.
func (p *Provider) SignalCancellation(context.Context) error { return nil }

// GetPluginInfo reports the version the SDK asked for.
func (p *Provider) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	v := semver.MustParse(p.version)
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
	return plugin.GetSchemaResponse{Schema: []byte(fmt.Sprintf(`{"name":%q,"version":%q}`, p.pkg, p.version))}, nil
}

// CheckConfig requires the configuration the real provider cannot work
// without: aws:region (the AWS provider fails to configure without a
// Region; internal/conns/config.go).
func (p *Provider) CheckConfig(_ context.Context, req plugin.CheckConfigRequest) (plugin.CheckConfigResponse, error) {
	var failures []plugin.CheckFailure
	if p.pkg == "aws" {
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
	for _, k := range []string{"region", "project", "zone"} {
		if v := req.Inputs[resource.PropertyKey(k)]; v.IsString() {
			p.config[k] = v.StringValue()
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
func typeOf(typ tokens.Type) (*model.Type, error) {
	t, ok := model.Lookup(string(typ))
	if !ok {
		return nil, fmt.Errorf("the fake cloud has no model of %s: add its rules to internal/fakecloud/model", typ)
	}
	return t, nil
}

// Check applies the provider's defaults and validation.
func (p *Provider) Check(_ context.Context, req plugin.CheckRequest) (plugin.CheckResponse, error) {
	if req.Type == model.DockerImageToken {
		in, err := model.DockerImageCheck(req.News, "linux/"+runtime.GOARCH)
		return plugin.CheckResponse{Properties: in}, err
	}
	t, err := typeOf(req.Type)
	if err != nil {
		return plugin.CheckResponse{}, err
	}
	in, failures := t.Check(req.Olds, req.News, req.Name, req.RandomSeed)
	var out []plugin.CheckFailure
	for _, f := range failures {
		out = append(out, plugin.CheckFailure{Property: resource.PropertyKey(f.Property), Reason: f.Reason})
	}
	return plugin.CheckResponse{Properties: in, Failures: out}, nil
}

// Diff compares the new inputs with the state.
func (p *Provider) Diff(_ context.Context, req plugin.DiffRequest) (plugin.DiffResponse, error) {
	var d model.DiffResult
	if req.Type == model.DockerImageToken {
		d = model.DockerImageDiff(req.OldOutputs, req.NewInputs)
	} else {
		t, err := typeOf(req.Type)
		if err != nil {
			return plugin.DiffResult{}, err
		}
		d = t.Diff(req.OldInputs, req.OldOutputs, req.NewInputs, req.IgnoreChanges)
	}
	if len(d.Changed) == 0 {
		return plugin.DiffResult{Changes: plugin.DiffNone}, nil
	}
	detailed := map[string]plugin.PropertyDiff{}
	for _, k := range d.Changed {
		kind := plugin.DiffUpdate
		if slices.Contains(d.Replace, k) {
			kind = plugin.DiffUpdateReplace
		}
		detailed[k] = plugin.PropertyDiff{Kind: kind, InputDiff: true}
	}
	// deleteBeforeReplace stays false, as the bridge leaves it unless the
	// resource's options ask: the engine creates the replacement first.
	return plugin.DiffResult{Changes: plugin.DiffSome, DetailedDiff: detailed}, nil
}

// ctx is the model's context for inputs in and previous state old.
func (p *Provider) ctx(in, old resource.PropertyMap, ids model.IDs) *model.Ctx {
	return &model.Ctx{In: in, Old: old, Config: p.config, IDs: ids}
}

// Create creates the resource in the fake cloud, or previews it with the
// values only the cloud invents unknown.
func (p *Provider) Create(_ context.Context, req plugin.CreateRequest) (plugin.CreateResponse, error) {
	if req.Type == model.DockerImageToken {
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
				s.Log = append(s.Log, "create "+string(req.Type)+" "+id)
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
		id, state := t.Apply(p.ctx(req.Properties, nil, cloud.Unknown{}))
		return plugin.CreateResponse{ID: knownID(id), Properties: state}, nil
	}
	var resp plugin.CreateResponse
	err = p.cloud.Update(func(s *cloud.State) error {
		c := p.ctx(req.Properties, nil, cloud.IDs{S: s})
		idv, state := t.Apply(c)
		id := knownID(idv)
		if req.Type == "aws:ecs/service:Service" {
			if err := p.deploy(s, string(req.Name), state, ""); err != nil {
				return err
			}
		}
		key := recordKey(req.Type, id, state)
		keys := t.UniqueKeys(c)
		if err := s.Claim(key, keys); err != nil {
			return fmt.Errorf("creating %s %q: %w", req.Type, req.Name, err)
		}
		if _, taken := s.Resources[key]; taken {
			// A type without a uniqueness rule whose ID is taken: the model
			// lacks the cloud's rule for it.
			return fmt.Errorf("creating %s %q: %s already exists in the fake cloud", req.Type, req.Name, id)
		}
		s.Resources[key] = record(req.Type, string(id), req.Name, state, keys)
		s.Log = append(s.Log, "create "+key)
		resp = plugin.CreateResponse{ID: id, Properties: state}
		return nil
	})
	return resp, err
}

// Update updates the resource in place.
func (p *Provider) Update(_ context.Context, req plugin.UpdateRequest) (plugin.UpdateResponse, error) {
	if req.Type == model.DockerImageToken {
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
				s.Log = append(s.Log, "update "+string(req.Type)+" "+id)
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
		_, state := t.Apply(p.ctx(req.NewInputs, req.OldOutputs, cloud.Unknown{}))
		return plugin.UpdateResponse{Properties: state}, nil
	}
	var resp plugin.UpdateResponse
	err = p.cloud.Update(func(s *cloud.State) error {
		key := recordKey(req.Type, req.ID, req.OldOutputs)
		old, ok := s.Resources[key]
		if !ok || old.Status != cloud.Live {
			return fmt.Errorf("updating %s %q: %s does not exist in the fake cloud", req.Type, req.Name, req.ID)
		}
		c := p.ctx(req.NewInputs, req.OldOutputs, cloud.IDs{S: s})
		_, state := t.Apply(c)
		if req.Type == "aws:ecs/service:Service" {
			running, _ := old.State["taskDefinition"].(string)
			if err := p.deploy(s, string(req.Name), state, running); err != nil {
				return err
			}
		}
		keys := t.UniqueKeys(c)
		s.Release(key, old.Claims)
		if err := s.Claim(key, keys); err != nil {
			s.Claim(key, claimKeys(old.Claims))
			return fmt.Errorf("updating %s %q: %w", req.Type, req.Name, err)
		}
		s.Resources[key] = record(req.Type, string(req.ID), req.Name, state, keys)
		s.Log = append(s.Log, "update "+key)
		resp = plugin.UpdateResponse{Properties: state}
		return nil
	})
	return resp, err
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
		switch req.Type {
		case model.DockerImageToken:
			// The Docker provider's Delete removes nothing: the image stays
			// in the registry (provider/provider.go Delete).
			delete(s.Resources, key)
			s.Log = append(s.Log, "delete "+key)
			return nil
		case "aws:ecs/taskDefinition:TaskDefinition":
			if model.TaskDefinitionDeregisters(req.Outputs) {
				r.Status = cloud.Inactive
				s.Log = append(s.Log, "deregister "+key)
			} else {
				s.Log = append(s.Log, "skip-destroy "+key)
				// The revision stays ACTIVE; Pulumi forgets it.
				r.Name = "(forgotten) " + r.Name
				delete(s.Resources, key)
				s.Resources["retained "+key] = r
			}
			return nil
		case "aws:ecr/repository:Repository":
			url, _ := r.State["repositoryUrl"].(string)
			force, _ := r.State["forceDelete"].(bool)
			if err := model.ECRDeleteRepository(r.ID, p.config["account"], len(s.Images[url]), force); err != nil {
				return err
			}
			delete(s.Images, url)
		case "gcp:artifactregistry/repository:Repository":
			// Deleting a repository deletes the images in it (Artifact
			// Registry docs, "Delete repositories").
			prefix := artifactRegistryPrefix(r.State)
			for repo := range s.Images {
				if strings.HasPrefix(repo, prefix) {
					delete(s.Images, repo)
				}
			}
		case "aws:secretsmanager/secret:Secret":
			// With a recovery window the secret is only scheduled for
			// deletion and its name stays taken until the window ends
			// (Secrets Manager API, DeleteSecret).
			if days, _ := r.State["recoveryWindowInDays"].(float64); days > 0 {
				s.Release(key, r.Claims)
				for _, k := range r.Claims {
					s.Claims[k] = "scheduled for deletion: " + key
				}
				delete(s.Resources, key)
				s.Log = append(s.Log, "schedule-deletion "+key)
				return nil
			}
		}
		s.Release(key, r.Claims)
		delete(s.Resources, key)
		s.Log = append(s.Log, "delete "+key)
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

// deploy runs an ECS deployment of the service's task definition as the
// cloud is scripted to end it, and records what the service runs in the
// state's taskDefinition, as the provider's Read does after its waiter.
func (p *Provider) deploy(s *cloud.State, name string, state resource.PropertyMap, running string) error {
	want := unsecretString(state["taskDefinition"])
	svc := unsecretString(state["name"])
	outcome := s.Deployments[svc]
	wait := state["waitForSteadyState"]
	now, err := model.Deploy(running, want, outcome, wait.IsBool() && wait.BoolValue())
	if err != nil {
		return fmt.Errorf("updating ECS Service (%s): %w", svc, err)
	}
	state["taskDefinition"] = resource.NewProperty(now)
	s.Log = append(s.Log, fmt.Sprintf("deploy ecs service %s: %s -> %s (%s), runs %s", svc, running, want, outcomeName(outcome), now))
	return nil
}

func outcomeName(o model.DeploymentOutcome) string {
	if o == "" {
		return string(model.DeploymentSucceeds)
	}
	return string(o)
}

// push models the Docker provider's build and push of an Image: a new
// digest per build, pushed to the repository of imageName in the fake
// cloud, with the registry's rules (the repository must exist; ECR tag
// immutability).
func (p *Provider) push(s *cloud.State, in resource.PropertyMap) (string, resource.PropertyMap, error) {
	imageName := unsecretString(in["imageName"])
	build := unsecretValue(in["build"]).ObjectValue()
	repo, tag := model.SplitImageName(imageName)
	s.Builds++
	digest := model.ImageDigest(unsecretString(build["contextDigest"]), fmt.Sprint(s.Builds))
	password := ""
	if r := unsecretValue(in["registry"]); r.IsObject() {
		password = unsecretString(r.ObjectValue()["password"])
	}
	host, _, _ := strings.Cut(repo, "/")
	switch {
	case strings.Contains(host, ".dkr.ecr."):
		r := findRecord(s, "aws:ecr/repository:Repository", "repositoryUrl", repo)
		if r == nil {
			return "", nil, fmt.Errorf("name unknown: The repository with name '%s' does not exist in the registry", strings.TrimPrefix(repo, host+"/"))
		}
		if password == "" {
			return "", nil, errors.New("no basic auth credentials")
		}
		mutability, _ := r.State["imageTagMutability"].(string)
		if err := model.ECRPush(r.ID, mutability, tag, s.Images[repo][tag], digest); err != nil {
			return "", nil, err
		}
	case strings.HasSuffix(host, "-docker.pkg.dev"):
		found := false
		for _, r := range s.Resources {
			if r.Type == "gcp:artifactregistry/repository:Repository" && r.Status == cloud.Live && strings.HasPrefix(repo+"/", artifactRegistryPrefix(r.State)) {
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
	return imageName, model.DockerImageState(in, repo+"@"+digest), nil
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
	for _, r := range s.Resources {
		if r.Type == typ && r.Status == cloud.Live && r.State[key] == value {
			return r
		}
	}
	return nil
}

// recordKey is where the cloud keeps a resource: by ID, except task
// definitions, whose revisions share the family as ID and differ by ARN.
func recordKey(typ tokens.Type, id resource.ID, state resource.PropertyMap) string {
	if typ == "aws:ecs/taskDefinition:TaskDefinition" {
		if arn := unsecretString(state["arn"]); arn != "" {
			return cloud.Key(string(typ), arn)
		}
	}
	return cloud.Key(string(typ), string(id))
}

// record makes a cloud record of a state, secrets in plain text.
func record(typ tokens.Type, id, name string, state resource.PropertyMap, keys []model.Key) *cloud.Record {
	var claims []string
	for _, k := range keys {
		claims = append(claims, k.Key)
	}
	return &cloud.Record{Type: string(typ), ID: id, Name: name, State: plain(state).Mappable(), Claims: claims}
}

func claimKeys(keys []string) []model.Key {
	out := make([]model.Key, len(keys))
	for i, k := range keys {
		out[i] = model.Key{Key: k}
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
	v = unsecretValue(v)
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

func unsecretValue(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

func unsecretString(v resource.PropertyValue) string {
	v = unsecretValue(v)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// knownID is the ID of a create; unknown during a preview.
func knownID(v resource.PropertyValue) resource.ID {
	if v.IsString() {
		return resource.ID(v.StringValue())
	}
	return ""
}

// Invoke answers the functions berth calls.
func (p *Provider) Invoke(_ context.Context, req plugin.InvokeRequest) (plugin.InvokeResponse, error) {
	account, region := p.config["account"], p.config["region"]
	// The bridge returns data-source results without secret markers, even
	// for Sensitive attributes: the Go SDK's invoke rejects a secret result
	// ("unexpected secret result returned to invoke call"), so programs
	// mark such values secret themselves, as berth does.
	secret := func(s string) resource.PropertyValue { return resource.NewProperty(s) }
	var out resource.PropertyMap
	switch req.Tok {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		out = resource.PropertyMap{
			"accountId": resource.NewProperty(account),
			"arn":       resource.NewProperty("arn:aws:iam::" + account + ":user/berth-fake-deployer"),
			"id":        resource.NewProperty(account),
			"userId":    resource.NewProperty("AIDAFAKEDEPLOYER"),
		}
	case "aws:index/getRegion:getRegion":
		out = resource.PropertyMap{
			"name":     resource.NewProperty(region),
			"id":       resource.NewProperty(region),
			"endpoint": resource.NewProperty("ec2." + region + ".amazonaws.com"),
		}
	case "aws:index/getPartition:getPartition":
		out = resource.PropertyMap{
			"partition":        resource.NewProperty("aws"),
			"id":               resource.NewProperty("aws"),
			"dnsSuffix":        resource.NewProperty("amazonaws.com"),
			"reverseDnsPrefix": resource.NewProperty("com.amazonaws"),
		}
	case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
		// authorization_token and password are Sensitive attributes
		// (internal/service/ecr/authorization_token_data_source.go).
		password, _ := cloud.IDs{}.Generate(model.Alnum, 32)
		out = resource.PropertyMap{
			"authorizationToken": secret(base64.StdEncoding.EncodeToString([]byte("AWS:" + password))),
			"expiresAt":          resource.NewProperty("2099-01-01T00:00:00Z"),
			"id":                 resource.NewProperty(region),
			"password":           secret(password),
			"proxyEndpoint":      resource.NewProperty("https://" + account + ".dkr.ecr." + region + ".amazonaws.com"),
			"userName":           resource.NewProperty("AWS"),
		}
	case "gcp:organizations/getClientConfig:getClientConfig":
		// access_token is a Sensitive attribute
		// (google/services/resourcemanager/data_source_google_client_config.go).
		token, _ := cloud.IDs{}.Generate(model.Alnum, 40)
		out = resource.PropertyMap{
			"accessToken":   secret("ya29." + token),
			"id":            resource.NewProperty("projects/" + p.config["project"] + "/regions/" + region + "/zones/"),
			"project":       resource.NewProperty(p.config["project"]),
			"region":        resource.NewProperty(region),
			"zone":          resource.NewProperty(p.config["zone"]),
			"defaultLabels": resource.NewProperty(resource.PropertyMap{}),
		}
	default:
		return plugin.InvokeResponse{}, fmt.Errorf("the fake cloud has no model of the function %s", req.Tok)
	}
	return plugin.InvokeResponse{Properties: out}, nil
}
