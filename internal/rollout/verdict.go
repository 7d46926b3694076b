package rollout

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Budget is what a canary is judged against: the stack's
// rollout.errorRate, rollout.canary.observe and rollout.canary.minRequests
// (spec.ResolvedRollout and spec.ResolvedCanary, defaults applied).
type Budget struct {
	// ErrorRate is the percentage of requests that may answer 5xx, more
	// than 0 and below 100.
	ErrorRate float64
	// Observe is how long the canary serves before it may be promoted.
	Observe time.Duration
	// MinRequests is the fewest requests that judge the canary, at least 1.
	MinRequests int64
}

// Counts are a release's requests over a time range and how many of them
// answered with a 5xx status.
type Counts struct {
	// Requests is every request the release answered.
	Requests int64
	// Errors is the requests that answered 5xx.
	Errors int64
}

// Rate is the percentage of requests that answered 5xx, 0 without
// requests.
func (c Counts) Rate() float64 {
	if c.Requests <= 0 {
		return 0
	}
	return 100 * float64(c.Errors) / float64(c.Requests)
}

// Decision is what a verdict says to do with the canary.
type Decision int

// The decisions, in the order a canary usually meets them.
const (
	// Wait: the canary has not served long enough, or not enough
	// requests, to be promoted, and has not failed.
	Wait Decision = iota
	// Promote: the canary served Observe and MinRequests within the
	// budget.
	Promote
	// Abort: the canary answered more 5xx than the budget allows over at
	// least MinRequests requests.
	Abort
)

// String returns "wait", "promote" or "abort".
func (d Decision) String() string {
	switch d {
	case Promote:
		return "promote"
	case Abort:
		return "abort"
	default:
		return "wait"
	}
}

// Verdict is a decision and the one line a reviewer reads to see why.
type Verdict struct {
	// Decision is promote, wait or abort.
	Decision Decision
	// Reason starts with the decision: "abort: 7.1% of 1,204 requests
	// answered 5xx, above the 5% budget".
	Reason string
}

// Judge decides what to do with a canary that has answered c within the
// time served since it started serving:
//
//   - abort as soon as it has answered at least MinRequests requests and
//     more than ErrorRate percent of them answered 5xx, however short the
//     time: more requests cannot make those errors not have happened;
//   - promote when it has served at least Observe, answered at least
//     MinRequests requests, and at most ErrorRate percent answered 5xx;
//   - wait otherwise: too little time or too few requests to judge. Errors
//     over fewer than MinRequests requests never abort: a handful of
//     requests says nothing about a rate.
func Judge(b Budget, c Counts, served time.Duration) Verdict {
	rate := c.Rate()
	enough := c.Requests >= b.MinRequests
	switch {
	case enough && rate > b.ErrorRate:
		return Verdict{Abort, fmt.Sprintf("abort: %s of %s answered 5xx, above the %s budget",
			above(rate, b.ErrorRate), requests(c.Requests), Percent(b.ErrorRate))}
	case enough && served >= b.Observe:
		return Verdict{Promote, fmt.Sprintf("promote: %s 5xx over %s in %s, within the %s budget",
			Rate(rate), requests(c.Requests), Duration(served), Percent(b.ErrorRate))}
	}
	got := requests(c.Requests)
	if !enough {
		got = fmt.Sprintf("%s of %s requests", Thousands(c.Requests), Thousands(b.MinRequests))
	}
	reason := fmt.Sprintf("wait: %s in %s of %s", got, Duration(served), Duration(b.Observe))
	if c.Requests > 0 {
		reason += fmt.Sprintf(", %s 5xx so far", Rate(rate))
	}
	return Verdict{Wait, reason}
}

// requests is "1 request" or "1,204 requests".
func requests(n int64) string {
	if n == 1 {
		return "1 request"
	}
	return Thousands(n) + " requests"
}

// Percent formats a budget as it is written in the stack: "5%", "2.5%".
func Percent(p float64) string {
	return strconv.FormatFloat(p, 'f', -1, 64) + "%"
}

// Rate formats a measured rate with one decimal: "7.1%", "0.0%".
func Rate(p float64) string {
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// above formats a rate that is above budget with as many decimals as it
// takes to read so ("5.04%" against 5%, not "5.0%").
func above(rate, budget float64) string {
	for prec := 1; prec < 6; prec++ {
		if s := strconv.FormatFloat(rate, 'f', prec, 64); mustParse(s) > budget {
			return s + "%"
		}
	}
	return strconv.FormatFloat(rate, 'f', -1, 64) + "%"
}

func mustParse(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// Thousands formats n with commas between groups of three digits:
// "1,204".
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Duration formats a duration in whole minutes, as the observe setting is
// written: "6m", "1h30m", "24h", "0m".
func Duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	m := int64(d / time.Minute)
	h, m := m/60, m%60
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	default:
		return fmt.Sprintf("%dh%dm", h, m)
	}
}
