package enginetest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/berth-dev/berth/infra/program"
	"github.com/berth-dev/berth/internal/providers"
)

// TestAnAlarmRollbackFailsUpNamingTheAlarmsAndBothRevisions scripts a
// release that starts healthy and then answers errors (the fake's
// DeploymentFailsAlarms): with the default alarms, ECS rolls it back and
// `up` fails, naming the alarms and both revisions; with alarms off by
// name, the same release stays and `up` succeeds, which is why the
// alarms are on by default.
func TestAnAlarmRollbackFailsUpNamingTheAlarmsAndBothRevisions(t *testing.T) {
	e := newEnv(t)
	s := e.stack("prod", "infra", program.Run)
	s.mustUp()
	svc := serviceOf(t, e, "aws:ecs/service:Service", "app-svc")
	name, _ := svc.State["name"].(string)
	running, _ := svc.State["taskDefinition"].(string)
	alarms := serviceOf(t, e, "aws:ecs/service:Service", "app-svc").State["alarms"]
	if !strings.Contains(jsonString(alarms), `"rollback":true`) {
		t.Fatalf("the service's deployment alarms are %s, want them enabled with rollback", jsonString(alarms))
	}
	if err := e.cloud.ScriptDeployments(name, providers.DeploymentFailsAlarms); err != nil {
		t.Fatal(err)
	}

	s.setConfig(map[string]string{"berth:service.env.FEATURE_FLAG": "on"}, false)
	r, err := s.up()
	if err == nil {
		t.Fatalf("up succeeded although the alarms rolled the service back to %s", running)
	}
	out := err.Error() + r.stdout + r.stderr
	for _, want := range []string{"ECS service " + name + " runs " + running + ", not ", "a deployment alarm, berth-app-5xx-", "or berth-app-unhealthy-", "went into ALARM"} {
		if !strings.Contains(out, want) {
			t.Errorf("up failed without %q:\n%s", want, r.failure())
		}
	}
	if now, _ := serviceOf(t, e, "aws:ecs/service:Service", "app-svc").State["taskDefinition"].(string); now != running {
		t.Errorf("the service runs %s after the rollback, want %s", now, running)
	}

	s.setConfig(map[string]string{"berth:service.rollout.alarms": "off", "berth:service.env.FEATURE_FLAG": "still-on"}, false)
	if r, err := s.up(); err != nil {
		t.Fatalf("with alarms off, up failed: %v\n%s", err, r.failure())
	}
	if now, _ := serviceOf(t, e, "aws:ecs/service:Service", "app-svc").State["taskDefinition"].(string); now == running {
		t.Errorf("with alarms off the failing release was rolled back to %s anyway", running)
	}
}

// jsonString encodes v as JSON, for messages and substring checks.
func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
