package image

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/awstags"
	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/validate"
)

// Defaults applied to a zero ImageArgs.
const (
	// DefaultContext is the build context when ImageArgs.Context is empty:
	// the program's working directory.
	DefaultContext = "."
	// DefaultKeepCount is how many of the most recently pushed images a
	// repository keeps when its KeepCount is zero: enough to roll back a few
	// deployments, few enough that storage stays small.
	DefaultKeepCount = 10
	// DefaultUntaggedExpiryDays is after how many days an untagged image is
	// deleted when UntaggedExpiryDays is zero. berth tags every image it
	// pushes; untagged ones are leftovers (attestations, interrupted pushes)
	// that nothing deploys.
	DefaultUntaggedExpiryDays = 7
)

// ImageArgs configures an Image. Exactly one of Registry, ArtifactRegistry and
// ECR must be set.
type ImageArgs struct {
	// Name is the base of the created repository's physical name and of the
	// image's name in it, as spec.Service.Name is of a service's: a
	// lowercase letter, then lowercase letters, digits and hyphens. Default:
	// the component's name.
	Name string `pulumi:"name,optional"`
	// Build says what to build: the context, the Dockerfile, its arguments
	// and stage. Default: nil, the Dockerfile at the root of the working
	// directory.
	Build *Build `pulumi:"build,optional"`
	// Platform is the platform the image is built for. Allowed: "linux/amd64",
	// "linux/arm64". It must equal RequiredPlatform when that is set.
	// Default: RequiredPlatform if set, otherwise "linux/amd64".
	Platform string `pulumi:"platform,optional"`
	// RequiredPlatform is the platform that the service deploying the image
	// runs, set by the caller from the service: CloudRunPlatform for Cloud
	// Run, ArchitecturePlatform(architecture) for Fargate. A Platform that
	// differs is a validation error, caught before a wrong image is built.
	// Allowed: "", "linux/amd64", "linux/arm64". Default: "" (no requirement).
	RequiredPlatform string `pulumi:"requiredPlatform,optional"`

	// Registry pushes to any Docker registry the caller already has.
	// Conflicts with ArtifactRegistry and ECR. Default: nil.
	Registry *RegistryArgs `pulumi:"registry,optional"`
	// ArtifactRegistry creates a Google Artifact Registry Docker repository
	// with a cleanup policy and pushes to it with the client's access token.
	// Conflicts with Registry and ECR. Default: nil.
	ArtifactRegistry *ArtifactRegistryArgs `pulumi:"artifactRegistry,optional"`
	// ECR creates an Amazon ECR repository with scan on push and a
	// lifecycle policy, and pushes to it with an ECR authorization token.
	// Conflicts with Registry and ArtifactRegistry. Default: nil.
	ECR *ECRArgs `pulumi:"ecr,optional"`
}

// Build is what an image is built from.
type Build struct {
	// Context is the directory sent to Docker as the build context, absolute
	// or relative to the program's working directory. It must exist; its
	// ignore file applies. Default: ".".
	Context string `pulumi:"context,optional"`
	// Dockerfile is the path of the Dockerfile, absolute or relative to the
	// program's working directory (not to Context), as the Docker provider
	// resolves it. It must exist. Default: "Dockerfile" inside Context.
	Dockerfile string `pulumi:"dockerfile,optional"`
	// Args are the Dockerfile's ARG values. They are stored in the image's
	// history and in the Pulumi state in plain text: never pass secrets here.
	// Every value is part of the image tag, so a value that changes on every
	// run (a timestamp, a random ID) rebuilds and pushes the image on every
	// run. Names must not be empty or contain "=" or whitespace.
	// Default: none.
	Args map[string]string `pulumi:"args,optional"`
	// Target is the Dockerfile stage to build. It must start with a letter
	// and contain only letters, digits, "_", "-" and ".". Default: "" (the
	// last stage).
	Target string `pulumi:"target,optional"`
}

// RegistryArgs names an existing registry repository and its credentials.
type RegistryArgs struct {
	// Repository is the image repository without a tag, for example
	// "ghcr.io/acme/app" or "registry.example.com:5000/app". Required.
	Repository pulumi.StringInput `pulumi:"repository"`
	// Server is the registry host the credentials are for, for example
	// "ghcr.io". Required.
	Server pulumi.StringInput `pulumi:"server"`
	// Username is the registry user. Set it together with Password.
	// Default: nil (Docker's configured credentials apply).
	Username pulumi.StringInput `pulumi:"username,optional"`
	// Password is the registry password or token. The component marks it
	// secret, so it is encrypted in the state. Set it together with Username.
	// Default: nil.
	Password pulumi.StringInput `pulumi:"password,optional" provider:"secret"`
}

