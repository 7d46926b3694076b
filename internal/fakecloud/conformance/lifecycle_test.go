package conformance

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/berth-dev/berth/internal/fakecloud/cloud"
	"github.com/berth-dev/berth/internal/providers"
)

// live returns the cloud's live records of type typ.
func (p *plug) live(typ string) []*cloud.Record {
	p.t.Helper()
	s, err := p.cloud.Read()
	if err != nil {
		p.t.Fatal(err)
	}
	return s.Live(typ)
}

// TestFailedCreatesLeaveWhatTheProvidersLeave: a Create that records the
// ID and then fails its wait.
func TestFailedCreatesLeaveWhatTheProvidersLeave(t *testing.T) {
	t.Parallel()
	t.Run("an ECS service whose first deployment fails is a partial create", func(t *testing.T) {
		t.Parallel()
		// [TPA] ecs/service.go Create: d.SetId(ServiceArn) before
		// waitServiceStable; [BR110] provider.go Create returns
		// initializationError with the partial state, which the engine
		// records with initErrors ([PKG] resource/deploy/step.go:438-446).
		p := start(t, "aws", awsConfig)
		if err := p.cloud.ScriptDeployments("api", providers.DeploymentRollsBack); err != nil {
			t.Fatal(err)
		}
		in := p.mustCheck(providers.ECSService, "svc", nil, props(map[string]any{"name": "api", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/c",
			"taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1", "waitForSteadyState": true}), "s")
		r := p.create(providers.ECSService, "svc", in)
		if r.err == nil || !r.partial {
			t.Fatalf("create: err %v partial %t, want a partial failure", r.err, r.partial)
		}
		if want := "arn:aws:ecs:us-east-1:123456789012:service/c/api"; r.id != want {
			t.Errorf("partial create ID %q, want %q", r.id, want)
		}
		if want := "creating " + urn(providers.ECSService, "svc") + ": waiting for ECS Service (" + r.id + ") create: timeout while waiting for state to become 'tfSTABLE'"; !strings.HasPrefix(r.err.Error(), want) {
			t.Errorf("reason %q", r.err)
		}
		if n := len(p.live(providers.ECSService)); n != 1 {
			t.Errorf("the cloud holds %d services, want the one created", n)
		}
	})
	t.Run("a Cloud Run service whose first revision fails is left outside the state", func(t *testing.T) {
		t.Parallel()
		// [TPGB] resource_cloud_run_v2_service.go:1281-1296: SetId, then
		// "Error waiting to create Service" with the ID kept; pulumi-gcp
		// v7.38.0 runs every resource through PlanResourceChange ([PG]
		// resources.go:464), and [BR89] pkg/tfshim/sdk-v2/provider2.go:
		// 531-534 drops the state that comes with an error: a plain error.
		p := start(t, "gcp", gcpConfig)
		if err := p.cloud.ScriptOperations("web", providers.RevisionFails); err != nil {
			t.Fatal(err)
		}
		in := p.mustCheck(providers.CloudRunService, "svc", nil, props(map[string]any{"name": "web", "location": "us-central1",
			"template": map[string]any{"containers": []any{map[string]any{"image": "i"}}}}), "s")
		r := p.create(providers.CloudRunService, "svc", in)
		if r.err == nil || r.partial {
			t.Fatalf("create: err %v partial %t, want a plain error", r.err, r.partial)
		}
		if !strings.HasPrefix(r.err.Error(), "Error waiting to create Service: ") || !strings.Contains(r.err.Error(), "is not ready and cannot serve traffic") {
			t.Errorf("error %q", r.err)
		}
		if n := len(p.live(providers.CloudRunService)); n != 1 {
			t.Fatalf("the cloud holds %d services, want the one the failed create left", n)
		}
		// The next up creates it again, and the API refuses the name.
		if err := p.cloud.ScriptOperations("web", providers.OperationSucceeds); err != nil {
			t.Fatal(err)
		}
		again := p.create(providers.CloudRunService, "svc", in)
		if again.err == nil || !strings.Contains(again.err.Error(), "googleapi: Error 409: Resource 'web' already exists.") {
			t.Errorf("second create: %v, want the API's 409", again.err)
		}
	})
	t.Run("a Cloud Run update whose revision fails keeps serving the old one", func(t *testing.T) {
		t.Parallel()
		// [TPGB] resource_cloud_run_v2_service.go:1563-1586: PATCH, then
		// the operation's error; the state is not updated.
		p := start(t, "gcp", gcpConfig)
		v := func(image string) resource.PropertyMap {
			return props(map[string]any{"name": "web", "location": "us-central1", "template": map[string]any{"containers": []any{map[string]any{"image": image}}}})
		}
		in1 := p.mustCheck(providers.CloudRunService, "svc", nil, v("i:1"), "s")
		c := p.mustCreate(providers.CloudRunService, "svc", in1)
		served := c.state["latestReadyRevision"].StringValue()
		if err := p.cloud.ScriptOperations("web", providers.RevisionFails); err != nil {
			t.Fatal(err)
		}
		in2 := p.mustCheck(providers.CloudRunService, "svc", in1, v("i:2"), "s")
		u := p.update(providers.CloudRunService, "svc", c.id, in1, c.state, in2)
		if u.err == nil || u.partial || !strings.HasPrefix(u.err.Error(), "Error waiting for Updating Service: Error code 9, message: Revision '") {
			t.Fatalf("update: err %v partial %t", u.err, u.partial)
		}
		if got := p.live(providers.CloudRunService)[0].State["latestReadyRevision"]; got != served {
			t.Errorf("the service serves %v after the failed update, want %s", got, served)
		}
	})
}

