package cost

import (
	"encoding/json"
	"fmt"

	"github.com/berth-dev/berth/internal/providers"

	"github.com/berth-dev/berth/internal/plan"
)

// Image repositories are priced by the storage of the images they keep:
// ImageMB per image times the images kept, the count the repository's
// policy keeps unless ImagesKept overrides it. Layers that images share are
// stored once, so this is an upper bound; untagged images that a policy
// expires after some days are not counted.

// ecrRepository prices an ECR repository from its lifecycle policy's
// imageCountMoreThan rule.
func (e *estimator) ecrRepository(r *plan.Resource) {
	region := e.awsRegion(r)
	l := line(r, fmt.Sprintf("ECR storage (%s)", region))
	kept, how := e.imagesKept(ecrKept(e, r))
	if kept == 0 {
		e.unpriced(l, "GB-month", "the repository keeps every image (no lifecycle policy that counts images): set berth:cost imagesKept")
		return
	}
	gb := float64(kept) * e.in.Assumptions.ImageMB / 1000
	l.Quantity = fmt.Sprintf("%d images (%s) x %s MB", kept, how, plain(e.in.Assumptions.ImageMB))
	e.lookup(l, ecrStoredGBMonth, region, "GB-month", gb, gb)
}

// ecrKept returns the image count of the first imageCountMoreThan rule of
// the repository's lifecycle policy, or 0 without one. A policy reaches the
// repository by name, and depends on it.
func ecrKept(e *estimator, repo *plan.Resource) int {
	name, _ := str(repo.Inputs, "name")
	for i := range e.plan.Resources {
		p := &e.plan.Resources[i]
		if p.Type != providers.ECRLifecyclePolicy {
			continue
		}
		if target, _ := str(p.Inputs, "repository"); target != name || name == "" {
			continue
		}
		doc, ok := str(p.Inputs, "policy")
		if !ok {
			continue
		}
		// https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
		var policy struct {
			Rules []struct {
				Selection struct {
					TagStatus   string  `json:"tagStatus"`
					CountType   string  `json:"countType"`
					CountNumber float64 `json:"countNumber"`
				} `json:"selection"`
				Action struct {
					Type string `json:"type"`
				} `json:"action"`
			} `json:"rules"`
		}
		if json.Unmarshal([]byte(doc), &policy) != nil {
			continue
		}
		for _, rule := range policy.Rules {
			s := rule.Selection
			if s.CountType == "imageCountMoreThan" && s.TagStatus != "untagged" && rule.Action.Type == "expire" && s.CountNumber > 0 {
				return int(s.CountNumber)
			}
		}
	}
	return 0
}

// artifactRegistry prices an Artifact Registry repository from its KEEP
// mostRecentVersions cleanup policy, which counts when a DELETE policy
// removes the other tagged versions and the policies are not a dry run.
// Its free 0.5 GB a month, per billing account, is shown as free tier.
func (e *estimator) artifactRegistry(r *plan.Resource) {
	region := e.gcpRegion(r, "location")
	l := line(r, fmt.Sprintf("Artifact Registry storage (%s)", region))
	kept, how := e.imagesKept(arKept(r))
	if kept == 0 {
		e.unpriced(l, "GB-month", "the repository keeps every image (no cleanup policy that keeps a count): set berth:cost imagesKept")
		return
	}
	gb := float64(kept) * e.in.Assumptions.ImageMB / 1000
	l.Quantity = fmt.Sprintf("%d images (%s) x %s MB", kept, how, plain(e.in.Assumptions.ImageMB))
	e.lookup(l, arStoredGBMonth, region, "GB-month", gb, gb)
	e.arGB.add(gb, gb)
}

// arKept returns the keepCount of the repository's KEEP mostRecentVersions
// policy when a DELETE policy deletes the rest, or 0.
// https://cloud.google.com/artifact-registry/docs/repositories/cleanup-policy
func arKept(r *plan.Resource) int {
	if dry, _ := boolean(r.Inputs, "cleanupPolicyDryRun"); dry {
		return 0
	}
	policies, _ := list(r.Inputs, "cleanupPolicies")
	keep, deletes := 0, false
	for _, p := range policies {
		m, ok := p.(map[string]any)
		if !ok {
			continue
		}
		switch action, _ := str(m, "action"); action {
		case "DELETE":
			deletes = true
		case "KEEP":
			if n, ok := number(m, "mostRecentVersions", "keepCount"); ok && n > 0 {
				keep = int(n)
			}
		}
	}
	if !deletes {
		return 0
	}
	return keep
}

// imagesKept applies the ImagesKept override to the count a policy keeps.
func (e *estimator) imagesKept(fromPolicy int) (int, string) {
	if n := e.in.Assumptions.ImagesKept; n > 0 {
		return n, "berth:cost imagesKept"
	}
	return fromPolicy, "kept by the repository's policy"
}
