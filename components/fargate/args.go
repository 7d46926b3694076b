package fargate

import (
	"fmt"
	"maps"
	"math"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/envvar"
	"github.com/berth-dev/berth/components/internal/iampolicy"
	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/validate"
)

// CPUArchitecture is the CPU architecture of the task; the image must be
// built for it.
type CPUArchitecture string

const (
	// X86_64 runs the task on x86-64 (linux/amd64) processors.
	X86_64 CPUArchitecture = "X86_64"
	// ARM64 runs the task on Graviton (linux/arm64) processors, about 20%
	// cheaper for the same size.
	ARM64 CPUArchitecture = "ARM64"
)

// TLS policies of the HTTPS listener.
const (
	// TLS12And13 accepts TLS 1.2 and 1.3 with forward-secret ciphers only:
	// ELBSecurityPolicy-TLS13-1-2-2021-06, AWS's recommended policy. It is
	// the default because a few clients (older Android, Java 8, some
	// corporate proxies) still speak TLS 1.2 only.
	TLS12And13 = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	// TLS12And13Restricted is TLS12And13 without the CBC ciphers of TLS 1.2:
	// ELBSecurityPolicy-TLS13-1-2-Res-2021-06.
	TLS12And13Restricted = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
	// TLS13Only accepts TLS 1.3 only: ELBSecurityPolicy-TLS13-1-3-2021-06.
	TLS13Only = "ELBSecurityPolicy-TLS13-1-3-2021-06"
)

// Platform versions of the Fargate service.
const (
	// PlatformLatest is the newest Fargate platform version, today 1.4.0.
	PlatformLatest = "LATEST"
	// Platform140 pins platform version 1.4.0, the first with secrets JSON
	// keys, ephemeral storage and the 8 and 16 vCPU sizes.
	Platform140 = "1.4.0"
)

// Defaults, applied in one place (ServiceArgs.resolve).
const (
	// DefaultCPU is a quarter vCPU, the smallest Fargate size; enough for a
	// Go HTTP service at moderate load.
	DefaultCPU = 256
	// DefaultMemory is 512 MiB, the smallest memory offered with 256 CPU.
	DefaultMemory = 512
	// DefaultPort is the container port, the same as Cloud Run's.
	DefaultPort = 8080
	// DefaultHealthPath is the target group health check path.
	DefaultHealthPath = "/healthz"
	// DefaultHealthInterval checks every 10 s rather than AWS's 30 s, so
	// that with DefaultHealthyThreshold a new task takes traffic after about
	// 20 s instead of 2.5 min.
	DefaultHealthInterval = 10 * time.Second
	// DefaultHealthTimeout is AWS's own default; it must be below the
	// interval.
	DefaultHealthTimeout = 5 * time.Second
	// DefaultHealthyThreshold is the fewest consecutive successes AWS
	// allows, for fast deployments.
	DefaultHealthyThreshold = 2
	// DefaultUnhealthyThreshold takes a task out after 30 s of failures, a
	// margin against one slow garbage collection or database failover.
	DefaultUnhealthyThreshold = 3
	// DefaultHealthMatcher accepts only 200, so that a redirect or an error
	// page never counts as healthy.
	DefaultHealthMatcher = "200"
	// DefaultHealthCheckGracePeriod lets a task start before failing ALB
	// health checks count against it.
	DefaultHealthCheckGracePeriod = 30 * time.Second
	// DefaultIdleTimeout is the ALB's own default; the sample app's
	// keep-alive timeout (120 s) is longer, as it must be.
	DefaultIdleTimeout = 60 * time.Second
	// DefaultRequestTimeout is the longest a request may take, the sample
	// app's write timeout. It is the target group's deregistration delay.
	DefaultRequestTimeout = 30 * time.Second
	// DefaultStopTimeout is Fargate's own default: the time between SIGTERM
	// and SIGKILL, for the app's own drain and shutdown.
	DefaultStopTimeout = 30 * time.Second
	// DefaultLogRetentionDays keeps logs for a month, as Copilot does,
	// rather than forever.
	DefaultLogRetentionDays = 30
	// DefaultMinTasks keeps two tasks, one per Availability Zone, so that a
	// zone failure or a task replacement never leaves the service empty.
	DefaultMinTasks = 2
	// DefaultMaxTasks bounds cost.
	DefaultMaxTasks = 10
	// DefaultCPUTarget is the average CPU utilization, in percent, that
	// scaling keeps; the 40% headroom absorbs bursts while new tasks start.
	DefaultCPUTarget = 60
	// DefaultConcurrency is the number of requests in flight per task that
	// request-based scaling aims for: Cloud Run's default, so that one
	// setting means the same on both clouds.
	DefaultConcurrency = 80
	// DefaultLatency is the mean response time assumed when turning
	// Concurrency into a request rate.
	DefaultLatency = 200 * time.Millisecond
)

// typeToken is the component's Pulumi type.
const typeToken = "berth:fargate:Service"

