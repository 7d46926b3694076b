package planengine

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/constant"

	"github.com/berth-dev/berth/internal/monitor"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
	"github.com/berth-dev/berth/internal/stackconfig"
	"github.com/berth-dev/berth/internal/stackrefs"
)

// DefaultTimeout is how long a program may run before Run stops it. An
// offline plan waits on nothing: berth's own stacks finish in well under a
// second, so two minutes means the program is stuck.
const DefaultTimeout = 2 * time.Minute

// RunOptions tune Run.
type RunOptions struct {
	// Timeout bounds the program's run, not its compilation. Default:
	// DefaultTimeout.
	Timeout time.Duration
	// CacheDir holds compiled programs. Default: DefaultCacheDir().
	CacheDir string
	// Progress, when not nil, hears that a program is being compiled.
	// Default: nil, silent.
	Progress io.Writer
	// StackOutputs returns the known outputs of a stack the program
	// references (pulumi.NewStackReference), by the name it gives. Default:
	// nil, every referenced output is unknown.
	StackOutputs stackrefs.Lookup
}

// Result is a plan and what the program said while it ran.
type Result struct {
	// Plan is what the program registered.
	Plan *plan.Plan
	// Warnings are the program's warnings (ctx.Log.Warn, the SDK's own),
	// secrets redacted.
	Warnings []string
	// Compiled says whether the program had to be compiled; false when
	// its binary came from the cache or from runtime.options.binary.
	Compiled bool
}

// ProgramError is a program that ran and failed: it returned an error (a
// configuration problem, say), panicked, was stopped by the timeout,
// exited with another status, or asked the engine for something it
// refused (a resource registered twice, an invoke berth cannot answer).
type ProgramError struct {
	// Project and Stack name what was planned.
	Project, Stack string
	// What says what happened, such as "the program failed".
	What string
	// Detail is the program's own message or the engine's reason, one or
	// more lines, secrets redacted; it may be empty.
	Detail string
}

// Error names the project and says what happened, then the detail.
func (e *ProgramError) Error() string {
	s := fmt.Sprintf("project %q, stack %q: %s", e.Project, e.Stack, e.What)
	if e.Detail != "" {
		s += ":\n" + e.Detail
	}
	return s
}

// Run builds the program of cfg's project (or takes its prebuilt binary),
// runs it as `pulumi preview` runs a Go program, against an engine of its
// own, and returns what it registered.
//
// The program runs in cfg.ProgramDirectory, the directory Pulumi.yaml's
// `main` names, with the environment the Pulumi Go language host gives a
// program (PULUMI_MONITOR, PULUMI_ENGINE, PULUMI_PROJECT, PULUMI_STACK,
// PULUMI_ORGANIZATION, PULUMI_ROOT_DIRECTORY, PULUMI_CONFIG,
// PULUMI_CONFIG_SECRET_KEYS, PULUMI_DRY_RUN=true, PULUMI_PARALLEL) and
// without any other PULUMI_ variable of berth's own environment, such as
// the passphrase. The engine answers every resource with the outputs the
// provider model computes (package answers), and what only the cloud knows
// is unknown; ctx.DryRun() is true, as in a preview.
//
// A program that does not compile is a *BuildError; one that fails, hangs
// past opts.Timeout or is refused by the engine is a *ProgramError.
func Run(ctx context.Context, cfg *stackconfig.Config, opts RunOptions) (*Result, error) {
	holes := providers.NewPlaceholders()
	red := newRedactor(cfg.Secrets(), holes)
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.CacheDir == "" {
		dir, err := DefaultCacheDir()
		if err != nil {
			return nil, err
		}
		opts.CacheDir = dir
	}
	bin, compiled := cfg.Binary, false
	if bin == "" {
		var err error
		bin, compiled, err = buildProgram(ctx, cfg.Project, cfg.ProgramDirectory, opts.CacheDir, opts.Progress)
		if err != nil {
			return nil, err
		}
	}

	mon := monitor.New(monitor.Options{
		Project: cfg.Project, Stack: cfg.Stack, Config: cfg.Values,
		Dir: cfg.ProgramDirectory, DryRun: true,
		StackOutputs: opts.StackOutputs,
		// What the cloud invents is a placeholder, so that every value
		// built from it shows its known parts; red marks each one.
		IDs: holes.For,
	})
	addr, stop, err := mon.Serve()
	if err != nil {
		return nil, err
	}
	defer stop()

	env, err := programEnv(cfg, addr)
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, bin)
	cmd.Dir = cfg.ProgramDirectory
	cmd.Env = env
	output := &tail{limit: 64 << 10}
	cmd.Stdout, cmd.Stderr = output, output
	ownGroup(cmd)
	// How long to wait, after the program exits or is stopped, for what
	// it started to release its output; then the output is closed.
	cmd.WaitDelay = 2 * time.Second
	runErr := cmd.Run()
	// Processes the program left behind are stopped with it.
	if err := killGroup(cmd); err != nil && runErr == nil {
		runErr = err
	}
	if errors.Is(runErr, exec.ErrWaitDelay) && cmd.ProcessState != nil && cmd.ProcessState.Success() {
		// The program itself finished; only what it left running
		// held its output open.
		runErr = nil
	}

	fail := func(what, detail string) (*Result, error) {
		return nil, &ProgramError{Project: cfg.Project, Stack: cfg.Stack, What: red.text(what), Detail: red.text(strings.TrimRight(detail, "\n"))}
	}
	rec := mon.Result()
	problems, logErrors, connected := rec.Problems, rec.LogErrors, rec.Connected

	switch {
	case runCtx.Err() == context.DeadlineExceeded:
		return fail(fmt.Sprintf("the program did not finish within %s and was stopped (raise --timeout if it needs longer)", opts.Timeout), output.String())
	case ctx.Err() != nil:
		return nil, fmt.Errorf("running the program: %w", ctx.Err())
	}
	var exit *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		return fail("the program could not be started", runErr.Error())
	}
	if len(problems) > 0 {
		// What the engine refused is why the program failed, whatever it
		// made of the error.
		return fail(problemSummary(problems), strings.Join(problems, "\n"))
	}
	if exit != nil {
		code := exit.ExitCode()
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return fail("the program was killed by "+ws.Signal().String(), output.String())
		}
		if msg, ok := panicMessage(output.String()); ok {
			return fail("the program panicked", msg)
		}
		if code == constant.ExitStatusLoggedError && len(logErrors) > 0 {
			msg := programMessage(logErrors)
			return fail("the program failed", msg)
		}
		return fail(fmt.Sprintf("the program exited with status %d", code), output.String())
	}
	if !connected {
		return fail("the program exited without connecting to the engine; does its main call pulumi.Run?", output.String())
	}
	if !finished(rec, bin) {
		return fail(fmt.Sprintf("the program exited with status 0 before its run finished, after registering %d of its resources: a plan of part of a program is not its plan (does it call os.Exit?)", len(rec.Resources)), output.String())
	}

	deriveRevisions(rec, holes)
	p := assemble(cfg, rec, red)
	res := &Result{Plan: p, Compiled: compiled}
	for _, w := range rec.Warnings {
		res.Warnings = append(res.Warnings, red.text(w))
	}
	return res, nil
}

