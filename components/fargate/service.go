package fargate

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/childopts"
	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/validate"
)

// Deployment and scaling settings that are not knobs.
const (
	// minHealthyPercent and maxPercent make a deployment start every new
	// task before it stops an old one, so capacity never drops.
	minHealthyPercent = 100
	maxPercent        = 200
	// scaleOutCooldown reacts within a minute to load; scaleInCooldown waits
	// five minutes (ECS's default) so that a dip does not remove tasks that
	// the next burst needs.
	scaleOutCooldown = 60
	scaleInCooldown  = 300
)

// Service is an ECS Fargate service behind an Application Load Balancer,
// with its cluster (or an existing one), log group, execution and task
// roles, security groups and autoscaling.
type Service struct {
	pulumi.ResourceState

	// Secrets are the Secrets Manager secrets created from values, in the
	// order of service.secrets; their values are in SecretVersions.
	Secrets        []*secretsmanager.Secret
	SecretVersions []*secretsmanager.SecretVersion
	// Cluster is the created ECS cluster; nil when aws.clusterArn is set.
	Cluster *ecs.Cluster
	// LogGroup is the container's CloudWatch Logs group.
	LogGroup *cloudwatch.LogGroup
	// ExecutionRole is the role ECS uses to pull the image, write logs and
	// read secrets.
	ExecutionRole *iam.Role
	// ExecutionPolicy is the execution role's only policy, computed from
	// the repository, log group, secrets and key.
	ExecutionPolicy *iam.RolePolicy
	// TaskRole is the app's own identity.
	TaskRole *iam.Role
	// TaskPolicy holds AWS.TaskPolicy's statements and the ECS Exec
	// grants; nil when there are none.
	TaskPolicy *iam.RolePolicy
	// LoadBalancerSecurityGroup admits the listener ports from
	// ServiceArgs.AllowedCIDRs and sends only to the tasks.
	LoadBalancerSecurityGroup *ec2.SecurityGroup
	// TaskSecurityGroup admits only the load balancer, on the container
	// port.
	TaskSecurityGroup *ec2.SecurityGroup

	// trafficRules are the security group rules between the load balancer
	// and the tasks, which the ECS service waits for.
	trafficRules []pulumi.Resource
	// kids is what the component's options give its children.
	kids childopts.Options
	// LoadBalancer is the Application Load Balancer.
	LoadBalancer *lb.LoadBalancer
	// TargetGroup holds the tasks' IP addresses.
	TargetGroup *lb.TargetGroup
	// ErrorsAlarm and UnhealthyAlarm are the alarms that roll a failing
	// deployment back (the target group's 5xx rate and unhealthy
	// targets); with alarms off they exist, and the service does not act
	// on them.
	ErrorsAlarm, UnhealthyAlarm *cloudwatch.MetricAlarm
	// HTTPSListener serves 443 with the certificate; nil without one.
	HTTPSListener *lb.Listener
	// HTTPListener serves 80: a redirect to HTTPS with a certificate, plain
	// forwarding without.
	HTTPListener *lb.Listener
	// TaskDefinition is the task definition of the one container.
	TaskDefinition *ecs.TaskDefinition
	// Service is the ECS service.
	Service *ecs.Service
	// ScalingTarget is the Application Auto Scaling target of the task
	// count, service.minInstances to service.maxInstances.
	ScalingTarget *appautoscaling.Target
	// CPUScaling tracks average CPU utilization at CPUTarget.
	CPUScaling *appautoscaling.Policy
	// RequestScaling tracks ALBRequestCountPerTarget at the target derived
	// from Concurrency and Latency.
	RequestScaling *appautoscaling.Policy
	// Canary is the canary lane, and the fields above are the stable lane;
	// nil without service.rollout.canary.
	Canary *CanaryLane

	// URL is "https://DNS_NAME" with a certificate, "http://DNS_NAME"
	// without; point a DNS record at LoadBalancerDNSName to use your own
	// name.
	URL pulumi.StringOutput `pulumi:"url"`
	// LoadBalancerDNSName is the ALB's DNS name,
	// "NAME-ID.REGION.elb.amazonaws.com".
	LoadBalancerDNSName pulumi.StringOutput `pulumi:"loadBalancerDnsName"`
	// ClusterName is the ECS cluster's name.
	ClusterName pulumi.StringOutput `pulumi:"clusterName"`
	// ServiceName is the ECS service's name.
	ServiceName pulumi.StringOutput `pulumi:"serviceName"`
	// TaskRoleName is the task role's name, to attach more policies to it.
	TaskRoleName pulumi.StringOutput `pulumi:"taskRoleName"`
	// TaskRoleARN is the task role's ARN,
	// "arn:aws:iam::ACCOUNT:role/NAME".
	TaskRoleARN pulumi.StringOutput `pulumi:"taskRoleArn"`
	// TaskSecurityGroupID is the tasks' security group, to admit them to a
	// database.
	TaskSecurityGroupID pulumi.StringOutput `pulumi:"taskSecurityGroupId"`
	// LogGroupName is the CloudWatch Logs group of the container's output.
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
	// TaskDefinitionARN is the task definition revision the service runs
	// after the deployment, "arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION":
	// always the revision this deployment registered. When the deployment
	// circuit breaker rolled the service back to an earlier revision, it
	// resolves to an error naming the service instead, which fails
	// `pulumi up` (see the package documentation). With a canary it is
	// still the revision this update registered (the new release, which
	// promoting pins as stable), and it fails the same way when either lane
	// does not run what it should: the stable lane canary.stable, the
	// canary lane this revision (canary.stable while aborted).
	TaskDefinitionARN pulumi.StringOutput `pulumi:"taskDefinitionArn"`
}

