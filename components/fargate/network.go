package fargate

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// Listener ports.
const (
	httpPort  = 80
	httpsPort = 443
)

// listenerPorts returns the ports the load balancer listens on: 443 and 80
// (which redirects) with a certificate, 80 alone without.
func (p *plan) listenerPorts() []int {
	if p.https {
		return []int{httpsPort, httpPort}
	}
	return []int{httpPort}
}

// cidrKey turns a CIDR into a logical name part, since URNs may not hold
// "::": "0.0.0.0/0" becomes "0-0-0-0-0", "::/0" becomes "ipv6-xx-0" and
// "2001:db8::/32" "ipv6-2001xdb8xx-32" ("x" for each colon; it is not a hex
// digit, so two ranges never share a key).
func cidrKey(p netip.Prefix) string {
	if p.Addr().Is6() {
		return "ipv6-" + strings.NewReplacer(":", "x", "/", "-").Replace(p.String())
	}
	return strings.NewReplacer(".", "-", "/", "-").Replace(p.String())
}

// newNetwork creates the two security groups and their rules, the load
// balancer, the target group and the listeners.
func (c *Service) newNetwork(ctx *pulumi.Context, name string, p *plan, args *ServiceArgs, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
	if err := c.newSecurityGroups(ctx, name, p, args, tags, parent); err != nil {
		return err
	}
	if err := c.newLoadBalancer(ctx, name, p, args, tags, parent); err != nil {
		return err
	}
	return c.newListeners(ctx, name, p, args, tags, parent)
}

// newSecurityGroups creates the load balancer's and the tasks' security
// groups and their rules.
//
// The rules are separate resources, not inline ones, because each group's
// rules name the other group. The provider removes the allow-all egress rule
// AWS puts in a new group, so a group sends only what a rule allows:
//   - load balancer: in on the listener ports from each allowed CIDR; out
//     only to the task group on the container port;
//   - tasks: in only from the load balancer group on the container port
//     (a group reference, never a CIDR); out to everywhere, because tasks
//     reach ECR, Secrets Manager, SSM and CloudWatch Logs through a NAT
//     gateway or VPC endpoints, and the app may call any HTTPS API.
func (c *Service) newSecurityGroups(ctx *pulumi.Context, name string, p *plan, args *ServiceArgs, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
	var err error
	c.LoadBalancerSecurityGroup, err = ec2.NewSecurityGroup(ctx, name+"-lb-sg", &ec2.SecurityGroupArgs{
		Description: pulumi.String("berth " + name + " load balancer: listener ports from allowed CIDRs"),
		VpcId:       args.AWS.VPCID,
		Tags:        tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("creating load balancer security group: %w", err)
	}
	c.TaskSecurityGroup, err = ec2.NewSecurityGroup(ctx, name+"-task-sg", &ec2.SecurityGroupArgs{
		Description: pulumi.String("berth " + name + " tasks: container port from the load balancer only"),
		VpcId:       args.AWS.VPCID,
		Tags:        tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("creating task security group: %w", err)
	}
	lbSG, taskSG := c.LoadBalancerSecurityGroup.ID(), c.TaskSecurityGroup.ID()

	for _, port := range p.listenerPorts() {
		for _, cidr := range p.cidrs {
			rule := &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: lbSG,
				Description:     pulumi.Sprintf("listener port %d", port),
				IpProtocol:      pulumi.String("tcp"),
				FromPort:        pulumi.Int(port),
				ToPort:          pulumi.Int(port),
			}
			if cidr.Addr().Is4() {
				rule.CidrIpv4 = pulumi.String(cidr.String())
			} else {
				rule.CidrIpv6 = pulumi.String(cidr.String())
			}
			if _, err := vpc.NewSecurityGroupIngressRule(ctx, fmt.Sprintf("%s-lb-in-%d-%s", name, port, cidrKey(cidr)), rule, parent); err != nil {
				return fmt.Errorf("creating load balancer ingress rule: %w", err)
			}
		}
	}
	// The two rules on the container port are named by it: a new port gets
	// new rules, created before the service moves, while the old ones stay
	// until the end of the update, when no task listens on the old port any
	// more (the engine deletes what a program drops after every other step:
	// pkg v3.274.1 resource/deploy/deployment_executor.go, deletes run in
	// the final phase). Updating one rule in place would cut the load
	// balancer off from the running tasks before the new ones are healthy.
	// The alias adopts the rule of berth releases that named it without the
	// port, so that upgrading does not create a duplicate (EC2 refuses one:
	// InvalidPermission.Duplicate).
	portRule := func(kind string) (string, pulumi.ResourceOption) {
		return fmt.Sprintf("%s-%s-%d", name, kind, p.port), pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(name + "-" + kind)}})
	}
	outName, outAlias := portRule("lb-out")
	lbOut, err := vpc.NewSecurityGroupEgressRule(ctx, outName, &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId:           lbSG,
		Description:               pulumi.String("to the tasks on the container port"),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(p.port),
		ToPort:                    pulumi.Int(p.port),
		ReferencedSecurityGroupId: taskSG,
	}, parent, outAlias)
	if err != nil {
		return fmt.Errorf("creating load balancer egress rule: %w", err)
	}
	inName, inAlias := portRule("task-in")
	taskIn, err := vpc.NewSecurityGroupIngressRule(ctx, inName, &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           taskSG,
		Description:               pulumi.String("from the load balancer on the container port"),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(p.port),
		ToPort:                    pulumi.Int(p.port),
		ReferencedSecurityGroupId: lbSG,
	}, parent, inAlias)
	if err != nil {
		return fmt.Errorf("creating task ingress rule: %w", err)
	}
	// Health checks reach the tasks only through these two rules.
	c.trafficRules = []pulumi.Resource{lbOut, taskIn}
	for _, out := range []struct{ key, cidr string }{{"ipv4", "0.0.0.0/0"}, {"ipv6", "::/0"}} {
		rule := &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: taskSG,
			Description:     pulumi.String("to AWS APIs and the internet, through NAT or VPC endpoints"),
			IpProtocol:      pulumi.String("-1"),
		}
		if out.key == "ipv4" {
			rule.CidrIpv4 = pulumi.String(out.cidr)
		} else {
			rule.CidrIpv6 = pulumi.String(out.cidr)
		}
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-task-out-"+out.key, rule, parent); err != nil {
			return fmt.Errorf("creating task egress rule: %w", err)
		}
	}
	return nil
}

