package program

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/components/image"
	"github.com/berth-dev/berth/validate"
)

// fargateFields maps fargate.ServiceArgs fields to the config paths that set
// them.
var fargateFields = fieldMap{
	"image":                  "service",
	"vpcId":                  "aws.vpcId",
	"loadBalancerSubnetIds":  "aws.publicSubnetIds",
	"taskSubnetIds":          "aws.privateSubnetIds",
	"assignPublicIp":         "aws.assignPublicIp",
	"internal":               "service.public",
	"allowedCidrs":           "aws.allowedCidrs",
	"certificateArn":         "aws.certificateArn",
	"plainHttp":              "aws.plainHttp",
	"loadBalancerName":       "service.name",
	"targetGroupName":        "service.name",
	"clusterArn":             "aws.clusterArn",
	"cpu":                    "service.cpu",
	"memory":                 "service.memory",
	"cpuArchitecture":        "aws.architecture",
	"port":                   "service.port",
	"healthCheck.path":       "service.healthPath",
	"requestTimeout":         "service.timeout",
	"env":                    "service.env",
	"secrets":                "service.secrets",
	"secrets[].name":         "service.secrets[].env",
	"secrets[].valueFrom":    "service.secrets[].ref",
	"secrets[].jsonKey":      "service.secrets[].key",
	"secrets[].versionStage": "service.secrets[].version",
	"secrets[].versionId":    "service.secrets[].version",
	"kmsKeyArn":              "aws.kmsKeyArn",
	"logRetentionDays":       "aws.logRetentionDays",
	"enableExec":             "aws.enableExec",
	"minTasks":               "service.minInstances",
	"stopTimeout":            "service.env.SHUTDOWN_TIMEOUT",
	"maxTasks":               "service.maxInstances",
	"concurrency":            "service.concurrency",
}

// ecrImageFields maps image.ImageArgs fields to config paths.
var ecrImageFields = fieldMap{
	"ecr":              "service.name",
	"requiredPlatform": "aws.architecture",
	"platform":         "aws.architecture",
}

// fargateCPUs lists the vCPU sizes Fargate offers, as service.cpu writes
// them, with their CPU units (aws.md).
var fargateCPUs = []float64{0.25, 0.5, 1, 2, 4, 8, 16}

// fargateMaxStopTimeout is the longest container stopTimeout Fargate
// accepts (aws.md).
const fargateMaxStopTimeout = 120 * time.Second

// appIdleTimeout is the sample app's keep-alive idle timeout (app/main.go).
const appIdleTimeout = 120 * time.Second

