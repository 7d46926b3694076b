package cost

import (
	"fmt"

	"github.com/berth-dev/berth/internal/plan"
)

// loadBalancer prices an Application Load Balancer: every hour of the
// month, plus LCU-hours from the assumed load. One LCU is the most, over
// the dimensions below, of the load measured in units of that dimension;
// with the load spread evenly over the month every hour uses the same LCUs:
//
//   - new connections: one per request (clients that keep connections
//     alive open fewer), RequestsPerMonth / seconds a month, per
//     lcuNewConnectionsPerSecond;
//   - active connections: the requests in flight, new connections per
//     second times RequestDuration, per lcuActiveConnectionsPerMinute;
//   - processed bytes: BytesPerRequest times the requests of an hour, per
//     lcuProcessedGBPerHour GB.
//
// Peaks above the mean raise the LCUs of their hours; the estimate does
// not model them.
func (e *estimator) loadBalancer(r *plan.Resource) {
	typ, ok := str(r.Inputs, "loadBalancerType")
	if !ok {
		typ = "application" // the provider's default
	}
	region := e.awsRegion(r)
	hours := line(r, fmt.Sprintf("load balancer hours (%s, %s)", typ, region))
	lcus := line(r, fmt.Sprintf("load balancer capacity units (%s, %s)", typ, region))
	if typ != "application" {
		e.unpriced(hours, "hour", "no price for %s load balancers in berth's price table", typ)
		return
	}
	hours.Quantity = fmt.Sprintf("%d h", HoursPerMonth)
	e.lookup(hours, albHour, region, "hour", HoursPerMonth, HoursPerMonth)

	a := e.in.Assumptions
	perSecond := float64(a.RequestsPerMonth) / secondsPerMonth
	newConn := perSecond / lcuNewConnectionsPerSecond
	active := perSecond * a.RequestDuration.Seconds() / lcuActiveConnectionsPerMinute
	processed := perSecond * 3600 * float64(a.BytesPerRequest) / 1e9 / lcuProcessedGBPerHour
	lcu := max(newConn, active, processed)
	lcus.Quantity = fmt.Sprintf("%s LCU x %d h (%s requests a month)", plain(round(lcu, 6)), HoursPerMonth, plain(float64(a.RequestsPerMonth)))
	e.lookup(lcus, albLCUHour, region, "LCU-hour", lcu*HoursPerMonth, lcu*HoursPerMonth)
}
