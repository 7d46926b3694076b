package fargate

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// The container definition as ECS's RegisterTaskDefinition API takes it,
// reduced to the fields berth sets. Fields that ECS fills in with a default
// when they are missing (cpu, mountPoints, volumesFrom, systemControls,
// hostPort, protocol) are written out with that default, so that the
// provider never sees a difference between what it sent and what ECS
// returns, and a deployment without changes replaces nothing.
//
// See https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
type containerDefinition struct {
	Name                   string           `json:"name"`
	Image                  string           `json:"image"`
	Essential              bool             `json:"essential"`
	CPU                    int              `json:"cpu"`
	PortMappings           []portMapping    `json:"portMappings"`
	Environment            []keyValue       `json:"environment"`
	Secrets                []secretRef      `json:"secrets,omitempty"`
	MountPoints            []struct{}       `json:"mountPoints"`
	VolumesFrom            []struct{}       `json:"volumesFrom"`
	SystemControls         []struct{}       `json:"systemControls"`
	ReadonlyRootFilesystem bool             `json:"readonlyRootFilesystem"`
	Privileged             bool             `json:"privileged"`
	StopTimeout            int              `json:"stopTimeout"`
	LogConfiguration       logConfiguration `json:"logConfiguration"`
}

type portMapping struct {
	Name          string `json:"name"`
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
	AppProtocol   string `json:"appProtocol"`
}

type keyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type secretRef struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type logConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

// logBufferSize is the awslogs driver's in-memory buffer in non-blocking
// mode: a CloudWatch Logs slowdown then drops log lines beyond it instead of
// blocking the app's writes to stdout, which would stall its requests.
const logBufferSize = "25m"

// containerInputs are the resolved values the container definition is built
// from.
type containerInputs struct {
	image, logGroup, region string
	// env is the plain environment's values, by name.
	env map[string]string
	// valueFroms are the secrets' full valueFrom strings, in the order of
	// plan.secrets.
	valueFroms []string
}

// containerDefinitions returns the task's one container as the JSON array
// the task definition takes: the image, the port (also as PORT), the plain
// environment sorted by name, the secrets, a read-only root filesystem
// unless asked otherwise, never privileged, the stop timeout and awslogs
// logging to the service's log group.
func (p *plan) containerDefinitions(in containerInputs) (string, error) {
	env := []keyValue{{Name: "PORT", Value: strconv.Itoa(p.port)}}
	for k, v := range in.env {
		env = append(env, keyValue{Name: k, Value: v})
	}
	sort.Slice(env, func(i, j int) bool { return env[i].Name < env[j].Name })

	var secrets []secretRef
	for i, s := range p.secrets {
		secrets = append(secrets, secretRef{Name: s.name, ValueFrom: in.valueFroms[i]})
	}
	sort.Slice(secrets, func(i, j int) bool { return secrets[i].Name < secrets[j].Name })

	def := containerDefinition{
		Name:      p.container,
		Image:     in.image,
		Essential: true,
		PortMappings: []portMapping{{
			Name: "http", ContainerPort: p.port, HostPort: p.port, Protocol: "tcp", AppProtocol: "http",
		}},
		Environment:            env,
		Secrets:                secrets,
		MountPoints:            []struct{}{},
		VolumesFrom:            []struct{}{},
		SystemControls:         []struct{}{},
		ReadonlyRootFilesystem: p.readonlyRoot,
		Privileged:             false,
		StopTimeout:            p.stopTimeout,
		LogConfiguration: logConfiguration{
			LogDriver: "awslogs",
			Options: map[string]string{
				"awslogs-group":         in.logGroup,
				"awslogs-region":        in.region,
				"awslogs-stream-prefix": p.container,
				"mode":                  "non-blocking",
				"max-buffer-size":       logBufferSize,
			},
		},
	}
	b, err := json.Marshal([]containerDefinition{def})
	if err != nil {
		return "", fmt.Errorf("marshalling container definitions: %w", err)
	}
	return string(b), nil
}

// Architecture is the CPU architecture of the task; the image must be
// built for it.
type Architecture string

const (
	// X86_64 runs the task on x86-64 (linux/amd64) processors.
	X86_64 Architecture = "X86_64"
	// ARM64 runs the task on Graviton (linux/arm64) processors, about 20%
	// cheaper for the same size.
	ARM64 Architecture = "ARM64"
)

// Values lists the allowed values, for the schema's enum.
func (Architecture) Values() []Architecture { return []Architecture{X86_64, ARM64} }

// Platform versions of the Fargate service.
const (
	// PlatformLatest is the newest Fargate platform version, today 1.4.0.
	PlatformLatest = "LATEST"
	// Platform140 pins platform version 1.4.0, the first with secrets JSON
	// keys, ephemeral storage and the 8 and 16 vCPU sizes.
	Platform140 = "1.4.0"
)

