package rollout

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	monitoring "google.golang.org/api/monitoring/v3"
	run "google.golang.org/api/run/v2"

	"github.com/berth-dev/berth/internal/plan"
)

// scripted is a Metrics that answers from a script and records the
// ranges it was asked for.
type scripted struct {
	releases Releases
	counts   map[Role]Counts
	asked    []string
}

func (s *scripted) Service() string { return "Cloud Run service berth-app (project p, region r)" }

func (s *scripted) Releases(context.Context) (Releases, error) { return s.releases, nil }

func (s *scripted) Counts(_ context.Context, r Role, start, end time.Time) (Counts, error) {
	s.asked = append(s.asked, string(r)+" "+start.Format(time.RFC3339)+" "+end.Format(time.RFC3339))
	return s.counts[r], nil
}

func TestCheckJudgesTheCanaryOverTheTimeItServedAndShowsTheStableRateBesideIt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 18, 30, 0, 0, time.UTC)
	m := &scripted{
		releases: Releases{
			Stable:      Release{Name: "berth-app-00a1b2c3", Percent: 90},
			Canary:      Release{Name: "berth-app-d4e5f6a7", Percent: 10},
			CanarySince: now.Add(-30 * time.Minute),
		},
		counts: map[Role]Counts{Stable: {Requests: 13770, Errors: 41}, Canary: {Requests: 1530, Errors: 6}},
	}
	s, err := Check(context.Background(), m, Budget{ErrorRate: 5, Observe: 30 * time.Minute, MinRequests: 100}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"canary 2026-12-07T18:00:00Z 2026-12-07T18:30:00Z", "stable 2026-12-07T18:00:00Z 2026-12-07T18:30:00Z"}
	if !reflect.DeepEqual(m.asked, want) {
		t.Errorf("asked for %q, want %q", m.asked, want)
	}
	var b bytes.Buffer
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	const text = `Cloud Run service berth-app (project p, region r)
  stable   90%  13,770 requests    0.3% 5xx  berth-app-00a1b2c3
  canary   10%   1,530 requests    0.4% 5xx  berth-app-d4e5f6a7, serving for 30m
budget: at most 5% 5xx over at least 100 requests, observed for 30m
promote: 0.4% 5xx over 1,530 requests in 30m, within the 5% budget
`
	if b.String() != text {
		t.Errorf("status:\n%s\nwant:\n%s", b.String(), text)
	}
}