// TestDeletesTheCloudRefuses: a delete of a resource another one uses
// fails once the provider stops retrying.
func TestDeletesTheCloudRefuses(t *testing.T) {
	t.Parallel()
	t.Run("a target group a listener forwards to", func(t *testing.T) {
		t.Parallel()
		// [TPA] elbv2/target_group.go resourceTargetGroupDelete: retried
		// for 2 minutes on ResourceInUse, then returned.
		p := start(t, "aws", awsConfig)
		tgIn := p.mustCheck(providers.TargetGroup, "tg", nil, props(map[string]any{"name": "api", "port": 80.0, "protocol": "HTTP", "vpcId": "vpc-1"}), "s")
		tg := p.mustCreate(providers.TargetGroup, "tg", tgIn)
		lIn := p.mustCheck(providers.Listener, "l", nil, props(map[string]any{"loadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lb/1",
			"port": 80.0, "defaultActions": []any{map[string]any{"type": "forward", "targetGroupArn": tg.state["arn"].StringValue()}}}), "s")
		l := p.mustCreate(providers.Listener, "l", lIn)
		err := p.delete(providers.TargetGroup, "tg", tg.id, tgIn, tg.state)
		if err == nil || !strings.Contains(err.Error(), "ResourceInUse: Target group '"+tg.id+"' is currently in use by a listener or a rule") {
			t.Fatalf("delete while in use: %v", err)
		}
		if err := p.delete(providers.Listener, "l", l.id, lIn, l.state); err != nil {
			t.Fatal(err)
		}
		if err := p.delete(providers.TargetGroup, "tg", tg.id, tgIn, tg.state); err != nil {
			t.Errorf("delete after the listener: %v", err)
		}
	})
	t.Run("a certificate a listener serves", func(t *testing.T) {
		t.Parallel()
		// [TPA] acm/certificate.go resourceCertificateDelete: retried for
		// 20 minutes on ResourceInUseException; ACM API DeleteCertificate.
		p := start(t, "aws", awsConfig)
		cIn := p.mustCheck(providers.ACMCertificate, "cert", nil, props(map[string]any{"domainName": "api.example.com", "validationMethod": "DNS"}), "s")
		cert := p.mustCreate(providers.ACMCertificate, "cert", cIn)
		lIn := p.mustCheck(providers.Listener, "l", nil, props(map[string]any{"loadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lb/1",
			"port": 443.0, "protocol": "HTTPS", "certificateArn": cert.id, "defaultActions": []any{map[string]any{"type": "fixed-response"}}}), "s")
		l := p.mustCreate(providers.Listener, "l", lIn)
		err := p.delete(providers.ACMCertificate, "cert", cert.id, cIn, cert.state)
		if err == nil || !strings.Contains(err.Error(), "deleting ACM Certificate ("+cert.id+"): ResourceInUseException") {
			t.Fatalf("delete while in use: %v", err)
		}
		if err := p.delete(providers.Listener, "l", l.id, lIn, l.state); err != nil {
			t.Fatal(err)
		}
		if err := p.delete(providers.ACMCertificate, "cert", cert.id, cIn, cert.state); err != nil {
			t.Errorf("delete after the listener: %v", err)
		}
	})
	t.Run("a cluster with a service", func(t *testing.T) {
		t.Parallel()
		// [TPA] ecs/cluster.go resourceClusterDelete: retried for 10
		// minutes on ClusterContainsServicesException.
		p := start(t, "aws", awsConfig)
		cIn := p.mustCheck(providers.ECSCluster, "c", nil, props(map[string]any{"name": "c"}), "s")
		c := p.mustCreate(providers.ECSCluster, "c", cIn)
		sIn := p.mustCheck(providers.ECSService, "s", nil, props(map[string]any{"name": "api", "cluster": c.id}), "s")
		p.mustCreate(providers.ECSService, "s", sIn)
		if err := p.delete(providers.ECSCluster, "c", c.id, cIn, c.state); err == nil || !strings.Contains(err.Error(), "ClusterContainsServicesException") {
			t.Errorf("delete with a service: %v", err)
		}
	})
	t.Run("a role with a policy another resource put on it", func(t *testing.T) {
		t.Parallel()
		// [TPA] iam/role.go deleteRole: DeleteRole retried for 2 minutes
		// on DeleteConflictException; policies are detached only with
		// force_detach_policies.
		p := start(t, "aws", awsConfig)
		rIn := p.mustCheck(providers.IAMRole, "role", nil, props(map[string]any{"name": "exec", "assumeRolePolicy": "{}"}), "s")
		role := p.mustCreate(providers.IAMRole, "role", rIn)
		p.mustCreate(providers.IAMRolePolicy, "pol", p.mustCheck(providers.IAMRolePolicy, "pol", nil, props(map[string]any{"role": "exec", "policy": "{}"}), "s"))
		if err := p.delete(providers.IAMRole, "role", role.id, rIn, role.state); err == nil || !strings.Contains(err.Error(), "DeleteConflict") {
			t.Errorf("delete with a policy: %v", err)
		}
	})
}

