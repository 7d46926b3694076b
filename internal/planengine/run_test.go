package planengine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/monitor"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/blang/semver"
)

func TestRunOrdersByParentsAndDependenciesThenURN(t *testing.T) {
	t.Parallel()
	dir := probe(t, "config:\n  probe:mode: order\n")
	var first []byte
	for i := range 2 {
		p := mustPlan(t, load(t, dir))
		var names []string
		for _, r := range p.Resources {
			names = append(names, r.Name)
		}
		// chain-1 and early are free first; chain-1 sorts first, then each
		// link frees the next, and late waits for the whole chain.
		if want := []string{"chain-1", "chain-2", "chain-3", "early", "late"}; !reflect.DeepEqual(names, want) {
			t.Errorf("order = %v, want %v", names, want)
		}
		var buf bytes.Buffer
		if err := p.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.Bytes()
		} else if !bytes.Equal(first, buf.Bytes()) {
			t.Error("two plans of the same program differ")
		}
	}
}

func TestRunRecordsEveryLifecycleOption(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, load(t, probe(t, "config:\n  probe:mode: options\n")))
	byName := map[string]plan.Resource{}
	for _, r := range p.Resources {
		byName[r.Name] = r
	}
	base := "urn:pulumi:test::probe::probe:index:Thing::base"
	yes, no := true, false
	want := plan.Options{
		Protect:                 true,
		DeleteBeforeReplace:     &yes,
		RetainOnDelete:          true,
		IgnoreChanges:           []string{"size", "tags"},
		ReplaceOnChanges:        []string{"zone"},
		DeletedWith:             base,
		Aliases:                 []string{"urn:pulumi:test::probe::probe:index:Thing::old-db"},
		AdditionalSecretOutputs: []string{"password"},
		CustomTimeouts:          &plan.Timeouts{Create: "30m"},
	}
	db := byName["db"]
	if !reflect.DeepEqual(db.Options, want) {
		t.Errorf("options = %+v\nwant      %+v", db.Options, want)
	}
	if !reflect.DeepEqual(db.DependsOn, []string{base}) {
		t.Errorf("dependsOn = %v", db.DependsOn)
	}
	if !reflect.DeepEqual(byName["base"].Options, plan.Options{}) {
		t.Errorf("base has options %+v", byName["base"].Options)
	}
	// An explicit false is an option of its own: the engine lets it
	// override a provider that asks to delete first.
	if got := byName["cache"].Options; !reflect.DeepEqual(got, plan.Options{DeleteBeforeReplace: &no}) {
		t.Errorf("cache has options %+v, want deleteBeforeReplace false", got)
	}
	var text bytes.Buffer
	if err := p.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	wantLine := `  options: protect; deleteBeforeReplace true; retainOnDelete; ignoreChanges [size, tags]; replaceOnChanges [zone]; deletedWith ` + base +
		`; aliases [urn:pulumi:test::probe::probe:index:Thing::old-db]; additionalSecretOutputs [password]; customTimeouts {create "30m", update "", delete ""}`
	if !strings.Contains(text.String(), wantLine+"\n") {
		t.Errorf("text plan lacks the options line %q:\n%s", wantLine, text.String())
	}
}

func TestRunMarksResourcesThatAreReadNotManaged(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, load(t, probe(t, "config:\n  probe:mode: read\n")))
	if len(p.Resources) != 1 {
		t.Fatalf("resources = %+v", p.Resources)
	}
	r := p.Resources[0]
	if !r.Read || r.ID != "vpc-0123" || r.Type != "aws:ec2/vpc:Vpc" || !r.Custom {
		t.Errorf("read resource = %+v", r)
	}
}

