package cloudrun

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/imageref"
	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// ExecutionEnvironment is a Cloud Run execution environment.
type ExecutionEnvironment string

const (
	// Gen1 is the first-generation environment: faster cold starts, required
	// below 1 CPU.
	Gen1 ExecutionEnvironment = "gen1"
	// Gen2 is the second-generation environment: full Linux compatibility,
	// faster CPU and network, at least 1 CPU and 512Mi of memory.
	Gen2 ExecutionEnvironment = "gen2"
)

// Values lists the allowed values, for the schema's enum.
func (ExecutionEnvironment) Values() []ExecutionEnvironment {
	return []ExecutionEnvironment{Gen1, Gen2}
}

// api returns the Cloud Run API value of the environment.
func (e ExecutionEnvironment) api() string {
	if e == Gen1 {
		return "EXECUTION_ENVIRONMENT_GEN1"
	}
	return "EXECUTION_ENVIRONMENT_GEN2"
}

// Ingress says where requests to the service may come from, in gcloud's
// words.
type Ingress string

const (
	// IngressAll admits requests from the internet. Callers still need
	// roles/run.invoker unless service.public is set.
	IngressAll Ingress = "all"
	// IngressInternal admits requests from the project's VPC networks,
	// Shared VPC and other Cloud Run services through their VPC egress.
	IngressInternal Ingress = "internal"
	// IngressInternalAndCloudLoadBalancing admits internal requests and
	// requests through an external Application Load Balancer.
	IngressInternalAndCloudLoadBalancing Ingress = "internal-and-cloud-load-balancing"
)

// Values lists the allowed values, for the schema's enum.
func (Ingress) Values() []Ingress {
	return []Ingress{IngressAll, IngressInternal, IngressInternalAndCloudLoadBalancing}
}

// api returns the Cloud Run API value of the ingress setting.
func (i Ingress) api() string {
	switch i {
	case IngressInternal:
		return "INGRESS_TRAFFIC_INTERNAL_ONLY"
	case IngressInternalAndCloudLoadBalancing:
		return "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
	}
	return "INGRESS_TRAFFIC_ALL"
}

// Defaults that only Cloud Run has; spec holds the shared ones.
const (
	// DefaultCPU is one whole vCPU: the smallest size that allows
	// concurrency above 1, CPU outside requests and the gen2 environment.
	DefaultCPU = 1.0
	// MaxTimeout is the longest request timeout Cloud Run allows.
	MaxTimeout = 3600 * time.Second
	// MaxConcurrency is the most requests per instance Cloud Run allows.
	MaxConcurrency = 1000
	// maxEnvVars is Cloud Run's limit of environment variables per container.
	maxEnvVars = 1000
)

// TypeToken is the component's Pulumi type.
const TypeToken = "berth:cloudrun:Service"

// ServiceArgs configures a Cloud Run service: the cloud-neutral Service and
// the settings only Cloud Run has. Knobs are plain Go values, so that
// NewService validates them all before creating anything; only values
// produced by other resources (image, secrets, VPC references) are Pulumi
// inputs.
type ServiceArgs struct {
	// Image is the container image to run, by digest
	// ("us-docker.pkg.dev/P/REPO/app@sha256:...") so that every change is a
	// new revision, for example an image.Image's Ref. Cloud Run runs
	// linux/amd64 images only. Required.
	Image pulumi.StringInput `pulumi:"image"`
	// Service describes the service in the words every cloud shares.
	// Default: nil, every field's own default.
	Service *spec.Service `pulumi:"service,optional"`
	// GCP holds the settings only Cloud Run has; Region is required.
	GCP GCP `pulumi:"gcp"`
}

