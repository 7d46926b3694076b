package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil/rpcerror"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/components/image"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
)

// server starts the provider in process, its child resources answered by
// m.
func server(t *testing.T, m *testkit.Monitor) integration.Server {
	t.Helper()
	prov, err := New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := integration.NewServer(t.Context(), Name, semver.MustParse(Version),
		integration.WithProvider(prov), integration.WithMocks(m))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// schema returns the schema the provider serves.
func schema(t *testing.T) pschema.PackageSpec {
	t.Helper()
	resp, err := server(t, testkit.New("berth", "test")).GetSchema(p.GetSchemaRequest{})
	if err != nil {
		t.Fatalf("GetSchema: %v", err)
	}
	var spec pschema.PackageSpec
	if err := json.Unmarshal([]byte(resp.Schema), &spec); err != nil {
		t.Fatalf("reading the schema: %v", err)
	}
	return spec
}

// noLoader refuses to load packages: berth's schema refers to no other.
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*pschema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %s", pkg)
}

func (noLoader) LoadPackageV2(_ context.Context, d *pschema.PackageDescriptor) (*pschema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %s", d.Name)
}

func TestSchemaBindsWithoutDiagnostics(t *testing.T) {
	t.Parallel()
	spec := schema(t)
	pkg, diags, err := pschema.BindSpec(spec, noLoader{}, pschema.ValidationOptions{})
	if err != nil {
		t.Fatalf("BindSpec: %v", err)
	}
	if len(diags) > 0 {
		t.Fatalf("BindSpec diagnostics: %v", diags)
	}
	if pkg.Name != "berth" || pkg.Version == nil || pkg.Version.String() != Version || pkg.License != "Apache-2.0" || pkg.Repository != Repository {
		t.Errorf("package = %s %v, license %q, repository %q; want berth %s, Apache-2.0, %s", pkg.Name, pkg.Version, pkg.License, pkg.Repository, Version, Repository)
	}
}

