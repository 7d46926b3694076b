package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/berth-dev/berth/internal/cost"
	"github.com/berth-dev/berth/internal/fileread"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/planengine"
	"github.com/berth-dev/berth/internal/stackconfig"
	"github.com/berth-dev/berth/internal/stackrefs"
)

const planUsage = `Usage: berth plan --stack NAME [--dir DIR] [--set PATH=VALUE ...] [--stack-outputs NAME=FILE ...] [--format text|json|mermaid] [--timeout DURATION]

Runs the Pulumi Go program of the project in DIR offline, as 'pulumi
preview' runs it, and prints every resource it would register, with its
provider, dependencies, lifecycle options and inputs, and the stack
outputs. berth compiles the program (once: later plans reuse the binary
until its sources change) and serves it the engine's gRPC services itself,
so no Pulumi CLI, credentials, provider plugins or network are needed.

Values that only the cloud knows (IDs, digests, ARNs with cloud-made IDs,
the AWS account unless aws:allowedAccountIds names it) print as [unknown];
secrets as [secret]. When Pulumi.yaml declares config of the project's
namespace, every top-level key of that namespace must be declared there,
so that a typo fails instead of being dropped. The program's warnings
(ctx.Log.Warn) go to stderr; what it prints itself is shown only when it
fails.

Flags:
  --stack NAME        The stack to plan; its settings come from Pulumi.yaml
                      and Pulumi.NAME.yaml. Required.
  --dir DIR           Optional. Where to look for Pulumi.yaml, searching
                      upwards. Default: the current directory.
  --set PATH=VALUE    Optional, repeatable. Overrides one setting by config
                      path, as 'pulumi config set --path' does, without
                      writing the stack file: service.memory=2Gi,
                      service.secrets[0].version=4, aws:region=eu-west-1.
                      PATH without a namespace means the project's. VALUE
                      is typed as there: true and false are booleans, 4
                      and -4 are integers, [] ["a","b"] and {a: 1} are
                      lists and objects (YAML or JSON), anything else (0.5,
                      010, a #b, empty) is the string as written.
  --stack-outputs NAME=FILE
                      Optional, repeatable. The outputs of a stack the
                      program references (pulumi.NewStackReference with
                      NAME, such as acme/network/prod): FILE is what
                      'pulumi stack output --json --stack NAME' prints.
                      Make it without --show-secrets: a secret output,
                      printed as "[secret]", stays a secret the plan
                      cannot see. Default: the outputs are read from the
                      stack's state when the project's backend is a local
                      file backend (PULUMI_BACKEND_URL, Pulumi.yaml's
                      backend.url or 'pulumi login --local'), secrets
                      left unread; from any other backend they are
                      [unknown].
  --format text|json|mermaid
                      Optional. Output format. Default: text. json is the
                      document that 'berth diff' compares
                      (docs/plan-format.md), with the monthly cost
                      estimate of 'berth cost' in its "cost" field;
                      mermaid is a flowchart of components and
                      dependencies in a ` + "```mermaid" + ` block, which
                      GitHub renders.
  --timeout DURATION  Optional. How long the program may run, not counting
                      its compilation. Default: 2m.

Environment:
  PULUMI_CONFIG_PASSPHRASE, PULUMI_CONFIG_PASSPHRASE_FILE
                      Decrypt the stack's secure values, as the Pulumi CLI
                      does; they still print as [secret]. Without either,
                      the program sees the string "[secret]" in their place.
                      The program never sees these variables.
  BERTH_CACHE_DIR     Where compiled programs are kept. Default: berth/ in
                      the user's cache directory (~/.cache/berth on Linux).

Exit status: 0 with the plan on stdout; 1 when the configuration or the
program is wrong (a problem per line, or what the program did: a compile
error, an error it returned, a panic, the timeout, a resource registered
twice, a function berth cannot answer offline), with nothing on stdout;
2 on a usage error.
`

// runPlan implements `berth plan`. It writes to stdout only on success.
func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, help, err := parseStackFlags("plan", "plan", args)
	if err != nil || help {
		return writeHelp(help, err, stdout, planUsage)
	}
	write, err := pickFormat("plan", f.format.value,
		outputFormat[*plan.Plan]{"text", (*plan.Plan).WriteText},
		outputFormat[*plan.Plan]{"json", (*plan.Plan).WriteJSON},
		outputFormat[*plan.Plan]{"mermaid", (*plan.Plan).WriteMermaid})
	if err != nil {
		return err
	}
	p, _, err := f.planStack(ctx, stderr)
	if err != nil {
		return err
	}
	return writeOut(write, p, stdout)
}

// stackFlags are the flags of the commands that plan a stack, berth plan
// and berth cost: --stack, --set, --format, --dir and --timeout.
type stackFlags struct {
	command                     string
	stack, format, dir, timeout onceString
	sets, stackOutputs          listFlag
	// cfg is the configuration planStack planned with.
	cfg *stackconfig.Config
}

