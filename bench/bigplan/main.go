// Command bigplan writes two large berth plans for the diff benchmark
// (scripts/bench-diff.sh): -n resources of about 2 KB each, like a task
// definition with its container definitions, in -dir as base.json and
// head.json. The head changes every tenth resource, drops every
// hundredth and adds as many.
//
//	go run ./bench/bigplan -n 50000 -dir /tmp/big
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	n := flag.Int("n", 50000, "resources in each plan")
	dir := flag.String("dir", ".", "where to write base.json and head.json")
	flag.Parse()
	for _, side := range []string{"base", "head"} {
		if err := write(filepath.Join(*dir, side+".json"), *n, side == "head"); err != nil {
			fmt.Fprintln(os.Stderr, "bigplan:", err)
			os.Exit(1)
		}
	}
}

func write(path string, n int, head bool) error {
	resources := make([]any, 0, n)
	for i := range n {
		if head && i%100 == 99 {
			i += n // dropped, and another added in its place
		}
		memory := "1024"
		if head && i%10 == 0 {
			memory = "2048"
		}
		defs, _ := json.Marshal([]any{map[string]any{
			"name": "app", "image": fmt.Sprintf("123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc-%d@sha256:%064d", i, i),
			"portMappings": []any{map[string]any{"containerPort": 8080, "protocol": "tcp"}},
			"environment":  []any{map[string]any{"name": "LOG_LEVEL", "value": "info"}, map[string]any{"name": "REGION", "value": "eu-west-1"}},
			"secrets":      []any{map[string]any{"name": "DATABASE_URL", "valueFrom": fmt.Sprintf("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-%d", i)}},
			"logConfiguration": map[string]any{"logDriver": "awslogs", "options": map[string]any{
				"awslogs-group": fmt.Sprintf("/ecs/svc-%d", i), "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "app"}},
			"healthCheck": map[string]any{"command": []string{"CMD", "/app", "-healthcheck"}, "interval": 10, "retries": 3},
		}})
		resources = append(resources, map[string]any{
			"urn":  fmt.Sprintf("urn:pulumi:prod::shop::aws:ecs/taskDefinition:TaskDefinition::svc-%d", i),
			"type": "aws:ecs/taskDefinition:TaskDefinition", "name": fmt.Sprintf("svc-%d", i), "custom": true,
			"parent": "", "dependsOn": []string{}, "options": map[string]any{},
			"inputs": map[string]any{
				"family": fmt.Sprintf("svc-%d", i), "cpu": "512", "memory": memory, "networkMode": "awsvpc",
				"requiresCompatibilities": []string{"FARGATE"}, "containerDefinitions": string(defs),
				"executionRoleArn": fmt.Sprintf("arn:aws:iam::123456789012:role/svc-%d-exec", i),
				"taskRoleArn":      fmt.Sprintf("arn:aws:iam::123456789012:role/svc-%d-task", i),
				"runtimePlatform":  map[string]any{"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
				"tags":             map[string]any{"team": "storefront", "service": fmt.Sprintf("svc-%d", i), "note": strings.Repeat("x", 200)},
			},
		})
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewEncoder(f).Encode(map[string]any{
		"format": "berth-plan", "schemaVersion": 3, "project": "shop", "stack": "prod", "outputs": map[string]any{}, "resources": resources,
	})
}
