package program

import (
	"strconv"
	"time"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/components/image"
	"github.com/berth-dev/berth/validate"
)

// cloudRunFields maps cloudrun.ServiceArgs fields to the config paths that
// set them.
var cloudRunFields = fieldMap{
	"image":                "service",
	"region":               "gcp:region",
	"project":              "gcp:project",
	"serviceName":          "service.name",
	"serviceAccountId":     "service.name",
	"port":                 "service.port",
	"healthPath":           "service.healthPath",
	"cpu":                  "service.cpu",
	"memory":               "service.memory",
	"concurrency":          "service.concurrency",
	"minInstances":         "service.minInstances",
	"maxInstances":         "service.maxInstances",
	"timeout":              "service.timeout",
	"executionEnvironment": "service.cpu",
	"ingress":              "gcp.ingress",
	"invokers":             "gcp.invokers",
	"env":                  "service.env",
	"secrets":              "service.secrets",
	"secrets[].secret":     "service.secrets[].ref",
	"vpc":                  "gcp.vpc",
	"vpc.network":          "gcp.vpc.directVpc.network",
	"vpc.subnetwork":       "gcp.vpc.directVpc.subnetwork",
	"vpc.allTraffic":       "gcp.vpc.egress",
}

// imageFields maps image.ImageArgs fields to config paths.
var imageFields = fieldMap{
	"artifactRegistry.location": "gcp:region",
	"artifactRegistry.project":  "gcp:project",
	"artifactRegistry":          "service.name",
}

// Ingress values of `berth:gcp.ingress`, as gcloud names them.
var gcpIngress = map[string]cloudrun.Ingress{
	"all":                               cloudrun.IngressAll,
	"internal":                          cloudrun.IngressInternalOnly,
	"internal-and-cloud-load-balancing": cloudrun.IngressInternalLoadBalancer,
}

// cloudRunShutdownGrace is the time Cloud Run gives an instance between
// SIGTERM and SIGKILL.
const cloudRunShutdownGrace = 10 * time.Second

// Egress values of `berth:gcp.vpc.egress`.
const (
	egressPrivateRanges = "private-ranges-only"
	egressAll           = "all-traffic"
)

// deployGCP builds the image into Artifact Registry and runs it on Cloud
// Run. Every argument is validated before the first resource is registered.
func deployGCP(ctx *pulumi.Context, cfg *Config, build buildContext, p *validate.Problems) (map[string]pulumi.Output, error) {
	name := cfg.Service.Name
	checkGCP(&cfg.GCP, p)
	if budget := cfg.Service.shutdownBudget(p); budget+exitMargin > cloudRunShutdownGrace {
		p.Addf("service.env."+appShutdownTimeoutVar, "the app may take %s from SIGTERM to exit (%s + %s), too long for Cloud Run's %s before SIGKILL (allowed: a sum of at most %s, leaving %s to exit)",
			budget, appDrainDelayVar, appShutdownTimeoutVar, cloudRunShutdownGrace, cloudRunShutdownGrace-exitMargin, exitMargin)
	}
	for i, sec := range cfg.Service.Secrets {
		if sec.Key != "" {
			p.Addf(validate.Join(validate.Index("service.secrets", i), "key"), "JSON keys are an AWS Secrets Manager feature (allowed on gcp: no key; store the value itself in its own secret)")
		}
	}

	imgArgs := &image.ImageArgs{
		Context:          build.dir,
		Dockerfile:       build.dockerfile,
		RequiredPlatform: image.CloudRunPlatform,
		ArtifactRegistry: &image.ArtifactRegistryArgs{Location: cfg.GCPRegion, Project: cfg.GCPProject},
	}
	// Secrets created from values do not exist yet: validate with their
	// future ID and first version.
	svcArgs := cloudRunArgs(cfg, func(i int) (pulumi.StringInput, pulumi.StringInput) {
		return pulumi.String(valueSecretID(ctx, cfg, i)), pulumi.String("1")
	})
	addComponentProblems(p, imgArgs.Validate(ctx, name), imageFields)
	addComponentProblems(p, svcArgs.Validate(ctx, name), cloudRunFields)
	if err := p.Err(validate.StackConfig, ctx.Stack()); err != nil {
		return nil, err
	}

	refs, err := createValueSecrets(ctx, cfg)
	if err != nil {
		return nil, err
	}
	img, err := image.NewImage(ctx, name, imgArgs)
	if err != nil {
		return nil, err
	}
	svcArgs = cloudRunArgs(cfg, func(i int) (pulumi.StringInput, pulumi.StringInput) {
		return refs[i].secret, refs[i].version
	})
	svcArgs.Image = img.Ref
	svc, err := cloudrun.NewService(ctx, name, svcArgs)
	if err != nil {
		return nil, err
	}
	return map[string]pulumi.Output{
		"url":            svc.URL,
		"image":          img.Ref,
		"serviceName":    svc.ServiceName,
		"latestRevision": svc.LatestRevision,
		"serviceAccount": svc.ServiceAccountEmail,
		"connectorId":    svc.ConnectorID,
	}, nil
}

// checkGCP applies the rules of the `berth:gcp` block that no component
// sees in this form.
func checkGCP(g *GCP, p *validate.Problems) {
	if _, ok := gcpIngress[g.Ingress]; g.Ingress != "" && !ok {
		p.Addf("gcp.ingress", "%q is not an ingress setting (allowed: %s)", g.Ingress,
			validate.OneOf("all", "internal", "internal-and-cloud-load-balancing"))
	}
	if v := g.VPC; v != nil && v.Egress != "" && v.Egress != egressPrivateRanges && v.Egress != egressAll {
		p.Addf("gcp.vpc.egress", "%q is not an egress setting (allowed: %s)", v.Egress, validate.OneOf(egressPrivateRanges, egressAll))
	}
}

