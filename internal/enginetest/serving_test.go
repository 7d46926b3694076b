package enginetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/infra/program"
	"github.com/berth-dev/berth/internal/diff"
	"github.com/berth-dev/berth/internal/fakecloud/cloud"
)

// servingCases are the settings whose change replaces resources (issue
// 15): each changed alone on a running stack.
var servingCases = []struct {
	stack, name string
	set         map[string]string
}{
	{"prod", "port", map[string]string{"berth:service.port": "9090"}},
	{"prod", "architecture", map[string]string{"berth:aws.architecture": "ARM64"}},
	{"prod", "public", map[string]string{"berth:service.public": "false"}},
	{"prod", "service name", map[string]string{"berth:service.name": "berth-web"}},
	{"dev", "connector machine type", map[string]string{"berth:gcp.vpc.connector.machineType": "e2-standard-4"}},
	{"dev", "service name", map[string]string{"berth:service.name": "berth-web"}},
	{"dev", "region", map[string]string{"gcp:region": "europe-west1"}},
}

// TestSettingChangesServeThroughoutOrAreFlagged changes each setting of
// servingCases on a running stack under the real engine and the fake
// cloud, which records after every change which endpoints serve
// (cloud.State.Serving), and holds berth diff of the plans before and
// after to what happened:
//
//   - every resource the diff changes is one the engine changed the same
//     way, replacements in the same order, and the other way round;
//   - the diff raises downtime exactly when an endpoint that served
//     before the update stopped serving at some step of it.
func TestSettingChangesServeThroughoutOrAreFlagged(t *testing.T) {
	for _, c := range servingCases {
		t.Run(c.stack+"/"+c.name, func(t *testing.T) {
			e := newEnv(t)
			s := e.stack(c.stack, "infra", program.Run)
			s.mustUp()
			before := e.state()
			served := before.Serving()
			if len(served) == 0 {
				t.Fatalf("nothing serves after the first up: the check would prove nothing")
			}
			base := e.plan(c.stack)

			s.setConfig(c.set, false)
			head := e.plan(c.stack)
			d := e.diff(base, head)
			r, err := s.up()
			if err != nil {
				t.Fatalf("up failed: %v\n%s", err, r.failure())
			}

			// What the diff says each resource undergoes, as the engine
			// names it; components and providers have no cloud resource.
			said := map[string]string{}
			for _, ch := range d.Changes {
				if !cloudType(ch.Type) {
					continue
				}
				op := ch.Op
				if op == "replace" {
					op = "replace create-first"
					if ch.DeleteFirst {
						op = "replace delete-first"
					}
				}
				said[ch.Name] = op
			}
			did := r.operations()
			for name, step := range r.steps() {
				if !cloudType(step.Type) {
					delete(did, name)
				}
			}
			if !maps.Equal(said, did) {
				t.Errorf("berth diff says\n  %v\nthe engine did\n  %v", said, did)
			}

			// Which endpoints stopped serving at some step.
			steps := e.state().Steps[len(before.Steps):]
			var lost []string
			for _, st := range steps {
				for _, ep := range served {
					if !slices.Contains(st.Endpoints, ep) && !slices.Contains(lost, ep) {
						lost = append(lost, ep)
					}
				}
			}
			var flagged []string
			for _, f := range d.Flags {
				if f.Kind == string(diff.KindDowntime) {
					flagged = append(flagged, f.Reason)
				}
			}
			switch {
			case len(lost) > 0 && len(flagged) == 0:
				t.Errorf("%v stopped serving during the update, and berth diff raised no downtime flag; steps:\n%s", lost, stepsText(steps))
			case len(lost) == 0 && len(flagged) > 0:
				t.Errorf("berth diff raised downtime %q, but %v served after every step:\n%s", flagged, served, stepsText(steps))
			}
			for _, st := range steps {
				if len(st.Endpoints) == 0 && len(flagged) == 0 {
					t.Errorf("nothing served after %q, and berth diff raised no downtime flag", st.After)
				}
			}
			t.Logf("lost %v; downtime flags %q", lost, flagged)
		})
	}
}

// cloudType reports whether typ is a resource of a cloud, not a
// component or a provider.
func cloudType(typ string) bool {
	return !strings.HasPrefix(typ, "berth:") && !strings.HasPrefix(typ, "pulumi:")
}

// plan runs berth plan of stack in the workspace, as a pull request
// preview does, and returns the plan's path.
func (e *env) plan(stack string) string {
	e.t.Helper()
	f, err := os.CreateTemp(e.dir, stack+"-*.json")
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(berthPath, "plan", "--dir", e.workspace, "--stack", stack, "--format", "json")
	cmd.Env = append(os.Environ(), "PULUMI_CONFIG_PASSPHRASE="+Passphrase)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = f, &stderr
	if err := cmd.Run(); err != nil {
		e.t.Fatalf("berth plan --stack %s: %v\n%s", stack, err, stderr.String())
	}
	return f.Name()
}

// diffDoc is the part of berth diff's JSON (docs/plan-format.md) the
// tests read.
type diffDoc struct {
	Changes []struct {
		Name, Type, Op string
		DeleteFirst    bool
	} `json:"changes"`
	Flags []struct {
		Kind, URN, Reason string
	} `json:"flags"`
}

// diff runs berth diff of two plans.
func (e *env) diff(base, head string) diffDoc {
	e.t.Helper()
	out, err := exec.Command(berthPath, "diff", base, head, "--format", "json").Output()
	if err != nil {
		e.t.Fatalf("berth diff: %v\n%s", err, out)
	}
	var d diffDoc
	if err := json.Unmarshal(out, &d); err != nil {
		e.t.Fatalf("reading berth diff: %v\n%s", err, out)
	}
	return d
}

// stepsText lists steps one per line: the change and what served after.
func stepsText(steps []cloud.Step) string {
	var b strings.Builder
	for _, st := range steps {
		fmt.Fprintf(&b, "  %s -> %v\n", st.After, st.Endpoints)
	}
	return b.String()
}
