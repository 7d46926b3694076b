package cloudrun

import (
	"strings"
	"testing"
)

func TestNameRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		check func(string) string
		in    string
		valid bool
	}{
		{"service name simple", serviceNameProblem, "api", true},
		{"service name one letter", serviceNameProblem, "a", true},
		{"service name 49", serviceNameProblem, "a" + strings.Repeat("b", 48), true},
		{"service name 50", serviceNameProblem, "a" + strings.Repeat("b", 49), false},
		{"service name leading digit", serviceNameProblem, "1api", false},
		{"service name trailing hyphen", serviceNameProblem, "api-", false},
		{"service name uppercase", serviceNameProblem, "Api", false},
		{"service name underscore", serviceNameProblem, "my_api", false},
		{"account ID 6", accountIDProblem, "abcdef", true},
		{"account ID 30", accountIDProblem, "a" + strings.Repeat("b", 29), true},
		{"account ID 5", accountIDProblem, "abcde", false},
		{"account ID 31", accountIDProblem, "a" + strings.Repeat("b", 30), false},
		{"account ID trailing hyphen", accountIDProblem, "abcdef-", false},
		{"account ID leading digit", accountIDProblem, "1abcdef", false},
		{"connector name 2", connectorNameProblem, "ab", true},
		{"connector name 25", connectorNameProblem, "a" + strings.Repeat("b", 24), true},
		{"connector name 26", connectorNameProblem, "a" + strings.Repeat("b", 25), false},
		{"connector name 1", connectorNameProblem, "a", false},
		{"connector name trailing hyphen", connectorNameProblem, "conn-", false},
		{"project ID", projectIDProblem, "berth-mock-project", true},
		{"project ID too short", projectIDProblem, "abc", false},
		{"project ID uppercase", projectIDProblem, "Berth-project", false},
		{"region", regionProblem, "us-central1", true},
		{"region with two parts", regionProblem, "northamerica-northeast1", true},
		{"region without number", regionProblem, "us-central", false},
		{"region empty", regionProblem, "", false},
		{"region zone", regionProblem, "us-central1-a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msg := tt.check(tt.in)
			if tt.valid && msg != "" {
				t.Errorf("%q rejected: %s", tt.in, msg)
			}
			if !tt.valid && msg == "" {
				t.Errorf("%q accepted", tt.in)
			}
		})
	}
}

func TestLabelRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key, value     string
		keyOK, valueOK bool
	}{
		{"team", "payments", true, true},
		{"env", "", true, true},
		{"cost_center", "cc-42", true, true},
		{"Team", "x", false, true},
		{"1team", "x", false, true},
		{strings.Repeat("k", 64), "x", false, true},
		{"team", strings.Repeat("v", 64), true, false},
		{"team", "Payments", true, false},
		{"team", "a.b", true, false},
		{"run.googleapis.com/x", "y", false, true},
		{"autoscaling.knative.dev/maxScale", "3", false, true},
	}
	for _, tt := range tests {
		kp, vp := labelProblems(tt.key, tt.value)
		if (kp == "") != tt.keyOK || (vp == "") != tt.valueOK {
			t.Errorf("labelProblems(%q, %q) = %q, %q; want key ok %v, value ok %v", tt.key, tt.value, kp, vp, tt.keyOK, tt.valueOK)
		}
	}
}
