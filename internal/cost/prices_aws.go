package cost

// AWS prices in USD, on-demand, Linux. There was no internet access when
// they were read: every figure comes from a stored copy of a public page or a
// public repository file reached through berth's search tool on
// PricesChecked (2026-12-01), as the comment beside it says. AWS's own price
// pages render their per-region tables with JavaScript, so their stored
// copies hold no regional figures; where only a third party had them, the
// comment names it. A region without a source has no entry.

// awsRegions are the AWS regions berth's table covers. Figures whose source
// states one price for every region apply to these only.
var awsRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"}

// Fargate, per vCPU-hour and per GB-hour of memory, by CPU architecture (the
// task definition's runtimePlatform.cpuArchitecture).
var (
	fargateVCPUHour = map[string]regional{
		"X86_64": {
			"us-east-1":      0.04048, // stored copy of https://www.vantage.sh/blog/fargate-pricing ("Linux/x86 $0.04048" per vCPU per hour, us-east-1), read 2026-12-01; the same on https://www.wring.co/blog/aws-fargate-pricing-guide, dated 2026-03-10
			"us-west-2":      0.04048, // github.com/theuves/fgcalc src/utils/data.js (last changed 2021-01-14, the same at the repository's latest commit of 2025-11-25) ("extracted from the official AWS Fargate documentation"), read 2026-12-01
			"eu-west-1":      0.04048, // github.com/theuves/fgcalc src/utils/data.js (last changed 2021-01-14, the same at the repository's latest commit of 2025-11-25), read 2026-12-01
			"eu-central-1":   0.04656, // github.com/theuves/fgcalc src/utils/data.js (last changed 2021-01-14, the same at the repository's latest commit of 2025-11-25), read 2026-12-01; a rate card dated 2026-07-07 in another public repository (EUC1-Fargate-vCPU-Hours:perCPU) gives the same
			"ap-southeast-1": 0.05056, // github.com/theuves/fgcalc src/utils/data.js (last changed 2021-01-14, the same at the repository's latest commit of 2025-11-25), read 2026-12-01
		},
		"ARM64": {
			"us-east-1": 0.03238, // stored copy of https://www.vantage.sh/blog/fargate-pricing ("Linux/ARM $0.03238" per vCPU per hour, us-east-1), read 2026-12-01
			// us-west-2, eu-west-1, eu-central-1, ap-southeast-1: no source found.
		},
	}
	fargateGBHour = map[string]regional{
		"X86_64": {
			"us-east-1":      0.004445, // stored copy of https://www.vantage.sh/blog/fargate-pricing ("Linux/x86 ... $0.004445" per GB per hour), read 2026-12-01; the same on https://www.wring.co/blog/aws-fargate-pricing-guide, dated 2026-03-10
			"us-west-2":      0.004445, // github.com/theuves/fgcalc src/utils/data.js (last changed 2021-01-14, the same at the repository's latest commit of 2025-11-25), read 2026-12-01
			"eu-west-1":      0.004445, // github.com/theuves/fgcalc src/utils/data.js (last changed 2021-01-14, the same at the repository's latest commit of 2025-11-25), read 2026-12-01
			"eu-central-1":   0.00511,  // github.com/theuves/fgcalc src/utils/data.js (last changed 2021-01-14, the same at the repository's latest commit of 2025-11-25), read 2026-12-01; the 2026-07-07 rate card (EUC1-Fargate-GB-Hours) gives the same
			"ap-southeast-1": 0.00553,  // github.com/theuves/fgcalc src/utils/data.js (last changed 2021-01-14, the same at the repository's latest commit of 2025-11-25), read 2026-12-01
		},
		"ARM64": {
			"us-east-1": 0.00356, // stored copy of https://www.vantage.sh/blog/fargate-pricing ("Linux/ARM ... $0.00356" per GB per hour), read 2026-12-01
			// us-west-2, eu-west-1, eu-central-1, ap-southeast-1: no source found.
		},
	}
)

