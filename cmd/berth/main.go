// Command berth previews berth's infrastructure offline.
//
//	berth plan --stack dev                 what the dev stack would create
//	berth plan --stack prod --format json  the same as JSON, for berth diff
//	berth plan --stack dev --format mermaid  a Mermaid graph of it
//	berth cost --stack prod                what the prod stack costs a month
//	berth diff base.json head.json         what changes between two plans
//
// Run `berth <command> -h` for a command's flags. Exit status: 0 on success,
// 1 when the configuration or the program is wrong (problems on stderr, one
// per line), 2 on a usage error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `Usage: berth <command> [flags]

Previews berth's infrastructure offline: no credentials, provider plugins or
network needed.

Commands:
  plan    run the infra program against a mock engine and print what it
          would create
  cost    estimate what a stack costs a month, from berth's price table
  diff    compare two plans and flag the changes that deserve a careful
          look, with the change in the monthly cost

Run 'berth <command> -h' for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err))
}

// run runs the command that args name. It prints errors to stderr itself
// and returns them for their exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return report(stderr, usageErrorf("", "missing command"))
	}
	var err error
	switch args[0] {
	case "plan":
		err = runPlan(ctx, args[1:], stdout)
	case "cost":
		err = runCost(ctx, args[1:], stdout)
	case "diff":
		err = runDiff(ctx, args[1:], stdout)
	case "-h", "-help", "--help", "help":
		_, err = io.WriteString(stdout, usage)
	default:
		err = usageErrorf("", "unknown command %q (commands: plan, cost, diff)", args[0])
	}
	return report(stderr, err)
}

// usageError is a mistake in the command line. It exits with status 2.
type usageError struct {
	command string // the subcommand, for the help hint; empty for berth itself
	msg     string
}

func (e *usageError) Error() string { return e.msg }

func usageErrorf(command, format string, args ...any) error {
	return &usageError{command: command, msg: fmt.Sprintf(format, args...)}
}

// problemsError holds lines that are printed as they are: configuration
// problems and the program's own validation errors.
type problemsError struct{ err error }

func (e *problemsError) Error() string { return e.err.Error() }
func (e *problemsError) Unwrap() error { return e.err }

// report prints err to stderr: usage errors with a help hint, problems
// as they are, anything else prefixed with "berth: ". It returns err.
func report(stderr io.Writer, err error) error {
	if err == nil {
		return nil
	}
	var ue *usageError
	var pe *problemsError
	switch {
	case errors.As(err, &ue):
		cmd := "berth"
		if ue.command != "" {
			cmd += " " + ue.command
		}
		fmt.Fprintf(stderr, "%s: %s\nRun '%s -h' for usage.\n", cmd, ue.msg, cmd)
	case errors.As(err, &pe):
		fmt.Fprintln(stderr, pe.Error())
	default:
		fmt.Fprintf(stderr, "berth: %v\n", err)
	}
	return err
}

// exitCode maps run's error to the process exit status.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	default:
		return 1
	}
}

// outputFormat is one value of a command's --format flag and its writer.
type outputFormat[T any] struct {
	name  string
	write func(T, io.Writer) error
}

// pickFormat returns the writer that --format value names; "" means the
// first format. An unknown value is a usage error listing the formats.
func pickFormat[T any](command, value string, formats ...outputFormat[T]) (func(T, io.Writer) error, error) {
	if value == "" {
		return formats[0].write, nil
	}
	names := make([]string, len(formats))
	for i, f := range formats {
		if f.name == value {
			return f.write, nil
		}
		names[i] = f.name
	}
	allowed := strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	return nil, usageErrorf(command, "--format %q: must be %s", value, allowed)
}
