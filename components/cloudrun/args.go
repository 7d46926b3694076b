package cloudrun

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/envvar"
	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/validate"
)

// ExecutionEnvironment is a Cloud Run execution environment.
type ExecutionEnvironment string

const (
	// Gen1 is the first-generation environment: faster cold starts, required
	// below 1 CPU and below 512Mi of memory.
	Gen1 ExecutionEnvironment = "gen1"
	// Gen2 is the second-generation environment: full Linux compatibility,
	// faster CPU and network, at least 512Mi of memory.
	Gen2 ExecutionEnvironment = "gen2"
)

// api returns the Cloud Run API value of the environment.
func (e ExecutionEnvironment) api() string {
	if e == Gen1 {
		return "EXECUTION_ENVIRONMENT_GEN1"
	}
	return "EXECUTION_ENVIRONMENT_GEN2"
}

// Ingress says where requests to the service may come from. The values are
// the Cloud Run API's.
type Ingress string

const (
	// IngressAll admits requests from the internet. Callers still need
	// roles/run.invoker unless AllowUnauthenticated is set.
	IngressAll Ingress = "INGRESS_TRAFFIC_ALL"
	// IngressInternalOnly admits requests from the project's VPC networks,
	// Shared VPC and other Cloud Run services through their VPC egress.
	IngressInternalOnly Ingress = "INGRESS_TRAFFIC_INTERNAL_ONLY"
	// IngressInternalLoadBalancer admits internal requests and requests
	// through an external Application Load Balancer.
	IngressInternalLoadBalancer Ingress = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
)

// Defaults, applied in one place (ServiceArgs.resolve).
const (
	// DefaultCPU is one whole CPU: the smallest size that allows concurrency
	// above 1, CPU outside requests and the gen2 environment.
	DefaultCPU = "1"
	// DefaultMemory is the gen2 minimum, enough for a Go HTTP service.
	DefaultMemory = "512Mi"
	// DefaultConcurrency is Cloud Run's own default of requests per instance.
	DefaultConcurrency = 80
	// DefaultMaxInstances is Cloud Run's own default; it bounds cost.
	DefaultMaxInstances = 100
	// DefaultTimeout is Cloud Run's own request timeout default.
	DefaultTimeout = 300 * time.Second
	// MaxTimeout is the longest request timeout Cloud Run allows.
	MaxTimeout = 3600 * time.Second
	// DefaultPort is the port Cloud Run sends requests to unless told
	// otherwise, and the value it puts in PORT.
	DefaultPort = 8080
	// DefaultHealthPath is the HTTP path of the startup and liveness probes.
	DefaultHealthPath = "/healthz"
	// MaxConcurrency is the most requests per instance Cloud Run allows.
	MaxConcurrency = 1000
	// maxEnvVars is Cloud Run's limit of environment variables per container.
	maxEnvVars = 1000
)

// typeToken is the component's Pulumi type.
const typeToken = "berth:cloudrun:Service"

