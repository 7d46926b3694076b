package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/rollout"
	"github.com/berth-dev/berth/internal/stackconfig"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

const rolloutUsage = `Usage: berth rollout status|promote|abort --stack NAME [flags]

Judges a canary and writes the change that ends it. A service with
rollout.canary serves two releases: the stable one its settings name
(rollout.canary.stable) and the canary, its newest release, at
rollout.canary.percent of requests (docs/rollouts.md).

Commands:
  status    Read the canary's and the stable release's requests and 5xx
            answers since the canary started serving, and say promote,
            wait or abort. Read-only; needs the cloud's credentials.
  promote   Write the canary's release into rollout.canary.stable (and
            remove rollout.canary.abort) in Pulumi.NAME.yaml, when the
            verdict is promote.
  abort     Write rollout.canary.abort: true in Pulumi.NAME.yaml: the
            next deployment sends every request to the stable release.
            No cloud call.

promote and abort change only those lines of the stack file (comments,
order and secure values stay as they are) and replace it atomically; they
refuse a key that holds a secure value or is not a map. Commit the change
and review it in a pull request: 'berth plan' and 'berth diff' show what
it deploys.

status and promote plan the stack offline, as 'berth plan' does, to find
the service (the Cloud Run service's project, region and name, or the
Fargate lanes' cluster and ECS services) and its rollout settings, then
call the cloud: on Google Cloud with Application Default Credentials
(run.services.get, run.revisions.get, monitoring.timeSeries.list); on AWS
with the SDK's default credentials (ecs:DescribeServices,
cloudwatch:ListMetrics, cloudwatch:GetMetricData).

The verdict reads the canary's requests since it started serving:
  abort     at least minRequests requests, and more than errorRate percent
            of them answered 5xx, however short the time;
  promote   it served observe, at least minRequests requests, and at most
            errorRate percent answered 5xx;
  wait      otherwise. The stable release's rate over the same time is
            shown beside it, for comparison only.

Flags:
  --stack NAME        The stack whose Pulumi.NAME.yaml to read. Required.
  --key KEY           Optional. The config key that holds the service's
                      settings; a key without a namespace is the
                      project's. Default: berth:service.
  --dir DIR           Optional. Where to look for Pulumi.yaml, searching
                      upwards. Default: the current directory.
  --release RELEASE   Optional, promote only. The release to write into
                      rollout.canary.stable (a Cloud Run revision name or
                      an ECS task definition ARN), without a plan, a cloud
                      call or a verdict. Default: the canary the cloud
                      serves.
  --force             Optional, promote only. Promote the canary whatever
                      the verdict. Default: promote only on a promote
                      verdict.
  --set PATH=VALUE    Optional, repeatable, status and promote. Overrides
                      one setting for the plan, as for 'berth plan'; never
                      written.
  --timeout DURATION  Optional, status and promote. How long the program
                      may run, as for 'berth plan'. Default: 2m.

Exit status: 0 when the verdict is promote (status), or the file holds the
change (promote, abort: written now, or already there); 3 when the
verdict is wait and 4 when it is abort (status; promote without --force,
which then writes nothing); 1 when the configuration, the program, the
stack file or a cloud call is wrong, or there is no canary to judge; 2 on
a usage error.
`

// verdictError is a verdict other than promote: wait exits with status
// 3, abort with 4. msg, when not empty, goes to stderr.
type verdictError struct {
	decision rollout.Decision
	msg      string
}

func (e *verdictError) Error() string { return e.msg }

// exitStatus is the verdict's exit status.
func (e *verdictError) exitStatus() int {
	if e.decision == rollout.Abort {
		return 4
	}
	return 3
}

// defaultKey is the config key of the service's settings in infra/.
const defaultKey = "berth:service"

// newMetrics connects to the cloud where the target runs. Tests built with
// the berthfake tag replace it (rollout_fake.go); the released binary has
// no other.
var newMetrics = func(ctx context.Context, t rollout.Target) (rollout.Metrics, error) {
	if t.CloudRun != nil {
		return rollout.NewCloudRun(ctx, *t.CloudRun)
	}
	return rollout.NewFargate(ctx, *t.Fargate)
}

// now is the time status judges at; tests built with berthfake fix it.
var now = time.Now