// newLoadBalancer creates the load balancer and its target group, each
// replaced create-first under a new name (see resolveLoadBalancer).
func (c *Service) newLoadBalancer(ctx *pulumi.Context, name string, p *plan, args *ServiceArgs, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
	var err error
	c.LoadBalancer, err = lb.NewLoadBalancer(ctx, name+"-lb", &lb.LoadBalancerArgs{
		Name:                    pulumi.String(p.loadBalancer),
		LoadBalancerType:        pulumi.String("application"),
		Internal:                pulumi.Bool(p.internal),
		SecurityGroups:          pulumi.StringArray{c.LoadBalancerSecurityGroup.ID()},
		Subnets:                 args.AWS.LoadBalancerSubnetIDs,
		IdleTimeout:             pulumi.Int(p.idleTimeout),
		DropInvalidHeaderFields: pulumi.Bool(true),
		EnableHttp2:             pulumi.Bool(true),
		Tags:                    tags,
	}, pulumi.Parent(c), naming.CreateFirst, c.kids.Stateful(), c.kids.Long())
	if err != nil {
		return fmt.Errorf("creating load balancer: %w", err)
	}

	c.TargetGroup, err = c.newTargetGroup(ctx, p.stableLane(name), p, args, tags, parent)
	return err
}

// newTargetGroup creates the target group of the lane l, replaced
// create-first under a new name (see resolveLoadBalancer).
func (c *Service) newTargetGroup(ctx *pulumi.Context, l lane, p *plan, args *ServiceArgs, tags pulumi.StringMap, parent pulumi.ResourceOption) (*lb.TargetGroup, error) {
	h := p.health
	tg, err := lb.NewTargetGroup(ctx, l.key+"-tg", &lb.TargetGroupArgs{
		Name:            pulumi.String(l.targetGroup),
		TargetType:      pulumi.String("ip"),
		Protocol:        pulumi.String("HTTP"),
		ProtocolVersion: pulumi.String("HTTP1"),
		// ECS registers each task with its container port, and health checks
		// go to each target's own port ("traffic-port"), so the group's port
		// is only the default of targets registered without one. It is the
		// container port when the group is made and is kept after (a change
		// would replace the group, and the listener would forward to it before
		// any task is registered in it).
		Port:                pulumi.Int(p.port),
		VpcId:               args.AWS.VPCID,
		DeregistrationDelay: pulumi.Int(p.deregistrationDelay),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:            pulumi.Bool(true),
			Protocol:           pulumi.String("HTTP"),
			Port:               pulumi.String("traffic-port"),
			Path:               pulumi.String(h.path),
			Interval:           pulumi.Int(h.interval),
			Timeout:            pulumi.Int(h.timeout),
			HealthyThreshold:   pulumi.Int(h.healthyThreshold),
			UnhealthyThreshold: pulumi.Int(h.unhealthyThreshold),
			Matcher:            pulumi.String(h.matcher),
		},
		Tags: tags,
	}, parent, naming.CreateFirst, pulumi.IgnoreChanges([]string{"port"}))
	if err != nil {
		return nil, fmt.Errorf("creating %starget group: %w", l.rolePrefix(), err)
	}
	return tg, nil
}

