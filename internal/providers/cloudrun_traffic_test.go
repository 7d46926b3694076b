package providers

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestCloudRunTrafficNamesOnlyRevisionsThatExist(t *testing.T) {
	t.Parallel()
	exists := func(r string) bool { return r == "api-1" || r == "api-2" }
	target := func(typ, rev string, pct int) map[string]any {
		m := map[string]any{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_" + typ, "percent": pct}
		if rev != "" {
			m["revision"] = rev
		}
		return m
	}
	for _, tc := range []struct {
		traffic []any
		want    string
	}{
		{nil, ""},
		{[]any{target("LATEST", "", 100)}, ""},
		{[]any{target("REVISION", "api-1", 90), target("LATEST", "", 10)}, ""},
		{[]any{target("REVISION", "api-9", 90), target("LATEST", "", 10)},
			"Revision 'api-9' does not exist or is deleted. Update all traffic to route to currently available revisions."},
	} {
		v := resource.NewPropertyValue(tc.traffic)
		if tc.traffic == nil {
			v = resource.NewNullProperty()
		}
		if code, got := CloudRunTrafficProblem(v, exists); got != tc.want || (got != "" && code != 13) {
			t.Errorf("traffic %v: %q, want %q", tc.traffic, got, tc.want)
		}
	}
}

func TestCloudRunRefusesARevisionNameReusedForAnotherTemplate(t *testing.T) {
	t.Parallel()
	had := map[string]string{"api-1": "A"}
	if err := CloudRunRevisionConflict("projects/p/locations/l/services/api", "api-1", "A", had); err != nil {
		t.Errorf("the same template under its own name: %v", err)
	}
	if err := CloudRunRevisionConflict("projects/p/locations/l/services/api", "api-2", "B", had); err != nil {
		t.Errorf("a new name: %v", err)
	}
	err := CloudRunRevisionConflict("projects/p/locations/l/services/api", "api-1", "B", had)
	want := `Error updating Service "projects/p/locations/l/services/api": googleapi: Error 409: Revision named 'api-1' with different configuration already exists.`
	if err == nil || err.Error() != want {
		t.Errorf("another template under a taken name: %v, want %s", err, want)
	}
}