func TestPulumiPluginYAMLRunsTheGoPlugin(t *testing.T) {
	t.Parallel()
	// pulumi package add of a Go source plugin loads PulumiPlugin.yaml from
	// the plugin's directory and has the Go language host run go build
	// there (pkg/resource/plugin/plugin.go, execPlugin, v3.274.1).
	dir := filepath.Join("..", "..", "cmd", "pulumi-resource-berth")
	proj, err := workspace.LoadPluginProject(filepath.Join(dir, "PulumiPlugin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := proj.Runtime.Name(); got != "go" {
		t.Errorf("runtime = %q, want go", got)
	}
	src, err := os.ReadFile(filepath.Join(dir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "\npackage main\n") || !strings.Contains(string(src), "provider.New()") {
		t.Errorf("%s/main.go is not the plugin's main package", dir)
	}
}

func TestSchemaTokensAreExplicit(t *testing.T) {
	t.Parallel()
	spec := schema(t)
	wantResources := []string{"berth:cloudrun:Service", "berth:fargate:Service", "berth:image:Image", "berth:index:Service"}
	if got := slices.Sorted(maps.Keys(spec.Resources)); !slices.Equal(got, wantResources) {
		t.Errorf("resources = %v, want %v", got, wantResources)
	}
	for _, c := range components {
		r, ok := spec.Resources[c.token]
		if !ok {
			t.Errorf("no resource %s", c.token)
			continue
		}
		if !r.IsComponent {
			t.Errorf("%s is not marked isComponent", c.token)
		}
	}
	wantTypes := []string{
		"berth:cloudrun:Connector", "berth:cloudrun:DirectVPC", "berth:cloudrun:Egress", "berth:cloudrun:ExecutionEnvironment",
		"berth:cloudrun:GCP", "berth:cloudrun:Ingress", "berth:cloudrun:VPC",
		"berth:fargate:AWS", "berth:fargate:Architecture", "berth:fargate:HealthCheck", "berth:fargate:PolicyStatement",
		"berth:image:ArtifactRegistry", "berth:image:Build", "berth:image:ECR", "berth:image:Registry",
		"berth:index:Cloud", "berth:spec:Canary", "berth:spec:Rollout", "berth:spec:Secret", "berth:spec:Service",
	}
	if got := slices.Sorted(maps.Keys(spec.Types)); !slices.Equal(got, wantTypes) {
		t.Errorf("types = %v, want %v", got, wantTypes)
	}
	if got := spec.Resources["berth:index:Service"].InputProperties["service"].Ref; got != "#/types/berth:spec:Service" {
		t.Errorf("berth:index:Service service is %q, want a reference to berth:spec:Service", got)
	}
}

// eachProperty calls f for every property of every resource and type,
// naming it "token.property"; input is false for a resource's outputs, and
// required says whether the schema requires the property.
func eachProperty(spec pschema.PackageSpec, f func(name string, prop pschema.PropertySpec, input, required bool)) {
	for _, tk := range slices.Sorted(maps.Keys(spec.Resources)) {
		r := spec.Resources[tk]
		for _, n := range slices.Sorted(maps.Keys(r.InputProperties)) {
			f(tk+"."+n, r.InputProperties[n], true, slices.Contains(r.RequiredInputs, n))
		}
		for _, n := range slices.Sorted(maps.Keys(r.Properties)) {
			f(tk+" output "+n, r.Properties[n], false, slices.Contains(r.Required, n))
		}
	}
	for _, tk := range slices.Sorted(maps.Keys(spec.Types)) {
		ty := spec.Types[tk]
		for _, n := range slices.Sorted(maps.Keys(ty.Properties)) {
			f(tk+"."+n, ty.Properties[n], true, slices.Contains(ty.Required, n))
		}
	}
}

func TestSchemaDescribesEveryPropertyWithItsDefault(t *testing.T) {
	t.Parallel()
	spec := schema(t)
	n := 0
	eachProperty(spec, func(name string, prop pschema.PropertySpec, input, required bool) {
		n++
		switch {
		case prop.Description == "":
			t.Errorf("%s has no description", name)
		case input && required && !strings.Contains(strings.ToLower(prop.Description), "required"):
			t.Errorf("%s is required, and its description %q does not say so", name, prop.Description)
		case input && !required && !strings.Contains(prop.Description, "Default:"):
			t.Errorf("%s is optional, and its description %q states no default", name, prop.Description)
		}
	})
	if n < 100 {
		t.Errorf("only %d properties in the schema, want every field of the four components", n)
	}
	for tk, r := range spec.Resources {
		if r.Description == "" {
			t.Errorf("resource %s has no description", tk)
		}
	}
	for tk, ty := range spec.Types {
		if ty.Description == "" {
			t.Errorf("type %s has no description", tk)
		}
	}
	// The godoc's text, with the Go names the other languages spell
	// differently replaced.
	want := map[string]string{
		"berth:spec:Service.memory":     `Default: "512Mi".`,
		"berth:spec:Service.cpu":        "Default: 1 on Cloud Run, 0.25 on Fargate.",
		"berth:fargate:AWS.plainHttp":   "that has no `certificateArn`, fit for development only",
		"berth:cloudrun:GCP.ingress":    "Default: `\"all\"`.",
		"berth:image:Registry.password": "Default: unset.",
	}
	for name, text := range want {
		tk, prop, _ := strings.Cut(name, ".")
		if got := spec.Types[tk].Properties[prop].Description; !strings.Contains(got, text) {
			t.Errorf("%s description = %q, want it to contain %q", name, got, text)
		}
	}
}

func TestSchemaEnumsAreTheGoValues(t *testing.T) {
	t.Parallel()
	spec := schema(t)
	goEnums := map[string]reflect.Value{
		"berth:index:Cloud":                   reflect.ValueOf(berth.Cloud("").Values()),
		"berth:cloudrun:Ingress":              reflect.ValueOf(cloudrun.Ingress("").Values()),
		"berth:cloudrun:Egress":               reflect.ValueOf(cloudrun.Egress("").Values()),
		"berth:cloudrun:ExecutionEnvironment": reflect.ValueOf(cloudrun.ExecutionEnvironment("").Values()),
		"berth:fargate:Architecture":          reflect.ValueOf(fargate.Architecture("").Values()),
	}
	for tk, values := range goEnums {
		ty, ok := spec.Types[tk]
		if !ok {
			t.Errorf("no enum %s", tk)
			continue
		}
		var want, got []string
		for i := range values.Len() {
			want = append(want, values.Index(i).String())
		}
		for _, v := range ty.Enum {
			got = append(got, fmt.Sprint(v.Value))
			if v.Name == "" || v.Description == "" {
				t.Errorf("%s value %v has name %q and description %q, want both", tk, v.Value, v.Name, v.Description)
			}
		}
		if ty.Type != "string" || !slices.Equal(got, want) {
			t.Errorf("%s = %s %v, want string %v (the Go Values)", tk, ty.Type, got, want)
		}
	}
	refs := map[string]string{
		"berth:index:Service cloud":               "berth:index:Cloud",
		"berth:cloudrun:GCP ingress":              "berth:cloudrun:Ingress",
		"berth:cloudrun:GCP executionEnvironment": "berth:cloudrun:ExecutionEnvironment",
		"berth:cloudrun:VPC egress":               "berth:cloudrun:Egress",
		"berth:fargate:AWS architecture":          "berth:fargate:Architecture",
	}
	for where, enum := range refs {
		tk, prop, _ := strings.Cut(where, " ")
		var ps pschema.PropertySpec
		if r, ok := spec.Resources[tk]; ok {
			ps = r.InputProperties[prop]
		} else {
			ps = spec.Types[tk].Properties[prop]
		}
		if ps.Ref != "#/types/"+enum || !ps.Plain {
			t.Errorf("%s = %+v, want a plain reference to %s", where, ps.TypeSpec, enum)
		}
	}
}

func TestSchemaInputsArePlainExactlyWhereGoTakesAPlainValue(t *testing.T) {
	t.Parallel()
	spec := schema(t)
	tests := []struct {
		token, prop string
		plain       bool
	}{
		{"berth:spec:Service", "memory", true},
		{"berth:spec:Service", "secrets", true},
		{"berth:spec:Secret", "ref", false},
		{"berth:fargate:AWS", "vpcId", false},
		{"berth:fargate:AWS", "loadBalancerSubnetIds", false},
		{"berth:fargate:AWS", "allowedCidrs", true},
		{"berth:cloudrun:Service", "image", false},
		{"berth:cloudrun:Service", "gcp", true},
	}
	for _, tt := range tests {
		var ps pschema.PropertySpec
		if r, ok := spec.Resources[tt.token]; ok {
			ps = r.InputProperties[tt.prop]
		} else {
			ps = spec.Types[tt.token].Properties[tt.prop]
		}
		if ps.Plain != tt.plain {
			t.Errorf("%s.%s plain = %v, want %v", tt.token, tt.prop, ps.Plain, tt.plain)
		}
	}
	for _, name := range []string{"berth:spec:Secret.value", "berth:image:Registry.password"} {
		tk, prop, _ := strings.Cut(name, ".")
		if !spec.Types[tk].Properties[prop].Secret {
			t.Errorf("%s is not marked secret", name)
		}
	}
}

// secret marks a value as a secret, as an SDK sends a secret input.
func secret(s string) resource.PropertyValue { return resource.MakeSecret(resource.NewProperty(s)) }

// inputs turns a JSON-like map into Construct inputs; values made with
// secret stay secret.
func inputs(m map[string]any) property.Map {
	pm := resource.NewPropertyMapFromMapRepl(m, nil, func(v any) (resource.PropertyValue, bool) {
		pv, ok := v.(resource.PropertyValue)
		return pv, ok
	})
	return resource.FromResourcePropertyMap(pm)
}

// record is a registered resource reduced to what the two ways of
// constructing a component must agree on.
type record struct {
	Type, Name, Parent string
	Custom             bool
	Dependencies       []string
	Options            testkit.Options
	Inputs             resource.PropertyMap
}

// urnName names the resource of urn by type and name; the stack, the
// parent of a component a program creates, is "".
func urnName(urn string) string {
	u := resource.URN(urn)
	if urn == "" || u.Type() == resource.RootStackType {
		return ""
	}
	return string(u.Type()) + "::" + u.Name()
}

// plain replaces an output value by what it holds: the engine sends
// inputs of a provider's children as output values, a Go program's mock
// gets them resolved.
func plain(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsOutput():
		o := v.OutputValue()
		e := resource.MakeComputed(resource.NewProperty(""))
		if o.Known {
			e = plain(o.Element)
		}
		if o.Secret {
			e = resource.MakeSecret(e)
		}
		return e
	case v.IsSecret():
		return resource.MakeSecret(plain(v.SecretValue().Element))
	case v.IsArray():
		out := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			out[i] = plain(e)
		}
		return resource.NewProperty(out)
	case v.IsObject():
		out := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			out[k] = plain(e)
		}
		return resource.NewProperty(out)
	}
	return v
}

