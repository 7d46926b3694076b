package spec

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/validate"
)

// Service is the cloud-neutral description of one HTTP service. The zero
// value of every optional field takes the cloud's default, listed with each
// field and in docs/parity.md.
type Service struct {
	// Name is the base of the physical names of the service's resources
	// (service, roles, load balancer, repository): a lowercase letter, then
	// lowercase letters, digits and hyphens, not ending with a hyphen, at
	// most 40 characters. Default: the component's name.
	Name string `pulumi:"name,optional"`
	// Port is the container port requests are sent to, which the container
	// also gets as PORT, 1 to 65535. Default: 8080.
	Port *int `pulumi:"port,optional"`
	// CPU is the CPU of one instance in vCPU, such as 0.25, 0.5, 1 or 2; each
	// cloud offers its own sizes. Default: 1 on Cloud Run, 0.25 on Fargate.
	CPU *float64 `pulumi:"cpu,optional"`
	// Memory is the memory of one instance, a whole number followed by Mi or
	// Gi ("512Mi", "2Gi"), among the sizes the cloud offers with CPU.
	// Default: "512Mi".
	Memory string `pulumi:"memory,optional"`
	// Concurrency is the number of requests one instance serves at once, at
	// least 1 (at most 1000 on Cloud Run, 10000 on Fargate). Cloud Run
	// enforces it; Fargate scales on it. Default: 80, or 1 on Cloud Run
	// below 1 vCPU, where Cloud Run requires 1.
	Concurrency *int `pulumi:"concurrency,optional"`
	// MinInstances is the fewest instances (tasks) kept running, 0 or more
	// and at most MaxInstances; Fargate behind a load balancer cannot scale
	// to zero. Default: 0 on Cloud Run, 2 on Fargate.
	MinInstances *int `pulumi:"minInstances,optional"`
	// MaxInstances is the most instances (tasks), at least 1 and at least
	// MinInstances (at most 1000 on Fargate); it bounds cost. Default: 10.
	MaxInstances *int `pulumi:"maxInstances,optional"`
	// Timeout is the longest a request may take, a duration in whole seconds
	// ("60s", "5m"), at least 1s (at most 1h on Cloud Run and Fargate).
	// Default: "60s".
	Timeout string `pulumi:"timeout,optional"`
	// HealthPath is the HTTP path of the health checks, sent to Port: it
	// starts with "/", has no spaces and is at most 1024 characters.
	// Default: "/healthz".
	HealthPath string `pulumi:"healthPath,optional"`
	// Public lets anyone on the internet call the service: on Cloud Run it
	// grants roles/run.invoker to allUsers, on Fargate the load balancer is
	// internet-facing. Default: false: callers need an invoker identity on
	// Cloud Run, and the load balancer is internal on Fargate.
	Public bool `pulumi:"public,optional"`
	// Env holds plain environment variables. Names are letters, digits and
	// underscores, not starting with a digit; each cloud reserves a few (PORT
	// everywhere). Names must be known when the program runs (a map
	// literal, pulumi.StringMap, never a whole map that is an output), so
	// that they are checked before anything is created; a value may be
	// another resource's output (a bucket's name, another service's URL) or
	// a stack reference's. Values are stored in plain text in the service's
	// definition: put secrets in Secrets. Default: none.
	Env pulumi.StringMapInput `pulumi:"env,optional"`
	// Secrets are the values the service reads from the cloud's secret
	// store, each exposed as an environment variable or a file. The service's
	// identity may read exactly these. Default: none.
	Secrets []Secret `pulumi:"secrets,optional"`
	// Rollout is how a release is watched and rolled back on its own.
	// Default: unset, every field's default: alarms off on Cloud Run, on
	// on Fargate.
	Rollout *Rollout `pulumi:"rollout,optional"`
}

// OrZero returns *s, or the zero Service (every field's default) when s is
// nil: the components take an optional *Service.
func (s *Service) OrZero() Service {
	if s == nil {
		return Service{}
	}
	return *s
}