// GCP holds the settings of a service that only Google Cloud has.
type GCP struct {
	// Region is the region of the service and of a created connector, for
	// example "us-central1". Components read no stack configuration: pass
	// the stack's gcp:region. Required.
	Region string `pulumi:"region"`
	// Project is the project ID of every created resource. Default: "", the
	// provider's project.
	Project string `pulumi:"project,optional"`
	// Ingress is where requests may come from: IngressAll, IngressInternal
	// or IngressInternalAndCloudLoadBalancing. IngressAll makes the service
	// reachable, but every request still needs an identity with
	// roles/run.invoker unless service.public is set. Default: IngressAll.
	Ingress Ingress `pulumi:"ingress,optional"`
	// Invokers are IAM members granted roles/run.invoker on this service
	// only: "user:EMAIL", "serviceAccount:EMAIL", "group:EMAIL",
	// "domain:DOMAIN", "principal://..." or "principalSet://...", each at
	// most once. "allAuthenticatedUsers" is allowed only with
	// service.public; allUsers comes from service.public itself.
	// Default: none.
	Invokers []string `pulumi:"invokers,optional"`
	// VPC connects the service's outbound traffic to a VPC network through
	// a new connector, an existing connector or Direct VPC egress.
	// Default: nil, no VPC access.
	VPC *VPC `pulumi:"vpc,optional"`
	// ExecutionEnvironment is Gen1 or Gen2; Gen2 needs at least 1 vCPU and
	// 512Mi. Default: Gen2, or Gen1 when service.cpu is below 1 or
	// service.memory below 512Mi.
	ExecutionEnvironment ExecutionEnvironment `pulumi:"executionEnvironment,optional"`
	// CPUAlwaysAllocated keeps CPU allocated between requests
	// (instance-based billing, Cloud Run's cpuIdle false). Not allowed below
	// 1 vCPU. Default: false, CPU only during requests.
	CPUAlwaysAllocated bool `pulumi:"cpuAlwaysAllocated,optional"`
	// StartupCPUBoost gives instances extra CPU while they start.
	// Default: false.
	StartupCPUBoost bool `pulumi:"startupCpuBoost,optional"`
	// Labels are added to the Cloud Run service and the secrets it creates,
	// after the label managed-by=berth (which a key of the same name
	// replaces). Keys and values follow Google Cloud's label rules; the
	// run.googleapis.com, cloud.googleapis.com, serving.knative.dev and
	// autoscaling.knative.dev namespaces are reserved.
	// Default: only managed-by=berth.
	Labels map[string]string `pulumi:"labels,optional"`
}

// Defaults are Cloud Run's defaults for the fields of spec.Service that
// differ between clouds.
var Defaults = spec.Defaults{CPU: DefaultCPU, MinInstances: 0}

// plan is ServiceArgs with every default resolved and every value checked:
// what NewService builds from.
type plan struct {
	region, project      string
	name                 string
	serviceName          string
	accountID            string
	seed                 string
	port                 int
	healthPath           string
	cpu, memory          string
	cpuIdle, cpuBoost    bool
	concurrency          int
	minInstances         int
	maxInstances         int
	timeout              string
	env                  ExecutionEnvironment
	ingress              Ingress
	invokers             []string
	plainEnv             pulumi.StringMap
	secrets              []plannedSecret
	bindings             []plannedBinding
	vpc                  *plannedVPC
	labels               map[string]string
	allowUnauthenticated bool
	canary               *plannedCanary
}

var (
	reservedEnvNames  = []string{"PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"}
	reservedEnvPrefix = "X_GOOGLE_"
)