// Application Load Balancer: each hour or partial hour it runs, and each
// load balancer capacity unit (LCU) hour.
var (
	albHour = regional{
		"us-east-1": 0.0225, // the AWS Elastic Load Balancing pricing page's wording "For Application Load Balancers in the AWS Region: $0.0225 per Application Load Balancer-hour (or partial hour)" quoted in public GitHub files (search index), read 2026-12-01; the stored copy of https://aws.amazon.com/elasticloadbalancing/pricing/ holds only its introduction
		// us-west-2, eu-west-1, eu-central-1, ap-southeast-1: no source found.
	}
	albLCUHour = regional{
		"us-east-1": 0.008, // the same quotation: "$0.008 per LCU-hour (or partial hour)", read 2026-12-01
		// us-west-2, eu-west-1, eu-central-1, ap-southeast-1: no source found.
	}
)

// One ALB LCU is the most of these per hour, for targets that are
// instances, containers or IP addresses (Fargate tasks are IP targets). From
// the stored copy of https://handbook.vantage.sh/aws/services/elb-pricing,
// read 2026-12-01, which restates the ELB pricing page's LCU definition.
const (
	lcuNewConnectionsPerSecond    = 25   // new connections per second
	lcuActiveConnectionsPerMinute = 3000 // active connections per minute
	lcuProcessedGBPerHour         = 1    // GB processed per hour
	// Rule evaluations (1,000 per second per LCU) are not counted: berth's
	// listeners have only a default action, and the first 10 rules are free.
)

// CloudWatch Logs (standard log class): per GB ingested and per GB-month
// stored.
var (
	logsIngestGB = regional{
		"us-east-1": 0.50, // stored copy of https://hykell.com/kb/platform-specific-guides/aws-cloudwatch-logs-pricing ("In standard regions like us-east-1, AWS charges $0.50 per GB of data collected"), read 2026-12-01
		// us-west-2, eu-west-1, eu-central-1, ap-southeast-1: no source found.
	}
	logsStoredGBMonth = regional{
		"us-east-1": 0.03, // same page ("$0.03 per GB per month for this archival storage in us-east-1"), read 2026-12-01
		// us-west-2, eu-west-1, eu-central-1, ap-southeast-1: no source found.
	}
)

// ECR private repository storage per GB-month. The pricing page's wording,
// "Storage is $0.10 per GB / month for data stored in private or public
// repositories", names no region; quoted in public GitHub files (search
// index) and on the stored copy of https://finops.com.py/services/ecr/overview,
// read 2026-12-01.
var ecrStoredGBMonth = everywhere(0.10, awsRegions) // see above: one price, no region named

// Secrets Manager: per secret per month and per 10,000 API calls. The
// sources state one price without a region: stored copy of
// https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms
// ("$0.40 per secret per month + $0.05 per 10k API calls"), read 2026-12-01.
var (
	secretsManagerSecretMonth = everywhere(0.40, awsRegions) // $0.40 per secret-month, source above
	secretsManagerPer10kCalls = everywhere(0.05, awsRegions) // $0.05 per 10,000 API calls, source above
)

// SSM Parameter Store standard parameters cost nothing: "Cost: No additional
// charge" for the standard tier in the stored copy of
// https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html,
// read 2026-12-01. Advanced parameters are charged; no source with their
// figure was found, so they have no price. The table prices standard
// parameters and their reads at standard throughput.
var ssmStandard = everywhere(0, awsRegions) // "No additional charge", source above

// CloudWatch alarms: $0.10 per standard-resolution alarm metric per month,
// the first 10 alarm metrics of an account free. Stored copies of
// https://aws.amazon.com/cloudwatch/pricing/ in the code index, read
// 2026-12-07: "Standard Resolution Metrics Alarm ... $0.10 per alarm
// metric", "Four standard resolution alarms = $0.10 per alarm metric * 4 =
// $0.40 per month" (a US East example), and the page's free tier "Alarms |
// 10 Alarm metrics". That a metric math alarm counts each metric it lists
// comes from a third-party summary only: berth counts them, the higher
// figure.
var cloudWatchAlarmMetricMonth = everywhere(0.10, awsRegions)

// cloudWatchFreeAlarmMetrics is the account's free alarm metrics a month.
const cloudWatchFreeAlarmMetrics = 10
