package languages

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/berth-dev/berth/internal/ci"
)

// opTimeout bounds one engine operation, so that a hung plugin fails the
// test instead of the run.
const opTimeout = 5 * time.Minute

// edit is a change of a program's text: old must occur in it exactly once.
type edit struct{ old, new string }

// apply returns program with e made.
func (e edit) apply(t *testing.T, program string) string {
	t.Helper()
	if n := strings.Count(program, e.old); n != 1 {
		t.Fatalf("the program holds %q %d times, want once:\n%s", e.old, n, program)
	}
	return strings.Replace(program, e.old, e.new, 1)
}

// yamlCase is one of the README's YAML programs.
type yamlCase struct {
	name   string
	config map[string]string
	// created is every resource the first up creates, "create TYPE NAME".
	created []string
	// change edits a setting; changed is what the up then does.
	change  edit
	changed []string
	// invalid edits a setting to a value berth rejects; wantError is the
	// engine's error diagnostic, word for word.
	invalid   edit
	wantError string
	// urlPrefix starts the url output.
	urlPrefix string
}

var yamlCases = []yamlCase{
	{
		name:    "cloudrun",
		config:  map[string]string{"gcp:project": "berth-test-467312"},
		created: created("cloudrun", "default"),
		change:  edit{"memory: 1Gi", "memory: 2Gi"},
		changed: []string{"update gcp:cloudrunv2/service:Service orders-svc"},
		invalid: edit{`version: "3"`, "version: latest"},
		wantError: "berth:index:Service resource 'orders' has a problem: invalid arguments for berth:index:Service \"orders\"\n" +
			"\t\t- property service.secrets[0].version with value \"latest\" has a problem: \"latest\" is not allowed for an environment secret, which is read once per instance (allowed: a version number such as \"1\")\n",
		urlPrefix: "https://orders-",
	},
	{
		name:    "fargate",
		config:  map[string]string{"aws:region": "us-east-1"},
		created: created("fargate", "default"),
		// Fargate takes memory in the task definition, which ECS replaces
		// (create first: a new revision), and the service moves to it.
		change: edit{"memory: 1Gi", "memory: 2Gi"},
		changed: []string{
			"create-replacement aws:ecs/taskDefinition:TaskDefinition orders-taskdef",
			"delete-replaced aws:ecs/taskDefinition:TaskDefinition orders-taskdef",
			"replace aws:ecs/taskDefinition:TaskDefinition orders-taskdef",
			"update aws:ecs/service:Service orders-svc",
		},
		// Cloud Run's version number, which the README warns against.
		invalid: edit{"key: url", "key: url\n            version: \"3\""},
		wantError: "berth:index:Service resource 'orders' has a problem: invalid arguments for berth:index:Service \"orders\"\n" +
			"\t\t- property service.secrets[0].version with value \"3\" has a problem: \"3\" is a Secret Manager version number; Secrets Manager names versions by staging label or ID (allowed on Fargate: AWSCURRENT, AWSPREVIOUS, another label, or a version ID)\n",
		urlPrefix: "https://internal-orders-",
	},
}

func TestYAMLProgramsOfTheREADMERunUnderTheEngine(t *testing.T) {
	t.Parallel()
	for _, tc := range yamlCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requireEngine(t)
			ci.Require(t, "pulumi-language-yaml (scripts/setup.sh installs it)", yamlHostErr)
			runYAML(t, tc)
		})
	}
}