// parseStackFlags parses a stack command's flags; purpose ends the
// message of a missing --stack ("the stack whose Pulumi.NAME.yaml to
// plan"). help is true for -h, with nothing else to do.
func parseStackFlags(command, purpose string, args []string) (f *stackFlags, help bool, err error) {
	f = &stackFlags{command: command}
	fs := flag.NewFlagSet("berth "+command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.Var(&f.stack, "stack", "")
	fs.Var(&f.sets, "set", "")
	fs.Var(&f.stackOutputs, "stack-outputs", "")
	fs.Var(&f.format, "format", "")
	fs.Var(&f.dir, "dir", "")
	fs.Var(&f.timeout, "timeout", "")
	if help, err := parseOnlyFlags(fs, args, command); help || err != nil {
		return nil, help, err
	}
	if f.stack.value == "" {
		return nil, false, usageErrorf(command, "--stack is required: the stack whose Pulumi.NAME.yaml to %s", purpose)
	}
	return f, false, nil
}

// writeHelp writes usage for -h, or returns err.
func writeHelp(help bool, err error, stdout io.Writer, usage string) error {
	if help {
		_, err = io.WriteString(stdout, usage)
	}
	return err
}

// planStack loads the stack's configuration as the flags give it, runs the
// program offline, printing its warnings to stderr, and estimates the
// plan's monthly cost. The plan carries the estimate in Cost, which its
// JSON form writes so that berth diff can compare the base's and the
// head's; every command estimates, so that bad berth:cost settings fail
// every plan alike. It is the one way berth plan, berth cost and berth
// rollout plan a stack; f.cfg keeps the configuration it planned with.
func (f *stackFlags) planStack(ctx context.Context, stderr io.Writer) (*plan.Plan, *cost.Estimate, error) {
	command, stack, dir := f.command, f.stack.value, f.dir.value
	var runOpts planengine.RunOptions
	if f.timeout.set {
		d, err := time.ParseDuration(f.timeout.value)
		if err != nil || d <= 0 {
			return nil, nil, usageErrorf(command, "--timeout %q: must be a positive duration such as 90s or 5m", f.timeout.value)
		}
		runOpts.Timeout = d
	}
	if isTerminal(stderr) {
		runOpts.Progress = stderr
	}
	files, err := stackrefs.Files(f.stackOutputs)
	if err != nil {
		return nil, nil, usageErrorf(command, "--stack-outputs %v", err)
	}
	opts := stackconfig.LoadOptions{Dir: dir, Stack: stack}
	if opts.Overrides, err = stackconfig.ParseOverrides(f.sets); err != nil {
		return nil, nil, usageErrorf(command, "--set %v", err)
	}
	phrase, source, err := passphrase()
	if err != nil {
		return nil, nil, err
	}
	opts.Passphrase = phrase

	cfg, err := loadConfig(command, opts, source)
	if err != nil {
		return nil, nil, err
	}

	f.cfg = cfg
	runOpts.StackOutputs = stackrefs.First(files, stackrefs.Backend(cfg.BackendURL, dir, cfg.Project))
	res, err := planengine.Run(ctx, cfg, runOpts)
	var pe *planengine.ProgramError
	var be *planengine.BuildError
	switch {
	case errors.As(err, &pe), errors.As(err, &be):
		return nil, nil, &problemsError{err}
	case err != nil:
		return nil, nil, err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	est, err := estimateCost(cfg, res.Plan)
	if err != nil {
		return nil, nil, err
	}
	if res.Plan.Cost, err = cost.Marshal(est); err != nil {
		return nil, nil, err
	}
	return res.Plan, est, nil
}

// loadConfig loads the stack's configuration for command, turning a
// missing stack or project into a usage error and configuration problems
// into lines of their own; source says where opts.Passphrase came from.
func loadConfig(command string, opts stackconfig.LoadOptions, source string) (*stackconfig.Config, error) {
	cfg, err := stackconfig.LoadConfig(opts)
	var ce *stackconfig.ConfigError
	switch {
	case errors.Is(err, stackconfig.ErrStackNotFound):
		return nil, usageErrorf(command, "--stack %q: %v", opts.Stack, err)
	case errors.Is(err, workspace.ErrProjectNotFound):
		return nil, usageErrorf(command, "no Pulumi.yaml in or above %s; run inside the project or pass --dir", orCwd(opts.Dir))
	case errors.Is(err, stackconfig.ErrIncorrectPassphrase):
		return nil, fmt.Errorf("%w (from %s)", err, source)
	case errors.As(err, &ce):
		return nil, &problemsError{fmt.Errorf("invalid configuration of stack %q:\n  %s", opts.Stack, strings.Join(ce.Problems, "\n  "))}
	case err != nil:
		return nil, err
	}
	return cfg, nil
}

// maxPassphraseFile bounds PULUMI_CONFIG_PASSPHRASE_FILE: a passphrase is
// a line of text.
const maxPassphraseFile = 64 << 10

// passphrase reads the passphrase of the passphrase secrets provider from
// the environment as the Pulumi CLI does: PULUMI_CONFIG_PASSPHRASE when set
// (even empty), else the contents of PULUMI_CONFIG_PASSPHRASE_FILE. It
// returns nil when neither is set, and where the passphrase came from.
func passphrase() (*string, string, error) {
	if p, ok := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE"); ok {
		return &p, "PULUMI_CONFIG_PASSPHRASE", nil
	}
	if f := os.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE"); f != "" {
		b, err := fileread.Read(f, maxPassphraseFile)
		if err != nil {
			return nil, "", fmt.Errorf("reading PULUMI_CONFIG_PASSPHRASE_FILE: %w", err)
		}
		p := strings.TrimSpace(string(b))
		return &p, "PULUMI_CONFIG_PASSPHRASE_FILE " + f, nil
	}
	return nil, "", nil
}

func orCwd(dir string) string {
	if dir != "" {
		return dir
	}
	return "the current directory"
}

// isTerminal reports whether w is a terminal, where a note that a slow
// first compilation is under way helps; logs get none.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// parseOnlyFlags parses the flags of a command that takes no arguments:
// help says -h or --help was given; a bad flag or an argument is a usage
// error naming command.
func parseOnlyFlags(fs *flag.FlagSet, args []string, command string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, usageErrorf(command, "%s", doubleDash(err.Error()))
	}
	if fs.NArg() > 0 {
		return false, usageErrorf(command, "unexpected argument %q: berth %s takes only flags", fs.Arg(0), command)
	}
	return false, nil
}
