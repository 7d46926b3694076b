package enginetest

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/internal/ci"
	"github.com/berth-dev/berth/internal/fakecloud/cloud"
	"github.com/berth-dev/berth/internal/pulumicli"
)

// Passphrase encrypts the stacks' secrets: the sample stack's, whose
// encryptionsalt Pulumi.dev.yaml holds.
const Passphrase = "berth-sample-passphrase"

// opTimeout bounds one engine operation: a hung plugin fails the test
// instead of the whole run.
const opTimeout = 10 * time.Minute

var (
	// repoRoot is the repository checkout.
	repoRoot string
	// pluginDir holds the fake provider plugins built for this run.
	pluginDir string
	// cliPath is the Pulumi CLI, "" when missing.
	cliPath string
	// berthPath is the berth CLI built for this run.
	berthPath string
	// setupErr is why the tier cannot run, if it cannot.
	setupErr error
)

func TestMain(m *testing.M) {
	code := func() int {
		tmp, err := os.MkdirTemp("", "berth-enginetest-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(tmp)
		setupErr = setup(tmp)
		return m.Run()
	}()
	os.Exit(code)
}

// setup finds the repository and the CLI and builds the plugins.
func setup(tmp string) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	repoRoot = filepath.Clean(filepath.Join(wd, "..", ".."))
	cliPath, err = pulumicli.Find(repoRoot)
	if err != nil {
		return err
	}
	pluginDir = filepath.Join(tmp, "plugins")
	build := exec.Command("go", "build", "-o", pluginDir+string(os.PathSeparator),
		"./internal/fakecloud/cmd/pulumi-resource-aws",
		"./internal/fakecloud/cmd/pulumi-resource-gcp",
		"./internal/fakecloud/cmd/pulumi-resource-docker",
		"./cmd/berth")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the fake provider plugins and berth: %v\n%s", err, out)
	}
	berthPath = filepath.Join(pluginDir, "berth")
	return nil
}

// requireTier skips t, or fails it under CI=true, when the tier cannot run.
func requireTier(t *testing.T) {
	t.Helper()
	ci.Require(t, "what the engine test tier needs", setupErr)
}

// env is one test's world: a fake cloud, a file backend, a Pulumi home and
// a copy of the repository as the workspace.
type env struct {
	t *testing.T
	// dir holds it all.
	dir string
	// workspace is the repository copy the stacks run in.
	workspace string
	cloud     *cloud.Cloud
	vars      map[string]string
}

// newEnv makes a fresh world for t.
func newEnv(t *testing.T) *env {
	t.Helper()
	requireTier(t)
	dir := t.TempDir()
	e := &env{t: t, dir: dir, workspace: filepath.Join(dir, "workspace")}
	for _, d := range []string{"home", "state", "cloud"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if e.cloud, err = cloud.Open(filepath.Join(dir, "cloud")); err != nil {
		t.Fatal(err)
	}
	if err := copyRepo(repoRoot, e.workspace); err != nil {
		t.Fatalf("copying the repository: %v", err)
	}
	e.vars = map[string]string{
		"PULUMI_HOME":               filepath.Join(dir, "home"),
		"PULUMI_BACKEND_URL":        "file://" + filepath.Join(dir, "state"),
		"PULUMI_CONFIG_PASSPHRASE":  Passphrase,
		"PULUMI_SKIP_UPDATE_CHECK":  "true",
		"PULUMI_SKIP_CONFIRMATIONS": "true",
		cloud.DirVar:                filepath.Join(dir, "cloud"),
		"PATH":                      pluginDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
	}
	return e
}

// copyRepo copies the checkout at src to dst, without .git.
func copyRepo(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || rel == filepath.Join("tools", "pulumi", "bin")) {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, info.Mode().Perm())
		}
		return nil
	})
}

// stack is a stack of one test's world.
type stack struct {
	e *env
	s auto.Stack
	// dir is the project directory.
	dir string
}

// stack creates or selects the stack name of project berth in the
// workspace with the inline program, as `pulumi up` runs it: from dir
// (relative to the workspace), the program's working directory.
func (e *env) stack(name, dir string, program pulumi.RunFunc) *stack {
	e.t.Helper()
	e.t.Chdir(filepath.Join(e.workspace, dir))
	return e.stackAt(e.workspace, name, program)
}

// componentStack creates the stack name of a project of its own (berth's
// Pulumi.yaml declares the sample's config, which a component alone does
// not have), run from that project's directory, with config set.
func (e *env) componentStack(name string, config map[string]string, program pulumi.RunFunc) *stack {
	e.t.Helper()
	dir := filepath.Join(e.dir, "component")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: berth\nruntime: go\n"), 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.t.Chdir(dir)
	s := e.stackAt(dir, name, program)
	s.setConfig(config, false)
	return s
}

