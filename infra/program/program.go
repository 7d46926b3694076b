// Package program is berth's Pulumi program: it reads the stack
// configuration into the neutral component's args, adds what this
// repository's sample app needs (its image, its shutdown and keep-alive
// rules), deploys it with berth.NewService, and returns the stack outputs.
//
// infra/main.go runs it under the Pulumi engine (`pulumi up`); `berth plan`
// runs the same program offline, so that what a pull request previews is
// what a deployment would register.
package program

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/components/image"
	"github.com/berth-dev/berth/validate"
)

// Run is the program `pulumi up` runs: Deploy, then export every output.
func Run(ctx *pulumi.Context) error {
	outputs, err := Deploy(ctx)
	if err != nil {
		return err
	}
	for name, out := range outputs {
		ctx.Export(name, out)
	}
	return nil
}

// logicalName is the neutral component's name in every stack: the URNs of
// the service's resources derive from it, so it never changes. The service's
// own name (service.name) derives the physical names instead, so renaming the
// service replaces its resources in place (same URNs), where each resource's
// own replacement rules apply, such as a VPC connector's deletion before its
// successor takes the same /28; a new logical name would create the renamed
// resources before deleting the old ones, and collide.
const logicalName = "app"

// configFields names a component problem's field by the config path that
// sets it, where the two differ: the region and project are the Google
// provider's settings.
var configFields = map[string]string{
	"gcp.region":  "gcp:region",
	"gcp.project": "gcp:project",
}

// Deploy reads the stack configuration, registers every resource and returns
// the stack outputs by name: url, image (the digest reference), serviceName
// and the service's identity on its cloud. On invalid configuration it
// returns a *validate.Error listing every problem by config path, and
// registers nothing.
func Deploy(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
	var p validate.Problems
	cfg := LoadConfig(ctx, &p)
	build, err := findBuildContext(ctx)
	if err != nil {
		return nil, err
	}
	args := &berth.ServiceArgs{
		Cloud:   cfg.Cloud,
		Service: &cfg.Service,
		GCP:     cfg.GCP,
		AWS:     cfg.AWS,
		Build:   &image.Build{Context: build.dir, Dockerfile: build.dockerfile},
	}
	if cfg.Service.Name == "" {
		p.Addf("service.name", "required: the base of every physical name (lowercase letters, digits and hyphens, starting with a letter)")
	}
	applyApp(ctx.Stack(), args, &p)
	if err := args.Validate(ctx, logicalName); err != nil {
		var verr *validate.Error
		if !errors.As(err, &verr) {
			return nil, err
		}
		reported := map[string]bool{}
		for _, q := range p.List() {
			reported[q.Field] = true
		}
		for _, q := range verr.Problems {
			field := q.Field
			if to, ok := configFields[field]; ok {
				field = to
			}
			if !reported[field] {
				p.Addf(field, "%s", q.Message)
			}
		}
	}
	if err := p.Err(validate.StackConfig, ctx.Stack()); err != nil {
		return nil, err
	}

	svc, err := berth.NewService(ctx, logicalName, args)
	if err != nil {
		return nil, err
	}
	outputs := map[string]pulumi.Output{
		"url":         svc.URL,
		"image":       svc.Image,
		"serviceName": svc.ServiceName,
	}
	if c := svc.CloudRun; c != nil {
		outputs["latestRevision"] = c.LatestRevision
		outputs["serviceAccount"] = c.ServiceAccountEmail
		outputs["connectorId"] = c.ConnectorID
	}
	if f := svc.Fargate; f != nil {
		outputs["clusterName"] = f.ClusterName
		outputs["taskRoleName"] = f.TaskRoleName
		outputs["taskRoleArn"] = f.TaskRoleARN
		outputs["taskSecurityGroupId"] = f.TaskSecurityGroupID
		outputs["loadBalancerDnsName"] = f.LoadBalancerDNSName
		outputs["logGroupName"] = f.LogGroupName
		outputs["taskDefinitionArn"] = f.TaskDefinitionARN
	}
	return outputs, nil
}

// buildContext is where the app's image is built from, relative to the
// working directory, which the program and the Docker provider share.
// Relative paths keep plans of two checkouts in different folders equal.
type buildContext struct {
	// dir is the project root, the Docker build context.
	dir string
	// dockerfile is app/Dockerfile under dir.
	dockerfile string
}

// findBuildContext locates the project root (the directory holding
// Pulumi.yaml) relative to the working directory: ".." from infra/, where
// the engine runs the program (Pulumi.yaml's main).
//
// The root is ctx.RootDirectory when the engine gives one (the Go language
// host and `berth plan` do). An Automation API inline program gets none (the
// SDK's inline runtime builds its RunInfo without it), so the root is then
// found as the CLI finds the project: the first directory holding
// Pulumi.yaml, walking up from the working directory
// (workspace.DetectProjectPathFrom). Run from infra/, as the CLI runs the
// program, that is the same root and the same relative paths, so the image
// tag, which hashes the paths as given, is the same as under `pulumi up`.
func findBuildContext(ctx *pulumi.Context) (buildContext, error) {
	wd, err := os.Getwd()
	if err != nil {
		return buildContext{}, fmt.Errorf("finding the project root: %w", err)
	}
	root := ctx.RootDirectory()
	if root == "" {
		project, err := workspace.DetectProjectPathFrom(wd)
		if err != nil {
			return buildContext{}, fmt.Errorf("finding the project root: the engine gave no root directory and %w", err)
		}
		root = filepath.Dir(project)
	}
	rel, err := filepath.Rel(wd, root)
	if err != nil {
		return buildContext{}, fmt.Errorf("finding the project root from %s: %w", wd, err)
	}
	return buildContext{dir: rel, dockerfile: filepath.Join(rel, "app", "Dockerfile")}, nil
}
