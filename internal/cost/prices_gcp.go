package cost

// Google Cloud prices in USD, read on PricesChecked (2026-12-01) without
// internet access, from stored copies of Google's pages and public
// repository files reached through berth's search tool, as the comment
// beside each figure says.

// gcpRegions are the Google Cloud regions berth's table covers. Figures
// whose source states one price for every region apply to these only.
var gcpRegions = []string{"us-central1", "us-east1", "europe-west1", "europe-west4", "asia-northeast1"}

// cloudRunTier1 lists the regions whose Cloud Run prices are Tier 1. All of
// gcpRegions are: github.com/firebase/firebase-tools
// src/deploy/functions/pricing.ts (V2_REGION_TO_TIER, transcribed from
// https://cloud.google.com/run/pricing), commit 22a3f1e, read 2026-12-01.
var cloudRunTier1 = []string{"us-central1", "us-east1", "europe-west1", "europe-west4", "asia-northeast1"}

// Cloud Run with request-based billing (CPU allocated only during requests,
// resources.cpuIdle true): per vCPU-second and GiB-second while an instance
// serves a request, per vCPU-second and GiB-second while a minimum instance
// idles, and per request. The stored copy of
// https://cloud.google.com/run/pricing (search corpus, undated) shows "Tier 1
// $0.00002400 / vCPU-second beyond free tier" and the free allowances; the
// other figures are from firebase-tools' transcription of that page
// (V2_RATES, commit 22a3f1e), read 2026-12-01.
const (
	runTier1RequestVCPUSecond = 0.000024  // $0.00002400 / vCPU-second, stored copy of https://cloud.google.com/run/pricing
	runTier1RequestGiBSecond  = 0.0000025 // $0.00000250 / GiB-second, firebase-tools V2_RATES.memoryGb[1]
	runTier1IdleVCPUSecond    = 0.0000025 // idle minimum instance, firebase-tools V2_RATES.idleVCpu[1]
	runTier1IdleGiBSecond     = 0.0000025 // idle memory is billed at the memory rate: firebase-tools prices idle instances' memory with V2_RATES.memoryGb[1]
	runTier1Request           = 0.0000004 // $0.40 per million requests, firebase-tools V2_RATES.invocations
)

var (
	runRequestVCPUSecond = everywhere(runTier1RequestVCPUSecond, cloudRunTier1)
	runRequestGiBSecond  = everywhere(runTier1RequestGiBSecond, cloudRunTier1)
	runIdleVCPUSecond    = everywhere(runTier1IdleVCPUSecond, cloudRunTier1)
	runIdleGiBSecond     = everywhere(runTier1IdleGiBSecond, cloudRunTier1)
	runRequest           = everywhere(runTier1Request, cloudRunTier1)
)

// Cloud Run with instance-based billing (CPU always allocated, cpuIdle
// false): per vCPU-second and GiB-second of each instance's lifetime, no
// request fee. The stored copy of https://cloud.google.com/run/pricing shows
// "Services with CPU always allocated ... $0.00001800 / vCPU-second beyond
// free tier"; "$0.00000200 / GiB-second beyond free tier" is quoted from that
// page in public GitHub files (search index), read 2026-12-01.
const (
	runTier1InstanceVCPUSecond = 0.000018 // $0.00001800 / vCPU-second, source above
	runTier1InstanceGiBSecond  = 0.000002 // $0.00000200 / GiB-second, source above
)

var (
	runInstanceVCPUSecond = everywhere(runTier1InstanceVCPUSecond, cloudRunTier1)
	runInstanceGiBSecond  = everywhere(runTier1InstanceGiBSecond, cloudRunTier1)
)

// Cloud Run's monthly free tier, per billing account, priced at Tier 1
// rates. Request-based: 180,000 vCPU-seconds, 360,000 GiB-seconds and 2
// million requests (stored copy of https://cloud.google.com/run/pricing;
// firebase-tools V2_FREE_TIER). Instance-based: 240,000 vCPU-seconds and
// 450,000 GiB-seconds (the stored page's "Free: First 24..." where it is cut
// off; the full figures as public GitHub files quote the page), read
// 2026-12-01.
const (
	runRequestFreeVCPUSeconds  = 180000  // vCPU-seconds a month, request-based
	runRequestFreeGiBSeconds   = 360000  // GiB-seconds a month, request-based
	runRequestFreeRequests     = 2000000 // requests a month
	runInstanceFreeVCPUSeconds = 240000  // vCPU-seconds a month, instance-based
	runInstanceFreeGiBSeconds  = 450000  // GiB-seconds a month, instance-based
)

