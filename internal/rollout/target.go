package rollout

import (
	"errors"
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/plan"
)

// Resource types and names berth rollout looks for in a plan.
const (
	cloudRunServiceType = "gcp:cloudrunv2/service:Service"
	ecsServiceType      = "aws:ecs/service:Service"
	// canaryLaneSuffix ends the name of the Fargate canary lane's ECS
	// service resource, "app-canary-svc"; the stable lane's is "app-svc"
	// under the same parent (style.md rule 2, fixed roles).
	canaryLaneSuffix = "-canary-svc"
	stableLaneSuffix = "-svc"
)

// Target is where a stack's service runs, found in its offline plan:
// exactly one of the fields is set.
type Target struct {
	// CloudRun is set for a Cloud Run service.
	CloudRun *CloudRunService
	// Fargate is set for a Fargate service with a canary lane.
	Fargate *FargateService
}

// String names the service for people: "Cloud Run service S (project P,
// region R)", "Fargate service S with canary lane C (cluster K, region
// R)".
func (t Target) String() string {
	switch {
	case t.CloudRun != nil:
		return fmt.Sprintf("Cloud Run service %s (project %s, region %s)", t.CloudRun.Name, t.CloudRun.Project, t.CloudRun.Location)
	case t.Fargate != nil:
		f := t.Fargate
		return fmt.Sprintf("Fargate service %s with canary lane %s (cluster %s, region %s)", f.Stable, f.Canary, lastSegment(f.Cluster), f.Region)
	default:
		return "no service"
	}
}

// Locate finds the one service of the plan: a Cloud Run service, or a
// Fargate service's two lanes (ECS services "NAME-svc" and
// "NAME-canary-svc" under one component). awsRegion is the stack's
// aws:region and canaryShare the canary's share from its configuration,
// which the Fargate lanes need; names and places come from the resources'
// inputs, which must be known offline.
func Locate(p *plan.Plan, awsRegion string, canaryShare int) (Target, error) {
	var runs, lanes []plan.Resource
	for _, r := range p.Resources {
		switch r.Type {
		case cloudRunServiceType:
			runs = append(runs, r)
		case ecsServiceType:
			lanes = append(lanes, r)
		}
	}
	switch {
	case len(runs) == 1 && len(lanes) == 0:
		r := runs[0]
		s := CloudRunService{}
		var missing []string
		for _, f := range []struct {
			input string
			to    *string
		}{{"name", &s.Name}, {"location", &s.Location}, {"project", &s.Project}} {
			if *f.to = knownString(r.Inputs[f.input]); *f.to == "" {
				missing = append(missing, f.input)
			}
		}
		if len(missing) > 0 {
			return Target{}, fmt.Errorf("the plan does not know the Cloud Run service %s's %s offline", r.Name, strings.Join(missing, " and "))
		}
		return Target{CloudRun: &s}, nil
	case len(runs) == 0 && len(lanes) > 0:
		return locateFargate(lanes, awsRegion, canaryShare)
	case len(runs)+len(lanes) == 0:
		return Target{}, errors.New("the stack has no Cloud Run or ECS service")
	default:
		return Target{}, fmt.Errorf("the stack has %d Cloud Run and %d ECS services; berth rollout judges a stack with one service", len(runs), len(lanes))
	}
}

// locateFargate finds the two lanes among the plan's ECS services.
func locateFargate(services []plan.Resource, region string, share int) (Target, error) {
	var canary *plan.Resource
	for i, r := range services {
		if strings.HasSuffix(r.Name, canaryLaneSuffix) {
			if canary != nil {
				return Target{}, fmt.Errorf("the stack has more than one canary lane (%s and %s); berth rollout judges a stack with one service", canary.Name, r.Name)
			}
			canary = &services[i]
		}
	}
	if canary == nil {
		return Target{}, errors.New("the stack's Fargate service has no canary lane: set rollout.canary, then deploy")
	}
	stableName := strings.TrimSuffix(canary.Name, canaryLaneSuffix) + stableLaneSuffix
	var stable *plan.Resource
	for i, r := range services {
		if r.Name == stableName && r.Parent == canary.Parent {
			stable = &services[i]
		}
	}
	if stable == nil {
		return Target{}, fmt.Errorf("the stack has the canary lane %s but no stable lane %s beside it", canary.Name, stableName)
	}
	if region == "" {
		return Target{}, errors.New("the stack sets no aws:region")
	}
	s := FargateService{Region: region, CanaryPercent: share,
		Stable: knownString(stable.Inputs["name"]), Canary: knownString(canary.Inputs["name"]),
		Cluster: clusterOf(stable.Inputs["cluster"])}
	if s.Stable == "" || s.Canary == "" || s.Cluster == "" {
		return Target{}, fmt.Errorf("the plan does not know the names and cluster of ECS services %s and %s offline", stable.Name, canary.Name)
	}
	return Target{Fargate: &s}, nil
}

// knownString is v when the plan knows it as a plain string, else "".
func knownString(v any) string {
	s, _ := v.(string)
	return s
}

// clusterOf is an ECS service's cluster as DescribeServices takes it: the
// ARN when the plan knows it, else the cluster's name, which the ARN ends
// with after "cluster/" and which the plan knows even when the account
// is not (DescribeServices takes "the short name or full Amazon Resource
// Name (ARN) of the cluster", ECS API reference).
func clusterOf(v any) string {
	if s := knownString(v); s != "" {
		return s
	}
	if p, ok := v.(plan.Partial); ok && len(p) > 0 {
		if last, ok := p[len(p)-1].(string); ok {
			if _, name, found := strings.Cut(last, ":cluster/"); found && name != "" {
				return name
			}
		}
	}
	return ""
}