// defaultAllowedCIDRs is the whole internet, IPv4 and IPv6; only the
// listener ports are open.
var defaultAllowedCIDRs = []string{"0.0.0.0/0", "::/0"}

// PolicyStatement is one statement of an IAM policy document: Sid, Effect
// ("Allow" or "Deny"; "" means Allow), Action and Resource lists, and an
// optional Condition. It is the type of ServiceArgs.TaskPolicyStatements,
// exported here so that other modules can build statements.
type PolicyStatement = iampolicy.Statement

// HealthCheck configures the target group's HTTP health check. Every zero
// field takes its default.
type HealthCheck struct {
	// Path is the HTTP path checked on the container port; it must start
	// with "/". Default: "/healthz".
	Path string
	// Interval is the time between checks, whole seconds from 5s to 300s,
	// greater than Timeout. Default: 10s.
	Interval time.Duration
	// Timeout is how long a check may take, whole seconds from 2s to 120s,
	// less than Interval. Default: 5s.
	Timeout time.Duration
	// HealthyThreshold is the number of consecutive successes before a task
	// takes traffic, 2 to 10. Default: 2.
	HealthyThreshold int
	// UnhealthyThreshold is the number of consecutive failures before a
	// task is taken out, 2 to 10. Default: 3.
	UnhealthyThreshold int
	// Matcher lists the HTTP codes that count as healthy, within 200 to
	// 499: "200", "200,204" or "200-299". Default: "200".
	Matcher string
}