// ServiceArgs configures a Cloud Run service. Knobs are plain Go values, so
// that NewService validates them all before creating anything; only values
// produced by other resources (image, secrets, VPC references) are Pulumi
// inputs. The zero value of every optional field is the safe default.
type ServiceArgs struct {
	// Image is the container image to run, preferably by digest
	// (`us-docker.pkg.dev/P/REPO/app@sha256:...`) so that every change is a
	// new revision. Cloud Run runs linux/amd64 images only.
	// Default: none, required.
	Image pulumi.StringInput

	// Region is the Google Cloud region of the service and of a created
	// connector, for example "us-central1". Components do not read stack
	// configuration; pass the stack's gcp:region.
	// Default: none, required.
	Region string

	// Project is the Google Cloud project ID of every created resource.
	// Default: "", the provider's project.
	Project string

	// ServiceName is the Cloud Run service name: a lowercase letter, then
	// lowercase letters, digits and hyphens, not ending with a hyphen, at
	// most 49 characters. Changing it replaces the service.
	// Default: the component name, cut to fit, plus a hyphen and a 7-character
	// hash of project, stack and component name.
	ServiceName string

	// ServiceAccountID is the account ID of the service's dedicated service
	// account: 6 to 30 lowercase letters, digits and hyphens, starting with a
	// letter. Changing it replaces the account.
	// Default: derived like ServiceName, at most 30 characters.
	ServiceAccountID string

	// Port is the container port Cloud Run sends requests to (and puts in
	// PORT), 1 to 65535.
	// Default: 8080.
	Port int

	// HealthPath is the HTTP path of the startup probe (every second, 10
	// failures allowed) and of the liveness probe (every 10 seconds, 3
	// failures allowed), sent to Port. It must start with "/".
	// Default: "/healthz".
	HealthPath string

	// CPU is the CPU limit per instance as a decimal string: 0.08 to 0.999
	// in steps of 0.001, or "1", "2", "4", "6", "8". It is a string, not a
	// float64, because the API takes a string and fractional values must
	// reach it exactly as written. Below 1, Concurrency must be 1, CPU must
	// not be always allocated and the environment is gen1.
	// Default: "1".
	CPU string

	// Memory is the memory limit per instance as a quantity, a whole number
	// followed by Mi or Gi ("512Mi", "2Gi"), within the range Cloud Run
	// offers for CPU (see the package documentation); at least 512Mi on
	// gen2, 128Mi on gen1; at most 32Gi.
	// Default: "512Mi".
	Memory string

	// CPUAlwaysAllocated keeps CPU allocated between requests (instance-based
	// billing, Cloud Run's cpuIdle false). Not allowed below 1 CPU.
	// Default: false, CPU only during requests.
	CPUAlwaysAllocated bool

	// StartupCPUBoost gives instances extra CPU while they start.
	// Default: false.
	StartupCPUBoost bool

	// Concurrency is the most requests one instance serves at once, 1 to
	// 1000. Below 1 CPU it must be 1.
	// Default: 80, or 1 below 1 CPU.
	Concurrency int

	// MinInstances is the number of instances kept warm, 0 or more and at
	// most MaxInstances.
	// Default: 0, scale to zero.
	MinInstances int

	// MaxInstances is the most instances Cloud Run starts, 1 or more and at
	// least MinInstances; the project's regional quota also applies.
	// Default: 100.
	MaxInstances int

	// Timeout is the request timeout, whole seconds from 1s to 1h.
	// Default: 5m.
	Timeout time.Duration

	// ExecutionEnvironment is Gen1 or Gen2. Gen2 needs at least 1 CPU and
	// 512Mi.
	// Default: Gen2, or Gen1 when CPU is below 1 or Memory below 512Mi.
	ExecutionEnvironment ExecutionEnvironment

	// Ingress is IngressAll, IngressInternalOnly or
	// IngressInternalLoadBalancer. IngressAll makes the service reachable,
	// but every request still needs an identity with roles/run.invoker
	// unless AllowUnauthenticated is set.
	// Default: IngressAll.
	Ingress Ingress

	// AllowUnauthenticated grants roles/run.invoker to allUsers, making the
	// service public.
	// Default: false, only Invokers may call it.
	AllowUnauthenticated bool

	// Invokers are IAM members granted roles/run.invoker on this service
	// only: "user:EMAIL", "serviceAccount:EMAIL", "group:EMAIL",
	// "domain:DOMAIN", "principal://..." or "principalSet://...", each at
	// most once. "allUsers" and "allAuthenticatedUsers" are allowed only
	// with AllowUnauthenticated; use AllowUnauthenticated for allUsers.
	// Default: none.
	Invokers []string

	// Env holds plain environment variables. Names are C identifiers; PORT,
	// K_SERVICE, K_REVISION, K_CONFIGURATION and the X_GOOGLE_ prefix are
	// reserved; a name may not also be a secret's Env. Do not put secrets
	// here: values are stored in plain text in the service.
	// Default: none.
	Env map[string]string

	// Secrets are Secret Manager secrets exposed as environment variables
	// or files, each with a pinned version. The service account may read
	// exactly these secrets.
	// Default: none.
	Secrets []Secret

	// VPC connects the service's outbound traffic to a VPC network through
	// a new connector, an existing connector or Direct VPC egress.
	// Default: nil, no VPC access.
	VPC *VPC

	// Labels are added to the Cloud Run service, after the label
	// managed-by=berth (which a key of the same name replaces). Keys and
	// values follow Google Cloud's label rules; the run.googleapis.com,
	// cloud.googleapis.com, serving.knative.dev and autoscaling.knative.dev
	// namespaces are reserved.
	// Default: only managed-by=berth.
	Labels map[string]string
}

// plan is ServiceArgs with every default resolved and every value checked:
// what NewService builds from.
type plan struct {
	region, project      string
	serviceName          string
	accountID            string
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
	plainEnv             map[string]string
	secrets              []plannedSecret
	bindings             []plannedBinding
	vpc                  *plannedVPC
	labels               map[string]string
	allowUnauthenticated bool
}

var (
	reservedEnvNames  = []string{"PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"}
	reservedEnvPrefix = "X_GOOGLE_"
)

