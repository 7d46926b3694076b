package fargate

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/naming"
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
func (c *Service) newNetwork(ctx *pulumi.Context, name string, p *plan, args *ServiceArgs, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
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

	c.LoadBalancer, err = lb.NewLoadBalancer(ctx, name+"-lb", &lb.LoadBalancerArgs{
		Name:                    pulumi.String(p.loadBalancer),
		LoadBalancerType:        pulumi.String("application"),
		Internal:                pulumi.Bool(p.internal),
		SecurityGroups:          pulumi.StringArray{lbSG},
		Subnets:                 args.AWS.LoadBalancerSubnetIDs,
		IdleTimeout:             pulumi.Int(p.idleTimeout),
		DropInvalidHeaderFields: pulumi.Bool(true),
		EnableHttp2:             pulumi.Bool(true),
		Tags:                    tags,
	}, parent, naming.CreateFirst)
	if err != nil {
		return fmt.Errorf("creating load balancer: %w", err)
	}

	h := p.health
	c.TargetGroup, err = lb.NewTargetGroup(ctx, name+"-tg", &lb.TargetGroupArgs{
		Name:            pulumi.String(p.targetGroup),
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
		return fmt.Errorf("creating target group: %w", err)
	}

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