// ServiceArgs configures a Fargate service behind an Application Load
// Balancer. Knobs are plain Go values, so that NewService validates them all
// before creating anything; only values produced by other resources (image,
// VPC, subnets, certificate, secret ARNs) are Pulumi inputs. The zero value
// of every optional field is the safe default.
type ServiceArgs struct {
	// Image is the container image, by digest
	// ("ACCOUNT.dkr.ecr.REGION.amazonaws.com/app@sha256:..."), for example an
	// image.Image's Ref, so that every change is a new task definition.
	// Default: none, required.
	Image pulumi.StringInput

	// RepositoryARN is the ECR repository the image is pulled from, for
	// example an image.Image's RepositoryArn. The execution role may pull
	// from exactly this repository. An empty value means no ECR pull grant.
	// Default: derived from Image when Image is a private ECR reference
	// ("ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME..."), otherwise none (a
	// public image needs no grant).
	RepositoryARN pulumi.StringInput

	// VpcID is the VPC of the target group and the security groups.
	// Default: none, required.
	VpcID pulumi.StringInput

	// LoadBalancerSubnetIDs are the load balancer's subnets: at least two,
	// in different Availability Zones; public subnets (routed to an internet
	// gateway) unless Internal is set. Default: none, required.
	LoadBalancerSubnetIDs pulumi.StringArrayInput

	// TaskSubnetIDs are the tasks' subnets, normally private subnets with a
	// NAT gateway or VPC endpoints for ECR, Secrets Manager, SSM and
	// CloudWatch Logs. At least one. Default: none, required.
	TaskSubnetIDs pulumi.StringArrayInput

	// AssignPublicIP gives each task a public IP, for VPCs without NAT
	// (TaskSubnetIDs must then be public subnets). The task security group
	// still admits only the load balancer. Default: false, private tasks.
	AssignPublicIP bool

	// Internal makes the load balancer internal: reachable only from the
	// VPC and networks connected to it. Default: false, internet-facing.
	Internal bool

	// AllowedCIDRs are the IPv4 and IPv6 ranges that may reach the load
	// balancer's listener ports (443 and 80, or 80 alone without a
	// certificate), each a valid CIDR listed once.
	// Default: "0.0.0.0/0" and "::/0", the whole internet.
	AllowedCIDRs []string

	// CertificateARN is the ACM certificate of the HTTPS listener on 443;
	// port 80 then redirects to HTTPS with a 301. Required on an
	// internet-facing load balancer unless PlainHTTP is set.
	// Default: nil, no HTTPS listener.
	CertificateARN pulumi.StringInput

	// PlainHTTP serves unencrypted HTTP on port 80 of an internet-facing
	// load balancer that has no CertificateARN, fit for development only.
	// It conflicts with CertificateARN; an internal load balancer serves
	// plain HTTP without it. Default: false, an internet-facing load
	// balancer without a certificate is a validation error.
	PlainHTTP bool

	// SSLPolicy is the HTTPS listener's TLS policy: TLS12And13,
	// TLS12And13Restricted or TLS13Only. Only with CertificateARN.
	// Default: TLS12And13.
	SSLPolicy string

	// IdleTimeout is how long the load balancer keeps an idle connection,
	// whole seconds from 1s to 4000s; the app's keep-alive timeout must be
	// longer. Default: 60s.
	IdleTimeout time.Duration

	// LoadBalancerName is the ALB's name: at most 32 letters, digits and
	// hyphens, no hyphen at either end, not beginning with "internal-".
	// Default: the component name, cut to fit, plus a 7-character hash of
	// project, stack, component name and Internal.
	LoadBalancerName string

	// TargetGroupName is the target group's name, same rules as
	// LoadBalancerName without the "internal-" rule. Default: like
	// LoadBalancerName, hashed with the port, so that a port change (which
	// replaces the target group) gets a new name.
	TargetGroupName string

	// ClusterARN is an existing ECS cluster to run in,
	// "arn:aws:ecs:REGION:ACCOUNT:cluster/NAME".
	// Default: nil, a new cluster with Container Insights on.
	ClusterARN pulumi.StringInput

	// CPU is the task's CPU units: 256, 512, 1024, 2048, 4096, 8192 or
	// 16384 (1024 is one vCPU). Default: 256.
	CPU int

	// Memory is the task's memory in MiB, one Fargate offers with CPU:
	//
	//	cpu     memory (MiB)
	//	256     512, 1024, 2048
	//	512     1024 - 4096, step 1024
	//	1024    2048 - 8192, step 1024
	//	2048    4096 - 16384, step 1024
	//	4096    8192 - 30720, step 1024
	//	8192    16384 - 61440, step 4096
	//	16384   32768 - 122880, step 8192
	//
	// Default: 512.
	Memory int

	// CPUArchitecture is X86_64 or ARM64; the image must be built for it.
	// Default: X86_64.
	CPUArchitecture CPUArchitecture

	// PlatformVersion is PlatformLatest or Platform140. Default: "LATEST".
	PlatformVersion string

	// Port is the container port the load balancer sends requests to, 1 to
	// 65535; the container also gets it as PORT. Default: 8080.
	Port int

	// HealthCheck is the target group's health check. Default: GET
	// /healthz every 10s, 5s timeout, healthy after 2, unhealthy after 3,
	// only 200 counts.
	HealthCheck HealthCheck

	// HealthCheckGracePeriod is how long ECS ignores failing load balancer
	// health checks of a new task, whole seconds from 1s. Default: 30s.
	HealthCheckGracePeriod time.Duration

	// RequestTimeout is the longest a request may take, whole seconds from
	// 1s to 3600s. It becomes the target group's deregistration delay: ECS
	// stops sending a task new requests, waits this long for requests in
	// flight, and only then sends SIGTERM. Default: 30s, rather than AWS's
	// 300s that makes every deployment wait five minutes per task.
	RequestTimeout time.Duration

	// StopTimeout is the time between SIGTERM and SIGKILL, whole seconds
	// from 1s to 120s. It must cover the app's drain delay plus shutdown
	// timeout (for berth's sample app, DRAIN_DELAY + SHUTDOWN_TIMEOUT).
	// Default: 30s.
	StopTimeout time.Duration

	// Env holds plain environment variables. Names are letters, digits and
	// underscores, not starting with a digit; PORT is set from Port. Do not
	// put secrets here: the values are stored in plain text in the task
	// definition. Default: none.
	Env map[string]string

	// Secrets are environment variables read from Secrets Manager or SSM
	// Parameter Store when a task starts. The execution role may read
	// exactly these. Default: none.
	Secrets []Secret

	// KMSKeyARN is the customer managed KMS key that encrypts the secrets,
	// "arn:aws:kms:REGION:ACCOUNT:key/ID"; the execution role gets
	// kms:Decrypt on it. Secrets encrypted with AWS managed keys need
	// nothing. Default: nil, no kms:Decrypt.
	KMSKeyARN pulumi.StringInput

	// WritableRootFilesystem lets the container write to its root
	// filesystem. Default: false, read-only.
	WritableRootFilesystem bool

	// EphemeralStorageGiB is the task's ephemeral storage, 21 to 200 GiB.
	// Default: 0, Fargate's 20 GiB.
	EphemeralStorageGiB int

	// LogRetentionDays is how long CloudWatch Logs keeps the container's
	// logs, one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
	// 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653; never "forever".
	// Default: 30.
	LogRetentionDays int

	// TaskPolicyStatements are the permissions of the task role, the
	// identity the app's AWS SDK calls use. Allow statements may not use
	// the action "*", a "*" service ("*:Get*") or "iam:*", and may use the
	// resource "*" only with AllowWildcardResources. To grant access to a
	// resource created in the same program, attach a policy to TaskRoleName
	// instead. Default: none, the task role has no permission.
	TaskPolicyStatements []PolicyStatement

	// AllowWildcardResources lets TaskPolicyStatements use the resource
	// "*", for actions that have no resource-level permissions.
	// Default: false.
	AllowWildcardResources bool

	// EnableExec turns on ECS Exec (`aws ecs execute-command`) and gives the
	// task role the four ssmmessages permissions it needs, which AWS
	// supports on "*" only. ECS Exec needs WritableRootFilesystem, because
	// its agent writes into the container. Default: false.
	EnableExec bool

	// MinTasks is the fewest tasks, 1 or more and at most MaxTasks; Fargate
	// target tracking cannot scale a load-balanced service to zero.
	// Default: 2.
	MinTasks int

	// MaxTasks is the most tasks, at least MinTasks and at most 1000.
	// Default: 10.
	MaxTasks int

	// CPUTarget is the average CPU utilization, in percent from 10 to 90,
	// that scaling keeps. Default: 60.
	CPUTarget int

	// Concurrency is the number of requests one task serves at once, 1 to
	// 10000, as on Cloud Run. Request-based scaling aims at
	// ConcurrencyUtilization of it, so that tasks are added before they
	// saturate. With the mean response time Latency, Little's law gives the
	// target of the ALBRequestCountPerTarget metric (requests per task per
	// minute): round(0.7 × 60 × Concurrency / Latency in seconds).
	// Default: 80.
	Concurrency int

	// Latency is the service's mean response time, from 1ms to 1m, used
	// only to turn Concurrency into a request rate. Default: 200ms.
	Latency time.Duration

	// Tags are added to every resource that takes tags, after the tag
	// managed-by=berth (which a key of the same name replaces), and
	// propagated from the service to its tasks. Keys are 1 to 128
	// characters, values at most 256, and keys may not begin with "aws:".
	// Default: only managed-by=berth.
	Tags map[string]string
}

