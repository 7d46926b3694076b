package cost

import (
	"fmt"

	"github.com/berth-dev/berth/internal/plan"
)

// metricAlarm prices a CloudWatch metric alarm by the metrics it lists:
// one for an alarm on a metric, each metric of a metric math alarm (its
// expressions are not metrics). The account's free alarm metrics are shown
// apart (freeTiers).
func (e *estimator) metricAlarm(r *plan.Resource) {
	region := e.awsRegion(r)
	n := 0
	if queries, ok := r.Inputs["metricQueries"].([]any); ok {
		for _, q := range queries {
			if m, ok := q.(map[string]any); ok && m["metric"] != nil {
				n++
			}
		}
	} else if _, ok := str(r.Inputs, "metricName"); ok {
		n = 1
	}
	l := line(r, fmt.Sprintf("CloudWatch alarm, standard resolution (%s)", region))
	l.Quantity = fmt.Sprintf("%d alarm metrics", n)
	if n == 1 {
		l.Quantity = "1 alarm metric"
	}
	e.alarmMetrics += float64(n)
	if price, ok := cloudWatchAlarmMetricMonth.at(region); ok {
		e.alarmPrice = price
	}
	e.lookup(l, cloudWatchAlarmMetricMonth, region, "alarm metric-month", float64(n), float64(n))
}
