package spec

import (
	"slices"
	"testing"
	"time"

	"github.com/berth-dev/berth/validate"
)

func TestRolloutDefaultsFollowTheCloud(t *testing.T) {
	t.Parallel()
	for _, alarms := range []bool{true, false} {
		var ps validate.Problems
		r := Resolve(Service{}, "api", Defaults{CPU: 1, Alarms: alarms}, &ps)
		want := ResolvedRollout{Alarms: alarms, ErrorRate: 5, Period: time.Minute, Periods: 3}
		if !ps.Empty() || r.Rollout.Alarms != want.Alarms || r.Rollout.AlarmsSet || r.Rollout.ErrorRate != want.ErrorRate ||
			r.Rollout.Period != want.Period || r.Rollout.Periods != want.Periods || len(r.Rollout.Tuned) != 0 {
			t.Errorf("Resolve with Alarms %v = %+v, %v; want %+v", alarms, r.Rollout, ps.List(), want)
		}
	}
}

func TestRolloutKeepsWhatIsGiven(t *testing.T) {
	t.Parallel()
	rate, periods := 0.5, 10
	var ps validate.Problems
	r := Resolve(Service{Rollout: &Rollout{Alarms: AlarmsOff, ErrorRate: &rate, Period: "60m", Periods: &periods}}, "api", Defaults{CPU: 1, Alarms: true}, &ps)
	got := r.Rollout
	if !ps.Empty() || got.Alarms || !got.AlarmsSet || got.ErrorRate != 0.5 || got.Period != time.Hour || got.Periods != 10 ||
		!slices.Equal(got.Tuned, []string{"rollout.errorRate", "rollout.period", "rollout.periods"}) {
		t.Errorf("Resolve = %+v, %v", got, ps.List())
	}
	for _, p := range []string{"1m", "5m", "60m"} {
		var ps validate.Problems
		Resolve(Service{Rollout: &Rollout{Period: p}}, "api", testDefaults, &ps)
		if !ps.Empty() {
			t.Errorf("period %q: %v", p, ps.List())
		}
	}
}

// TestRolloutNamesEveryProblemAtOnce: explicit zeros, out-of-range values
// and unknown words are errors naming the field and what is allowed.
func TestRolloutNamesEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	zero, over, none, many := 0.0, 100.5, 0, 11
	for _, tc := range []struct {
		r    Rollout
		want []string
	}{
		{Rollout{Alarms: "false", ErrorRate: &zero, Period: "45s", Periods: &none}, []string{
			`service.rollout.alarms: "false" is not an alarm setting (allowed: "on" or "off"; leave it out for the cloud's default)`,
			"service.rollout.errorRate: 0 is not a percentage of requests (allowed: more than 0, at most 100; leave it out for 5)",
			`service.rollout.period: "45s" is not a measurement period (allowed: whole minutes from "1m" to "60m"; leave it out for "1m")`,
			"service.rollout.periods: 0 is out of range (allowed: 1 to 10; leave it out for 3)",
		}},
		{Rollout{ErrorRate: &over, Period: "2h", Periods: &many}, []string{
			"service.rollout.errorRate: 100.5 is not a percentage of requests (allowed: more than 0, at most 100; leave it out for 5)",
			`service.rollout.period: "2h" is not a measurement period (allowed: whole minutes from "1m" to "60m"; leave it out for "1m")`,
			"service.rollout.periods: 11 is out of range (allowed: 1 to 10; leave it out for 3)",
		}},
	} {
		var ps validate.Problems
		Resolve(Service{Rollout: &tc.r}, "api", testDefaults, &ps)
		var got []string
		for _, p := range ps.List() {
			got = append(got, p.Field+": "+p.Message)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("problems:\n%q\nwant\n%q", got, tc.want)
		}
	}
}

func TestCanaryTakesItsDefaults(t *testing.T) {
	t.Parallel()
	var ps validate.Problems
	r := Resolve(Service{Rollout: &Rollout{Canary: &Canary{Stable: "api-1"}}}, "api", testDefaults, &ps)
	want := ResolvedCanary{Stable: "api-1", Percent: 10, Observe: 30 * time.Minute, MinRequests: 100}
	if !ps.Empty() || r.Rollout.Canary == nil || *r.Rollout.Canary != want {
		t.Fatalf("Resolve = %+v, %v; want %+v", r.Rollout.Canary, ps.List(), want)
	}
	if got := r.Rollout.Canary.Share(); got != 10 {
		t.Errorf("Share = %d, want 10", got)
	}
	aborted := want
	aborted.Abort = true
	if got := aborted.Share(); got != 0 {
		t.Errorf("aborted Share = %d, want 0", got)
	}
}

// TestCanaryNamesEveryProblemAtOnce: a share outside 1-99, an observation
// the error budget cannot be judged within, a budget that fails nothing and
// a single instance are each errors naming their field.
func TestCanaryNamesEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	zero, hundred, one, all, none := 0, 100, 1, 100.0, 0
	periods := 10
	for _, tc := range []struct {
		s    Service
		want []string
	}{
		{Service{MaxInstances: &one, Rollout: &Rollout{ErrorRate: &all, Canary: &Canary{Percent: &zero, Observe: "4m", MinRequests: &none}}}, []string{
			"service.rollout.errorRate: 100 lets every request of the canary fail, so no release could fail it (allowed with a canary: more than 0, below 100)",
			"service.rollout.canary.stable: required: the release that serves the rest (`berth rollout promote --stack STACK --release NAME` writes it: the release running now)",
			"service.rollout.canary.percent: 0 is not a canary share (allowed: 1 to 99 percent; leave it out for 10, or set abort to send none)",
			`service.rollout.canary.observe: "4m" is not an observation (allowed: whole minutes from "5m" to "24h"; leave it out for "30m")`,
			"service.rollout.canary.minRequests: 0 is out of range (allowed: 1 to 1000000; leave it out for 100)",
			"service.maxInstances: 1 leaves no instance for a canary beside the stable release (allowed with rollout.canary: 2 or more)",
		}},
		{Service{Rollout: &Rollout{Period: "5m", Periods: &periods, Canary: &Canary{Stable: "s", Percent: &hundred}}}, []string{
			"service.rollout.canary.percent: 100 is not a canary share (allowed: 1 to 99 percent; leave it out for 10, or set abort to send none)",
			`service.rollout.canary.observe: "30m" ends before the error budget is judged once: the alarms need 10 periods of 5m0s, 50m0s (allowed: at least 50m0s, or fewer or shorter periods)`,
		}},
	} {
		var ps validate.Problems
		Resolve(tc.s, "api", testDefaults, &ps)
		var got []string
		for _, p := range ps.List() {
			got = append(got, p.Field+": "+p.Message)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("problems:\n%q\nwant\n%q", got, tc.want)
		}
	}
}