// programEnv is the program's environment: berth's own minus its PULUMI_
// variables, plus what the Go language host sets
// (pulumi-language-go constructEnv).
func programEnv(cfg *stackconfig.Config, addr string) ([]string, error) {
	config, err := json.Marshal(cfg.Values)
	if err != nil {
		return nil, fmt.Errorf("passing the configuration: %w", err)
	}
	keys := cfg.SecretKeys
	if keys == nil {
		keys = []string{}
	}
	secretKeys, err := json.Marshal(keys)
	if err != nil {
		return nil, fmt.Errorf("passing the configuration: %w", err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PULUMI_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"PULUMI_MONITOR="+addr,
		"PULUMI_ENGINE="+addr,
		"PULUMI_PROJECT="+cfg.Project,
		"PULUMI_STACK="+cfg.Stack,
		"PULUMI_ORGANIZATION="+monitor.Organization,
		"PULUMI_ROOT_DIRECTORY="+cfg.RootDirectory,
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
		"PULUMI_DRY_RUN=true",
		// The CLI's default parallelism (pkg/cmd/pulumi/operations
		// defaultParallel).
		"PULUMI_PARALLEL="+strconv.Itoa(runtime.GOMAXPROCS(0)*4),
	), nil
}

// problemSummary says in one line what the engine refused.
func problemSummary(problems []string) string {
	first := problems[0]
	switch {
	case strings.HasPrefix(first, "Duplicate resource URN"):
		return "the program registers a resource twice"
	case strings.HasPrefix(first, "the program invoked"):
		return "the program calls a function berth plan cannot answer offline"
	case strings.Contains(first, "has a problem:"):
		return "a provider would reject the program's inputs"
	}
	return "the engine refused the program"
}

// programMessage recovers the program's error from what the SDK logged:
// "an unhandled error occurred: program failed: \n" and, for more than one
// error, hashicorp/go-multierror's list.
func programMessage(logged []string) string {
	msgs := make([]string, 0, len(logged))
	for _, m := range logged {
		m = strings.TrimPrefix(m, "an unhandled error occurred: program failed: \n")
		m = strings.TrimPrefix(m, "an unhandled error occurred: ")
		msgs = append(msgs, unlist(m))
	}
	return strings.Join(msgs, "\n")
}

// unlist turns go-multierror's "1 error occurred:\n\t* MSG\n\n" into the
// messages, one after another.
func unlist(m string) string {
	head, body, ok := strings.Cut(m, " occurred:\n")
	if !ok || !strings.HasSuffix(head, "error") && !strings.HasSuffix(head, "errors") {
		return strings.TrimRight(m, "\n")
	}
	var out []string
	for _, item := range strings.Split(strings.TrimRight(body, "\n"), "\n\t* ") {
		out = append(out, strings.TrimPrefix(item, "\t* "))
	}
	return strings.Join(out, "\n")
}

// panicMessage finds a Go panic in the program's output and returns it
// with the first frames of the panicking goroutine.
func panicMessage(out string) (string, bool) {
	i := strings.Index(out, "panic: ")
	if i < 0 {
		i = strings.Index(out, "fatal error: ")
	}
	if i < 0 {
		return "", false
	}
	lines := strings.Split(out[i:], "\n")
	if len(lines) > 16 {
		lines = append(lines[:16], "...")
	}
	return strings.Join(lines, "\n"), true
}

// assemble builds the plan from what the engine recorded.
func assemble(cfg *stackconfig.Config, rec monitor.Run, red redactor) *plan.Plan {
	p := &plan.Plan{Project: cfg.Project, Stack: cfg.Stack, Outputs: map[string]any{}}
	for k, v := range rec.Outputs {
		p.Outputs[red.text(string(k))] = red.property(v)
	}
	for _, r := range order(rec.Resources, rec.StackURN) {
		parent := r.Parent
		if parent == rec.StackURN {
			parent = ""
		}
		deps := []string{}
		for _, d := range r.Dependencies {
			if d != rec.StackURN {
				deps = append(deps, red.urn(d))
			}
		}
		o := r.Options
		o.DeletedWith = redURN(red, o.DeletedWith)
		o.ReplaceWith = redURNs(red, o.ReplaceWith)
		o.Aliases = redURNs(red, o.Aliases)
		o.IgnoreChanges = redTexts(red, o.IgnoreChanges)
		o.ReplaceOnChanges = redTexts(red, o.ReplaceOnChanges)
		o.Import = red.name(o.Import)
		// A name built from a secure value (config.Get returns it in the
		// clear) would otherwise print it in the name, URN, parent and
		// dependencies of every resource derived from it.
		var inputDeps map[string][]string
		for k, urns := range r.InputDependencies {
			var kept []string
			for _, u := range urns {
				if u != rec.StackURN {
					kept = append(kept, red.urn(u))
				}
			}
			if len(kept) > 0 {
				if inputDeps == nil {
					inputDeps = map[string][]string{}
				}
				inputDeps[red.text(k)] = kept
			}
		}
		res := plan.Resource{
			InputDependencies: inputDeps,
			URN:               red.urn(r.URN),
			Type:              r.Type,
			Name:              red.name(r.Name),
			Custom:            r.Custom,
			Read:              r.Read,
			Parent:            redURN(red, parent),
			Provider:          redURN(red, r.Provider),
			DependsOn:         deps,
			Options:           o,
			Inputs:            red.properties(r.Inputs),
		}
		if r.Read {
			res.ID = red.name(r.ID)
		}
		p.Resources = append(p.Resources, res)
	}
	n := p.Normalized()
	return &n
}

func redURN(red redactor, u string) string {
	if u == "" {
		return ""
	}
	return red.urn(u)
}

func redURNs(red redactor, us []string) []string {
	if len(us) == 0 {
		return nil
	}
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = red.urn(u)
	}
	return out
}