// resolve applies the defaults and checks every rule, collecting all
// problems. project and stack seed the derived names together with name.
func (a *ServiceArgs) resolve(project, stack, name string) (*plan, error) {
	var ps validate.Problems
	g := a.GCP
	svc := a.Service.OrZero()
	s := spec.Resolve(svc, name, Defaults, &ps)
	// Cloud Run v2 at pulumi-gcp v7.38.0 has no deployment alarms: a
	// revision that becomes ready serves whatever it answers.
	if s.Rollout.Alarms {
		ps.Addf("service.rollout.alarms", "%q is not available on Cloud Run: it has no deployment alarms to roll a revision back (allowed on Cloud Run: %q, or leave it out)", spec.AlarmsOn, spec.AlarmsOff)
	}
	for _, f := range s.Rollout.Tuned {
		if f == "rollout.errorRate" && s.Rollout.Canary != nil {
			continue // the canary's error budget
		}
		ps.Addf("service."+f, "tunes the alarms, which Cloud Run does not have (allowed on Cloud Run: leave it out, or errorRate with a canary as its error budget)")
	}
	p := &plan{
		region:               g.Region,
		project:              g.Project,
		name:                 s.Name,
		port:                 s.Port,
		healthPath:           s.HealthPath,
		cpuIdle:              !g.CPUAlwaysAllocated,
		cpuBoost:             g.StartupCPUBoost,
		minInstances:         s.MinInstances,
		maxInstances:         s.MaxInstances,
		allowUnauthenticated: s.Public,
	}
	p.seed = naming.Seed(project, stack, s.Name)
	p.serviceName = naming.Physical(s.Name, p.seed, maxServiceName)
	p.accountID = naming.Physical(s.Name, p.seed, maxAccountID)
	resolveCanary(s.Rollout.Canary, p, &ps)

	if a.Image == nil {
		ps.Addf("image", "required (the image reference by digest, such as an image.Image's Ref)")
	} else if img, ok := validate.Known(a.Image); ok {
		if msg := imageref.Problem(img); msg != "" {
			ps.Addf("image", "%s", msg)
		}
	}
	if msg := regionProblem(g.Region); msg != "" {
		ps.Addf("gcp.region", "%s", msg)
	}
	if g.Project != "" {
		if msg := projectIDProblem(g.Project); msg != "" {
			ps.Addf("gcp.project", "%s", msg)
		}
	}

	resolveSizing(a, s, p, &ps)

	switch {
	case s.Timeout > MaxTimeout:
		ps.Addf("service.timeout", "%q is longer than Cloud Run allows (allowed: 1s to 1h)", svc.Timeout)
	default:
		p.timeout = fmt.Sprintf("%ds", int64(s.Timeout/time.Second))
	}

	switch g.Ingress {
	case "":
		p.ingress = IngressAll
	case IngressAll, IngressInternal, IngressInternalAndCloudLoadBalancing:
		p.ingress = g.Ingress
	default:
		ps.Addf("gcp.ingress", "%q is not an ingress setting (allowed: %s)", g.Ingress, validate.OneOf(g.Ingress.Values()...))
	}

	p.invokers = resolveInvokers(g.Invokers, s.Public, &ps)
	p.plainEnv = resolveEnv(s.Env, &ps)
	p.secrets = resolveSecrets(s.Secrets, &ps)
	if n := len(s.Env) + countEnvSecrets(s.Secrets); n > maxEnvVars {
		ps.Addf("service.env", "%d environment variables with secrets (allowed: at most %d per container)", n, maxEnvVars)
	}
	if g.VPC != nil {
		var vps validate.Problems
		p.vpc = resolveVPC(g.VPC, p.seed, s.Name, &vps)
		ps.Merge("gcp.vpc", &vps)
	}
	p.labels = resolveLabels(g.Labels, &ps)

	if err := ps.Err(TypeToken, name); err != nil {
		return nil, err
	}
	return p, nil
}