// records reduces a monitor's recording, sorted by type and name.
func records(m *testkit.Monitor) []record {
	var out []record
	for _, r := range m.Resources() {
		rec := record{Type: r.Type, Name: r.Name, Parent: urnName(r.Parent), Custom: r.Custom, Options: r.Options,
			Inputs: plain(resource.NewProperty(r.Inputs)).ObjectValue()}
		for _, d := range r.Dependencies {
			rec.Dependencies = append(rec.Dependencies, urnName(d))
		}
		sort.Strings(rec.Dependencies)
		out = append(out, rec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type+"::"+out[i].Name < out[j].Type+"::"+out[j].Name })
	return out
}

// assertSameRecordings fails t unless both runs registered the same
// resources with the same inputs.
func assertSameRecordings(t *testing.T, direct, constructed *testkit.Monitor) {
	t.Helper()
	want, got := records(direct), records(constructed)
	if len(want) < 3 {
		t.Fatalf("the Go constructor registered %d resources, want a component with children", len(want))
	}
	names := func(rs []record) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Type+"::"+r.Name)
		}
		return out
	}
	if !slices.Equal(names(got), names(want)) {
		t.Fatalf("Construct registered\n  %v\nthe Go constructor\n  %v", names(got), names(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if !g.Inputs.DeepEquals(w.Inputs) {
			t.Errorf("%s %s inputs differ:\n  Construct: %v\n  Go:        %v", w.Type, w.Name, g.Inputs, w.Inputs)
		}
		g.Inputs, w.Inputs = nil, nil
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s %s differs:\n  Construct: %+v\n  Go:        %+v", w.Type, w.Name, g, w)
		}
	}
}

