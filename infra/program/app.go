package program

import (
	"maps"
	"time"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The sample app's own settings (app/internal/config, app/main.go), which
// no component knows: the time from SIGTERM to exit is DRAIN_DELAY plus at
// most SHUTDOWN_TIMEOUT, and its HTTP keep-alive idle timeout.
const (
	appDrainDelayVar      = "DRAIN_DELAY"
	appShutdownTimeoutVar = "SHUTDOWN_TIMEOUT"
	appShutdownDefault    = 8 * time.Second
	appIdleTimeout        = 120 * time.Second
	// gcpProjectVar is the app's variable for the Google Cloud project,
	// which its logs need for Cloud Logging's trace field and Cloud Run
	// does not set.
	gcpProjectVar = "GOOGLE_CLOUD_PROJECT"
)

// exitMargin is what the platform should allow beyond the app's shutdown
// budget: the time the process needs to exit after its last step.
const exitMargin = 2 * time.Second

// cloudRunShutdownGrace is the time Cloud Run gives an instance between
// SIGTERM and SIGKILL (https://cloud.google.com/run/docs/container-contract#instance-shutdown).
const cloudRunShutdownGrace = 10 * time.Second

// fargateMaxStopTimeout is the longest container stopTimeout Fargate
// accepts (aws.md).
const fargateMaxStopTimeout = 120 * time.Second

// applyApp fits args to the sample app: the shutdown budget within the
// platform's grace, the load balancer's idle timeout below the app's
// keep-alive, the project variable, and a stack label or tag on every
// resource. Problems go to p under config paths.
func applyApp(stack string, args *berth.ServiceArgs, p *validate.Problems) {
	// Config gives a map literal (settings.Decode); an output map is
	// reported by the component.
	given, _ := args.Service.Env.(pulumi.StringMap)
	env := maps.Clone(given)
	if env == nil {
		env = pulumi.StringMap{}
	}
	budget := shutdownBudget(env, p)
	switch args.Cloud {
	case berth.GCP:
		g := args.GCP
		if budget+exitMargin > cloudRunShutdownGrace {
			p.Addf("service.env."+appShutdownTimeoutVar, "the app may take %s from SIGTERM to exit (%s + %s), too long for Cloud Run's %s before SIGKILL (allowed: a sum of at most %s, leaving %s to exit)",
				budget, appDrainDelayVar, appShutdownTimeoutVar, cloudRunShutdownGrace, cloudRunShutdownGrace-exitMargin, exitMargin)
		}
		if _, set := env[gcpProjectVar]; !set && g.Project != "" {
			env[gcpProjectVar] = pulumi.String(g.Project)
		}
		g.Labels = withStack(g.Labels, stack)
	case berth.AWS:
		a := args.AWS
		if a == nil {
			break
		}
		need := budget + exitMargin
		switch {
		case need > fargateMaxStopTimeout:
			p.Addf("service.env."+appShutdownTimeoutVar, "the app may take %s from SIGTERM to exit (%s + %s), more than Fargate's %s stopTimeout maximum allows (allowed: a sum of at most %s)",
				budget, appDrainDelayVar, appShutdownTimeoutVar, fargateMaxStopTimeout, fargateMaxStopTimeout-exitMargin)
		case a.StopTimeout == "" && need > 30*time.Second:
			// stopTimeout is whole seconds: round up, never below the need.
			a.StopTimeout = (need + time.Second - 1).Truncate(time.Second).String()
		}
		timeout := spec.DefaultTimeout
		if args.Service.Timeout != "" {
			timeout = args.Service.Timeout
		}
		// The load balancer's idle timeout is at least the request
		// timeout, and the app's keep-alive must outlast it, or the load
		// balancer reuses connections the app has just closed (502s).
		if d, err := time.ParseDuration(timeout); err == nil && d >= appIdleTimeout {
			p.Addf("service.timeout", "%s needs a load balancer idle timeout of as long, which must stay below the app's %s keep-alive timeout (allowed on aws: less than %s)", timeout, appIdleTimeout, appIdleTimeout)
		}
		// The ECS Exec agent writes to the root filesystem: opting into
		// Exec gives up the read-only root, as the component requires.
		if a.EnableExec {
			a.WritableRootFilesystem = true
		}
		a.Tags = withStack(a.Tags, stack)
	}
	args.Service.Env = env
}

// withStack returns labels plus stack=<stack>.
func withStack(labels map[string]string, stack string) map[string]string {
	out := maps.Clone(labels)
	if out == nil {
		out = map[string]string{}
	}
	out["stack"] = stack
	return out
}

// shutdownBudget is the longest the app takes from SIGTERM to exit, from
// the service's env and the app's defaults. Unparsable values are reported
// (the app would refuse to start) and count as the defaults; a value that
// is another resource's output is not known now and counts as the default.
func shutdownBudget(env pulumi.StringMap, p *validate.Problems) time.Duration {
	read := func(name string, def time.Duration) time.Duration {
		in, ok := env[name]
		if !ok {
			return def
		}
		v, known := validate.Known(in)
		if !known {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			p.Addf("service.env."+name, "%q is not a duration the app accepts (allowed: such as 8s or 500ms)", v)
			return def
		}
		return d
	}
	return read(appDrainDelayVar, 0) + read(appShutdownTimeoutVar, appShutdownDefault)
}