// TestNamesTheCloudKeepsUnique: a second resource that claims a name the
// cloud keeps unique fails with the cloud's error, as a create-first
// replacement of a named resource would.
func TestNamesTheCloudKeepsUnique(t *testing.T) {
	t.Parallel()
	// ECR API CreateRepository: RepositoryAlreadyExistsException.
	p := start(t, "aws", map[string]string{"region": "us-east-1"})
	in := p.mustCheck(providers.ECRRepository, "a", nil, props(map[string]any{"name": "orders"}), "s")
	p.mustCreate(providers.ECRRepository, "a", in)
	r := p.create(providers.ECRRepository, "b", p.mustCheck(providers.ECRRepository, "b", nil, props(map[string]any{"name": "orders"}), "s"))
	if r.err == nil || !strings.Contains(r.err.Error(), "RepositoryAlreadyExistsException") {
		t.Errorf("second repository of one name: %v", r.err)
	}
}

// TestStatesAndInvokesMarkSecretsAsTheProvidersDo: Sensitive resource
// attributes are secret in the state; invoke results carry no secrets.
func TestStatesAndInvokesMarkSecretsAsTheProvidersDo(t *testing.T) {
	t.Parallel()
	// [TPGB] resource_secret_manager_secret_version.go:56-62 secret_data
	// Sensitive; [BR89] schema.go MakeTerraformOutput wraps Sensitive
	// values, and Create marshals with KeepSecrets.
	p := start(t, "gcp", gcpConfig)
	in := p.mustCheck(providers.SecretManagerVersion, "v", nil, props(map[string]any{"secret": "projects/acme/secrets/db", "secretData": "hunter2"}), "s")
	c := p.mustCreate(providers.SecretManagerVersion, "v", in)
	if !c.state["secretData"].IsSecret() {
		t.Errorf("secretData in the state is %v, want a secret", c.state["secretData"])
	}
	// [BR89] pf/tfbridge/provider_invoke.go: secrets are stripped from a
	// Plugin Framework data source's result (pulumi/pulumi#12710).
	out := p.invoke(providers.GetClientConfig, nil)
	if tok := out["accessToken"]; tok.IsSecret() || !tok.IsString() || !strings.HasPrefix(tok.StringValue(), "ya29.") {
		t.Errorf("accessToken = %v, want a plain token", tok)
	}
	if out["project"].StringValue() != "acme" || out["region"].StringValue() != "us-central1" {
		t.Errorf("client config = %v", out)
	}
}