// buildDir is a build context holding a Dockerfile.
func buildDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\nCOPY . /\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const (
	testImage = "europe-west1-docker.pkg.dev/acme-prod/apps/orders@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	ecrImage  = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	dbARN     = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf"
	certARN   = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789012"
	repoARN   = "arn:aws:ecr:us-east-1:123456789012:repository/orders"
)

func intp(v int) *int           { return &v }
func floatp(v float64) *float64 { return &v }

// gcpService is one service in Go and as an SDK sends it, using every kind
// of value the schema has: numbers, maps, lists, enums, nested objects,
// inputs and a secret.
func gcpService() (*spec.Service, map[string]any) {
	goSpec := &spec.Service{
		Name: "orders", Port: intp(9000), CPU: floatp(2), Memory: "1Gi", Concurrency: intp(40),
		MinInstances: intp(1), MaxInstances: intp(5), Timeout: "30s", HealthPath: "/ready", Public: true,
		Env: pulumi.ToStringMap(map[string]string{"LOG_LEVEL": "debug"}),
		Secrets: []spec.Secret{
			{Env: "DATABASE_URL", Ref: pulumi.String("orders-db-url"), Version: pulumi.String("3")},
			{Path: "/etc/orders/api-key", Value: pulumi.String("s3cret-api-key"), Mode: intp(0o400)},
		},
		Rollout: &spec.Rollout{ErrorRate: floatp(2), Canary: &spec.Canary{Stable: ordersName + "-0123456789", Percent: intp(20), Observe: "1h"}},
	}
	sdkSpec := map[string]any{
		"name": "orders", "port": 9000, "cpu": 2, "memory": "1Gi", "concurrency": 40,
		"minInstances": 1, "maxInstances": 5, "timeout": "30s", "healthPath": "/ready", "public": true,
		"env": map[string]any{"LOG_LEVEL": "debug"},
		"secrets": []any{
			map[string]any{"env": "DATABASE_URL", "ref": "orders-db-url", "version": "3"},
			map[string]any{"path": "/etc/orders/api-key", "value": secret("s3cret-api-key"), "mode": 0o400},
		},
		"rollout": map[string]any{"errorRate": 2, "canary": map[string]any{"stable": ordersName + "-0123456789", "percent": 20, "observe": "1h"}},
	}
	return goSpec, sdkSpec
}

