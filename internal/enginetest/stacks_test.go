package enginetest

import (
	"maps"
	"strings"
	"testing"

	"github.com/berth-dev/berth/infra/program"
)

// canary is a secret value no output, event, log or state may show in
// plain text.
const canary = "berth-canary-5f3c9a1e7d2b4068"

// knob is one configuration change of a stack.
type knob struct {
	name string
	// set are config paths and values; secret ones go in setSecret.
	set map[string]string
	// remove are config paths to remove.
	remove []string
	// ops is what the up must do to each resource it changes, by logical
	// name (run.operations): every other resource stays the same. The
	// expectations follow from the provider model's rules for each
	// changed input (internal/providers: ForceNew, and who names the
	// resource) and the components' options.
	ops map[string]string
}

// stackCase is a sample stack with its secret canary and knobs.
type stackCase struct {
	stack string
	// canary sets config paths so that the canary flows into a secret the
	// stack creates.
	canary map[string]string
	// canaryPlain are plain config paths the canary needs beside.
	canaryPlain map[string]string
	// canaryType is the type whose cloud record must hold the canary: the
	// positive control that the canary really reached the cloud.
	canaryType string
	knobs      []knob
}

var stackCases = []stackCase{
	{
		stack:      "dev",
		canary:     map[string]string{"berth:service.secrets[1].value": canary},
		canaryType: "gcp:secretmanager/secretVersion:SecretVersion",
		// Every knob of Pulumi.dev.yaml but the connector's size and
		// machine type (defects_test.go), changed one at a time.
		knobs: []knob{
			{name: "memory", set: map[string]string{"berth:service.memory": "1Gi"}, ops: map[string]string{"app-svc": "update"}},
			{name: "cpu", set: map[string]string{"berth:service.cpu": "2"}, ops: map[string]string{"app-svc": "update"}},
			{name: "concurrency", set: map[string]string{"berth:service.concurrency": "40"}, ops: map[string]string{"app-svc": "update"}},
			{name: "minInstances", set: map[string]string{"berth:service.minInstances": "1"}, ops: map[string]string{"app-svc": "update"}},
			{name: "maxInstances", set: map[string]string{"berth:service.maxInstances": "5"}, ops: map[string]string{"app-svc": "update"}},
			{name: "timeout", set: map[string]string{"berth:service.timeout": "60s"}, ops: map[string]string{"app-svc": "update"}},
			{name: "healthPath", set: map[string]string{"berth:service.healthPath": "/readyz"}, ops: map[string]string{"app-svc": "update"}},
			{name: "port", set: map[string]string{"berth:service.port": "9090"}, ops: map[string]string{"app-svc": "update"}},
			{name: "env", set: map[string]string{"berth:service.env.FEATURE_FLAG": "on"}, ops: map[string]string{"app-svc": "update"}},
			{name: "secret version", set: map[string]string{"berth:service.secrets[0].version": "2"}, ops: map[string]string{"app-svc": "update"}},
			{name: "public", set: map[string]string{"berth:service.public": "true"}, ops: map[string]string{"app-invoker-allusers-6a549ff": "create"}},
			{name: "invokers", set: map[string]string{"berth:gcp.invokers[1]": "user:oncall@example.com"}, ops: map[string]string{"app-invoker-user-oncall-example-com-16f31d2": "create"}},
			{name: "ingress", set: map[string]string{"berth:gcp.ingress": "internal"}, ops: map[string]string{"app-svc": "update"}},
			{name: "egress", set: map[string]string{"berth:gcp.vpc.egress": "all-traffic"}, ops: map[string]string{"app-svc": "update"}},
			{name: "connector range", set: map[string]string{"berth:gcp.vpc.connector.ipCidrRange": "10.9.0.0/28"}, ops: map[string]string{"app-connector": "replace delete-first"}},
			// Removals: an env var, and the VPC access block
			// (template.vpcAccess is plain Optional: dropping it is an
			// in-place update, and the connector goes).
			{name: "drop an env var", remove: []string{"berth:service.env.LOG_LEVEL"}, ops: map[string]string{"app-svc": "update"}},
			{name: "drop the VPC", remove: []string{"berth:gcp.vpc"}, ops: map[string]string{"app-connector": "delete", "app-svc": "update"}},
		},
		// Not here: the connector's size and machine type, a rename and a
		// Region change, which replace the connector with its /28 still
		// taken (defects_test.go).
	},
	{
		stack: "prod",
		// prod has no secret given as a value: the canary adds one.
		canary:      map[string]string{"berth:service.secrets[2].value": canary},
		canaryPlain: map[string]string{"berth:service.secrets[2].env": "CANARY_TOKEN"},
		canaryType:  "aws:secretsmanager/secretVersion:SecretVersion",
		knobs: []knob{
			{name: "memory", set: map[string]string{"berth:service.memory": "2Gi"}, ops: map[string]string{"app-svc": "update", "app-taskdef": "replace create-first"}},
			{name: "cpu", set: map[string]string{"berth:service.cpu": "1"}, ops: map[string]string{"app-svc": "update", "app-taskdef": "replace create-first"}},
			{name: "concurrency", set: map[string]string{"berth:service.concurrency": "100"}, ops: map[string]string{"app-requests": "update"}},
			{name: "minInstances", set: map[string]string{"berth:service.minInstances": "3"}, ops: map[string]string{"app-scaling": "update"}},
			{name: "maxInstances", set: map[string]string{"berth:service.maxInstances": "12"}, ops: map[string]string{"app-scaling": "update"}},
			{name: "timeout", set: map[string]string{"berth:service.timeout": "60s"}, ops: map[string]string{"app-tg": "update"}},
			{name: "healthPath", set: map[string]string{"berth:service.healthPath": "/readyz"}, ops: map[string]string{"app-tg": "update"}},
			// The rules on the new port come beside the old ones, which go
			// at the end; the target group keeps its port (ignoreChanges).
			{name: "port", set: map[string]string{"berth:service.port": "9090"}, ops: map[string]string{"app-lb-out-8080": "delete", "app-lb-out-9090": "create", "app-svc": "update", "app-task-in-8080": "delete", "app-task-in-9090": "create", "app-taskdef": "replace create-first"}},
			{name: "env", set: map[string]string{"berth:service.env.FEATURE_FLAG": "on"}, ops: map[string]string{"app-svc": "update", "app-taskdef": "replace create-first"}},
			{name: "shutdown timeout", set: map[string]string{"berth:service.env.SHUTDOWN_TIMEOUT": "40s"}, ops: map[string]string{"app-svc": "update", "app-taskdef": "replace create-first"}},
			// An ALB target group serves one load balancer: a new one comes
			// with the new load balancer, and the alarms follow their ARN
			// suffixes.
			{name: "public", set: map[string]string{"berth:service.public": "false"}, ops: map[string]string{"app-5xx": "update", "app-http": "replace create-first", "app-https": "replace create-first", "app-lb": "replace create-first", "app-requests": "update", "app-svc": "update", "app-tg": "replace create-first", "app-unhealthy": "update"}},
			// Alarm settings reach the alarms and the service's deployment.
			{name: "rollout errorRate", set: map[string]string{"berth:service.rollout.errorRate": "2"}, ops: map[string]string{"app-5xx": "update"}},
			{name: "rollout alarms off", set: map[string]string{"berth:service.rollout.alarms": "off"}, ops: map[string]string{"app-svc": "update"}},
			{name: "allowedCidrs", set: map[string]string{"berth:aws.allowedCidrs[1]": "198.51.100.0/24"}, ops: map[string]string{"app-lb-in-443-198-51-100-0-24": "create", "app-lb-in-443-ipv6-xx-0": "delete", "app-lb-in-80-198-51-100-0-24": "create", "app-lb-in-80-ipv6-xx-0": "delete"}},
			{name: "certificateArn", set: map[string]string{"berth:aws.certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"}, ops: map[string]string{"app-https": "update"}},
			{name: "architecture", set: map[string]string{"berth:aws.architecture": "ARM64"}, ops: map[string]string{"app-image": "update", "app-svc": "update", "app-taskdef": "replace create-first"}},
			{name: "logRetentionDays", set: map[string]string{"berth:aws.logRetentionDays": "14"}, ops: map[string]string{"app-logs": "update"}},
			{name: "enableExec", set: map[string]string{"berth:aws.enableExec": "true"}, ops: map[string]string{"app-svc": "update", "app-task-policy": "create", "app-taskdef": "replace create-first"}},
			{name: "taskPolicy", set: map[string]string{"berth:aws.taskPolicy[0].actions[0]": "s3:GetObject", "berth:aws.taskPolicy[0].resources[0]": "arn:aws:s3:::berth-assets/*"}, ops: map[string]string{"app-task-policy": "update"}},
			// A removal: the container's env var goes, so a new revision.
			{name: "drop an env var", remove: []string{"berth:service.env.SHUTDOWN_TIMEOUT"}, ops: map[string]string{"app-svc": "update", "app-taskdef": "replace create-first"}},
		},
		// Not here: a rename, which deletes the ECR repository with its
		// images (defects_test.go), and aws:region, a provider
		// configuration change the fake does not model (it would move
		// resources between Regions in place).
	},
}

