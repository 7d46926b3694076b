package rollout

import (
	"testing"
	"time"
)

func TestJudgeSaysPromoteWaitOrAbortInWordsAReviewerReads(t *testing.T) {
	t.Parallel()
	budget := Budget{ErrorRate: 5, Observe: 30 * time.Minute, MinRequests: 100}
	tests := []struct {
		name   string
		budget Budget
		counts Counts
		served time.Duration
		want   Verdict
	}{
		{"a healthy canary that served its time and requests is promoted", budget,
			Counts{Requests: 1530, Errors: 6}, 30 * time.Minute,
			Verdict{Promote, "promote: 0.4% 5xx over 1,530 requests in 30m, within the 5% budget"}},
		{"a canary that failed more than the budget over enough requests is aborted at once", budget,
			Counts{Requests: 1204, Errors: 86}, 6 * time.Minute,
			Verdict{Abort, "abort: 7.1% of 1,204 requests answered 5xx, above the 5% budget"}},
		{"a canary short of requests waits, showing its rate so far", budget,
			Counts{Requests: 12, Errors: 0}, 6*time.Minute + 59*time.Second,
			Verdict{Wait, "wait: 12 of 100 requests in 6m of 30m, 0.0% 5xx so far"}},
		{"errors over too few requests never abort", budget,
			Counts{Requests: 99, Errors: 99}, time.Hour,
			Verdict{Wait, "wait: 99 of 100 requests in 1h of 30m, 100.0% 5xx so far"}},
		{"enough requests within the budget wait for the observation to end", budget,
			Counts{Requests: 5000, Errors: 250}, 29 * time.Minute,
			Verdict{Wait, "wait: 5,000 requests in 29m of 30m, 5.0% 5xx so far"}},
		{"a rate exactly at the budget passes", budget,
			Counts{Requests: 200, Errors: 10}, 30 * time.Minute,
			Verdict{Promote, "promote: 5.0% 5xx over 200 requests in 30m, within the 5% budget"}},
		{"a rate just above the budget reads above it", budget,
			Counts{Requests: 10000, Errors: 501}, 2 * time.Minute,
			Verdict{Abort, "abort: 5.01% of 10,000 requests answered 5xx, above the 5% budget"}},
		{"a canary without requests waits without a rate", Budget{ErrorRate: 2.5, Observe: 90 * time.Minute, MinRequests: 1},
			Counts{}, 0,
			Verdict{Wait, "wait: 0 of 1 requests in 0m of 1h30m"}},
		{"one request is enough when the budget says so", Budget{ErrorRate: 2.5, Observe: 5 * time.Minute, MinRequests: 1},
			Counts{Requests: 1}, 24 * time.Hour,
			Verdict{Promote, "promote: 0.0% 5xx over 1 request in 24h, within the 2.5% budget"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Judge(tt.budget, tt.counts, tt.served); got != tt.want {
				t.Errorf("Judge(%+v, %+v, %s)\n got %v %q\nwant %v %q", tt.budget, tt.counts, tt.served, got.Decision, got.Reason, tt.want.Decision, tt.want.Reason)
			}
		})
	}
}

func TestThousandsGroupsDigits(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1204: "-1,204"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
