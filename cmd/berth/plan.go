package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/berth-dev/berth/internal/plan"
)

const planUsage = `Usage: berth plan --stack NAME [--dir DIR] [--set PATH=VALUE ...] [--format text|json|mermaid] [--timeout DURATION]

Runs the Pulumi Go program of the project in DIR offline, as 'pulumi
preview' runs it, and prints every resource it would register, with its
provider, dependencies, lifecycle options and inputs, and the stack
outputs. berth compiles the program (once: later plans reuse the binary
until its sources change) and serves it the engine's gRPC services itself,
so no Pulumi CLI, credentials, provider plugins or network are needed.

Values that only the cloud knows (IDs, digests, ARNs with cloud-made IDs,
the AWS account unless aws:allowedAccountIds names it) print as [unknown];
secrets as [secret]. Every top-level key in the project's namespace must be
declared in Pulumi.yaml's config. The program's warnings (ctx.Log.Warn) go
to stderr; what it prints itself is shown only when it fails.

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
  --format text|json|mermaid
                      Optional. Output format. Default: text. json is the
                      document that 'berth diff' compares
                      (docs/plan-format.md); mermaid is a flowchart of
                      components and dependencies in a ` + "```mermaid" + `
                      block, which GitHub renders.
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
	fs := flag.NewFlagSet("berth plan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var (
		stack, format, dir, timeout onceString
		sets                        listFlag
	)
	fs.Var(&stack, "stack", "")
	fs.Var(&sets, "set", "")
	fs.Var(&format, "format", "")
	fs.Var(&dir, "dir", "")
	fs.Var(&timeout, "timeout", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, err := io.WriteString(stdout, planUsage)
			return err
		}
		return usageErrorf("plan", "%s", doubleDash(err.Error()))
	}
	if fs.NArg() > 0 {
		return usageErrorf("plan", "unexpected argument %q: berth plan takes only flags", fs.Arg(0))
	}
	if stack.value == "" {
		return usageErrorf("plan", "--stack is required: the stack whose Pulumi.NAME.yaml to plan")
	}
	write, err := pickFormat("plan", format.value,
		outputFormat[*plan.Plan]{"text", (*plan.Plan).WriteText},
		outputFormat[*plan.Plan]{"json", (*plan.Plan).WriteJSON},
		outputFormat[*plan.Plan]{"mermaid", (*plan.Plan).WriteMermaid})
	if err != nil {
		return err
	}
	runOpts := plan.RunOptions{}
	if timeout.set {
		d, err := time.ParseDuration(timeout.value)
		if err != nil || d <= 0 {
			return usageErrorf("plan", "--timeout %q: must be a positive duration such as 90s or 5m", timeout.value)
		}
		runOpts.Timeout = d
	}
	if isTerminal(stderr) {
		runOpts.Progress = stderr
	}
	opts := plan.LoadOptions{Dir: dir.value, Stack: stack.value}
	for _, s := range sets {
		o, err := plan.ParseOverride(s)
		if err != nil {
			return usageErrorf("plan", "--set %v", err)
		}
		opts.Overrides = append(opts.Overrides, o)
	}
	phrase, source, err := passphrase()
	if err != nil {
		return err
	}
	opts.Passphrase = phrase

	cfg, err := plan.LoadConfig(opts)
	var ce *plan.ConfigError
	switch {
	case errors.Is(err, plan.ErrStackNotFound):
		return usageErrorf("plan", "--stack %q: %v", stack.value, err)
	case errors.Is(err, workspace.ErrProjectNotFound):
		return usageErrorf("plan", "no Pulumi.yaml in or above %s; run inside the project or pass --dir", orCwd(dir.value))
	case errors.Is(err, plan.ErrIncorrectPassphrase):
		return fmt.Errorf("%w (from %s)", err, source)
	case errors.As(err, &ce):
		return &problemsError{fmt.Errorf("invalid configuration of stack %q:\n  %s", stack.value, strings.Join(ce.Problems, "\n  "))}
	case err != nil:
		return err
	}

	res, err := plan.Run(ctx, cfg, runOpts)
	var pe *plan.ProgramError
	var be *plan.BuildError
	switch {
	case errors.As(err, &pe), errors.As(err, &be):
		return &problemsError{err}
	case err != nil:
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	var buf bytes.Buffer
	if err := write(res.Plan, &buf); err != nil {
		return err
	}
	_, err = stdout.Write(buf.Bytes())
	return err
}

// passphrase reads the passphrase of the passphrase secrets provider from
// the environment as the Pulumi CLI does: PULUMI_CONFIG_PASSPHRASE when set
// (even empty), else the contents of PULUMI_CONFIG_PASSPHRASE_FILE. It
// returns nil when neither is set, and where the passphrase came from.
func passphrase() (*string, string, error) {
	if p, ok := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE"); ok {
		return &p, "PULUMI_CONFIG_PASSPHRASE", nil
	}
	if f := os.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE"); f != "" {
		b, err := os.ReadFile(f)
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