// listenerFor creates a listener whose default action forwards to the
// target groups arns, so that ECS creates services behind them
// (providers.ECSCreateServiceLoadBalancers).
func (p *plug) listenerFor(arns ...string) createResult {
	p.t.Helper()
	var groups []any
	for _, arn := range arns {
		groups = append(groups, map[string]any{"arn": arn, "weight": 1.0})
	}
	in := p.mustCheck(providers.Listener, "l", nil, props(map[string]any{"loadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lb/1",
		"port": 80.0, "defaultActions": []any{map[string]any{"type": "forward", "forward": map[string]any{"targetGroups": groups}}}}), "s")
	return p.mustCreate(providers.Listener, "l", in)
}

// TestECSCreatesAServiceOnlyBehindAnAssociatedTargetGroup: CreateService
// fails while no listener or rule uses the service's target group, and a
// rule that forwards on a header is enough ([TPA] ecs/service.go
// retryServiceCreate retries "does not have an associated load balancer",
// then resourceServiceCreate fails without an ID).
func TestECSCreatesAServiceOnlyBehindAnAssociatedTargetGroup(t *testing.T) {
	t.Parallel()
	p := start(t, "aws", awsConfig)
	tg := "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/canary/0123456789abcdef"
	svc := props(map[string]any{"name": "api-canary", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/c", "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1",
		"loadBalancers": []any{map[string]any{"containerName": "app", "containerPort": 8080.0, "targetGroupArn": tg}}})
	in := p.mustCheck(providers.ECSService, "svc", nil, svc, "s")
	r := p.create(providers.ECSService, "svc", in)
	if want := "creating ECS Service (api-canary): InvalidParameterException: The target group with targetGroupArn " + tg + " does not have an associated load balancer."; r.err == nil || r.partial || !strings.Contains(r.err.Error(), want) {
		t.Fatalf("create behind an unassociated group: err %v (partial %t), want a plain %q", r.err, r.partial, want)
	}
	if n := len(p.live(providers.ECSService)); n != 0 {
		t.Fatalf("the cloud holds %d services after the refusal, want none", n)
	}
	listener := p.listenerFor("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/stable/0123456789abcdef")
	ruleIn := p.mustCheck(providers.ListenerRule, "route", nil, props(map[string]any{"listenerArn": listener.state["arn"].StringValue(), "priority": 49999.0,
		"conditions": []any{map[string]any{"httpHeader": map[string]any{"httpHeaderName": "X-Berth-Release", "values": []any{"canary"}}}},
		"actions":    []any{map[string]any{"type": "forward", "targetGroupArn": tg}}}), "s")
	p.mustCreate(providers.ListenerRule, "route", ruleIn)
	p.mustCreate(providers.ECSService, "svc", in)
}