// plan is ServiceArgs with every default resolved and every value checked:
// what NewService builds from.
type plan struct {
	// Physical names.
	cluster, service, family, loadBalancer, targetGroup string
	execRole, taskRole, logGroup, container             string

	port                int
	cpu, memory         int
	arch                CPUArchitecture
	platformVersion     string
	internal, publicIP  bool
	cidrs               []netip.Prefix
	https               bool
	sslPolicy           string
	idleTimeout         int
	health              HealthCheck
	gracePeriod         int
	deregistrationDelay int
	stopTimeout         int
	ephemeralGiB        int
	readonlyRoot        bool
	env                 map[string]string
	secrets             []plannedSecret
	retentionDays       int
	taskStatements      []iampolicy.Statement
	exec                bool
	minTasks, maxTasks  int
	cpuTarget           int
	requestTarget       int
	tags                map[string]string
}

var (
	actionPattern = regexp.MustCompile(`^[A-Za-z0-9*-]+:[A-Za-z0-9*?]+$`)
)

// resolve applies the defaults and checks every rule, collecting all
// problems. project and stack seed the derived names together with name.
func (a *ServiceArgs) resolve(project, stack, name string) (*plan, error) {
	var ps validate.Problems
	seed := naming.Seed(project, stack, name)
	p := &plan{
		internal:     a.Internal,
		publicIP:     a.AssignPublicIP,
		https:        a.CertificateARN != nil,
		readonlyRoot: !a.WritableRootFilesystem,
		exec:         a.EnableExec,
		container:    "app",
	}
	p.cluster = naming.Physical(name, seed, 255)
	p.service = naming.Physical(name, seed, 255)
	p.family = naming.Physical(name, seed, 255)
	p.execRole = naming.Physical(name+"-exec", seed, 64)
	p.taskRole = naming.Physical(name+"-task", seed, 64)
	p.logGroup = "/berth/" + naming.Physical(name, seed, 255)

	resolveInputs(a, &ps)

	p.port = a.Port
	if p.port == 0 {
		p.port = DefaultPort
	} else if p.port < 1 || p.port > 65535 {
		ps.Addf("port", "%d is out of range (allowed: 1 to 65535)", p.port)
	}

	resolveLoadBalancer(a, p, seed, &ps)
	resolveTask(a, p, &ps)
	resolveScaling(a, p, &ps)
	p.taskStatements = resolveTaskStatements(a.TaskPolicyStatements, a.AllowWildcardResources, &ps)
	p.tags = resolveTags(a.Tags, &ps)

	if err := ps.Err(typeToken, name); err != nil {
		return nil, err
	}
	return p, nil
}

