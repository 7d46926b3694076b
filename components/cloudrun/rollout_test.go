package cloudrun

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
)

// revisionOf matches a revision name berth gives the service: its name, a
// hyphen and ten hex characters.
func revisionOf(service string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(service) + `-[0-9a-f]{10}$`)
}

// revisionFor runs args and returns the template's revision name.
func revisionFor(t *testing.T, args *ServiceArgs) string {
	t.Helper()
	m, _ := run(t, args)
	rev, _ := testkit.Prop(t, m.One(t, typeCloudRun), "template", "revision").(string)
	if !revisionOf(testAccountID).MatchString(rev) {
		t.Fatalf("template.revision = %q, want %s-HASH", rev, testAccountID)
	}
	return rev
}

// TestTheRevisionIsNamedAfterItsWholeTemplate: the same template gets the
// same name (a second `up` is no change, and a traffic-only change keeps
// the template's name, which Cloud Run accepts), and every change of the
// template, the image digest of a rebuild among them, gets another
// (Cloud Run answers 409 to a name reused with another template).
func TestTheRevisionIsNamedAfterItsWholeTemplate(t *testing.T) {
	t.Parallel()
	base := revisionFor(t, typicalArgs())
	if again := revisionFor(t, typicalArgs()); again != base {
		t.Errorf("the same template is named %q, then %q", base, again)
	}
	canary := typicalArgs()
	canary.Service.Rollout = &spec.Rollout{Canary: &spec.Canary{Stable: testAccountID + "-0123456789"}}
	if got := revisionFor(t, canary); got != base {
		t.Errorf("a canary (traffic only) renamed the revision %q to %q", base, got)
	}
	changes := map[string]func(a *ServiceArgs){
		"a rebuilt image": func(a *ServiceArgs) {
			a.Image = pulumi.String(strings.Replace(testImage, "sha256:0", "sha256:1", 1))
		},
		"an environment value": func(a *ServiceArgs) {
			a.Service.Env = pulumi.ToStringMap(map[string]string{"LOG_LEVEL": "debug"})
		},
		"a secret version": func(a *ServiceArgs) { a.Service.Secrets[0].Version = pulumi.String("4") },
		"maxInstances":     func(a *ServiceArgs) { a.Service.MaxInstances = n(11) },
	}
	seen := map[string]string{base: "the typical args"}
	for what, change := range changes {
		a := typicalArgs()
		change(a)
		got := revisionFor(t, a)
		if prev, ok := seen[got]; ok {
			t.Errorf("%s kept the revision name %q of %s", what, got, prev)
		}
		seen[got] = what
	}
}

// TestACanarySplitsTrafficBetweenTheStableAndTheLatestRevision: the stable
// revision by name at the rest, the latest ready one at the share under the
// tag "canary", in that order; aborted, the latest keeps its tag at 0%.
func TestACanarySplitsTrafficBetweenTheStableAndTheLatestRevision(t *testing.T) {
	t.Parallel()
	stable := testAccountID + "-0123456789"
	for _, tc := range []struct {
		canary spec.Canary
		want   []any
	}{
		{spec.Canary{Stable: stable}, []any{
			map[string]any{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "revision": stable, "percent": float64(90)},
			map[string]any{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": float64(10), "tag": "canary"},
		}},
		{spec.Canary{Stable: stable, Percent: n(25)}, []any{
			map[string]any{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "revision": stable, "percent": float64(75)},
			map[string]any{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": float64(25), "tag": "canary"},
		}},
		{spec.Canary{Stable: stable, Percent: n(25), Abort: true}, []any{
			map[string]any{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "revision": stable, "percent": float64(100)},
			map[string]any{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": float64(0), "tag": "canary"},
		}},
	} {
		a := typicalArgs()
		a.Service.MaxInstances = n(2)
		a.Service.Rollout = &spec.Rollout{Canary: &tc.canary}
		m, _ := run(t, a)
		assertEqual(t, "traffics", testkit.Prop(t, m.One(t, typeCloudRun), "traffics"), tc.want)
	}
}

// TestCanarySettingsAreCheckedAgainstTheService: the stable revision must
// be one of this service's, the service name must leave room for the
// tagged URL, and errorRate is allowed on Cloud Run as a canary's budget
// while the alarm-only settings stay refused.
func TestCanarySettingsAreCheckedAgainstTheService(t *testing.T) {
	t.Parallel()
	rate := 2.0
	ok := validArgs()
	ok.Service = &spec.Service{Rollout: &spec.Rollout{ErrorRate: &rate, Canary: &spec.Canary{Stable: testAccountID + "-00001-abc"}}}
	if verr, _ := validateArgs(t, ok); verr != nil {
		t.Errorf("a canary with an error budget and a revision Cloud Run named: %v", verr)
	}
	bad := validArgs()
	bad.Service = &spec.Service{
		Name:    "a-service-name-of-forty-characters-long",
		Rollout: &spec.Rollout{Period: "5m", Canary: &spec.Canary{Stable: "other-service-0123456789"}},
	}
	verr, _ := validateArgs(t, bad)
	if verr == nil {
		t.Fatal("no problems")
	}
	long := derivedName(t, "a-service-name-of-forty-characters-long")
	var got []string
	for _, p := range verr.Problems {
		got = append(got, p.Field+": "+p.Message)
	}
	want := []string{
		`service.rollout.period: tunes the alarms, which Cloud Run does not have (allowed on Cloud Run: leave it out, or errorRate with a canary as its error budget)`,
		`service.name: makes the Cloud Run service name "` + long + `", 47 characters, too long for the canary's tagged URL (allowed with rollout.canary: a name of at most 32 characters, which makes a service name of at most 40)`,
		`service.rollout.canary.stable: "other-service-0123456789" is not a revision of the Cloud Run service ` + long + ` (allowed: a revision name that starts with "` + long + `-", lowercase letters, digits and hyphens, at most 63 characters: the service's latestRevision output)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%q\nwant\n%q", got, want)
	}
}

// derivedName is the service name berth derives for name in project berth,
// stack test.
func derivedName(t *testing.T, name string) string {
	t.Helper()
	return name + "-" + hash7("berth/test/"+name)
}
