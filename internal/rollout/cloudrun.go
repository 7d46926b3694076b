package rollout

import (
	"context"
	"fmt"
	"strings"
	"time"

	monitoring "google.golang.org/api/monitoring/v3"
	run "google.golang.org/api/run/v2"
)

// CloudRunService is a Cloud Run service, as berth plan finds it in the
// stack's program (the gcp:cloudrunv2/service:Service inputs).
type CloudRunService struct {
	// Project is the Google Cloud project ID.
	Project string
	// Location is the service's region, "us-central1".
	Location string
	// Name is the service's name.
	Name string
}

// resource is the service's resource name in the Run Admin API v2.
func (s CloudRunService) resource() string {
	return fmt.Sprintf("projects/%s/locations/%s/services/%s", s.Project, s.Location, s.Name)
}

// cloudRun reads a Cloud Run service's releases (its revisions) from the
// Run Admin API v2 and their request counts from Cloud Monitoring.
type cloudRun struct {
	svc        CloudRunService
	run        *run.Service
	monitoring *monitoring.Service
	releases   Releases
}

var _ Metrics = (*cloudRun)(nil)

// NewCloudRun returns the Metrics of a Cloud Run service, with Application
// Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's
// application-default login, or the metadata server). They need
// run.services.get and run.revisions.get on the service
// (roles/run.viewer) and monitoring.timeSeries.list on the project
// (roles/monitoring.viewer).
func NewCloudRun(ctx context.Context, s CloudRunService) (Metrics, error) {
	r, err := run.NewService(ctx)
	if err != nil {
		return nil, fmt.Errorf("connecting to the Run Admin API: %w", err)
	}
	m, err := monitoring.NewService(ctx)
	if err != nil {
		return nil, fmt.Errorf("connecting to Cloud Monitoring: %w", err)
	}
	return &cloudRun{svc: s, run: r, monitoring: m}, nil
}

func (c *cloudRun) Service() string { return Target{CloudRun: &c.svc}.String() }

// Releases reads the service (services.get): the canary is its latest
// ready revision, the stable release the other revision with the largest
// share; the canary serves since its revision was created
// (revisions.get createTime), the traffic change that gave it its share
// being the same update.
func (c *cloudRun) Releases(ctx context.Context) (Releases, error) {
	svc, err := c.run.Projects.Locations.Services.Get(c.svc.resource()).Context(ctx).Do()
	if err != nil {
		return Releases{}, fmt.Errorf("reading %s: %w", c.svc.resource(), err)
	}
	rel := cloudRunReleases(svc)
	if rel.Canary.Name != "" && rel.Canary.Name != rel.Stable.Name {
		rev, err := c.run.Projects.Locations.Services.Revisions.Get(c.svc.resource() + "/revisions/" + rel.Canary.Name).Context(ctx).Do()
		if err != nil {
			return Releases{}, fmt.Errorf("reading revision %s: %w", rel.Canary.Name, err)
		}
		if rel.CanarySince, err = time.Parse(time.RFC3339Nano, rev.CreateTime); err != nil {
			return Releases{}, fmt.Errorf("reading revision %s: createTime %q: %w", rel.Canary.Name, rev.CreateTime, err)
		}
	}
	c.releases = rel
	return rel, nil
}

// cloudRunReleases finds the two releases in a service as the Run Admin
// API v2 returns it: latestReadyRevision is the canary, and
// trafficStatuses give each revision's share (a LATEST entry is the
// latest ready revision's). Revision names may be full resource names;
// the releases are the short names rollout.canary.stable holds.
func cloudRunReleases(svc *run.GoogleCloudRunV2Service) Releases {
	canary := lastSegment(svc.LatestReadyRevision)
	shares := map[string]int{}
	var order []string
	for _, t := range svc.TrafficStatuses {
		name := lastSegment(t.Revision)
		if t.Type == "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST" || name == "" {
			name = canary
		}
		if _, seen := shares[name]; !seen {
			order = append(order, name)
		}
		shares[name] += int(t.Percent)
	}
	stable := Release{Name: canary, Percent: shares[canary]}
	for _, name := range order {
		if name != canary && (stable.Name == canary || shares[name] > stable.Percent) {
			stable = Release{Name: name, Percent: shares[name]}
		}
	}
	return Releases{Stable: stable, Canary: Release{Name: canary, Percent: shares[canary]}}
}

func lastSegment(name string) string {
	return name[strings.LastIndexByte(name, '/')+1:]
}

// Counts lists run.googleapis.com/request_count of the release's revision
// (monitored resource cloud_run_revision, resource label revision_name),
// summed per minute and across series by the metric label
// response_code_class, and adds the minutes up.
func (c *cloudRun) Counts(ctx context.Context, r Role, start, end time.Time) (Counts, error) {
	rev := c.releases.Canary.Name
	if r == Stable {
		rev = c.releases.Stable.Name
	}
	filter := fmt.Sprintf(`metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision"`+
		` AND resource.labels.service_name=%q AND resource.labels.location=%q AND resource.labels.revision_name=%q`,
		c.svc.Name, c.svc.Location, rev)
	var counts Counts
	err := c.monitoring.Projects.TimeSeries.List("projects/"+c.svc.Project).
		Filter(filter).
		IntervalStartTime(start.UTC().Format(time.RFC3339)).
		IntervalEndTime(end.UTC().Format(time.RFC3339)).
		AggregationAlignmentPeriod("60s").
		AggregationPerSeriesAligner("ALIGN_SUM").
		AggregationCrossSeriesReducer("REDUCE_SUM").
		AggregationGroupByFields("metric.label.response_code_class").
		Pages(ctx, func(page *monitoring.ListTimeSeriesResponse) error {
			counts = addByClass(counts, page.TimeSeries)
			return nil
		})
	if err != nil {
		return Counts{}, fmt.Errorf("listing request_count of revision %s: %w", rev, err)
	}
	return counts, nil
}

// addByClass adds the points of series, one per response_code_class, to
// c: every class counts as a request, "5xx" also as an error.
func addByClass(c Counts, series []*monitoring.TimeSeries) Counts {
	for _, ts := range series {
		var n int64
		for _, p := range ts.Points {
			if p.Value != nil && p.Value.Int64Value != nil {
				n += *p.Value.Int64Value
			}
		}
		c.Requests += n
		if ts.Metric != nil && ts.Metric.Labels["response_code_class"] == "5xx" {
			c.Errors += n
		}
	}
	return c
}
