package enginetest

// Regression tests of issue 8's defects, and of what the engine tier found
// beside them, under the real engine and the fake cloud. Each failed before
// its fix in components/ (or infra/) landed; its comment says what it
// asserts and what it saw fail.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/image"
	"github.com/berth-dev/berth/infra/program"
	"github.com/berth-dev/berth/internal/fakecloud/cloud"
	"github.com/berth-dev/berth/internal/providers"
)

// serviceOf returns the live record of type typ with Pulumi name name.
func serviceOf(t *testing.T, e *env, typ, name string) *cloud.Record {
	t.Helper()
	for _, r := range e.state().Live(typ) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no live %s %q in the fake cloud", typ, name)
	return nil
}

// Defect 1: a release the circuit breaker rolls back must fail `up`,
// naming the service, and the revision the service still runs must stay
// registered.
func TestECSRollbackFailsUpAndKeepsThePreviousRevision(t *testing.T) {
	e := newEnv(t)
	s := e.stack("prod", "infra", program.Run)
	s.mustUp()
	svc := serviceOf(t, e, "aws:ecs/service:Service", "app-svc")
	name, _ := svc.State["name"].(string)
	running, _ := svc.State["taskDefinition"].(string)
	if running == "" {
		t.Fatalf("the service runs no task definition: %v", svc.State)
	}

	if err := e.cloud.ScriptDeployments(name, providers.DeploymentRollsBack); err != nil {
		t.Fatal(err)
	}
	s.setConfig(map[string]string{"berth:service.env.FEATURE_FLAG": "on"}, false)
	r, err := s.up()
	if err == nil {
		t.Errorf("up succeeded although the circuit breaker rolled the service back to %s", running)
	} else if !strings.Contains(err.Error()+r.stdout, name) {
		t.Errorf("up failed without naming the service %s: %v", name, err)
	}
	for _, rec := range e.state().Resources {
		if rec.Type == "aws:ecs/taskDefinition:TaskDefinition" && rec.State["arn"] == running && rec.Status != cloud.Live {
			t.Errorf("the revision the service still runs, %s, was deregistered (status %s)", running, rec.Status)
		}
	}
}

// Defect 2: a connector of any size but 2/3 instances is replaced on every
// up (min/max_throughput 200/300 are ForceNew defaults the API overrides)
// and the replacement collides.
func TestConnectorOfAnySizeIsStable(t *testing.T) {
	e := newEnv(t)
	s := e.stack("dev", "infra", program.Run)
	s.setConfig(map[string]string{
		"berth:gcp.vpc.connector.minInstances": "3",
		"berth:gcp.vpc.connector.maxInstances": "5",
	}, false)
	s.mustUp()
	checkStable(t, s, "after an up of a 3/5 connector")
	if r, err := s.up(); err != nil {
		t.Errorf("a second up of a 3/5 connector failed: %v\n%s", err, r.failure())
	}
}

// Defect 2: every deliberate change of the connector (size, machine type,
// and what replaces it: the service's name, the Region) must succeed
// without a name or range collision.
func TestConnectorChangesSucceed(t *testing.T) {
	e := newEnv(t)
	s := e.stack("dev", "infra", program.Run)
	s.mustUp()
	for _, k := range []knob{
		{name: "size", set: map[string]string{"berth:gcp.vpc.connector.minInstances": "3", "berth:gcp.vpc.connector.maxInstances": "6"}},
		{name: "machineType", set: map[string]string{"berth:gcp.vpc.connector.machineType": "e2-standard-4"}},
		{name: "name", set: map[string]string{"berth:service.name": "berth-api"}},
		{name: "region", set: map[string]string{"gcp:region": "europe-west1"}},
	} {
		s.setConfig(k.set, false)
		if r, err := s.up(); err != nil {
			t.Errorf("knob %s: up failed: %v\n%s", k.name, err, r.failure())
		}
	}
}

