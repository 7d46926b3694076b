package berth

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/components/image"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "berth:index:Service"

// Cloud is where a Service runs.
type Cloud string

const (
	// GCP runs the service on Google Cloud Run, its image in Artifact
	// Registry.
	GCP Cloud = "gcp"
	// AWS runs the service on Amazon ECS Fargate behind an Application Load
	// Balancer, its image in ECR.
	AWS Cloud = "aws"
)

// Values lists the allowed values, for the schema's enum.
func (Cloud) Values() []Cloud { return []Cloud{GCP, AWS} }

// ServiceArgs describes a service once and says which cloud runs it.
// Switching Cloud (and giving that cloud's block) moves the same service to
// the other cloud.
type ServiceArgs struct {
	// Cloud is GCP or AWS. Required.
	Cloud Cloud `pulumi:"cloud"`
	// Service describes the service in the words both clouds share.
	// Default: nil, every field's own default, which may differ by cloud
	// (docs/parity.md).
	Service *spec.Service `pulumi:"service,optional"`
	// Build builds the image from a Docker context and pushes it to a
	// repository the component creates (Artifact Registry on GCP, ECR on
	// AWS), for the platform the cloud runs. Set exactly one of Build and
	// Image. Default: nil.
	Build *image.Build `pulumi:"build,optional"`
	// Image deploys an image built elsewhere, by digest. Set exactly one of
	// Build and Image. Default: nil.
	Image pulumi.StringInput `pulumi:"image,optional"`
	// GCP holds the Cloud Run settings; required when Cloud is GCP (its
	// region at least) and not allowed when it is AWS. Default: nil.
	GCP *cloudrun.GCP `pulumi:"gcp,optional"`
	// AWS holds the Fargate settings; required when Cloud is AWS (its VPC
	// and subnets at least) and not allowed when it is GCP. Default: nil.
	AWS *fargate.AWS `pulumi:"aws,optional"`
}

// Service is one HTTP service on the cloud its args name: the image, when
// built here, and the cloud's service component.
type Service struct {
	pulumi.ResourceState

	// URL is where the service answers: Cloud Run's https URL, or the load
	// balancer's http(s) URL on Fargate.
	URL pulumi.StringOutput `pulumi:"url"`
	// Image is the digest reference the service runs,
	// "REPOSITORY@sha256:HEX".
	Image pulumi.StringOutput `pulumi:"image"`
	// ServiceName is the cloud's name of the service: the Cloud Run service
	// or the ECS service.
	ServiceName pulumi.StringOutput `pulumi:"serviceName"`

	// BuiltImage is the image component; nil when ServiceArgs.Image is set.
	BuiltImage *image.Image
	// CloudRun is the Cloud Run component; nil unless Cloud is GCP.
	CloudRun *cloudrun.Service
	// Fargate is the Fargate component; nil unless Cloud is AWS.
	Fargate *fargate.Service
}

var _ pulumi.ComponentResource = (*Service)(nil)

// imageFields names the fields of the image component's problems in this
// component's terms: its destination follows from the cloud block and the
// service's name.
var imageFields = map[string]string{
	"artifactRegistry.location":     "gcp.region",
	"artifactRegistry.project":      "gcp.project",
	"artifactRegistry.repositoryId": "service.name",
	"artifactRegistry.imageName":    "service.name",
	"ecr.repositoryName":            "service.name",
	"ecr.tags":                      "aws.tags",
	"name":                          "service.name",
	"platform":                      "aws.architecture",
	"requiredPlatform":              "aws.architecture",
}

