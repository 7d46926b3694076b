package spec

import (
	"testing"
	"time"
)

func TestResolveRolloutSettingAppliesTheCanaryDefaultsAndReportsProblemsByPath(t *testing.T) {
	t.Parallel()
	r, problems := ResolveRolloutSetting(&Rollout{Canary: &Canary{Stable: "s"}}, Defaults{})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	want := ResolvedCanary{Stable: "s", Percent: DefaultCanaryPercent, Observe: 30 * time.Minute, MinRequests: DefaultMinRequests}
	if r.Canary == nil || *r.Canary != want || r.ErrorRate != DefaultErrorRate {
		t.Errorf("got %+v, %+v; want %+v", r, r.Canary, want)
	}
	bad := 0
	_, problems = ResolveRolloutSetting(&Rollout{Canary: &Canary{Stable: "s", Percent: &bad}}, Defaults{})
	if len(problems) != 1 || problems[0].String() != "rollout.canary.percent: 0 is not a canary share (allowed: 1 to 99 percent; leave it out for 10, or set abort to send none)" {
		t.Errorf("problems = %v", problems)
	}
}
