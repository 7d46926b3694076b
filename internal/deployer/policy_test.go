package deployer

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite deploy/aws-deployer-policy.json and deploy/gcp-deployer-role.json from the catalogs")

const (
	policyPath = "../../deploy/aws-deployer-policy.json"
	rolePath   = "../../deploy/gcp-deployer-role.json"
)

// TestShippedFiles keeps the shipped policy and role equal to what the
// catalogs generate, so that neither can go stale; -update rewrites them.
func TestShippedFiles(t *testing.T) {
	policy, err := Policy(loadCatalog(t, "aws"), DefaultPrefix)
	if err != nil {
		t.Fatal(err)
	}
	role, err := RoleFor(loadCatalog(t, "gcp"))
	if err != nil {
		t.Fatal(err)
	}
	for path, gen := range map[string]func() ([]byte, error){policyPath: policy.Marshal, rolePath: role.Marshal} {
		want, err := gen()
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("reading %s: %v (generate it with: go test ./internal/deployer -run TestShippedFiles -update)", path, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the catalog generates; regenerate it with: go test ./internal/deployer -run TestShippedFiles -update", filepath.Base(path))
		}
	}
}

// TestPolicyWildcardsAndConditions pins the security-relevant shape of the
// AWS policy: which statements use Resource "*", that no action is a
// wildcard, that IAM actions are always scoped, that roles are passed only
// to ECS tasks, and that the document fits a managed policy.
func TestPolicyWildcardsAndConditions(t *testing.T) {
	doc, err := Policy(loadCatalog(t, "aws"), DefaultPrefix)
	if err != nil {
		t.Fatal(err)
	}
	var wildcardSids []string
	for _, st := range doc.Statement {
		if st.Effect != "Allow" {
			t.Errorf("%s: effect %q, want Allow", st.Sid, st.Effect)
		}
		for _, a := range st.Action {
			if strings.Contains(a, "*") {
				t.Errorf("%s: wildcard action %s", st.Sid, a)
			}
			if a == "iam:PassRole" && st.Sid != "IamPassRole" {
				t.Errorf("%s: iam:PassRole outside the IamPassRole statement", st.Sid)
			}
		}
		if len(st.Resource) == 1 && st.Resource[0] == "*" {
			wildcardSids = append(wildcardSids, st.Sid)
			for _, a := range st.Action {
				if strings.HasPrefix(a, "iam:") || strings.HasPrefix(a, "secretsmanager:") {
					t.Errorf("%s: %s on Resource \"*\"", st.Sid, a)
				}
			}
		}
		for _, r := range st.Resource {
			if strings.Contains(r, "{prefix}") {
				t.Errorf("%s: resource %s still holds the placeholder", st.Sid, r)
			}
		}
	}
	if got, want := strings.Join(wildcardSids, " "), "Any Ec2Describe EcrAuth"; got != want {
		t.Errorf("statements on Resource \"*\": %s, want %s", got, want)
	}
	pass := statement(t, doc, "IamPassRole")
	if got := fmt.Sprint(pass.Action, pass.Resource, pass.Condition); got != "[iam:PassRole] [arn:aws:iam::*:role/berth-*] map[StringEquals:map[iam:PassedToService:ecs-tasks.amazonaws.com]]" {
		t.Errorf("IamPassRole statement: %s", got)
	}
	slr := statement(t, doc, "IamServiceLinkedRole")
	if got := fmt.Sprint(slr.Action, slr.Resource, slr.Condition); got != "[iam:CreateServiceLinkedRole] [arn:aws:iam::*:role/aws-service-role/*] map[StringEquals:map[iam:AWSServiceName:[ecs.amazonaws.com ecs.application-autoscaling.amazonaws.com elasticloadbalancing.amazonaws.com]]]" {
		t.Errorf("IamServiceLinkedRole statement: %s", got)
	}
	size, err := doc.Size()
	if err != nil {
		t.Fatal(err)
	}
	if size > MaxManagedPolicySize {
		t.Errorf("policy is %d characters, over the %d a managed policy may have", size, MaxManagedPolicySize)
	}
}

