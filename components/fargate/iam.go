package fargate

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/iampolicy"
	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/validate"
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

// PolicyStatement is one statement of the task role's policy.
type PolicyStatement struct {
	// Sid names the statement: letters and digits. Default: "", none.
	Sid string `pulumi:"sid,optional"`
	// Effect is "Allow" or "Deny". Default: "Allow".
	Effect string `pulumi:"effect,optional"`
	// Actions lists the actions, "service:Action", such as "s3:GetObject".
	// Required.
	Actions []string `pulumi:"actions"`
	// Resources lists the resource ARNs the actions apply to. Required.
	Resources []string `pulumi:"resources"`
	// Conditions maps a condition operator ("StringEquals") to condition
	// keys and their allowed values. Default: none.
	Conditions map[string]map[string][]string `pulumi:"conditions,optional"`
}

var (
	actionPattern = regexp.MustCompile(`^[A-Za-z0-9*-]+:[A-Za-z0-9*?]+$`)
)

// resolveTaskStatements checks the task role's statements: Allow statements
// may not grant every action, every action of every service or IAM, and may
// name the resource "*" only with allowWildcard.
func resolveTaskStatements(statements []PolicyStatement, allowWildcard bool, ps *validate.Problems) []iampolicy.Statement {
	out := make([]iampolicy.Statement, 0, len(statements))
	for i, st := range statements {
		field := validate.Index("aws.taskPolicy", i)
		s := iampolicy.Statement{Sid: st.Sid, Effect: st.Effect, Action: st.Actions, Resource: st.Resources, Condition: st.Conditions}
		if s.Effect == "" {
			s.Effect = iampolicy.Allow
		}
		switch s.Effect {
		case iampolicy.Allow, iampolicy.Deny:
		default:
			ps.Addf(validate.Join(field, "effect"), "%q is not an effect (allowed: %s)", s.Effect, validate.OneOf(iampolicy.Allow, iampolicy.Deny))
		}
		if len(s.Action) == 0 {
			ps.Addf(validate.Join(field, "actions"), "empty (allowed: at least one \"service:Action\")")
		}
		if len(s.Resource) == 0 {
			ps.Addf(validate.Join(field, "resources"), "empty (allowed: at least one resource ARN)")
		}
		allow := s.Effect == iampolicy.Allow
		for j, act := range s.Action {
			af := validate.Index(validate.Join(field, "actions"), j)
			service, _, _ := strings.Cut(act, ":")
			switch {
			case act == "*":
				if allow {
					ps.Addf(af, "\"*\" grants every action of every service (allowed: named actions such as \"s3:GetObject\")")
				}
			case !actionPattern.MatchString(act):
				ps.Addf(af, "%q is not an action (allowed: \"service:Action\", such as \"s3:GetObject\")", act)
			case allow && strings.Contains(service, "*"):
				ps.Addf(af, "%q grants actions of every service (allowed: a named service)", act)
			case allow && strings.EqualFold(service, "iam") && strings.ContainsAny(act, "*?"):
				ps.Addf(af, "%q grants IAM wildcards, which lets the task escalate its own permissions (allowed: named IAM actions)", act)
			}
		}
		for j, res := range s.Resource {
			rf := validate.Index(validate.Join(field, "resources"), j)
			switch {
			case res == "*" && allow && !allowWildcard:
				ps.Addf(rf, "\"*\" grants the actions on every resource (allowed: resource ARNs; set aws.allowWildcardResources for actions without resource-level permissions)")
			case res != "*" && !strings.HasPrefix(res, "arn:"):
				ps.Addf(rf, "%q is not an ARN (allowed: \"arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE\" or \"*\")", res)
			}
		}
		out = append(out, s)
	}
	return out
}

// newRoles creates the execution role with its computed policy and the
// task role with the caller's statements, if any.
func (c *Service) newRoles(ctx *pulumi.Context, name string, p *plan, args *ServiceArgs, e env, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
	trust := e.account.ApplyT(func(account string) (string, error) {
		return iampolicy.Marshal(assumeRolePolicy(account))
	}).(pulumi.StringOutput)

	var err error
	c.ExecutionRole, err = iam.NewRole(ctx, name+"-exec-role", &iam.RoleArgs{
		Name:             pulumi.String(p.execRole),
		Description:      pulumi.String("ECS execution role of berth service " + name + ": pulls its image, writes its logs, reads its secrets"),
		AssumeRolePolicy: trust,
		Tags:             tags,
	}, parent, naming.CreateFirst)
	if err != nil {
		return fmt.Errorf("creating execution role: %w", err)
	}
	c.ExecutionPolicy, err = iam.NewRolePolicy(ctx, name+"-exec-policy", &iam.RolePolicyArgs{
		Name:   pulumi.String("least-privilege"),
		Role:   c.ExecutionRole.Name,
		Policy: p.executionPolicyJSON(args, c.LogGroup.Arn, e),
	}, parent, naming.CreateFirst)
	if err != nil {
		return fmt.Errorf("creating execution policy: %w", err)
	}

	c.TaskRole, err = iam.NewRole(ctx, name+"-task-role", &iam.RoleArgs{
		Name:             pulumi.String(p.taskRole),
		Description:      pulumi.String("ECS task role of berth service " + name + ": the app's own AWS identity"),
		AssumeRolePolicy: trust,
		Tags:             tags,
	}, pulumi.Parent(c), naming.CreateFirst, c.kids.Stateful())
	if err != nil {
		return fmt.Errorf("creating task role: %w", err)
	}
	if doc, ok := taskPolicy(p.taskStatements, p.exec); ok {
		policy, err := iampolicy.Marshal(doc)
		if err != nil {
			return fmt.Errorf("building task policy: %w", err)
		}
		c.TaskPolicy, err = iam.NewRolePolicy(ctx, name+"-task-policy", &iam.RolePolicyArgs{
			Name:   pulumi.String("task"),
			Role:   c.TaskRole.Name,
			Policy: pulumi.String(policy),
		}, parent, naming.CreateFirst)
		if err != nil {
			return fmt.Errorf("creating task policy: %w", err)
		}
	}
	return nil
}

// executionPolicyJSON computes the execution role's policy once the
// repository, log group, secrets and key are known: the one place it is
// marshalled.
func (p *plan) executionPolicyJSON(args *ServiceArgs, logGroupARN pulumi.StringOutput, e env) pulumi.StringOutput {
	var repo pulumi.StringOutput
	if args.RepositoryARN != nil {
		repo = args.RepositoryARN.ToStringOutput()
	} else {
		repo = args.Image.ToStringOutput().ApplyT(repositoryFromImage).(pulumi.StringOutput)
	}
	kms := pulumi.String("").ToStringOutput()
	if args.AWS.KMSKeyARN != nil {
		kms = args.AWS.KMSKeyARN.ToStringOutput()
	}
	inputs := []any{e.partition, e.region, e.account, repo, logGroupARN, kms}
	for _, s := range p.secrets {
		inputs = append(inputs, s.valueFrom.ToStringOutput())
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		in := execInputs{
			partition:     v[0].(string),
			region:        v[1].(string),
			account:       v[2].(string),
			repositoryARN: v[3].(string),
			logGroupARN:   v[4].(string),
			kmsKeyARN:     v[5].(string),
		}
		for i, s := range p.secrets {
			parsed, _, err := s.resolve(i, v[6+i].(string))
			if err != nil {
				return "", err
			}
			in.secrets = append(in.secrets, parsed)
		}
		return iampolicy.Marshal(executionPolicy(in))
	}).(pulumi.StringOutput)
}