// versionID matches a Secrets Manager version ID; any other version is a
// staging label such as AWSCURRENT.
var versionID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// deployAWS builds the image into ECR and runs it on ECS Fargate behind an
// Application Load Balancer. Every argument is validated before the first
// resource is registered.
func deployAWS(ctx *pulumi.Context, cfg *Config, build buildContext, p *validate.Problems) (map[string]pulumi.Output, error) {
	name := cfg.Service.Name
	cpu := fargateCPU(cfg.Service.CPU, p)
	memory := fargateMemory(cfg.Service.Memory, p)
	if m := cfg.Service.MinInstances; m != nil && *m == 0 {
		p.Addf("service.minInstances", "Fargate cannot scale a load-balanced service to zero (allowed on aws: 1 or more)")
	}
	stop := fargate.DefaultStopTimeout
	budget := cfg.Service.shutdownBudget(p)
	if need := budget + exitMargin; need > fargateMaxStopTimeout {
		p.Addf("service.env."+appShutdownTimeoutVar, "the app may take %s from SIGTERM to exit (%s + %s), more than Fargate's %s stopTimeout maximum allows (allowed: a sum of at most %s)",
			budget, appDrainDelayVar, appShutdownTimeoutVar, fargateMaxStopTimeout, fargateMaxStopTimeout-exitMargin)
	} else if need > stop {
		// stopTimeout is whole seconds: round up, never below the need.
		stop = (need + time.Second - 1).Truncate(time.Second)
	}
	// The load balancer closes a connection idle for longer than its idle
	// timeout: it must outlast the request timeout.
	// The app's keep-alive idle timeout must outlast it in turn, or the load
	// balancer reuses connections the app has just closed (502s).
	idle := max(fargate.DefaultIdleTimeout, cfg.Service.timeout())
	if idle >= appIdleTimeout {
		p.Addf("service.timeout", "%s needs a load balancer idle timeout of as long, which must stay below the app's %s keep-alive timeout (allowed on aws: less than %s)", cfg.Service.timeout(), appIdleTimeout, appIdleTimeout)
		idle = fargate.DefaultIdleTimeout
	}
	for i, sec := range cfg.Service.Secrets {
		field := validate.Index("service.secrets", i)
		if sec.Path != "" {
			p.Addf(validate.Join(field, "path"), "ECS injects secrets as environment variables only (allowed on aws: env)")
		}
		if sec.Version != "" && !versionID.MatchString(sec.Version) && allDigits(sec.Version) {
			p.Addf(validate.Join(field, "version"), "%q is a Secret Manager version number; Secrets Manager names versions by staging label or ID (allowed on aws: AWSCURRENT, AWSPREVIOUS, another label, or a version UUID)", sec.Version)
		}
	}
	arch := fargate.CPUArchitecture(cfg.AWS.Architecture)
	if arch == "" {
		arch = fargate.X86_64
	}
	platform, err := image.ArchitecturePlatform(string(arch))
	if err != nil {
		p.Addf("aws.architecture", "%q is not a Fargate CPU architecture (allowed: %s)", cfg.AWS.Architecture, validate.OneOf(fargate.X86_64, fargate.ARM64))
		platform = image.PlatformAMD64
	}
	imgArgs := &image.ImageArgs{
		Context:          build.dir,
		Dockerfile:       build.dockerfile,
		RequiredPlatform: platform,
		ECR:              &image.ECRArgs{},
	}
	svcArgs := fargateArgs(cfg, cpu, memory, stop, idle, arch, func(i int) pulumi.StringInput {
		// Not created yet: validate with the form the created ARN takes.
		return pulumi.String(fmt.Sprintf("arn:aws:secretsmanager:%s:123456789012:secret:%s-AbCdEf", cfg.AWSRegion, valueSecretID(ctx, cfg, i)))
	})
	addComponentProblems(p, imgArgs.Validate(ctx, name), ecrImageFields)
	addComponentProblems(p, svcArgs.Validate(ctx, name), fargateFields)
	if err := p.Err(validate.StackConfig, ctx.Stack()); err != nil {
		return nil, err
	}

	arns, err := createAWSValueSecrets(ctx, cfg)
	if err != nil {
		return nil, err
	}
	img, err := image.NewImage(ctx, name, imgArgs)
	if err != nil {
		return nil, err
	}
	svcArgs = fargateArgs(cfg, cpu, memory, stop, idle, arch, func(i int) pulumi.StringInput { return arns[i] })
	svcArgs.Image = img.Ref
	svcArgs.RepositoryARN = img.RepositoryArn
	svc, err := fargate.NewService(ctx, name, svcArgs)
	if err != nil {
		return nil, err
	}
	return map[string]pulumi.Output{
		"url":                 svc.URL,
		"image":               img.Ref,
		"clusterName":         svc.ClusterName,
		"serviceName":         svc.ServiceName,
		"taskRoleName":        svc.TaskRoleName,
		"taskRoleArn":         svc.TaskRoleARN,
		"taskSecurityGroupId": svc.TaskSecurityGroupID,
		"loadBalancerDnsName": svc.LoadBalancerDNSName,
		"logGroupName":        svc.LogGroupName,
	}, nil
}

// fargateCPU turns service.cpu (vCPU) into Fargate CPU units.
func fargateCPU(vcpu float64, p *validate.Problems) int {
	for _, c := range fargateCPUs {
		if vcpu == c {
			return int(c * 1024)
		}
	}
	allowed := make([]string, len(fargateCPUs))
	for i, c := range fargateCPUs {
		allowed[i] = strconv.FormatFloat(c, 'f', -1, 64)
	}
	p.Addf("service.cpu", "%g vCPU is not a Fargate task size (allowed on aws: %s)", vcpu, strings.Join(allowed, ", "))
	return fargate.DefaultCPU
}

// fargateMemory turns service.memory (a quantity in Mi or Gi) into MiB.
func fargateMemory(q string, p *validate.Problems) int {
	var n float64
	var err error
	switch {
	case strings.HasSuffix(q, "Gi"):
		n, err = strconv.ParseFloat(strings.TrimSuffix(q, "Gi"), 64)
		n *= 1024
	case strings.HasSuffix(q, "Mi"):
		n, err = strconv.ParseFloat(strings.TrimSuffix(q, "Mi"), 64)
	default:
		err = fmt.Errorf("no unit")
	}
	if err != nil || n <= 0 || n != math.Trunc(n) {
		p.Addf("service.memory", "%q is not a whole number of MiB (allowed: a quantity such as 512Mi or 2Gi)", q)
		return fargate.DefaultMemory
	}
	return int(n)
}

