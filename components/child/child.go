// Package child addresses resource options to one named child of a berth
// component: ignoreChanges on the ECS service's desired count, a longer
// timeout on the load balancer alone, protect on the task role.
//
// A berth component names its children COMPONENT-ROLE: the component
// "orders" has the ECS service "orders-svc" and the load balancer
// "orders-lb". Options(role, opts...) gives opts to the child of that role
// of every berth component it reaches:
//
//	svc, err := berth.NewService(ctx, "orders", args,
//		child.IgnoreChanges(child.FargateService, "desiredCount", "taskDefinition"),
//		child.Options(child.FargateLoadBalancer, pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "30m"})),
//	)
//
// (two children, one call each).
//
// The option is a pulumi.Transformations entry, which the Go SDK runs on
// the resource it is given to and on every descendant (sdk/v3 v3.274.1
// go/pulumi/context.go:2250-2280: a resource's own transformations, then
// its parent's collected list), before the registration is sent. It adds
// opts after the child's own options and keeps those: unlike a
// pulumi.Transforms callback, whose answer replaces the child's options
// with what the Go SDK can send back (context.go:496-565: no
// deleteBeforeReplace false, no deletedWith), it cannot turn a child's
// create-first replacement into delete-first. Later options win, so
// Options can also take back what berth set (child.Options(role,
// pulumi.Protect(true)) protects a routine child of a protected
// component).
//
// Give every option for one child in one call: the SDK runs each
// transformation on the child's own options and keeps the last answer
// (context.go:2259-2276), so a second Options or IgnoreChanges for the
// same child, or a transformation of the adopter's that answers for it,
// replaces the first:
//
//	child.Options(child.FargateService,
//		pulumi.IgnoreChanges([]string{"desiredCount", "taskDefinition"}),
//		pulumi.Timeouts(&pulumi.CustomTimeouts{Update: "40m"}))
//
// Use the Role constants: a role that no child has matches nothing.
package child

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Role is the part of a child's name after its component's name and a
// hyphen.
type Role string

// Roles of components/image's children.
const (
	// ImageRepository is the ECR or Artifact Registry repository
	// (stateful: protected and retained with the component).
	ImageRepository Role = "repo"
	// ImageLifecyclePolicy is the ECR repository's lifecycle policy.
	ImageLifecyclePolicy Role = "lifecycle"
	// ImageBuild is the docker provider's image, built and pushed.
	ImageBuild Role = "image"
)

// Roles of components/fargate's children with fixed names. The secrets,
// named after their keys, and the security group rules, named after their
// ports and ranges, have none.
const (
	FargateLogGroup             Role = "logs"        // stateful; the container's logs
	FargateExecutionRole        Role = "exec-role"   // ECS's role: image, logs, secrets
	FargateExecutionPolicy      Role = "exec-policy" // the execution role's policy
	FargateTaskRole             Role = "task-role"   // stateful; the app's identity
	FargateTaskPolicy           Role = "task-policy" // the task role's policy
	FargateLBSecurityGroup      Role = "lb-sg"       // the load balancer's security group
	FargateTaskSecurityGroup    Role = "task-sg"     // the tasks' security group
	FargateLoadBalancer         Role = "lb"          // stateful (its DNS name) and long
	FargateTargetGroup          Role = "tg"          // the tasks' target group
	FargateHTTPListener         Role = "http"        // the listener on 80
	FargateHTTPSListener        Role = "https"       // the listener on 443
	FargateErrorsAlarm          Role = "5xx"         // the 5xx rate alarm
	FargateUnhealthyAlarm       Role = "unhealthy"   // the unhealthy targets alarm
	FargateCluster              Role = "cluster"     // the ECS cluster, when created
	FargateTaskDefinition       Role = "taskdef"     // replaced by every new image
	FargateService              Role = "svc"         // the ECS service; long
	FargateScalingTarget        Role = "scaling"     // the task count's scaling target
	FargateCPUScaling           Role = "cpu"         // CPU target tracking
	FargateRequestScalingPolicy Role = "requests"    // request count target tracking
)

// Roles of components/cloudrun's children with fixed names. The secrets,
// accessor and invoker bindings, named after what they bind, have none.
const (
	CloudRunServiceAccount Role = "sa"        // stateful; the service's identity
	CloudRunService        Role = "svc"       // the Cloud Run service; long
	CloudRunConnector      Role = "connector" // the VPC connector; long
)

// Options gives opts to the child of role of every berth component that
// this option reaches: given to a component, its children and the
// children of the components inside it (berth.NewService's image and
// cloud service).
func Options(role Role, opts ...pulumi.ResourceOption) pulumi.ResourceOption {
	extra := append([]pulumi.ResourceOption(nil), opts...)
	return pulumi.Transformations([]pulumi.ResourceTransformation{
		func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
			if !Is(args, role) {
				return nil
			}
			return &pulumi.ResourceTransformationResult{
				Props: args.Props,
				Opts:  append(append([]pulumi.ResourceOption(nil), args.Opts...), extra...),
			}
		},
	})
}

// IgnoreChanges makes the engine ignore changes to paths (input property
// paths of the child's provider type, as pulumi.IgnoreChanges takes them)
// of the child of role. It is Options(role, pulumi.IgnoreChanges(paths)):
// for more options on the same child, use Options with all of them.
func IgnoreChanges(role Role, paths ...string) pulumi.ResourceOption {
	return Options(role, pulumi.IgnoreChanges(paths))
}

// Is reports whether the resource a transformation is called for is the
// child of role of a berth component: its parent's type is berth's and
// its name is the parent's name, a hyphen and role.
func Is(args *pulumi.ResourceTransformationArgs, role Role) bool {
	ro, err := pulumi.NewResourceOptions(args.Opts...)
	if err != nil || ro.Parent == nil {
		return false
	}
	p := ro.Parent
	return strings.HasPrefix(p.PulumiResourceType(), "berth:") && args.Name == p.PulumiResourceName()+"-"+string(role)
}
