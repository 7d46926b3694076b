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
	// than 0 and at most 100. A period without requests never fails.
	// Default: 5.
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
	// Tuned lists the fields besides Alarms that were given, by config
	// path ("rollout.errorRate"), for clouds that take none of them.
	Tuned []string
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
	p.Merge("rollout", &q)
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
