// Command berth previews a Pulumi Go project offline: it runs the
// project's program against an engine of its own, with no credentials,
// provider plugins or network, and compares two such plans.
//
//	berth plan --stack dev                       what the dev stack would register
//	berth plan --stack prod --dir ../shop        the same for another project
//	berth plan --stack prod --format json        as JSON, for berth diff
//	berth plan --stack dev --format mermaid      a Mermaid graph of it
//	berth cost --stack prod                      what the prod stack costs a month
//	berth diff base.json head.json               what changes between two plans
//	berth diff base.json head.json --fail-on iam,exposure
//	berth rollout status --stack prod             promote, wait or abort the canary
//	berth rollout promote --stack prod            write the canary as the stable release
//	berth version
//
// Run `berth <command> -h` for a command's flags and exit codes. Exit
// status: 0 on success, 1 when the configuration, the program or an input
// file is wrong (problems on stderr, one per line), 2 on a usage error, 3
// when `berth diff --fail-on` finds a chosen flag or `berth rollout` says
// wait, 4 when it says abort, 130 on Ctrl-C (SIGINT) and 143 on SIGTERM,
// at any point.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/berth-dev/berth/internal/safetext"
)

const usage = `Usage: berth <command> [flags]

berth previews a Pulumi Go project offline: it runs the project's program
against an engine of its own, with no credentials, provider plugins or
network, and compares two such plans, flagging the changes that deserve a
careful look.

Commands:
  plan      run the project's program and print what it would register
  cost      estimate what a stack costs a month, from berth's price table
  diff      compare two plans and flag risky changes, with the change in the
            monthly cost
  rollout   judge a canary (status) and write the change that promotes or
            aborts it
  version   print berth's version

Run 'berth <command> -h' for a command's flags and exit codes.
`

func main() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- exitCode(run(ctx, os.Args[1:], os.Stdout, os.Stderr)) }()
	var sig os.Signal
	select {
	case code := <-done:
		os.Exit(code)
	case sig = <-sigs:
	}
	// Ctrl-C or SIGTERM: the command stops what it started (the
	// program's processes), then berth exits, whatever it was doing
	// (reading stdin, diffing); a second signal ends it at once.
	cancel()
	signal.Stop(sigs)
	select {
	case <-done:
	case <-time.After(interruptGrace):
	}
	fmt.Fprintf(os.Stderr, "berth: stopped by %s\n", sigName(sig))
	os.Exit(128 + int(sig.(syscall.Signal)))
}

// interruptGrace is how long a signalled command has to stop the program
// it runs before berth exits.
const interruptGrace = 3 * time.Second

// sigName names the signals berth stops on.
func sigName(sig os.Signal) string {
	if sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT (Ctrl-C)"
}

// run runs the command that args name. It prints errors to stderr itself
// and returns them for their exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// Names and values come from programs, plans and files: nothing in
	// them reaches a terminal as a control sequence.
	out, errOut := safetext.NewWriter(stdout), safetext.NewWriter(stderr)
	defer errOut.Flush()
	defer out.Flush()
	stdout, stderr = out, errOut
	if len(args) == 0 {
		_, err := io.WriteString(stdout, usage)
		return err
	}
	var err error
	switch args[0] {
	case "plan":
		err = runPlan(ctx, args[1:], stdout, stderr)
	case "cost":
		err = runCost(ctx, args[1:], stdout, stderr)
	case "diff":
		err = runDiff(ctx, args[1:], stdout)
	case "rollout":
		err = runRollout(ctx, args[1:], stdout, stderr)
	case "version":
		err = runVersion(args[1:], stdout)
	case "-h", "-help", "--help", "help":
		_, err = io.WriteString(stdout, usage)
	default:
		err = usageErrorf("", "unknown command %q (commands: plan, cost, diff, rollout, version)", args[0])
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
// problems and a program's own failure.
type problemsError struct{ err error }

func (e *problemsError) Error() string { return e.err.Error() }
func (e *problemsError) Unwrap() error { return e.err }

// flaggedError is a diff that raised a flag --fail-on names. The diff has
// been printed; the error exits with status 3.
type flaggedError struct{ msg string }

func (e *flaggedError) Error() string { return e.msg }

// report prints err to stderr: usage errors with a help hint, problems
// as they are, anything else prefixed with "berth: ". It returns err.
func report(stderr io.Writer, err error) error {
	if err == nil {
		return nil
	}
	var ue *usageError
	var pe *problemsError
	var ve *verdictError
	switch {
	case errors.As(err, &ve):
		if ve.msg != "" {
			fmt.Fprintf(stderr, "berth: %s\n", ve.msg)
		}
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
	var fe *flaggedError
	var ve *verdictError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ve):
		return ve.exitStatus()
	case errors.As(err, &ue):
		return 2
	case errors.As(err, &fe):
		return 3
	default:
		return 1
	}
}
