package sdktest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/internal/fakecloud/cloud"
	"github.com/berth-dev/berth/internal/pulumicli"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
)

// remoteService is a berth:index:Service as a program in another language
// sees it: a remote component and its outputs.
type remoteService struct {
	pulumi.ResourceState

	URL         pulumi.StringOutput `pulumi:"url"`
	ServiceName pulumi.StringOutput `pulumi:"serviceName"`
}

var fakePluginsOnce once

// buildFakePlugins builds the fake-cloud plugins of the engine test tier
// (pulumi-resource-aws, -gcp, -docker) beside pulumi-resource-berth.
func buildFakePlugins(t *testing.T) {
	t.Helper()
	bin := filepath.Dir(buildPlugin(t))
	fakePluginsOnce.step(t, func(t *testing.T) error {
		run(t, root, nil, "go", "build", "-o", bin+string(os.PathSeparator),
			"./internal/fakecloud/cmd/pulumi-resource-aws",
			"./internal/fakecloud/cmd/pulumi-resource-gcp",
			"./internal/fakecloud/cmd/pulumi-resource-docker")
		return nil
	})
}

// engineStack creates stack dev of project orders, run by the real engine
// with program inline, the plugins of tmp/bin on PATH, a file backend and
// a fake cloud of its own.
func engineStack(t *testing.T, ctx context.Context, program pulumi.RunFunc) (stack auto.Stack, dir string) {
	t.Helper()
	c, err := pulumicli.Find(root)
	need(t, "the Pulumi CLI", err)
	bin := filepath.Dir(buildPlugin(t))

	// The CLI as Automation API finds it: ROOT/bin/pulumi.
	cliRoot := filepath.Join(t.TempDir(), "cli")
	if err := os.MkdirAll(filepath.Join(cliRoot, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(c, filepath.Join(cliRoot, "bin", "pulumi")); err != nil {
		t.Fatal(err)
	}
	command, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: cliRoot, SkipVersionCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	for _, d := range []string{"state", "cloud", "home"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	stack, err = auto.UpsertStackInlineSource(ctx, "dev", "orders", program,
		auto.Pulumi(command),
		auto.WorkDir(dir),
		auto.Project(workspace.Project{
			Name:    "orders",
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + filepath.Join(dir, "state")},
		}),
		auto.EnvVars(map[string]string{
			"PULUMI_HOME":                                 filepath.Join(dir, "home"),
			"PULUMI_CONFIG_PASSPHRASE":                    "berth-sdktest",
			"PULUMI_SKIP_UPDATE_CHECK":                    "true",
			"PULUMI_SKIP_CONFIRMATIONS":                   "true",
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
			cloud.DirVar:                                  filepath.Join(dir, "cloud"),
			// The engine finds the plugins on PATH.
			"PATH": bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		}),
	)
	if err != nil {
		t.Fatalf("creating the stack: %v", err)
	}
	return stack, dir
}

func TestTheEngineShowsEachInvalidPropertyWithItsPath(t *testing.T) {
	t.Parallel()
	// The same inputs an SDK sends: every problem is one the schema cannot
	// catch, since each value has the right type.
	program := func(ctx *pulumi.Context) error {
		var svc remoteService
		return ctx.RegisterRemoteComponentResource("berth:index:Service", "orders", pulumi.Map{
			"cloud": pulumi.String("aws"),
			"service": pulumi.Map{
				"cpu":    pulumi.Float64(1),
				"memory": pulumi.String("1Gi"),
				"secrets": pulumi.Array{
					pulumi.Map{
						"env":   pulumi.String("API_TOKEN"),
						"value": pulumi.ToSecret(pulumi.String("s3cret-token")),
						"key":   pulumi.String("token"),
					},
					pulumi.Map{
						"env":   pulumi.String("DATABASE_URL"),
						"ref":   pulumi.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf"),
						"value": pulumi.ToSecret(pulumi.String("s3cret-url")),
					},
				},
			},
			"image": pulumi.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
			"aws": pulumi.Map{
				"vpcId":                 pulumi.String("vpc-0abc"),
				"loadBalancerSubnetIds": pulumi.ToStringArray([]string{"subnet-pub1"}),
				"taskSubnetIds":         pulumi.ToStringArray([]string{"subnet-priv1"}),
				"certificateArn":        pulumi.String("not-an-arn"),
			},
		}, &svc)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	stack, _ := engineStack(t, ctx, program)
	var out bytes.Buffer
	start := time.Now()
	_, err := stack.Preview(ctx, optpreview.ProgressStreams(&out), optpreview.ErrorProgressStreams(&out))
	t.Logf("pulumi preview: %s", time.Since(start).Round(time.Millisecond))
	if err == nil {
		t.Fatalf("the preview succeeded, want it to fail on the invalid arguments:\n%s", out.String())
	}
	text := out.String() + "\n" + err.Error()
	for _, want := range []string{
		`invalid arguments for berth:index:Service "orders"`,
		`- property service.memory with value "1Gi" has a problem: 1Gi is not offered with cpu 1 on Fargate`,
		`- property aws.loadBalancerSubnetIds with value ["subnet-pub1"] has a problem: 1 subnet (allowed: at least two subnets in different Availability Zones)`,
		`- property aws.certificateArn with value "not-an-arn" has a problem: "not-an-arn" is not a certificate ARN`,
		`- property service.secrets[0].key with value "token" has a problem: set with value`,
		// A secret input is shown masked.
		`- property service.secrets[1].value with value <secret> has a problem: set together with ref`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the engine's output lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{"s3cret-token", "s3cret-url"} {
		if strings.Contains(text, secret) {
			t.Errorf("the engine's output shows the secret value %q:\n%s", secret, text)
		}
	}
}

// testImage is an image by digest in Artifact Registry.
const testImage = "europe-west1-docker.pkg.dev/berth-test-467312/apps/orders@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestARemoteServiceGoesUpAsTheGoConstructorsDo(t *testing.T) {
	t.Parallel()
	buildFakePlugins(t)
	program := func(ctx *pulumi.Context) error {
		var svc remoteService
		err := ctx.RegisterRemoteComponentResource("berth:index:Service", "orders", pulumi.Map{
			"cloud": pulumi.String("gcp"),
			"service": pulumi.Map{
				"memory":  pulumi.String("1Gi"),
				"env":     pulumi.StringMap{"LOG_LEVEL": pulumi.String("debug")},
				"secrets": pulumi.Array{pulumi.Map{"env": pulumi.String("API_TOKEN"), "value": pulumi.ToSecret(pulumi.String("s3cret-token"))}},
			},
			"image": pulumi.String(testImage),
			"gcp":   pulumi.Map{"region": pulumi.String("europe-west1"), "project": pulumi.String("berth-test-467312")},
		}, &svc)
		if err != nil {
			return err
		}
		ctx.Export("url", svc.URL)
		ctx.Export("serviceName", svc.ServiceName)
		return nil
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	stack, dir := engineStack(t, ctx, program)
	if err := stack.SetConfig(ctx, "gcp:project", auto.ConfigValue{Value: "berth-test-467312"}); err != nil {
		t.Fatal(err)
	}
	if err := stack.SetConfig(ctx, "gcp:region", auto.ConfigValue{Value: "europe-west1"}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	start := time.Now()
	up, err := stack.Up(ctx, optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	t.Logf("pulumi up: %s", time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("pulumi up: %v\n%s", err, out.String())
	}
	if url, _ := up.Outputs["url"].Value.(string); !strings.HasPrefix(url, "https://") {
		t.Errorf("url = %v, want the Cloud Run service's https URL", up.Outputs["url"].Value)
	}

	// The same service through the Go constructor, under the mock.
	direct := testkit.New("orders", "dev")
	err = direct.Run(func(ctx *pulumi.Context) error {
		_, err := berth.NewService(ctx, "orders", &berth.ServiceArgs{
			Cloud: berth.GCP,
			Service: &spec.Service{
				Memory:  "1Gi",
				Env:     pulumi.ToStringMap(map[string]string{"LOG_LEVEL": "debug"}),
				Secrets: []spec.Secret{{Env: "API_TOKEN", Value: pulumi.String("s3cret-token")}},
			},
			Image: pulumi.String(testImage),
			GCP:   &cloudrun.GCP{Region: "europe-west1", Project: "berth-test-467312"},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range direct.Resources() {
		want = append(want, r.Type+"::"+r.Name)
	}
	slices.Sort(want)
	t.Logf("%d resources in the component", len(want))
	if got := deployed(t, ctx, stack); !slices.Equal(got, want) {
		t.Errorf("the engine's state holds\n  %v\nthe Go constructor registers\n  %v", got, want)
	}

	out.Reset()
	preview, err := stack.Preview(ctx, optpreview.ExpectNoChanges(), optpreview.ProgressStreams(&out))
	if err != nil {
		t.Fatalf("a second preview: %v\n%s", err, out.String())
	}
	if n := preview.ChangeSummary["same"]; n != len(want)+1 { // and the stack
		t.Errorf("the second preview leaves %d resources unchanged, want %d: %v", n, len(want)+1, preview.ChangeSummary)
	}
	// The backend's own file, encrypted as it is at rest: stack export,
	// which Automation API runs with --show-secrets, would decrypt it.
	stateFile := filepath.Join(dir, "state", ".pulumi", "stacks", "orders", "dev.json")
	data, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatalf("reading the state: %v", err)
	}
	if !bytes.Contains(data, []byte("orders-api-token")) {
		t.Fatalf("%s does not hold the service's secret version", stateFile)
	}
	if bytes.Contains(data, []byte("s3cret-token")) {
		t.Errorf("the state holds the secret value in plain text:\n%s", data)
	}
	if _, err := stack.Destroy(ctx); err != nil {
		t.Errorf("pulumi destroy: %v", err)
	}
}

// deployed lists the state's resources as "type::name", without the stack
// and the providers.
func deployed(t *testing.T, ctx context.Context, stack auto.Stack) []string {
	t.Helper()
	state, err := stack.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Resources []struct {
			URN string `json:"urn"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(state.Deployment, &d); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range d.Resources {
		u := resource.URN(r.URN)
		if u.Type() == resource.RootStackType || strings.HasPrefix(string(u.Type()), "pulumi:providers:") {
			continue
		}
		out = append(out, string(u.Type())+"::"+u.Name())
	}
	slices.Sort(out)
	return out
}