// TestSampleStacks runs each sample stack through the engine: up, a second
// preview without changes, every knob changed one at a time (each up must
// succeed and be followed by a preview without changes), the secret canary
// in no output, event or state, and a destroy that leaves nothing.
func TestSampleStacks(t *testing.T) {
	for _, sc := range stackCases {
		t.Run(sc.stack, func(t *testing.T) {
			e := newEnv(t)
			s := e.stack(sc.stack, "infra", program.Run)
			s.setConfig(sc.canaryPlain, false)
			s.setConfig(sc.canary, true)

			first := s.mustUp()
			checkCanary(t, "up", first)
			checkStable(t, s, "after the first up")
			checkCanaryInCloud(t, e, sc.canaryType)

			for _, k := range sc.knobs {
				s.setConfig(k.set, false)
				s.removeConfig(k.remove...)
				r, err := s.up()
				if err != nil {
					t.Errorf("knob %s: up failed: %v\n%s", k.name, err, r.failure())
					continue
				}
				if got := r.operations(); !maps.Equal(got, k.ops) {
					t.Errorf("knob %s: the up did %v\nwant %v", k.name, got, k.ops)
				}
				checkCanary(t, "up, knob "+k.name, r)
				checkStable(t, s, "after knob "+k.name)
			}

			if export := s.export(); strings.Contains(export, canary) {
				i := strings.Index(export, canary)
				t.Errorf("pulumi stack export holds the canary in plain text: ...%s...", export[max(0, i-300):i])
			}
			d, err := s.destroy()
			if err != nil {
				t.Fatalf("destroy failed: %v\n%s", err, d.failure())
			}
			checkCanary(t, "destroy", d)
			if left := e.live(); len(left) != 0 {
				t.Errorf("destroy left in the fake cloud:\n%s", strings.Join(left, "\n"))
			}
		})
	}
}