// fargateArgs translates the configuration into the component's Args.
// arnOf gives the ARN of the i-th secret created from a value.
func fargateArgs(cfg *Config, cpu, memory int, stop, idle time.Duration, arch fargate.CPUArchitecture, arnOf func(i int) pulumi.StringInput) *fargate.ServiceArgs {
	s, a := cfg.Service, cfg.AWS
	args := &fargate.ServiceArgs{
		VpcID:                 pulumi.String(a.VpcID),
		LoadBalancerSubnetIDs: pulumi.ToStringArray(a.PublicSubnetIDs),
		TaskSubnetIDs:         pulumi.ToStringArray(a.PrivateSubnetIDs),
		AssignPublicIP:        a.AssignPublicIP,
		Internal:              !s.Public,
		AllowedCIDRs:          a.AllowedCIDRs,
		CPU:                   cpu,
		Memory:                memory,
		CPUArchitecture:       arch,
		Port:                  s.Port,
		HealthCheck:           fargate.HealthCheck{Path: s.HealthPath},
		RequestTimeout:        s.timeout(),
		Env:                   s.Env,
		LogRetentionDays:      a.LogRetentionDays,
		EnableExec:            a.EnableExec,
		// The ECS Exec agent writes to the root filesystem: opting into
		// Exec gives up the read-only root, as the component requires.
		WritableRootFilesystem: a.EnableExec,
		AllowWildcardResources: a.AllowWildcardResources,
		PlainHTTP:              a.PlainHTTP,
		StopTimeout:            stop,
		IdleTimeout:            idle,
		MaxTasks:               s.MaxInstances,
		Concurrency:            s.Concurrency,
		Tags:                   map[string]string{"stack": cfg.stack},
	}
	if s.MinInstances != nil {
		args.MinTasks = *s.MinInstances
	}
	if a.VpcID == "" {
		args.VpcID = nil
	}
	if a.CertificateARN != "" {
		args.CertificateARN = pulumi.String(a.CertificateARN)
	}
	if a.ClusterARN != "" {
		args.ClusterARN = pulumi.String(a.ClusterARN)
	}
	if a.KMSKeyARN != "" {
		args.KMSKeyARN = pulumi.String(a.KMSKeyARN)
	}
	for _, st := range a.TaskPolicy {
		args.TaskPolicyStatements = append(args.TaskPolicyStatements, fargate.PolicyStatement{
			Sid: st.Sid, Effect: st.Effect, Action: st.Actions, Resource: st.Resources,
		})
	}
	for i, sec := range s.Secrets {
		fs := fargate.Secret{Name: sec.Env, JSONKey: sec.Key}
		if sec.Value != nil {
			fs.ValueFrom = arnOf(i)
		} else {
			fs.ValueFrom = pulumi.String(sec.Ref)
			if versionID.MatchString(sec.Version) {
				fs.VersionID = sec.Version
			} else {
				fs.VersionStage = sec.Version
			}
		}
		args.Secrets = append(args.Secrets, fs)
	}
	return args
}

// createAWSValueSecrets creates a Secrets Manager secret and its value for
// every secret given as a value; the value stays a Pulumi secret.
func createAWSValueSecrets(ctx *pulumi.Context, cfg *Config) (map[int]pulumi.StringInput, error) {
	arns := map[int]pulumi.StringInput{}
	for i, sec := range cfg.Service.Secrets {
		if sec.Value == nil {
			continue
		}
		key := secretKey(sec)
		secret, err := secretsmanager.NewSecret(ctx, cfg.Service.Name+"-"+key, &secretsmanager.SecretArgs{
			Name: pulumi.String(valueSecretID(ctx, cfg, i)),
			// Deleted at once, not after a 30-day recovery window that would
			// block creating the same name again: the value lives in the
			// stack configuration.
			RecoveryWindowInDays: pulumi.Int(0),
			Tags:                 pulumi.StringMap{"managed-by": pulumi.String("berth"), "stack": pulumi.String(ctx.Stack())},
		})
		if err != nil {
			return nil, err
		}
		version, err := secretsmanager.NewSecretVersion(ctx, cfg.Service.Name+"-"+key, &secretsmanager.SecretVersionArgs{
			SecretId:     secret.ID(),
			SecretString: pulumi.ToSecret(pulumi.String(*sec.Value)).(pulumi.StringOutput),
		})
		if err != nil {
			return nil, err
		}
		// The ARN as it is once the value is stored, so that no task starts
		// reading an empty secret.
		arns[i] = pulumi.All(secret.Arn, version.VersionId).ApplyT(func(v []any) string {
			return v[0].(string)
		}).(pulumi.StringOutput)
	}
	return arns, nil
}

// allDigits reports whether s is a non-empty run of decimal digits.
func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