// rolloutFlags are berth rollout's flags.
type rolloutFlags struct {
	stackFlags
	key, release onceString
	force        bool
}

// runRollout implements `berth rollout`.
func runRollout(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErrorf("rollout", "a command is required: status, promote or abort")
	}
	sub := args[0]
	switch sub {
	case "-h", "-help", "--help", "help":
		_, err := io.WriteString(stdout, rolloutUsage)
		return err
	case "status", "promote", "abort":
	default:
		return usageErrorf("rollout", "unknown command %q (commands: status, promote, abort)", sub)
	}
	f, help, err := parseRolloutFlags(sub, args[1:])
	if err != nil || help {
		return writeHelp(help, err, stdout, rolloutUsage)
	}
	switch sub {
	case "status":
		st, _, err := f.status(ctx, stderr)
		if err != nil {
			return err
		}
		if err := writeOut((*rollout.Status).WriteText, st, stdout); err != nil {
			return err
		}
		if st.Verdict.Decision != rollout.Promote {
			return &verdictError{decision: st.Verdict.Decision}
		}
		return nil
	case "promote":
		return f.promote(ctx, stdout, stderr)
	default:
		return f.abort(stdout)
	}
}

// parseRolloutFlags parses the flags of berth rollout SUB.
func parseRolloutFlags(sub string, args []string) (*rolloutFlags, bool, error) {
	command := "rollout " + sub
	f := &rolloutFlags{stackFlags: stackFlags{command: command}}
	fs := flag.NewFlagSet("berth "+command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.Var(&f.stack, "stack", "")
	fs.Var(&f.dir, "dir", "")
	fs.Var(&f.key, "key", "")
	if sub != "abort" {
		fs.Var(&f.sets, "set", "")
		fs.Var(&f.timeout, "timeout", "")
	}
	if sub == "promote" {
		fs.Var(&f.release, "release", "")
		fs.BoolVar(&f.force, "force", false, "")
	}
	if help, err := parseOnlyFlags(fs, args, command); help || err != nil {
		return nil, help, err
	}
	if f.stack.value == "" {
		return nil, false, usageErrorf(command, "--stack is required: the stack whose Pulumi.NAME.yaml to read")
	}
	if f.release.set && (f.force || len(f.sets) > 0 || f.timeout.set) {
		return nil, false, usageErrorf(command, "--release writes the release without a plan or a verdict: --force, --set and --timeout do not go with it")
	}
	if f.release.set && !oneLine(f.release.value) {
		return nil, false, usageErrorf(command, "--release: must be a release name on one line (a Cloud Run revision name or an ECS task definition ARN)")
	}
	if !f.key.set {
		f.key.value = defaultKey
	}
	if f.key.value == "" || strings.HasPrefix(f.key.value, ":") || strings.HasSuffix(f.key.value, ":") {
		return nil, false, usageErrorf(command, "--key %q: must be a config key such as %s", f.key.value, defaultKey)
	}
	return f, false, nil
}

// oneLine reports whether s is not empty and holds no control characters
// or spaces.
func oneLine(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f })
}

// fullKey is --key with the project's namespace when it has none.
func (f *rolloutFlags) fullKey(project string) string {
	if strings.Contains(f.key.value, ":") {
		return f.key.value
	}
	return project + ":" + f.key.value
}

// status plans the stack, reads its canary settings and judges the canary
// with the cloud's metrics. It also returns the stack's configuration.
func (f *rolloutFlags) status(ctx context.Context, stderr io.Writer) (*rollout.Status, *stackconfig.Config, error) {
	p, _, err := f.planStack(ctx, stderr)
	if err != nil {
		return nil, nil, err
	}
	cfg := f.cfg
	key := f.fullKey(cfg.Project)
	canary, budget, err := canarySettings(cfg, key)
	if err != nil {
		return nil, nil, err
	}
	target, err := rollout.Locate(p, cfg.Values["aws:region"], canary.Share())
	if err != nil {
		return nil, nil, fmt.Errorf("finding the service of stack %s: %w", cfg.Stack, err)
	}
	m, err := newMetrics(ctx, target)
	if err != nil {
		return nil, nil, err
	}
	st, err := rollout.Check(ctx, m, budget, now())
	if err != nil {
		return nil, nil, err
	}
	if st.Releases.Stable.Name != canary.Stable {
		fmt.Fprintf(stderr, "note: %s.rollout.canary.stable is %s, but the cloud serves %s as the stable release: is the change deployed?\n",
			key, canary.Stable, st.Releases.Stable.Name)
	}
	return st, cfg, nil
}

