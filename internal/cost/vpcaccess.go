package cost

import (
	"fmt"

	"github.com/berth-dev/berth/internal/plan"
)

// connector prices a Serverless VPC Access connector: its instances, each
// billed as a Compute Engine VM of the connector's machine type, from
// minInstances to maxInstances all month. Traffic through it is network
// egress, not included.
func (e *estimator) connector(r *plan.Resource) {
	region := e.gcpRegion(r, "region")
	machine, ok := str(r.Inputs, "machineType")
	if !ok || machine == "" {
		machine = "e2-micro" // the API's default machine type
	}
	l := line(r, fmt.Sprintf("VPC connector instances (%s, %s)", machine, region))
	lo, okLo := number(r.Inputs, "minInstances")
	hi, okHi := number(r.Inputs, "maxInstances")
	if !okLo || !okHi {
		e.unpriced(l, "instance-hour", "the connector's minInstances and maxInstances are not known in the plan (a connector sized by throughput is not priced)")
		return
	}
	l.Quantity = fmt.Sprintf("%s x %d h", countRange(lo, hi, "instance", "instances"), HoursPerMonth)
	table, known := connectorInstanceHour[machine]
	if !known {
		e.unpriced(l, "instance-hour", "no price for machine type %s in berth's price table", machine)
		return
	}
	e.lookup(l, table, region, "instance-hour", lo*HoursPerMonth, hi*HoursPerMonth)
}
