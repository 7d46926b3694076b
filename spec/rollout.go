package spec

import (
	"fmt"
	"time"

	"github.com/berth-dev/berth/validate"
)

// Rollout is how a release is watched once it serves, and when it is
// rolled back on its own. The zero value takes every default.
type Rollout struct {
	// Alarms is "on" or "off": whether alarms on the service's 5xx rate
	// and on unhealthy instances roll a failing release back. On Fargate
	// they are CloudWatch alarms wired into the ECS deployment (with
	// rollback); Cloud Run has no deployment alarms at pulumi-gcp v7.38.0,
	// so there only "off" is allowed. Turning them off takes the word:
	// an empty value is the default. Default: "on" on Fargate, "off" on
	// Cloud Run.
	Alarms string `pulumi:"alarms,optional"`
	// ErrorRate is the percentage of requests that may answer with a 5xx
	// status within one Period before the release is judged failing: more
	// than 0 and at most 100 (below 100 with a canary, whose error budget
	// it is). A period without requests never fails. On Cloud Run, which
	// has no alarms, it is allowed only with a canary. Default: 5.
	ErrorRate *float64 `pulumi:"errorRate,optional"`
	// Period is the length of one measurement, a whole number of minutes
	// from "1m" to "60m": load balancer metrics come once a minute
	// (Elastic Load Balancing, "CloudWatch metrics for your Application
	// Load Balancer"), so a shorter period would only see gaps. Default:
	// "1m".
	Period string `pulumi:"period,optional"`
	// Periods is how many periods in a row must fail before the release is
	// rolled back, 1 to 10. Default: 3.
	Periods *int `pulumi:"periods,optional"`
	// Canary sends a share of requests to each new release while a stable
	// release serves the rest, until a reviewed change promotes or aborts
	// it (docs/rollouts.md). Default: unset, a new release takes every
	// request once it is healthy.
	Canary *Canary `pulumi:"canary,optional"`
}

// Canary is a release under observation: the new release serves Percent of
// requests, Stable the rest. Promoting it is a change of Stable to the new
// release; aborting it is Abort. ErrorRate above is its error budget, and
// `berth rollout status` judges it.
type Canary struct {
	// Stable is the release that serves every request the new one does
	// not: on Cloud Run a revision of this service ("SERVICE-SUFFIX", the
	// component's latestRevision output), on Fargate a task definition
	// ARN of this service
	// ("arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:N", its
	// taskDefinitionArn output). `berth rollout promote` writes it.
	// Required.
	Stable string `pulumi:"stable"`
	// Percent is the share of requests the new release receives, 1 to 99.
	// Default: 10.
	Percent *int `pulumi:"percent,optional"`
	// Observe is how long the new release serves its share before it may
	// be promoted, whole minutes from "5m" to "24h", and at least the
	// alarms' window (periods x period): a shorter one ends before the
	// error budget could be judged once. Default: "30m".
	Observe string `pulumi:"observe,optional"`
	// MinRequests is the fewest requests the new release must have served
	// within Observe before it may be promoted, 1 to 1000000: too few
	// requests say nothing about its error rate. Default: 100.
	MinRequests *int `pulumi:"minRequests,optional"`
	// Abort sends every request to Stable and none to the new release,
	// which stays deployed without traffic. `berth rollout abort` sets it;
	// remove it (or promote) for the next release to take its share.
	// Default: false.
	Abort bool `pulumi:"abort,optional"`
}

// The rollout defaults every cloud shares.
const (
	// DefaultErrorRate fails a release when more than one request in
	// twenty answers 5xx for the whole window.
	DefaultErrorRate = 5.0
	// DefaultPeriod is CloudWatch's standard resolution.
	DefaultPeriod = "1m"
	// DefaultPeriods waits three minutes of failure, so that one bad
	// minute (a burst of client errors upstream) does not roll back.
	DefaultPeriods = 3
	// MaxPeriods bounds the window, so that a failing release is rolled
	// back within ten periods.
	MaxPeriods = 10
	// DefaultCanaryPercent is the share of a new release: enough requests
	// to judge it within the observation, few enough that a bad release
	// fails one request in ten at worst.
	DefaultCanaryPercent = 10
	// DefaultObserve is half an hour of observation.
	DefaultObserve = "30m"
	// MinObserve is the shortest observation: Cloud Monitoring shows a
	// request up to 180 s after it ends (metrics_knative,
	// run.googleapis.com/request_count), so a shorter one sees nothing.
	MinObserve = 5 * time.Minute
	// MaxObserve is the longest observation.
	MaxObserve = 24 * time.Hour
	// DefaultMinRequests is the fewest requests that judge a release.
	DefaultMinRequests = 100
	// MaxMinRequests bounds MinRequests.
	MaxMinRequests = 1000000
)

// Alarm settings.
const (
	AlarmsOn  = "on"
	AlarmsOff = "off"
)

// ResolvedRollout is a Rollout with its defaults applied.
type ResolvedRollout struct {
	// Alarms reports whether alarms roll a failing release back;
	// AlarmsSet whether Rollout.Alarms was given.
	Alarms, AlarmsSet bool
	// ErrorRate is the 5xx percentage that fails a period.
	ErrorRate float64
	// Period is one measurement's length.
	Period time.Duration
	// Periods is how many failing periods in a row roll back.
	Periods int
	// Tuned lists the fields besides Alarms and Canary that were given,
	// by config path ("rollout.errorRate"), for clouds that take none of
	// them.
	Tuned []string
	// Canary is the canary, nil without one.
	Canary *ResolvedCanary
}

