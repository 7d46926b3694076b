package cloudrun

import (
	"slices"
	"testing"

	"github.com/berth-dev/berth/validate"
)

func TestResolveInvokers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		invokers   []string
		public     bool
		want       []string
		wantFields []string
	}{
		{name: "none", want: nil},
		{name: "members", invokers: []string{"user:a@example.com", "serviceAccount:b@p.iam.gserviceaccount.com", "group:g@example.com", "domain:example.com", "principalSet://iam.googleapis.com/x"},
			want: []string{"user:a@example.com", "serviceAccount:b@p.iam.gserviceaccount.com", "group:g@example.com", "domain:example.com", "principalSet://iam.googleapis.com/x"}},
		{name: "public adds allUsers last", invokers: []string{"user:a@example.com"}, public: true, want: []string{"user:a@example.com", "allUsers"}},
		{name: "allAuthenticatedUsers with public", invokers: []string{"allAuthenticatedUsers"}, public: true, want: []string{"allAuthenticatedUsers", "allUsers"}},
		{name: "allUsers without public", invokers: []string{"allUsers"}, wantFields: []string{"gcp.invokers[0]"}},
		{name: "allAuthenticatedUsers without public", invokers: []string{"allAuthenticatedUsers"}, wantFields: []string{"gcp.invokers[0]"}},
		{name: "bare email", invokers: []string{"a@example.com"}, wantFields: []string{"gcp.invokers[0]"}},
		{name: "prefix without identity", invokers: []string{"user:"}, wantFields: []string{"gcp.invokers[0]"}},
		{name: "duplicate", invokers: []string{"user:a@example.com", "group:g@example.com", "user:a@example.com"}, wantFields: []string{"gcp.invokers[2]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ps validate.Problems
			got := resolveInvokers(tt.invokers, tt.public, &ps)
			var fields []string
			for _, p := range ps.List() {
				fields = append(fields, p.Field)
			}
			if !slices.Equal(fields, tt.wantFields) {
				t.Fatalf("fields = %q, want %q", fields, tt.wantFields)
			}
			if tt.wantFields == nil && !slices.Equal(got, tt.want) {
				t.Errorf("members = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidMemberTakesEachFormWithItsIdentity(t *testing.T) {
	t.Parallel()
	for m, want := range map[string]bool{
		"user:alice@example.com":                                                                  true,
		"serviceAccount:caller@p-123.iam.gserviceaccount.com":                                     true,
		"group:oncall@example.co.uk":                                                              true,
		"domain:example.com":                                                                      true,
		"serviceAccount:my-proj.svc.id.goog[payments/api]":                                        true,
		"serviceAccount:my-proj.svc.id.goog[payments]":                                            false,
		"principal://iam.googleapis.com/locations/global/workforcePools/p/subject/s":              true,
		"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*": true,
		"user:bob":             false,
		"user:":                false,
		"serviceAccount:sa@":   false,
		"group:g@localhost":    false,
		"domain:example":       false,
		"domain:a@example.com": false,
		"alice@example.com":    false,
		"user:a b@example.com": false,
		"principal://":         false,
	} {
		if got := validMember(m); got != want {
			t.Errorf("validMember(%q) = %v, want %v", m, got, want)
		}
	}
}