// resolveTask resolves the task definition's size, platform, container and
// logs. Size problems repeat service's own units.
func resolveTask(a *ServiceArgs, s spec.Resolved, p *plan, ps *validate.Problems) {
	w := a.AWS
	p.cpu, p.memory = int(math.Round(s.CPU*1024)), s.MemoryMiB
	if msg := cpuProblem(s.CPU); msg != "" {
		ps.Addf("service.cpu", "%s", msg)
	} else if msg := memoryProblem(p.cpu, p.memory); msg != "" {
		ps.Addf("service.memory", "%s", msg)
	}

	switch w.Architecture {
	case "":
		p.arch = X86_64
	case X86_64, ARM64:
		p.arch = w.Architecture
	default:
		ps.Addf("aws.architecture", "%q is not a Fargate CPU architecture (allowed: %s)", w.Architecture, validate.OneOf(X86_64, ARM64))
	}
	switch w.PlatformVersion {
	case "":
		p.platformVersion = PlatformLatest
	case PlatformLatest, Platform140:
		p.platformVersion = w.PlatformVersion
	default:
		ps.Addf("aws.platformVersion", "%q is not a supported platform version (allowed: %s; older versions lack secrets JSON keys and ephemeral storage)", w.PlatformVersion, validate.OneOf(PlatformLatest, Platform140))
	}

	p.stopTimeout = seconds(ps, "aws.stopTimeout", w.StopTimeout, mustSeconds(DefaultStopTimeout), 1, maxStopTimeout)

	if g := w.EphemeralStorageGiB; g != nil {
		if *g < minEphemeralGiB || *g > maxEphemeralGiB {
			ps.Addf("aws.ephemeralStorageGiB", "%d is out of range (allowed: %d to %d; leave it out for the 20 GiB every task gets)", *g, minEphemeralGiB, maxEphemeralGiB)
		} else {
			p.ephemeralGiB = *g
		}
	}

	p.retentionDays = DefaultLogRetentionDays
	if d := w.LogRetentionDays; d != nil {
		if msg := retentionProblem(*d); msg != "" {
			ps.Addf("aws.logRetentionDays", "%s", msg)
		} else {
			p.retentionDays = *d
		}
	}

	p.secrets = resolveSecrets(s.Secrets, ps)
	if w.KMSKeyARN != nil && len(s.Secrets) == 0 {
		ps.Addf("aws.kmsKeyArn", "set without service.secrets (allowed: nil, or a key together with the secrets it encrypts)")
	}
	if w.EnableExec && !w.WritableRootFilesystem {
		ps.Addf("aws.enableExec", "ECS Exec's agent writes into the container, which a read-only root filesystem forbids (allowed: true only with aws.writableRootFilesystem)")
	}
}

// taskDefinitionArgs builds the task definition; its container definitions
// JSON is built in one ApplyT over the image, the log group, the Region,
// the plain environment's values and the secrets' valueFroms.
func (p *plan) taskDefinitionArgs(args *ServiceArgs, c *Service, e env, tags pulumi.StringMap) *ecs.TaskDefinitionArgs {
	inputs := []any{args.Image.ToStringOutput(), c.LogGroup.Name, e.region}
	names := slices.Sorted(maps.Keys(p.env))
	for _, name := range names {
		inputs = append(inputs, p.env[name].ToStringOutput())
	}
	firstSecret := len(inputs)
	for _, s := range p.secrets {
		inputs = append(inputs, s.valueFrom.ToStringOutput())
	}
	defs := pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		in := containerInputs{image: v[0].(string), logGroup: v[1].(string), region: v[2].(string), env: map[string]string{}}
		for i, name := range names {
			in.env[name] = v[3+i].(string)
		}
		for i, s := range p.secrets {
			_, full, err := s.resolve(i, v[firstSecret+i].(string))
			if err != nil {
				return "", err
			}
			in.valueFroms = append(in.valueFroms, full)
		}
		return p.containerDefinitions(in)
	}).(pulumi.StringOutput)

	td := &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(p.family),
		ContainerDefinitions:    defs,
		Cpu:                     pulumi.String(strconv.Itoa(p.cpu)),
		Memory:                  pulumi.String(strconv.Itoa(p.memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			CpuArchitecture:       pulumi.String(string(p.arch)),
			OperatingSystemFamily: pulumi.String("LINUX"),
		},
		ExecutionRoleArn: c.ExecutionRole.Arn,
		TaskRoleArn:      c.TaskRole.Arn,
		// Every change registers a new revision (the provider replaces the
		// resource), and deleting the replaced one deregisters it. A
		// circuit-breaker rollback returns the service to that revision, and
		// ECS cannot start new tasks, to scale out or replace a failed one,
		// from a deregistered (INACTIVE) revision. skip_destroy leaves every
		// revision registered; only the state forgets it
		// (terraform-provider-aws internal/service/ecs/task_definition.go
		// resourceTaskDefinitionDelete). Revisions cost nothing.
		SkipDestroy: pulumi.Bool(true),
		Tags:        tags,
	}
	if p.ephemeralGiB > 0 {
		td.EphemeralStorage = &ecs.TaskDefinitionEphemeralStorageArgs{SizeInGib: pulumi.Int(p.ephemeralGiB)}
	}
	return td
}
