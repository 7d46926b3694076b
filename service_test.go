package berth

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/components/image"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
)

// buildContext writes a tiny Docker context and returns its Build.
func buildContext(t *testing.T) *image.Build {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return &image.Build{Context: dir}
}

func awsBlock() *fargate.AWS {
	return &fargate.AWS{
		VPCID:                 pulumi.String("vpc-0abc"),
		LoadBalancerSubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
		TaskSubnetIDs:         pulumi.ToStringArray([]string{"subnet-c"}),
	}
}

func types(m *testkit.Monitor) []string {
	var out []string
	for _, r := range m.Resources() {
		out = append(out, r.Type)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestOneSpecRunsOnEitherCloud describes one service and deploys it to each
// cloud by changing Cloud and the block: the image goes to that cloud's
// registry for the platform it runs, and the same spec reaches the service.
func TestOneSpecRunsOnEitherCloud(t *testing.T) {
	t.Parallel()
	svc := &spec.Service{Memory: "1Gi", Concurrency: pulumi.IntRef(40), Env: pulumi.ToStringMap(map[string]string{"LOG_LEVEL": "info"})}

	m, _ := testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", &ServiceArgs{Cloud: GCP, Service: svc, Build: buildContext(t), GCP: &cloudrun.GCP{Region: "europe-west4"}})
	})
	gcpTypes := types(m)
	for _, want := range []string{TypeToken, image.TypeToken, cloudrun.TypeToken, "gcp:artifactregistry/repository:Repository", "gcp:cloudrunv2/service:Service"} {
		if !slices.Contains(gcpTypes, want) {
			t.Errorf("gcp: %s not registered (got %v)", want, gcpTypes)
		}
	}
	run := m.One(t, "gcp:cloudrunv2/service:Service")
	if got := testkit.Prop(t, run, "template", "containers", 0, "resources", "limits", "memory"); got != "1Gi" {
		t.Errorf("cloud run memory = %v, want 1Gi", got)
	}
	if got := testkit.Prop(t, run, "template", "maxInstanceRequestConcurrency"); got != float64(40) {
		t.Errorf("cloud run concurrency = %v, want 40", got)
	}
	if img := testkit.Prop(t, run, "template", "containers", 0, "image").(string); !strings.HasPrefix(img, "europe-west4-docker.pkg.dev/") || !strings.Contains(img, "@sha256:") {
		t.Errorf("cloud run image = %q, want the pushed Artifact Registry digest", img)
	}
	if got := testkit.Prop(t, m.One(t, "docker:index/image:Image"), "build", "platform"); got != "linux/amd64" {
		t.Errorf("gcp image platform = %v", got)
	}

	block := awsBlock()
	block.Architecture = fargate.ARM64
	block.PlainHTTP = true
	svc.Public = true
	svc.CPU = pulumi.Float64Ref(0.5)
	m, _ = testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", &ServiceArgs{Cloud: AWS, Service: svc, Build: buildContext(t), AWS: block})
	})
	awsTypes := types(m)
	for _, want := range []string{TypeToken, image.TypeToken, fargate.TypeToken, "aws:ecr/repository:Repository", "aws:ecs/service:Service"} {
		if !slices.Contains(awsTypes, want) {
			t.Errorf("aws: %s not registered (got %v)", want, awsTypes)
		}
	}
	td := m.One(t, "aws:ecs/taskDefinition:TaskDefinition")
	if cpu, mem := testkit.Prop(t, td, "cpu"), testkit.Prop(t, td, "memory"); cpu != "512" || mem != "1024" {
		t.Errorf("task cpu/memory = %v/%v, want 512/1024", cpu, mem)
	}
	if got := testkit.Prop(t, m.One(t, "docker:index/image:Image"), "build", "platform"); got != "linux/arm64" {
		t.Errorf("aws image platform = %v, want linux/arm64 for ARM64 tasks", got)
	}
	policy := testkit.Prop(t, m.Named(t, "aws:iam/rolePolicy:RolePolicy", "api-exec-policy"), "policy").(string)
	if !strings.Contains(policy, `"arn:aws:ecr:us-east-1:123456789012:repository/api-`) {
		t.Errorf("execution role does not pull from the created repository: %s", policy)
	}
}

func TestAnImageBuiltElsewhereIsDeployedAsGiven(t *testing.T) {
	t.Parallel()
	const ref = "ghcr.io/acme/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	m, svc := testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", &ServiceArgs{Cloud: GCP, Image: pulumi.String(ref), GCP: &cloudrun.GCP{Region: "us-central1"}})
	})
	if svc.BuiltImage != nil || len(m.ByType(image.TypeToken)) != 0 {
		t.Error("an image was built although Image was given")
	}
	if got := testkit.Prop(t, m.One(t, "gcp:cloudrunv2/service:Service"), "template", "containers", 0, "image"); got != ref {
		t.Errorf("image = %v, want %s", got, ref)
	}
}