// NewService validates args, the image's and the cloud service's all at
// once, then builds and pushes the image (with Build) and creates the
// service on args.Cloud. When anything breaks a rule it returns one
// *validate.Error listing every problem under this component's field paths,
// and nothing is registered.
func NewService(ctx *pulumi.Context, name string, args *ServiceArgs, opts ...pulumi.ResourceOption) (*Service, error) {
	if args == nil {
		return nil, validate.MissingArgs(TypeToken, name, "cloud and that cloud's block")
	}
	imgArgs, err := args.check(ctx, name)
	if err != nil {
		return nil, err
	}

	// Values that arrive as outputs are checked once they resolve, before
	// this component registers, and so before the image or the service or
	// any of their children does (validate.Gate). The children await this
	// component's URN before their own dependencies (sdk/v3 v3.274.1
	// go/pulumi/context.go:2989-3003), so every registration fails with
	// this component's error.
	var pending []validate.Pending
	switch args.Cloud {
	case AWS:
		pending = (&fargate.ServiceArgs{Service: args.Service, AWS: *args.AWS}).PendingChecks()
	case GCP:
		pending = (&cloudrun.ServiceArgs{Service: args.Service}).PendingChecks()
	}
	gate := validate.Gate(TypeToken, name, pending...)
	c := &Service{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, append(slices.Clone(opts), pulumi.DependsOnInputs(gate))...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	parent := pulumi.Composite(append([]pulumi.ResourceOption{pulumi.Parent(c)}, forward(opts)...)...)

	ref := args.Image
	var repositoryARN pulumi.StringInput
	if imgArgs != nil {
		c.BuiltImage, err = image.NewImage(ctx, name, imgArgs, parent)
		if err != nil {
			return nil, own(name, fmt.Errorf("creating image: %w", err))
		}
		ref, repositoryARN = c.BuiltImage.Ref, c.BuiltImage.RepositoryARN
	}
	c.Image = ref.ToStringOutput()

	switch args.Cloud {
	case GCP:
		c.CloudRun, err = cloudrun.NewService(ctx, name, &cloudrun.ServiceArgs{Image: ref, Service: args.Service, GCP: *args.GCP}, parent)
		if err != nil {
			return nil, own(name, fmt.Errorf("creating Cloud Run service: %w", err))
		}
		c.URL, c.ServiceName = c.CloudRun.URL, c.CloudRun.ServiceName
	case AWS:
		c.Fargate, err = fargate.NewService(ctx, name, &fargate.ServiceArgs{Image: ref, RepositoryARN: repositoryARN, Service: args.Service, AWS: *args.AWS}, parent)
		if err != nil {
			return nil, own(name, fmt.Errorf("creating Fargate service: %w", err))
		}
		c.URL, c.ServiceName = c.Fargate.URL, c.Fargate.ServiceName
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"url":         c.URL,
		"image":       c.Image,
		"serviceName": c.ServiceName,
	}); err != nil {
		return nil, own(name, fmt.Errorf("registering outputs: %w", err))
	}
	return c, nil
}

// Validate reports every problem NewService would report for args and
// name, as a *validate.Error, without registering anything; nil means
// NewService would accept them. It reads the file system to check the build
// context.
func (a *ServiceArgs) Validate(ctx *pulumi.Context, name string) error {
	if a == nil {
		return validate.MissingArgs(TypeToken, name, "cloud and that cloud's block")
	}
	_, err := a.check(ctx, name)
	return err
}