// TestWeightedForwardsAndRulePriorities: a forward's weight left out is
// 1, a weight over 999 and a priority over 50000 fail Check, and two rules
// cannot share a priority on one listener ([TPA] elbv2/listener_rule.go
// action.forward.target_group weight IntBetween(0, 999) Default 1,
// validListenerRulePriority; ELB CreateRule PriorityInUse).
func TestWeightedForwardsAndRulePriorities(t *testing.T) {
	t.Parallel()
	p := start(t, "aws", awsConfig)
	listener := p.listenerFor("tg-stable")
	rule := func(priority float64, groups ...any) resource.PropertyMap {
		return props(map[string]any{"listenerArn": listener.state["arn"].StringValue(), "priority": priority,
			"conditions": []any{map[string]any{"pathPattern": map[string]any{"values": []any{"/*"}}}},
			"actions":    []any{map[string]any{"type": "forward", "forward": map[string]any{"targetGroups": groups}}}})
	}
	in := p.mustCheck(providers.ListenerRule, "split", nil, rule(50000, map[string]any{"arn": "tg-stable", "weight": 100.0}, map[string]any{"arn": "tg-canary"}), "s")
	split := p.mustCreate(providers.ListenerRule, "split", in)
	groups := split.state["actions"].ArrayValue()[0].ObjectValue()["forward"].ObjectValue()["targetGroups"].ArrayValue()
	if w := groups[1].ObjectValue()["weight"]; !w.IsNumber() || w.NumberValue() != 1 {
		t.Errorf("a weight left out is %v in the state, want 1", w)
	}
	_, failures := p.check(providers.ListenerRule, "bad", nil, rule(50001, map[string]any{"arn": "tg-stable", "weight": 1000.0}), "s")
	var reasons []string
	for _, f := range failures {
		reasons = append(reasons, f.GetProperty()+": "+f.GetReason())
	}
	slices.Sort(reasons)
	want := []string{
		"actions[0].forward.targetGroups[0].weight: expected weight to be in the range (0 - 999), got 1000",
		`priority: "priority" must be in the range 1-50000 for normal rule or 99999 for the default rule`,
	}
	if !slices.Equal(reasons, want) {
		t.Errorf("check failures %q, want %q", reasons, want)
	}
	again := p.mustCheck(providers.ListenerRule, "again", nil, rule(50000, map[string]any{"arn": "tg-stable"}), "s")
	if r := p.create(providers.ListenerRule, "again", again); r.err == nil || !strings.Contains(r.err.Error(), "PriorityInUse") {
		t.Errorf("a second rule at priority 50000: %v, want PriorityInUse", r.err)
	}
}

// TestECSRunsNoDeregisteredRevision: a task definition deleted without
// skipDestroy is INACTIVE, and ECS neither creates a service on it nor
// moves one to it; with skipDestroy the deleted revision stays usable
// ([TPA] ecs/task_definition.go resourceTaskDefinitionDelete; ECS
// developer guide, deregister-task-definition-v2.html).
func TestECSRunsNoDeregisteredRevision(t *testing.T) {
	t.Parallel()
	p := start(t, "aws", awsConfig)
	revision := func(name string, skip bool) string {
		in := p.mustCheck(providers.ECSTaskDefinition, name, nil, props(map[string]any{"family": "api", "containerDefinitions": `[{"name":"app","image":"i"}]`, "skipDestroy": skip}), "s")
		r := p.mustCreate(providers.ECSTaskDefinition, name, in)
		if err := p.delete(providers.ECSTaskDefinition, name, r.id, in, r.state); err != nil {
			t.Fatal(err)
		}
		return r.state["arn"].StringValue()
	}
	gone, kept := revision("gone", false), revision("kept", true)
	svc := func(td string) resource.PropertyMap {
		return props(map[string]any{"name": "api", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/c", "taskDefinition": td})
	}
	in := p.mustCheck(providers.ECSService, "svc", nil, svc(gone), "s")
	if r := p.create(providers.ECSService, "svc", in); r.err == nil || !strings.Contains(r.err.Error(), "creating ECS Service (api): ClientException: TaskDefinition is inactive") {
		t.Fatalf("a service on a deregistered revision: %v", r.err)
	}
	in = p.mustCheck(providers.ECSService, "svc", nil, svc(kept), "s")
	created := p.mustCreate(providers.ECSService, "svc", in)
	moved := p.mustCheck(providers.ECSService, "svc", in, svc(gone), "s")
	if r := p.update(providers.ECSService, "svc", created.id, in, created.state, moved); r.err == nil || !strings.Contains(r.err.Error(), "updating ECS Service ("+created.id+"): ClientException: TaskDefinition is inactive") {
		t.Errorf("moving a service to a deregistered revision: %v", r.err)
	}
}