// resolveInputs checks the Pulumi inputs whose values are known now.
func resolveInputs(a *ServiceArgs, ps *validate.Problems) {
	if a.Image == nil {
		ps.Addf("image", "required (the image reference, preferably by digest)")
	} else if s, ok := validate.Known(a.Image); ok && strings.TrimSpace(s) == "" {
		ps.Addf("image", "must not be empty (the image reference, preferably by digest)")
	}
	if a.RepositoryARN != nil {
		if s, ok := validate.Known(a.RepositoryARN); ok && s != "" && !arnOf(s, "ecr", "repository/") {
			ps.Addf("repositoryArn", "%q is not an ECR repository ARN (allowed: arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME, or empty for no ECR grant)", s)
		}
	}
	if a.VpcID == nil {
		ps.Addf("vpcId", "required (the ID of the VPC, such as \"vpc-0123456789abcdef0\")")
	} else if s, ok := validate.Known(a.VpcID); ok && !strings.HasPrefix(s, "vpc-") {
		ps.Addf("vpcId", "%q is not a VPC ID (allowed: \"vpc-\" followed by hex digits)", s)
	}
	subnets(ps, "loadBalancerSubnetIds", a.LoadBalancerSubnetIDs, 2, "at least two subnets in different Availability Zones")
	subnets(ps, "taskSubnetIds", a.TaskSubnetIDs, 1, "at least one subnet")
	switch s, known := validate.Known(a.CertificateARN); {
	case a.CertificateARN != nil && a.PlainHTTP:
		ps.Addf("plainHttp", "set together with certificateArn (allowed: one of them: certificateArn for HTTPS, plainHttp for unencrypted HTTP)")
	case a.CertificateARN != nil && known && s == "":
		ps.Addf("certificateArn", "empty (allowed: an ACM certificate ARN, arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID; to serve unencrypted HTTP instead, leave it unset and set plainHttp)")
	case a.CertificateARN != nil && known && !arnOf(s, "acm", "certificate/") && !arnOf(s, "iam", "server-certificate/"):
		ps.Addf("certificateArn", "%q is not a certificate ARN (allowed: arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID)", s)
	case a.CertificateARN == nil && !a.Internal && !a.PlainHTTP:
		ps.Addf("certificateArn", "required on an internet-facing load balancer (allowed: an ACM certificate ARN; to serve unencrypted HTTP, fit for development only, set plainHttp)")
	}
	if a.ClusterARN != nil {
		if s, ok := validate.Known(a.ClusterARN); ok && !arnOf(s, "ecs", "cluster/") {
			ps.Addf("clusterArn", "%q is not an ECS cluster ARN (allowed: arn:PARTITION:ecs:REGION:ACCOUNT:cluster/NAME, or nil for a new cluster)", s)
		}
	}
	if a.KMSKeyARN != nil {
		if s, ok := validate.Known(a.KMSKeyARN); ok && !arnOf(s, "kms", "key/") {
			ps.Addf("kmsKeyArn", "%q is not a KMS key ARN (allowed: arn:PARTITION:kms:REGION:ACCOUNT:key/ID; an alias ARN does not authorize kms:Decrypt)", s)
		}
	}
}

// subnets checks a subnet list whose elements are known now.
func subnets(ps *validate.Problems, field string, in pulumi.StringArrayInput, least int, allowed string) {
	if in == nil {
		ps.Addf(field, "required (allowed: %s)", allowed)
		return
	}
	list, ok := in.(pulumi.StringArray)
	if !ok {
		return
	}
	seen := map[string]int{}
	for i, el := range list {
		s, known := validate.Known(el)
		if !known {
			continue
		}
		if !strings.HasPrefix(s, "subnet-") {
			ps.Addf(validate.Index(field, i), "%q is not a subnet ID (allowed: \"subnet-\" followed by hex digits)", s)
		} else if j, dup := seen[s]; dup {
			ps.Addf(validate.Index(field, i), "%q is already %s (allowed: each subnet once)", s, validate.Index(field, j))
		}
		seen[s] = i
	}
	if len(list) < least {
		ps.Addf(field, "%d subnets (allowed: %s)", len(list), allowed)
	}
}

