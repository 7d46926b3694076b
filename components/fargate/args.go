package fargate

import (
	"net/netip"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/awstags"
	"github.com/berth-dev/berth/components/internal/iampolicy"
	"github.com/berth-dev/berth/components/internal/imageref"
	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// Defaults that only Fargate has, applied in one place
// (ServiceArgs.resolve); spec holds the shared ones.
const (
	// DefaultCPU is a quarter vCPU, the smallest Fargate size; enough for a
	// Go HTTP service at moderate load.
	DefaultCPU = 0.25
	// DefaultMinInstances keeps two tasks, one per Availability Zone, so
	// that a zone failure or a task replacement never leaves the service
	// empty.
	DefaultMinInstances = 2
	// DefaultHealthInterval checks every 10 s rather than AWS's 30 s, so
	// that with DefaultHealthyThreshold a new task takes traffic after about
	// 20 s instead of 2.5 min.
	DefaultHealthInterval = "10s"
	// DefaultHealthTimeout is AWS's own default; it must be below the
	// interval.
	DefaultHealthTimeout = "5s"
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
	DefaultHealthCheckGracePeriod = "30s"
	// DefaultIdleTimeout is the ALB's own default; the idle timeout is never
	// shorter than service.timeout, so that a long request is not cut.
	DefaultIdleTimeout = 60 * time.Second
	// DefaultStopTimeout is Fargate's own default: the time between SIGTERM
	// and SIGKILL, for the app's own drain and shutdown.
	DefaultStopTimeout = "30s"
	// DefaultLogRetentionDays keeps logs for a month, as Copilot does,
	// rather than forever.
	DefaultLogRetentionDays = 30
	// DefaultCPUTarget is the average CPU utilization, in percent, that
	// scaling keeps; the 40% headroom absorbs bursts while new tasks start.
	DefaultCPUTarget = 60
	// DefaultLatency is the mean response time assumed when turning
	// service.concurrency into a request rate.
	DefaultLatency = "200ms"
	// MaxConcurrency is the most requests per task request-based scaling
	// plans for.
	MaxConcurrency = 10000
	// MaxInstances is the most tasks a service scales to here.
	MaxInstances = 1000
)

// TypeToken is the component's Pulumi type.
const TypeToken = "berth:fargate:Service"

// Defaults are Fargate's defaults for the fields of spec.Service that
// differ between clouds.
var Defaults = spec.Defaults{CPU: DefaultCPU, MinInstances: DefaultMinInstances, Alarms: true}

// ServiceArgs configures a Fargate service behind an Application Load
// Balancer: the cloud-neutral Service and the settings only AWS has. Knobs
// are plain Go values, so that NewService validates them all before
// creating anything; only values produced by other resources (image, VPC,
// subnets, certificate, secret ARNs) are Pulumi inputs.
type ServiceArgs struct {
	// Image is the container image, by digest
	// ("ACCOUNT.dkr.ecr.REGION.amazonaws.com/app@sha256:..."), for example an
	// image.Image's Ref, so that every change is a new task definition.
	// Required.
	Image pulumi.StringInput `pulumi:"image"`
	// RepositoryARN is the ECR repository the image is pulled from, for
	// example an image.Image's RepositoryARN. The execution role may pull
	// from exactly this repository; an empty value means no ECR pull grant.
	// Default: derived from Image when Image is a private ECR reference,
	// otherwise none (a public image needs no grant).
	RepositoryARN pulumi.StringInput `pulumi:"repositoryArn,optional"`
	// Service describes the service in the words every cloud shares.
	// service.public makes the load balancer internet-facing.
	// Default: nil, every field's own default.
	Service *spec.Service `pulumi:"service,optional"`
	// AWS holds the settings only AWS has; the VPC and subnets are required.
	AWS AWS `pulumi:"aws"`
}

// AWS holds the settings of a service that only AWS has.
type AWS struct {
	// VPCID is the VPC of the target group and the security groups.
	// Required.
	VPCID pulumi.StringInput `pulumi:"vpcId"`
	// LoadBalancerSubnetIDs are the load balancer's subnets: at least two,
	// in different Availability Zones; public subnets (routed to an internet
	// gateway) when service.public is set. Required.
	LoadBalancerSubnetIDs pulumi.StringArrayInput `pulumi:"loadBalancerSubnetIds"`
	// TaskSubnetIDs are the tasks' subnets, normally private subnets with a
	// NAT gateway or VPC endpoints for ECR, Secrets Manager, SSM and
	// CloudWatch Logs. At least one. Required.
	TaskSubnetIDs pulumi.StringArrayInput `pulumi:"taskSubnetIds"`
	// AssignPublicIP gives each task a public IP, for VPCs without NAT
	// (TaskSubnetIDs must then be public subnets). The task security group
	// still admits only the load balancer. Default: false, private tasks.
	AssignPublicIP bool `pulumi:"assignPublicIp,optional"`
	// AllowedCIDRs are the IPv4 and IPv6 ranges that may reach the load
	// balancer's listener ports (443 and 80, or 80 alone without a
	// certificate), each a valid CIDR listed once.
	// Default: "0.0.0.0/0" and "::/0", the whole internet.
	AllowedCIDRs []string `pulumi:"allowedCidrs,optional"`
	// CertificateARN is the ACM certificate of the HTTPS listener on 443;
	// port 80 then redirects to HTTPS with a 301. Required on an
	// internet-facing load balancer unless PlainHTTP is set.
	// Default: nil, no HTTPS listener.
	CertificateARN pulumi.StringInput `pulumi:"certificateArn,optional"`
	// PlainHTTP serves unencrypted HTTP on port 80 of an internet-facing
	// load balancer that has no CertificateARN, fit for development only.
	// It conflicts with CertificateARN; an internal load balancer serves
	// plain HTTP without it. Default: false, an internet-facing load
	// balancer without a certificate is a validation error.
	PlainHTTP bool `pulumi:"plainHttp,optional"`
	// SSLPolicy is the HTTPS listener's TLS policy: TLS12And13,
	// TLS12And13Restricted or TLS13Only. Only with CertificateARN.
	// Default: TLS12And13.
	SSLPolicy string `pulumi:"sslPolicy,optional"`
	// IdleTimeout is how long the load balancer keeps an idle connection,
	// whole seconds from 1s to 4000s, at least service.timeout; the app's
	// keep-alive timeout must be longer. Default: the longer of 60s and
	// service.timeout.
	IdleTimeout string `pulumi:"idleTimeout,optional"`
	// ClusterARN is an existing ECS cluster to run in,
	// "arn:aws:ecs:REGION:ACCOUNT:cluster/NAME".
	// Default: nil, a new cluster with Container Insights on.
	ClusterARN pulumi.StringInput `pulumi:"clusterArn,optional"`
	// Architecture is X86_64 or ARM64; the image must be built for it.
	// Default: X86_64.
	Architecture Architecture `pulumi:"architecture,optional"`
	// PlatformVersion is PlatformLatest or Platform140. Default: "LATEST".
	PlatformVersion string `pulumi:"platformVersion,optional"`
	// HealthCheck is the target group's health check of service.healthPath.
	// Default: nil, every 10s, 5s timeout, healthy after 2, unhealthy
	// after 3, only 200 counts.
	HealthCheck *HealthCheck `pulumi:"healthCheck,optional"`
	// HealthCheckGracePeriod is how long ECS ignores failing load balancer
	// health checks of a new task, whole seconds from 1s. Default: "30s".
	HealthCheckGracePeriod string `pulumi:"healthCheckGracePeriod,optional"`
	// StopTimeout is the time between SIGTERM and SIGKILL, whole seconds
	// from 1s to 120s. It must cover the app's drain delay plus shutdown
	// timeout (for berth's sample app, DRAIN_DELAY + SHUTDOWN_TIMEOUT).
	// Default: "30s".
	StopTimeout string `pulumi:"stopTimeout,optional"`
	// KMSKeyARN is the customer managed KMS key that encrypts the secrets,
	// "arn:aws:kms:REGION:ACCOUNT:key/ID"; the execution role gets
	// kms:Decrypt on it. Secrets encrypted with AWS managed keys need
	// nothing. Default: nil, no kms:Decrypt.
	KMSKeyARN pulumi.StringInput `pulumi:"kmsKeyArn,optional"`
	// WritableRootFilesystem lets the container write to its root
	// filesystem. Default: false, read-only.
	WritableRootFilesystem bool `pulumi:"writableRootFilesystem,optional"`
	// EphemeralStorageGiB is the task's ephemeral storage, 21 to 200 GiB.
	// Default: nil, Fargate's 20 GiB.
	EphemeralStorageGiB *int `pulumi:"ephemeralStorageGiB,optional"`
	// LogRetentionDays is how long CloudWatch Logs keeps the container's
	// logs, one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
	// 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653; never "forever".
	// Default: 30.
	LogRetentionDays *int `pulumi:"logRetentionDays,optional"`
	// TaskPolicy holds the permissions of the task role, the identity the
	// app's AWS SDK calls use. Allow statements may not use the action "*",
	// a "*" service ("*:Get*") or IAM wildcards, and may use the resource
	// "*" only with AllowWildcardResources. To grant access to a resource
	// created in the same program, attach a policy to TaskRoleName instead.
	// Default: none, the task role has no permission.
	TaskPolicy []PolicyStatement `pulumi:"taskPolicy,optional"`
	// AllowWildcardResources lets TaskPolicy use the resource "*", for
	// actions that have no resource-level permissions. Default: false.
	AllowWildcardResources bool `pulumi:"allowWildcardResources,optional"`
	// EnableExec turns on ECS Exec (`aws ecs execute-command`) and gives the
	// task role the four ssmmessages permissions it needs, which AWS
	// supports on "*" only. ECS Exec needs WritableRootFilesystem, because
	// its agent writes into the container. Default: false.
	EnableExec bool `pulumi:"enableExec,optional"`
	// CPUTarget is the average CPU utilization, in percent from 10 to 90,
	// that scaling keeps. Default: 60.
	CPUTarget *int `pulumi:"cpuTarget,optional"`
	// Latency is the service's mean response time, from 1ms to 1m, used
	// only to turn service.concurrency into the request rate that
	// request-based scaling aims at: round(0.7 × 60 × concurrency / latency
	// in seconds) requests per task per minute. Default: "200ms".
	Latency string `pulumi:"latency,optional"`
	// Tags are added to every resource that takes tags, after the tag
	// managed-by=berth (which a key of the same name replaces), and
	// propagated from the service to its tasks. Keys are 1 to 128
	// characters, values at most 256, and keys may not begin with "aws:".
	// Default: only managed-by=berth.
	Tags map[string]string `pulumi:"tags,optional"`
}

// plan is ServiceArgs with every default resolved and every value checked:
// what NewService builds from.
type plan struct {
	// Physical names.
	cluster, service, family, loadBalancer, targetGroup string
	execRole, taskRole, logGroup, container             string
	// name is the service's name (service.name or the component's), and
	// seed makes names derived from it unique per project and stack.
	name, seed string
	// alarms are the rollout's alarms.
	alarms plannedAlarms
	// canary is the canary lane; nil without service.rollout.canary.
	canary *plannedCanary

	port                int
	cpu, memory         int
	arch                Architecture
	platformVersion     string
	internal, publicIP  bool
	cidrs               []netip.Prefix
	https               bool
	sslPolicy           string
	idleTimeout         int
	health              plannedHealth
	gracePeriod         int
	deregistrationDelay int
	stopTimeout         int
	ephemeralGiB        int
	readonlyRoot        bool
	env                 pulumi.StringMap
	secrets             []plannedSecret
	retentionDays       int
	taskStatements      []iampolicy.Statement
	exec                bool
	minTasks, maxTasks  int
	cpuTarget           int
	requestTarget       int
	tags                map[string]string
}

// resolve applies the defaults and checks every rule, collecting all
// problems. project and stack seed the derived names together with the
// service's name.
func (a *ServiceArgs) resolve(project, stack, name string) (*plan, error) {
	var ps validate.Problems
	s := spec.Resolve(a.Service.OrZero(), name, Defaults, &ps)
	w := a.AWS
	p := &plan{
		internal:     !s.Public,
		publicIP:     w.AssignPublicIP,
		https:        w.CertificateARN != nil,
		readonlyRoot: !w.WritableRootFilesystem,
		exec:         w.EnableExec,
		container:    "app",
		port:         s.Port,
		env:          s.Env,
	}
	p.name, p.seed = s.Name, naming.Seed(project, stack, s.Name)
	p.cluster = naming.Physical(s.Name, p.seed, 255)
	p.service = naming.Physical(s.Name, p.seed, 255)
	p.family = naming.Physical(s.Name, p.seed, 255)
	// The two roles share the seed: a name cut to fit must not make them
	// one name.
	p.execRole = naming.Sibling(s.Name+"-exec", p.seed, 64)
	p.taskRole = naming.Sibling(s.Name+"-task", p.seed, 64)
	p.logGroup = "/berth/" + naming.Physical(s.Name, p.seed, 255)

	resolveInputs(a, &ps)
	resolveLoadBalancer(a, s, p, &ps)
	resolveTask(a, s, p, &ps)
	resolveScaling(a, s, p, &ps)
	resolveAlarms(s.Rollout, p)
	resolveCanary(s.Rollout.Canary, name, a, p, &ps)
	p.taskStatements = resolveTaskStatements(w.TaskPolicy, w.AllowWildcardResources, &ps)
	p.tags = awstags.Resolve("aws.tags", w.Tags, &ps)

	if err := ps.Err(TypeToken, name); err != nil {
		return nil, err
	}
	return p, nil
}

// resolveInputs checks the Pulumi inputs whose values are known now.
func resolveInputs(a *ServiceArgs, ps *validate.Problems) {
	w := a.AWS
	if a.Image == nil {
		ps.Addf("image", "required (the image reference by digest, such as an image.Image's Ref)")
	} else if s, ok := validate.Known(a.Image); ok {
		if msg := imageref.Problem(s); msg != "" {
			ps.Addf("image", "%s", msg)
		}
	}
	if a.RepositoryARN != nil {
		if s, ok := validate.Known(a.RepositoryARN); ok && s != "" && !arnOf(s, "ecr", "repository/") {
			ps.Addf("repositoryArn", "%q is not an ECR repository ARN (allowed: arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME, or empty for no ECR grant)", s)
		}
	}
	if w.VPCID == nil {
		ps.Addf("aws.vpcId", "required (the ID of the VPC, such as \"vpc-0123456789abcdef0\")")
	} else if s, ok := validate.Known(w.VPCID); ok {
		checkVPCID(s, ps)
	}
	subnets(ps, "aws.loadBalancerSubnetIds", w.LoadBalancerSubnetIDs, minLBSubnets, lbSubnetsAllowed)
	subnets(ps, "aws.taskSubnetIds", w.TaskSubnetIDs, minTaskSubnets, taskSubnetsAllowed)
	switch s, known := validate.Known(w.CertificateARN); {
	case w.CertificateARN != nil && w.PlainHTTP:
		ps.Addf("aws.plainHttp", "set together with aws.certificateArn (allowed: one of them: certificateArn for HTTPS, plainHttp for unencrypted HTTP)")
	case w.CertificateARN != nil && known:
		checkCertificateARN(s, ps)
	case w.CertificateARN == nil && a.Service.OrZero().Public && !w.PlainHTTP:
		ps.Addf("aws.certificateArn", "required on an internet-facing load balancer (service.public) (allowed: an ACM certificate ARN; to serve unencrypted HTTP, fit for development only, set aws.plainHttp)")
	}
	if s, ok := validate.Known(w.ClusterARN); w.ClusterARN != nil && ok {
		checkClusterARN(s, ps)
	}
	if s, ok := validate.Known(w.KMSKeyARN); w.KMSKeyARN != nil && ok {
		checkKMSKeyARN(s, ps)
	}
}

// Subnet list rules.
const (
	// minLBSubnets: an Application Load Balancer needs subnets in at least
	// two Availability Zones.
	minLBSubnets       = 2
	lbSubnetsAllowed   = "at least two subnets in different Availability Zones"
	minTaskSubnets     = 1
	taskSubnetsAllowed = "at least one subnet"
)

// The checks of single values, for a value known at construction and for
// one that arrives as an output (PendingChecks) alike.

func checkVPCID(s string, ps *validate.Problems) {
	if !strings.HasPrefix(s, "vpc-") {
		ps.Addf("aws.vpcId", "%q is not a VPC ID (allowed: \"vpc-\" followed by hex digits)", s)
	}
}

func checkCertificateARN(s string, ps *validate.Problems) {
	switch {
	case s == "":
		ps.Addf("aws.certificateArn", "empty (allowed: an ACM certificate ARN, arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID; to serve unencrypted HTTP instead, leave it unset and set aws.plainHttp)")
	case !arnOf(s, "acm", "certificate/") && !arnOf(s, "iam", "server-certificate/"):
		ps.Addf("aws.certificateArn", "%q is not a certificate ARN (allowed: arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID)", s)
	}
}

func checkClusterARN(s string, ps *validate.Problems) {
	if !arnOf(s, "ecs", "cluster/") {
		ps.Addf("aws.clusterArn", "%q is not an ECS cluster ARN (allowed: arn:PARTITION:ecs:REGION:ACCOUNT:cluster/NAME, or nil for a new cluster)", s)
	}
}

func checkKMSKeyARN(s string, ps *validate.Problems) {
	if !arnOf(s, "kms", "key/") {
		ps.Addf("aws.kmsKeyArn", "%q is not a KMS key ARN (allowed: arn:PARTITION:kms:REGION:ACCOUNT:key/ID; an alias ARN does not authorize kms:Decrypt)", s)
	}
}

// subnets checks a subnet list whose elements are known now; an element
// that is an output is skipped, and a list that is an output is left to
// PendingChecks.
func subnets(ps *validate.Problems, field string, in pulumi.StringArrayInput, least int, allowed string) {
	if in == nil {
		ps.Addf(field, "required (allowed: %s)", allowed)
		return
	}
	list, ok := in.(pulumi.StringArray)
	if !ok {
		return
	}
	ids := make([]string, len(list))
	known := make([]bool, len(list))
	for i, el := range list {
		ids[i], known[i] = validate.Known(el)
	}
	checkSubnetIDs(ps, field, ids, known, least, allowed)
}

// checkSubnetIDs checks a subnet list; known says which elements are
// known (nil: all of them).
func checkSubnetIDs(ps *validate.Problems, field string, ids []string, known []bool, least int, allowed string) {
	seen := map[string]int{}
	for i, s := range ids {
		if known != nil && !known[i] {
			continue
		}
		if !strings.HasPrefix(s, "subnet-") {
			ps.Addf(validate.Index(field, i), "%q is not a subnet ID (allowed: \"subnet-\" followed by hex digits)", s)
		} else if j, dup := seen[s]; dup {
			ps.Addf(validate.Index(field, i), "%q is already %s (allowed: each subnet once)", s, validate.Index(field, j))
		}
		seen[s] = i
	}
	if len(ids) < least {
		noun := "subnets"
		if len(ids) == 1 {
			noun = "subnet"
		}
		ps.Addf(field, "%d %s (allowed: %s)", len(ids), noun, allowed)
	}
}

// PendingChecks returns the checks of the AWS inputs whose values are not
// known now, outputs of other resources or stack references: the VPC, the
// subnet lists, the certificate, cluster and KMS key ARNs, with the
// messages NewService gives the same values known at construction.
// NewService gates the component, and so every child, on them
// (validate.Gate). The image and the repository ARN are left out: they
// are usually an image.Image's outputs, and gating on them would hold
// every child until the image is built and pushed.
func (a *ServiceArgs) PendingChecks() []validate.Pending {
	if a == nil {
		return nil
	}
	w := a.AWS
	var out []validate.Pending
	str := func(in pulumi.StringInput, check func(string, *validate.Problems)) {
		if in == nil {
			return
		}
		if _, ok := validate.Known(in); ok {
			return
		}
		out = append(out, validate.Pending{Input: in.ToStringOutput(), Check: func(v any, ps *validate.Problems) {
			check(v.(string), ps)
		}})
	}
	list := func(in pulumi.StringArrayInput, field string, least int, allowed string) {
		if in == nil {
			return
		}
		if l, ok := in.(pulumi.StringArray); ok {
			allKnown := true
			for _, el := range l {
				if _, k := validate.Known(el); !k {
					allKnown = false
				}
			}
			if allKnown {
				return
			}
		}
		out = append(out, validate.Pending{Input: in.ToStringArrayOutput(), Check: func(v any, ps *validate.Problems) {
			checkSubnetIDs(ps, field, v.([]string), nil, least, allowed)
		}})
	}
	str(w.VPCID, checkVPCID)
	list(w.LoadBalancerSubnetIDs, "aws.loadBalancerSubnetIds", minLBSubnets, lbSubnetsAllowed)
	list(w.TaskSubnetIDs, "aws.taskSubnetIds", minTaskSubnets, taskSubnetsAllowed)
	if !w.PlainHTTP {
		str(w.CertificateARN, checkCertificateARN)
	}
	str(w.ClusterARN, checkClusterARN)
	str(w.KMSKeyARN, checkKMSKeyARN)
	return out
}

// seconds resolves a duration that AWS takes in whole seconds: def when v
// is empty, else v parsed and checked against lo and hi seconds. It returns
// 0 after recording a problem.
func seconds(ps *validate.Problems, field, v string, def time.Duration, lo, hi int) int {
	d := def
	if v != "" {
		var err error
		if d, err = spec.ParseSeconds(v); err != nil {
			ps.Addf(field, "%v", err)
			return 0
		}
	}
	s := d / time.Second
	if s < time.Duration(lo) || s > time.Duration(hi) {
		if v == "" {
			v = d.String()
		}
		ps.Addf(field, "%q is out of range (allowed: %ds to %ds)", v, lo, hi)
		return 0
	}
	return int(s)
}

// mustSeconds and mustDuration parse the package's own default constants.
func mustSeconds(s string) time.Duration {
	d, err := spec.ParseSeconds(s)
	if err != nil {
		panic(err)
	}
	return d
}

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// threshold resolves a health check threshold.
func threshold(ps *validate.Problems, field string, n *int, def int) int {
	if n == nil {
		return def
	}
	if *n < minThreshold || *n > maxThreshold {
		ps.Addf(field, "%d is out of range (allowed: %d to %d)", *n, minThreshold, maxThreshold)
	}
	return *n
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
	if a == nil {
		return validate.MissingArgs(TypeToken, name, "image, aws.vpcId, aws.loadBalancerSubnetIds and aws.taskSubnetIds")
	}
	check := *a
	if check.Image == nil {
		check.Image = pulumi.String(imageref.Placeholder)
	}
	_, err := check.resolve(ctx.Project(), ctx.Stack(), name)
	return err
}
