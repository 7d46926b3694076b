package providers

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// DeploymentOutcome is how the fake cloud is scripted to end an ECS
// deployment; the cloud's real outcome depends on the tasks' health, which
// a fake cannot know.
type DeploymentOutcome string

// Deployment outcomes.
const (
	// DeploymentSucceeds: the new tasks become healthy and the new task
	// definition runs.
	DeploymentSucceeds DeploymentOutcome = "succeeds"
	// DeploymentRollsBack: the new tasks fail their health checks, the
	// deployment circuit breaker (with rollback) stops the deployment and
	// ECS rolls the service back to the task definition it ran before
	// (ECS developer guide, "deployment circuit breaker").
	DeploymentRollsBack DeploymentOutcome = "rolls-back"
	// DeploymentFailsAlarms: the new tasks become healthy, then answer
	// errors that put a deployment alarm in ALARM during the deployment or
	// its bake time. With the service's deployment alarms enabled with
	// rollback, ECS rolls back to the last completed deployment; without,
	// the release stays (ECS developer guide, "How the CloudWatch
	// deployment alarms work": only ALARM triggers a failure, and a
	// failure rolls back when rollback is set).
	DeploymentFailsAlarms DeploymentOutcome = "fails-alarms"
)

// Deploy returns the task definition an ECS service runs after a
// deployment of want over running ("" for a new service), and the error
// the provider reports, if any.
//
// The provider's waiter (wait_for_steady_state) polls until the service
// has exactly one deployment and its running count equals its desired
// count (internal/service/ecs/service.go statusServiceWaitForStable in the
// v5 provider). After a circuit-breaker rollback the service again has one
// deployment, the rolled-back one, with all its tasks running: the waiter
// reports stable, and the provider reports success while the service runs
// the old task definition (hashicorp/terraform-provider-aws#20858). A new
// service has nothing to roll back to: its failed deployment never has
// its tasks running, and the waiter times out (after the 20 minutes of the
// resource's create timeout; the fake fails at once, with the waiter's
// message). An alarm rollback ends the same way, when alarmRollback says
// the service's deployment alarms are enabled with rollback; the waiter
// does not look at the deployment's rolloutState, only at the number of
// deployments and of running tasks ([TPA] service.go
// statusServiceWaitForStable, index id 6687224974).
func Deploy(running, want string, outcome DeploymentOutcome, waitForSteadyState, alarmRollback bool) (string, error) {
	if !waitForSteadyState && running != "" {
		// The provider reads the service back as soon as ECS accepts the
		// deployment, before any rollback: it reports the new revision.
		return want, nil
	}
	switch {
	case outcome == DeploymentFailsAlarms && alarmRollback && running != "":
		return running, nil
	case outcome != DeploymentRollsBack:
		return want, nil
	}
	if running == "" {
		if !waitForSteadyState {
			return want, nil
		}
		// The waiter's error (retry.StateChangeConf over the pseudo-states
		// tfPENDING and tfSTABLE) after the create timeout of 20 minutes.
		return want, fmt.Errorf("timeout while waiting for state to become 'tfSTABLE' (last state: 'tfPENDING', timeout: 20m0s)")
	}
	return running, nil
}

// ECSCreateServiceLoadBalancers checks CreateService's load balancers:
// ECS refuses a service whose target group no listener or listener rule
// uses, as not associated with a load balancer; associated reports
// whether one does (TargetGroupAssociated). The provider retries exactly
// that refusal ("does not have an associated load balancer") for its
// propagation timeout plus 2 minutes and then fails the create, before
// the service has an ID ([TPA] internal/service/ecs/service.go
// retryServiceCreate, index id 6687224974; resourceServiceCreate wraps it
// as "creating ECS Service (%s): %s", index id 1269456002). The fake
// fails at once; the rest of the message is ECS's as users report it
// (InvalidParameterException), not read in a source.
func ECSCreateServiceLoadBalancers(service resource.PropertyMap, associated func(arn string) bool) error {
	for _, lb := range arrayOf(service["loadBalancers"]) {
		if arn, ok := KnownString(objectOf(lb)["targetGroupArn"]); ok && arn != "" && !associated(arn) {
			name, _ := KnownString(service["name"])
			return fmt.Errorf("creating ECS Service (%s): InvalidParameterException: The target group with targetGroupArn %s does not have an associated load balancer.", name, arn)
		}
	}
	return nil
}