// canarySettings reads KEY.rollout from the stack's configuration, with
// its defaults, and the budget its canary is judged against. A stack
// without a canary, or with an aborted one, has nothing to judge.
func canarySettings(cfg *stackconfig.Config, key string) (*spec.ResolvedCanary, rollout.Budget, error) {
	raw, ok := cfg.Values[key]
	if !ok {
		return nil, rollout.Budget{}, fmt.Errorf("stack %s has no %s setting (pass --key with the key of the service's settings)", cfg.Stack, key)
	}
	// The fields of spec.Rollout are spelt as their config keys, which
	// encoding/json matches without tags.
	var s struct{ Rollout *spec.Rollout }
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return nil, rollout.Budget{}, fmt.Errorf("reading %s.rollout: %w", key, err)
	}
	r, problems := spec.ResolveRolloutSetting(s.Rollout, spec.Defaults{})
	if len(problems) > 0 {
		for i := range problems {
			problems[i].Field = key + "." + problems[i].Field
		}
		return nil, rollout.Budget{}, &problemsError{&validate.Error{Component: validate.StackConfig, Name: cfg.Stack, Problems: problems}}
	}
	switch {
	case r.Canary == nil:
		return nil, rollout.Budget{}, fmt.Errorf("%w: %s.rollout.canary is not set: the service has no canary to judge", rollout.ErrNothingToJudge, key)
	case r.Canary.Abort:
		return nil, rollout.Budget{}, fmt.Errorf("%w: %s.rollout.canary.abort is true: the canary serves no requests", rollout.ErrNothingToJudge, key)
	}
	return r.Canary, rollout.Budget{ErrorRate: r.ErrorRate, Observe: r.Canary.Observe, MinRequests: int64(r.Canary.MinRequests)}, nil
}

// promote writes the canary's release, or --release, into
// KEY.rollout.canary.stable.
func (f *rolloutFlags) promote(ctx context.Context, stdout, stderr io.Writer) error {
	var cfg *stackconfig.Config
	release := f.release.value
	if !f.release.set {
		st, c, err := f.status(ctx, stderr)
		if err != nil {
			return err
		}
		if err := writeOut((*rollout.Status).WriteText, st, stdout); err != nil {
			return err
		}
		if st.Verdict.Decision != rollout.Promote && !f.force {
			return &verdictError{decision: st.Verdict.Decision, msg: "not promoted, nothing written: the verdict is " + st.Verdict.Decision.String() + " (--force promotes anyway)"}
		}
		cfg, release = c, st.Releases.Canary.Name
	} else {
		var err error
		if cfg, err = f.loadOnly(); err != nil {
			return err
		}
	}
	return f.write(cfg, rollout.Edit{Stable: release}, "rollout.canary.stable: "+release, stdout)
}

// abort writes KEY.rollout.canary.abort: true.
func (f *rolloutFlags) abort(stdout io.Writer) error {
	cfg, err := f.loadOnly()
	if err != nil {
		return err
	}
	return f.write(cfg, rollout.Edit{Abort: true}, "rollout.canary.abort: true", stdout)
}

// loadOnly loads the stack's configuration without planning it, secure
// values left encrypted.
func (f *rolloutFlags) loadOnly() (*stackconfig.Config, error) {
	return loadConfig(f.command, stackconfig.LoadOptions{Dir: f.dir.value, Stack: f.stack.value}, "")
}

// write applies e to the stack file and says what it wrote.
func (f *rolloutFlags) write(cfg *stackconfig.Config, e rollout.Edit, what string, stdout io.Writer) error {
	key := f.fullKey(cfg.Project)
	changed, err := rollout.EditStackFile(cfg.StackFile, key, e)
	if err != nil {
		return err
	}
	file := filepath.Base(cfg.StackFile)
	if !changed {
		_, err = fmt.Fprintf(stdout, "%s already holds %s.%s; nothing written\n", file, key, what)
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote %s.%s in %s\nreview it in a pull request; 'berth plan --stack %s' shows what it deploys\n", key, what, file, cfg.Stack)
	return err
}