// resolve applies the defaults and checks every rule, collecting all
// problems. project and stack seed the derived names together with name.
func (a *ServiceArgs) resolve(project, stack, name string) (*plan, error) {
	var ps validate.Problems
	p := &plan{
		region:               a.Region,
		project:              a.Project,
		cpuIdle:              !a.CPUAlwaysAllocated,
		cpuBoost:             a.StartupCPUBoost,
		minInstances:         a.MinInstances,
		allowUnauthenticated: a.AllowUnauthenticated,
	}
	seed := naming.Seed(project, stack, name)

	if a.Image == nil {
		ps.Addf("image", "required (the image reference, preferably by digest)")
	} else if s, ok := validate.Known(a.Image); ok && strings.TrimSpace(s) == "" {
		ps.Addf("image", "must not be empty (the image reference, preferably by digest)")
	}
	if msg := regionProblem(a.Region); msg != "" {
		ps.Addf("region", "%s", msg)
	}
	if a.Project != "" {
		if msg := projectIDProblem(a.Project); msg != "" {
			ps.Addf("project", "%s", msg)
		}
	}

	p.serviceName = a.ServiceName
	if p.serviceName == "" {
		p.serviceName = naming.Physical(name, seed, maxServiceName)
	} else if msg := serviceNameProblem(p.serviceName); msg != "" {
		ps.Addf("serviceName", "%s", msg)
	}
	p.accountID = a.ServiceAccountID
	if p.accountID == "" {
		p.accountID = naming.Physical(name, seed, maxAccountID)
	} else if msg := accountIDProblem(p.accountID); msg != "" {
		ps.Addf("serviceAccountId", "%s", msg)
	}

	p.port = a.Port
	if p.port == 0 {
		p.port = DefaultPort
	} else if p.port < 1 || p.port > 65535 {
		ps.Addf("port", "%d is out of range (allowed: 1 to 65535)", p.port)
	}
	p.healthPath = a.HealthPath
	if p.healthPath == "" {
		p.healthPath = DefaultHealthPath
	} else if !strings.HasPrefix(p.healthPath, "/") || strings.ContainsAny(p.healthPath, " \t\r\n") {
		ps.Addf("healthPath", "%q is not an HTTP path (allowed: a path starting with \"/\", without spaces, such as %q)", p.healthPath, DefaultHealthPath)
	}

	resolveSizing(a, p, &ps)

	switch {
	case a.Timeout == 0:
		p.timeout = formatSeconds(DefaultTimeout)
	case a.Timeout < time.Second || a.Timeout > MaxTimeout:
		ps.Addf("timeout", "%s is out of range (allowed: 1s to 1h0m0s)", a.Timeout)
	case a.Timeout%time.Second != 0:
		ps.Addf("timeout", "%s is not a whole number of seconds (allowed: whole seconds from 1s to 1h0m0s)", a.Timeout)
	default:
		p.timeout = formatSeconds(a.Timeout)
	}

	switch a.Ingress {
	case "":
		p.ingress = IngressAll
	case IngressAll, IngressInternalOnly, IngressInternalLoadBalancer:
		p.ingress = a.Ingress
	default:
		ps.Addf("ingress", "%q is not an ingress setting (allowed: %s)", a.Ingress, validate.OneOf(IngressAll, IngressInternalOnly, IngressInternalLoadBalancer))
	}

	p.invokers = resolveInvokers(a.Invokers, a.AllowUnauthenticated, &ps)
	p.plainEnv = resolveEnv(a.Env, &ps)
	p.secrets, p.bindings = resolveSecrets(a.Secrets, a.Env, &ps)
	if n := len(a.Env) + countEnvSecrets(a.Secrets); n > maxEnvVars {
		ps.Addf("env", "%d environment variables with secrets (allowed: at most %d per container)", n, maxEnvVars)
	}
	if a.VPC != nil {
		var vps validate.Problems
		p.vpc = resolveVPC(a.VPC, seed, name, &vps)
		ps.Merge("vpc", &vps)
	}
	p.labels = resolveLabels(a.Labels, &ps)

	if err := ps.Err(typeToken, name); err != nil {
		return nil, err
	}
	return p, nil
}

