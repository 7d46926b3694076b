package deployer

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/infra/program"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/planengine"
	"github.com/berth-dev/berth/internal/stackconfig"
	"github.com/berth-dev/berth/testkit"
)

// variant is one configuration of a sample stack whose resources and invokes
// the catalogs must cover: the stack as shipped, or with the settings that
// add or remove resource types.
type variant struct {
	name  string
	stack string
	cloud string
	// sets are `berth plan --set` overrides, parsed as cmd/berth parses
	// them.
	sets []string
	// mutate edits the loaded config for what --set cannot express, such as
	// a secret given as a value (stackconfig.LoadConfig rejects plaintext ones).
	mutate func(t *testing.T, cfg *stackconfig.Config)
}

// variants covers every switch in components/ and infra/ that changes which
// resource types or invokes a deployment uses.
var variants = []variant{
	{name: "prod", stack: "prod", cloud: "aws"},
	{name: "prod existing cluster, plain HTTP", stack: "prod", cloud: "aws", sets: []string{
		`aws={vpcId: vpc-0a1b2c3d4e5f60718, loadBalancerSubnetIds: [subnet-0aa1111111111111a, subnet-0bb2222222222222b], taskSubnetIds: [subnet-0cc3333333333333c], plainHttp: true, clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/shared"}`,
	}},
	{name: "prod task policy, ECS Exec, KMS key", stack: "prod", cloud: "aws", sets: []string{
		"aws.enableExec=true",
		`aws.taskPolicy=[{actions: [s3:GetObject], resources: ["arn:aws:s3:::berth-assets/*"]}]`,
		"aws.kmsKeyArn=arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}},
	{name: "prod secret from a value", stack: "prod", cloud: "aws", mutate: addValueSecret},
	{name: "prod canary", stack: "prod", cloud: "aws", sets: []string{
		`service.rollout.canary={stable: "arn:aws:ecs:us-east-1:123456789012:task-definition/berth-app-da1ef50:1", percent: 10}`,
	}},
	{name: "dev", stack: "dev", cloud: "gcp"},
	{name: "dev connector ID", stack: "dev", cloud: "gcp", sets: []string{
		"gcp.vpc={connectorId: projects/berth-dev-467312/locations/us-central1/connectors/shared, egress: private-ranges-only}",
	}},
	{name: "dev Direct VPC, public", stack: "dev", cloud: "gcp", sets: []string{
		"gcp.vpc={directVpc: {network: default, subnetwork: default}, egress: all-traffic}",
		"service.public=true",
	}},
}

// addValueSecret adds a secret given as a value to the service, marked
// secret as `pulumi config set --secret --path` would.
func addValueSecret(t *testing.T, cfg *stackconfig.Config) {
	t.Helper()
	const key = "berth:service"
	var svc map[string]any
	if err := json.Unmarshal([]byte(cfg.Values[key]), &svc); err != nil {
		t.Fatalf("decoding %s: %v", key, err)
	}
	secrets, _ := svc["secrets"].([]any)
	svc["secrets"] = append(secrets, map[string]any{"env": "WEBHOOK_KEY", "value": "deployer-test-value"})
	b, err := json.Marshal(svc)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Values[key] = string(b)
	for _, k := range cfg.SecretKeys {
		if k == key {
			return
		}
	}
	cfg.SecretKeys = append(cfg.SecretKeys, key)
	sort.Strings(cfg.SecretKeys)
}

// planned is what one variant registers and invokes.
type planned struct {
	plan    *plan.Plan
	invokes map[string]bool
}

// runVariant loads the stack as cmd/berth does (stackconfig.LoadConfig with
// stackconfig.ParseOverride) and runs infra/program.Deploy twice: through planengine.Run,
// the path `berth plan` takes, for the resources, and once more against a
// monitor that also records invokes, which plans do not list.
func runVariant(t *testing.T, v variant) planned {
	t.Helper()
	opts := stackconfig.LoadOptions{Stack: v.stack}
	var err error
	if opts.Overrides, err = stackconfig.ParseOverrides(v.sets); err != nil {
		t.Fatalf("%s: --set %v", v.name, err)
	}
	cfg, err := stackconfig.LoadConfig(opts)
	if err != nil {
		t.Fatalf("%s: loading config: %v", v.name, err)
	}
	if v.mutate != nil {
		v.mutate(t, cfg)
	}
	res, err := planengine.Run(context.Background(), cfg, planengine.RunOptions{})
	if err != nil {
		t.Fatalf("%s: planning: %v", v.name, err)
	}

	rec := &invokeRecorder{Monitor: testkit.New(cfg.Project, cfg.Stack), invokes: map[string]bool{}}
	err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		outs, err := program.Deploy(ctx)
		for name, o := range outs {
			ctx.Export(name, o)
		}
		return err
	}, pulumi.WithMocks(cfg.Project, cfg.Stack, rec), func(info *pulumi.RunInfo) {
		info.Config = cfg.Values
		info.ConfigSecretKeys = cfg.SecretKeys
		info.RootDirectory = cfg.RootDirectory
	})
	if err != nil {
		t.Fatalf("%s: running program for invokes: %v", v.name, err)
	}
	if got, want := typesOf(rec.Monitor.Resources()), planTypes(res.Plan); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("%s: the two runs registered different types:\n planengine.Run: %v\n recorder: %v", v.name, want, got)
	}
	return planned{plan: res.Plan, invokes: rec.recorded()}
}