// TestValidationSpeaksThisComponentsPaths: problems of the image and of the
// cloud's service come back at once under this component's field paths,
// one line per setting, and nothing is registered.
func TestValidationSpeaksThisComponentsPaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args func(t *testing.T) *ServiceArgs
		want []string
	}{
		{"no cloud", func(t *testing.T) *ServiceArgs { return &ServiceArgs{Build: buildContext(t)} }, []string{"cloud"}},
		{"unknown cloud", func(t *testing.T) *ServiceArgs { return &ServiceArgs{Cloud: "azure", Build: buildContext(t)} }, []string{"cloud"}},
		{"neither build nor image", func(t *testing.T) *ServiceArgs {
			return &ServiceArgs{Cloud: GCP, GCP: &cloudrun.GCP{Region: "us-central1"}}
		}, []string{"build"}},
		{"both build and image", func(t *testing.T) *ServiceArgs {
			return &ServiceArgs{Cloud: GCP, Build: buildContext(t), Image: pulumi.String("x@sha256:0"), GCP: &cloudrun.GCP{Region: "us-central1"}}
		}, []string{"image"}},
		{"the other cloud's block", func(t *testing.T) *ServiceArgs {
			return &ServiceArgs{Cloud: GCP, Build: buildContext(t), GCP: &cloudrun.GCP{Region: "us-central1"}, AWS: awsBlock()}
		}, []string{"aws"}},
		{"the cloud's block missing", func(t *testing.T) *ServiceArgs { return &ServiceArgs{Cloud: AWS, Build: buildContext(t)} }, []string{"aws"}},
		{"a region the image and the service both need, reported once", func(t *testing.T) *ServiceArgs {
			return &ServiceArgs{Cloud: GCP, Build: buildContext(t), GCP: &cloudrun.GCP{}}
		}, []string{"gcp.region"}},
		{"every problem of both children", func(t *testing.T) *ServiceArgs {
			b := &image.Build{Context: filepath.Join(t.TempDir(), "missing")}
			return &ServiceArgs{Cloud: AWS, Build: b, Service: &spec.Service{CPU: pulumi.Float64Ref(0.08)}, AWS: &fargate.AWS{Architecture: "SPARC"}}
		}, []string{"aws.architecture", "aws.loadBalancerSubnetIds", "aws.taskSubnetIds", "aws.vpcId", "build.context", "service.cpu"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			verr, registered := testkit.RunValidation(t, func(ctx *pulumi.Context) error {
				_, err := NewService(ctx, "api", tc.args(t))
				return err
			})
			if verr == nil {
				t.Fatal("NewService accepted the args")
			}
			if registered != 0 {
				t.Errorf("%d resources registered, want none", registered)
			}
			if got := verr.Fields(); !slices.Equal(got, tc.want) {
				t.Errorf("fields = %q, want %q\n%v", got, tc.want, verr)
			}
			if !strings.HasPrefix(verr.Error(), `invalid arguments for berth:index:Service "api":`) {
				t.Errorf("error header: %v", verr)
			}
		})
	}
}

// TestAWSTagsReachTheRepository: aws.tags tag the ECR repository the
// service's image is pushed to, as they tag the service's other resources
// (issue 19: they did not), and a bad tag is one problem, at aws.tags.
func TestAWSTagsReachTheRepository(t *testing.T) {
	t.Parallel()
	aws := awsBlock()
	aws.Tags = map[string]string{"team": "payments", "managed-by": "platform"}
	m, _ := testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", &ServiceArgs{Cloud: AWS, Build: buildContext(t), AWS: aws})
	})
	want := map[string]any{"team": "payments", "managed-by": "platform"}
	for _, typ := range []string{"aws:ecr/repository:Repository", "aws:ecs/service:Service"} {
		if got := m.One(t, typ).Inputs["tags"].Mappable(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s tags = %v, want %v", typ, got, want)
		}
	}

	aws.Tags = map[string]string{"aws:owner": "x"}
	verr, n := testkit.RunValidation(t, func(ctx *pulumi.Context) error {
		_, err := NewService(ctx, "api", &ServiceArgs{Cloud: AWS, Build: buildContext(t), AWS: aws})
		return err
	})
	if verr == nil || n != 0 || !slices.Equal(verr.Fields(), []string{`aws.tags["aws:owner"]`}) {
		t.Errorf("a reserved tag key: %v (%d resources), want one problem at aws.tags[\"aws:owner\"] before anything is created", verr, n)
	}
}