// newListeners creates the listeners: HTTPS forwarding to the target group
// and HTTP redirecting to it with a certificate, HTTP forwarding without.
func (c *Service) newListeners(ctx *pulumi.Context, name string, p *plan, args *ServiceArgs, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
	var err error
	forward := lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
		Type:           pulumi.String("forward"),
		TargetGroupArn: c.TargetGroup.Arn,
	}}
	if !p.https {
		c.HTTPListener, err = lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
			LoadBalancerArn: c.LoadBalancer.Arn,
			Port:            pulumi.Int(httpPort),
			Protocol:        pulumi.String("HTTP"),
			DefaultActions:  forward,
			Tags:            tags,
		}, parent)
		if err != nil {
			return fmt.Errorf("creating HTTP listener: %w", err)
		}
		return nil
	}
	c.HTTPSListener, err = lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
		LoadBalancerArn: c.LoadBalancer.Arn,
		Port:            pulumi.Int(httpsPort),
		Protocol:        pulumi.String("HTTPS"),
		CertificateArn:  args.AWS.CertificateARN,
		SslPolicy:       pulumi.String(p.sslPolicy),
		DefaultActions:  forward,
		Tags:            tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("creating HTTPS listener: %w", err)
	}
	c.HTTPListener, err = lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
		LoadBalancerArn: c.LoadBalancer.Arn,
		Port:            pulumi.Int(httpPort),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Protocol:   pulumi.String("HTTPS"),
				Port:       pulumi.String(fmt.Sprint(httpsPort)),
				StatusCode: pulumi.String("HTTP_301"),
			},
		}},
		Tags: tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("creating HTTP redirect listener: %w", err)
	}
	return nil
}

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

// defaultAllowedCIDRs is the whole internet, IPv4 and IPv6; only the
// listener ports are open.
var defaultAllowedCIDRs = []string{"0.0.0.0/0", "::/0"}

// HealthCheck configures the target group's HTTP health check of
// service.healthPath. Every zero field takes its default.
type HealthCheck struct {
	// Interval is the time between checks, whole seconds from 5s to 300s,
	// greater than Timeout. Default: "10s".
	Interval string `pulumi:"interval,optional"`
	// Timeout is how long a check may take, whole seconds from 2s to 120s,
	// less than Interval. Default: "5s".
	Timeout string `pulumi:"timeout,optional"`
	// HealthyThreshold is the number of consecutive successes before a task
	// takes traffic, 2 to 10. Default: 2.
	HealthyThreshold *int `pulumi:"healthyThreshold,optional"`
	// UnhealthyThreshold is the number of consecutive failures before a
	// task is taken out, 2 to 10. Default: 3.
	UnhealthyThreshold *int `pulumi:"unhealthyThreshold,optional"`
	// Matcher lists the HTTP codes that count as healthy, within 200 to
	// 499: "200", "200,204" or "200-299". Default: "200".
	Matcher string `pulumi:"matcher,optional"`
}

// plannedHealth is the resolved health check.
type plannedHealth struct {
	path                                 string
	interval, timeout                    int
	healthyThreshold, unhealthyThreshold int
	matcher                              string
}