// ECSInactiveTaskDefinition is ECS's refusal of a CreateService, or of an
// UpdateService that sends a new task definition (the provider sends it
// only when task_definition changes: [TPA] service.go
// resourceServiceUpdate), naming a deregistered revision: "You can't use
// an INACTIVE task definition revision to run new tasks or create new
// services. You also can't update an existing service to reference an
// INACTIVE task definition revision" (Amazon ECS developer guide,
// deregister-task-definition-v2.html). The provider wraps the API's error
// as "creating ECS Service (NAME): ..." or "updating ECS Service (ARN):
// ..." (index id 6687224974); the inner text is ECS's as users report it,
// not read in a source.
func ECSInactiveTaskDefinition(op, service, arn string) error {
	return fmt.Errorf("%s ECS Service (%s): ClientException: TaskDefinition is inactive (%s)", op, service, arn)
}

// TaskDefinitionDeregisters reports whether deleting a task definition
// deregisters its revision: it does unless skip_destroy is set, in which
// case the revision stays ACTIVE (internal/service/ecs/task_definition.go
// resourceTaskDefinitionDelete).
func TaskDefinitionDeregisters(state resource.PropertyMap) bool {
	v := Unsecret(state["skipDestroy"])
	return !(v.IsBool() && v.BoolValue())
}

// ECRPush checks a push of digest under tag to an ECR repository whose tag
// currently points at existing ("" for a new tag): an IMMUTABLE repository
// rejects moving an existing tag to another image (ECR user guide, "Image
// tag mutability"; the error is what docker push prints for ECR's
// ImageTagAlreadyExistsException). Pushing the same image again is
// accepted; that is what ECR does for an unchanged manifest as far as the
// docs say, not verified against ECR.
func ECRPush(repository, mutability, tag, existing, digest string) error {
	if mutability == "IMMUTABLE" && existing != "" && existing != digest {
		return fmt.Errorf("tag invalid: The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable.", tag, repository)
	}
	return nil
}

// ECRDeleteRepository checks deleting a repository holding images: it
// fails unless force_delete is set (internal/service/ecr/repository.go
// resourceRepositoryDelete passes Force to DeleteRepository; ECR API
// RepositoryNotEmptyException).
func ECRDeleteRepository(name, registryID string, images int, force bool) error {
	if images > 0 && !force {
		return fmt.Errorf("deleting ECR Repository (%s): RepositoryNotEmptyException: The repository with name '%s' in registry with id '%s' cannot be deleted because it still contains images", name, name, registryID)
	}
	return nil
}

// OperationOutcome is how the fake cloud is scripted to end the next Cloud
// Run operations on a service: the cloud's real outcome depends on whether
// the new revision's container starts, which a fake cannot know.
type OperationOutcome string

// Cloud Run operation outcomes.
const (
	// OperationSucceeds: the new revision becomes ready and serves.
	OperationSucceeds OperationOutcome = "succeeds"
	// RevisionFails: the new revision never becomes ready (an image that
	// does not start, a failing startup probe, a secret the service
	// account cannot read yet); the service keeps serving the revision it
	// served before, if any (Cloud Run docs, "Troubleshooting").
	RevisionFails OperationOutcome = "revision-fails"
)

// CloudRunOperation returns the revision a Cloud Run service serves after
// a create (op "create") or update ("update") that made revision, the one
// it served before being previous ("" for none), and the error the
// provider reports when the operation ends with outcome: the new revision
// serves, or, when it never becomes ready, the previous one still does
// (Cloud Run docs, "Troubleshooting") and the operation's error is wrapped
// as the resource wraps it ([TPGB] resource_cloud_run_v2_service.go:
// 1294-1296 "Error waiting to create Service: %s", 1580-1586 on update).
// The inner text is the API's message for a revision whose container did
// not start, as Cloud Run's troubleshooting guide gives it.
func CloudRunOperation(op, revision, previous string, outcome OperationOutcome) (serving string, err error) {
	if outcome != RevisionFails {
		return revision, nil
	}
	return previous, fmt.Errorf("Error waiting to %s Service: Error waiting for %s Service: Revision '%s' is not ready and cannot serve traffic. "+
		"The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable.",
		op, map[string]string{"create": "Creating", "update": "Updating"}[op], revision)
}
