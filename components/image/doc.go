// Package image builds a container image from a local Docker context and
// pushes it to a registry, as the Pulumi component berth:image:Image.
//
// An Image wraps pulumi-docker v4's docker.Image. Its output Ref is the
// digest reference `REPOSITORY@sha256:HEX` of the pushed image, which is what
// services deploy: a digest names one image forever, a tag does not.
//
// # Registries
//
// Exactly one of three destinations is set:
//
//   - Registry: any registry the caller already has (GHCR, Docker Hub, a
//     local registry), given as repository, server and optional credentials.
//   - ArtifactRegistry: creates a Google Artifact Registry DOCKER repository
//     with a cleanup policy (keep the KeepCount most recent images, delete
//     older tagged ones and untagged ones after UntaggedExpiryDays) and pushes
//     as user `oauth2accesstoken` with the access token of the Google
//     provider's credentials (organizations.GetClientConfig).
//   - ECR: creates an Amazon ECR repository with scan on push, mutable tags
//     (see below) and a lifecycle policy (expire untagged images after
//     UntaggedExpiryDays, keep the KeepCount most recent), and pushes with an
//     ECR authorization token. RepositoryARN lets a Fargate execution role be
//     scoped to this one repository.
//
// Registry passwords and tokens are marked secret, so they are encrypted in
// the Pulumi state. The Docker provider ignores changes to them when it
// decides whether to rebuild, so a fresh token on every run rebuilds nothing.
//
// # Tags, and why an unchanged context is never rebuilt
//
// The Docker provider hashes the build context (honouring .dockerignore) and
// rebuilds and pushes only when that hash or one of the image's inputs
// changes. Anything that changes between runs without the content changing,
// such as a timestamp tag or a build argument holding the time, would defeat
// that and push on every run.
//
// An Image's tag is therefore derived from content only: Tag is TagLength hex
// characters of a SHA-256, computed while the program runs, over the
// context and Dockerfile paths as given, the Dockerfile, every file of the
// context that the ignore file keeps (path, mode and content), the
// platform, the target and the build arguments. The ignore file is the one
// the provider reads, in its order: DOCKERFILE.dockerignore beside the
// Dockerfile, else CONTEXT/.dockerignore; it is parsed and matched by the
// provider's own library (moby/patternmatcher). The tag changes exactly
// when the provider would rebuild, so:
//
//   - an unchanged context keeps the same inputs and is neither rebuilt nor
//     pushed;
//   - a changed context is pushed under a new tag;
//   - equal content built twice, in two stacks or after a revert, gets the
//     same tag.
//
// A revert to content built before rebuilds it under its old tag, and Docker
// rarely reproduces the old bytes (a full build-cache hit does; a fresh CI
// runner does not). The push then moves the tag to the new digest, and the
// service deploys that digest. This is why ECR repositories have mutable
// tags by default: with ECRArgs.ImmutableTags, ECR rejects that push and the
// revert, often the fix of an incident, fails until the context changes.
// Deployments use digests, so a moved tag never changes what runs.
//
// Hashing reads the files of the context that Docker would send, which is
// what Docker reads for the build anyway; directories that the ignore file
// excludes are not walked unless a `!` pattern could re-include something in
// them. Keep the context small with a .dockerignore, as for any Docker
// build.
//
// Ref requires the provider to report a sha256 digest for the pushed image;
// its placeholder "<none>@<none>" fails the deployment at the image, naming
// it, rather than reaching a service.
//
// # Platforms
//
// The image is built for one platform, linux/amd64 or linux/arm64. The caller
// passes the platform its service runs as RequiredPlatform: CloudRunPlatform
// for Cloud Run, which runs linux/amd64 only, or ArchitecturePlatform of the
// Fargate task's CPU architecture. Platform then defaults to it, and a
// Platform that differs is a validation error rather than an image that
// fails to start.
//
// # Validation
//
// NewImage checks all of its arguments before it registers anything, and
// returns every problem at once as a *validate.Error whose lines name the
// field, for example:
//
//	invalid arguments for berth:image:Image "api":
//	  platform: "linux/arm64" differs from "linux/amd64", the platform the service runs (set platform to "linux/amd64" or leave it empty)
//	  ecr.repositoryName: "API" is not a repository name (2-256 lowercase letters and digits separated by ".", "_", "-" or "/")
//
// The rules are the clouds' own: Artifact Registry repository IDs, ECR
// repository names, image path components, retention counts of at least one.
// The build context and the Dockerfile must exist.
//
// # Use
//
//	img, err := image.NewImage(ctx, "api", &image.ImageArgs{
//		Build:            &image.Build{Context: ".", Dockerfile: "app/Dockerfile"},
//		RequiredPlatform: image.CloudRunPlatform,
//		ArtifactRegistry: &image.ArtifactRegistryArgs{Location: "us-central1"},
//	})
//	if err != nil {
//		return err
//	}
//	// Deploy img.Ref, for example as a Cloud Run container image.
package image