// resolveLoadBalancer resolves the ALB, its listeners and the target group.
func resolveLoadBalancer(a *ServiceArgs, p *plan, seed string, ps *validate.Problems) {
	p.loadBalancer = a.LoadBalancerName
	if p.loadBalancer == "" {
		p.loadBalancer = albName(seed, p.internal)
	} else if msg := lbNameProblem(p.loadBalancer, true); msg != "" {
		ps.Addf("loadBalancerName", "%s", msg)
	}
	p.targetGroup = a.TargetGroupName
	if p.targetGroup == "" {
		base := seed[strings.LastIndex(seed, "/")+1:]
		// The port and VPC force a replacement, which Pulumi creates before
		// it deletes the old group: hashing them in keeps the two names apart.
		vpc, _ := validate.Known(a.VpcID)
		p.targetGroup = naming.Physical(base, fmt.Sprintf("%s/tg/%d/%s", seed, portOr(a.Port), vpc), maxLBName)
	} else if msg := lbNameProblem(p.targetGroup, false); msg != "" {
		ps.Addf("targetGroupName", "%s", msg)
	}

	cidrs := a.AllowedCIDRs
	if cidrs == nil {
		cidrs = defaultAllowedCIDRs
	} else if len(cidrs) == 0 {
		ps.Addf("allowedCidrs", "empty (allowed: at least one CIDR; leave nil for the whole internet)")
	}
	seen := map[netip.Prefix]int{}
	for i, c := range cidrs {
		field := validate.Index("allowedCidrs", i)
		pfx, err := netip.ParsePrefix(c)
		switch {
		case err != nil:
			ps.Addf(field, "%q is not a CIDR (allowed: an IPv4 or IPv6 range such as \"203.0.113.0/24\" or \"2001:db8::/32\")", c)
		case pfx.Masked() != pfx:
			ps.Addf(field, "%q has host bits set (allowed: the network address, %q)", c, pfx.Masked().String())
		default:
			if j, dup := seen[pfx]; dup {
				ps.Addf(field, "%q is already allowedCidrs[%d] (allowed: each range once)", c, j)
				continue
			}
			seen[pfx] = i
			p.cidrs = append(p.cidrs, pfx)
		}
	}

	switch a.SSLPolicy {
	case "":
		p.sslPolicy = TLS12And13
	case TLS12And13, TLS12And13Restricted, TLS13Only:
		p.sslPolicy = a.SSLPolicy
		if !p.https {
			ps.Addf("sslPolicy", "set without certificateArn (allowed: empty without a certificate)")
		}
	default:
		ps.Addf("sslPolicy", "%q is not a TLS 1.3 policy (allowed: %s)", a.SSLPolicy, validate.OneOf(TLS12And13, TLS12And13Restricted, TLS13Only))
	}

	p.idleTimeout = seconds(ps, "idleTimeout", a.IdleTimeout, DefaultIdleTimeout, minIdleTimeout, maxIdleTimeout)

	h := a.HealthCheck
	p.health = HealthCheck{Path: h.Path, Matcher: h.Matcher, HealthyThreshold: h.HealthyThreshold, UnhealthyThreshold: h.UnhealthyThreshold}
	if p.health.Path == "" {
		p.health.Path = DefaultHealthPath
	} else if !strings.HasPrefix(h.Path, "/") || strings.ContainsAny(h.Path, " \t\r\n") || len(h.Path) > 1024 {
		ps.Addf("healthCheck.path", "%q is not an HTTP path (allowed: a path starting with \"/\", without spaces, at most 1024 characters, such as %q)", h.Path, DefaultHealthPath)
	}
	interval := seconds(ps, "healthCheck.interval", h.Interval, DefaultHealthInterval, minInterval, maxInterval)
	timeout := seconds(ps, "healthCheck.timeout", h.Timeout, DefaultHealthTimeout, minTimeout, maxTimeout)
	if interval > 0 && timeout > 0 && timeout >= interval {
		ps.Addf("healthCheck.timeout", "%ds is not less than the interval of %ds (allowed: less than healthCheck.interval)", timeout, interval)
	}
	p.health.Interval = time.Duration(interval) * time.Second
	p.health.Timeout = time.Duration(timeout) * time.Second
	p.health.HealthyThreshold = threshold(ps, "healthCheck.healthyThreshold", h.HealthyThreshold, DefaultHealthyThreshold)
	p.health.UnhealthyThreshold = threshold(ps, "healthCheck.unhealthyThreshold", h.UnhealthyThreshold, DefaultUnhealthyThreshold)
	if p.health.Matcher == "" {
		p.health.Matcher = DefaultHealthMatcher
	} else if msg := matcherProblem(h.Matcher); msg != "" {
		ps.Addf("healthCheck.matcher", "%s", msg)
	}

	p.gracePeriod = seconds(ps, "healthCheckGracePeriod", a.HealthCheckGracePeriod, DefaultHealthCheckGracePeriod, 1, maxGracePeriod)
	p.deregistrationDelay = seconds(ps, "requestTimeout", a.RequestTimeout, DefaultRequestTimeout, 1, maxDeregistrationDelay)
}

// albName derives the ALB name; Internal is part of the hash because
// changing it replaces the load balancer. A name that would begin with
// "internal-" gets an "lb-" prefix.
func albName(seed string, internal bool) string {
	base := seed[strings.LastIndex(seed, "/")+1:]
	hashed := seed
	if internal {
		hashed += "/internal"
	}
	n := naming.Physical(base, hashed, maxLBName)
	if strings.HasPrefix(n, "internal-") {
		n = naming.Physical("lb-"+base, hashed, maxLBName)
	}
	return n
}

// portOr returns port, or the default port when it is unset.
func portOr(port int) int {
	if port == 0 {
		return DefaultPort
	}
	return port
}