// runYAML runs the README's YAML program of tc through its steps.
func runYAML(t *testing.T, tc yamlCase) {
	w := newWorld(t, yamlHostDir)
	program := readmeProgram(t, "yaml "+tc.name, "yaml")
	project, s := yamlStack(t, w, program, tc.config)

	up := func() (outcome, auto.UpResult, error) {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		ch := make(chan events.EngineEvent)
		wait := collect(ch)
		res, err := s.Up(ctx, optup.EventStreams(ch))
		return outcome{events: wait()}, res, err
	}
	ctx := context.Background()

	// 1. Up: every resource is created.
	first, res, err := up()
	if err != nil {
		t.Fatalf("pulumi up: %v\n%s", err, res.StdOut+res.StdErr)
	}
	if got := first.steps(); !slices.Equal(got, tc.created) {
		t.Errorf("the first up did\n  %q\nwant\n  %q", got, tc.created)
	}
	if url, _ := res.Outputs["url"].Value.(string); !strings.HasPrefix(url, tc.urlPrefix) {
		t.Errorf("url = %v, want it to start with %s", res.Outputs["url"].Value, tc.urlPrefix)
	}
	deployed := w.live()
	if len(deployed) == 0 {
		t.Fatal("after pulumi up the fake cloud holds nothing")
	}

	// 2. A preview of the unchanged program changes nothing.
	pctx, cancel := context.WithTimeout(ctx, opTimeout)
	ch := make(chan events.EngineEvent)
	wait := collect(ch)
	pre, err := s.Preview(pctx, optpreview.EventStreams(ch), optpreview.ExpectNoChanges())
	cancel()
	preview := outcome{events: wait()}
	if err != nil {
		t.Fatalf("a preview of the unchanged program: %v\n%s", err, pre.StdOut+pre.StdErr)
	}
	if got := preview.steps(); len(got) != 0 || preview.same() != len(tc.created) {
		t.Errorf("the preview of the unchanged program did %q and left %d unchanged, want nothing and %d", got, preview.same(), len(tc.created))
	}

	// 3. A change of one setting changes what it reaches, nothing else.
	writeFile(t, filepath.Join(project, "Pulumi.yaml"), tc.change.apply(t, program))
	changed, res, err := up()
	if err != nil {
		t.Fatalf("pulumi up after %q: %v\n%s", tc.change.new, err, res.StdOut+res.StdErr)
	}
	if got := changed.steps(); !slices.Equal(got, tc.changed) {
		t.Errorf("the up after %q did\n  %q\nwant\n  %q", tc.change.new, got, tc.changed)
	}
	deployed = w.live()

	// 4. An invalid setting fails the up with berth's error, naming the
	// property path, and the cloud stays as it was.
	writeFile(t, filepath.Join(project, "Pulumi.yaml"), tc.invalid.apply(t, program))
	invalid, res, err := up()
	if err == nil {
		t.Fatalf("pulumi up with %q succeeded, want berth's validation error:\n%s", tc.invalid.new, res.StdOut)
	}
	if got := invalid.errors(); !slices.Equal(got, []string{tc.wantError}) {
		t.Errorf("pulumi up with %q reported\n  %q\nwant\n  %q", tc.invalid.new, got, tc.wantError)
	}
	if got := w.live(); !slices.Equal(got, deployed) {
		t.Errorf("the failed up changed the cloud:\n  before %q\n  after  %q", deployed, got)
	}

	// 5. Destroy leaves nothing in the cloud.
	dctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if dres, err := s.Destroy(dctx); err != nil {
		t.Fatalf("pulumi destroy: %v\n%s", err, dres.StdOut+dres.StdErr)
	}
	if got := w.live(); len(got) != 0 {
		t.Errorf("after pulumi destroy the cloud holds %q", got)
	}
}

// yamlStack writes program as the project "orders" of w, with the app it
// builds and the plugin in ./plugins, and returns the project's directory
// and its stack "dev" with config set.
func yamlStack(t *testing.T, w *world, program string, config map[string]string) (string, auto.Stack) {
	t.Helper()
	project := filepath.Join(w.dir, "orders")
	writeFile(t, filepath.Join(project, "Pulumi.yaml"), program)
	appContext(t, project)
	// The README's `packages: {berth: ./plugins}`: a directory that holds
	// the plugin binary. The engine takes a packages: path as a project
	// plugin in that directory (pkg/v3 v3.274.1 resource/plugin/host.go:
	// collectPluginsFromPackages, resolvePluginPath) and runs the binary it
	// finds there, wanting a PulumiPlugin.yaml only when there is none
	// (resource/plugin/plugin.go:529-556); the YAML host loads the schema
	// from the same packages: (pulumi-yaml v1.25.0 pkg/server/server.go:309).
	if err := os.MkdirAll(filepath.Join(project, "plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(berthPlugin, filepath.Join(project, "plugins", "pulumi-resource-berth")); err != nil {
		t.Fatal(err)
	}
	s, err := auto.UpsertStackLocalSource(context.Background(), "dev", project, auto.Pulumi(command(t)), auto.EnvVars(w.vars))
	if err != nil {
		t.Fatalf("creating the stack: %v", err)
	}
	setConfig(t, s, config)
	return project, s
}

// collect drains an event channel until it is closed and returns the
// engine events.
func collect(ch <-chan events.EngineEvent) func() []apitype.EngineEvent {
	var mu sync.Mutex
	var out []apitype.EngineEvent
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range ch {
			mu.Lock()
			out = append(out, ev.EngineEvent)
			mu.Unlock()
		}
	}()
	return func() []apitype.EngineEvent {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return out
	}
}