// Serverless VPC Access connectors are billed as Compute Engine VMs of their
// machine type, per instance-hour (https://cloud.google.com/run/pricing,
// stored copy: "Serverless VPC Access connectors also charge for the compute
// required to run them"). On-demand hourly VM prices from pricing.yml of
// github.com/Cyclenerd/google-cloud-pricing-cost-calculator, generated
// 2026-07-30 from the Cloud Billing Catalog API (commit fd66b26), read
// 2026-12-01. Sustained-use discounts are not applied.
var connectorInstanceHour = map[string]regional{
	"e2-micro": {
		"us-central1":     0.0083764275, // pricing.yml compute.instance.e2-micro.cost.us-central1.hour
		"us-east1":        0.0083764275, // pricing.yml ...e2-micro.cost.us-east1.hour
		"europe-west1":    0.0092144325, // pricing.yml ...e2-micro.cost.europe-west1.hour
		"europe-west4":    0.009221505,  // pricing.yml ...e2-micro.cost.europe-west4.hour
		"asia-northeast1": 0.010745715,  // pricing.yml ...e2-micro.cost.asia-northeast1.hour
	},
	"f1-micro": {
		"us-central1":     0.0076, // pricing.yml compute.instance.f1-micro.cost.us-central1.hour
		"us-east1":        0.0076, // pricing.yml ...f1-micro.cost.us-east1.hour
		"europe-west1":    0.0086, // pricing.yml ...f1-micro.cost.europe-west1.hour
		"europe-west4":    0.0084, // pricing.yml ...f1-micro.cost.europe-west4.hour
		"asia-northeast1": 0.0092, // pricing.yml ...f1-micro.cost.asia-northeast1.hour
	},
	"e2-standard-4": {
		"us-central1":     0.13402284, // pricing.yml compute.instance.e2-standard-4.cost.us-central1.hour
		"us-east1":        0.13402284, // pricing.yml ...e2-standard-4.cost.us-east1.hour
		"europe-west1":    0.14743092, // pricing.yml ...e2-standard-4.cost.europe-west1.hour
		"europe-west4":    0.14754408, // pricing.yml ...e2-standard-4.cost.europe-west4.hour
		"asia-northeast1": 0.17193144, // pricing.yml ...e2-standard-4.cost.asia-northeast1.hour
	},
}

// Artifact Registry storage per GB-month beyond the first 0.5 GB a month
// per billing account, "the same for both regional and multi-regional
// repositories": stored copy of https://cloud.google.com/artifact-registry/pricing?hl=th
// (English text), read 2026-12-01.
const arGBMonth = 0.10 // "Over 0.5 GB $0.10", source above

var arStoredGBMonth = everywhere(arGBMonth, gcpRegions)

// arFreeGB is Artifact Registry's free storage a month, per billing account.
const arFreeGB = 0.5 // "Up to 0.5 GB Free", source above

// Secret Manager: per active secret version per location per month
// (automatic replication is billed as one location) and per 10,000 access
// operations; free each month per billing account: 6 active versions and
// 10,000 access operations. Stored copy of
// https://cloud.google.com/secret-manager/pricing?hl=ja ("ロケーションごとに 1
// バージョンあたり $0.06", "10,000 オペレーションあたり $0.03", free "6 バージョン"
// and "10,000 オペレーション"), read 2026-12-01.
// A secret with automatic replication has no region, so these two figures
// are not looked up by region.
const (
	smVersionMonth   = 0.06 // $0.06 per version per location, source above
	smPer10kAccesses = 0.03 // $0.03 per 10,000 access operations, source above
)

// Secret Manager's monthly free tier, per billing account.
const (
	smFreeVersions = 6     // active versions, source above
	smFreeAccesses = 10000 // access operations, source above
)
