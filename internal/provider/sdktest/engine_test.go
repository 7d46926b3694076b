package sdktest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// remoteService is a berth:index:Service as a program in another language
// sees it: a remote component.
type remoteService struct {
	pulumi.ResourceState
}

func TestTheEngineShowsEachInvalidPropertyWithItsPath(t *testing.T) {
	t.Parallel()
	c, err := findCLI()
	need(t, "the Pulumi CLI", err)
	bin := buildPlugin(t)

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

	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "state"), 0o755); err != nil {
		t.Fatal(err)
	}
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
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", "orders", program,
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
			// The engine finds the plugin on PATH.
			"PATH": filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"),
		}),
	)
	if err != nil {
		t.Fatalf("creating the stack: %v", err)
	}
	var out bytes.Buffer
	start := time.Now()
	_, err = stack.Preview(ctx, optpreview.ProgressStreams(&out), optpreview.ErrorProgressStreams(&out))
	t.Logf("pulumi preview: %s", time.Since(start).Round(time.Millisecond))
	if err == nil {
		t.Fatalf("the preview succeeded, want it to fail on the invalid arguments:\n%s", out.String())
	}
	text := out.String() + "\n" + err.Error()
	for _, want := range []string{
		`invalid arguments for berth:index:Service "orders"`,
		`- property service.memory with value "1Gi" has a problem: 1Gi is not offered with cpu 1 on Fargate`,
		`- property aws.loadBalancerSubnetIds with value ["subnet-pub1"] has a problem: 1 subnets (allowed: at least two subnets in different Availability Zones)`,
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
