package program

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/validate"
)

// Config is the typed stack configuration under the project namespace
// `berth:`. Components never read configuration; only this package does.
type Config struct {
	// Cloud selects the platform: "gcp" (Cloud Run) or "aws" (ECS Fargate).
	// Required.
	Cloud string
	// Service is the cloud-neutral description of the service.
	Service Service
	// GCP holds the settings used when Cloud is "gcp".
	GCP GCP
	// AWS holds the settings used when Cloud is "aws".
	AWS AWS
	// GCPProject and GCPRegion are the provider settings `gcp:project` and
	// `gcp:region`.
	GCPProject, GCPRegion string
	// AWSRegion is the provider setting `aws:region`.
	AWSRegion string

	stack string
}

// Service is the cloud-neutral `berth:service` block. Values valid on both
// clouds plan on either; a value only one cloud offers is rejected on the
// other by that cloud's component, with the config path named.
type Service struct {
	// Name is the service's name, used for the physical names of its
	// resources. Required: lowercase letters, digits and hyphens, starting
	// with a letter, at most 40 characters.
	Name string `json:"name"`
	// Port is the container port. Default: 8080. Allowed: 1-65535.
	Port int `json:"port"`
	// CPU is the vCPU count per instance, such as 0.5, 1 or 2. Default: 1.
	CPU float64 `json:"cpu"`
	// Memory is the memory per instance as a quantity such as 512Mi or 2Gi.
	// Default: 512Mi.
	Memory string `json:"memory"`
	// Concurrency is the number of requests one instance serves at once.
	// Default: 0, the component's default (80, or 1 below one vCPU on Cloud
	// Run, which requires it). Allowed: 1-1000.
	Concurrency int `json:"concurrency"`
	// MinInstances is the lowest instance (task) count. Default: 0 on Cloud
	// Run (scale to zero); on Fargate, which cannot scale a load-balanced
	// service to zero, the component's default of 2, and 0 is an error.
	MinInstances *int `json:"minInstances"`
	// MaxInstances is the highest instance (task) count. Default: 10.
	MaxInstances int `json:"maxInstances"`
	// Timeout is the request timeout as a duration such as 60s or 5m.
	// Default: 60s.
	Timeout string `json:"timeout"`
	// HealthPath is the HTTP path of the liveness and startup checks.
	// Default: /healthz.
	HealthPath string `json:"healthPath"`
	// Public lets anyone on the internet call the service. Default: false.
	Public bool `json:"public"`
	// Env holds plain environment variables. Default: none.
	Env map[string]string `json:"env"`
	// Secrets lists the secrets the service reads. Default: none.
	Secrets []Secret `json:"secrets"`
}

// Secret is one item of `service.secrets`: where the value reaches the
// container (Env or Path, exactly one) and where it comes from (Ref or Value,
// exactly one).
type Secret struct {
	// Env is the environment variable that receives the value.
	Env string `json:"env"`
	// Path is the absolute file path that receives the value.
	Path string `json:"path"`
	// Ref names an existing secret: on GCP a Secret Manager secret ID or
	// `projects/P/secrets/S`; on AWS a Secrets Manager ARN or an SSM
	// parameter name or ARN.
	Ref string `json:"ref"`
	// Version pins the secret version. Default: the version created with
	// Value; required with Ref on GCP env secrets.
	Version string `json:"version"`
	// Key is the JSON key inside an AWS Secrets Manager secret. AWS only.
	Key string `json:"key"`
	// Value is the secret's value; infra creates the secret and its version.
	// It must be set with `pulumi config set --secret --path`.
	Value *string `json:"value" secret:"true"`
}

// GCP is the `berth:gcp` block.
type GCP struct {
	// VPC configures egress into a VPC. Default: no VPC access.
	VPC *GCPVPC `json:"vpc"`
	// Ingress is who may reach the service over the network: all, internal
	// or internal-and-cloud-load-balancing. Default: all (callers still need
	// the invoker role unless service.public is true).
	Ingress string `json:"ingress"`
	// Invokers are IAM members granted roles/run.invoker, such as
	// `serviceAccount:ci@p.iam.gserviceaccount.com`. Default: none.
	Invokers []string `json:"invokers"`
}

