package image

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/naming"
)

// ecr creates the repository and its lifecycle policy and returns where to
// push with an ECR authorization token.
func (c *Image) ecr(ctx *pulumi.Context, name string, e *resolvedECR) (destination, error) {
	// A content tag is pushed again only when the context returns to
	// content seen before (a revert), with bytes a rebuild rarely
	// reproduces: immutable tags would reject that push (ECR
	// ImageTagAlreadyExistsException), and services deploy by digest, so a
	// mutable tag never changes what runs.
	mutability := "MUTABLE"
	if e.ImmutableTags {
		mutability = "IMMUTABLE"
	}
	repo, err := ecr.NewRepository(ctx, name+"-repo", &ecr.RepositoryArgs{
		Name:               pulumi.String(e.RepositoryName),
		ImageTagMutability: pulumi.String(mutability),
		ImageScanningConfiguration: ecr.RepositoryImageScanningConfigurationArgs{
			ScanOnPush: pulumi.Bool(true),
		},
		// The provider calls DeleteRepository with force when force_delete
		// is set, which deletes the images too.
		ForceDelete: pulumi.Bool(!e.ProtectImages),
		Tags:        pulumi.ToStringMap(e.tags),
	}, pulumi.Parent(c), naming.CreateFirst, c.kids.Stateful())
	if err != nil {
		return destination{}, fmt.Errorf("creating ecr repository: %w", err)
	}
	c.ECRRepository = repo

	policy, err := lifecyclePolicyJSON(e.keepCount, e.untaggedExpiryDays)
	if err != nil {
		return destination{}, fmt.Errorf("encoding ecr lifecycle policy: %w", err)
	}
	lp, err := ecr.NewLifecyclePolicy(ctx, name+"-lifecycle", &ecr.LifecyclePolicyArgs{
		Repository: repo.Name,
		Policy:     pulumi.String(policy),
		// Replaced delete-first, as the provider does: a repository has one
		// policy, whose ID is the repository's name.
	}, pulumi.Parent(c), c.kids.Routine())
	if err != nil {
		return destination{}, fmt.Errorf("creating ecr lifecycle policy: %w", err)
	}
	c.ECRLifecyclePolicy = lp

	token := ecr.GetAuthorizationTokenOutput(ctx, ecr.GetAuthorizationTokenOutputArgs{
		RegistryId: repo.RegistryId,
	}, pulumi.Parent(c))
	server := repo.RepositoryUrl.ApplyT(func(url string) string {
		host, _, _ := strings.Cut(url, "/")
		return host
	}).(pulumi.StringOutput)
	return destination{
		repository: repo.RepositoryUrl,
		registry: docker.RegistryArgs{
			Server:   server,
			Username: token.UserName(),
			Password: secret(token.Password()),
		},
		repositoryArn: repo.Arn,
		repositoryID:  repo.Name,
	}, nil
}

// lifecyclePolicy is an ECR lifecycle policy document
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html).
type lifecyclePolicy struct {
	Rules []lifecycleRule `json:"rules"`
}

type lifecycleRule struct {
	RulePriority int                `json:"rulePriority"`
	Description  string             `json:"description"`
	Selection    lifecycleSelection `json:"selection"`
	Action       lifecycleAction    `json:"action"`
}

type lifecycleSelection struct {
	TagStatus   string `json:"tagStatus"`
	CountType   string `json:"countType"`
	CountUnit   string `json:"countUnit,omitempty"`
	CountNumber int    `json:"countNumber"`
}

type lifecycleAction struct {
	Type string `json:"type"`
}

// lifecyclePolicyJSON expires untagged images after untaggedExpiryDays and
// every image beyond the keepCount most recent. ECR requires the rule with
// tagStatus "any" to have the highest priority number.
func lifecyclePolicyJSON(keepCount, untaggedExpiryDays int) (string, error) {
	doc := lifecyclePolicy{Rules: []lifecycleRule{
		{
			RulePriority: 1,
			Description:  fmt.Sprintf("Expire untagged images after %d days", untaggedExpiryDays),
			Selection: lifecycleSelection{
				TagStatus:   "untagged",
				CountType:   "sinceImagePushed",
				CountUnit:   "days",
				CountNumber: untaggedExpiryDays,
			},
			Action: lifecycleAction{Type: "expire"},
		},
		{
			RulePriority: 2,
			Description:  fmt.Sprintf("Keep the %d most recent images", keepCount),
			Selection: lifecycleSelection{
				TagStatus:   "any",
				CountType:   "imageCountMoreThan",
				CountNumber: keepCount,
			},
			Action: lifecycleAction{Type: "expire"},
		},
	}}
	b, err := json.Marshal(doc)
	return string(b), err
}