func TestCheckRefusesWhenThereIsNoCanaryToJudge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		releases Releases
		want     string
	}{
		{"one release", Releases{Stable: Release{Name: "a", Percent: 100}, Canary: Release{Name: "a", Percent: 100}},
			"nothing to judge: Cloud Run service berth-app (project p, region r) serves only its stable release a"},
		{"an aborted canary", Releases{Stable: Release{Name: "a", Percent: 100}, Canary: Release{Name: "b"}},
			"nothing to judge: the canary b of Cloud Run service berth-app (project p, region r) serves no requests (aborted, or not yet given its share)"},
	}
	for _, tt := range tests {
		_, err := Check(context.Background(), &scripted{releases: tt.releases}, Budget{}, time.Now())
		if !errors.Is(err, ErrNothingToJudge) || err.Error() != tt.want {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestCloudRunReleasesReadTheLatestReadyRevisionAsTheCanary(t *testing.T) {
	t.Parallel()
	const svc = "projects/p/locations/us-central1/services/berth-app/revisions/"
	tests := []struct {
		name string
		in   *run.GoogleCloudRunV2Service
		want Releases
	}{
		{"a canary at 10% beside the stable revision", &run.GoogleCloudRunV2Service{
			LatestReadyRevision: svc + "berth-app-new",
			TrafficStatuses: []*run.GoogleCloudRunV2TrafficTargetStatus{
				{Type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", Revision: "berth-app-old", Percent: 90},
				{Type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", Revision: "berth-app-new", Percent: 10, Tag: "canary"},
			}},
			Releases{Stable: Release{"berth-app-old", 90}, Canary: Release{"berth-app-new", 10}}},
		{"an aborted canary keeps its name at 0%", &run.GoogleCloudRunV2Service{
			LatestReadyRevision: svc + "berth-app-new",
			TrafficStatuses: []*run.GoogleCloudRunV2TrafficTargetStatus{
				{Type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", Revision: svc + "berth-app-old", Percent: 100},
			}},
			Releases{Stable: Release{"berth-app-old", 100}, Canary: Release{"berth-app-new", 0}}},
		{"all traffic to the latest revision is one release", &run.GoogleCloudRunV2Service{
			LatestReadyRevision: svc + "berth-app-new",
			TrafficStatuses: []*run.GoogleCloudRunV2TrafficTargetStatus{
				{Type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", Percent: 100},
			}},
			Releases{Stable: Release{"berth-app-new", 100}, Canary: Release{"berth-app-new", 100}}},
	}
	for _, tt := range tests {
		if got := cloudRunReleases(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestCloudMonitoringSeriesAddUpByResponseCodeClass(t *testing.T) {
	t.Parallel()
	n := func(v int64) *monitoring.Point {
		return &monitoring.Point{Value: &monitoring.TypedValue{Int64Value: &v}}
	}
	series := []*monitoring.TimeSeries{
		{Metric: &monitoring.Metric{Labels: map[string]string{"response_code_class": "2xx"}}, Points: []*monitoring.Point{n(700), n(800)}},
		{Metric: &monitoring.Metric{Labels: map[string]string{"response_code_class": "4xx"}}, Points: []*monitoring.Point{n(24)}},
		{Metric: &monitoring.Metric{Labels: map[string]string{"response_code_class": "5xx"}}, Points: []*monitoring.Point{n(4), n(2)}},
	}
	if got, want := addByClass(Counts{}, series), (Counts{Requests: 1530, Errors: 6}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestFargateLanesComeFromDescribeServices(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC)
	const td = "arn:aws:ecs:us-east-1:123456789012:task-definition/berth-app-da1ef50:"
	const tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/"
	out := &ecs.DescribeServicesOutput{Services: []ecstypes.Service{
		{ServiceName: aws.String("berth-app-canary"), TaskDefinition: aws.String(td + "8"),
			Deployments:   []ecstypes.Deployment{{Status: aws.String("PRIMARY"), CreatedAt: aws.Time(since)}},
			LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(tg + "berth-app-c/0123456789abcdef")}}},
		{ServiceName: aws.String("berth-app"), TaskDefinition: aws.String(td + "7"),
			Deployments:   []ecstypes.Deployment{{Status: aws.String("PRIMARY"), CreatedAt: aws.Time(since.Add(-time.Hour))}},
			LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(tg + "berth-app-s/fedcba9876543210")}}},
	}}
	lanes, err := fargateLanes(out, FargateService{Stable: "berth-app", Canary: "berth-app-canary"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[Role]lane{
		Stable: {td + "7", since.Add(-time.Hour), "targetgroup/berth-app-s/fedcba9876543210"},
		Canary: {td + "8", since, "targetgroup/berth-app-c/0123456789abcdef"},
	}
	if !reflect.DeepEqual(lanes, want) {
		t.Errorf("got %+v, want %+v", lanes, want)
	}
	out.Failures = []ecstypes.Failure{{Arn: aws.String("arn:aws:ecs:us-east-1:123456789012:service/c/berth-app-canary"), Reason: aws.String("MISSING")}}
	if _, err := fargateLanes(out, FargateService{Stable: "berth-app", Canary: "berth-app-canary"}); err == nil || !strings.Contains(err.Error(), "berth-app-canary: MISSING") {
		t.Errorf("a missing lane: err = %v", err)
	}
}

func TestCloudWatchResultsAddUp(t *testing.T) {
	t.Parallel()
	// Targets answered 86 5xx; 1,204 requests reached a target, of which
	// 1,100 were answered 2xx-4xx and 86 5xx, so 18 got no answer from
	// their target (the load balancer's 502 or 504).
	sums := addResults(nil, []cwtypes.MetricDataResult{
		{Id: aws.String("requests"), Values: []float64{600, 604, 0}},
		{Id: aws.String("errors"), Values: []float64{80, 6}},
		{Id: aws.String("ok2"), Values: []float64{500, 500}},
		{Id: aws.String("ok3"), Values: []float64{50}},
		{Id: aws.String("ok4"), Values: []float64{30, 20}},
	})
	if got, want := laneCounts(sums), (Counts{Requests: 1204, Errors: 104}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// Every request answered by its target: the target 5xx are the
	// failures.
	sums["ok2"] = 1018
	if got, want := laneCounts(sums), (Counts{Requests: 1204, Errors: 86}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	lb := loadBalancerOf([]cwtypes.Metric{
		{Dimensions: []cwtypes.Dimension{{Name: aws.String("TargetGroup")}, {Name: aws.String("AvailabilityZone")}, {Name: aws.String("LoadBalancer"), Value: aws.String("app/x/zone")}}},
		{Dimensions: []cwtypes.Dimension{{Name: aws.String("TargetGroup")}, {Name: aws.String("LoadBalancer"), Value: aws.String("app/berth-app-da1ef50/0123")}}},
	})
	if lb != "app/berth-app-da1ef50/0123" {
		t.Errorf("load balancer %q", lb)
	}
}

func TestLocateFindsTheServiceInThePlan(t *testing.T) {
	t.Parallel()
	unknown := map[string]any{"$unknown": map[string]any{}}
	tests := []struct {
		name    string
		res     []plan.Resource
		want    Target
		wantErr string
	}{
		{"cloud run", []plan.Resource{{Type: cloudRunServiceType, Name: "app-svc", Inputs: map[string]any{"name": "berth-app-8c6beed", "location": "us-central1", "project": "berth-dev-467312"}}},
			Target{CloudRun: &CloudRunService{Project: "berth-dev-467312", Location: "us-central1", Name: "berth-app-8c6beed"}}, ""},
		{"cloud run without a known project", []plan.Resource{{Type: cloudRunServiceType, Name: "app-svc", Inputs: map[string]any{"name": "s", "location": "l", "project": unknown}}},
			Target{}, "the plan does not know the Cloud Run service app-svc's project offline"},
		{"fargate lanes", []plan.Resource{
			{Type: ecsServiceType, Name: "app-svc", Parent: "p", Inputs: map[string]any{"name": "berth-app-da1ef50", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/c"}},
			{Type: ecsServiceType, Name: "app-canary-svc", Parent: "p", Inputs: map[string]any{"name": "berth-app-canary-da1ef50"}}},
			Target{Fargate: &FargateService{Region: "us-east-1", Cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/c", Stable: "berth-app-da1ef50", Canary: "berth-app-canary-da1ef50", CanaryPercent: 10}}, ""},
		{"fargate without a canary lane", []plan.Resource{{Type: ecsServiceType, Name: "app-svc", Inputs: map[string]any{"name": "s"}}},
			Target{}, "the stack's Fargate service has no canary lane: set rollout.canary, then deploy"},
		{"no service", nil, Target{}, "the stack has no Cloud Run or ECS service"},
	}
	for _, tt := range tests {
		got, err := Locate(&plan.Plan{Resources: tt.res}, "us-east-1", 10)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
	}
}

// TestTheClusterIsNamedWhenItsARNIsNotKnownOffline: a plan knows a
// created cluster's ARN only up to the account, and DescribeServices takes
// the cluster's name as well.
func TestTheClusterIsNamedWhenItsARNIsNotKnownOffline(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"arn:aws:ecs:us-east-1:123456789012:cluster/berth-app", "arn:aws:ecs:us-east-1:123456789012:cluster/berth-app"},
		{plan.Partial{"arn:aws:ecs:us-east-1:", plan.Unknown{From: "config"}, ":cluster/berth-app-da1ef50"}, "berth-app-da1ef50"},
		{plan.Partial{"arn:aws:ecs:us-east-1:123456789012:cluster/", plan.Unknown{}}, ""},
		{plan.Unknown{}, ""},
	} {
		if got := clusterOf(tc.in); got != tc.want {
			t.Errorf("clusterOf(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