// AWS is the `berth:aws` block.
type AWS struct {
	// VpcID is the VPC of the load balancer and the tasks. Required.
	VpcID string `json:"vpcId"`
	// PublicSubnetIDs are the load balancer's subnets, at least two in
	// different Availability Zones. Required.
	PublicSubnetIDs []string `json:"publicSubnetIds"`
	// PrivateSubnetIDs are the tasks' subnets. Required.
	PrivateSubnetIDs []string `json:"privateSubnetIds"`
	// CertificateARN is the ACM certificate of the HTTPS listener. Required
	// when service.public is true, unless PlainHTTP is set.
	CertificateARN string `json:"certificateArn"`
	// PlainHTTP serves unencrypted HTTP on a public load balancer without a
	// certificate, fit for dev only. Default: false.
	PlainHTTP bool `json:"plainHttp"`
	// AllowedCIDRs may reach the listeners. Default: the whole internet,
	// IPv4 and IPv6, on 80 and 443 only.
	AllowedCIDRs []string `json:"allowedCidrs"`
	// Architecture is the tasks' CPU architecture, X86_64 or ARM64; the
	// image is built for it. Default: X86_64.
	Architecture string `json:"architecture"`
	// ClusterARN runs the service in an existing cluster. Default: a new
	// cluster with Container Insights.
	ClusterARN string `json:"clusterArn"`
	// AssignPublicIP gives tasks public IPs, for VPCs without NAT. Default:
	// false.
	AssignPublicIP bool `json:"assignPublicIp"`
	// LogRetentionDays is how long CloudWatch keeps the logs. Default: 30.
	LogRetentionDays int `json:"logRetentionDays"`
	// KMSKeyARN is the customer-managed key of the secrets, if any.
	KMSKeyARN string `json:"kmsKeyArn"`
	// EnableExec turns on ECS Exec, which also makes the root filesystem
	// writable (the Exec agent writes to it). Default: false.
	EnableExec bool `json:"enableExec"`
	// TaskPolicy lists the task role's statements: the app's own AWS
	// permissions. No "*" or "iam:*" actions. Default: none, an empty task
	// role.
	TaskPolicy []AWSStatement `json:"taskPolicy"`
	// AllowWildcardResources lets TaskPolicy name the resource "*", for
	// actions without resource-level permissions. Default: false.
	AllowWildcardResources bool `json:"allowWildcardResources"`
}

// AWSStatement is one item of `berth:aws.taskPolicy`.
type AWSStatement struct {
	// Sid names the statement: letters and digits. Default: none.
	Sid string `json:"sid"`
	// Effect is Allow or Deny. Default: Allow.
	Effect string `json:"effect"`
	// Actions lists the actions, such as s3:GetObject. Required.
	Actions []string `json:"actions"`
	// Resources lists the resource ARNs. Required.
	Resources []string `json:"resources"`
}

// GCPVPC is `berth:gcp.vpc`: exactly one of Connector, ConnectorID and
// DirectVPC.
type GCPVPC struct {
	// Connector creates a Serverless VPC Access connector.
	Connector *GCPConnector `json:"connector"`
	// ConnectorID uses an existing connector,
	// `projects/P/locations/R/connectors/NAME`.
	ConnectorID string `json:"connectorId"`
	// DirectVPC uses Direct VPC egress.
	DirectVPC *GCPDirectVPC `json:"directVpc"`
	// Egress is which traffic goes through the VPC: private-ranges-only or
	// all-traffic. Default: private-ranges-only.
	Egress string `json:"egress"`
}

// GCPConnector is `berth:gcp.vpc.connector`.
type GCPConnector struct {
	// Name is the connector's name. Default: derived from the service name.
	Name string `json:"name"`
	// Network is the VPC network, with IPCIDRRange.
	Network string `json:"network"`
	// IPCIDRRange is an unused /28 range in Network.
	IPCIDRRange string `json:"ipCidrRange"`
	// Subnet is an existing unused /28 subnet, instead of Network and
	// IPCIDRRange.
	Subnet string `json:"subnet"`
	// MinInstances is the lowest connector instance count. Default: 2.
	MinInstances int `json:"minInstances"`
	// MaxInstances is the highest connector instance count. Default: 3.
	MaxInstances int `json:"maxInstances"`
	// MachineType is the connector's machine type. Default: e2-micro.
	MachineType string `json:"machineType"`
}

