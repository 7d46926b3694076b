package cost

import (
	"context"
	"math"
	"testing"

	"github.com/berth-dev/berth/internal/planengine"
	"github.com/berth-dev/berth/internal/stackconfig"
)

// These tests estimate the repository's own stacks, planned by the real
// infra program from Pulumi.dev.yaml and Pulumi.prod.yaml, and check every
// figure against one computed here from the stack files' settings and the
// price table, with the formulas docs/cost.md gives.

// shippedEstimate plans a stack of the repository with --set style
// overrides and estimates it with the default assumptions.
func shippedEstimate(t *testing.T, stack string, sets ...string) *Estimate {
	t.Helper()
	opts := stackconfig.LoadOptions{Dir: "../..", Stack: stack}
	var err error
	if opts.Overrides, err = stackconfig.ParseOverrides(sets); err != nil {
		t.Fatalf("--set: %v", err)
	}
	cfg, err := stackconfig.LoadConfig(opts)
	if err != nil {
		t.Fatalf("loading stack %s: %v", stack, err)
	}
	res, err := planengine.Run(context.Background(), cfg, planengine.RunOptions{})
	if err != nil {
		t.Fatalf("planning stack %s: %v", stack, err)
	}
	a, problems := ParseAssumptions(cfg.Values["berth:cost"])
	if len(problems) > 0 {
		t.Fatalf("berth:cost of stack %s: %v", stack, problems)
	}
	return Compute(res.Plan, Inputs{Assumptions: a, AWSRegion: cfg.Values["aws:region"], GCPRegion: cfg.Values["gcp:region"]})
}

// want is one expected line: resource, item and the monthly range.
type want struct {
	resource, item string
	min, max       float64
}

