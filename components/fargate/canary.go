package fargate

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// CanaryHeader and CanaryHeaderValue route a request to the canary lane
// whatever the weights: a request carrying "X-Berth-Release: canary"
// reaches the new release directly, as Cloud Run's tagged URL does. The
// load balancer compares the header's name and values without regard to
// case ([SDKA] lb/pulumiTypes.go:3766-3768, on the HTTP header
// condition).
const (
	CanaryHeader      = "X-Berth-Release"
	CanaryHeaderValue = "canary"
)

// The canary's listener rules. Rules are evaluated from the lowest
// priority to the highest, the listener's default action last (Elastic
// Load Balancing, "Listener rules for your Application Load Balancer"),
// and a rule's priority is 1 to 50000
// ([TPA] internal/service/elbv2/listener_rule.go, index id 2058983980:
// listenerRulePriorityMin 1, listenerRulePriorityMax 50_000). berth takes
// the last two, so that rules an adopter adds to the listener come first,
// and the header route comes before the split.
const (
	canaryRoutePriority = 49999
	canarySplitPriority = 50000
	// everyPath matches every request: a path pattern's "*" matches zero
	// or more characters and every path begins with "/" (Elastic Load
	// Balancing, ListenerRule PathPatternConfig). A rule needs a
	// condition ([TPA] listener_rule.go: condition is Required), unlike
	// the default action.
	everyPath = "/*"
	// canaryMinTasks keeps one canary task: the lane must always hold a
	// healthy target, since the load balancer sends a weighted group its
	// share whether or not it has one (research issue16-fargate-canary.md
	// §1; AWS docs, "Forward actions": requests "are distributed to these
	// target groups based on their weights").
	canaryMinTasks = 1
)

// CanaryLane is the second ECS service of a canary
// (service.rollout.canary): its own target group, alarms and autoscaling,
// running the release this update registered (the stable release while
// the canary is aborted). The stable lane is the component's own Service,
// TargetGroup, alarms and scaling, pinned to canary.stable.
type CanaryLane struct {
	// TargetGroup holds the canary tasks, with the stable group's
	// settings.
	TargetGroup *lb.TargetGroup
	// Route forwards every request carrying CanaryHeader: CanaryHeaderValue
	// to TargetGroup, whatever the weights; it is also what associates the
	// group with the load balancer before the canary service exists.
	Route *lb.ListenerRule
	// ErrorsAlarm and UnhealthyAlarm watch TargetGroup and roll a failing
	// canary deployment back.
	ErrorsAlarm, UnhealthyAlarm *cloudwatch.MetricAlarm
	// Service is the canary lane's ECS service.
	Service *ecs.Service
	// ScalingTarget, CPUScaling and RequestScaling scale the canary lane
	// from one task to service.maxInstances, at the stable lane's targets.
	ScalingTarget              *appautoscaling.Target
	CPUScaling, RequestScaling *appautoscaling.Policy
	// Split sends service.rollout.canary.percent of the other requests to
	// TargetGroup and the rest to the stable lane (none while aborted).
	Split *lb.ListenerRule
}

// lane is one ECS service behind the load balancer with its own target
// group, alarms and scaling. Without a canary the component has one lane;
// with one, the stable lane (today's resources under today's names) and
// the canary lane.
type lane struct {
	// key prefixes the lane's logical names: the component's name for the
	// stable lane, so that its resources keep their URNs, name+"-canary"
	// for the canary lane.
	key string
	// title names the lane in alarm descriptions: the component's name,
	// or "NAME canary lane".
	title string
	// role names the lane in errors: "" without a canary, "stable lane"
	// or "canary lane".
	role string
	// Physical names.
	service, targetGroup, errorsAlarm, unhealthyAlarm string
	// minTasks is the fewest tasks of the lane.
	minTasks int
}

// rolePrefix is the lane's role and a space, for messages; "" without a
// role.
func (l lane) rolePrefix() string {
	if l.role == "" {
		return ""
	}
	return l.role + " "
}

// plannedCanary is the canary with its lane's names.
type plannedCanary struct {
	spec.ResolvedCanary
	lane lane
}

// stableLane is the component's own service, the stable lane of a canary.
func (p *plan) stableLane(name string) lane {
	l := lane{key: name, title: name, service: p.service, targetGroup: p.targetGroup,
		errorsAlarm: p.alarms.errors, unhealthyAlarm: p.alarms.unhealthy, minTasks: p.minTasks}
	if p.canary != nil {
		l.role = "stable lane"
	}
	return l
}

