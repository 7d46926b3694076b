package cloudrun

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/vpcaccess"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/childopts"
	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/validate"
)

// Probe timings. Cloud Run allows a startup probe at most 240 seconds in
// total; a Go service is listening well within the first 10.
const (
	startupPeriodSeconds     = 1
	startupFailureThreshold  = 10
	livenessPeriodSeconds    = 10
	livenessFailureThreshold = 3
	probeTimeoutSeconds      = 1
)

// Service is a Cloud Run v2 service with its own service account, the
// Secret Manager bindings that account needs, the secrets it creates from
// values, optional VPC access and its invoker bindings.
type Service struct {
	pulumi.ResourceState

	// Service is the Cloud Run v2 service.
	Service *cloudrunv2.Service
	// ServiceAccount is the service's dedicated service account. It holds
	// no project role; grant it what else the service needs.
	ServiceAccount *serviceaccount.Account
	// Secrets are the Secret Manager secrets created from values, in the
	// order of service.secrets; their versions are in SecretVersions.
	Secrets        []*secretmanager.Secret
	SecretVersions []*secretmanager.SecretVersion
	// SecretAccessors are the roles/secretmanager.secretAccessor bindings,
	// one per distinct secret, in the order of service.secrets.
	SecretAccessors []*secretmanager.SecretIamMember
	// Invokers are the roles/run.invoker bindings, in the order of
	// gcp.invokers, then allUsers when service.public is set.
	Invokers []*cloudrunv2.ServiceIamMember
	// Connector is the created Serverless VPC Access connector, nil unless
	// gcp.vpc.connector is set.
	Connector *vpcaccess.Connector

	// URL is the service's HTTPS URL, "https://NAME-HASH-REGION.a.run.app".
	URL pulumi.StringOutput `pulumi:"url"`
	// ServiceName is the Cloud Run service name.
	ServiceName pulumi.StringOutput `pulumi:"serviceName"`
	// LatestRevision is the name of the latest ready revision.
	LatestRevision pulumi.StringOutput `pulumi:"latestRevision"`
	// ServiceAccountEmail is the email of ServiceAccount,
	// "ID@PROJECT.iam.gserviceaccount.com".
	ServiceAccountEmail pulumi.StringOutput `pulumi:"serviceAccountEmail"`
	// ConnectorID is the VPC connector in use,
	// "projects/P/locations/R/connectors/NAME", or "" without a connector.
	ConnectorID pulumi.StringOutput `pulumi:"connectorId"`
}

var _ pulumi.ComponentResource = (*Service)(nil)

