package cost

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
)

const urnPrefix = "urn:pulumi:test::berth::"

// res builds a resource of stack test; inputs is JSON, as in a plan file.
func res(t *testing.T, typ, name, inputs string, dependsOn ...string) plan.Resource {
	t.Helper()
	in := map[string]any{}
	if inputs != "" {
		if err := json.Unmarshal([]byte(inputs), &in); err != nil {
			t.Fatalf("inputs of %s: %v", name, err)
		}
	}
	deps := []string{}
	for _, d := range dependsOn {
		deps = append(deps, urnPrefix+d)
	}
	return plan.Resource{URN: urnPrefix + name, Type: typ, Name: name, DependsOn: deps, Inputs: in}
}

func planOf(rs ...plan.Resource) *plan.Plan {
	return &plan.Plan{Project: "berth", Stack: "test", Resources: rs, Outputs: map[string]any{}}
}

func compute(p *plan.Plan, aws, gcp string) *Estimate {
	return Compute(p, Inputs{Assumptions: Defaults(), AWSRegion: aws, GCPRegion: gcp})
}

// only returns the estimate's one line whose item starts with prefix.
func only(t *testing.T, est *Estimate, prefix string) Line {
	t.Helper()
	var found []Line
	for _, l := range est.Lines {
		if strings.HasPrefix(l.Item, prefix) {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d lines %q in %+v", len(found), prefix, est.Lines)
	}
	return found[0]
}

// fargate is an ECS service on Fargate with a task definition and a
// scaling target, the shape the fargate component registers.
func fargate(t *testing.T, arch, cpu, memory string) *plan.Plan {
	return planOf(
		res(t, "aws:ecs/taskDefinition:TaskDefinition", "td", `{"cpu": "`+cpu+`", "memory": "`+memory+`", "runtimePlatform": {"cpuArchitecture": "`+arch+`"}}`),
		res(t, "aws:ecs/service:Service", "svc", `{"launchType": "FARGATE", "desiredCount": 2}`, "td"),
		res(t, "aws:appautoscaling/target:Target", "scaling", `{"minCapacity": 1, "maxCapacity": 4, "scalableDimension": "ecs:service:DesiredCount"}`, "svc"),
	)
}

func TestFargatePricesTasksFromMinToMaxCapacityByArchitecture(t *testing.T) {
	t.Parallel()
	est := compute(fargate(t, "ARM64", "1024", "2048"), "us-east-1", "")
	cpu := only(t, est, "Fargate vCPU")
	mem := only(t, est, "Fargate memory")
	wantCPU := fargateVCPUHour["ARM64"]["us-east-1"] * 730
	wantMem := fargateGBHour["ARM64"]["us-east-1"] * 2 * 730
	if cpu.Item != "Fargate vCPU (ARM64, us-east-1)" || !near(cpu.Min, 1*wantCPU) || !near(cpu.Max, 4*wantCPU) || cpu.Quantity != "1-4 tasks x 1 vCPU x 730 h" {
		t.Errorf("vCPU line = %+v", cpu)
	}
	if !near(mem.Min, wantMem) || !near(mem.Max, 4*wantMem) || mem.Quantity != "1-4 tasks x 2 GB x 730 h" {
		t.Errorf("memory line = %+v", mem)
	}
	if !est.Complete {
		t.Error("incomplete")
	}
}

func TestAnArchitectureWithoutARegionalPriceIsUnpricedNotZero(t *testing.T) {
	t.Parallel()
	est := compute(fargate(t, "ARM64", "512", "1024"), "eu-west-1", "")
	for _, prefix := range []string{"Fargate vCPU (ARM64, eu-west-1)", "Fargate memory (ARM64, eu-west-1)"} {
		l := only(t, est, prefix)
		if l.Priced || l.Min != 0 || l.Max != 0 || l.Note != "no price for region eu-west-1 in berth's price table" {
			t.Errorf("%s = %+v", prefix, l)
		}
	}
	if est.Complete || len(est.Unpriced()) != 2 {
		t.Errorf("complete %v with %d unpriced lines", est.Complete, len(est.Unpriced()))
	}
	// The same task in x86 is priced there.
	if x86 := compute(fargate(t, "X86_64", "512", "1024"), "eu-west-1", ""); !x86.Complete {
		t.Errorf("x86 in eu-west-1 incomplete: %+v", x86.Unpriced())
	}
}

func TestAnInputThePlanDoesNotKnowLeavesItsLineUnpriced(t *testing.T) {
	t.Parallel()
	// The task definition's cpu is a marker (secret or unknown, whatever its
	// spelling), not a number.
	est := compute(fargate(t, "X86_64", "[unknown]", "1024"), "us-east-1", "")
	if l := only(t, est, "Fargate vCPU"); l.Priced || l.Note != "the task definition's cpu is not known in the plan" {
		t.Errorf("vCPU line = %+v", l)
	}
	if l := only(t, est, "Fargate memory"); !l.Priced {
		t.Errorf("memory line = %+v, want priced", l)
	}
	if est.Complete {
		t.Error("complete with an unpriced line")
	}
}

func TestNoRegionIsUnpricedWithTheFix(t *testing.T) {
	t.Parallel()
	est := compute(fargate(t, "X86_64", "512", "1024"), "", "")
	if l := only(t, est, "Fargate vCPU"); l.Priced || l.Note != "no region known: set the provider's region in the stack configuration" {
		t.Errorf("vCPU line = %+v", l)
	}
}

func connectorPlan(t *testing.T, machine string) *plan.Plan {
	return planOf(res(t, "gcp:vpcaccess/connector:Connector", "conn", `{"machineType": "`+machine+`", "minInstances": 2, "maxInstances": 5, "region": "asia-northeast1"}`))
}

func TestConnectorInstancesArePricedByMachineTypeAndRegion(t *testing.T) {
	t.Parallel()
	for _, machine := range []string{"f1-micro", "e2-micro", "e2-standard-4"} {
		est := compute(connectorPlan(t, machine), "", "us-central1") // the connector's own region wins
		l := only(t, est, "VPC connector instances")
		hour := connectorInstanceHour[machine]["asia-northeast1"]
		if l.Item != "VPC connector instances ("+machine+", asia-northeast1)" || !near(l.Min, 2*730*hour) || !near(l.Max, 5*730*hour) {
			t.Errorf("%s: %+v", machine, l)
		}
	}
	est := compute(connectorPlan(t, "n2-standard-2"), "", "")
	if l := only(t, est, "VPC connector instances"); l.Priced || l.Note != "no price for machine type n2-standard-2 in berth's price table" {
		t.Errorf("unknown machine type: %+v", l)
	}
	if est.Complete {
		t.Error("an unknown machine type leaves the estimate complete")
	}
}

func cloudRun(t *testing.T, cpuIdle bool, minInst int) *plan.Plan {
	idle := "false"
	if cpuIdle {
		idle = "true"
	}
	return planOf(res(t, "gcp:cloudrunv2/service:Service", "run", `{"location": "europe-west1", "template": {
		"scaling": {"minInstanceCount": `+jsonInt(minInst)+`, "maxInstanceCount": 4},
		"containers": [{"resources": {"cpuIdle": `+idle+`, "limits": {"cpu": "2000m", "memory": "1Gi"}}}]}}`))
}

func jsonInt(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestCloudRunRequestBasedBillsBusyTimeIdleMinimumInstancesAndRequests(t *testing.T) {
	t.Parallel()
	a := Defaults()
	a.RequestsPerMonth = 2_000_000
	a.RequestDuration = Duration(250_000_000) // 250ms, billed as 300ms
	est := Compute(cloudRun(t, true, 1), Inputs{Assumptions: a})
	const month = 730 * 3600.0
	busy := 2e6 * 0.3
	if l := only(t, est, "Cloud Run vCPU (request-based, europe-west1)"); !near(l.Min, busy*2*runTier1RequestVCPUSecond) || !near(l.Max, 4*month*2*runTier1RequestVCPUSecond) {
		t.Errorf("vCPU = %+v", l)
	}
	if l := only(t, est, "Cloud Run memory (request-based, europe-west1)"); !near(l.Min, busy*1*runTier1RequestGiBSecond) || !near(l.Max, 4*month*1*runTier1RequestGiBSecond) {
		t.Errorf("memory = %+v", l)
	}
	idle := month - busy
	if l := only(t, est, "Cloud Run idle minimum instances vCPU"); !near(l.Min, idle*2*runTier1IdleVCPUSecond) || l.Max != 0 {
		t.Errorf("idle vCPU = %+v", l)
	}
	if l := only(t, est, "Cloud Run idle minimum instances memory"); !near(l.Min, idle*1*runTier1IdleGiBSecond) || l.Max != 0 {
		t.Errorf("idle memory = %+v", l)
	}
	if l := only(t, est, "Cloud Run requests"); !near(l.Min, 2e6*runTier1Request) {
		t.Errorf("requests = %+v", l)
	}
}

func TestCloudRunInstanceBasedBillsWholeInstanceLifetimesAndNoRequests(t *testing.T) {
	t.Parallel()
	est := compute(cloudRun(t, false, 1), "", "")
	const month = 730 * 3600.0
	if l := only(t, est, "Cloud Run vCPU (instance-based, europe-west1)"); !near(l.Min, month*2*runTier1InstanceVCPUSecond) || !near(l.Max, 4*month*2*runTier1InstanceVCPUSecond) {
		t.Errorf("vCPU = %+v", l)
	}
	if l := only(t, est, "Cloud Run memory (instance-based, europe-west1)"); !near(l.Min, month*runTier1InstanceGiBSecond) || !near(l.Max, 4*month*runTier1InstanceGiBSecond) {
		t.Errorf("memory = %+v", l)
	}
	for _, l := range est.Lines {
		if strings.HasPrefix(l.Item, "Cloud Run requests") || strings.Contains(l.Item, "idle") {
			t.Errorf("instance-based billing has line %+v", l)
		}
	}
	// The free tier is instance-based's, valued at Tier 1 and not subtracted.
	var free []string
	for _, f := range est.FreeTier {
		free = append(free, f.Item)
	}
	if strings.Join(free, ", ") != "Cloud Run vCPU (instance-based), Cloud Run memory (instance-based)" {
		t.Errorf("free tier items: %v", free)
	}
	if !near(est.FreeTier[0].Max, 240000*runTier1InstanceVCPUSecond) {
		t.Errorf("free vCPU = %+v", est.FreeTier[0])
	}
	total := 0.0
	for _, l := range est.Lines {
		total += l.Min
	}
	if !near(est.Total.Min, total) {
		t.Errorf("total %v is not the sum of the lines %v: the free tier was subtracted", est.Total.Min, total)
	}
}

func TestCloudRunOutsideTheTableIsUnpriced(t *testing.T) {
	t.Parallel()
	p := cloudRun(t, true, 0)
	p.Resources[0].Inputs["location"] = "me-central2"
	est := compute(p, "", "")
	for _, l := range est.Lines {
		if l.Priced || l.Note != "no price for region me-central2 in berth's price table" {
			t.Errorf("line %+v", l)
		}
	}
	if est.Complete {
		t.Error("complete")
	}
}

func TestImageRepositoriesKeepWhatTheirPolicyKeepsOrWhatTheStackSays(t *testing.T) {
	t.Parallel()
	policy := `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}},{"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":25},"action":{"type":"expire"}}]}`
	policyJSON, _ := json.Marshal(policy)
	p := planOf(
		res(t, "aws:ecr/repository:Repository", "repo", `{"name": "app-1"}`),
		res(t, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "lc", `{"repository": "app-1", "policy": `+string(policyJSON)+`}`, "repo"),
		res(t, "aws:ecr/repository:Repository", "bare", `{"name": "app-2"}`),
	)
	est := compute(p, "us-west-2", "")
	var repo, bare Line
	for _, l := range est.Lines {
		switch l.Resource {
		case "repo":
			repo = l
		case "bare":
			bare = l
		}
	}
	if !near(repo.Min, 25*0.1*ecrStoredGBMonth["us-west-2"]) || repo.Quantity != "25 images (kept by the repository's policy) x 100 MB" {
		t.Errorf("repository with a policy: %+v", repo)
	}
	if bare.Priced || !strings.Contains(bare.Note, "keeps every image") {
		t.Errorf("repository without a policy: %+v", bare)
	}
	a := Defaults()
	a.ImagesKept, a.ImageMB = 4, 250
	est = Compute(p, Inputs{Assumptions: a, AWSRegion: "us-west-2"})
	for _, l := range est.Lines {
		if !l.Priced || !near(l.Min, 4*0.25*0.10) {
			t.Errorf("with imagesKept 4: %+v", l)
		}
	}
}

func TestLogGroupStorageFollowsRetentionAndForeverIsUnpriced(t *testing.T) {
	t.Parallel()
	est := compute(planOf(res(t, "aws:cloudwatch/logGroup:LogGroup", "logs", `{"retentionInDays": 90}`)), "us-east-1", "")
	if l := only(t, est, "CloudWatch Logs storage"); !near(l.Min, 1*90/(730/24.0)*logsStoredGBMonth["us-east-1"]) {
		t.Errorf("storage = %+v", l)
	}
	est = compute(planOf(res(t, "aws:cloudwatch/logGroup:LogGroup", "logs", `{}`)), "us-east-1", "")
	if l := only(t, est, "CloudWatch Logs storage"); l.Priced || !strings.Contains(l.Note, "keeps logs forever") {
		t.Errorf("storage without retention = %+v", l)
	}
	if l := only(t, est, "CloudWatch Logs ingestion"); !l.Priced || !near(l.Min, logsIngestGB["us-east-1"]) {
		t.Errorf("ingestion = %+v", l)
	}
}

func TestOtherLoadBalancersAndAdvancedParametersAreUnpriced(t *testing.T) {
	t.Parallel()
	est := compute(planOf(
		res(t, "aws:lb/loadBalancer:LoadBalancer", "nlb", `{"loadBalancerType": "network"}`),
		res(t, "aws:ssm/parameter:Parameter", "param", `{"tier": "Advanced"}`),
		res(t, "aws:ssm/parameter:Parameter", "std", `{}`),
		res(t, "aws:secretsmanager/secret:Secret", "secret", `{"name": "db"}`),
	), "us-east-1", "")
	if l := only(t, est, "load balancer hours (network"); l.Priced || l.Note != "no price for network load balancers in berth's price table" {
		t.Errorf("network load balancer = %+v", l)
	}
	if l := only(t, est, "SSM parameter (Advanced"); l.Priced {
		t.Errorf("advanced parameter = %+v", l)
	}
	if l := only(t, est, "SSM parameter (Standard"); !l.Priced || l.Min != 0 {
		t.Errorf("standard parameter = %+v", l)
	}
	if l := only(t, est, "Secrets Manager secret"); !near(l.Min, secretsManagerSecretMonth["us-east-1"]) {
		t.Errorf("secret = %+v", l)
	}
}

func TestSecretVersionsArePricedPerReplicaLocation(t *testing.T) {
	t.Parallel()
	est := compute(planOf(
		res(t, "gcp:secretmanager/secret:Secret", "s", `{"secretId": "s", "replication": {"userManaged": {"replicas": [{"location": "us-east1"}, {"location": "europe-west1"}]}}}`),
		res(t, "gcp:secretmanager/secretVersion:SecretVersion", "v", `{"secret": "projects/p/secrets/s"}`, "s"),
	), "", "")
	if l := only(t, est, "Secret Manager active version"); !near(l.Min, 2*smVersionMonth) || l.Quantity != "1 version x 2 locations" {
		t.Errorf("version = %+v", l)
	}
}

func TestNotIncludedNamesWhatTheCloudNeedsAndTheSecretsTheStackReadsButDoesNotCreate(t *testing.T) {
	t.Parallel()
	defs := `[{"secrets":[{"name":"A","valueFrom":"arn:aws:secretsmanager:us-east-1:1:secret:made-AbCdEf"},{"name":"B","valueFrom":"arn:aws:secretsmanager:us-east-1:1:secret:theirs-XyZ123:key::"}]}]`
	raw, _ := json.Marshal(defs)
	est := compute(planOf(
		res(t, "aws:secretsmanager/secret:Secret", "made", `{"name": "made"}`),
		res(t, "aws:ecs/taskDefinition:TaskDefinition", "td", `{"containerDefinitions": `+string(raw)+`}`),
	), "us-east-1", "")
	joined := strings.Join(est.NotIncluded, "\n")
	for _, want := range []string{"NAT gateways", "data transfer", "Secrets Manager secret theirs-XyZ123, which the tasks read but this stack does not create"} {
		if !strings.Contains(joined, want) {
			t.Errorf("not included lacks %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "secret made") || strings.Contains(joined, "network egress") {
		t.Errorf("not included names a created secret or another cloud:\n%s", joined)
	}
	if l := only(t, est, "Secrets Manager API calls"); !near(l.Min, 1000*2/1e4*secretsManagerPer10kCalls["us-east-1"]) || l.Quantity != "1000 task starts x 2 secrets" {
		t.Errorf("API calls = %+v", l)
	}
}

func TestEstimateJSONRoundTripsAndRefusesAnotherSchemaVersion(t *testing.T) {
	t.Parallel()
	est := compute(fargate(t, "X86_64", "256", "512"), "us-east-1", "")
	raw, err := Marshal(est)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(raw)
	if err != nil || back.Total != est.Total || len(back.Lines) != len(est.Lines) || back.Assumptions != est.Assumptions {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	if got, err := Decode(nil); got != nil || err != nil {
		t.Errorf("Decode(nil) = %v, %v", got, err)
	}
	_, err = Decode(json.RawMessage(`{"schemaVersion": 2, "lines": []}`))
	if !errors.Is(err, ErrSchemaVersion) || err.Error() != "cost estimate of another schema version: 2 (this berth reads 1; make both plans with the same berth)" {
		t.Errorf("Decode of version 2: %v", err)
	}
}

func TestContainerDefinitionsThePlanDoesNotKnowLeaveSecretReadsUnpriced(t *testing.T) {
	t.Parallel()
	est := compute(planOf(res(t, "aws:ecs/taskDefinition:TaskDefinition", "td", `{"containerDefinitions": {"$unknown": true}}`)), "us-east-1", "")
	if l := only(t, est, "secret reads"); l.Priced || l.Note != "neither the container definitions nor the execution role's policies are known in the plan, so neither are the secrets the tasks read" {
		t.Errorf("line = %+v", l)
	}
	if est.Complete {
		t.Error("complete")
	}
}

// withExecRole is a task definition whose container definitions the plan
// does not know, and its execution role with one inline policy.
func withExecRole(t *testing.T, policy string) *plan.Plan {
	role := res(t, "aws:iam/role:Role", "exec", `{"name": "exec"}`)
	pol := res(t, "aws:iam/rolePolicy:RolePolicy", "exec-policy", `{"role": "exec"}`, "exec")
	pol.Inputs["policy"] = policy
	td := res(t, "aws:ecs/taskDefinition:TaskDefinition", "td", `{"containerDefinitions": {"$unknown": true}, "executionRoleArn": "arn:aws:iam::1:role/exec"}`, "exec")
	td.InputDependencies = map[string][]string{"executionRoleArn": {urnPrefix + "exec"}}
	return planOf(role, pol, td)
}

func TestSecretReadsAreCountedFromTheExecutionRoleWhenTheContainersAreNotKnown(t *testing.T) {
	t.Parallel()
	policy := `{"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": ["*"]},
		{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": ["arn:aws:secretsmanager:us-east-1:1:secret:a-AbCdEf", "arn:aws:secretsmanager:us-east-1:1:secret:b-AbCdEf"]},
		{"Effect": "Allow", "Action": ["ssm:GetParameters"], "Resource": "arn:aws:ssm:us-east-1:1:parameter/p"}]}`
	est := compute(withExecRole(t, policy), "us-east-1", "")
	l := only(t, est, "Secrets Manager API calls")
	if !l.Priced || l.Quantity != "1000 task starts x 2 secrets" || !near(l.Min, 1000*2/1e4*secretsManagerPer10kCalls["us-east-1"]) ||
		l.Note != "counted from the execution role's grants: the container definitions are not known in the plan" {
		t.Errorf("API calls = %+v", l)
	}
	if l := only(t, est, "SSM Parameter Store reads"); l.Quantity != "1000 task starts x 1 parameter" {
		t.Errorf("SSM reads = %+v", l)
	}
	if !est.Complete {
		t.Error("incomplete")
	}

	// A policy of one statement, not a list, reads the same.
	one := `{"Statement": {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:us-east-1:1:secret:a-AbCdEf"}}`
	if l := only(t, compute(withExecRole(t, one), "us-east-1", ""), "Secrets Manager API calls"); l.Quantity != "1000 task starts x 1 secret" {
		t.Errorf("one statement: API calls = %+v", l)
	}

	// A wildcard grant or a policy the plan does not know leaves no count.
	for _, p := range []string{
		`{"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:us-east-1:1:secret:*"}]}`,
		"", // replaced by an unknown below
	} {
		pl := withExecRole(t, p)
		if p == "" {
			pl.Resources[1].Inputs["policy"] = plan.Unknown{}
		}
		if l := only(t, compute(pl, "us-east-1", ""), "secret reads"); l.Priced {
			t.Errorf("policy %q: line = %+v", p, l)
		}
	}
}

// TestEachAWSLineTakesItsResourcesRegion: a resource of an explicit
// provider is priced and labelled in that provider's Region, never the
// stack's (issue 19: a us-west-2 service read as eu-west-1); a provider
// whose Region is not known prices nothing rather than guess.
func TestEachAWSLineTakesItsResourcesRegion(t *testing.T) {
	t.Parallel()
	west := res(t, "pulumi:providers:aws", "west-provider", `{"region": "us-west-2"}`)
	unknown := res(t, "pulumi:providers:aws", "other-provider", `{}`)
	unknown.Inputs["region"] = plan.Unknown{}
	logs := func(name string, provider *plan.Resource) plan.Resource {
		r := res(t, "aws:cloudwatch/logGroup:LogGroup", name, `{"retentionInDays": 30}`)
		if provider != nil {
			r.Provider = provider.URN
		}
		return r
	}
	est := compute(planOf(west, unknown, logs("default", nil), logs("west", &west), logs("elsewhere", &unknown)), "us-east-1", "")
	got := map[string]string{}
	for _, l := range est.Lines {
		if strings.HasPrefix(l.Item, "CloudWatch Logs ingestion") {
			got[l.Resource] = l.Item + " priced=" + map[bool]string{true: "yes", false: "no"}[l.Priced]
		}
	}
	want := map[string]string{
		// The table has CloudWatch Logs prices for us-east-1 only.
		"default":   "CloudWatch Logs ingestion (us-east-1) priced=yes",
		"west":      "CloudWatch Logs ingestion (us-west-2) priced=no",
		"elsewhere": "CloudWatch Logs ingestion () priced=no",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
}

// TestACloudRunCanaryKeepsTwoRevisionsMinimumInstances: revision-level
// minimum instances start for each revision the traffic names or tags, so
// under a canary the idle minimum is billed twice.
func TestACloudRunCanaryKeepsTwoRevisionsMinimumInstances(t *testing.T) {
	t.Parallel()
	a := Defaults()
	a.RequestsPerMonth = 0
	canary := planOf(res(t, "gcp:cloudrunv2/service:Service", "run", `{"location": "europe-west1", "template": {
		"scaling": {"minInstanceCount": 1, "maxInstanceCount": 4},
		"containers": [{"resources": {"cpuIdle": true, "limits": {"cpu": "2000m", "memory": "1Gi"}}}]},
		"traffics": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "revision": "run-0123456789", "percent": 90},
			{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 10, "tag": "canary"}]}`))
	const month = 730 * 3600.0
	for name, tc := range map[string]struct {
		p         *plan.Plan
		instances float64
	}{"one revision": {cloudRun(t, true, 1), 1}, "a canary": {canary, 2}} {
		est := Compute(tc.p, Inputs{Assumptions: a})
		if l := only(t, est, "Cloud Run idle minimum instances vCPU"); !near(l.Min, tc.instances*month*2*runTier1IdleVCPUSecond) {
			t.Errorf("%s: idle vCPU = %+v, want %v instances' worth", name, l, tc.instances)
		}
	}
}