// taskDefinitionARN is what ECS revision a task definition ARN names:
// arn:PARTITION:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION
// (Amazon ECS, "Amazon Resource Names (ARNs) and IDs"; a family is up to
// 255 letters, digits, hyphens and underscores, RegisterTaskDefinition).
var taskDefinitionARN = regexp.MustCompile(`^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/([A-Za-z0-9_-]{1,255}):[1-9][0-9]*$`)

// resolveCanary checks canary.stable against the family this service
// registers and names the canary lane. name is the component's name.
func resolveCanary(c *spec.ResolvedCanary, name string, a *ServiceArgs, p *plan, ps *validate.Problems) {
	if c == nil {
		return
	}
	// An empty stable is spec's problem ("required").
	if c.Stable != "" {
		if m := taskDefinitionARN.FindStringSubmatch(c.Stable); m == nil || m[1] != p.family {
			ps.Addf("service.rollout.canary.stable", "%q is not a task definition revision of this service (allowed: arn:aws:ecs:REGION:ACCOUNT:task-definition/%s:REVISION, the taskDefinitionArn output of a deployment of it)", c.Stable, p.family)
		}
	}
	p.canary = &plannedCanary{ResolvedCanary: *c, lane: lane{
		key:   name + "-canary",
		title: name + " canary lane",
		role:  "canary lane",
		// Siblings of the service's seed, as the alarms and roles are.
		service:        naming.Sibling(p.name+"-canary", p.seed, 255),
		targetGroup:    targetGroupName(a, p, naming.Sanitize(p.name)+"-canary", "tg-canary"),
		errorsAlarm:    naming.Sibling(p.name+"-canary-5xx", p.seed, 255),
		unhealthyAlarm: naming.Sibling(p.name+"-canary-unhealthy", p.seed, 255),
		minTasks:       canaryMinTasks,
	}}
}

// release is a task definition revision a lane must run, and what it is
// for errors.
type release struct {
	arn, what string
}

// releases returns what the stable and the canary lane must run, given the
// revision this update registered: without a canary the one lane runs it;
// with one, the stable lane runs canary.stable and the canary lane the
// registered revision, or canary.stable too while the canary is aborted.
func (p *plan) releases(registered string) (stable, canary release) {
	fresh := release{registered, "which this update registered"}
	if p.canary == nil {
		return fresh, release{}
	}
	pinned := release{p.canary.Stable, "the stable release, service.rollout.canary.stable"}
	if p.canary.Abort {
		return pinned, release{p.canary.Stable, "the stable release, which an aborted canary runs"}
	}
	return pinned, fresh
}