// checkLines compares an estimate's priced lines, in order, and its total
// with the expected ones.
func checkLines(t *testing.T, est *Estimate, wants []want) {
	t.Helper()
	var got []Line
	for _, l := range est.Lines {
		if l.Priced {
			got = append(got, l)
		}
	}
	if len(got) != len(wants) {
		for _, l := range got {
			t.Logf("got %s / %s: %v - %v", l.Resource, l.Item, l.Min, l.Max)
		}
		t.Fatalf("%d priced lines, want %d", len(got), len(wants))
	}
	var total Range
	for i, w := range wants {
		l := got[i]
		if l.Resource != w.resource || l.Item != w.item {
			t.Errorf("line %d is %s / %s, want %s / %s", i, l.Resource, l.Item, w.resource, w.item)
		}
		if !near(l.Min, w.min) || !near(l.Max, w.max) {
			t.Errorf("%s / %s = %.10f - %.10f, want %.10f - %.10f", w.resource, w.item, l.Min, l.Max, w.min, w.max)
		}
		total.Min += w.min
		total.Max += w.max
	}
	if !near(est.Total.Min, total.Min) || !near(est.Total.Max, total.Max) {
		t.Errorf("total = %.10f - %.10f, want %.10f - %.10f", est.Total.Min, est.Total.Max, total.Min, total.Max)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestProdStackCostsWhatItsTasksLoadBalancerLogsImagesAndSecretReadsCost(t *testing.T) {
	t.Parallel()
	est := shippedEstimate(t, "prod")
	if !est.Complete {
		t.Errorf("prod estimate is incomplete: %+v", est.Unpriced())
	}
	const (
		hours      = 730.0
		minTasks   = 2.0  // Pulumi.prod.yaml service.minInstances
		maxTasks   = 10.0 // service.maxInstances
		vcpu       = 0.5  // service.cpu
		memGB      = 1.0  // service.memory 1Gi
		requests   = 1e6  // default requestsPerMonth
		duration   = 0.1  // default requestDuration, seconds
		bytesPerRq = 1e4  // default bytesPerRequest
		logGB      = 1.0  // default logGBPerMonth
		retention  = 30.0 // aws.logRetentionDays
		imagesKept = 10.0 // the ECR lifecycle policy keeps 10 images
		imageGB    = 0.1  // default imageMB 100
		starts     = 1e3  // default instanceStartsPerMonth
		smSecrets  = 1.0  // DATABASE_URL is the one Secrets Manager reference
	)
	cpuPrice := fargateVCPUHour["X86_64"]["us-east-1"]
	memPrice := fargateGBHour["X86_64"]["us-east-1"]
	perSecond := requests / (hours * 3600)
	lcu := math.Max(perSecond/25, math.Max(perSecond*duration/3000, perSecond*3600*bytesPerRq/1e9))
	lcuCost := lcu * hours * albLCUHour["us-east-1"]
	stored := logGB * retention / (hours / 24)
	checkLines(t, est, []want{
		{"app-logs", "CloudWatch Logs ingestion (us-east-1)", logGB * logsIngestGB["us-east-1"], logGB * logsIngestGB["us-east-1"]},
		{"app-logs", "CloudWatch Logs storage (us-east-1)", stored * logsStoredGBMonth["us-east-1"], stored * logsStoredGBMonth["us-east-1"]},
		{"app-lb", "load balancer hours (application, us-east-1)", hours * albHour["us-east-1"], hours * albHour["us-east-1"]},
		{"app-lb", "load balancer capacity units (application, us-east-1)", lcuCost, lcuCost},
		// The 5xx rate alarm lists 2 metrics (5xx and requests), the
		// unhealthy-targets alarm 1.
		{"app-5xx", "CloudWatch alarm, standard resolution (us-east-1)", 2 * cloudWatchAlarmMetricMonth["us-east-1"], 2 * cloudWatchAlarmMetricMonth["us-east-1"]},
		{"app-unhealthy", "CloudWatch alarm, standard resolution (us-east-1)", cloudWatchAlarmMetricMonth["us-east-1"], cloudWatchAlarmMetricMonth["us-east-1"]},
		{"app-repo", "ECR storage (us-east-1)", imagesKept * imageGB * ecrStoredGBMonth["us-east-1"], imagesKept * imageGB * ecrStoredGBMonth["us-east-1"]},
		{"app-taskdef", "Secrets Manager API calls (us-east-1)", starts * smSecrets / 1e4 * secretsManagerPer10kCalls["us-east-1"], starts * smSecrets / 1e4 * secretsManagerPer10kCalls["us-east-1"]},
		{"app-taskdef", "SSM Parameter Store reads (standard tier, us-east-1)", 0, 0},
		{"app-svc", "Fargate vCPU (X86_64, us-east-1)", minTasks * vcpu * hours * cpuPrice, maxTasks * vcpu * hours * cpuPrice},
		{"app-svc", "Fargate memory (X86_64, us-east-1)", minTasks * memGB * hours * memPrice, maxTasks * memGB * hours * memPrice},
	})
	// The same figures by hand, from the prices the table holds today:
	// 2 x 0.5 x 730 x 0.04048 + 2 x 1 x 730 x 0.004445 + 730 x 0.0225 + ...
	if got := money(est.Total.Min, est.Total.Max); got != "$53.49 - $197.65" {
		t.Errorf("total renders as %s, want $53.49 - $197.65", got)
	}
	// The account's 10 free alarm metrics cover the stack's 3.
	if len(est.FreeTier) != 1 || est.FreeTier[0].Item != "CloudWatch alarm metrics" || !near(est.FreeTier[0].Max, 3*cloudWatchAlarmMetricMonth["us-east-1"]) {
		t.Errorf("prod free tier = %+v, want the CloudWatch alarm metrics, up to $0.30", est.FreeTier)
	}
}

// TestAProdCanaryCostsASecondLaneAndItsAlarms: a Fargate canary adds the
// canary lane's tasks (one to service.maxInstances) and its two alarms;
// the stable lane, pinned by ARN, is still priced at the family's size.
func TestAProdCanaryCostsASecondLaneAndItsAlarms(t *testing.T) {
	t.Parallel()
	est := shippedEstimate(t, "prod", `service.rollout.canary={stable: "arn:aws:ecs:us-east-1:123456789012:task-definition/berth-app-da1ef50:1", percent: 10}`)
	if !est.Complete {
		t.Errorf("prod canary estimate is incomplete: %+v", est.Unpriced())
	}
	const hours, vcpu, memGB, maxTasks = 730.0, 0.5, 1.0, 10.0
	cpuPrice := fargateVCPUHour["X86_64"]["us-east-1"]
	memPrice := fargateGBHour["X86_64"]["us-east-1"]
	alarm := cloudWatchAlarmMetricMonth["us-east-1"]
	wants := []want{
		{"app-svc", "Fargate vCPU (X86_64, us-east-1)", 2 * vcpu * hours * cpuPrice, maxTasks * vcpu * hours * cpuPrice},
		{"app-canary-svc", "Fargate vCPU (X86_64, us-east-1)", 1 * vcpu * hours * cpuPrice, maxTasks * vcpu * hours * cpuPrice},
		{"app-canary-svc", "Fargate memory (X86_64, us-east-1)", 1 * memGB * hours * memPrice, maxTasks * memGB * hours * memPrice},
		{"app-canary-5xx", "CloudWatch alarm, standard resolution (us-east-1)", 2 * alarm, 2 * alarm},
		{"app-canary-unhealthy", "CloudWatch alarm, standard resolution (us-east-1)", alarm, alarm},
	}
	for _, w := range wants {
		found := false
		for _, l := range est.Lines {
			if l.Resource == w.resource && l.Item == w.item {
				found = true
				if !l.Priced || !near(l.Min, w.min) || !near(l.Max, w.max) {
					t.Errorf("%s / %s = %v - %v (priced %t), want %v - %v", w.resource, w.item, l.Min, l.Max, l.Priced, w.min, w.max)
				}
			}
		}
		if !found {
			t.Errorf("no line %s / %s", w.resource, w.item)
		}
	}
	// Six alarm metrics now, still within the account's free ten.
	if len(est.FreeTier) != 1 || !near(est.FreeTier[0].Max, 6*alarm) {
		t.Errorf("prod canary free tier = %+v, want the CloudWatch alarm metrics, up to $0.60", est.FreeTier)
	}
}

func TestDevStackCostsWhatCloudRunTheConnectorImagesAndSecretsCost(t *testing.T) {
	t.Parallel()
	est := shippedEstimate(t, "dev")
	if !est.Complete {
		t.Errorf("dev estimate is incomplete: %+v", est.Unpriced())
	}
	const (
		month       = 730.0 * 3600
		maxInst     = 3.0  // Pulumi.dev.yaml service.maxInstances (minInstances 0: no idle line)
		vcpu        = 1.0  // service.cpu
		memGiB      = 0.5  // service.memory 512Mi
		busy        = 1e5  // 1,000,000 requests x 100 ms
		requests    = 1e6  // default requestsPerMonth
		connMin     = 2.0  // gcp.vpc.connector.minInstances
		connMax     = 3.0  // gcp.vpc.connector.maxInstances
		images      = 10.0 // the cleanup policy keeps 10 versions
		imageGB     = 0.1  // default imageMB 100
		starts      = 1e3  // default instanceStartsPerMonth
		readSecrets = 2.0  // DATABASE_URL (env) and the API token (volume)
	)
	conn := connectorInstanceHour["e2-micro"]["us-central1"]
	checkLines(t, est, []want{
		{"app-token", "Secret Manager active version", smVersionMonth, smVersionMonth},
		{"app-connector", "VPC connector instances (e2-micro, us-central1)", connMin * 730 * conn, connMax * 730 * conn},
		{"app-repo", "Artifact Registry storage (us-central1)", images * imageGB * arGBMonth, images * imageGB * arGBMonth},
		{"app-svc", "Cloud Run vCPU (request-based, us-central1)", busy * vcpu * runTier1RequestVCPUSecond, maxInst * month * vcpu * runTier1RequestVCPUSecond},
		{"app-svc", "Cloud Run memory (request-based, us-central1)", busy * memGiB * runTier1RequestGiBSecond, maxInst * month * memGiB * runTier1RequestGiBSecond},
		{"app-svc", "Cloud Run requests (us-central1)", requests * runTier1Request, requests * runTier1Request},
		{"app-svc", "Secret Manager access operations", starts * readSecrets / 1e4 * smPer10kAccesses, starts * readSecrets / 1e4 * smPer10kAccesses},
	})
	if got := money(est.Total.Min, est.Total.Max); got != "$15.32 - $217.98" {
		t.Errorf("total renders as %s, want $15.32 - $217.98", got)
	}
	// The free tier is listed, valued at Tier 1 prices, and not subtracted.
	wantFree := map[string]Range{
		"Cloud Run vCPU (request-based)":   {busy * vcpu * runTier1RequestVCPUSecond, 180000 * runTier1RequestVCPUSecond},
		"Cloud Run memory (request-based)": {busy * memGiB * runTier1RequestGiBSecond, 360000 * runTier1RequestGiBSecond},
		"Cloud Run requests":               {requests * runTier1Request, requests * runTier1Request},
		"Artifact Registry storage":        {0.5 * arGBMonth, 0.5 * arGBMonth},
		"Secret Manager active versions":   {smVersionMonth, smVersionMonth},
		"Secret Manager access operations": {starts * readSecrets / 1e4 * smPer10kAccesses, starts * readSecrets / 1e4 * smPer10kAccesses},
	}
	if len(est.FreeTier) != len(wantFree) {
		t.Errorf("free tier has %d lines, want %d: %+v", len(est.FreeTier), len(wantFree), est.FreeTier)
	}
	for _, l := range est.FreeTier {
		w, ok := wantFree[l.Item]
		if !ok || !near(l.Min, w.Min) || !near(l.Max, w.Max) {
			t.Errorf("free tier %s = %v - %v, want %v - %v", l.Item, l.Min, l.Max, w.Min, w.Max)
		}
	}
}

func TestARegionChangeChangesTheFigureAndAnUnpricedRegionMarksItIncomplete(t *testing.T) {
	t.Parallel()
	base := shippedEstimate(t, "prod")
	frankfurt := shippedEstimate(t, "prod", "aws:region=eu-central-1")
	line := func(est *Estimate, prefix string) Line {
		for _, l := range est.Lines {
			if len(l.Item) >= len(prefix) && l.Item[:len(prefix)] == prefix {
				return l
			}
		}
		t.Fatalf("no line %q in %+v", prefix, est.Lines)
		return Line{}
	}
	cpu := line(frankfurt, "Fargate vCPU")
	if cpu.Item != "Fargate vCPU (X86_64, eu-central-1)" || !near(cpu.Min, 2*0.5*730*fargateVCPUHour["X86_64"]["eu-central-1"]) || !near(cpu.Max, 10*0.5*730*fargateVCPUHour["X86_64"]["eu-central-1"]) {
		t.Errorf("eu-central-1 Fargate vCPU = %+v", cpu)
	}
	if near(cpu.Min, line(base, "Fargate vCPU").Min) {
		t.Errorf("the Fargate vCPU figure did not change with the region: %v", cpu.Min)
	}
	// berth's table has no eu-central-1 price for load balancers or logs.
	for _, prefix := range []string{"load balancer hours", "load balancer capacity units", "CloudWatch Logs ingestion", "CloudWatch Logs storage"} {
		l := line(frankfurt, prefix)
		if l.Priced || l.Min != 0 || l.Note != "no price for region eu-central-1 in berth's price table" {
			t.Errorf("%s in eu-central-1 = %+v, want unpriced with the region named", prefix, l)
		}
	}
	if frankfurt.Complete {
		t.Error("an estimate with unpriced lines is complete")
	}

	// A region outside the table prices nothing and says so on every line.
	nowhere := shippedEstimate(t, "prod", "aws:region=xx-nowhere-1")
	for _, l := range nowhere.Lines {
		if l.Priced || l.Note != "no price for region xx-nowhere-1 in berth's price table" {
			t.Errorf("line %s / %s in an unknown region = %+v", l.Resource, l.Item, l)
		}
	}
	if nowhere.Complete || len(nowhere.Lines) != len(base.Lines) {
		t.Errorf("unknown region: complete %v, %d lines (want incomplete, %d lines)", nowhere.Complete, len(nowhere.Lines), len(base.Lines))
	}

	// On Google Cloud the connector's VM price follows the region.
	dev := shippedEstimate(t, "dev")
	ams := shippedEstimate(t, "dev", "gcp:region=europe-west4")
	got := line(ams, "VPC connector instances")
	if got.Item != "VPC connector instances (e2-micro, europe-west4)" || !near(got.Min, 2*730*connectorInstanceHour["e2-micro"]["europe-west4"]) {
		t.Errorf("europe-west4 connector = %+v", got)
	}
	if near(ams.Total.Min, dev.Total.Min) {
		t.Errorf("dev total did not change with the region: %v", ams.Total.Min)
	}
}