// resolveSizing resolves CPU, memory, execution environment, CPU
// allocation and concurrency, whose rules depend on each other. Messages
// repeat the values in service's units, as the caller wrote them.
func resolveSizing(a *ServiceArgs, s spec.Resolved, p *plan, ps *validate.Problems) {
	g := a.GCP
	cpuMillis, cpuOK := s.CPU*1000, true
	if m := math.Round(cpuMillis); math.Abs(m-cpuMillis) > 1e-6 {
		ps.Addf("service.cpu", "%s vCPU is not a Cloud Run CPU size (allowed: 0.08 to 0.999 in steps of 0.001, or %s)", spec.FormatCPU(s.CPU), validate.OneOf(wholeCPUs...))
		cpuOK = false
	} else if msg := cpuProblem(int(m)); msg != "" {
		ps.Addf("service.cpu", "%s", msg)
		cpuOK = false
	}
	millis := int(math.Round(cpuMillis))
	if !cpuOK {
		millis = int(DefaultCPU * 1000)
	}
	p.cpu = formatCPU(millis)
	p.memory = spec.FormatMiB(s.MemoryMiB)
	fractional := cpuOK && millis < 1000

	switch g.ExecutionEnvironment {
	case "":
		p.env = Gen2
		if fractional || s.MemoryMiB < minMemoryGen2MiB {
			p.env = Gen1
		}
	case Gen1:
		p.env = Gen1
	case Gen2:
		p.env = Gen2
		if fractional {
			ps.Addf("gcp.executionEnvironment", "gen2 needs at least 1 vCPU and service.cpu is %s (allowed below 1 vCPU: %q, or leave it empty)", p.cpu, Gen1)
		}
	default:
		ps.Addf("gcp.executionEnvironment", "%q is not an execution environment (allowed: %s)", g.ExecutionEnvironment, validate.OneOf(Gen1, Gen2))
	}
	if cpuOK && p.env != "" {
		if msg := memoryProblem(millis, s.MemoryMiB, p.env); msg != "" {
			ps.Addf("service.memory", "%s", msg)
		}
	}
	if fractional && g.CPUAlwaysAllocated {
		ps.Addf("gcp.cpuAlwaysAllocated", "CPU below 1 vCPU must be allocated only during requests and service.cpu is %s (allowed: false, or service.cpu 1 or more)", p.cpu)
	}

	switch c := s.Concurrency; {
	case !s.ConcurrencySet && fractional:
		p.concurrency = 1
	case c > MaxConcurrency:
		ps.Addf("service.concurrency", "%d is above Cloud Run's maximum (allowed: 1 to %d)", c, MaxConcurrency)
	case fractional && c != 1:
		ps.Addf("service.concurrency", "%d needs at least 1 vCPU and service.cpu is %s (allowed below 1 vCPU: 1)", c, p.cpu)
	default:
		p.concurrency = c
	}
}

// envNameProblem checks a plain or secret variable name against Cloud
// Run's reserved names; spec checks the shape.
func envNameProblem(name string) string {
	for _, r := range reservedEnvNames {
		if name == r && name != "PORT" {
			return fmt.Sprintf("%q is set by Cloud Run (reserved: %s)", name, validate.OneOf(reservedEnvNames...))
		}
	}
	if strings.HasPrefix(name, reservedEnvPrefix) {
		return fmt.Sprintf("%q uses the reserved prefix %s (allowed: any other name)", name, reservedEnvPrefix)
	}
	return ""
}

// resolveEnv checks the plain environment variables against Cloud Run's
// reserved names.
func resolveEnv(env pulumi.StringMap, ps *validate.Problems) pulumi.StringMap {
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if msg := envNameProblem(k); msg != "" {
			ps.Addf(fmt.Sprintf("service.env[%q]", k), "%s", msg)
		}
	}
	return env
}

// resolveLabels checks the caller's labels and adds managed-by=berth.
func resolveLabels(labels map[string]string, ps *validate.Problems) map[string]string {
	out := map[string]string{"managed-by": "berth"}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		field := fmt.Sprintf("gcp.labels[%q]", k)
		kp, vp := labelProblems(k, labels[k])
		if kp != "" {
			ps.Addf(field, "key %s", kp)
		}
		if vp != "" {
			ps.Addf(field, "value %s", vp)
		}
		out[k] = labels[k]
	}
	if len(out) > maxLabels {
		ps.Addf("gcp.labels", "%d labels with managed-by (allowed: at most %d)", len(out), maxLabels)
	}
	return out
}

// Validate checks args against every rule NewService applies and returns a
// *validate.Error listing each problem, or nil. Image may still be nil: a
// program that builds the image in the same deployment validates the
// service's args first, so that nothing is registered when either is wrong.
func (a *ServiceArgs) Validate(ctx *pulumi.Context, name string) error {
	if a == nil {
		return validate.MissingArgs(TypeToken, name, "image and gcp.region")
	}
	check := *a
	if check.Image == nil {
		check.Image = pulumi.String(imageref.Placeholder)
	}
	_, err := check.resolve(ctx.Project(), ctx.Stack(), name)
	return err
}