// newCanary creates the canary lane beside the stable lane, in the order
// that keeps traffic off a group without healthy targets:
//
//  1. the target group, and the header route on the serving listener,
//     which associates the group with the load balancer: ECS refuses to
//     create a service whose target group no listener or rule uses, "does
//     not have an associated load balancer" (the provider retries that
//     error for its propagation timeout plus 2 minutes, then fails:
//     [TPA] internal/service/ecs/service.go retryServiceCreate, index id
//     6687224974);
//  2. the alarms and the canary service, after the route; with
//     wait_for_steady_state its create or update returns once the new
//     tasks run and, on an update, have passed the group's health checks
//     (research issue16-fargate-canary.md §3);
//  3. the weighted split, after the canary service when it sends the
//     canary any share.
//
// The engine registers a resource only after every resource it depends on
// has completed its step (pulumi sdk v3.274.1 go/pulumi/context.go:2999-3007
// collects DependsOn; pkg v3.274.1 resource/deploy/source_eval.go:3213-3216
// blocks RegisterResource until the step is done; step_executor.go:95-98),
// so this order holds on the first up and on every update. Removing the
// canary deletes the lane after every create and update, in reverse
// dependency order (pkg v3.274.1 resource/deploy/deployment_executor.go:
// 283-289 and 556-580; step_generator.go:2883-2929 ScheduleDeletes): the
// split first, then the service, the route, and the group last, once no
// rule forwards to it.
//
// The weights are on a catch-all listener rule rather than on the
// listener's default action: the route needs the listener's ARN and the
// canary service needs the route, so a listener that waited for the
// canary service would wait for itself.
func (c *Service) newCanary(ctx *pulumi.Context, name string, p *plan, args *ServiceArgs, deps []pulumi.Resource, clusterARN, clusterName pulumi.StringOutput, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
	l, cp := p.canary.lane, p.canary
	k := &CanaryLane{}
	c.Canary = k
	var err error
	if k.TargetGroup, err = c.newTargetGroup(ctx, l, p, args, tags, parent); err != nil {
		return err
	}
	listener := c.servingListener()
	k.Route, err = lb.NewListenerRule(ctx, l.key+"-route", &lb.ListenerRuleArgs{
		ListenerArn: listener.Arn,
		Priority:    pulumi.Int(canaryRoutePriority),
		Conditions: lb.ListenerRuleConditionArray{lb.ListenerRuleConditionArgs{
			HttpHeader: &lb.ListenerRuleConditionHttpHeaderArgs{
				HttpHeaderName: pulumi.String(CanaryHeader),
				Values:         pulumi.StringArray{pulumi.String(CanaryHeaderValue)},
			},
		}},
		Actions: lb.ListenerRuleActionArray{lb.ListenerRuleActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: k.TargetGroup.Arn,
		}},
		Tags: tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("creating canary route: %w", err)
	}
	if k.ErrorsAlarm, k.UnhealthyAlarm, err = c.newAlarms(ctx, l, k.TargetGroup, p, tags, parent); err != nil {
		return err
	}
	td := c.TaskDefinition.Arn.ToStringOutput()
	if cp.Abort {
		td = pulumi.String(cp.Stable).ToStringOutput()
	}
	k.Service, err = ecs.NewService(ctx, l.key+"-svc", p.serviceArgs(args, l, td, k.TargetGroup, laneAlarms(p, k.ErrorsAlarm, k.UnhealthyAlarm), c, clusterARN, tags),
		parent, naming.CreateFirst, c.kids.Long(),
		pulumi.DependsOn(append(append([]pulumi.Resource{}, deps...), k.Route)),
		pulumi.IgnoreChanges([]string{"desiredCount"}))
	if err != nil {
		return fmt.Errorf("creating canary service: %w", err)
	}
	if k.ScalingTarget, k.CPUScaling, k.RequestScaling, err = c.newScaling(ctx, l, k.Service, k.TargetGroup, p, clusterName, tags, parent); err != nil {
		return err
	}

	share := cp.Share()
	opts := []pulumi.ResourceOption{parent}
	if share > 0 {
		// A weight of 0 is always safe (the stable group serves
		// everything), so an abort is not held up by the canary lane's
		// own deployment, which may be failing.
		opts = append(opts, pulumi.DependsOn([]pulumi.Resource{k.Service}))
	}
	k.Split, err = lb.NewListenerRule(ctx, l.key+"-split", &lb.ListenerRuleArgs{
		ListenerArn: listener.Arn,
		Priority:    pulumi.Int(canarySplitPriority),
		Conditions: lb.ListenerRuleConditionArray{lb.ListenerRuleConditionArgs{
			PathPattern: &lb.ListenerRuleConditionPathPatternArgs{Values: pulumi.StringArray{pulumi.String(everyPath)}},
		}},
		// Weights only, never with a top-level targetGroupArn, and
		// never under ignoreChanges: an ignored weight of a new group
		// lands as the default 1 (pulumi/pulumi-aws#5772, #5798;
		// pulumi/pulumi-terraform-bridge#3186). Each weight is 0 to 999,
		// default 1 ([TPA] listener_rule.go action.forward.target_group).
		Actions: lb.ListenerRuleActionArray{lb.ListenerRuleActionArgs{
			Type: pulumi.String("forward"),
			Forward: &lb.ListenerRuleActionForwardArgs{
				TargetGroups: lb.ListenerRuleActionForwardTargetGroupArray{
					lb.ListenerRuleActionForwardTargetGroupArgs{Arn: c.TargetGroup.Arn, Weight: pulumi.Int(100 - share)},
					lb.ListenerRuleActionForwardTargetGroupArgs{Arn: k.TargetGroup.Arn, Weight: pulumi.Int(share)},
				},
			},
		}},
		Tags: tags,
	}, opts...)
	if err != nil {
		return fmt.Errorf("creating canary split: %w", err)
	}
	return nil
}

// servingListener is the listener that forwards to the service: HTTPS
// with a certificate, HTTP without.
func (c *Service) servingListener() *lb.Listener {
	if c.HTTPSListener != nil {
		return c.HTTPSListener
	}
	return c.HTTPListener
}
