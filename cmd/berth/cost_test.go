package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCostRejectsBadAssumptionsWithEveryProblemOnItsOwnLine(t *testing.T) {
	t.Parallel()
	want := `invalid configuration of stack "dev":
  cost.requestDuration: 0 is not allowed (allowed: 1ms-60m; remove the setting for the default)
  cost.requestsPerMonth: must be a whole number, got a boolean
  cost.typo: unknown setting (allowed: requestsPerMonth, requestDuration, bytesPerRequest, logGBPerMonth, imageMB, imagesKept, instanceStartsPerMonth)
`
	sets := []string{"--set", "cost.requestDuration=0s", "--set", "cost.requestsPerMonth=true", "--set", "cost.typo=1"}
	// berth cost and every format of berth plan read berth:cost the same way.
	for _, args := range [][]string{
		{"cost", "--stack", "dev"},
		{"plan", "--stack", "dev", "--format", "json"},
		{"plan", "--stack", "dev"},
	} {
		stdout, stderr, code := berth(t, append(append(args, "--dir", project(t)), sets...)...)
		if code != 1 || stdout != "" || stderr != want {
			t.Errorf("berth %s: exit %d, stdout %q, stderr:\n%s\nwant:\n%s", strings.Join(args, " "), code, stdout, stderr, want)
		}
	}
}

func TestCostRejectsABerthCostThatIsNotAnObject(t *testing.T) {
	t.Parallel()
	// Pulumi.yaml declares cost an object, so the schema check rejects it
	// first; internal/cost's own message for a project that does not
	// declare it is tested there.
	_, stderr, code := berth(t, "cost", "--stack", "dev", "--dir", project(t), "--set", "probe:cost=5")
	if code != 1 || !strings.Contains(stderr, "  probe:cost: must be of type object, as Pulumi.yaml declares (got a string)\n") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

func TestCostPrintsEachFormat(t *testing.T) {
	t.Parallel()
	dir := project(t)
	text, stderr, code := berth(t, "cost", "--stack", "dev", "--dir", dir, "--set", "cost.requestsPerMonth=42")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	// The test program registers nothing berth prices.
	if !strings.HasPrefix(text, "Monthly cost of probe/dev: $0.00\nUSD, 730 hours a month, from berth's price table (checked 2026-12-01)\n") ||
		!strings.Contains(text, "Assumptions (berth:cost, see docs/cost.md): requestsPerMonth 42, requestDuration 100ms,") {
		t.Errorf("text:\n%s", text)
	}
	out, _, code := berth(t, "cost", "--stack", "dev", "--dir", dir, "--format", "json")
	var doc struct {
		SchemaVersion int    `json:"schemaVersion"`
		Stack         string `json:"stack"`
		Complete      bool   `json:"complete"`
		Lines         []any  `json:"lines"`
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || doc.SchemaVersion != 1 || doc.Stack != "dev" || !doc.Complete || doc.Lines == nil {
		t.Errorf("json (exit %d, %v): %s", code, err, out)
	}
	md, _, code := berth(t, "cost", "--stack", "dev", "--dir", dir, "--format", "markdown")
	if code != 0 || !strings.HasPrefix(md, "### Monthly cost, stack `dev`: $0.00\n") {
		t.Errorf("markdown (exit %d):\n%s", code, md)
	}
}

func TestCostUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no stack", []string{"cost"}, 2, "berth cost: --stack is required: the stack whose Pulumi.NAME.yaml to estimate\nRun 'berth cost -h' for usage.\n"},
		{"bad format", []string{"cost", "--stack", "dev", "--format", "mermaid"}, 2, `berth cost: --format "mermaid": must be text, json or markdown`},
		{"argument", []string{"cost", "dev"}, 2, `berth cost: unexpected argument "dev": berth cost takes only flags`},
		{"unknown stack", []string{"cost", "--stack", "qa", "--dir", project(t)}, 2, `berth cost: --stack "qa": stack not found`},
		{"bad set", []string{"cost", "--stack", "dev", "--set", "nothing"}, 2, "berth cost: --set "},
		{"bad stack outputs", []string{"cost", "--stack", "dev", "--stack-outputs", "acme/net"}, 2, "berth cost: --stack-outputs \"acme/net\": must be NAME=FILE"},
		{"stack outputs not a file", []string{"cost", "--stack", "dev", "--stack-outputs", "acme/net=/dev/null"}, 2, "berth cost: --stack-outputs acme/net: /dev/null is a character device, not a regular file: berth reads only regular files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := berth(t, tt.args...)
			if code != tt.code || stdout != "" || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q (want it to contain %q)", code, tt.code, stdout, stderr, tt.stderr)
			}
		})
	}
	stdout, _, code := berth(t, "cost", "-h")
	if code != 0 || !strings.HasPrefix(stdout, "Usage: berth cost --stack NAME [--set PATH=VALUE ...] [--stack-outputs NAME=FILE ...] [--format text|json|markdown] [--dir DIR] [--timeout DURATION]\n") {
		t.Errorf("help: exit %d\n%s", code, stdout)
	}
}