// Secret is one secret value exposed to the container. Set exactly one of
// Env and Path (where the value goes) and exactly one of Ref and Value
// (where it comes from).
type Secret struct {
	// Env is the environment variable that receives the value when an
	// instance starts. Default: "", not a variable.
	Env string `pulumi:"env,optional"`
	// Path is the absolute path of a read-only file that holds the value
	// (Cloud Run only; ECS injects secrets as variables only). Default: "",
	// not a file.
	Path string `pulumi:"path,optional"`
	// Ref names an existing secret: on Cloud Run a Secret Manager secret ID
	// ("db-url") or name ("projects/P/secrets/S"); on Fargate a Secrets
	// Manager secret ARN, or an SSM parameter name or ARN. Default: nil,
	// use Value.
	Ref pulumi.StringInput `pulumi:"ref,optional"`
	// Version pins the version of Ref: on Cloud Run a version number ("3"),
	// required for an environment secret; on Fargate a Secrets Manager
	// staging label ("AWSPREVIOUS") or version ID. Default: nil: "latest"
	// is never implied on Cloud Run; the current version on Fargate.
	Version pulumi.StringInput `pulumi:"version,optional"`
	// Key selects one key of a Secrets Manager secret that holds JSON
	// (Fargate only), letters, digits and "_-./". Default: "", the whole
	// value.
	Key string `pulumi:"key,optional"`
	// Value is the secret's value: the component creates a secret in the
	// cloud's secret store that holds it, and keeps it a Pulumi secret, so
	// it is encrypted in the state and masked in every output. Default:
	// nil, use Ref.
	Value pulumi.StringInput `pulumi:"value,optional" provider:"secret"`
	// Mode is a file secret's permission bits, 1 to 0777 (Cloud Run only).
	// Default: 0444, readable by the container's non-root user.
	Mode *int `pulumi:"mode,optional"`
	// AllowLatest lets a file secret follow the version "latest" (Cloud Run
	// only): rotating the secret then needs no deployment, but deployments
	// stop being reproducible. Default: false, versions are pinned.
	AllowLatest bool `pulumi:"allowLatest,optional"`
}

// Defaults are a cloud's defaults for the Service fields that differ
// between clouds.
type Defaults struct {
	// CPU is the default vCPU.
	CPU float64
	// MinInstances is the default fewest instances.
	MinInstances int
	// Alarms is whether alarms roll a failing release back by default.
	Alarms bool
}

// The defaults every cloud shares.
const (
	// DefaultPort is Cloud Run's default port, used on both clouds.
	DefaultPort = 8080
	// DefaultMemory is the gen2 Cloud Run minimum and the smallest Fargate
	// size's memory.
	DefaultMemory = "512Mi"
	// DefaultConcurrency is Cloud Run's own default of requests per
	// instance, so that one setting means the same on both clouds.
	DefaultConcurrency = 80
	// DefaultMaxInstances bounds cost until someone raises it on purpose.
	DefaultMaxInstances = 10
	// DefaultTimeout is long enough for ordinary API requests and short
	// enough that a stuck request does not hold an instance for minutes.
	DefaultTimeout = "60s"
	// DefaultHealthPath is the health checks' path.
	DefaultHealthPath = "/healthz"
	// MaxNameLength leaves room in every cloud's shortest name limit (25,
	// the VPC connector) for the hash berth appends.
	MaxNameLength = 40
)

// Resolved is a Service with its defaults applied and values parsed, what a
// component builds from. Fields that failed a rule hold their default, so
// that the component can go on checking the rest.
type Resolved struct {
	// Name is Service.Name, or the component's name.
	Name string
	// Port is the container port.
	Port int
	// CPU is the vCPU.
	CPU float64
	// MemoryMiB is the memory in mebibytes.
	MemoryMiB int
	// Concurrency is the requests per instance; ConcurrencySet reports
	// whether it was given rather than defaulted.
	Concurrency    int
	ConcurrencySet bool
	// MinInstances and MaxInstances are the instance counts; MinSet reports
	// whether MinInstances was given.
	MinInstances, MaxInstances int
	MinSet                     bool
	// Timeout is the request timeout.
	Timeout time.Duration
	// HealthPath is the health checks' path.
	HealthPath string
	// Public reports whether the internet may call the service.
	Public bool
	// Env holds the plain environment, never nil.
	Env pulumi.StringMap
	// Secrets are the secrets, in order.
	Secrets []Secret
	// Rollout is how a release is watched and rolled back.
	Rollout ResolvedRollout
}