// ArtifactRegistryArgs configures the Artifact Registry repository an Image
// creates and pushes to. The image is
// LOCATION-docker.pkg.dev/PROJECT/REPOSITORY_ID/IMAGE_NAME:TAG.
type ArtifactRegistryArgs struct {
	// Location is the region or multi-region of the repository, for example
	// "us-central1" or "europe". Lowercase letters, digits and hyphens.
	// Required.
	Location string `pulumi:"location"`
	// Project is the Google Cloud project ID of the repository: 6-30
	// lowercase letters, digits and hyphens, starting with a letter.
	// Default: the provider's project.
	Project string `pulumi:"project,optional"`
	// RepositoryID is the repository's name: 1-63 lowercase letters, digits
	// and hyphens, starting with a letter and not ending with a hyphen.
	// Default: derived from the component name plus a stable hash of project,
	// stack and component name, for example "app-1a2b3c4".
	RepositoryID string `pulumi:"repositoryId,optional"`
	// ImageName is the image's path inside the repository: lowercase path
	// components of letters and digits separated by ".", "_", "__" or
	// hyphens, joined by "/". Default: the component name, sanitized.
	ImageName string `pulumi:"imageName,optional"`
	// KeepCount is how many of the most recently pushed images the cleanup
	// policy always keeps; older tagged images are deleted. At least 1.
	// Default: 10.
	KeepCount *int `pulumi:"keepCount,optional"`
	// UntaggedExpiryDays is the age in days after which the cleanup policy
	// deletes untagged images. At least 1. Default: 7.
	UntaggedExpiryDays *int `pulumi:"untaggedExpiryDays,optional"`
}

// ECRArgs configures the ECR repository an Image creates and pushes to. The
// image is ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY_NAME:TAG.
type ECRArgs struct {
	// RepositoryName is the repository's name: 2-256 characters, lowercase
	// letters and digits separated by ".", "_", "-" or "/". Default: derived
	// from the component name plus a stable hash of project, stack and
	// component name, for example "app-1a2b3c4".
	RepositoryName string `pulumi:"repositoryName,optional"`
	// KeepCount is how many of the most recently pushed images the lifecycle
	// policy keeps; older ones expire. At least 1. Default: 10.
	KeepCount *int `pulumi:"keepCount,optional"`
	// UntaggedExpiryDays is the age in days after which the lifecycle policy
	// expires untagged images. At least 1. Default: 7.
	UntaggedExpiryDays *int `pulumi:"untaggedExpiryDays,optional"`
	// Tags are added to the repository after the tag managed-by=berth
	// (which a key of the same name replaces). Keys are 1 to 128
	// characters, values at most 256, and keys may not begin with "aws:".
	// Default: only managed-by=berth.
	Tags map[string]string `pulumi:"tags,optional"`
	// ImmutableTags makes the repository refuse a push of a tag it already
	// holds. Tags are mutable by default because an Image's tag names its
	// content and services deploy by digest: the one push of an existing tag
	// is a rebuild of content the repository saw before (a revert, or an
	// `up` interrupted after its push), whose bytes Docker rarely reproduces,
	// and an immutable repository rejects it, failing the deployment, for
	// example the revert of an incident. Set it only where policy demands
	// immutable tags, knowing that such a rebuild then fails until the
	// context changes. Default: false (mutable tags, digest deployments).
	ImmutableTags bool `pulumi:"immutableTags,optional"`
	// ProtectImages makes deleting the repository fail while it still holds
	// images. By default the repository is deleted with its images, as an
	// Artifact Registry repository is: otherwise `pulumi destroy` of a
	// stack that pushed an image fails, and so does any change that
	// replaces the repository, such as a new service name (ECR
	// RepositoryNotEmptyException). Services keep running what they pulled;
	// protect a stack's repository with Pulumi's `protect` option when it
	// must never go. Default: false.
	ProtectImages bool `pulumi:"protectImages,optional"`
}

// Cloud naming rules.
var (
	// Artifact Registry repository IDs
	// (https://cloud.google.com/artifact-registry/docs/repositories/create-repos).
	arRepositoryIDPattern = regexp.MustCompile(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)
	// Google Cloud project IDs (https://cloud.google.com/resource-manager/docs/creating-managing-projects).
	gcpProjectPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	// Google Cloud locations: regions such as us-central1, multi-regions such as us.
	gcpLocationPattern = regexp.MustCompile(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)
	// Repository paths of the OCI distribution spec
	// (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests).
	imagePathPattern = regexp.MustCompile(`^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$`)
	// ECR repository names
	// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html).
	ecrNamePattern = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	// Dockerfile stage names (BuildKit's dockerfile parser).
	targetPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)
)

// Name length limits of the clouds.
const (
	arRepositoryIDMax = 63
	ecrNameMin        = 2
	ecrNameMax        = 256
)