// resolveLoadBalancer resolves the ALB, its listeners and the target group.
func resolveLoadBalancer(a *ServiceArgs, s spec.Resolved, p *plan, ps *validate.Problems) {
	w := a.AWS
	base := naming.Sanitize(s.Name)
	p.loadBalancer = albName(base, p.seed, p.internal)
	p.targetGroup = targetGroupName(a, p, base, "tg")

	cidrs := w.AllowedCIDRs
	if cidrs == nil {
		cidrs = defaultAllowedCIDRs
	} else if len(cidrs) == 0 {
		ps.Addf("aws.allowedCidrs", "empty (allowed: at least one CIDR; leave it out for the whole internet)")
	}
	seen := map[netip.Prefix]int{}
	for i, c := range cidrs {
		field := validate.Index("aws.allowedCidrs", i)
		pfx, err := netip.ParsePrefix(c)
		switch {
		case err != nil:
			ps.Addf(field, "%q is not a CIDR (allowed: an IPv4 or IPv6 range such as \"203.0.113.0/24\" or \"2001:db8::/32\")", c)
		case pfx.Masked() != pfx:
			ps.Addf(field, "%q has host bits set (allowed: the network address, %q)", c, pfx.Masked().String())
		default:
			if j, dup := seen[pfx]; dup {
				ps.Addf(field, "%q is already aws.allowedCidrs[%d] (allowed: each range once)", c, j)
				continue
			}
			seen[pfx] = i
			p.cidrs = append(p.cidrs, pfx)
		}
	}

	switch w.SSLPolicy {
	case "":
		p.sslPolicy = TLS12And13
	case TLS12And13, TLS12And13Restricted, TLS13Only:
		p.sslPolicy = w.SSLPolicy
		if !p.https {
			ps.Addf("aws.sslPolicy", "set without aws.certificateArn (allowed: empty without a certificate)")
		}
	default:
		ps.Addf("aws.sslPolicy", "%q is not a TLS 1.3 policy (allowed: %s)", w.SSLPolicy, validate.OneOf(TLS12And13, TLS12And13Restricted, TLS13Only))
	}

	// A request in flight longer than the idle timeout with no bytes
	// exchanged is cut by the load balancer: the idle timeout covers the
	// request timeout unless told otherwise.
	idleDefault := min(max(DefaultIdleTimeout, s.Timeout), maxIdleTimeout*time.Second)
	p.idleTimeout = seconds(ps, "aws.idleTimeout", w.IdleTimeout, idleDefault, minIdleTimeout, maxIdleTimeout)
	if w.IdleTimeout != "" && p.idleTimeout > 0 && time.Duration(p.idleTimeout)*time.Second < s.Timeout {
		ps.Addf("aws.idleTimeout", "%q is shorter than service.timeout %q: the load balancer would cut long requests (allowed: at least %q)", w.IdleTimeout, a.Service.Timeout, a.Service.Timeout)
	}

	var h HealthCheck
	if w.HealthCheck != nil {
		h = *w.HealthCheck
	}
	p.health = plannedHealth{path: s.HealthPath, matcher: h.Matcher}
	p.health.interval = seconds(ps, "aws.healthCheck.interval", h.Interval, mustSeconds(DefaultHealthInterval), minInterval, maxInterval)
	p.health.timeout = seconds(ps, "aws.healthCheck.timeout", h.Timeout, mustSeconds(DefaultHealthTimeout), minTimeout, maxTimeout)
	if p.health.interval > 0 && p.health.timeout > 0 && p.health.timeout >= p.health.interval {
		ps.Addf("aws.healthCheck.timeout", "%ds is not less than the interval of %ds (allowed: less than aws.healthCheck.interval)", p.health.timeout, p.health.interval)
	}
	p.health.healthyThreshold = threshold(ps, "aws.healthCheck.healthyThreshold", h.HealthyThreshold, DefaultHealthyThreshold)
	p.health.unhealthyThreshold = threshold(ps, "aws.healthCheck.unhealthyThreshold", h.UnhealthyThreshold, DefaultUnhealthyThreshold)
	if p.health.matcher == "" {
		p.health.matcher = DefaultHealthMatcher
	} else if msg := matcherProblem(h.Matcher); msg != "" {
		ps.Addf("aws.healthCheck.matcher", "%s", msg)
	}

	p.gracePeriod = seconds(ps, "aws.healthCheckGracePeriod", w.HealthCheckGracePeriod, mustSeconds(DefaultHealthCheckGracePeriod), 1, maxGracePeriod)
	// ECS stops sending a task new requests, waits the deregistration
	// delay for the requests in flight, and only then sends SIGTERM: the
	// longest request is the right delay, not AWS's 300 s.
	if s.Timeout > maxDeregistrationDelay*time.Second {
		ps.Addf("service.timeout", "%q is longer than a target group can drain (allowed on Fargate: 1s to 1h)", a.Service.Timeout)
	} else {
		p.deregistrationDelay = int(s.Timeout / time.Second)
	}
}

// targetGroupName names a target group of the service from the sanitized
// base and its role ("tg" for the service's own, "tg-canary").
//
// The VPC forces a replacement (the port would too, but the group keeps
// the port it was made with: see newNetwork), and so does a new load
// balancer (a new scheme): an ALB target group serves one load balancer
// only (ELB TargetGroupAssociationLimit). The provider would delete the
// old group first, since the program names it, and ELB refuses while the
// listener forwards to it; so the group is replaced create-first
// (naming.CreateFirst), and hashing both in keeps the two names apart.
func targetGroupName(a *ServiceArgs, p *plan, base, role string) string {
	vpc, _ := validate.Known(a.AWS.VPCID)
	scheme := ""
	if p.internal {
		scheme = "/internal"
	}
	return naming.Physical(base, p.seed+"/"+role+"/"+vpc+scheme, maxLBName)
}

// albName derives the ALB name from the sanitized service name; the scheme
// (internal or not) is part of the hash because changing it replaces the
// load balancer, which is
// replaced create-first (naming.CreateFirst) under a new name. A name
// that would begin with "internal-" gets an "lb-" prefix.
func albName(base, seed string, internal bool) string {
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