// invokeRecorder is the recording mock monitor plus a record of the invoke
// tokens the program calls.
type invokeRecorder struct {
	*testkit.Monitor

	mu      sync.Mutex
	invokes map[string]bool
}

// Call records the invoke and answers as the mock monitor does.
func (r *invokeRecorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	r.mu.Lock()
	r.invokes[args.Token] = true
	r.mu.Unlock()
	return r.Monitor.Call(args)
}

func (r *invokeRecorder) recorded() map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]bool, len(r.invokes))
	for k := range r.invokes {
		out[k] = true
	}
	return out
}

// cloudType reports whether a type token is a cloud resource the deployer
// acts on: not one of berth's components and not a provider resource.
func cloudType(token string) bool {
	return !strings.HasPrefix(token, "berth:") && !strings.HasPrefix(token, "pulumi:providers:")
}

func planTypes(p *plan.Plan) []string {
	set := map[string]bool{}
	for _, r := range p.Resources {
		if cloudType(r.Type) {
			set[r.Type] = true
		}
	}
	return sortedKeys(set)
}

func typesOf(rs []testkit.Resource) []string {
	set := map[string]bool{}
	for _, r := range rs {
		if cloudType(r.Type) {
			set[r.Type] = true
		}
	}
	return sortedKeys(set)
}

// allPlans runs every variant; each run takes milliseconds under the mock.
func allPlans(t *testing.T) map[string]planned {
	t.Helper()
	out := map[string]planned{}
	for _, v := range variants {
		out[v.name] = runVariant(t, v)
	}
	return out
}

var catalogPaths = map[string]string{
	"aws": "../../deploy/aws-deployer.json",
	"gcp": "../../deploy/gcp-deployer.json",
}

func loadCatalog(t *testing.T, cloud string) *Catalog {
	t.Helper()
	c, err := Load(catalogPaths[cloud])
	if err != nil {
		t.Fatal(err)
	}
	if c.Cloud != cloud {
		t.Fatalf("%s: cloud is %q, want %q", catalogPaths[cloud], c.Cloud, cloud)
	}
	return c
}

// TestEveryPlannedTypeAndInvokeHasAnEntry is the guard of the catalogs: a
// resource type or invoke that berth starts to use without its actions fails
// here, and an entry no variant uses any more fails too, so the data cannot
// drift from the program in either direction.
func TestEveryPlannedTypeAndInvokeHasAnEntry(t *testing.T) {
	catalogs := map[string]*Catalog{"aws": loadCatalog(t, "aws"), "gcp": loadCatalog(t, "gcp")}
	usedTypes := map[string]map[string]bool{"aws": {}, "gcp": {}}
	usedInvokes := map[string]map[string]bool{"aws": {}, "gcp": {}}
	got := allPlans(t)
	for _, v := range variants {
		p := got[v.name]
		c := catalogs[v.cloud]
		for _, typ := range planTypes(p.plan) {
			usedTypes[v.cloud][typ] = true
			if _, ok := c.Resources[typ]; !ok {
				t.Errorf("%s: resource type %s has no entry in %s: add its provider calls", v.name, typ, catalogPaths[v.cloud])
			}
		}
		for _, tok := range sortedKeys(p.invokes) {
			usedInvokes[v.cloud][tok] = true
			if _, ok := c.Invokes[tok]; !ok {
				t.Errorf("%s: invoke %s has no entry in %s: add its provider calls", v.name, tok, catalogPaths[v.cloud])
			}
		}
	}
	for cloud, c := range catalogs {
		for _, typ := range sortedKeys(c.Resources) {
			if !usedTypes[cloud][typ] {
				t.Errorf("%s: resources.%s is used by no variant: remove it or add the variant that creates it", catalogPaths[cloud], typ)
			}
		}
		for _, tok := range sortedKeys(c.Invokes) {
			if !usedInvokes[cloud][tok] {
				t.Errorf("%s: invokes.%s is called by no variant: remove it or add the variant that calls it", catalogPaths[cloud], tok)
			}
		}
	}
}
