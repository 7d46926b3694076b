package fargate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
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
	for k, v := range p.env {
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