func statement(t *testing.T, doc *PolicyDocument, sid string) Statement {
	t.Helper()
	for _, st := range doc.Statement {
		if st.Sid == sid {
			return st
		}
	}
	t.Fatalf("no statement %s", sid)
	return Statement{}
}

// TestPolicyScopesMatchBerthNames checks the scoping against the names the
// real program derives: for every resource of every AWS variant whose
// actions are scoped by name, an ARN built from the planned name must match
// a resource pattern of its statement, or the deploy would be denied.
func TestPolicyScopesMatchBerthNames(t *testing.T) {
	c := loadCatalog(t, "aws")
	doc, err := Policy(c, DefaultPrefix)
	if err != nil {
		t.Fatal(err)
	}
	const acct = "arn:aws:%s:us-east-1:123456789012:%s"
	arnOf := map[string]func(in map[string]any, lb string) (scope string, arns []string){
		"aws:iam/role:Role": func(in map[string]any, _ string) (string, []string) {
			return "iamRole", []string{"arn:aws:iam::123456789012:role/" + str(in, "name")}
		},
		"aws:iam/rolePolicy:RolePolicy": func(in map[string]any, _ string) (string, []string) {
			return "iamRole", []string{"arn:aws:iam::123456789012:role/" + str(in, "role")}
		},
		"aws:ecr/repository:Repository": func(in map[string]any, _ string) (string, []string) {
			return "ecrRepository", []string{fmt.Sprintf(acct, "ecr", "repository/"+str(in, "name"))}
		},
		"aws:ecr/lifecyclePolicy:LifecyclePolicy": func(in map[string]any, _ string) (string, []string) {
			return "ecrRepository", []string{fmt.Sprintf(acct, "ecr", "repository/"+str(in, "repository"))}
		},
		"aws:cloudwatch/logGroup:LogGroup": func(in map[string]any, _ string) (string, []string) {
			n := str(in, "name")
			return "logGroup", []string{fmt.Sprintf(acct, "logs", "log-group:"+n), fmt.Sprintf(acct, "logs", "log-group:"+n+":*")}
		},
		"aws:ecs/cluster:Cluster": func(in map[string]any, _ string) (string, []string) {
			return "ecsCluster", []string{fmt.Sprintf(acct, "ecs", "cluster/"+str(in, "name"))}
		},
		"aws:ecs/service:Service": func(in map[string]any, _ string) (string, []string) {
			return "ecsService", []string{fmt.Sprintf(acct, "ecs", "service/shared/"+str(in, "name"))}
		},
		"aws:ecs/taskDefinition:TaskDefinition": func(in map[string]any, _ string) (string, []string) {
			return "ecsTaskDefinition", []string{fmt.Sprintf(acct, "ecs", "task-definition/"+str(in, "family")+":7")}
		},
		"aws:lb/loadBalancer:LoadBalancer": func(in map[string]any, _ string) (string, []string) {
			return "elbLoadBalancer", []string{fmt.Sprintf(acct, "elasticloadbalancing", "loadbalancer/app/"+str(in, "name")+"/50dc6c495c0c9188")}
		},
		"aws:lb/targetGroup:TargetGroup": func(in map[string]any, _ string) (string, []string) {
			return "elbTargetGroup", []string{fmt.Sprintf(acct, "elasticloadbalancing", "targetgroup/"+str(in, "name")+"/73e2d6bc24d8a067")}
		},
		"aws:lb/listener:Listener": func(_ map[string]any, lb string) (string, []string) {
			return "elbListener", []string{fmt.Sprintf(acct, "elasticloadbalancing", "listener/app/"+lb+"/50dc6c495c0c9188/f2f7dc8efc522ab2")}
		},
		"aws:lb/listenerRule:ListenerRule": func(_ map[string]any, lb string) (string, []string) {
			return "elbListener", []string{
				fmt.Sprintf(acct, "elasticloadbalancing", "listener-rule/app/"+lb+"/50dc6c495c0c9188/f2f7dc8efc522ab2/9e0e400edeaf430e"),
				fmt.Sprintf(acct, "elasticloadbalancing", "listener/app/"+lb+"/50dc6c495c0c9188/f2f7dc8efc522ab2"),
			}
		},
		"aws:cloudwatch/metricAlarm:MetricAlarm": func(in map[string]any, _ string) (string, []string) {
			return "metricAlarm", []string{fmt.Sprintf(acct, "cloudwatch", "alarm:"+str(in, "name"))}
		},
		"aws:secretsmanager/secret:Secret": func(in map[string]any, _ string) (string, []string) {
			return "secret", []string{fmt.Sprintf(acct, "secretsmanager", "secret:"+str(in, "name")+"-AbCdEf")}
		},
	}
	got := allPlans(t)
	checked := map[string]bool{}
	for _, v := range variants {
		if v.cloud != "aws" {
			continue
		}
		p := got[v.name].plan
		lb := ""
		for _, r := range p.Resources {
			if r.Type == "aws:lb/loadBalancer:LoadBalancer" {
				lb = str(r.Inputs, "name")
			}
		}
		for _, r := range p.Resources {
			f, ok := arnOf[r.Type]
			if !ok {
				continue
			}
			scope, arns := f(r.Inputs, lb)
			if !usesScope(c.Resources[r.Type], scope) {
				t.Errorf("%s: %s's catalog entry grants nothing on scope %s", v.name, r.Type, scope)
				continue
			}
			st := statement(t, doc, strings.ToUpper(scope[:1])+scope[1:])
			for _, arn := range arns {
				if !anyMatch(st.Resource, arn) {
					t.Errorf("%s: %s %s is outside %s %v", v.name, r.Type, arn, st.Sid, st.Resource)
				}
			}
			checked[r.Type] = true
		}
	}
	for typ := range arnOf {
		if !checked[typ] {
			t.Errorf("no AWS variant plans a %s, so its scope went unchecked", typ)
		}
	}
}