var (
	namePattern = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	envPattern  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	keyPattern  = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)
	// memoryPattern is a whole number of mebibytes or gibibytes.
	memoryPattern = regexp.MustCompile(`^([1-9][0-9]{0,6})(Mi|Gi)$`)
)

// Resolve applies d and the shared defaults to s and checks the rules
// every cloud shares, recording problems in ps under "service". name is the
// component's name, the default Name.
func Resolve(s Service, name string, d Defaults, ps *validate.Problems) Resolved {
	var p validate.Problems
	r := Resolved{
		Name:       s.Name,
		Port:       DefaultPort,
		CPU:        d.CPU,
		HealthPath: DefaultHealthPath,
		Public:     s.Public,
		Secrets:    s.Secrets,
	}
	if r.Name == "" {
		r.Name = name
	} else if len(r.Name) > MaxNameLength || !namePattern.MatchString(r.Name) {
		p.Addf("name", "%q is not a service name (allowed: a lowercase letter, then lowercase letters, digits and hyphens, not ending with a hyphen, at most %d characters)", r.Name, MaxNameLength)
	}
	if s.Port != nil {
		if *s.Port < 1 || *s.Port > 65535 {
			p.Addf("port", "%d is out of range (allowed: 1 to 65535; leave it out for %d)", *s.Port, DefaultPort)
		} else {
			r.Port = *s.Port
		}
	}
	if s.CPU != nil {
		if *s.CPU <= 0 {
			p.Addf("cpu", "%s vCPU is not a CPU size (allowed: a positive number of vCPU such as 0.5, 1 or 2; leave it out for %s)", FormatCPU(*s.CPU), FormatCPU(d.CPU))
		} else {
			r.CPU = *s.CPU
		}
	}
	memory := s.Memory
	if memory == "" {
		memory = DefaultMemory
	}
	mib, err := ParseMemory(memory)
	if err != nil {
		p.Addf("memory", "%v", err)
		mib, _ = ParseMemory(DefaultMemory)
	}
	r.MemoryMiB = mib

	r.Concurrency = DefaultConcurrency
	if s.Concurrency != nil {
		r.ConcurrencySet = true
		if *s.Concurrency < 1 {
			p.Addf("concurrency", "%d is not a concurrency (allowed: 1 or more requests per instance; leave it out for %d)", *s.Concurrency, DefaultConcurrency)
		} else {
			r.Concurrency = *s.Concurrency
		}
	}
	r.MinInstances, r.MaxInstances = d.MinInstances, DefaultMaxInstances
	if s.MinInstances != nil {
		r.MinSet = true
		if *s.MinInstances < 0 {
			p.Addf("minInstances", "%d is negative (allowed: 0 or more, at most maxInstances)", *s.MinInstances)
		} else {
			r.MinInstances = *s.MinInstances
		}
	}
	if s.MaxInstances != nil {
		if *s.MaxInstances < 1 {
			p.Addf("maxInstances", "%d is not an instance count (allowed: 1 or more, at least minInstances; leave it out for %d)", *s.MaxInstances, DefaultMaxInstances)
		} else {
			r.MaxInstances = *s.MaxInstances
		}
	}
	if r.MinInstances > r.MaxInstances {
		field, v := "minInstances", r.MinInstances
		if s.MaxInstances != nil {
			field, v = "maxInstances", r.MaxInstances
		}
		p.Addf(field, "%d leaves minInstances %d above maxInstances %d (allowed: minInstances at most maxInstances)", v, r.MinInstances, r.MaxInstances)
	}

	timeout := s.Timeout
	if timeout == "" {
		timeout = DefaultTimeout
	}
	if d, err := ParseSeconds(timeout); err != nil {
		p.Addf("timeout", "%v", err)
		r.Timeout, _ = ParseSeconds(DefaultTimeout)
	} else {
		r.Timeout = d
	}

	if s.HealthPath != "" {
		if !strings.HasPrefix(s.HealthPath, "/") || strings.ContainsAny(s.HealthPath, " \t\r\n") || len(s.HealthPath) > 1024 {
			p.Addf("healthPath", "%q is not an HTTP path (allowed: a path starting with \"/\", without spaces, at most 1024 characters, such as %q)", s.HealthPath, DefaultHealthPath)
		} else {
			r.HealthPath = s.HealthPath
		}
	}
	env, known := s.Env.(pulumi.StringMap)
	switch {
	case s.Env == nil:
	case !known:
		p.Addf("env", "a map that is an output, whose names are not known until it resolves (allowed: a map literal, pulumi.StringMap, whose values may be outputs)")
	}
	r.Env = env
	if r.Env == nil {
		r.Env = pulumi.StringMap{}
	}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if !envPattern.MatchString(k) {
			p.Addf(fmt.Sprintf("env[%q]", k), "%q is not an environment variable name (allowed: letters, digits and underscores, not starting with a digit)", k)
		} else if k == "PORT" {
			p.Addf(fmt.Sprintf("env[%q]", k), "PORT is set from port (allowed: any other name)")
		}
	}
	checkSecrets(s.Secrets, env, &p)
	r.Rollout = resolveRollout(s.Rollout, d, &p)
	if r.Rollout.Canary != nil && r.MaxInstances < 2 {
		// A release under observation needs room beside the stable one: on
		// Fargate the two lanes share the maximum; on Cloud Run, where the
		// maximum bounds each revision, one instance cannot take the
		// canary's share and a restart of the one instance at once.
		p.Addf("maxInstances", "%d leaves no instance for a canary beside the stable release (allowed with rollout.canary: 2 or more)", r.MaxInstances)
	}
	ps.Merge("service", &p)
	return r
}

