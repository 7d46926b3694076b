package program

import "testing"

func TestFieldMapTranslatesPrefixesAndKeepsIndexes(t *testing.T) {
	t.Parallel()
	m := fieldMap{
		"secrets":        "service.secrets",
		"secrets[].name": "service.secrets[].env",
		"vpc":            "gcp.vpc",
		"vpc.network":    "gcp.vpc.directVpc.network",
	}
	for in, want := range map[string]string{
		"secrets[3].name":      "service.secrets[3].env",
		"secrets[1].valueFrom": "service.secrets[1].valueFrom",
		"secrets[0]":           "service.secrets[0]",
		"vpc.network":          "gcp.vpc.directVpc.network",
		"vpc.connector.name":   "gcp.vpc.connector.name",
		"memory":               "memory",
	} {
		if got := m.translate(in); got != want {
			t.Errorf("translate(%q) = %q, want %q", in, got, want)
		}
	}
}