// ResolvedCanary is a Canary with its defaults applied. Stable is checked
// by each cloud, which knows what its releases are called.
type ResolvedCanary struct {
	// Stable is the release that serves the rest.
	Stable string
	// Percent is the new release's share, 1 to 99.
	Percent int
	// Observe is how long the new release is observed.
	Observe time.Duration
	// MinRequests is the fewest requests that judge the new release.
	MinRequests int
	// Abort sends every request to Stable.
	Abort bool
}

// Share is the new release's share of requests as the clouds apply it: 0
// when aborted, else Percent.
func (c ResolvedCanary) Share() int {
	if c.Abort {
		return 0
	}
	return c.Percent
}

// resolveRollout applies d and the defaults to r, recording problems in p
// under "rollout".
func resolveRollout(r *Rollout, d Defaults, p *validate.Problems) ResolvedRollout {
	out := ResolvedRollout{Alarms: d.Alarms, ErrorRate: DefaultErrorRate, Period: time.Minute, Periods: DefaultPeriods}
	if r == nil {
		return out
	}
	var q validate.Problems
	switch r.Alarms {
	case "":
	case AlarmsOn, AlarmsOff:
		out.Alarms, out.AlarmsSet = r.Alarms == AlarmsOn, true
	default:
		q.Addf("alarms", "%q is not an alarm setting (allowed: %q or %q; leave it out for the cloud's default)", r.Alarms, AlarmsOn, AlarmsOff)
	}
	if r.ErrorRate != nil {
		out.Tuned = append(out.Tuned, "rollout.errorRate")
		if v := *r.ErrorRate; v <= 0 || v > 100 {
			q.Addf("errorRate", "%v is not a percentage of requests (allowed: more than 0, at most 100; leave it out for %v)", v, DefaultErrorRate)
		} else {
			out.ErrorRate = v
		}
	}
	if r.Period != "" {
		out.Tuned = append(out.Tuned, "rollout.period")
		if d, ok := alarmPeriod(r.Period); ok {
			out.Period = d
		} else {
			q.Addf("period", "%q is not a measurement period (allowed: whole minutes from \"1m\" to \"60m\"; leave it out for %q)", r.Period, DefaultPeriod)
		}
	}
	if r.Periods != nil {
		out.Tuned = append(out.Tuned, "rollout.periods")
		if n := *r.Periods; n < 1 || n > MaxPeriods {
			q.Addf("periods", "%d is out of range (allowed: 1 to %d; leave it out for %d)", n, MaxPeriods, DefaultPeriods)
		} else {
			out.Periods = n
		}
	}
	if r.Canary != nil {
		out.Canary = resolveCanary(*r.Canary, out, &q)
	}
	p.Merge("rollout", &q)
	return out
}

// resolveCanary applies the defaults to c and checks it against the error
// budget in r, recording problems in q under "canary".
func resolveCanary(c Canary, r ResolvedRollout, q *validate.Problems) *ResolvedCanary {
	out := &ResolvedCanary{Stable: c.Stable, Percent: DefaultCanaryPercent, MinRequests: DefaultMinRequests, Abort: c.Abort}
	var p validate.Problems
	if c.Stable == "" {
		p.Addf("stable", "required: the release that serves the rest (`berth rollout promote --stack STACK --release NAME` writes it: the release running now)")
	}
	if c.Percent != nil {
		if n := *c.Percent; n < 1 || n > 99 {
			p.Addf("percent", "%d is not a canary share (allowed: 1 to 99 percent; leave it out for %d, or set abort to send none)", n, DefaultCanaryPercent)
		} else {
			out.Percent = n
		}
	}
	observe := c.Observe
	if observe == "" {
		observe = DefaultObserve
	}
	d, err := time.ParseDuration(observe)
	if err != nil || d < MinObserve || d > MaxObserve || d%time.Minute != 0 {
		p.Addf("observe", "%q is not an observation (allowed: whole minutes from %q to %q; leave it out for %q)", c.Observe, "5m", "24h", DefaultObserve)
		d, _ = time.ParseDuration(DefaultObserve)
	} else if window := r.Period * time.Duration(r.Periods); d < window {
		// The alarms need periods x period of data to judge the release
		// once; an observation that ends first passes a release nothing
		// has judged.
		p.Addf("observe", "%q ends before the error budget is judged once: the alarms need %d periods of %s, %s (allowed: at least %s, or fewer or shorter periods)", observe, r.Periods, r.Period, window, window)
	}
	out.Observe = d
	if c.MinRequests != nil {
		if n := *c.MinRequests; n < 1 || n > MaxMinRequests {
			p.Addf("minRequests", "%d is out of range (allowed: 1 to %d; leave it out for %d)", n, MaxMinRequests, DefaultMinRequests)
		} else {
			out.MinRequests = n
		}
	}
	// A budget that lets every request fail can never fail the release:
	// the canary would judge nothing.
	if r.ErrorRate >= 100 {
		q.Addf("errorRate", "%v lets every request of the canary fail, so no release could fail it (allowed with a canary: more than 0, below 100)", r.ErrorRate)
	}
	q.Merge("canary", &p)
	return out
}

// alarmPeriod parses a period of whole minutes up to an hour (CloudWatch
// PutMetricAlarm takes any multiple of 60 seconds; 10 to 30 seconds only
// for high-resolution metrics, which the load balancer's are not).
func alarmPeriod(s string) (time.Duration, bool) {
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Minute || d > time.Hour || d%time.Minute != 0 {
		return 0, false
	}
	return d, true
}

// String describes the rollout for messages: "alarms off", or "alarms on:
// more than 5% 5xx for 3 periods of 1m0s".
func (r ResolvedRollout) String() string {
	if !r.Alarms {
		return "alarms off"
	}
	return fmt.Sprintf("alarms on: more than %v%% 5xx for %d periods of %s", r.ErrorRate, r.Periods, r.Period)
}
