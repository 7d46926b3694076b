package enginetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/components/image"
	"github.com/berth-dev/berth/spec"
)

// imageContext writes a small build context: a Dockerfile and two files.
func imageContext(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// componentCase is one component alone in a program of its own.
type componentCase struct {
	name    string
	config  map[string]string
	program func(ctxDir string) pulumi.RunFunc
	// knobs are changes of the program's arguments, by name; each is run
	// as its own up after the first.
	knobs []string
}

// knobValue reports whether the named knob is on in ctx's config.
func knobOn(ctx *pulumi.Context, name string) bool {
	v, _ := ctx.GetConfig("test:" + name)
	return v == "on"
}

var componentCases = []componentCase{
	{
		name:   "image",
		config: map[string]string{"aws:region": "us-east-1"},
		program: func(dir string) pulumi.RunFunc {
			return func(ctx *pulumi.Context) error {
				args := &image.ImageArgs{Build: &image.Build{Context: dir}, ECR: &image.ECRArgs{}}
				if knobOn(ctx, "buildArg") {
					args.Build.Args = map[string]string{"VERSION": "2"}
				}
				if knobOn(ctx, "keepCount") {
					keep := 20
					args.ECR.KeepCount = &keep
				}
				img, err := image.NewImage(ctx, "img", args)
				if err != nil {
					return err
				}
				ctx.Export("ref", img.Ref)
				return nil
			}
		},
		knobs: []string{"buildArg", "keepCount"},
	},
	{
		name:   "fargate",
		config: map[string]string{"aws:region": "us-east-1"},
		program: func(string) pulumi.RunFunc {
			return func(ctx *pulumi.Context) error {
				args := &fargate.ServiceArgs{
					Image:   pulumi.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:" + strings.Repeat("ab", 32)),
					Service: &spec.Service{Public: true},
					AWS: fargate.AWS{
						VPCID:                 pulumi.String("vpc-0a1b2c3d4e5f60718"),
						LoadBalancerSubnetIDs: pulumi.ToStringArray([]string{"subnet-0aa1111111111111a", "subnet-0bb2222222222222b"}),
						TaskSubnetIDs:         pulumi.ToStringArray([]string{"subnet-0cc3333333333333c", "subnet-0dd4444444444444d"}),
						CertificateARN:        pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
					},
				}
				if knobOn(ctx, "memory") {
					args.Service.Memory = "2Gi"
				}
				if knobOn(ctx, "maxTasks") {
					args.Service.MaxInstances = pulumi.IntRef(20)
				}
				svc, err := fargate.NewService(ctx, "orders", args)
				if err != nil {
					return err
				}
				ctx.Export("url", svc.URL)
				return nil
			}
		},
		knobs: []string{"memory", "maxTasks"},
	},
	{
		name:   "cloudrun",
		config: map[string]string{"gcp:project": "berth-test-467312", "gcp:region": "europe-west1"},
		program: func(string) pulumi.RunFunc {
			return func(ctx *pulumi.Context) error {
				args := &cloudrun.ServiceArgs{
					Image:   pulumi.String("europe-west1-docker.pkg.dev/berth-test-467312/apps/orders@sha256:" + strings.Repeat("cd", 32)),
					Service: &spec.Service{},
					GCP:     cloudrun.GCP{Region: "europe-west1"},
				}
				if knobOn(ctx, "memory") {
					args.Service.Memory = "1Gi"
				}
				if knobOn(ctx, "invoker") {
					args.GCP.Invokers = []string{"group:oncall@example.com"}
				}
				svc, err := cloudrun.NewService(ctx, "orders", args)
				if err != nil {
					return err
				}
				ctx.Export("url", svc.URL)
				return nil
			}
		},
		knobs: []string{"memory", "invoker"},
	},
}

// TestComponentsAlone runs each component alone under the engine: up, a
// second preview without changes, each knob as its own up, and a destroy
// that leaves nothing in the fake cloud.
func TestComponentsAlone(t *testing.T) {
	for _, c := range componentCases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			ctxDir := filepath.Join(e.dir, "context")
			imageContext(t, ctxDir, map[string]string{
				"Dockerfile": "FROM scratch\nCOPY hello.txt /\n",
				"hello.txt":  "hello\n",
			})
			s := e.componentStack(c.name, c.config, c.program(ctxDir))
			s.mustUp()
			checkStable(t, s, "after the first up")
			for _, k := range c.knobs {
				s.setConfig(map[string]string{"test:" + k: "on"}, false)
				r, err := s.up()
				if err != nil {
					t.Errorf("knob %s: up failed: %v\n%s", k, err, r.failure())
					continue
				}
				if len(r.changed()) == 0 {
					t.Errorf("knob %s: up changed nothing", k)
				}
				checkStable(t, s, "after knob "+k)
			}
			if d, err := s.destroy(); err != nil {
				t.Fatalf("destroy failed: %v\n%s", err, d.failure())
			}
			if left := e.live(); len(left) != 0 {
				t.Errorf("destroy left in the fake cloud:\n%s", strings.Join(left, "\n"))
			}
		})
	}
}