func TestProgramRunsWhereMainIsWithTheEnvironmentOfAPreview(t *testing.T) {
	// Not parallel: it sets PULUMI_CONFIG_PASSPHRASE in berth's own
	// environment, which the program must not see.
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "not for the program")
	dir := probe(t, "config:\n  probe:mode: where\n")
	p := mustPlan(t, load(t, dir))
	wd, err := filepath.Abs(filepath.Join("testdata", "probe"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"wd": wd, "root": dir, "relativeFileFound": true, "dryRun": true,
		"organization": "organization", "sawPassphrase": false,
	}
	if !reflect.DeepEqual(p.Outputs, want) {
		t.Errorf("outputs = %v\nwant      %v", p.Outputs, want)
	}
}

func TestTransformsRunAsTheEngineRunsThem(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, load(t, probe(t, "config:\n  probe:mode: transform\n")))
	got := map[string]string{}
	for _, r := range p.Resources {
		got[r.Name] = fmt.Sprintf("%v %v", r.Inputs, r.Options.IgnoreChanges)
	}
	// The resource's own transform runs before the stack's.
	want := map[string]string{
		"a": "map[size:3 team:platform] [team]",
		"b": "map[size:2 team:platform] [team]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("resources = %v\nwant        %v", got, want)
	}
}

func TestBadProgramsAreErrorsNamingTheProjectAndWhatHappened(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode       string
		timeout    time.Duration
		what       string
		detail     []string
		noDetailOf []string
	}{
		{mode: "fail", what: "the program failed", detail: []string{
			"invalid configuration of stack \"test\":\n  service.memory: 64Gi is too much (allowed: 512Mi to 32Gi)\n  service.port: 70000 is out of range (allowed: 1-65535)"},
			noDetailOf: []string{"error occurred", "unhandled"}},
		{mode: "panic", what: "the program panicked", detail: []string{"panic: probe: something impossible happened", "goroutine 1 [running]:"}},
		{mode: "hang", timeout: 3 * time.Second, what: "the program did not finish within 3s and was stopped (raise --timeout if it needs longer)"},
		{mode: "duplicate", what: "the program registers a resource twice",
			detail: []string{"Duplicate resource URN 'urn:pulumi:test::probe::probe:index:Thing::twin'; try giving it a unique name"}},
		{mode: "invoke", what: "the program calls a function berth plan cannot answer offline",
			detail: []string{"the program invoked aws:ec2/getVpc:getVpc: no offline answer for invoke aws:ec2/getVpc:getVpc (answered: aws:ecr/getAuthorizationToken:getAuthorizationToken, "}},
		{mode: "check", what: "a provider would reject the program's inputs",
			detail: []string{`aws:iam/role:Role resource 'role' has a problem: Missing required argument. The argument "assumeRolePolicy" is required, but no definition was found.`}},
		{mode: "exit", what: "the program exited with status 3", detail: []string{"giving up"}},
		{mode: "exit-midway", what: "the program exited with status 0 before its run finished, after registering 1 of its resources: a plan of part of a program is not its plan (does it call os.Exit?)"},
		{mode: "no-engine", what: "the program exited without connecting to the engine; does its main call pulumi.Run?", detail: []string{"not a Pulumi program after all"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			cfg := load(t, probe(t, "config:\n  probe:mode: "+tt.mode+"\n"))
			_, err := Run(context.Background(), cfg, RunOptions{CacheDir: testCache, Timeout: tt.timeout})
			var pe *ProgramError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (%T), want a *ProgramError", err, err)
			}
			if pe.What != tt.what {
				t.Errorf("what = %q\nwant   %q", pe.What, tt.what)
			}
			for _, d := range tt.detail {
				if !strings.Contains(pe.Detail, d) {
					t.Errorf("detail lacks %q:\n%s", d, pe.Detail)
				}
			}
			for _, d := range tt.noDetailOf {
				if strings.Contains(pe.Detail, d) {
					t.Errorf("detail has %q:\n%s", d, pe.Detail)
				}
			}
			if !strings.HasPrefix(err.Error(), `project "probe", stack "test": `+tt.what) {
				t.Errorf("error = %s, want it to name the project and stack", err)
			}
		})
	}
}

