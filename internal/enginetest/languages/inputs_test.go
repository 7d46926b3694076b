package languages

import (
	"context"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/berth-dev/berth/internal/ci"
)

// inputCase is the README's Cloud Run YAML program with inputs the Go
// fields do not take.
type inputCase struct {
	name  string
	edits []edit
	// previewError is the engine's error diagnostic of a preview, word for
	// word; upError that of an up without a preview (the Automation API's
	// Up is `pulumi up --yes --skip-preview`, sdk/v3 v3.274.1
	// go/auto/stack.go:464), where outputs of other resources are known.
	previewError, upError string
	// upCreated is what the up creates before berth's error: only the
	// resources the program's own values wait for, none of berth's
	// service.
	upCreated []string
	// upLive is what the fake cloud holds after the up (world.live).
	upLive []string
}

var inputCases = []inputCase{
	{
		name: "numbers for strings",
		edits: []edit{
			{"memory: 1Gi", "memory: 1024"},
			{`version: "3"`, "version: 3"},
		},
		previewError: "berth:index:Service resource 'orders' has a problem: invalid arguments for berth:index:Service \"orders\"\n" +
			"\t\t- property service.memory with value 1024 has a problem: expected a string, got a number\n" +
			"\t\t- property service.secrets[0].version with value 3 has a problem: expected a string, got a number\n",
		upError: "berth:index:Service resource 'orders' has a problem: invalid arguments for berth:index:Service \"orders\"\n" +
			"\t\t- property service.memory with value 1024 has a problem: expected a string, got a number\n" +
			"\t\t- property service.secrets[0].version with value 3 has a problem: expected a string, got a number\n",
		upCreated: []string{"create pulumi:providers:berth default", "create pulumi:pulumi:Stack orders-dev"},
	},
	{
		name: "a secret and another resource's output in gcp.labels",
		edits: []edit{
			{"resources:\n", "resources:\n  other:\n    type: berth:image:Image\n    properties:\n      build:\n        context: ./app\n      artifactRegistry:\n        location: europe-west1\n"},
			{"region: europe-west1\n", "region: europe-west1\n        labels:\n          team:\n            fn::secret: payments\n          image: ${other.ref}\n"},
		},
		// In a preview the output is unknown, and the engine cannot print
		// an unknown value (internal/provider: printable).
		previewError: "berth:index:Service resource 'orders' has a problem: invalid arguments for berth:index:Service \"orders\"\n" +
			"\t\t- property gcp.labels.image has a problem: must be a plain value, got an unknown output of another resource (berth reads this field before it creates anything, so it cannot wait for another resource)\n" +
			"\t\t- property gcp.labels.team with value <secret> has a problem: must be a plain value, got a secret (a plain field would not keep it secret)\n",
		upError: "berth:index:Service resource 'orders' has a problem: invalid arguments for berth:index:Service \"orders\"\n" +
			"\t\t- property gcp.labels.image with value \"europe-west1-docker.pkg.dev/berth-test-467312/other-488b0c6/other@sha256:3bf77e44a7b3cfb1502e270e34895a7917840c35bf8544964764631f1b2ad9cc\" has a problem: must be a plain value, got an output of another resource (berth reads this field before it creates anything, so it cannot wait for another resource)\n" +
			"\t\t- property gcp.labels.team with value <secret> has a problem: must be a plain value, got a secret (a plain field would not keep it secret)\n",
		// The YAML host registers orders once other's ref is known, so
		// other is created first (with --skip-preview only); nothing of
		// orders is.
		upCreated: []string{
			"create berth:image:Image other",
			"create docker:index/image:Image other-image",
			"create gcp:artifactregistry/repository:Repository other-repo",
			"create pulumi:providers:berth default",
			"create pulumi:providers:docker default_4_11_2",
			"create pulumi:providers:gcp default_7_38_0",
			"create pulumi:pulumi:Stack orders-dev",
		},
		upLive: []string{
			"docker:index/image:Image europe-west1-docker.pkg.dev/berth-test-467312/other-488b0c6/other:6806ecf261a8",
			"gcp:artifactregistry/repository:Repository projects/berth-test-467312/locations/europe-west1/repositories/other-488b0c6",
			"image europe-west1-docker.pkg.dev/berth-test-467312/other-488b0c6/other:6806ecf261a8",
		},
	},
}

func TestYAMLInputsTheGoFieldsDoNotTakeFailAtTheirPathsBeforeAnythingIsCreated(t *testing.T) {
	t.Parallel()
	for _, tc := range inputCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requireEngine(t)
			ci.Require(t, "pulumi-language-yaml (scripts/setup.sh installs it)", yamlHostErr)
			w := newWorld(t, yamlHostDir)
			program := readmeProgram(t, "yaml cloudrun", "yaml")
			for _, e := range tc.edits {
				program = e.apply(t, program)
			}
			_, s := yamlStack(t, w, program, map[string]string{"gcp:project": "berth-test-467312"})

			// A preview, as `pulumi up` runs first, fails with every problem
			// and creates nothing.
			ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
			defer cancel()
			ch := make(chan events.EngineEvent)
			wait := collect(ch)
			pre, err := s.Preview(ctx, optpreview.EventStreams(ch))
			preview := outcome{events: wait()}
			if err == nil {
				t.Fatalf("the preview succeeded, want berth's error:\n%s", pre.StdOut)
			}
			if got := preview.errors(); !slices.Equal(got, []string{tc.previewError}) {
				t.Errorf("the preview reported\n  %q\nwant\n  %q", got, tc.previewError)
			}
			if got := w.live(); len(got) != 0 {
				t.Errorf("after the preview the fake cloud holds %q, want nothing", got)
			}

			// An up without a preview fails the same way; of berth's
			// service nothing is created.
			ch = make(chan events.EngineEvent)
			wait = collect(ch)
			res, err := s.Up(ctx, optup.EventStreams(ch))
			up := outcome{events: wait()}
			if err == nil {
				t.Fatalf("pulumi up --skip-preview succeeded, want berth's error:\n%s", res.StdOut)
			}
			if got := up.errors(); !slices.Equal(got, []string{tc.upError}) {
				t.Errorf("pulumi up --skip-preview reported\n  %q\nwant\n  %q", got, tc.upError)
			}
			if got := up.steps(); !slices.Equal(got, tc.upCreated) {
				t.Errorf("pulumi up --skip-preview did\n  %q\nwant\n  %q", got, tc.upCreated)
			}
			if got := w.live(); !slices.Equal(got, tc.upLive) {
				t.Errorf("after pulumi up --skip-preview the fake cloud holds\n  %q\nwant\n  %q", got, tc.upLive)
			}
		})
	}
}