// cloudRunArgs translates the configuration into the component's Args.
// secretOf gives the secret and version of the i-th secret created from a
// value.
func cloudRunArgs(cfg *Config, secretOf func(i int) (secret, version pulumi.StringInput)) *cloudrun.ServiceArgs {
	s := cfg.Service
	args := &cloudrun.ServiceArgs{
		Region:               cfg.GCPRegion,
		Project:              cfg.GCPProject,
		Port:                 s.Port,
		HealthPath:           s.HealthPath,
		CPU:                  strconv.FormatFloat(s.CPU, 'f', -1, 64),
		Memory:               s.Memory,
		Concurrency:          s.Concurrency,
		MinInstances:         s.minInstances(),
		MaxInstances:         s.MaxInstances,
		Timeout:              s.timeout(),
		AllowUnauthenticated: s.Public,
		Invokers:             cfg.GCP.Invokers,
		Env:                  cloudRunEnv(s.Env, cfg.GCPProject),
		Ingress:              gcpIngress[cfg.GCP.Ingress],
		Labels:               map[string]string{"stack": cfg.stack},
	}
	if v := cfg.GCP.VPC; v != nil {
		vpc := &cloudrun.VPC{AllTraffic: v.Egress == egressAll}
		if v.ConnectorID != "" {
			vpc.ConnectorID = pulumi.String(v.ConnectorID)
		}
		if c := v.Connector; c != nil {
			vpc.Connector = &cloudrun.Connector{
				Name:         c.Name,
				IPCIDRRange:  c.IPCIDRRange,
				MinInstances: c.MinInstances,
				MaxInstances: c.MaxInstances,
				MachineType:  c.MachineType,
			}
			if c.Network != "" {
				vpc.Connector.Network = pulumi.String(c.Network)
			}
			if c.Subnet != "" {
				vpc.Connector.Subnet = pulumi.String(c.Subnet)
			}
		}
		if d := v.DirectVPC; d != nil {
			if d.Network != "" {
				vpc.Network = pulumi.String(d.Network)
			}
			if d.Subnetwork != "" {
				vpc.Subnetwork = pulumi.String(d.Subnetwork)
			}
		}
		args.VPC = vpc
	}
	for i, sec := range s.Secrets {
		cs := cloudrun.Secret{Env: sec.Env, Path: sec.Path}
		if sec.Value != nil {
			cs.Secret, cs.Version = secretOf(i)
		} else {
			cs.Secret = pulumi.String(sec.Ref)
			cs.Version = pulumi.String(sec.Version)
		}
		args.Secrets = append(args.Secrets, cs)
	}
	return args
}

// cloudRunEnv is the service's env plus GOOGLE_CLOUD_PROJECT, which the app
// needs to write Cloud Logging's trace field and Cloud Run does not set.
func cloudRunEnv(env map[string]string, project string) map[string]string {
	out := make(map[string]string, len(env)+1)
	for k, v := range env {
		out[k] = v
	}
	if _, set := out[gcpProjectVar]; !set && project != "" {
		out[gcpProjectVar] = project
	}
	return out
}

// gcpProjectVar is the app's variable for the Google Cloud project.
const gcpProjectVar = "GOOGLE_CLOUD_PROJECT"

// secretRef is a created secret and its version.
type secretRef struct {
	secret, version pulumi.StringInput
}

// valueSecretID is the Secret Manager ID of the secret created from the i-th
// secret's value: service, stack and where the value goes, so that two
// stacks in one project do not share a secret.
func valueSecretID(ctx *pulumi.Context, cfg *Config, i int) string {
	return cfg.Service.Name + "-" + ctx.Stack() + "-" + secretKey(cfg.Service.Secrets[i])
}

// createValueSecrets creates a Secret Manager secret and its first version
// for every secret given as a value. The value stays a Pulumi secret, so it
// is encrypted in the state and masked in every output.
func createValueSecrets(ctx *pulumi.Context, cfg *Config) (map[int]secretRef, error) {
	refs := map[int]secretRef{}
	for i, sec := range cfg.Service.Secrets {
		if sec.Value == nil {
			continue
		}
		key := secretKey(sec)
		secret, err := secretmanager.NewSecret(ctx, cfg.Service.Name+"-"+key, &secretmanager.SecretArgs{
			SecretId:    pulumi.String(valueSecretID(ctx, cfg, i)),
			Project:     optional(cfg.GCPProject),
			Replication: &secretmanager.SecretReplicationArgs{Auto: &secretmanager.SecretReplicationAutoArgs{}},
			Labels:      pulumi.StringMap{"managed-by": pulumi.String("berth"), "stack": pulumi.String(ctx.Stack())},
		})
		if err != nil {
			return nil, err
		}
		version, err := secretmanager.NewSecretVersion(ctx, cfg.Service.Name+"-"+key, &secretmanager.SecretVersionArgs{
			Secret:     secret.ID(),
			SecretData: pulumi.ToSecret(pulumi.String(*sec.Value)).(pulumi.StringOutput),
		})
		if err != nil {
			return nil, err
		}
		refs[i] = secretRef{secret: secret.SecretId, version: version.Version}
	}
	return refs, nil
}

// optional returns nil for "", so the provider's default applies.
func optional(s string) pulumi.StringPtrInput {
	if s == "" {
		return nil
	}
	return pulumi.String(s)
}