// resolveTask resolves the task definition's size, platform, container and
// logs.
func resolveTask(a *ServiceArgs, p *plan, ps *validate.Problems) {
	p.cpu = a.CPU
	if p.cpu == 0 {
		p.cpu = DefaultCPU
	}
	p.memory = a.Memory
	if p.memory == 0 {
		p.memory = DefaultMemory
	}
	if msg := cpuProblem(p.cpu); msg != "" {
		ps.Addf("cpu", "%s", msg)
	} else if msg := memoryProblem(p.cpu, p.memory); msg != "" {
		ps.Addf("memory", "%s", msg)
	}

	switch a.CPUArchitecture {
	case "":
		p.arch = X86_64
	case X86_64, ARM64:
		p.arch = a.CPUArchitecture
	default:
		ps.Addf("cpuArchitecture", "%q is not a Fargate CPU architecture (allowed: %s)", a.CPUArchitecture, validate.OneOf(X86_64, ARM64))
	}
	switch a.PlatformVersion {
	case "":
		p.platformVersion = PlatformLatest
	case PlatformLatest, Platform140:
		p.platformVersion = a.PlatformVersion
	default:
		ps.Addf("platformVersion", "%q is not a supported platform version (allowed: %s; older versions lack secrets JSON keys and ephemeral storage)", a.PlatformVersion, validate.OneOf(PlatformLatest, Platform140))
	}

	p.stopTimeout = seconds(ps, "stopTimeout", a.StopTimeout, DefaultStopTimeout, 1, maxStopTimeout)

	switch g := a.EphemeralStorageGiB; {
	case g == 0:
	case g < minEphemeralGiB || g > maxEphemeralGiB:
		ps.Addf("ephemeralStorageGiB", "%d is out of range (allowed: %d to %d, or 0 for the 20 GiB every task gets)", g, minEphemeralGiB, maxEphemeralGiB)
	default:
		p.ephemeralGiB = g
	}

	p.retentionDays = a.LogRetentionDays
	if p.retentionDays == 0 {
		p.retentionDays = DefaultLogRetentionDays
	} else if msg := retentionProblem(p.retentionDays); msg != "" {
		ps.Addf("logRetentionDays", "%s", msg)
	}

	for _, k := range slices.Sorted(maps.Keys(a.Env)) {
		field := fmt.Sprintf("env[%q]", k)
		if msg := envvar.NameProblem(k); msg != "" {
			ps.Addf(field, "%s", msg)
		} else if k == "PORT" {
			ps.Addf(field, "PORT is set from port (allowed: any other name)")
		}
	}
	p.env = a.Env
	p.secrets = resolveSecrets(a.Secrets, a.Env, ps)
	if a.KMSKeyARN != nil && len(a.Secrets) == 0 {
		ps.Addf("kmsKeyArn", "set without secrets (allowed: nil, or a key together with the secrets it encrypts)")
	}

	if a.EnableExec && !a.WritableRootFilesystem {
		ps.Addf("enableExec", "ECS Exec's agent writes into the container, which a read-only root filesystem forbids (allowed: true only with writableRootFilesystem)")
	}
}

// resolveScaling resolves the task count and the scaling targets.
func resolveScaling(a *ServiceArgs, p *plan, ps *validate.Problems) {
	p.minTasks = a.MinTasks
	if p.minTasks == 0 {
		p.minTasks = DefaultMinTasks
	}
	p.maxTasks = a.MaxTasks
	if p.maxTasks == 0 {
		p.maxTasks = DefaultMaxTasks
	}
	switch {
	case a.MinTasks < 0:
		ps.Addf("minTasks", "%d is negative (allowed: 1 to maxTasks; Fargate behind a load balancer does not scale to zero)", a.MinTasks)
	case a.MaxTasks < 0 || a.MaxTasks > 1000:
		ps.Addf("maxTasks", "%d is out of range (allowed: 1 to 1000, at least minTasks)", a.MaxTasks)
	case p.minTasks > p.maxTasks:
		ps.Addf("minTasks", "%d is above maxTasks %d (allowed: 1 to %d)", p.minTasks, p.maxTasks, p.maxTasks)
	}

	p.cpuTarget = a.CPUTarget
	if p.cpuTarget == 0 {
		p.cpuTarget = DefaultCPUTarget
	} else if p.cpuTarget < 10 || p.cpuTarget > 90 {
		ps.Addf("cpuTarget", "%d%% is out of range (allowed: 10 to 90)", p.cpuTarget)
	}

	concurrency := a.Concurrency
	if concurrency == 0 {
		concurrency = DefaultConcurrency
	} else if concurrency < 1 || concurrency > 10000 {
		ps.Addf("concurrency", "%d is out of range (allowed: 1 to 10000)", concurrency)
	}
	latency := a.Latency
	if latency == 0 {
		latency = DefaultLatency
	} else if latency < time.Millisecond || latency > time.Minute {
		ps.Addf("latency", "%s is out of range (allowed: 1ms to 1m0s)", latency)
	}
	p.requestTarget = requestsPerTargetPerMinute(concurrency, latency)
}

// ConcurrencyUtilization is the share of Concurrency that request-based
// scaling keeps each task at: Knative's (and so Cloud Run's) default target
// of 70%, so a task has headroom while a new one starts.
const ConcurrencyUtilization = 0.7

// requestsPerTargetPerMinute turns a concurrency into the target of the
// ALBRequestCountPerTarget metric, which counts requests per target per
// minute. By Little's law, C requests in flight at a mean latency of L
// seconds arrive at C/L per second, 60·C/L per minute; scaling aims at
// ConcurrencyUtilization of that. The result is at least 1.
func requestsPerTargetPerMinute(concurrency int, latency time.Duration) int {
	n := int(math.Round(ConcurrencyUtilization * 60 * float64(concurrency) / latency.Seconds()))
	return max(n, 1)
}