// ordersName is the physical name berth derives for the service "orders"
// of project berth, stack test: the Cloud Run service, the task
// definition family.
var ordersName = func() string {
	sum := sha256.Sum256([]byte("berth/test/orders"))
	return "orders-" + hex.EncodeToString(sum[:])[:7]
}()

func gcpBlock() (*cloudrun.GCP, map[string]any) {
	goGCP := &cloudrun.GCP{
		Region: "europe-west1", Project: "acme-prod", Ingress: cloudrun.IngressInternalAndCloudLoadBalancing,
		Invokers: []string{"serviceAccount:gateway@acme-prod.iam.gserviceaccount.com"},
		VPC: &cloudrun.VPC{
			DirectVPC: &cloudrun.DirectVPC{Network: pulumi.String("default"), NetworkTags: []string{"orders"}},
			Egress:    cloudrun.EgressAllTraffic,
		},
		ExecutionEnvironment: cloudrun.Gen2, StartupCPUBoost: true,
		Labels: map[string]string{"team": "payments"},
	}
	sdkGCP := map[string]any{
		"region": "europe-west1", "project": "acme-prod", "ingress": "internal-and-cloud-load-balancing",
		"invokers": []any{"serviceAccount:gateway@acme-prod.iam.gserviceaccount.com"},
		"vpc": map[string]any{
			"directVpc": map[string]any{"network": "default", "networkTags": []any{"orders"}},
			"egress":    "all-traffic",
		},
		"executionEnvironment": "gen2", "startupCpuBoost": true,
		"labels": map[string]any{"team": "payments"},
	}
	return goGCP, sdkGCP
}

func awsService() (*spec.Service, map[string]any) {
	goSpec := &spec.Service{
		Name: "orders", CPU: floatp(1), Memory: "2Gi", MinInstances: intp(2), MaxInstances: intp(8), Public: true,
		Secrets: []spec.Secret{
			{Env: "DATABASE_URL", Ref: pulumi.String(dbARN), Key: "url"},
			{Env: "API_TOKEN", Value: pulumi.String("s3cret-token")},
		},
		Rollout: &spec.Rollout{Canary: &spec.Canary{Stable: "arn:aws:ecs:us-east-1:123456789012:task-definition/" + ordersName + ":7", Abort: true}},
	}
	sdkSpec := map[string]any{
		"name": "orders", "cpu": 1, "memory": "2Gi", "minInstances": 2, "maxInstances": 8, "public": true,
		"secrets": []any{
			map[string]any{"env": "DATABASE_URL", "ref": dbARN, "key": "url"},
			map[string]any{"env": "API_TOKEN", "value": secret("s3cret-token")},
		},
		"rollout": map[string]any{"canary": map[string]any{"stable": "arn:aws:ecs:us-east-1:123456789012:task-definition/" + ordersName + ":7", "abort": true}},
	}
	return goSpec, sdkSpec
}