var _ pulumi.ComponentResource = (*Service)(nil)

// env is what the resources are built in: the account, Region and
// partition of the provider, from invokes.
type env struct {
	account, region, partition pulumi.StringOutput
}

// NewService validates args, then creates the log group, the roles, the
// security groups, the load balancer with its listeners and target group,
// the cluster unless one is given, the task definition, the service and
// its autoscaling. When args break a rule it returns a *validate.Error
// listing every problem, and nothing is registered.
func NewService(ctx *pulumi.Context, name string, args *ServiceArgs, opts ...pulumi.ResourceOption) (*Service, error) {
	if args == nil {
		return nil, validate.MissingArgs(TypeToken, name, "image, aws.vpcId, aws.loadBalancerSubnetIds and aws.taskSubnetIds")
	}
	p, err := args.resolve(ctx.Project(), ctx.Stack(), name)
	if err != nil {
		return nil, err
	}

	// Values that arrive as outputs are checked once they resolve, before
	// the component registers, and so before any child does.
	gate := validate.Gate(TypeToken, name, args.PendingChecks()...)
	c := &Service{kids: childopts.Read(opts)}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, append(slices.Clone(opts), pulumi.DependsOnInputs(gate))...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	parent := pulumi.Composite(pulumi.Parent(c), c.kids.Routine())
	e := env{
		account:   aws.GetCallerIdentityOutput(ctx, aws.GetCallerIdentityOutputArgs{}, pulumi.Parent(c)).AccountId(),
		region:    aws.GetRegionOutput(ctx, aws.GetRegionOutputArgs{}, pulumi.Parent(c)).Name(),
		partition: aws.GetPartitionOutput(ctx, aws.GetPartitionOutputArgs{}, pulumi.Parent(c)).Partition(),
	}
	tags := pulumi.ToStringMap(p.tags)

	if err := c.newValueSecrets(ctx, name, p, tags, parent); err != nil {
		return nil, fmt.Errorf("creating secrets: %w", err)
	}
	c.LogGroup, err = cloudwatch.NewLogGroup(ctx, name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(p.logGroup),
		RetentionInDays: pulumi.Int(p.retentionDays),
		Tags:            tags,
	}, pulumi.Parent(c), naming.CreateFirst, c.kids.Stateful())
	if err != nil {
		return nil, fmt.Errorf("creating log group: %w", err)
	}

	if err := c.newRoles(ctx, name, p, args, e, tags, parent); err != nil {
		return nil, err
	}
	if err := c.newNetwork(ctx, name, p, args, tags, parent); err != nil {
		return nil, err
	}
	stable := p.stableLane(name)
	if c.ErrorsAlarm, c.UnhealthyAlarm, err = c.newAlarms(ctx, stable, c.TargetGroup, p, tags, parent); err != nil {
		return nil, err
	}

	var clusterARN, clusterName pulumi.StringOutput
	if args.AWS.ClusterARN != nil {
		clusterARN = args.AWS.ClusterARN.ToStringOutput()
		clusterName = clusterARN.ApplyT(clusterNameFromARN).(pulumi.StringOutput)
	} else {
		c.Cluster, err = ecs.NewCluster(ctx, name+"-cluster", &ecs.ClusterArgs{
			Name: pulumi.String(p.cluster),
			Settings: ecs.ClusterSettingArray{
				ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled")},
			},
			Tags: tags,
		}, parent, naming.CreateFirst)
		if err != nil {
			return nil, fmt.Errorf("creating cluster: %w", err)
		}
		clusterARN, clusterName = c.Cluster.Arn, c.Cluster.Name
	}

	c.TaskDefinition, err = ecs.NewTaskDefinition(ctx, name+"-taskdef", p.taskDefinitionArgs(args, c, e, tags), parent)
	if err != nil {
		return nil, fmt.Errorf("creating task definition: %w", err)
	}

	// The service's tasks need their permissions when they start, ECS
	// rejects a service whose target group has no listener yet, and health
	// checks fail until the rules between the groups exist.
	deps := append([]pulumi.Resource{c.ExecutionPolicy, c.HTTPListener}, c.trafficRules...)
	if c.HTTPSListener != nil {
		deps = append(deps, c.HTTPSListener)
	}
	if c.TaskPolicy != nil {
		deps = append(deps, c.TaskPolicy)
	}
	// With a canary the stable lane runs the pinned release, whose
	// revision stays registered when this update registers another
	// (taskDefinitionArgs: skip_destroy).
	stableTD := c.TaskDefinition.Arn.ToStringOutput()
	if p.canary != nil {
		stableTD = pulumi.String(p.canary.Stable).ToStringOutput()
	}
	c.Service, err = ecs.NewService(ctx, name+"-svc", p.serviceArgs(args, stable, stableTD, c.TargetGroup, laneAlarms(p, c.ErrorsAlarm, c.UnhealthyAlarm), c, clusterARN, tags),
		parent, naming.CreateFirst, c.kids.Long(),
		pulumi.DependsOn(deps),
		// Autoscaling owns the task count after the first deployment.
		pulumi.IgnoreChanges([]string{"desiredCount"}))
	if err != nil {
		return nil, fmt.Errorf("creating service: %w", err)
	}
	if c.ScalingTarget, c.CPUScaling, c.RequestScaling, err = c.newScaling(ctx, stable, c.Service, c.TargetGroup, p, clusterName, tags, parent); err != nil {
		return nil, err
	}
	if p.canary != nil {
		if err := c.newCanary(ctx, name, p, args, deps, clusterARN, clusterName, tags, parent); err != nil {
			return nil, err
		}
	}

	scheme := "http://"
	if p.https {
		scheme = "https://"
	}
	c.LoadBalancerDNSName = c.LoadBalancer.DnsName
	c.URL = pulumi.Sprintf("%s%s", scheme, c.LoadBalancer.DnsName)
	c.ClusterName = clusterName
	c.ServiceName = c.Service.Name
	c.TaskRoleName = c.TaskRole.Name
	c.TaskRoleARN = c.TaskRole.Arn
	c.TaskSecurityGroupID = c.TaskSecurityGroup.ID().ToStringOutput()
	c.LogGroupName = c.LogGroup.Name
	c.TaskDefinitionARN = c.deployedRevisions(name, p)
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"taskDefinitionArn":   c.TaskDefinitionARN,
		"url":                 c.URL,
		"loadBalancerDnsName": c.LoadBalancerDNSName,
		"clusterName":         c.ClusterName,
		"serviceName":         c.ServiceName,
		"taskRoleName":        c.TaskRoleName,
		"taskRoleArn":         c.TaskRoleARN,
		"taskSecurityGroupId": c.TaskSecurityGroupID,
		"logGroupName":        c.LogGroupName,
	}); err != nil {
		var verr *validate.Error
		if errors.As(err, &verr) {
			return nil, verr // the gate's: values that arrived as outputs
		}
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// deployedRevisions is the revision this update registered, once every
// lane runs what it should (deployedRevision), else the lanes' errors.
func (c *Service) deployedRevisions(name string, p *plan) pulumi.StringOutput {
	in := []any{c.TaskDefinition.Arn, c.Service.Name, c.Service.TaskDefinition}
	if c.Canary != nil {
		in = append(in, c.Canary.Service.Name, c.Canary.Service.TaskDefinition)
	}
	return pulumi.All(in...).ApplyT(func(v []any) (string, error) {
		registered := v[0].(string)
		stable, canary := p.releases(registered)
		err := deployedRevision(name, p.stableLane(name), v[1].(string), v[2].(*string), stable, p.alarms)
		if c.Canary != nil {
			err = errors.Join(err, deployedRevision(name, p.canary.lane, v[3].(string), v[4].(*string), canary, p.alarms))
		}
		return registered, err
	}).(pulumi.StringOutput)
}

// deployedRevision checks that the ECS service named service, of the lane
// l of component name, runs the task definition want.
//
// With wait_for_steady_state the provider waits until the service is
// stable, and a deployment that ECS rolled back is stable too: the waiter
// returns success (terraform-provider-aws internal/service/ecs/service.go
// waitServiceStable and statusServiceWaitForStable;
// hashicorp/terraform-provider-aws#20858), whether the deployment circuit
// breaker or a deployment alarm rolled it back, since both end with the
// earlier deployment running alone. The provider then reads the service
// back, and DescribeServices reports the revision ECS runs, which after a
// rollback is the earlier one (the same file, resourceServiceRead:
// d.Set("task_definition", service.TaskDefinition)). Comparing the two
// turns a silent rollback into a failed `pulumi up` that names what may
// have rolled it back: the circuit breaker, and the lane's alarms.
func deployedRevision(name string, l lane, service string, running *string, want release, a plannedAlarms) error {
	if running != nil && *running == want.arn {
		return nil
	}
	runs := "no task definition"
	if running != nil {
		runs = *running
	}
	why := "the deployment circuit breaker rolled it back because the new tasks did not become healthy"
	if a.Alarms {
		why = fmt.Sprintf("ECS rolled it back: the deployment circuit breaker (the new tasks did not become healthy) or a deployment alarm, %s (%s) or %s (unhealthy targets), went into ALARM",
			l.errorsAlarm, fmt.Sprintf("more than %v%% 5xx for %d periods of %s", a.ErrorRate, a.Periods, a.Period), l.unhealthyAlarm)
	}
	deployment := "the deployment"
	if l.role != "" {
		deployment = "the " + l.role + "'s deployment"
	}
	return fmt.Errorf("fargate service %q: %s did not complete: ECS service %s runs %s, not %s, %s; "+
		"%s (see `aws ecs describe-services --services %s` events, the alarms' history and the stopped tasks' reasons); "+
		"fix the cause and run `pulumi up` again", name, deployment, service, runs, want.arn, want.what, why, service)
}

// serviceArgs builds the ECS service of the lane l, running
// taskDefinition behind tg with the deployment alarms alarms: Fargate in
// the task subnets, rolling deployments that never drop below the current
// capacity, the circuit breaker with rollback, and a deployment that waits
// for steady state.
func (p *plan) serviceArgs(args *ServiceArgs, l lane, taskDefinition pulumi.StringOutput, tg *lb.TargetGroup, alarms *ecs.ServiceAlarmsArgs, c *Service, clusterARN pulumi.StringOutput, tags pulumi.StringMap) *ecs.ServiceArgs {
	return &ecs.ServiceArgs{
		Name:            pulumi.String(l.service),
		Cluster:         clusterARN,
		TaskDefinition:  taskDefinition,
		DesiredCount:    pulumi.Int(l.minTasks),
		LaunchType:      pulumi.String("FARGATE"),
		PlatformVersion: pulumi.String(p.platformVersion),
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        args.AWS.TaskSubnetIDs,
			SecurityGroups: pulumi.StringArray{c.TaskSecurityGroup.ID()},
			AssignPublicIp: pulumi.Bool(p.publicIP),
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{
			ecs.ServiceLoadBalancerArgs{
				TargetGroupArn: tg.Arn,
				ContainerName:  pulumi.String(p.container),
				ContainerPort:  pulumi.Int(p.port),
			},
		},
		DeploymentCircuitBreaker: &ecs.ServiceDeploymentCircuitBreakerArgs{
			Enable:   pulumi.Bool(true),
			Rollback: pulumi.Bool(true),
		},
		Alarms:                          alarms,
		DeploymentMinimumHealthyPercent: pulumi.Int(minHealthyPercent),
		DeploymentMaximumPercent:        pulumi.Int(maxPercent),
		HealthCheckGracePeriodSeconds:   pulumi.Int(p.gracePeriod),
		EnableExecuteCommand:            pulumi.Bool(p.exec),
		EnableEcsManagedTags:            pulumi.Bool(true),
		PropagateTags:                   pulumi.String("SERVICE"),
		WaitForSteadyState:              pulumi.Bool(true),
		Tags:                            tags,
	}
}

// clusterNameFromARN returns NAME of "arn:aws:ecs:REGION:ACCOUNT:cluster/NAME".
func clusterNameFromARN(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}