func redTexts(red redactor, ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = red.text(s)
	}
	return out
}

// tail keeps the last limit bytes written to it.
type tail struct {
	limit int
	buf   bytes.Buffer
	cut   bool
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if over := t.buf.Len() - t.limit; over > 0 {
		t.buf.Next(over)
		t.cut = true
	}
	return len(p), nil
}

func (t *tail) String() string {
	if t.cut {
		return "...\n" + t.buf.String()
	}
	return t.buf.String()
}

// shutdownSince is the first Go SDK that signals the end of its run to
// the engine (see monitor.Run.Shutdown).
var shutdownSince = semver.MustParse("3.182.0")

// finished reports whether the program ran to its end: it signalled
// shutdown when its Go SDK does, else it registered the stack's outputs.
// A program that exits 0 midway (os.Exit in a callback, say) did neither;
// the engine would take what it registered as the whole program and
// delete the rest.
func finished(rec monitor.Run, bin string) bool {
	v, known := sdkVersion(bin)
	return finishedWith(rec, v, known)
}

// finishedWith is finished for a program built with the Go SDK at v
// (known false when that is not known).
func finishedWith(rec monitor.Run, v semver.Version, known bool) bool {
	if rec.Shutdown {
		return true
	}
	if known && v.GTE(shutdownSince) {
		return false
	}
	return rec.StackDone
}

// sdkVersion is the version of the Pulumi Go SDK that bin was built with,
// from the module information Go records in every binary; false when bin
// has none or a replaced SDK without a version.
func sdkVersion(bin string) (semver.Version, bool) {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return semver.Version{}, false
	}
	for _, d := range info.Deps {
		if d.Path != "github.com/pulumi/pulumi/sdk/v3" {
			continue
		}
		if d.Replace != nil {
			d = d.Replace
		}
		v, err := semver.ParseTolerant(d.Version)
		return v, err == nil
	}
	return semver.Version{}, false
}
