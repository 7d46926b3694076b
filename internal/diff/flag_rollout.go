package diff

import (
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// rolloutGuards are the ECS service settings that roll a failing release
// back, by input path, with what their loss means.
var rolloutGuards = []struct{ path, what string }{
	{"alarms.enable", "the deployment alarms are no longer watched"},
	{"alarms.rollback", "a deployment alarm no longer rolls the release back"},
	{"deploymentCircuitBreaker.enable", "the deployment circuit breaker no longer stops a release whose tasks never become healthy"},
	{"deploymentCircuitBreaker.rollback", "the deployment circuit breaker no longer rolls back a release whose tasks never become healthy"},
}

// alarmTriggers are the inputs of a CloudWatch metric alarm that decide
// when it fires.
var alarmTriggers = map[string]bool{"threshold": true, "evaluationPeriods": true, "datapointsToAlarm": true, "period": true, "treatMissingData": true, "comparisonOperator": true}

// rolloutFindings raises rollout for a change that weakens what rolls a
// failing release back: an ECS service's deployment alarms or circuit
// breaker turned off, a metric alarm that fires on other terms (its
// threshold, periods, missing data), and on a production stack a Cloud
// Run split that sends requests to a release no canary observed.
func rolloutFindings(c *change) []string {
	out := unobservedFindings(c, c.production)
	switch c.Type {
	case providers.ECSService:
		if c.Op == Create || c.Op == Delete {
			return nil
		}
		for _, g := range rolloutGuards {
			was, _ := plan.Lookup(c.oldIn, strings.Split(g.path, ".")...)
			is, _ := plan.Lookup(c.newIn, strings.Split(g.path, ".")...)
			if was == true && is != true {
				out = append(out, fmt.Sprintf("%s (%s %s -> %s)", g.what, g.path, render(was, true), render(is, is != nil)))
			}
		}
	case providers.MetricAlarm:
		if c.Op != Update && c.Op != Replace {
			return nil
		}
		for _, v := range applied(c.Values) {
			if alarmTriggers[v.Path] {
				out = append(out, fmt.Sprintf("the alarm fires on other terms: %s %s -> %s", v.Path, render(v.Old, v.HasOld), render(v.New, v.HasNew)))
			}
		}
	}
	return out
}