// NewService validates args, then creates the service account, the secrets
// given as values, one secretAccessor binding per secret, the connector if
// asked, the Cloud Run service (after the bindings) and its invoker
// bindings. When args break a rule it returns a *validate.Error listing
// every problem, and nothing is registered.
func NewService(ctx *pulumi.Context, name string, args *ServiceArgs, opts ...pulumi.ResourceOption) (*Service, error) {
	if args == nil {
		return nil, validate.MissingArgs(TypeToken, name, "image and gcp.region")
	}
	p, err := args.resolve(ctx.Project(), ctx.Stack(), name)
	if err != nil {
		return nil, err
	}

	kids := childopts.Read(opts)
	gate := validate.Gate(TypeToken, name, args.PendingChecks()...)
	c := &Service{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, append(slices.Clone(opts), pulumi.DependsOnInputs(gate))...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	parent := pulumi.Composite(pulumi.Parent(c), kids.Routine())

	c.ServiceAccount, err = newServiceAccount(ctx, name, p, pulumi.Parent(c), kids.Stateful())
	if err != nil {
		return nil, fmt.Errorf("creating service account: %w", err)
	}
	if err := c.newValueSecrets(ctx, name, p, kids, parent); err != nil {
		return nil, fmt.Errorf("creating secrets: %w", err)
	}
	p.bindings = planBindings(p.secrets)
	c.SecretAccessors, err = newSecretAccessors(ctx, name, p, c.ServiceAccount.Member, parent)
	if err != nil {
		return nil, fmt.Errorf("granting secret access: %w", err)
	}

	var connectorID pulumi.StringInput
	switch {
	case p.vpc != nil && p.vpc.connector != nil:
		c.Connector, err = newConnector(ctx, name, p, parent, kids.Long())
		if err != nil {
			return nil, fmt.Errorf("creating VPC connector: %w", err)
		}
		connectorID = c.Connector.ID().ToStringOutput()
		c.ConnectorID = connectorID.ToStringOutput()
	case p.vpc != nil && p.vpc.connectorID != nil:
		c.ConnectorID = p.vpc.connectorID.ToStringOutput()
	default:
		c.ConnectorID = pulumi.String("").ToStringOutput()
	}

	// The revision reads its secrets when it starts: the bindings must
	// exist first, or the first deployment fails.
	deps := make([]pulumi.Resource, len(c.SecretAccessors))
	for i, b := range c.SecretAccessors {
		deps[i] = b
	}
	// A replacement (a new name, Region or project) is a new service beside
	// the old, at a new URL: the old one serves until the end of the update.
	c.Service, err = cloudrunv2.NewService(ctx, name+"-svc", p.serviceArgs(args.Image, c.ServiceAccount.Email, connectorID),
		parent, pulumi.DependsOn(deps), naming.CreateFirst, kids.Long())
	if err != nil {
		return nil, fmt.Errorf("creating Cloud Run service: %w", err)
	}
	c.Invokers, err = newInvokers(ctx, name, p, c.Service, parent)
	if err != nil {
		return nil, fmt.Errorf("granting invoker access: %w", err)
	}

	c.URL = c.Service.Uri
	c.ServiceName = c.Service.Name
	c.LatestRevision = c.Service.LatestReadyRevision
	c.ServiceAccountEmail = c.ServiceAccount.Email
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"url":                 c.URL,
		"serviceName":         c.ServiceName,
		"latestRevision":      c.LatestRevision,
		"serviceAccountEmail": c.ServiceAccountEmail,
		"connectorId":         c.ConnectorID,
	}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// newValueSecrets creates a Secret Manager secret and its first version for
// every secret given as a value, and points the planned secret at them. The
// service pins the version output, so a new value is a new version and a
// new revision. The value stays a Pulumi secret.
func (c *Service) newValueSecrets(ctx *pulumi.Context, name string, p *plan, kids childopts.Options, opts ...pulumi.ResourceOption) error {
	for i := range p.secrets {
		s := &p.secrets[i]
		if s.value == nil {
			continue
		}
		args := &secretmanager.SecretArgs{
			SecretId:    pulumi.String(naming.Physical(p.name+"-"+s.key, p.seed+"/secret/"+s.key, maxSecretID)),
			Replication: &secretmanager.SecretReplicationArgs{Auto: &secretmanager.SecretReplicationAutoArgs{}},
			Labels:      pulumi.ToStringMap(p.labels),
		}
		if p.project != "" {
			args.Project = pulumi.String(p.project)
		}
		// Its ID changes with whatever replaces it (automatic replication):
		// the old secret stays for the old revision until the end.
		secret, err := secretmanager.NewSecret(ctx, name+"-"+s.key, args, pulumi.Parent(c), naming.CreateFirst, kids.Stateful())
		if err != nil {
			return err
		}
		version, err := secretmanager.NewSecretVersion(ctx, name+"-"+s.key, &secretmanager.SecretVersionArgs{
			Secret:     secret.ID(),
			SecretData: pulumi.ToSecret(s.value).(pulumi.StringOutput),
		}, opts...)
		if err != nil {
			return err
		}
		s.secret, s.version = secret.SecretId, version.Version
		c.Secrets = append(c.Secrets, secret)
		c.SecretVersions = append(c.SecretVersions, version)
	}
	return nil
}

// serviceArgs builds the Cloud Run service. Every field the API would
// otherwise fill in is set explicitly, so that a second deployment shows no
// diff.
func (p *plan) serviceArgs(image pulumi.StringInput, email pulumi.StringOutput, connector pulumi.StringInput) *cloudrunv2.ServiceArgs {
	volumes, mounts := p.secretVolumes()
	container := cloudrunv2.ServiceTemplateContainerArgs{
		Image: image,
		Ports: cloudrunv2.ServiceTemplateContainerPortArray{
			cloudrunv2.ServiceTemplateContainerPortArgs{
				Name:          pulumi.String("http1"),
				ContainerPort: pulumi.Int(p.port),
			},
		},
		Resources: &cloudrunv2.ServiceTemplateContainerResourcesArgs{
			Limits: pulumi.StringMap{
				"cpu":    pulumi.String(p.cpu),
				"memory": pulumi.String(p.memory),
			},
			CpuIdle:         pulumi.Bool(p.cpuIdle),
			StartupCpuBoost: pulumi.Bool(p.cpuBoost),
		},
		StartupProbe: &cloudrunv2.ServiceTemplateContainerStartupProbeArgs{
			HttpGet: &cloudrunv2.ServiceTemplateContainerStartupProbeHttpGetArgs{
				Path: pulumi.String(p.healthPath),
				Port: pulumi.Int(p.port),
			},
			InitialDelaySeconds: pulumi.Int(0),
			PeriodSeconds:       pulumi.Int(startupPeriodSeconds),
			TimeoutSeconds:      pulumi.Int(probeTimeoutSeconds),
			FailureThreshold:    pulumi.Int(startupFailureThreshold),
		},
		LivenessProbe: &cloudrunv2.ServiceTemplateContainerLivenessProbeArgs{
			HttpGet: &cloudrunv2.ServiceTemplateContainerLivenessProbeHttpGetArgs{
				Path: pulumi.String(p.healthPath),
				Port: pulumi.Int(p.port),
			},
			InitialDelaySeconds: pulumi.Int(0),
			PeriodSeconds:       pulumi.Int(livenessPeriodSeconds),
			TimeoutSeconds:      pulumi.Int(probeTimeoutSeconds),
			FailureThreshold:    pulumi.Int(livenessFailureThreshold),
		},
	}
	if env := p.containerEnv(); len(env) > 0 {
		container.Envs = env
	}
	if len(mounts) > 0 {
		container.VolumeMounts = mounts
	}

	template := &cloudrunv2.ServiceTemplateArgs{
		ServiceAccount:                email,
		Containers:                    cloudrunv2.ServiceTemplateContainerArray{container},
		MaxInstanceRequestConcurrency: pulumi.Int(p.concurrency),
		Scaling: &cloudrunv2.ServiceTemplateScalingArgs{
			MinInstanceCount: pulumi.Int(p.minInstances),
			MaxInstanceCount: pulumi.Int(p.maxInstances),
		},
		Timeout:              pulumi.String(p.timeout),
		ExecutionEnvironment: pulumi.String(p.env.api()),
		SessionAffinity:      pulumi.Bool(false),
		VpcAccess:            p.vpcAccess(connector),
	}
	if len(volumes) > 0 {
		template.Volumes = volumes
	}
	template.Revision = revisionName(p.serviceName, template)

	args := &cloudrunv2.ServiceArgs{
		Name:        pulumi.String(p.serviceName),
		Location:    pulumi.String(p.region),
		Ingress:     pulumi.String(p.ingress.api()),
		LaunchStage: pulumi.String("GA"),
		Labels:      pulumi.ToStringMap(p.labels),
		Template:    template,
		Traffics:    p.traffics(),
	}
	if p.project != "" {
		args.Project = pulumi.String(p.project)
	}
	return args
}
