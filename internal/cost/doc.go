// Package cost estimates what a plan costs per month, in USD, from a price
// table compiled into berth, and how a pull request changes that figure.
//
//	a, problems := cost.ParseAssumptions(cfg.Values["berth:cost"])
//	est := cost.Compute(p, cost.Inputs{Assumptions: a, AWSRegion: "us-east-1"})
//	err := est.WriteText(os.Stdout) // or WriteMarkdown, WriteJSON
//
// # What is priced
//
// Compute reads resource types and input property names only, never the
// spelling of a plan's secret or unknown markers: an input that is not of
// the type it expects makes its line unpriced. Each priced concept has its
// own file: Fargate tasks (fargate.go), Application Load Balancers
// (alb.go), CloudWatch log groups (logs.go), ECR and Artifact Registry
// repositories (registry.go), Secrets Manager, SSM Parameter Store and
// Secret Manager (secrets.go), Cloud Run services (cloudrun.go) and
// Serverless VPC Access connectors (vpcaccess.go). Prices live in
// prices_aws.go and prices_gcp.go, each figure with its source and the date
// it was read beside it.
//
// Every line is a range: Min at the minimum instance count with the assumed
// load, Max with every service at its maximum instance count all month
// (HoursPerMonth hours). A region, machine type or architecture that the
// table has no price for gives a line that says so and marks the estimate
// incomplete; it is never priced as zero. Free tiers are listed apart and
// never subtracted. What a service usually needs but berth does not price
// (NAT gateways, VPC endpoints, data transfer) is listed as not included.
//
// # Assumptions
//
// Load, log volume and image size are the stack's `berth:cost`
// configuration (Assumptions), parsed strictly by ParseAssumptions and
// printed with every estimate. docs/cost.md explains each one.
//
// # Pull requests
//
// `berth plan --format json` embeds the estimate in the plan (see
// Marshal), and `berth diff` compares the two plans' estimates with
// CompareJSON: base, head, change, the lines that changed, and a cost flag
// when the estimate rises by more than a Threshold (DefaultThreshold).
package cost
