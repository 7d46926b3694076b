package image

import (
	"fmt"

	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/artifactregistry"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/organizations"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/naming"
)

// arUsername is the user name Artifact Registry accepts with an OAuth access
// token as password
// (https://cloud.google.com/artifact-registry/docs/docker/authentication#token).
const arUsername = "oauth2accesstoken"

// artifactRegistry creates the Docker repository and returns where to push
// with the client's access token.
func (c *Image) artifactRegistry(ctx *pulumi.Context, name string, a *resolvedAR) (destination, error) {
	args := &artifactregistry.RepositoryArgs{
		Format:              pulumi.String("DOCKER"),
		RepositoryId:        pulumi.String(a.RepositoryID),
		Location:            pulumi.String(a.Location),
		CleanupPolicies:     cleanupPolicies(a.keepCount, a.untaggedExpiryDays),
		CleanupPolicyDryRun: pulumi.Bool(false),
	}
	if a.Project != "" {
		args.Project = pulumi.String(a.Project)
	}
	repo, err := artifactregistry.NewRepository(ctx, name+"-repo", args, pulumi.Parent(c), naming.CreateFirst, c.kids.Stateful())
	if err != nil {
		return destination{}, fmt.Errorf("creating artifact registry repository: %w", err)
	}
	c.ArtifactRepository = repo

	host := a.Location + "-docker.pkg.dev"
	token := organizations.GetClientConfigOutput(ctx, pulumi.Parent(c)).AccessToken()
	return destination{
		// Built from the repository's outputs so that the push waits for it.
		repository: pulumi.Sprintf("%s/%s/%s/%s", host, repo.Project, repo.RepositoryId, a.ImageName),
		registry: docker.RegistryArgs{
			Server:   pulumi.String(host),
			Username: pulumi.String(arUsername),
			Password: secret(token),
		},
		repositoryArn: pulumi.String("").ToStringOutput(),
		repositoryID:  repo.ID().ToStringOutput(),
	}, nil
}

// cleanupPolicies keeps the keepCount most recent images and deletes older
// tagged images and untagged ones older than untaggedExpiryDays. A KEEP
// policy wins over DELETE policies
// (https://cloud.google.com/artifact-registry/docs/repositories/cleanup-policy).
func cleanupPolicies(keepCount, untaggedExpiryDays int) artifactregistry.RepositoryCleanupPolicyArray {
	return artifactregistry.RepositoryCleanupPolicyArray{
		artifactregistry.RepositoryCleanupPolicyArgs{
			Id:     pulumi.String("delete-tagged"),
			Action: pulumi.String("DELETE"),
			Condition: artifactregistry.RepositoryCleanupPolicyConditionArgs{
				TagState: pulumi.String("TAGGED"),
			},
		},
		artifactregistry.RepositoryCleanupPolicyArgs{
			Id:     pulumi.String("delete-untagged"),
			Action: pulumi.String("DELETE"),
			Condition: artifactregistry.RepositoryCleanupPolicyConditionArgs{
				TagState:  pulumi.String("UNTAGGED"),
				OlderThan: pulumi.String(fmt.Sprintf("%ds", untaggedExpiryDays*24*60*60)),
			},
		},
		artifactregistry.RepositoryCleanupPolicyArgs{
			Id:     pulumi.String("keep-recent"),
			Action: pulumi.String("KEEP"),
			MostRecentVersions: artifactregistry.RepositoryCleanupPolicyMostRecentVersionsArgs{
				KeepCount: pulumi.Int(keepCount),
			},
		},
	}
}
