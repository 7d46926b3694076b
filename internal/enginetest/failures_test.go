package enginetest

// Failed creates under the pinned providers: what a real `up` leaves in
// the state and in the cloud when a resource's Create records its ID and
// then fails its wait, and what the next `up` does (internal/providers:
// Type.Waits, Provider.RecordsPartialCreate).

import (
	"strings"
	"testing"

	"github.com/berth-dev/berth/infra/program"
	"github.com/berth-dev/berth/internal/fakecloud/cloud"
	"github.com/berth-dev/berth/internal/providers"
)

// An ECS service whose first deployment never becomes stable: pulumi-aws
// reports a partial create, the engine records the service with its
// error, and the next `up`, with the release fixed, updates that service
// instead of creating another (pkg/v3 v3.274.1 step_generator.go:
// 2299-2315).
func TestAFailedFirstECSDeploymentIsRecordedAndTheNextUpConverges(t *testing.T) {
	e := newEnv(t)
	s := e.stack("prod", "infra", program.Run)
	if err := e.cloud.ScriptDeployments(cloud.AnyService, providers.DeploymentRollsBack); err != nil {
		t.Fatal(err)
	}
	r, err := s.up()
	if err == nil {
		t.Fatal("the first up succeeded although the service never became stable")
	}
	if !strings.Contains(r.failure(), "waiting for ECS Service (arn:aws:ecs:us-east-1:123456789012:service/") {
		t.Errorf("the up failed without the provider's waiter error:\n%s", r.failure())
	}
	export := s.export()
	if !strings.Contains(export, `"type": "aws:ecs/service:Service"`) || !strings.Contains(export, `"initErrors"`) {
		t.Errorf("the state does not hold the service with its initErrors:\n%s", export)
	}
	if n := countLive(e, providers.ECSService); n != 1 {
		t.Fatalf("the cloud holds %d ECS services, want the one the failed up created", n)
	}

	if err := e.cloud.ScriptDeployments(cloud.AnyService, providers.DeploymentSucceeds); err != nil {
		t.Fatal(err)
	}
	fixed := s.mustUp()
	if got := fixed.operations()["app-svc"]; got != "update" {
		t.Errorf("the fixed up did %q to the service, want an update of the recorded one", got)
	}
	if n := countLive(e, providers.ECSService); n != 1 {
		t.Errorf("the cloud holds %d ECS services after the fixed up, want 1", n)
	}
	checkStable(t, s, "after the fixed up")
}

// A Cloud Run service whose first revision never becomes ready: pulumi-gcp
// v7.38.0's bridge drops the state that comes with the error, so the state
// never learns of the service the cloud keeps, and the next `up` fails on
// the name it holds, until the service is deleted (or imported).
func TestAFailedFirstCloudRunRevisionLeavesAServiceOutsideTheState(t *testing.T) {
	e := newEnv(t)
	s := e.stack("dev", "infra", program.Run)
	if err := e.cloud.ScriptOperations(cloud.AnyService, providers.RevisionFails); err != nil {
		t.Fatal(err)
	}
	r, err := s.up()
	if err == nil {
		t.Fatal("the first up succeeded although the revision never became ready")
	}
	if !strings.Contains(r.failure(), "Error waiting to create Service: ") {
		t.Errorf("the up failed without the provider's error:\n%s", r.failure())
	}
	if strings.Contains(s.export(), `"type": "gcp:cloudrunv2/service:Service"`) {
		t.Error("the state holds the Cloud Run service; pulumi-gcp's bridge drops a failed create's state")
	}
	if n := countLive(e, providers.CloudRunService); n != 1 {
		t.Fatalf("the cloud holds %d Cloud Run services, want the one the failed create left", n)
	}

	if err := e.cloud.ScriptOperations(cloud.AnyService, providers.OperationSucceeds); err != nil {
		t.Fatal(err)
	}
	r, err = s.up()
	if err == nil || !strings.Contains(r.failure(), "googleapi: Error 409: Resource '") {
		t.Fatalf("the next up: %v, want the API's 409 for the name the orphan holds\n%s", err, r.failure())
	}

	// The recovery components/cloudrun documents: delete the service the
	// failed create left (gcloud run services delete), then up.
	if err := e.cloud.Update(func(st *cloud.State) error {
		for key, rec := range st.Resources {
			if rec.Type == providers.CloudRunService {
				st.Remove(key)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s.mustUp()
	checkStable(t, s, "after the recovery")
}

// countLive counts the fake cloud's live resources of type typ.
func countLive(e *env, typ string) int {
	return len(e.state().Live(typ))
}