// stackAt creates or selects the stack name in the project at workDir.
func (e *env) stackAt(workDir, name string, program pulumi.RunFunc) *stack {
	e.t.Helper()
	ctx := context.Background()
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: filepath.Dir(filepath.Dir(cliPath)), Version: semver.MustParse("3.274.1")})
	if err != nil {
		e.t.Fatalf("finding the Pulumi CLI: %v", err)
	}
	s, err := auto.UpsertStackInlineSource(ctx, name, "berth", program,
		auto.WorkDir(workDir), auto.Pulumi(cmd), auto.EnvVars(e.vars), auto.SecretsProvider("passphrase"))
	if err != nil {
		e.t.Fatalf("creating stack %s: %v", name, err)
	}
	return &stack{e: e, s: s, dir: workDir}
}

// setConfig sets config paths (berth:service.memory ...) on the stack;
// secret values are encrypted, as `pulumi config set --secret --path`.
func (s *stack) setConfig(values map[string]string, secret bool) {
	s.e.t.Helper()
	for k, v := range values {
		if err := s.s.SetConfigWithOptions(context.Background(), k, auto.ConfigValue{Value: v, Secret: secret}, &auto.ConfigOptions{Path: true}); err != nil {
			s.e.t.Fatalf("setting %s: %v", k, err)
		}
	}
}

// removeConfig removes config paths.
func (s *stack) removeConfig(keys ...string) {
	s.e.t.Helper()
	for _, k := range keys {
		if err := s.s.RemoveConfigWithOptions(context.Background(), k, &auto.ConfigOptions{Path: true}); err != nil {
			s.e.t.Fatalf("removing %s: %v", k, err)
		}
	}
}

// run is what one engine operation printed and emitted.
type run struct {
	stdout, stderr string
	events         []events.EngineEvent
	// changes counts the steps by operation ("same", "update", "replace",
	// "create", "delete", ...).
	changes map[string]int
}

// collect drains an event channel until it is closed.
func collect(ch <-chan events.EngineEvent) func() []events.EngineEvent {
	var mu sync.Mutex
	var out []events.EngineEvent
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range ch {
			mu.Lock()
			out = append(out, ev)
			mu.Unlock()
		}
	}()
	return func() []events.EngineEvent {
		<-done
		return out
	}
}

// up runs `pulumi up`; a failure is returned with the CLI's output.
func (s *stack) up() (*run, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	ch := make(chan events.EngineEvent)
	wait := collect(ch)
	res, err := s.s.Up(ctx, optup.EventStreams(ch), optup.Diff())
	r := &run{stdout: res.StdOut, stderr: res.StdErr, events: wait(), changes: map[string]int{}}
	if res.Summary.ResourceChanges != nil {
		for k, v := range *res.Summary.ResourceChanges {
			r.changes[k] = v
		}
	}
	return r, err
}

// mustUp runs `pulumi up` and fails the test when it fails.
func (s *stack) mustUp() *run {
	s.e.t.Helper()
	r, err := s.up()
	if err != nil {
		s.e.t.Fatalf("pulumi up failed: %v", err)
	}
	return r
}

// preview runs `pulumi preview --diff`.
func (s *stack) preview() (*run, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	ch := make(chan events.EngineEvent)
	wait := collect(ch)
	res, err := s.s.Preview(ctx, optpreview.EventStreams(ch), optpreview.Diff())
	r := &run{stdout: res.StdOut, stderr: res.StdErr, events: wait(), changes: map[string]int{}}
	for k, v := range res.ChangeSummary {
		r.changes[string(k)] = v
	}
	return r, err
}

// mustPreview runs `pulumi preview --diff` and fails the test when it
// fails.
func (s *stack) mustPreview() *run {
	s.e.t.Helper()
	r, err := s.preview()
	if err != nil {
		s.e.t.Fatalf("pulumi preview failed: %v", err)
	}
	return r
}

// destroy runs `pulumi destroy`.
func (s *stack) destroy() (*run, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	ch := make(chan events.EngineEvent)
	wait := collect(ch)
	res, err := s.s.Destroy(ctx, optdestroy.EventStreams(ch))
	r := &run{stdout: res.StdOut, stderr: res.StdErr, events: wait(), changes: map[string]int{}}
	return r, err
}