// checkSecrets applies the secret rules every cloud shares.
func checkSecrets(secrets []Secret, env pulumi.StringMap, p *validate.Problems) {
	names := map[string]int{}
	files := map[string]int{}
	keys := map[string]int{}
	for i, s := range secrets {
		field := validate.Index("secrets", i)
		at := func(sub string) string { return validate.Join(field, sub) }
		switch {
		case s.Env == "" && s.Path == "":
			p.Addf(field, "neither env nor path is set (allowed: exactly one: the environment variable or the file that receives the value)")
		case s.Env != "" && s.Path != "":
			p.Addf(at("path"), "set together with env (allowed: exactly one of env and path)")
		case s.Env != "":
			_, plain := env[s.Env]
			j, dup := names[s.Env]
			switch {
			case !envPattern.MatchString(s.Env):
				p.Addf(at("env"), "%q is not an environment variable name (allowed: letters, digits and underscores, not starting with a digit)", s.Env)
			case s.Env == "PORT":
				p.Addf(at("env"), "PORT is set from port (allowed: any other name)")
			case plain:
				p.Addf(at("env"), "%q is also a plain variable in env (allowed: a name not in env)", s.Env)
			case dup:
				p.Addf(at("env"), "%q is already the env of secrets[%d] (allowed: each name once)", s.Env, j)
			}
			names[s.Env] = i
		default:
			clean := path.Clean(s.Path)
			j, dup := files[clean]
			switch {
			case !path.IsAbs(s.Path) || clean != s.Path:
				p.Addf(at("path"), "%q is not a clean absolute file path (allowed: such as \"/etc/secrets/db/password\")", s.Path)
			case dup:
				p.Addf(at("path"), "%q is already the path of secrets[%d] (allowed: each file once)", s.Path, j)
			}
			files[clean] = i
		}
		switch {
		case s.Ref == nil && s.Value == nil:
			p.Addf(field, "neither ref nor value is set (allowed: exactly one: ref, an existing secret, or value, which creates one)")
		case s.Ref != nil && s.Value != nil:
			p.Addf(at("value"), "set together with ref (allowed: exactly one of ref and value)")
		case s.Value != nil:
			if s.Version != nil {
				p.Addf(at("version"), "set with value (allowed: only with ref; the version created from value is used)")
			}
			if s.Key != "" {
				p.Addf(at("key"), "set with value (allowed: only with ref: a secret created from value holds the plain value, not JSON)")
			}
			if k := SecretKey(s); k != "" {
				if j, dup := keys[k]; dup {
					p.Addf(at("value"), "creates a secret named like the one of secrets[%d] (%q) (allowed: values for env or files with distinct names)", j, k)
				}
				keys[k] = i
			}
		case s.Ref != nil:
			if ref, ok := validate.Known(s.Ref); ok && strings.TrimSpace(ref) == "" {
				p.Addf(at("ref"), "empty (allowed: the name, ID or ARN of an existing secret)")
			}
		}
		if s.Key != "" && !keyPattern.MatchString(s.Key) {
			p.Addf(at("key"), "%q is not a JSON key berth can pass to ECS (allowed: letters, digits and \"_-./\")", s.Key)
		}
		if s.Mode != nil {
			if s.Path == "" {
				p.Addf(at("mode"), "set without path (allowed: only for a file secret)")
			} else if *s.Mode < 1 || *s.Mode > 0o777 {
				p.Addf(at("mode"), "%#o is not a file mode (allowed: 01 to 0777)", *s.Mode)
			}
		}
		if s.AllowLatest && s.Path == "" {
			p.Addf(at("allowLatest"), "set without path (allowed: only for a file secret, which Cloud Run reads whenever the file is read)")
		}
	}
}