// GCPDirectVPC is `berth:gcp.vpc.directVpc`.
type GCPDirectVPC struct {
	// Network is the VPC network.
	Network string `json:"network"`
	// Subnetwork is the subnetwork, /26 or larger.
	Subnetwork string `json:"subnetwork"`
}

// Defaults for the service block, applied in one place.
const (
	defaultPort         = 8080
	defaultCPU          = 1.0
	defaultMemory       = "512Mi"
	defaultMaxInstances = 10
	defaultTimeout      = "60s"
	defaultHealthPath   = "/healthz"
)

// Clouds lists the allowed values of `berth:cloud`.
var Clouds = []string{"gcp", "aws"}

var serviceName = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

// LoadConfig reads the stack configuration and checks the cloud-neutral
// rules. It records every problem in p, each naming its config path, and
// returns what it could read with defaults in place of unusable values, so
// that the cloud's component can still check the rest: one run reports
// every problem.
func LoadConfig(ctx *pulumi.Context, p *validate.Problems) *Config {
	cfg := &Config{stack: ctx.Stack()}

	cfg.Cloud, _ = ctx.GetConfig("berth:cloud")
	switch cfg.Cloud {
	case "gcp", "aws":
	case "":
		p.Addf("cloud", "required (allowed: %s)", validate.OneOf(Clouds...))
	default:
		p.Addf("cloud", "%q is not a cloud berth deploys to (allowed: %s)", cfg.Cloud, validate.OneOf(Clouds...))
	}

	readObject(ctx, "service", &cfg.Service, p)
	switch cfg.Cloud {
	case "gcp":
		readObject(ctx, "gcp", &cfg.GCP, p)
	case "aws":
		readObject(ctx, "aws", &cfg.AWS, p)
	}
	cfg.GCPProject, _ = ctx.GetConfig("gcp:project")
	cfg.GCPRegion, _ = ctx.GetConfig("gcp:region")
	cfg.AWSRegion, _ = ctx.GetConfig("aws:region")

	cfg.Service.applyDefaults()
	cfg.Service.check(ctx.IsConfigSecret("berth:service"), p)
	if cfg.Cloud == "gcp" && cfg.GCPRegion == "" {
		p.Addf("gcp:region", "required for cloud gcp (set it with `pulumi config set gcp:region us-central1`)")
	}
	if cfg.Cloud == "aws" && cfg.AWSRegion == "" {
		p.Addf("aws:region", "required for cloud aws (set it with `pulumi config set aws:region us-east-1`)")
	}
	return cfg
}

// readObject decodes the JSON object config key berth:<key> into dst.
func readObject(ctx *pulumi.Context, key string, dst any, p *validate.Problems) {
	raw, ok := ctx.GetConfig("berth:" + key)
	if !ok {
		return
	}
	v, err := parseJSON(raw)
	if err != nil {
		p.Addf(key, "must be an object (set it in Pulumi.%s.yaml or with `pulumi config set --path`)", ctx.Stack())
		return
	}
	decodeStrict(key, v, dst, p)
}

func (s *Service) applyDefaults() {
	if s.Port == 0 {
		s.Port = defaultPort
	}
	if s.CPU == 0 {
		s.CPU = defaultCPU
	}
	if s.Memory == "" {
		s.Memory = defaultMemory
	}
	if s.MaxInstances == 0 {
		s.MaxInstances = defaultMaxInstances
	}
	if s.Timeout == "" {
		s.Timeout = defaultTimeout
	}
	if s.HealthPath == "" {
		s.HealthPath = defaultHealthPath
	}
}

