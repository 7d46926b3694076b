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

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/berth-dev/berth/internal/cost"
	"github.com/berth-dev/berth/internal/plan"
)

const planUsage = `Usage: berth plan --stack NAME [--set PATH=VALUE ...] [--format text|json|mermaid] [--dir DIR]

Runs the infra program offline against a recording mock engine and prints
every resource it would register, with its inputs, and the stack outputs.
Values that only the cloud knows appear as placeholders such as
${api-svc.uri}; secrets appear as [secret].

Flags:
  --stack NAME        The stack to plan; its settings come from Pulumi.yaml
                      and Pulumi.NAME.yaml. Required.
  --set PATH=VALUE    Optional, repeatable. Overrides one setting by config
                      path, as 'pulumi config set --path' does, without
                      writing the stack file: service.memory=2Gi,
                      service.secrets[0].version=4, service.env.LOG_LEVEL=debug.
                      PATH without a namespace means berth:; use gcp:region=...
                      for others. VALUE is typed as there: true and false
                      are booleans, 4 and -4 are integers, [] ["a","b"] and
                      {a: 1} are lists and objects (YAML or JSON), anything
                      else (0.5, 010, a #b, empty) is the string as written.
  --format text|json|mermaid
                      Optional. Output format. Default: text. json is the
                      document that 'berth diff' compares, with the
                      monthly cost estimate of 'berth cost' in its "cost"
                      field; mermaid is a
                      flowchart of components and dependencies in a
                      ` + "```mermaid" + ` block, which GitHub renders.
  --dir DIR           Optional. Where to look for Pulumi.yaml, searching
                      upwards. Default: the current directory.

Environment:
  PULUMI_CONFIG_PASSPHRASE, PULUMI_CONFIG_PASSPHRASE_FILE
                      Decrypt the stack's secure values, as the Pulumi CLI
                      does; they still print as [secret]. Without either,
                      the program sees the string "[secret]" in their place.

Exit status: 0 with the plan on stdout; 1 when the configuration or the
program is wrong, with every problem on stderr, one per line; 2 on a usage
error.
`

// deploy is the program that berth plan runs; tests replace it.
var deploy plan.Program = infraProgram

// runPlan implements `berth plan`. It writes to stdout only on success.
func runPlan(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("berth plan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var (
		stack, format, dir onceString
		sets               listFlag
	)
	fs.Var(&stack, "stack", "")
	fs.Var(&sets, "set", "")
	fs.Var(&format, "format", "")
	fs.Var(&dir, "dir", "")
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
	cfg, p, err := planStack(ctx, "plan", stack.value, dir.value, sets)
	if err != nil {
		return err
	}
	// The plan carries the cost estimate, which the JSON form writes, so
	// that berth diff can compare the base's and the head's. Every format
	// estimates, so that bad berth:cost settings fail every plan alike.
	est, err := estimateCost(cfg, p)
	if err != nil {
		return err
	}
	if p.Cost, err = cost.Marshal(est); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := write(p, &buf); err != nil {
		return err
	}
	_, err = stdout.Write(buf.Bytes())
	return err
}

// planStack loads the stack's configuration as --stack, --dir and --set
// give it and runs the program against the mock engine. command names the
// subcommand in usage errors.
func planStack(ctx context.Context, command, stack, dir string, sets []string) (*plan.Config, *plan.Plan, error) {
	opts := plan.LoadOptions{Dir: dir, Stack: stack}
	for _, s := range sets {
		o, err := plan.ParseOverride(s)
		if err != nil {
			return nil, nil, usageErrorf(command, "--set %v", err)
		}
		opts.Overrides = append(opts.Overrides, o)
	}
	phrase, source, err := passphrase()
	if err != nil {
		return nil, nil, err
	}
	opts.Passphrase = phrase

	cfg, err := plan.LoadConfig(opts)
	var ce *plan.ConfigError
	switch {
	case errors.Is(err, plan.ErrStackNotFound):
		return nil, nil, usageErrorf(command, "--stack %q: %v", stack, err)
	case errors.Is(err, workspace.ErrProjectNotFound):
		return nil, nil, usageErrorf(command, "no Pulumi.yaml in or above %s; run inside the project or pass --dir", orCwd(dir))
	case errors.Is(err, plan.ErrIncorrectPassphrase):
		return nil, nil, fmt.Errorf("%w (from %s)", err, source)
	case errors.As(err, &ce):
		return nil, nil, &problemsError{err}
	case err != nil:
		return nil, nil, err
	}

	p, err := plan.Run(ctx, cfg, deploy)
	var pe *plan.ProgramError
	switch {
	case errors.As(err, &pe):
		return nil, nil, &problemsError{pe}
	case err != nil:
		return nil, nil, err
	}
	return cfg, p, nil
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

// doubleDash rewrites the flag package's messages, which name flags with one
// dash ("flag needs an argument: -stack"), to the two-dash form the usage
// text shows.
func doubleDash(msg string) string {
	for _, prefix := range []string{"flag needs an argument: -", "flag provided but not defined: -", "for flag -"} {
		if i := strings.Index(msg, prefix); i >= 0 && !strings.HasPrefix(msg[i+len(prefix):], "-") {
			return msg[:i+len(prefix)] + "-" + msg[i+len(prefix):]
		}
	}
	return msg
}

// onceString is a string flag that may be given once.
type onceString struct {
	value string
	set   bool
}

func (o *onceString) String() string { return o.value }

func (o *onceString) Set(v string) error {
	if o.set {
		return fmt.Errorf("given twice (%q and %q)", o.value, v)
	}
	o.value, o.set = v, true
	return nil
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, " ") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}