func TestAProgramThatDoesNotCompileIsABuildError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{"Pulumi.yaml": probeYAML(t, dir, "broken"), "Pulumi.test.yaml": "config:\n  probe:mode: basic\n"}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := runPlan(t, load(t, dir))
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v (%T), want a *BuildError", err, err)
	}
	if !strings.HasPrefix(err.Error(), `project "probe": compiling the program in `) ||
		!strings.Contains(be.Output, `cannot use "8080" (untyped string constant) as int value in variable declaration`) {
		t.Errorf("error = %v", err)
	}
}

func TestAWarmPlanReusesTheBinaryUntilASourceChanges(t *testing.T) {
	t.Parallel()
	// A copy of the probe, so that editing it disturbs no other test.
	src := t.TempDir()
	for _, f := range []string{"main.go", "go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join("testdata", "probe", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	proj := t.TempDir()
	if err := os.WriteFile(filepath.Join(proj, "Pulumi.yaml"), []byte(probeYAML(t, proj, src)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "Pulumi.test.yaml"), []byte("config:\n  probe:mode: order\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	plan := func() *Result {
		t.Helper()
		res, err := Run(context.Background(), load(t, proj), RunOptions{CacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if !plan().Compiled {
		t.Error("the first plan did not compile the program")
	}
	if plan().Compiled {
		t.Error("an unchanged program was compiled again")
	}
	if err := os.WriteFile(filepath.Join(src, "notes.txt"), []byte("not Go"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !plan().Compiled {
		t.Error("a new file in the package's directory did not rebuild it")
	}
	b, _ := os.ReadFile(filepath.Join(src, "main.go"))
	edited := strings.Replace(string(b), `"chain-1", "chain-2", "chain-3"`, `"link-1", "link-2"`, 1)
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	res := plan()
	if !res.Compiled || len(res.Plan.Resources) != 4 || res.Plan.Resources[0].Name != "early" {
		t.Errorf("after an edit: compiled %v, resources %+v", res.Compiled, res.Plan.Resources)
	}
}

func TestARunIsFinishedWhenTheSDKSaysSo(t *testing.T) {
	t.Parallel()
	v := func(s string) semver.Version { return semver.MustParse(s) }
	tests := []struct {
		name  string
		rec   monitor.Run
		sdk   semver.Version
		known bool
		want  bool
	}{
		{"signalled shutdown", monitor.Run{StackDone: true, Shutdown: true}, v("3.274.1"), true, true},
		{"an SDK that signals shutdown did not", monitor.Run{StackDone: true}, v("3.182.0"), true, false},
		{"an SDK before the signal registered the stack's outputs", monitor.Run{StackDone: true}, v("3.181.0"), true, true},
		{"an SDK before the signal did not", monitor.Run{}, v("3.129.0"), true, false},
		{"an unknown SDK registered the stack's outputs", monitor.Run{StackDone: true}, semver.Version{}, false, true},
		{"an unknown SDK did neither", monitor.Run{}, semver.Version{}, false, false},
	}
	for _, tt := range tests {
		if got := finishedWith(tt.rec, tt.sdk, tt.known); got != tt.want {
			t.Errorf("%s: finished = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestAChildHoldingTheOutputNeitherFailsThePlanNorOutlivesIt runs a
// program that leaves a process holding its stdout: the plan is the
// program's, and the process is stopped.
func TestAChildHoldingTheOutputNeitherFailsThePlanNorOutlivesIt(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	t.Setenv("PROBE_CHILD_PID_FILE", pidFile)
	cfg := load(t, probe(t, "config:\n  probe:mode: leave-child\n"))
	res, err := Run(context.Background(), cfg, RunOptions{CacheDir: testCache})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(res.Plan.Resources) == 0 {
		t.Error("the plan is empty")
	}
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	// Killed, the child is gone, or a zombie until its new parent reaps
	// it, once the kernel has delivered SIGKILL: wait for that, bounded.
	var stat []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		stat, err = os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return
		}
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) > 0 && fields[0] == "Z" {
			return
		}
	}
	t.Errorf("the program's child %d still runs 30s after the plan: %s", pid, stat)
}