// TestPolicyScopesRejectOtherNames shows that the scoping excludes what is
// not berth's: another team's role, repository and secret.
func TestPolicyScopesRejectOtherNames(t *testing.T) {
	doc, err := Policy(loadCatalog(t, "aws"), DefaultPrefix)
	if err != nil {
		t.Fatal(err)
	}
	for sid, arn := range map[string]string{
		"IamRole":       "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole",
		"IamPassRole":   "arn:aws:iam::123456789012:role/admin",
		"EcrRepository": "arn:aws:ecr:us-east-1:123456789012:repository/payments",
		"Secret":        "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-password-AbCdEf",
		"LogGroup":      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/payments",
		"MetricAlarm":   "arn:aws:cloudwatch:us-east-1:123456789012:alarm:payments-5xx",
	} {
		if st := statement(t, doc, sid); anyMatch(st.Resource, arn) {
			t.Errorf("%s %v admits %s", sid, st.Resource, arn)
		}
	}
}

func usesScope(e Entry, scope string) bool {
	for _, op := range e.Operations() {
		for _, c := range op.Calls {
			if c.Scope == scope && !c.Optional {
				return true
			}
		}
	}
	return false
}

func str(in map[string]any, key string) string {
	s, _ := in[key].(string)
	return s
}

// anyMatch reports whether arn matches one of the IAM resource patterns,
// where "*" matches any run of characters and "?" any one character.
func anyMatch(patterns []string, arn string) bool {
	for _, p := range patterns {
		re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(p)) + "$"
		if regexp.MustCompile(re).MatchString(arn) {
			return true
		}
	}
	return false
}

// TestRoleFor pins the GCP custom role's services and its grants that
// matter most: actAs on the service account, secret values read on
// refresh, and no project-level IAM.
func TestRoleFor(t *testing.T) {
	role, err := RoleFor(loadCatalog(t, "gcp"))
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, p := range role.IncludedPermissions {
		has[p] = true
		switch strings.SplitN(p, ".", 2)[0] {
		case "run", "iam", "secretmanager", "vpcaccess", "artifactregistry":
		default:
			t.Errorf("permission %s is outside the services berth uses", p)
		}
	}
	for _, p := range []string{"iam.serviceAccounts.actAs", "secretmanager.versions.access", "secretmanager.secrets.setIamPolicy", "run.services.setIamPolicy", "artifactregistry.repositories.uploadArtifacts"} {
		if !has[p] {
			t.Errorf("role lacks %s", p)
		}
	}
	for _, p := range []string{"resourcemanager.projects.setIamPolicy", "iam.serviceAccounts.setIamPolicy", "iam.serviceAccountKeys.create"} {
		if has[p] {
			t.Errorf("role has %s, which berth never needs", p)
		}
	}
}