func awsBlock() (*fargate.AWS, map[string]any) {
	goAWS := &fargate.AWS{
		VPCID:                 pulumi.String("vpc-0abc"),
		LoadBalancerSubnetIDs: pulumi.ToStringArray([]string{"subnet-pub1", "subnet-pub2"}),
		TaskSubnetIDs:         pulumi.ToStringArray([]string{"subnet-priv1", "subnet-priv2"}),
		CertificateARN:        pulumi.String(certARN),
		AllowedCIDRs:          []string{"203.0.113.0/24"},
		Architecture:          fargate.ARM64,
		HealthCheck:           &fargate.HealthCheck{Interval: "15s", HealthyThreshold: intp(3), Matcher: "200-299"},
		TaskPolicy: []fargate.PolicyStatement{{
			Actions:    []string{"s3:GetObject"},
			Resources:  []string{"arn:aws:s3:::orders-bucket/*"},
			Conditions: map[string]map[string][]string{"StringEquals": {"aws:RequestedRegion": {"us-east-1"}}},
		}},
		Tags: map[string]string{"team": "payments"},
	}
	sdkAWS := map[string]any{
		"vpcId":                 "vpc-0abc",
		"loadBalancerSubnetIds": []any{"subnet-pub1", "subnet-pub2"},
		"taskSubnetIds":         []any{"subnet-priv1", "subnet-priv2"},
		"certificateArn":        certARN,
		"allowedCidrs":          []any{"203.0.113.0/24"},
		"architecture":          "ARM64",
		"healthCheck":           map[string]any{"interval": "15s", "healthyThreshold": 3, "matcher": "200-299"},
		"taskPolicy": []any{map[string]any{
			"actions":    []any{"s3:GetObject"},
			"resources":  []any{"arn:aws:s3:::orders-bucket/*"},
			"conditions": map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": []any{"us-east-1"}}},
		}},
		"tags": map[string]any{"team": "payments"},
	}
	return goAWS, sdkAWS
}

// construct runs Construct of token for a component named "api" under a
// fresh monitor and returns the monitor and the response.
func construct(t *testing.T, token string, in map[string]any) (*testkit.Monitor, p.ConstructResponse, error) {
	t.Helper()
	m := testkit.New("berth", "test")
	resp, err := server(t, m).Construct(p.ConstructRequest{
		Urn:    resource.URN("urn:pulumi:test::berth::" + token + "::api"),
		Inputs: inputs(in),
	})
	return m, resp, err
}