// resolveSizing resolves CPU, memory, execution environment, CPU
// allocation, concurrency and scaling, whose rules depend on each other.
func resolveSizing(a *ServiceArgs, p *plan, ps *validate.Problems) {
	p.cpu = a.CPU
	if p.cpu == "" {
		p.cpu = DefaultCPU
	}
	cpuMillis, cpuErr := parseCPU(p.cpu)
	if cpuErr != nil {
		ps.Addf("cpu", "%v", cpuErr)
	} else {
		p.cpu = formatCPU(cpuMillis)
	}
	p.memory = a.Memory
	if p.memory == "" {
		p.memory = DefaultMemory
	}
	memMiB, memErr := parseMemory(p.memory)
	if memErr != nil {
		ps.Addf("memory", "%v", memErr)
	}
	fractional := cpuErr == nil && cpuMillis < 1000

	switch a.ExecutionEnvironment {
	case "":
		p.env = Gen2
		if fractional || (memErr == nil && memMiB < minMemoryGen2MiB) {
			p.env = Gen1
		}
	case Gen1:
		p.env = Gen1
	case Gen2:
		p.env = Gen2
		if fractional {
			ps.Addf("executionEnvironment", "gen2 needs at least 1 CPU and cpu is %s (allowed below 1 CPU: %q, or leave it empty)", p.cpu, Gen1)
		}
	default:
		ps.Addf("executionEnvironment", "%q is not an execution environment (allowed: %s)", a.ExecutionEnvironment, validate.OneOf(Gen1, Gen2))
	}
	if cpuErr == nil && memErr == nil && p.env != "" {
		if msg := memoryProblem(cpuMillis, memMiB, p.env); msg != "" {
			ps.Addf("memory", "%s", msg)
		}
	}
	if fractional && a.CPUAlwaysAllocated {
		ps.Addf("cpuAlwaysAllocated", "CPU below 1 must be allocated only during requests and cpu is %s (allowed: false, or cpu 1 or more)", p.cpu)
	}

	switch c := a.Concurrency; {
	case c == 0 && fractional:
		p.concurrency = 1
	case c == 0:
		p.concurrency = DefaultConcurrency
	case c < 1 || c > MaxConcurrency:
		ps.Addf("concurrency", "%d is out of range (allowed: 1 to %d)", c, MaxConcurrency)
	case fractional && c != 1:
		ps.Addf("concurrency", "%d needs at least 1 CPU and cpu is %s (allowed below 1 CPU: 1)", c, p.cpu)
	default:
		p.concurrency = c
	}

	p.maxInstances = a.MaxInstances
	if p.maxInstances == 0 {
		p.maxInstances = DefaultMaxInstances
	}
	if a.MinInstances < 0 {
		ps.Addf("minInstances", "%d is negative (allowed: 0 to maxInstances)", a.MinInstances)
	}
	switch {
	case a.MaxInstances < 0:
		ps.Addf("maxInstances", "%d is negative (allowed: 1 or more, at least minInstances)", a.MaxInstances)
	case a.MinInstances > p.maxInstances:
		ps.Addf("minInstances", "%d is above maxInstances %d (allowed: 0 to %d)", a.MinInstances, p.maxInstances, p.maxInstances)
	}
}

// formatSeconds renders a whole-second duration as the API's "300s".
func formatSeconds(d time.Duration) string {
	return fmt.Sprintf("%ds", int64(d/time.Second))
}

// envNameProblem checks an environment variable name against Cloud Run's
// rules: a C identifier, not reserved.
func envNameProblem(name string) string {
	if msg := envvar.NameProblem(name); msg != "" {
		return msg
	}
	for _, r := range reservedEnvNames {
		if name == r {
			return fmt.Sprintf("%q is set by Cloud Run (reserved: %s)", name, validate.OneOf(reservedEnvNames...))
		}
	}
	if strings.HasPrefix(name, reservedEnvPrefix) {
		return fmt.Sprintf("%q uses the reserved prefix %s (allowed: any other name)", name, reservedEnvPrefix)
	}
	return ""
}

// resolveEnv checks the plain environment variables.
func resolveEnv(env map[string]string, ps *validate.Problems) map[string]string {
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if msg := envNameProblem(k); msg != "" {
			ps.Addf(fmt.Sprintf("env[%q]", k), "%s", msg)
		}
	}
	return env
}

// resolveLabels checks the caller's labels and adds managed-by=berth.
func resolveLabels(labels map[string]string, ps *validate.Problems) map[string]string {
	out := map[string]string{"managed-by": "berth"}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		field := fmt.Sprintf("labels[%q]", k)
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
		ps.Addf("labels", "%d labels with managed-by (allowed: at most %d)", len(out), maxLabels)
	}
	return out
}

// Validate checks args against every rule NewService applies and returns a
// *validate.Error listing each problem, or nil. Image may still be nil: a
// program that builds the image in the same deployment validates the
// service's args first, so that nothing is registered when either is wrong.
func (a *ServiceArgs) Validate(ctx *pulumi.Context, name string) error {
	check := *a
	if check.Image == nil {
		check.Image = pulumi.String("image-built-later")
	}
	_, err := check.resolve(ctx.Project(), ctx.Stack(), name)
	return err
}