func TestPolicyAndRoleRejectWrongInput(t *testing.T) {
	aws, gcp := loadCatalog(t, "aws"), loadCatalog(t, "gcp")
	if _, err := Policy(gcp, DefaultPrefix); err == nil || !strings.Contains(err.Error(), `catalog is for "gcp"`) {
		t.Errorf("Policy(gcp catalog): %v", err)
	}
	for _, prefix := range []string{"", "Berth-", "-x", "berth_", "*"} {
		if _, err := Policy(aws, prefix); err == nil || !strings.Contains(err.Error(), "prefix") {
			t.Errorf("Policy(prefix %q): %v, want an error naming the prefix", prefix, err)
		}
	}
	if _, err := RoleFor(aws); err == nil {
		t.Error("RoleFor(aws catalog): no error")
	}
}

// TestLoadReportsEveryProblem checks the catalog checks, one case per rule,
// each message naming the path in the file.
func TestLoadReportsEveryProblem(t *testing.T) {
	base := `{"cloud":"aws","provenance":{"versions":{"L":"x"}},"docs":{"d":"u"},
	"scopes":{"s":{"resources":["arn:aws:iam::*:role/{prefix}*"],"why":"w"},"any":{"resources":["*"],"wildcard":"unverified","why":"w"},"none":{"why":"w"}},
	"configure":{"file":"f","read":[]},"invokes":{},
	"resources":{"t":{"file":"f","read":[%s]}}}`
	call := func(fields string) string { return fmt.Sprintf(base, "{"+fields+"}") }
	tests := []struct {
		name, json, want string
	}{
		{"valid", call(`"action":"iam:GetRole","scope":"s","from":"f","basis":"source"`), ""},
		{"unknown key", call(`"action":"iam:GetRole","scope":"s","from":"f","basis":"source","extra":1`), `unknown field "extra"`},
		{"action grammar", call(`"action":"iam:*","scope":"s","from":"f","basis":"source"`), `resources.t.read[0].action: "iam:*" is not a aws action name`},
		{"unknown scope", call(`"action":"iam:GetRole","scope":"x","from":"f","basis":"source"`), `resources.t.read[0].scope: "x" is not a scope (allowed: any, none, s)`},
		{"missing from", call(`"action":"iam:GetRole","scope":"s","basis":"source"`), `resources.t.read[0].from: required`},
		{"bad basis", call(`"action":"iam:GetRole","scope":"s","from":"f","basis":"guess"`), `resources.t.read[0].basis: "guess" (allowed: source, doc, inferred)`},
		{"doc key", call(`"action":"iam:GetRole","scope":"s","from":"f","basis":"doc","doc":"nope"`), `resources.t.read[0].doc: "nope" is not a docs key`},
		{"inferred without note", call(`"action":"iam:GetRole","scope":"s","from":"f","basis":"inferred"`), `resources.t.read[0].note: required when basis is inferred`},
		{"optional without note", call(`"action":"iam:GetRole","scope":"s","from":"f","basis":"source","optional":true`), `resources.t.read[0].note: required when optional`},
		{"version key", call(`"action":"iam:GetRole","scope":"s","from":"f","basis":"source","version":"Z"`), `resources.t.read[0].version: "Z" is not a provenance.versions key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.json")
			if err := os.WriteFile(path, []byte(tt.json), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Load: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Load: %v, want an error containing %q", err, tt.want)
			}
		})
	}
	// Problems are reported together, not one at a time.
	_, err := Load(writeTemp(t, call(`"action":"bad","scope":"x","basis":"guess"`)))
	if err == nil || strings.Count(err.Error(), "resources.t.read[0]") != 4 {
		t.Errorf("Load: %v, want four problems of resources.t.read[0]", err)
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.json")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