func TestConstructRegistersWhatTheGoConstructorRegisters(t *testing.T) {
	t.Parallel()
	gcpSpec, gcpSDKSpec := gcpService()
	gcp, gcpSDK := gcpBlock()
	awsSpec, awsSDKSpec := awsService()
	aws, awsSDK := awsBlock()
	dir := buildDir(t)
	tests := []struct {
		name   string
		token  string
		goRun  func(ctx *pulumi.Context) error
		inputs map[string]any
	}{
		{
			name:  "berth:index:Service on gcp, image by digest",
			token: berth.TypeToken,
			goRun: func(ctx *pulumi.Context) error {
				_, err := berth.NewService(ctx, "api", &berth.ServiceArgs{Cloud: berth.GCP, Service: gcpSpec, Image: pulumi.String(testImage), GCP: gcp})
				return err
			},
			inputs: map[string]any{"cloud": "gcp", "service": gcpSDKSpec, "image": testImage, "gcp": gcpSDK},
		},
		{
			name:  "berth:index:Service on aws, image built here",
			token: berth.TypeToken,
			goRun: func(ctx *pulumi.Context) error {
				_, err := berth.NewService(ctx, "api", &berth.ServiceArgs{Cloud: berth.AWS, Service: awsSpec,
					Build: &image.Build{Context: dir, Args: map[string]string{"VERSION": "1.2.3"}, Target: ""}, AWS: aws})
				return err
			},
			inputs: map[string]any{"cloud": "aws", "service": awsSDKSpec, "build": map[string]any{"context": dir, "args": map[string]any{"VERSION": "1.2.3"}}, "aws": awsSDK},
		},
		{
			name:  "berth:cloudrun:Service",
			token: cloudrun.TypeToken,
			goRun: func(ctx *pulumi.Context) error {
				_, err := cloudrun.NewService(ctx, "api", &cloudrun.ServiceArgs{Image: pulumi.String(testImage), Service: gcpSpec, GCP: *gcp})
				return err
			},
			inputs: map[string]any{"image": testImage, "service": gcpSDKSpec, "gcp": gcpSDK},
		},
		{
			name:  "berth:fargate:Service",
			token: fargate.TypeToken,
			goRun: func(ctx *pulumi.Context) error {
				_, err := fargate.NewService(ctx, "api", &fargate.ServiceArgs{Image: pulumi.String(ecrImage), RepositoryARN: pulumi.String(repoARN), Service: awsSpec, AWS: *aws})
				return err
			},
			inputs: map[string]any{"image": ecrImage, "repositoryArn": repoARN, "service": awsSDKSpec, "aws": awsSDK},
		},
		{
			name:  "berth:image:Image",
			token: image.TypeToken,
			goRun: func(ctx *pulumi.Context) error {
				_, err := image.NewImage(ctx, "api", &image.ImageArgs{
					Build:            &image.Build{Context: dir, Target: ""},
					Platform:         image.PlatformARM64,
					ArtifactRegistry: &image.ArtifactRegistryArgs{Location: "europe-west1", Project: "acme-prod", KeepCount: intp(5)},
				})
				return err
			},
			inputs: map[string]any{"build": map[string]any{"context": dir}, "platform": "linux/arm64",
				"artifactRegistry": map[string]any{"location": "europe-west1", "project": "acme-prod", "keepCount": 5}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			direct := testkit.New("berth", "test")
			if err := direct.Run(tt.goRun); err != nil {
				t.Fatalf("the Go constructor: %v", err)
			}
			constructed, resp, err := construct(t, tt.token, tt.inputs)
			if err != nil {
				t.Fatalf("Construct: %v", err)
			}
			if resp.Urn.Type().String() != tt.token || resp.Urn.Name() != "api" {
				t.Errorf("Construct URN = %s, want a %s named api", resp.Urn, tt.token)
			}
			for _, c := range components {
				if c.token != tt.token {
					continue
				}
				for _, f := range reflect.VisibleFields(c.self) {
					name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
					if name != "" && f.IsExported() && !hasKey(resp.State, name) {
						t.Errorf("Construct state lacks output %s: %v", name, resp.State)
					}
				}
			}
			assertSameRecordings(t, direct, constructed)
			constructed.NoPlaintext(t, "s3cret-api-key", "s3cret-token")
			// The canary settings reach the clouds through the provider.
			switch tt.token {
			case cloudrun.TypeToken:
				if got := jsonOf(testkit.Prop(t, constructed.One(t, "gcp:cloudrunv2/service:Service"), "traffics")); got != `[{"percent":80,"revision":"`+ordersName+`-0123456789","type":"TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"},{"percent":20,"tag":"canary","type":"TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"}]` {
					t.Errorf("traffics = %s", got)
				}
			case fargate.TypeToken:
				split := constructed.Named(t, "aws:lb/listenerRule:ListenerRule", "api-canary-split")
				if got := jsonOf(testkit.Prop(t, split, "actions", 0, "forward", "targetGroups", 1, "weight")); got != "0" {
					t.Errorf("the aborted canary's weight = %s, want 0", got)
				}
			}
		})
	}
}

