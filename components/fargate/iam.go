package fargate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/berth-dev/berth/components/internal/iampolicy"
)

// IAM actions the roles get. Sources: berth's aws.md; Amazon ECS Developer
// Guide, "Amazon ECS task execution IAM role" and "Monitor Amazon ECS
// containers with ECS Exec".
var (
	// ecrPullActions read image layers; they take the repository ARN.
	ecrPullActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}
	// ecrAuthAction has no resource-level permission: AWS requires "*".
	ecrAuthAction = "ecr:GetAuthorizationToken"
	// logActions let the awslogs driver write to the log group.
	logActions = []string{"logs:CreateLogStream", "logs:PutLogEvents"}
	// execActions open ECS Exec's channels; ssmmessages has no resource-level
	// permissions, so they take "*".
	execActions = []string{
		"ssmmessages:CreateControlChannel",
		"ssmmessages:CreateDataChannel",
		"ssmmessages:OpenControlChannel",
		"ssmmessages:OpenDataChannel",
	}
)

// tasksPrincipal is the service that assumes both roles.
const tasksPrincipal = "ecs-tasks.amazonaws.com"

// assumeRolePolicy lets ECS tasks of account, and no other account's,
// assume a role (the aws:SourceAccount condition prevents the confused
// deputy problem).
func assumeRolePolicy(account string) iampolicy.Document {
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{{
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: []string{tasksPrincipal}},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string][]string{"StringEquals": {"aws:SourceAccount": {account}}},
	}}}
}

// execInputs are the resolved values the execution role's policy is
// computed from.
type execInputs struct {
	partition, region, account string
	// repositoryARN is the ECR repository to pull from; "" for none.
	repositoryARN string
	// logGroupARN is the log group's ARN, without ":*".
	logGroupARN string
	// secrets are the parsed valueFroms of the declared secrets.
	secrets []parsedValueFrom
	// kmsKeyARN is the customer managed key of the secrets; "" for none.
	kmsKeyARN string
}

// executionPolicy is the execution role's least-privilege policy: pull from
// exactly the repository, write to exactly the log group, read exactly the
// declared secrets and parameters, decrypt with exactly the given key.
// ecr:GetAuthorizationToken, on "*" as AWS requires, is the only wildcard,
// and only when there is a repository to pull from.
func executionPolicy(in execInputs) iampolicy.Document {
	var st []iampolicy.Statement
	if in.repositoryARN != "" {
		st = append(st,
			iampolicy.Statement{Sid: "AuthenticateToECR", Effect: iampolicy.Allow, Action: []string{ecrAuthAction}, Resource: []string{"*"}},
			iampolicy.Statement{Sid: "PullImage", Effect: iampolicy.Allow, Action: ecrPullActions, Resource: []string{in.repositoryARN}},
		)
	}
	st = append(st, iampolicy.Statement{Sid: "WriteLogs", Effect: iampolicy.Allow, Action: logActions, Resource: []string{in.logGroupARN + ":*"}})

	var secrets, params []string
	for _, s := range in.secrets {
		g := s.grant(in.partition, in.region, in.account)
		if s.kind == secretsManager {
			secrets = append(secrets, g)
		} else {
			params = append(params, g)
		}
	}
	if secrets = uniqueSorted(secrets); len(secrets) > 0 {
		st = append(st, iampolicy.Statement{Sid: "ReadSecrets", Effect: iampolicy.Allow, Action: []string{"secretsmanager:GetSecretValue"}, Resource: secrets})
	}
	if params = uniqueSorted(params); len(params) > 0 {
		st = append(st, iampolicy.Statement{Sid: "ReadParameters", Effect: iampolicy.Allow, Action: []string{"ssm:GetParameters"}, Resource: params})
	}
	if in.kmsKeyARN != "" && len(in.secrets) > 0 {
		st = append(st, iampolicy.Statement{Sid: "DecryptSecrets", Effect: iampolicy.Allow, Action: []string{"kms:Decrypt"}, Resource: []string{in.kmsKeyARN}})
	}
	return iampolicy.Document{Version: iampolicy.Version, Statement: st}
}

// taskPolicy is the task role's policy: the caller's statements, then the
// ECS Exec grants when exec is on. ok is false when there is nothing to
// grant, so that the role stays empty.
func taskPolicy(statements []iampolicy.Statement, exec bool) (doc iampolicy.Document, ok bool) {
	st := append([]iampolicy.Statement(nil), statements...)
	if exec {
		st = append(st, iampolicy.Statement{Sid: "EcsExec", Effect: iampolicy.Allow, Action: execActions, Resource: []string{"*"}})
	}
	return iampolicy.Document{Version: iampolicy.Version, Statement: st}, len(st) > 0
}

// repositoryFromImage returns the ARN of the private ECR repository an
// image reference points into ("ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME",
// with a tag or digest), or "" for any other registry.
func repositoryFromImage(ref string) string {
	host, path, ok := strings.Cut(ref, "/")
	if !ok {
		return ""
	}
	labels := strings.Split(host, ".")
	// ACCOUNT dkr ecr REGION amazonaws com [cn]
	if len(labels) < 6 || labels[1] != "dkr" || labels[2] != "ecr" || labels[4] != "amazonaws" || !accountID.MatchString(labels[0]) {
		return ""
	}
	if i := strings.Index(path, "@"); i >= 0 {
		path = path[:i]
	}
	if i := strings.LastIndex(path, ":"); i > strings.LastIndex(path, "/") {
		path = path[:i]
	}
	if path == "" {
		return ""
	}
	region := labels[3]
	return fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", partitionOf(region), region, labels[0], path)
}

// partitionOf returns the AWS partition of a Region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// uniqueSorted returns the distinct values of s in order.
func uniqueSorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	n := 1
	for i := 1; i < len(out); i++ {
		if out[i] != out[n-1] {
			out[n] = out[i]
			n++
		}
	}
	return out[:n]
}
