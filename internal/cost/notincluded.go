package cost

import "slices"

// notIncludedAWS and notIncludedGCP name what a service on each cloud
// usually needs but berth neither creates nor prices.
var (
	notIncludedAWS = []string{
		"NAT gateways or VPC endpoints through which tasks in private subnets reach ECR, CloudWatch Logs and Secrets Manager",
		"data transfer: out to the internet, between Availability Zones and through NAT gateways",
		"the public IPv4 addresses of an internet-facing load balancer, billed per address-hour",
		"CloudWatch Container Insights metrics of a cluster that enables them",
		"Fargate Spot, Savings Plans and the AWS Free Tier (none is applied)",
	}
	notIncludedGCP = []string{
		"network egress: to the internet, between regions and through a VPC connector",
		"Cloud Logging and Cloud Monitoring beyond their free allotments",
		"committed-use and sustained-use discounts (none is applied; free tiers are shown, not subtracted)",
	}
	notIncludedAll = []string{
		"the databases and other services the application calls",
		"taxes",
	}
)

// notIncluded returns what the estimate does not price, for the clouds
// whose resources the plan holds, then the items found in the plan.
func notIncluded(clouds map[string]bool, found []string) []string {
	out := []string{}
	if clouds["aws"] {
		out = append(out, notIncludedAWS...)
	}
	if clouds["gcp"] {
		out = append(out, notIncludedGCP...)
	}
	out = append(out, notIncludedAll...)
	for _, f := range found {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}
