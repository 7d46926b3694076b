package image

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/artifactregistry"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/childopts"
	"github.com/berth-dev/berth/components/internal/imageref"
	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/validate"
)

// TypeToken is the Pulumi type of the Image component.
const TypeToken = "berth:image:Image"

// Image builds a Docker image from a local context and pushes it to a
// registry, creating the registry's repository when it is Artifact Registry
// or ECR. Deploy Ref, the digest reference, never a tag.
type Image struct {
	pulumi.ResourceState

	// Ref is the digest reference of the pushed image,
	// `REPOSITORY@sha256:HEX`, for a service to deploy. It changes exactly
	// when the image's content does.
	Ref pulumi.StringOutput `pulumi:"ref"`
	// ImageName is the tagged reference that was pushed, `REPOSITORY:TAG`.
	ImageName pulumi.StringOutput `pulumi:"imageName"`
	// Repository is the image repository without tag or digest, for example
	// `us-central1-docker.pkg.dev/PROJECT/REPOSITORY_ID/IMAGE_NAME` or
	// `ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME`.
	Repository pulumi.StringOutput `pulumi:"repository"`
	// Tag is the content tag the image was pushed under: TagLength hex
	// characters of a hash of the build context and build inputs.
	Tag pulumi.StringOutput `pulumi:"tag"`
	// RepositoryARN is the ARN of the ECR repository, to scope an execution
	// role's pull permissions to it; "" for other registries.
	RepositoryARN pulumi.StringOutput `pulumi:"repositoryArn"`
	// RepositoryID identifies the created repository: for Artifact Registry
	// `projects/PROJECT/locations/LOCATION/repositories/REPOSITORY_ID`, for
	// ECR the repository name; "" for an existing Registry.
	RepositoryID pulumi.StringOutput `pulumi:"repositoryId"`

	// DockerImage is the docker.Image that builds and pushes the image.
	DockerImage *docker.Image
	// ArtifactRepository is the Artifact Registry repository; nil unless
	// ImageArgs.ArtifactRegistry is set.
	ArtifactRepository *artifactregistry.Repository
	// ECRRepository is the ECR repository; nil unless ImageArgs.ECR is set.
	ECRRepository *ecr.Repository
	// ECRLifecyclePolicy is the ECR repository's lifecycle policy; nil unless
	// ImageArgs.ECR is set.
	ECRLifecyclePolicy *ecr.LifecyclePolicy

	// kids is what the component's options give its children.
	kids childopts.Options
}

var _ pulumi.ComponentResource = (*Image)(nil)

// Validate reports every problem NewImage would report for args and name,
// as a *validate.Error, without registering anything; nil means NewImage
// would accept them. Use it to validate several components' arguments before
// creating the first one. It reads the file system to check that the build
// context and the Dockerfile exist.
func (args *ImageArgs) Validate(ctx *pulumi.Context, name string) error {
	_, err := args.check(ctx, name)
	return err
}

// check applies the defaults and validates the result.
func (args *ImageArgs) check(ctx *pulumi.Context, name string) (resolved, error) {
	if args == nil {
		return resolved{}, validate.MissingArgs(TypeToken, name, "one of registry, artifactRegistry and ecr")
	}
	base := name
	if args.Name != "" {
		base = args.Name
	}
	r := resolve(args, base, naming.Seed(ctx.Project(), ctx.Stack(), base))
	if err := r.validate().Err(TypeToken, name); err != nil {
		return resolved{}, err
	}
	return r, nil
}

// destination is where an image is pushed: the repository and the registry
// credentials, plus identifiers of a repository the component created.
type destination struct {
	repository    pulumi.StringOutput
	registry      docker.RegistryArgs
	repositoryArn pulumi.StringOutput
	repositoryID  pulumi.StringOutput
}