// Defect 3: reverting to an image still in ECR must deploy. The revert
// rebuilds the old content tag; the rebuild has a new digest (builds are
// not reproducible) and the IMMUTABLE repository rejects the push.
func TestImageRevertDeploys(t *testing.T) {
	e := newEnv(t)
	s := e.stack("prod", "infra", program.Run)
	s.mustUp()
	first, _ := s.outputs()["image"].(string)
	file := filepath.Join(e.workspace, "app", "main.go")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, append(append([]byte(nil), orig...), []byte("\n// a release\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	s.mustUp()
	if err := os.WriteFile(file, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := s.up()
	if err != nil {
		t.Fatalf("the revert failed to deploy: %v\n%s", err, r.failure())
	}
	if got, _ := s.outputs()["image"].(string); got == "" || !strings.HasPrefix(got, strings.SplitN(first, "@", 2)[0]) {
		t.Errorf("after the revert the stack deploys %q, want an image of the repository of %q", got, first)
	}
}

// dockerignoreCase is a build context where the component's content tag
// and the Docker provider's rebuild decision may disagree.
type dockerignoreCase struct {
	name       string
	files      map[string]string
	dockerfile string
	// edit is the file edited; the provider ignores it.
	edit string
}

// Defect 4: the content tag must follow the Docker provider's
// .dockerignore lookup (DOCKERFILE.dockerignore beside the Dockerfile,
// then CONTEXT/.dockerignore): an edit to a file the provider ignores
// changes neither the tag nor the provider's decision, so nothing is
// rebuilt or pushed. The Docker provider here is the fake plugin, which
// follows provider/provider.go getIgnorePatterns (the real provider cannot
// be built from the module proxy: see the report).
func TestContentTagFollowsTheProvidersDockerignore(t *testing.T) {
	cases := []dockerignoreCase{
		{
			name: "Dockerfile.dockerignore beside the Dockerfile",
			files: map[string]string{
				"build/Dockerfile":              "FROM scratch\nCOPY . /\n",
				"build/Dockerfile.dockerignore": "notes.md\n",
				"hello.txt":                     "hello\n",
				"notes.md":                      "notes\n",
			},
			dockerfile: "build/Dockerfile",
			edit:       "notes.md",
		},
		{
			name: "api.Dockerfile with only .dockerignore",
			files: map[string]string{
				"api.Dockerfile": "FROM scratch\nCOPY . /\n",
				".dockerignore":  "README.md\n",
				"hello.txt":      "hello\n",
				"README.md":      "readme\n",
			},
			dockerfile: "api.Dockerfile",
			edit:       "README.md",
		},
		{
			// The provider reads Dockerfile.dockerignore and so counts
			// tests.txt, which .dockerignore leaves out: the component's tag
			// must change with it, or the provider rebuilds and pushes under
			// the old tag, which the IMMUTABLE repository rejects.
			name: "Dockerfile.dockerignore wins over .dockerignore",
			files: map[string]string{
				"Dockerfile":              "FROM scratch\nCOPY . /\n",
				"Dockerfile.dockerignore": "notes.md\n",
				".dockerignore":           "tests.txt\n",
				"hello.txt":               "hello\n",
				"tests.txt":               "tests\n",
			},
			dockerfile: "Dockerfile",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			dir := filepath.Join(e.dir, "context")
			imageContext(t, dir, c.files)
			s := e.componentStack("image", map[string]string{"aws:region": "us-east-1"}, func(ctx *pulumi.Context) error {
				img, err := image.NewImage(ctx, "img", &image.ImageArgs{
					Build: &image.Build{Context: dir, Dockerfile: filepath.Join(dir, c.dockerfile)},
					ECR:   &image.ECRArgs{},
				})
				if err != nil {
					return err
				}
				ctx.Export("tag", img.Tag)
				return nil
			})
			s.mustUp()
			tag, _ := s.outputs()["tag"].(string)
			if c.edit != "" {
				imageContext(t, dir, map[string]string{c.edit: "edited\n"})
				p := s.mustPreview()
				if got := p.changed(); len(got) != 0 {
					t.Errorf("an edit to %s, which the provider ignores, changes:\n%s", c.edit, strings.Join(got, "\n"))
				}
				return
			}
			imageContext(t, dir, map[string]string{"tests.txt": "edited\n"})
			if r, err := s.up(); err != nil {
				t.Fatalf("an edit to tests.txt, which the provider counts, failed to deploy: %v\n%s", err, r.failure())
			}
			if got, _ := s.outputs()["tag"].(string); got == tag {
				t.Errorf("the provider rebuilt for tests.txt but the tag stayed %s", tag)
			}
		})
	}
}

// Found by the tier: berth's ECR repository keeps forceDelete false, the
// Docker provider leaves pushed images in it, and ECR refuses to delete a
// repository holding images (RepositoryNotEmptyException). So `pulumi
// destroy` of prod fails, and so does renaming the service (the old
// repository is deleted).
func TestProdDestroyLeavesNothing(t *testing.T) {
	e := newEnv(t)
	s := e.stack("prod", "infra", program.Run)
	s.mustUp()
	d, err := s.destroy()
	if err != nil {
		t.Fatalf("destroy failed: %v\n%s", err, d.failure())
	}
	if left := e.live(); len(left) != 0 {
		t.Errorf("destroy left in the fake cloud:\n%s", strings.Join(left, "\n"))
	}
}

// Found by the tier, with TestProdDestroyLeavesNothing: a rename
// replaces the ECR repository, whose delete fails while it holds images.
func TestProdRenameSucceeds(t *testing.T) {
	e := newEnv(t)
	s := e.stack("prod", "infra", program.Run)
	s.mustUp()
	s.setConfig(map[string]string{"berth:service.name": "berth-api"}, false)
	if r, err := s.up(); err != nil {
		t.Errorf("renaming the service failed: %v\n%s", err, r.failure())
	}
}
