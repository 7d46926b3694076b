package cost

import (
	"fmt"

	"github.com/berth-dev/berth/internal/plan"
)

// logGroup prices a CloudWatch Logs log group: LogGBPerMonth ingested, and
// the logs its retention keeps stored. In a steady month the group holds
// retentionInDays days of logs, LogGBPerMonth x retentionInDays / 30.42 GB
// (30.42 days: HoursPerMonth / 24). CloudWatch stores logs compressed and
// bills the compressed size; the estimate does not assume a compression
// ratio, so it prices the upper bound. A group without retention keeps
// every log: its storage grows each month and has no monthly figure.
func (e *estimator) logGroup(r *plan.Resource) {
	region := e.awsRegion(r)
	gb := e.in.Assumptions.LogGBPerMonth
	ingest := line(r, fmt.Sprintf("CloudWatch Logs ingestion (%s)", region))
	ingest.Quantity = fmt.Sprintf("%s GB", plain(gb))
	e.lookup(ingest, logsIngestGB, region, "GB", gb, gb)

	stored := line(r, fmt.Sprintf("CloudWatch Logs storage (%s)", region))
	days, ok := number(r.Inputs, "retentionInDays")
	if !ok || days <= 0 {
		e.unpriced(stored, "GB-month", "the log group keeps logs forever (no retentionInDays): storage grows by %s GB every month", plain(gb))
		return
	}
	held := gb * days / (HoursPerMonth / 24.0)
	stored.Quantity = fmt.Sprintf("%s GB (%s days retained)", plain(round(held, 3)), plain(days))
	e.lookup(stored, logsStoredGBMonth, region, "GB-month", held, held)
}