// resolveTaskStatements checks the task role's statements: Allow statements
// may not grant every action, every action of every service or IAM, and may
// name the resource "*" only with allowWildcard.
func resolveTaskStatements(statements []iampolicy.Statement, allowWildcard bool, ps *validate.Problems) []iampolicy.Statement {
	out := make([]iampolicy.Statement, 0, len(statements))
	for i, s := range statements {
		field := validate.Index("taskPolicyStatements", i)
		if s.Effect == "" {
			s.Effect = iampolicy.Allow
		}
		switch s.Effect {
		case iampolicy.Allow, iampolicy.Deny:
		default:
			ps.Addf(validate.Join(field, "effect"), "%q is not an effect (allowed: %s)", s.Effect, validate.OneOf(iampolicy.Allow, iampolicy.Deny))
		}
		if s.Principal != nil {
			ps.Addf(validate.Join(field, "principal"), "set in an identity policy (allowed: nil)")
		}
		if len(s.Action) == 0 {
			ps.Addf(validate.Join(field, "action"), "empty (allowed: at least one \"service:Action\")")
		}
		if len(s.Resource) == 0 {
			ps.Addf(validate.Join(field, "resource"), "empty (allowed: at least one resource ARN)")
		}
		allow := s.Effect == iampolicy.Allow
		for j, act := range s.Action {
			af := validate.Index(validate.Join(field, "action"), j)
			service, _, _ := strings.Cut(act, ":")
			switch {
			case act == "*":
				if allow {
					ps.Addf(af, "\"*\" grants every action of every service (allowed: named actions such as \"s3:GetObject\")")
				}
			case !actionPattern.MatchString(act):
				ps.Addf(af, "%q is not an action (allowed: \"service:Action\", such as \"s3:GetObject\")", act)
			case allow && strings.Contains(service, "*"):
				ps.Addf(af, "%q grants actions of every service (allowed: a named service)", act)
			case allow && strings.EqualFold(service, "iam") && strings.ContainsAny(act, "*?"):
				ps.Addf(af, "%q grants IAM wildcards, which lets the task escalate its own permissions (allowed: named IAM actions)", act)
			}
		}
		for j, res := range s.Resource {
			rf := validate.Index(validate.Join(field, "resource"), j)
			switch {
			case res == "*" && allow && !allowWildcard:
				ps.Addf(rf, "\"*\" grants the actions on every resource (allowed: resource ARNs; set allowWildcardResources for actions without resource-level permissions)")
			case res != "*" && !strings.HasPrefix(res, "arn:"):
				ps.Addf(rf, "%q is not an ARN (allowed: \"arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE\" or \"*\")", res)
			}
		}
		out = append(out, s)
	}
	return out
}

// resolveTags checks the caller's tags and adds managed-by=berth.
func resolveTags(tags map[string]string, ps *validate.Problems) map[string]string {
	out := map[string]string{"managed-by": "berth"}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		field := fmt.Sprintf("tags[%q]", k)
		switch {
		case k == "" || len(k) > 128:
			ps.Addf(field, "key is %d characters long (allowed: 1 to 128)", len(k))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			ps.Addf(field, "key begins with \"aws:\", which AWS reserves (allowed: any other key)")
		}
		if len(tags[k]) > 256 {
			ps.Addf(field, "value is %d characters long (allowed: at most 256)", len(tags[k]))
		}
		out[k] = tags[k]
	}
	if len(out) > 50 {
		ps.Addf("tags", "%d tags with managed-by (allowed: at most 50)", len(out))
	}
	return out
}

// seconds resolves a duration that AWS takes in whole seconds: def when d
// is zero, else d checked against lo and hi seconds. It returns 0 after
// recording a problem.
func seconds(ps *validate.Problems, field string, d, def time.Duration, lo, hi int) int {
	if d == 0 {
		d = def
	}
	if d%time.Second != 0 {
		ps.Addf(field, "%s is not a whole number of seconds (allowed: whole seconds from %ds to %ds)", d, lo, hi)
		return 0
	}
	s := d / time.Second
	if s < time.Duration(lo) || s > time.Duration(hi) {
		ps.Addf(field, "%s is out of range (allowed: %ds to %ds)", d, lo, hi)
		return 0
	}
	return int(s)
}

// threshold resolves a health check threshold.
func threshold(ps *validate.Problems, field string, n, def int) int {
	if n == 0 {
		return def
	}
	if n < minThreshold || n > maxThreshold {
		ps.Addf(field, "%d is out of range (allowed: %d to %d)", n, minThreshold, maxThreshold)
	}
	return n
}

// arnOf reports whether s is an ARN of service whose resource part starts
// with resourcePrefix: arn:PARTITION:SERVICE:REGION:ACCOUNT:PREFIX...
func arnOf(s, service, resourcePrefix string) bool {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != service {
		return false
	}
	if service != "iam" && (parts[3] == "" || !accountID.MatchString(parts[4])) {
		return false
	}
	return strings.HasPrefix(parts[5], resourcePrefix) && len(parts[5]) > len(resourcePrefix)
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