// NewImage validates args, then registers an Image that builds the context
// and pushes it under its content tag. Every problem in args is reported at
// once as a *validate.Error, before anything is registered.
func NewImage(ctx *pulumi.Context, name string, args *ImageArgs, opts ...pulumi.ResourceOption) (*Image, error) {
	r, err := args.check(ctx, name)
	if err != nil {
		return nil, err
	}
	tag, err := contentTag(build{
		context:    r.Build.Context,
		dockerfile: r.Build.Dockerfile,
		platform:   r.Platform,
		target:     r.Build.Target,
		args:       r.Build.Args,
	})
	if err != nil {
		return nil, fmt.Errorf("tagging image %q: %w", name, err)
	}
	stray, err := strays(build{context: r.Build.Context, dockerfile: r.Build.Dockerfile}, 4)
	if err != nil {
		return nil, fmt.Errorf("reading the build context of image %q: %w", name, err)
	}

	c := &Image{kids: childopts.Read(opts)}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering image %q: %w", name, err)
	}

	var dest destination
	switch {
	case r.ar != nil:
		dest, err = c.artifactRegistry(ctx, name, r.ar)
	case r.ecr != nil:
		dest, err = c.ecr(ctx, name, r.ecr)
	default:
		dest = existingRegistry(r.Registry)
	}
	if err != nil {
		return nil, err
	}

	buildArgs := &docker.DockerBuildArgs{
		Context:    pulumi.String(r.Build.Context),
		Dockerfile: pulumi.String(r.Build.Dockerfile),
		Platform:   pulumi.String(r.Platform),
	}
	if len(r.Build.Args) > 0 {
		buildArgs.Args = pulumi.ToStringMap(r.Build.Args)
	}
	if r.Build.Target != "" {
		buildArgs.Target = pulumi.String(r.Build.Target)
	}
	img, err := docker.NewImage(ctx, name+"-image", &docker.ImageArgs{
		// The tag is a function of the content, never of time or the run:
		// anything that changes between runs would rebuild and push every time.
		ImageName: pulumi.Sprintf("%s:%s", dest.repository, tag),
		Build:     buildArgs,
		Registry:  dest.registry,
	}, pulumi.Parent(c), c.kids.Routine())
	if err != nil {
		return nil, fmt.Errorf("creating docker image: %w", err)
	}

	if len(stray) > 0 {
		// A warning, not an error: a program may mean to ship them.
		_ = ctx.Log.Warn(fmt.Sprintf("image %q: the build context %s holds %s, which .dockerignore does not exclude: "+
			"every change to them (a `pulumi config set` edits a stack file) rebuilds the image and deploys a new revision; "+
			"add them to %s", name, r.Build.Context, strings.Join(stray, ", "), filepath.Join(r.Build.Context, ".dockerignore")), &pulumi.LogArgs{Resource: c})
	}
	c.DockerImage = img
	c.Ref = pulumi.All(dest.repository, img.RepoDigest).ApplyT(func(v []any) (string, error) {
		return digestRef(name, v[0].(string), v[1].(string))
	}).(pulumi.StringOutput)
	c.ImageName = img.ImageName
	c.Repository = dest.repository
	c.Tag = pulumi.String(tag).ToStringOutput()
	c.RepositoryARN = dest.repositoryArn
	c.RepositoryID = dest.repositoryID
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"ref":           c.Ref,
		"imageName":     c.ImageName,
		"repository":    c.Repository,
		"tag":           c.Tag,
		"repositoryArn": c.RepositoryARN,
		"repositoryId":  c.RepositoryID,
	}); err != nil {
		return nil, fmt.Errorf("registering image outputs: %w", err)
	}
	return c, nil
}

// digestRef returns repository@DIGEST for the docker provider's repoDigest
// of the image component name. The provider reports the local image's first
// repo digest, which may name another registry the same image was pushed
// to, so only its digest is kept; and it reports the placeholder
// "<none>@<none>" when the image has no digest (pulumi-docker v4.11.2
// provider/image.go), which must never reach a service as an image. The
// digest must be a sha256 digest in the OCI grammar (imageref.Digest).
func digestRef(name, repository, repoDigest string) (string, error) {
	if d, ok := imageref.Digest(repoDigest); ok {
		return repository + "@" + d, nil
	}
	return "", fmt.Errorf("image %q: the docker provider reported %q for %s, not a sha256 digest: the push did not report a digest, so there is no image to deploy", name, repoDigest, repository)
}

// existingRegistry pushes to a repository the caller manages.
func existingRegistry(g *RegistryArgs) destination {
	reg := docker.RegistryArgs{Server: g.Server}
	if g.Username != nil {
		reg.Username = g.Username
		reg.Password = secret(g.Password)
	}
	empty := pulumi.String("").ToStringOutput()
	return destination{
		repository:    g.Repository.ToStringOutput(),
		registry:      reg,
		repositoryArn: empty,
		repositoryID:  empty,
	}
}

// secret marks a credential secret so that it is encrypted in the state.
func secret(s pulumi.StringInput) pulumi.StringOutput {
	return pulumi.ToSecret(s).(pulumi.StringOutput)
}