// check validates args and returns the image component's args, nil with
// Image.
func (a *ServiceArgs) check(ctx *pulumi.Context, name string) (*image.ImageArgs, error) {
	var ps validate.Problems
	switch {
	case a.Build == nil && a.Image == nil:
		ps.Addf("build", "neither build nor image is set (allowed: exactly one: build, to build and push the image here, or image, a digest reference built elsewhere)")
	case a.Build != nil && a.Image != nil:
		ps.Addf("image", "set together with build (allowed: exactly one of build and image)")
	}
	var imgArgs *image.ImageArgs
	if a.Build != nil {
		// The repository is named after the service, like its other
		// resources.
		imgArgs = &image.ImageArgs{Name: a.Service.OrZero().Name, Build: a.Build}
	}
	switch a.Cloud {
	case GCP:
		if a.AWS != nil {
			ps.Addf("aws", "set with cloud %q (allowed: the aws block only with cloud \"aws\")", a.Cloud)
		}
		if a.GCP == nil {
			ps.Addf("gcp", "required with cloud %q (allowed: a block with at least region)", a.Cloud)
			break
		}
		svc := &cloudrun.ServiceArgs{Image: a.Image, Service: a.Service, GCP: *a.GCP}
		addProblems(&ps, svc.Validate(ctx, name), nil)
		if imgArgs != nil {
			imgArgs.RequiredPlatform = image.CloudRunPlatform
			imgArgs.ArtifactRegistry = &image.ArtifactRegistryArgs{Location: a.GCP.Region, Project: a.GCP.Project}
			// The service's check already reports a bad region or project.
			addProblems(&ps, imgArgs.Validate(ctx, name), imageFields)
		}
	case AWS:
		if a.GCP != nil {
			ps.Addf("gcp", "set with cloud %q (allowed: the gcp block only with cloud \"gcp\")", a.Cloud)
		}
		if a.AWS == nil {
			ps.Addf("aws", "required with cloud %q (allowed: a block with at least vpcId, loadBalancerSubnetIds and taskSubnetIds)", a.Cloud)
			break
		}
		svc := &fargate.ServiceArgs{Image: a.Image, Service: a.Service, AWS: *a.AWS}
		addProblems(&ps, svc.Validate(ctx, name), nil)
		if imgArgs != nil {
			platform, err := image.ArchitecturePlatform(string(a.AWS.Architecture))
			if err != nil {
				platform = image.PlatformAMD64 // the service's check reports the architecture
			}
			imgArgs.RequiredPlatform = platform
			// The repository is the service's: it takes aws.tags too.
			imgArgs.ECR = &image.ECRArgs{Tags: a.AWS.Tags}
			addProblems(&ps, imgArgs.Validate(ctx, name), imageFields)
		}
	case "":
		ps.Addf("cloud", "required (allowed: %s)", validate.OneOf(a.Cloud.Values()...))
	default:
		ps.Addf("cloud", "%q is not a cloud berth deploys to (allowed: %s)", a.Cloud, validate.OneOf(a.Cloud.Values()...))
	}
	if err := ps.Err(TypeToken, name); err != nil {
		return nil, err
	}
	return imgArgs, nil
}

// addProblems records a child component's problems under this component's
// paths: fields maps whole field paths (or their prefixes before a "." or
// "[") to the path here. A problem at a path already reported is dropped, so
// a setting that feeds two children gets one line. An error that is not a
// validation error is recorded as it is.
func addProblems(ps *validate.Problems, err error, fields map[string]string) {
	if err == nil {
		return
	}
	var verr *validate.Error
	if !errors.As(err, &verr) {
		ps.Addf("", "%v", err)
		return
	}
	reported := map[string]bool{}
	for _, p := range ps.List() {
		reported[p.Field] = true
	}
	for _, p := range verr.Problems {
		field := p.Field
		for from, to := range fields {
			if field == from || strings.HasPrefix(field, from+".") || strings.HasPrefix(field, from+"[") {
				field = to + field[len(from):]
				break
			}
		}
		if !reported[field] {
			ps.Addf(field, "%s", p.Message)
			reported[field] = true
		}
	}
}

// own returns this component's *validate.Error when err holds it (the
// gate's, which fails every registration under the component), else err.
func own(name string, err error) error {
	var verr *validate.Error
	if errors.As(err, &verr) && verr.Component == TypeToken && verr.Name == name {
		return verr
	}
	return err
}

// forward returns the options of opts that the image and the cloud service
// component read to give their own children (protect and retainOnDelete to
// the stateful ones, custom timeouts to the long ones; see the package
// documentation): a component does not see what its parent was given, and
// the SDK passes on only protect (sdk/v3 v3.274.1 go/pulumi/context.go:1950-1953).
func forward(opts []pulumi.ResourceOption) []pulumi.ResourceOption {
	ro, err := pulumi.NewResourceOptions(opts...)
	if err != nil || ro == nil {
		return nil
	}
	var out []pulumi.ResourceOption
	if ro.Protect {
		out = append(out, pulumi.Protect(true))
	}
	if ro.RetainOnDelete {
		out = append(out, pulumi.RetainOnDelete(true))
	}
	if ro.CustomTimeouts != nil {
		out = append(out, pulumi.Timeouts(ro.CustomTimeouts))
	}
	return out
}