// resolved is ImageArgs with every default applied.
type resolved struct {
	ImageArgs
	ar  *resolvedAR
	ecr *resolvedECR
	// defaultedPlatform and defaultedDockerfile record that a default filled
	// the field, so that a problem is reported once, on the field set.
	defaultedPlatform, defaultedDockerfile bool
}

// resolve returns a copy of args with defaults applied. seed makes derived
// repository names unique per project and stack; name is the component's
// logical name. It does not modify args.
func resolve(args *ImageArgs, name, seed string) resolved {
	r := resolved{ImageArgs: *args}
	// A copy, so that applying the defaults leaves the caller's Build as it
	// was.
	build := Build{}
	if args.Build != nil {
		build = *args.Build
	}
	r.Build = &build
	if r.Build.Context == "" {
		r.Build.Context = DefaultContext
	}
	if r.Build.Dockerfile == "" {
		r.Build.Dockerfile = filepath.Join(r.Build.Context, "Dockerfile")
		r.defaultedDockerfile = true
	}
	if r.Platform == "" {
		r.defaultedPlatform = true
		r.Platform = r.RequiredPlatform
	}
	if r.Platform == "" {
		r.Platform = DefaultPlatform
	}
	if args.ArtifactRegistry != nil {
		ar := resolvedAR{ArtifactRegistryArgs: *args.ArtifactRegistry}
		if ar.RepositoryID == "" {
			ar.RepositoryID = naming.Physical(name, seed, arRepositoryIDMax)
		}
		if ar.ImageName == "" {
			ar.ImageName = naming.Sanitize(name)
			if ar.ImageName == "" {
				ar.ImageName = "image"
			}
		}
		ar.keepCount = orDefault(ar.KeepCount, DefaultKeepCount)
		ar.untaggedExpiryDays = orDefault(ar.UntaggedExpiryDays, DefaultUntaggedExpiryDays)
		r.ar = &ar
	}
	if args.ECR != nil {
		e := resolvedECR{ECRArgs: *args.ECR}
		if e.RepositoryName == "" {
			e.RepositoryName = naming.Physical(name, seed, ecrNameMax)
		}
		e.keepCount = orDefault(e.KeepCount, DefaultKeepCount)
		e.untaggedExpiryDays = orDefault(e.UntaggedExpiryDays, DefaultUntaggedExpiryDays)
		r.ecr = &e
	}
	return r
}

// resolvedAR and resolvedECR hold a destination's args with the retention
// defaults applied.
type resolvedAR struct {
	ArtifactRegistryArgs
	keepCount, untaggedExpiryDays int
}

type resolvedECR struct {
	ECRArgs
	keepCount, untaggedExpiryDays int
	// tags are the repository's tags, managed-by=berth included.
	tags map[string]string
}

// orDefault returns *v, or def when v is nil.
func orDefault(v *int, def int) int {
	if v == nil {
		return def
	}
	return *v
}

// validate checks the resolved args against the clouds' rules and returns
// every problem found. It reads the file system to check that the context
// and the Dockerfile exist.
func (r resolved) validate() *validate.Problems {
	var p validate.Problems
	r.validateBuild(&p)

	var chosen []string
	for _, c := range []struct {
		field string
		set   bool
	}{{"registry", r.Registry != nil}, {"artifactRegistry", r.ArtifactRegistry != nil}, {"ecr", r.ECR != nil}} {
		if !c.set {
			continue
		}
		if len(chosen) > 0 {
			p.Addf(c.field, "conflicts with %s (set exactly one of registry, artifactRegistry and ecr)", chosen[0])
		}
		chosen = append(chosen, c.field)
	}
	if len(chosen) == 0 {
		p.Addf("registry", "one of registry, artifactRegistry and ecr is required")
	}
	if r.Registry != nil {
		p.Merge("registry", validateRegistry(r.Registry))
	}
	if r.ar != nil {
		p.Merge("artifactRegistry", validateArtifactRegistry(r.ar))
	}
	if r.ecr != nil {
		p.Merge("ecr", validateECR(r.ecr))
	}
	return &p
}