// check applies the cloud-neutral rules; each cloud's component applies its
// own limits.
func (s *Service) check(secretConfig bool, p *validate.Problems) {
	switch {
	case s.Name == "":
		p.Addf("service.name", "required: lowercase letters, digits and hyphens, starting with a letter")
	case len(s.Name) > 40 || !serviceName.MatchString(s.Name):
		p.Addf("service.name", "%q is not a valid name (allowed: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen, at most 40 characters)", s.Name)
	}
	if s.Port < 1 || s.Port > 65535 {
		p.Addf("service.port", "%d is out of range (allowed: 1-65535)", s.Port)
	}
	if s.CPU < 0 {
		p.Addf("service.cpu", "%g must be positive", s.CPU)
	}
	if s.Concurrency < 0 {
		p.Addf("service.concurrency", "%d must not be negative (allowed: 1-1000)", s.Concurrency)
	}
	if s.MinInstances != nil && *s.MinInstances < 0 {
		p.Addf("service.minInstances", "%d must not be negative", *s.MinInstances)
	}
	if s.MaxInstances < 1 {
		p.Addf("service.maxInstances", "%d must be at least 1", s.MaxInstances)
	}
	if s.MinInstances != nil && s.MaxInstances < *s.MinInstances {
		p.Addf("service.maxInstances", "%d is below service.minInstances %d", s.MaxInstances, *s.MinInstances)
	}
	if d, err := time.ParseDuration(s.Timeout); err != nil || d <= 0 || d%time.Second != 0 {
		p.Addf("service.timeout", "%q is not a whole number of seconds (allowed: a duration such as 60s or 5m)", s.Timeout)
		s.Timeout = defaultTimeout // reported; keep checking the rest
	}
	if !strings.HasPrefix(s.HealthPath, "/") {
		p.Addf("service.healthPath", "%q must start with /", s.HealthPath)
	}
	keys := map[string]int{}
	for i, sec := range s.Secrets {
		path := validate.Index("service.secrets", i)
		if sec.Value != nil {
			// Created secrets are named after where their value goes.
			if j, dup := keys[secretKey(sec)]; dup {
				p.Addf(path, "creates a secret named like service.secrets[%d]'s (%q); give the env or file a distinct name", j, secretKey(sec))
			}
			keys[secretKey(sec)] = i
		}
		if (sec.Env == "") == (sec.Path == "") {
			p.Addf(path, "set exactly one of env and path")
		}
		if (sec.Ref == "") == (sec.Value == nil) {
			p.Addf(path, "set exactly one of ref (an existing secret) and value (set with `pulumi config set --secret --path %s.value`)", path)
		}
		if sec.Value != nil && !secretConfig {
			p.Addf(path+".value", "is stored in plaintext; set it with `pulumi config set --secret --path %s.value`", path)
		}
		if sec.Value != nil && sec.Version != "" {
			p.Addf(path+".version", "applies to ref only; the version created from value is used")
		}
		if sec.Value != nil && sec.Key != "" {
			p.Addf(path+".key", "applies to ref only: a secret created from value holds the plain value, not JSON")
		}
	}
}

// minInstances returns service.minInstances, or 0 when unset.
func (s *Service) minInstances() int {
	if s.MinInstances == nil {
		return 0
	}
	return *s.MinInstances
}

// The sample app's shutdown settings (app/internal/config): the time from
// SIGTERM to exit is DRAIN_DELAY plus at most SHUTDOWN_TIMEOUT.
const (
	appDrainDelayVar      = "DRAIN_DELAY"
	appShutdownTimeoutVar = "SHUTDOWN_TIMEOUT"
	appShutdownDefault    = 8 * time.Second
)

// exitMargin is what the platform should allow beyond the app's shutdown
// budget: the time the process needs to exit after its last step.
const exitMargin = 2 * time.Second

// shutdownBudget is the longest the app takes from SIGTERM to exit, from
// the service's env and the app's defaults. Unparsable values are reported
// (the app would refuse to start) and count as the defaults.
func (s *Service) shutdownBudget(p *validate.Problems) time.Duration {
	read := func(name string, def time.Duration) time.Duration {
		v, ok := s.Env[name]
		if !ok {
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

// timeout returns the parsed service timeout; check has replaced an
// unusable value with the default.
func (s *Service) timeout() time.Duration {
	d, err := time.ParseDuration(s.Timeout)
	if err != nil {
		panic(fmt.Sprintf("service.timeout %q passed check: %v", s.Timeout, err))
	}
	return d
}