// export returns `pulumi stack export` as a user runs it, secrets as
// stored (the Automation API's Export adds --show-secrets).
func (s *stack) export() string {
	s.e.t.Helper()
	cmd := exec.Command(cliPath, "stack", "export", "--stack", s.s.Name())
	cmd.Dir = s.dir
	cmd.Env = os.Environ()
	for k, v := range s.e.vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.Output()
	if err != nil {
		s.e.t.Fatalf("pulumi stack export: %v", err)
	}
	return string(out)
}

// outputs returns the stack outputs' values.
func (s *stack) outputs() map[string]any {
	s.e.t.Helper()
	out, err := s.s.Outputs(context.Background())
	if err != nil {
		s.e.t.Fatalf("reading outputs: %v", err)
	}
	m := map[string]any{}
	for k, v := range out {
		m[k] = v.Value
	}
	return m
}

// steps returns the resource steps of a run by URN name: their operation
// and type.
func (r *run) steps() map[string]apitype.StepEventMetadata {
	out := map[string]apitype.StepEventMetadata{}
	for _, ev := range r.events {
		if ev.ResourcePreEvent != nil {
			m := ev.ResourcePreEvent.Metadata
			out[urnName(m.URN)] = m
		}
	}
	return out
}

// operations returns what the run did to each resource that changed, by
// URN name: "create", "update", "delete", "replace create-first" or
// "replace delete-first", read from the order of its steps. The engine
// runs a delete-first replacement as DeleteReplaced, Replace,
// CreateReplacement, and a create-first one as CreateReplacement, Replace
// and, after every create and update, DeleteReplaced (pkg/v3 v3.274.1
// resource/deploy/step_generator.go:2146-2285).
func (r *run) operations() map[string]string {
	seq := map[string][]apitype.OpType{}
	for _, ev := range r.events {
		if ev.ResourcePreEvent != nil {
			m := ev.ResourcePreEvent.Metadata
			seq[urnName(m.URN)] = append(seq[urnName(m.URN)], m.Op)
		}
	}
	out := map[string]string{}
	for name, ops := range seq {
		switch {
		case slices.Contains(ops, apitype.OpCreateReplacement) || slices.Contains(ops, apitype.OpDeleteReplaced):
			dr := slices.Index(ops, apitype.OpDeleteReplaced)
			cr := slices.Index(ops, apitype.OpCreateReplacement)
			if dr >= 0 && (cr < 0 || dr < cr) {
				out[name] = "replace delete-first"
			} else {
				out[name] = "replace create-first"
			}
		case slices.Contains(ops, apitype.OpUpdate):
			out[name] = "update"
		case slices.Contains(ops, apitype.OpCreate):
			out[name] = "create"
		case slices.Contains(ops, apitype.OpDelete):
			out[name] = "delete"
		}
	}
	return out
}

// changed returns "OP TYPE NAME" for every step that is not "same",
// sorted.
func (r *run) changed() []string {
	var out []string
	for name, m := range r.steps() {
		if m.Op != apitype.OpSame {
			out = append(out, fmt.Sprintf("%s %s %s", m.Op, m.Type, name))
		}
	}
	sort.Strings(out)
	return out
}

// diagnostics returns the engine's diagnostic messages.
func (r *run) diagnostics() []string {
	var out []string
	for _, ev := range r.events {
		if ev.DiagnosticEvent != nil {
			out = append(out, ev.DiagnosticEvent.Severity+": "+ev.DiagnosticEvent.Message)
		}
	}
	return out
}

// failure is what explains a failed run: the engine's error diagnostics
// and the end of the CLI's output.
func (r *run) failure() string {
	var b strings.Builder
	for _, d := range r.diagnostics() {
		if strings.HasPrefix(d, "error") {
			b.WriteString(d)
		}
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	b.WriteString(strings.Join(lines[max(0, len(lines)-15):], "\n"))
	b.WriteString("\n" + r.stderr)
	return b.String()
}

// eventsJSON is every event of the run as JSON.
func (r *run) eventsJSON() string {
	b, err := json.Marshal(r.events)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// urnName is the last component of a URN.
func urnName(urn string) string {
	return urn[strings.LastIndex(urn, "::")+2:]
}

// live returns what remains in the fake cloud (cloud.State.Remaining).
func (e *env) live() []string {
	e.t.Helper()
	s, err := e.cloud.Read()
	if err != nil {
		e.t.Fatal(err)
	}
	return s.Remaining()
}

// state returns the fake cloud's state.
func (e *env) state() *cloud.State {
	e.t.Helper()
	s, err := e.cloud.Read()
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}