func (r resolved) validateBuild(p *validate.Problems) {
	if !r.defaultedPlatform && !validPlatform(r.Platform) {
		p.Addf("platform", "%q is not a supported platform (allowed: %s)", r.Platform, allowedPlatforms)
	}
	if r.RequiredPlatform != "" && !validPlatform(r.RequiredPlatform) {
		p.Addf("requiredPlatform", "%q is not a supported platform (allowed: %s)", r.RequiredPlatform, allowedPlatforms)
	} else if r.RequiredPlatform != "" && r.Platform != r.RequiredPlatform {
		p.Addf("platform", "%q differs from %q, the platform the service runs (set platform to %q or leave it empty)",
			r.Platform, r.RequiredPlatform, r.RequiredPlatform)
	}

	b := r.Build
	contextOK := false
	if info, err := os.Stat(b.Context); err != nil {
		p.Addf("build.context", "build context %q cannot be read: %v", b.Context, unwrapPath(err))
	} else if !info.IsDir() {
		p.Addf("build.context", "build context %q is not a directory", b.Context)
	} else {
		contextOK = true
	}
	switch info, err := os.Stat(b.Dockerfile); {
	case r.defaultedDockerfile && !contextOK:
		// The default Dockerfile lives in the context: report the context only.
	case err != nil:
		hint := ""
		if !filepath.IsAbs(b.Dockerfile) {
			inContext := filepath.Join(b.Context, b.Dockerfile)
			if st, err := os.Stat(inContext); err == nil && st.Mode().IsRegular() {
				hint = fmt.Sprintf(" (the path is relative to the working directory, not to the context: set build.dockerfile to %q)", inContext)
			}
		}
		p.Addf("build.dockerfile", "dockerfile %q cannot be read: %v%s", b.Dockerfile, unwrapPath(err), hint)
	case !info.Mode().IsRegular():
		p.Addf("build.dockerfile", "dockerfile %q is not a regular file", b.Dockerfile)
	}

	for _, k := range slices.Sorted(maps.Keys(b.Args)) {
		if k == "" || strings.ContainsAny(k, "= \t\r\n") {
			p.Addf(fmt.Sprintf("build.args[%q]", k), "build argument names must not be empty or contain \"=\" or whitespace")
		}
	}
	if b.Target != "" && !targetPattern.MatchString(b.Target) {
		p.Addf("build.target", "%q is not a stage name (start with a letter; letters, digits, \"_\", \"-\" and \".\" only)", b.Target)
	}
}

func validateRegistry(g *RegistryArgs) *validate.Problems {
	var p validate.Problems
	if g.Repository == nil {
		p.Addf("repository", "required: the image repository without a tag, for example \"ghcr.io/acme/app\"")
	}
	if g.Server == nil {
		p.Addf("server", "required: the registry host, for example \"ghcr.io\"")
	}
	if (g.Username == nil) != (g.Password == nil) {
		field := "password"
		if g.Username == nil {
			field = "username"
		}
		p.Addf(field, "set username and password together, or neither to use Docker's configured credentials")
	}
	return &p
}

func validateArtifactRegistry(a *resolvedAR) *validate.Problems {
	var p validate.Problems
	switch {
	case a.Location == "":
		p.Addf("location", "required: the repository's region or multi-region, for example \"us-central1\"")
	case !gcpLocationPattern.MatchString(a.Location):
		p.Addf("location", "%q is not a location (lowercase letters, digits and hyphens, for example \"us-central1\")", a.Location)
	}
	if a.Project != "" && !gcpProjectPattern.MatchString(a.Project) {
		p.Addf("project", "%q is not a project ID (6-30 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen)", a.Project)
	}
	if len(a.RepositoryID) > arRepositoryIDMax || !arRepositoryIDPattern.MatchString(a.RepositoryID) {
		p.Addf("repositoryId", "%q is not a repository ID (1-%d lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen)", a.RepositoryID, arRepositoryIDMax)
	}
	if !imagePathPattern.MatchString(a.ImageName) {
		p.Addf("imageName", "%q is not an image name (lowercase letters and digits separated by \".\", \"_\", \"__\" or \"-\", path components joined by \"/\")", a.ImageName)
	}
	validateRetention(&p, a.keepCount, a.untaggedExpiryDays)
	return &p
}

func validateECR(e *resolvedECR) *validate.Problems {
	var p validate.Problems
	e.tags = awstags.Resolve("tags", e.Tags, &p)
	if n := len(e.RepositoryName); n < ecrNameMin || n > ecrNameMax || !ecrNamePattern.MatchString(e.RepositoryName) {
		p.Addf("repositoryName", "%q is not a repository name (%d-%d lowercase letters and digits separated by \".\", \"_\", \"-\" or \"/\")", e.RepositoryName, ecrNameMin, ecrNameMax)
	}
	validateRetention(&p, e.keepCount, e.untaggedExpiryDays)
	return &p
}

func validateRetention(p *validate.Problems, keepCount, untaggedExpiryDays int) {
	if keepCount < 1 {
		p.Addf("keepCount", "%d is not allowed (allowed: 1 or more; leave it out for %d)", keepCount, DefaultKeepCount)
	}
	if untaggedExpiryDays < 1 {
		p.Addf("untaggedExpiryDays", "%d is not allowed (allowed: 1 or more; leave it out for %d)", untaggedExpiryDays, DefaultUntaggedExpiryDays)
	}
}

// unwrapPath drops the path from an *fs.PathError, which the message already
// names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
