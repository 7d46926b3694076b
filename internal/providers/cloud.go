package providers

import (
	"encoding/json"
	"fmt"
	"maps"

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
// (Cloud Run docs, "Troubleshooting"; [TPGB] crv2:1036-1042, reconciling).
// The inner text is the API's message for a revision whose container did
// not start, as Cloud Run's troubleshooting guide gives it; its status code
// is not published, and 9 (FAILED_PRECONDITION) is assumed.
func CloudRunOperation(op, revision, previous string, outcome OperationOutcome) (serving string, err error) {
	if outcome != RevisionFails {
		return revision, nil
	}
	return previous, CloudRunOperationError(op, 9, fmt.Sprintf("Revision '%s' is not ready and cannot serve traffic. "+
		"The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable.", revision))
}

// CloudRunOperationError is a failed Cloud Run operation as the resource
// reports it: the operation's error ("Error code %v, message: %s",
// tpgresource/common_operation.go:20-21) wrapped by the waiter ("Error
// waiting for %s: %w", :156, with "Creating Service" or "Updating
// Service"), and on create once more ("Error waiting to create Service:
// %s", [TPGB] crv2:1294-1296; update returns the waiter's error as it is,
// crv2:1580-1586).
func CloudRunOperationError(op string, code int, message string) error {
	err := fmt.Errorf("Error waiting for %s Service: Error code %d, message: %s", map[string]string{"create": "Creating", "update": "Updating"}[op], code, message)
	if op == "create" {
		return fmt.Errorf("Error waiting to create Service: %w", err)
	}
	return err
}

// CloudRunFingerprint is what identifies the template of a Cloud Run
// service's state for CloudRunRevisionConflict: its JSON, keys sorted,
// without the revision's name.
func CloudRunFingerprint(state resource.PropertyMap) string {
	t, _ := state["template"].Mappable().(map[string]any)
	c := maps.Clone(t)
	delete(c, "revision")
	b, _ := json.Marshal(c)
	return string(b)
}

// CloudRunRevisionConflict is the API's answer to an update (the
// provider's one PATCH, [TPGB] resource_cloud_run_v2_service.go:1550-1575,
// "Error updating Service %q: %s") whose template names a revision that an
// earlier template of the service made: HTTP 409 "Revision named 'X' with
// different configuration already exists" (googleapis/google-cloud-
// python#14259, hashicorp/terraform-provider-google#14569), nothing
// changed; nil when the name is new or made by the same template.
func CloudRunRevisionConflict(id, revision, fingerprint string, revisions map[string]string) error {
	if had, ok := revisions[revision]; !ok || had == fingerprint {
		return nil
	}
	return fmt.Errorf("Error updating Service %q: googleapi: Error 409: Revision named '%s' with different configuration already exists.", id, revision)
}

// CloudRunTrafficProblem is why the operation of a Cloud Run create or
// update fails for its traffic, "" when it does not: a target naming a
// revision the service does not have, the operation's error 13 "Revision
// 'X' does not exist or is deleted. Update all traffic to route to
// currently available revisions." (terraform-google-modules/terraform-
// docs-samples#269, quoted from the provider). Percentages that do not sum
// to 100 are refused too, but where (at once or in the operation) and in
// which words is not published for the v2 API, so the model leaves them
// out; berth always sends 100 - p and p.
func CloudRunTrafficProblem(traffics resource.PropertyValue, exists func(revision string) bool) (code int, message string) {
	if !traffics.IsArray() {
		return 0, ""
	}
	for _, t := range traffics.ArrayValue() {
		if !t.IsObject() {
			continue
		}
		m := t.ObjectValue()
		if typ, _ := KnownString(m["type"]); typ == CloudRunTrafficRevision {
			if rev, _ := KnownString(m["revision"]); !exists(rev) {
				return 13, fmt.Sprintf("Revision '%s' does not exist or is deleted. Update all traffic to route to currently available revisions.", rev)
			}
		}
	}
	return 0, ""
}