// checkStable asserts that a preview finds nothing to change.
func checkStable(t *testing.T, s *stack, when string) {
	t.Helper()
	p, err := s.preview()
	if err != nil {
		t.Errorf("%s: preview failed: %v", when, err)
		return
	}
	checkCanary(t, "preview "+when, p)
	if got := p.changed(); len(got) != 0 {
		t.Errorf("%s: a second preview changes:\n%s", when, strings.Join(got, "\n"))
	}
}

// checkCanary asserts that the canary is in none of a run's output, error
// output, events or diagnostics.
func checkCanary(t *testing.T, what string, r *run) {
	t.Helper()
	for name, text := range map[string]string{"output": r.stdout, "error output": r.stderr, "engine events": r.eventsJSON()} {
		if strings.Contains(text, canary) {
			t.Errorf("%s: the secret canary appears in the %s", what, name)
		}
	}
}

// checkCanaryInCloud asserts that the canary reached the cloud, in a
// resource of type typ: without that, its absence elsewhere proves
// nothing.
func checkCanaryInCloud(t *testing.T, e *env, typ string) {
	t.Helper()
	for _, r := range e.state().Live(typ) {
		for _, v := range r.State {
			if s, ok := v.(string); ok && s == canary {
				return
			}
		}
	}
	t.Errorf("the canary reached no %s in the fake cloud: the canary checks would prove nothing", typ)
}