// SecretKey names a secret by where its value goes: the environment
// variable, or the file's base name, lowercased with hyphens, as in
// "database-url". Components name the secrets they create from values with
// it.
func SecretKey(s Secret) string {
	key := s.Env
	if key == "" {
		key = path.Base(s.Path)
	}
	var b strings.Builder
	for _, r := range strings.ToLower(key) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// ParseMemory returns a memory quantity ("512Mi", "2Gi") in mebibytes.
func ParseMemory(q string) (int, error) {
	m := memoryPattern.FindStringSubmatch(q)
	if m == nil {
		return 0, fmt.Errorf("%q is not a memory quantity (allowed: a whole number followed by Mi or Gi, such as %q or \"2Gi\")", q, DefaultMemory)
	}
	n, _ := strconv.Atoi(m[1])
	if m[2] == "Gi" {
		n *= 1024
	}
	return n, nil
}

// FormatMiB renders mebibytes as a quantity, in Gi when whole: "512Mi",
// "2Gi".
func FormatMiB(mib int) string {
	if mib%1024 == 0 {
		return fmt.Sprintf("%dGi", mib/1024)
	}
	return fmt.Sprintf("%dMi", mib)
}

// FormatCPU renders vCPU the shortest way that reads back exactly: "0.25",
// "1".
func FormatCPU(vcpu float64) string {
	return strconv.FormatFloat(vcpu, 'f', -1, 64)
}

// ParseSeconds parses a duration in whole seconds, at least one second,
// such as "30s" or "5m".
func ParseSeconds(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a duration (allowed: whole seconds such as \"30s\" or \"5m\")", s)
	case d < time.Second:
		return 0, fmt.Errorf("%q is shorter than a second (allowed: whole seconds such as \"30s\" or \"5m\")", s)
	case d%time.Second != 0:
		return 0, fmt.Errorf("%q is not a whole number of seconds (allowed: such as \"30s\" or \"5m\")", s)
	}
	return d, nil
}