func TestConstructReportsEachProblemAtItsPropertyPath(t *testing.T) {
	t.Parallel()
	in := map[string]any{
		"cloud": "aws",
		"service": map[string]any{
			"cpu": 1, "memory": "1Gi", "port": 0,
			"secrets": []any{map[string]any{"env": "PORT", "ref": dbARN}},
		},
		"image": ecrImage,
		"aws": map[string]any{
			"vpcId": "vpc-0abc", "loadBalancerSubnetIds": []any{"subnet-pub1"}, "taskSubnetIds": []any{"subnet-priv1"},
			"certificateArn": "not-an-arn", "architecture": "SPARC",
		},
	}
	m, _, err := construct(t, berth.TypeToken, in)
	if err == nil {
		t.Fatal("Construct accepted the inputs, want the problems")
	}
	rpcErr, ok := rpcerror.FromError(err)
	if !ok {
		t.Fatalf("Construct error %v (%T) is not a gRPC status", err, err)
	}
	want := map[string]string{
		"service.port":              "0 is out of range",
		"service.memory":            "1Gi is not offered with cpu 1",
		"service.secrets[0].env":    "PORT is set from port",
		"aws.loadBalancerSubnetIds": "at least two subnets",
		"aws.certificateArn":        `"not-an-arn" is not a certificate ARN`,
		"aws.architecture":          `"SPARC"`,
	}
	got := map[string]string{}
	values := inputs(in)
	for _, pe := range rpcErr.InputPropertiesErrors() {
		got[pe.PropertyPath] = pe.Reason
		var path property.Path
		if err := path.UnmarshalText([]byte(pe.PropertyPath)); err != nil {
			t.Errorf("property path %q does not parse as the engine parses it: %v", pe.PropertyPath, err)
		}
	}
	for path, msg := range want {
		if reason, ok := got[path]; !ok {
			t.Errorf("no problem at %s; got %v", path, got)
		} else if !strings.Contains(reason, msg) {
			t.Errorf("%s: %q, want it to contain %q", path, reason, msg)
		}
	}
	for _, path := range []string{"service.port", "aws.certificateArn", "service.secrets[0].env"} {
		var pp property.Path
		if err := pp.UnmarshalText([]byte(path)); err == nil {
			if _, err := pp.Get(property.New(values)); err != nil {
				t.Errorf("%s does not name an input the engine can show: %v", path, err)
			}
		}
	}
	if !strings.Contains(rpcErr.Message(), `invalid arguments for berth:index:Service "api"`) {
		t.Errorf("message = %q, want it to name the component", rpcErr.Message())
	}
	if n := len(m.Resources()); n != 0 {
		t.Errorf("%d resources registered, want none", n)
	}
}

func hasKey(m property.Map, k string) bool {
	_, ok := m.GetOk(k)
	return ok
}

// TestTheReleaseTagIsThePackageVersion: a commit tagged vX.Y.Z is the
// release X.Y.Z, so its plugin and SDKs must carry X.Y.Z
// (docs/releasing.md). Untagged commits pass.
func TestTheReleaseTagIsThePackageVersion(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("git", "tag", "--points-at", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	for _, tag := range strings.Fields(string(out)) {
		if !strings.HasPrefix(tag, "v") {
			continue
		}
		if tag != "v"+Version {
			t.Errorf("HEAD is tagged %s but the package version is %s (set Version in provider.go to %s)", tag, Version, strings.TrimPrefix(tag, "v"))
		}
	}
}

// jsonOf encodes v as JSON, keys sorted.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
