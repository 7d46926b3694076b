package conformance

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/berth-dev/berth/internal/providers"
)

var (
	awsConfig = map[string]string{"region": "us-east-1"}
	gcpConfig = map[string]string{"project": "acme", "region": "us-central1"}
)

// createThenDiff creates v1 and checks and diffs v2 against it, as the
// engine runs an update: Check(news) and Create, then Check(olds, news2)
// and Diff(old inputs, old state, checked news2).
func (p *plug) createThenDiff(typ, name string, v1, v2 map[string]any) (createResult, resource.PropertyMap, *pulumirpc.DiffResponse) {
	p.t.Helper()
	in1 := p.mustCheck(typ, name, nil, props(v1), "seed-1")
	created := p.mustCreate(typ, name, in1)
	in2 := p.mustCheck(typ, name, in1, props(v2), "seed-2")
	return created, in2, p.diff(typ, name, created.id, in1, created.state, in2)
}

// TestDiffsAnswerAsTheProvidersDo holds each rule class of Diff (changes,
// replacements, replacement order, removals, sets, normalisation) to the
// answer read in the provider's source.
func TestDiffsAnswerAsTheProvidersDo(t *testing.T) {
	t.Parallel()
	ecsService := func(extra map[string]any) map[string]any {
		m := map[string]any{"name": "api", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/c", "taskDefinition": "api:1",
			"networkConfiguration": map[string]any{"subnets": []any{"subnet-a", "subnet-b"}, "securityGroups": []any{"sg-1"}},
			"loadBalancers":        []any{map[string]any{"containerName": "app", "containerPort": 8080.0, "targetGroupArn": "tg-1"}, map[string]any{"containerName": "app", "containerPort": 8080.0, "targetGroupArn": "tg-2"}}}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	run := func(template map[string]any, extra map[string]any) map[string]any {
		m := map[string]any{"name": "web", "location": "us-central1", "template": template}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	container := func(envs ...any) map[string]any {
		c := map[string]any{"image": "us-docker.pkg.dev/p/r/app@sha256:1"}
		if envs != nil {
			c["envs"] = envs
		}
		return c
	}
	env := func(n, v string) any { return map[string]any{"name": n, "value": v} }
	tests := []struct {
		name, cite, pkg, typ string
		v1, v2               map[string]any
		// want is "none" or the sorted top-level changed keys.
		want string
		// replace lists the replacing keys; dbr whether the provider asks
		// to delete first.
		replace []string
		dbr     bool
		// paths, when set, are the detailed diff's "path=KIND" entries.
		paths []string
	}{
		// --- Replacement and its order ---
		{name: "a name the program sets replaces delete-first",
			cite: "[BR110] pkg/tfbridge/provider.go:1250-1251, schema.go:195-246 nameRequiresDeleteBeforeReplace; [PA] setAutonaming covers aws_ecr_repository; [TPA] ecr/repository.go encryption_configuration ForceNew",
			pkg:  "aws", typ: providers.ECRRepository,
			v1:   map[string]any{"name": "orders", "encryptionConfigurations": []any{map[string]any{"encryptionType": "AES256"}}},
			v2:   map[string]any{"name": "orders", "encryptionConfigurations": []any{map[string]any{"encryptionType": "KMS"}}},
			want: "encryptionConfigurations", replace: []string{"encryptionConfigurations"}, dbr: true},
		{name: "an autonamed resource replaces create-first",
			cite: "[BR110] schema.go nameRequiresDeleteBeforeReplace: the name is in __defaults",
			pkg:  "aws", typ: providers.ECRRepository,
			v1:   map[string]any{"encryptionConfigurations": []any{map[string]any{"encryptionType": "AES256"}}},
			v2:   map[string]any{"encryptionConfigurations": []any{map[string]any{"encryptionType": "KMS"}}},
			want: "encryptionConfigurations", replace: []string{"encryptionConfigurations"}},
		{name: "a named target group's port replaces it delete-first",
			cite: "[TPA] elbv2/target_group.go port ForceNew; [PA] aws_lb_target_group AutoName(\"name\", 32, \"-\")",
			pkg:  "aws", typ: providers.TargetGroup,
			v1:   map[string]any{"name": "api-tg", "port": 8080.0, "protocol": "HTTP", "vpcId": "vpc-1", "targetType": "ip"},
			v2:   map[string]any{"name": "api-tg", "port": 9090.0, "protocol": "HTTP", "vpcId": "vpc-1", "targetType": "ip"},
			want: "port", replace: []string{"port"}, dbr: true, paths: []string{"port=UPDATE_REPLACE"}},
		{name: "a DeleteBeforeReplace type replaces delete-first without a name",
			cite: "[PG] provider/secret_manager.go:44 DeleteBeforeReplace; [TPGB] resource_secret_manager_secret.go secret_id ForceNew",
			pkg:  "gcp", typ: providers.SecretManagerSecret,
			v1:   map[string]any{"secretId": "db-url", "replication": map[string]any{"auto": map[string]any{}}},
			v2:   map[string]any{"secretId": "db-url-2", "replication": map[string]any{"auto": map[string]any{}}},
			want: "secretId", replace: []string{"secretId"}, dbr: true},
		{name: "a service account, not autonamed, replaces create-first",
			cite: "[TPGB] resource_google_service_account.go account_id Required ForceNew; [BR89] autonaming.go:53-55 only a top-level name",
			pkg:  "gcp", typ: providers.ServiceAccount,
			v1: map[string]any{"accountId": "api-runtime"}, v2: map[string]any{"accountId": "web-runtime"},
			want: "accountId", replace: []string{"accountId"}},
		{name: "a plugin-framework rule never asks to delete first",
			cite: "[BR110] pkg/pf/tfbridge/provider_diff.go:110-117; [TPA] vpc_security_group_ingress_rule.go security_group_id RequiresReplace",
			pkg:  "aws", typ: providers.SecurityGroupIngressRule,
			v1:   map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 80.0, "toPort": 80.0, "cidrIpv4": "10.0.0.0/8"},
			v2:   map[string]any{"securityGroupId": "sg-2", "ipProtocol": "tcp", "fromPort": 80.0, "toPort": 80.0, "cidrIpv4": "10.0.0.0/8"},
			want: "securityGroupId", replace: []string{"securityGroupId"}},
		{name: "a rule's port updates in place",
			cite: "[TPA] vpc_security_group_ingress_rule.go: only security_group_id RequiresReplace; ModifySecurityGroupRules",
			pkg:  "aws", typ: providers.SecurityGroupIngressRule,
			v1:   map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 80.0, "toPort": 80.0, "cidrIpv4": "10.0.0.0/8"},
			v2:   map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 8080.0, "toPort": 8080.0, "cidrIpv4": "10.0.0.0/8"},
			want: "fromPort toPort"},
		{name: "a rule's new kind of source replaces it",
			cite: "[TPA] vpc_security_group_ingress_rule.go ModifyPlan: a changed source kind RequiresReplace",
			pkg:  "aws", typ: providers.SecurityGroupIngressRule,
			v1:   map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 80.0, "toPort": 80.0, "referencedSecurityGroupId": "sg-lb"},
			v2:   map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 80.0, "toPort": 80.0, "cidrIpv4": "0.0.0.0/0"},
			want: "cidrIpv4 referencedSecurityGroupId", replace: []string{"cidrIpv4", "referencedSecurityGroupId"}},
		{name: "a connector's size replaces it, delete-first when named",
			cite: "[TPGB] resource_vpc_access_connector.go:35-177 every argument ForceNew, no Update; [PG] resources.go:2744 SetAutonaming",
			pkg:  "gcp", typ: providers.VPCAccessConnector,
			v1:   map[string]any{"name": "c", "network": "default", "ipCidrRange": "10.8.0.0/28", "minInstances": 2.0, "maxInstances": 3.0},
			v2:   map[string]any{"name": "c", "network": "default", "ipCidrRange": "10.8.0.0/28", "minInstances": 2.0, "maxInstances": 4.0},
			want: "maxInstances", replace: []string{"maxInstances"}, dbr: true},
		{name: "a Cloud Run template change is an update",
			cite: "[TPGB] resource_cloud_run_v2_service.go:72-76 template Required, not ForceNew",
			pkg:  "gcp", typ: providers.CloudRunService,
			v1:   run(map[string]any{"containers": []any{container(env("A", "1"))}}, nil),
			v2:   run(map[string]any{"containers": []any{container(env("A", "2"))}}, nil),
			want: "template", paths: []string{"template.containers[0].envs[0].value=UPDATE"}},
		{name: "a nested ForceNew property replaces",
			cite: "[TPA] ecs/service.go deployment_controller.type ForceNew",
			pkg:  "aws", typ: providers.ECSService,
			v1:   ecsService(map[string]any{"deploymentController": map[string]any{"type": "ECS"}}),
			v2:   ecsService(map[string]any{"deploymentController": map[string]any{"type": "CODE_DEPLOY"}}),
			want: "deploymentController", replace: []string{"deploymentController"}, dbr: true},

		// --- Removals ---
		{name: "dropping a plain optional block is an update",
			cite: "[TPGB] resource_cloud_run_v2_service.go:715-720 template.vpc_access Optional, not Computed; OpenTofu objchange.ProposedNew takes the config's null",
			pkg:  "gcp", typ: providers.CloudRunService,
			v1:   run(map[string]any{"containers": []any{container()}, "vpcAccess": map[string]any{"connector": "projects/acme/locations/us-central1/connectors/c", "egress": "PRIVATE_RANGES_ONLY"}}, nil),
			v2:   run(map[string]any{"containers": []any{container()}}, nil),
			want: "template", paths: []string{"template.vpcAccess=DELETE"}},
		{name: "dropping the last env var is an update",
			cite: "[TPGB] resource_cloud_run_v2_service.go:125-128 containers.env TypeList, plain Optional",
			pkg:  "gcp", typ: providers.CloudRunService,
			v1:   run(map[string]any{"containers": []any{container(env("A", "1"))}}, nil),
			v2:   run(map[string]any{"containers": []any{container()}}, nil),
			want: "template", paths: []string{"template.containers[0].envs=DELETE"}},
		{name: "dropping an optional+computed input keeps the cloud's",
			cite: "[TPGB] resource_cloud_run_v2_service.go:843-849 ingress Optional+Computed; objchange.go proposedNewAttributes keeps the prior value",
			pkg:  "gcp", typ: providers.CloudRunService,
			v1:   run(map[string]any{"containers": []any{container()}}, map[string]any{"ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY"}),
			v2:   run(map[string]any{"containers": []any{container()}}, nil),
			want: "none"},
		{name: "dropping an optional input without a default is an update",
			cite: "[TPA] ecs/service.go desired_count Optional, no default, not Computed",
			pkg:  "aws", typ: providers.ECSService,
			v1: ecsService(map[string]any{"desiredCount": 2.0}), v2: ecsService(nil),
			want: "desiredCount", paths: []string{"desiredCount=DELETE"}},
		{name: "dropping an optional+computed block keeps the cloud's",
			cite: "[TPA] elbv2/target_group.go health_check Optional+Computed",
			pkg:  "aws", typ: providers.TargetGroup,
			v1:   map[string]any{"port": 80.0, "protocol": "HTTP", "vpcId": "vpc-1", "healthCheck": map[string]any{"path": "/healthz"}},
			v2:   map[string]any{"port": 80.0, "protocol": "HTTP", "vpcId": "vpc-1"},
			want: "none"},

		// --- Sets and lists ---
		{name: "reordering a set is no change",
			cite: "[TPA] ecs/service.go network_configuration.subnets and load_balancer TypeSet; [BR110] detailed_diff.go makeSetDiff",
			pkg:  "aws", typ: providers.ECSService,
			v1: ecsService(nil),
			v2: ecsService(map[string]any{
				"networkConfiguration": map[string]any{"subnets": []any{"subnet-b", "subnet-a"}, "securityGroups": []any{"sg-1"}},
				"loadBalancers":        []any{map[string]any{"containerName": "app", "containerPort": 8080.0, "targetGroupArn": "tg-2"}, map[string]any{"containerName": "app", "containerPort": 8080.0, "targetGroupArn": "tg-1"}}}),
			want: "none"},
		{name: "reordering a list is a change",
			cite: "[TPGB] resource_cloud_run_v2_service.go:125-128 env TypeList, no DiffSuppress",
			pkg:  "gcp", typ: providers.CloudRunService,
			v1:   run(map[string]any{"containers": []any{container(env("A", "1"), env("B", "2"))}}, nil),
			v2:   run(map[string]any{"containers": []any{container(env("B", "2"), env("A", "1"))}}, nil),
			want: "template"},
		{name: "reordering a role's managed policies is no change",
			cite: "[TPA] iam/role.go managed_policy_arns TypeSet",
			pkg:  "aws", typ: providers.IAMRole,
			v1:   map[string]any{"assumeRolePolicy": `{"Version":"2012-10-17","Statement":[]}`, "managedPolicyArns": []any{"arn:a", "arn:b"}},
			v2:   map[string]any{"assumeRolePolicy": `{"Version":"2012-10-17","Statement":[]}`, "managedPolicyArns": []any{"arn:b", "arn:a"}},
			want: "none"},

		// --- Normalisation ---
		{name: "equivalent container definitions are no change",
			cite: "[TPA] ecs/container_definitions.go containerDefinitionsAreEquivalent: containers and env sorted by name, essential true, tcp and host port defaults",
			pkg:  "aws", typ: providers.ECSTaskDefinition,
			v1: map[string]any{"family": "api", "networkMode": "awsvpc", "containerDefinitions": `[{"name":"b","image":"i"},{"name":"a","image":"i","essential":true,` +
				`"environment":[{"name":"Y","value":"2"},{"name":"X","value":"1"}],"portMappings":[{"containerPort":8080,"protocol":"tcp"}]}]`},
			v2: map[string]any{"family": "api", "networkMode": "awsvpc", "containerDefinitions": `[{"name":"a","image":"i","environment":[{"name":"X","value":"1"},` +
				`{"name":"Y","value":"2"}],"portMappings":[{"containerPort":8080,"hostPort":8080}]},{"name":"b","image":"i"}]`},
			want: "none"},
		{name: "a container definition's new image replaces the task definition",
			cite: "[TPA] ecs/task_definition.go container_definitions ForceNew",
			pkg:  "aws", typ: providers.ECSTaskDefinition,
			v1:   map[string]any{"family": "api", "containerDefinitions": `[{"name":"a","image":"i:1"}]`},
			v2:   map[string]any{"family": "api", "containerDefinitions": `[{"name":"a","image":"i:2"}]`},
			want: "containerDefinitions", replace: []string{"containerDefinitions"}},
		{name: "an equivalent IAM policy is no change",
			cite: "[TPA] verify/json.go SuppressEquivalentPolicyDiffs over awspolicyequivalence: statement order and single values",
			pkg:  "aws", typ: providers.IAMRole,
			v1: map[string]any{"assumeRolePolicy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],` +
				`"Principal":{"Service":["ecs-tasks.amazonaws.com"]}},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`},
			v2: map[string]any{"assumeRolePolicy": `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":["*"]},{"Principal":{"Service":"ecs-tasks.amazonaws.com"},` +
				`"Action":"sts:AssumeRole","Effect":"Allow"}],"Version":"2012-10-17"}`},
			want: "none"},
		{name: "an IAM member's case is no change",
			cite: "[TPGB] tpgiamresource/resource_iam_member.go:20-26 iamMemberCaseDiffSuppress",
			pkg:  "gcp", typ: providers.CloudRunServiceIAMMember,
			v1:   map[string]any{"name": "web", "role": "roles/run.invoker", "member": "user:Ana@Example.com"},
			v2:   map[string]any{"name": "web", "role": "roles/run.invoker", "member": "user:ana@example.com"},
			want: "none"},
		{name: "allUsers is case-sensitive",
			cite: "[TPGB] tpgiamresource/iam.go:254-260 caseSensitiveMember",
			pkg:  "gcp", typ: providers.CloudRunServiceIAMMember,
			v1:   map[string]any{"name": "web", "role": "roles/run.invoker", "member": "allUsers"},
			v2:   map[string]any{"name": "web", "role": "roles/run.invoker", "member": "allusers"},
			want: "member", replace: []string{"member"}, dbr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			config := awsConfig
			if tt.pkg == "gcp" {
				config = gcpConfig
			}
			p := start(t, tt.pkg, config)
			if tt.typ == providers.ECSService {
				p.listenerFor("tg-1", "tg-2")
			}
			_, _, d := p.createThenDiff(tt.typ, "r", tt.v1, tt.v2)
			got := "none"
			if d.GetChanges() == pulumirpc.DiffResponse_DIFF_SOME {
				got = strings.Join(d.GetDiffs(), " ")
			}
			if got != tt.want {
				t.Errorf("changed %q, want %q (%s)\ndetailed %v", got, tt.want, tt.cite, detailed(d))
			}
			if !slices.Equal(d.GetReplaces(), tt.replace) {
				t.Errorf("replaces %v, want %v (%s)", d.GetReplaces(), tt.replace, tt.cite)
			}
			if d.GetDeleteBeforeReplace() != tt.dbr {
				t.Errorf("deleteBeforeReplace %t, want %t (%s)", d.GetDeleteBeforeReplace(), tt.dbr, tt.cite)
			}
			if tt.paths != nil && !slices.Equal(detailed(d), tt.paths) {
				t.Errorf("detailed diff %v, want %v (%s)", detailed(d), tt.paths, tt.cite)
			}
		})
	}
}

// TestCheckAnswersAsTheBridgeDoes holds Check to the bridge's autonaming,
// defaults and required inputs.
func TestCheckAnswersAsTheBridgeDoes(t *testing.T) {
	t.Parallel()
	hex7 := func(prefix string) *regexp.Regexp {
		return regexp.MustCompile("^" + regexp.QuoteMeta(prefix) + "-[0-9a-f]{7}$")
	}
	t.Run("autonames every named type the provider autonames", func(t *testing.T) {
		t.Parallel()
		// [PA] setAutonaming (255, "-"), [PG] resources.go:2744
		// SetAutonaming(255, "-"), [BR89] autonaming.go AutoName: the
		// logical name, "-", seven hex characters of the engine's seed.
		for _, c := range []struct {
			pkg, typ, prop string
			in             map[string]any
		}{
			{"aws", providers.ECRRepository, "name", nil},
			{"aws", providers.ECSCluster, "name", nil},
			{"aws", providers.ECSService, "name", nil},
			{"aws", providers.ScalingPolicy, "name", map[string]any{"resourceId": "service/c/s", "scalableDimension": "ecs:service:DesiredCount", "serviceNamespace": "ecs"}},
			{"aws", providers.LoadBalancer, "name", nil},
			{"aws", providers.LogGroup, "name", nil},
			{"gcp", providers.CloudRunService, "name", map[string]any{"location": "us-central1", "template": map[string]any{}}},
			{"gcp", providers.VPCAccessConnector, "name", nil},
			{"gcp", providers.PubSubTopic, "name", nil},
		} {
			cfg := awsConfig
			if c.pkg == "gcp" {
				cfg = gcpConfig
			}
			p := start(t, c.pkg, cfg)
			in, failures := p.check(c.typ, "orders", nil, props(c.in), "seed")
			if len(failures) > 0 {
				t.Errorf("%s without a name: failures %v, want none", c.typ, failures)
				continue
			}
			name, _ := in[resource.PropertyKey(c.prop)].V.(string)
			if !hex7("orders").MatchString(name) {
				t.Errorf("%s: %s = %q, want orders-<7 hex>", c.typ, c.prop, name)
			}
			if d := in[providers.DefaultsKey]; !d.IsArray() || !slices.ContainsFunc(d.ArrayValue(), func(v resource.PropertyValue) bool { return v.V == c.prop }) {
				t.Errorf("%s: __defaults = %v, want it to list %s", c.typ, d, c.prop)
			}
			again, _ := p.check(c.typ, "orders", nil, props(c.in), "seed")
			if again[resource.PropertyKey(c.prop)].V != name {
				t.Errorf("%s: the same seed gave %v, then %v", c.typ, name, again[resource.PropertyKey(c.prop)].V)
			}
			kept, _ := p.check(c.typ, "orders", in, props(c.in), "another seed")
			if kept[resource.PropertyKey(c.prop)].V != name {
				t.Errorf("%s: an update's Check renamed %q to %v (ComputeAutoNameDefault reuses the prior value)", c.typ, name, kept[resource.PropertyKey(c.prop)].V)
			}
		}
	})
	t.Run("does not autoname an ID that is not called name", func(t *testing.T) {
		t.Parallel()
		// [BR89] autonaming.go:53-55: only a top-level `name`.
		p := start(t, "gcp", gcpConfig)
		_, failures := p.check(providers.ServiceAccount, "sa", nil, props(nil), "seed")
		if len(failures) != 1 || failures[0].GetProperty() != "accountId" {
			t.Errorf("service account without accountId: failures %v, want accountId required", failures)
		}
	})
	t.Run("a name too long for the type is Check's error, not cut", func(t *testing.T) {
		t.Parallel()
		// [PA] aws_iam_role AutoName("name", 64, "-"); [SDK]
		// go/common/resource/resource_id.go NewUniqueName; the bridge's
		// Check returns it as its error ([BR110] provider.go:1021-1027).
		p := start(t, "aws", awsConfig)
		long := strings.Repeat("r", 57)
		_, err := p.client.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn(providers.IAMRole, long), Name: long, Type: providers.IAMRole,
			News: p.marshal(props(map[string]any{"assumeRolePolicy": "{}"})), RandomSeed: []byte("seed")})
		if err == nil || !strings.Contains(err.Error(), "could not make instance of 'aws:iam/role:Role': name '"+long+"-' plus 7 random chars is longer than maximum length 64") {
			t.Errorf("Check: %v, want the maximum length error", err)
		}
	})
	t.Run("a lowercasing autoname", func(t *testing.T) {
		t.Parallel()
		// [PG] resources.go:325-335 lowercaseAutoName for
		// google_compute_subnetwork.
		p := start(t, "gcp", gcpConfig)
		in := p.mustCheck(providers.ComputeSubnetwork, "Private", nil, props(map[string]any{"ipCidrRange": "10.0.0.0/24", "network": "default"}), "seed")
		if name, _ := in["name"].V.(string); !hex7("private").MatchString(name) {
			t.Errorf("name = %q, want private-<7 hex>", name)
		}
	})
	t.Run("Pulumi's defaults in Check, Terraform's in the state", func(t *testing.T) {
		t.Parallel()
		// Check writes only the Pulumi provider's defaults ([PA]
		// aws_security_group "description": {Default: managedByPulumi})
		// and lists them; Terraform's ([TPA] ecr/repository.go
		// image_tag_mutability Default MUTABLE, logs/group.go
		// retention_in_days Default 0, ec2 security group
		// revoke_rules_on_delete Default false) are the plan's: [BR89]
		// provider.go:971-974 and [BR110] :1021-1024 check with
		// DisableTFDefaults.
		p := start(t, "aws", awsConfig)
		for typ, want := range map[string]struct {
			checked, state map[string]any
			defaulted      []string
		}{
			providers.ECRRepository: {state: map[string]any{"imageTagMutability": "MUTABLE"}},
			providers.SecurityGroup: {checked: map[string]any{"description": "Managed by Pulumi"}, state: map[string]any{"revokeRulesOnDelete": false}, defaulted: []string{"description"}},
			providers.LogGroup:      {state: map[string]any{"retentionInDays": 0.0, "skipDestroy": false}},
		} {
			in := p.mustCheck(typ, "r", nil, props(map[string]any{"name": "r"}), "seed")
			for k, v := range want.checked {
				if got := in[resource.PropertyKey(k)].V; got != v {
					t.Errorf("%s: checked %s = %v, want %v", typ, k, got, v)
				}
			}
			for k := range want.state {
				if _, has := in[resource.PropertyKey(k)]; has {
					t.Errorf("%s: Check wrote Terraform's default of %s", typ, k)
				}
			}
			var listed []string
			for _, v := range in[providers.DefaultsKey].ArrayValue() {
				listed = append(listed, v.StringValue())
			}
			if !slices.Equal(listed, want.defaulted) {
				t.Errorf("%s: __defaults = %v, want %v", typ, listed, want.defaulted)
			}
			state := p.mustCreate(typ, "r", in).state
			for k, v := range want.state {
				if got := state[resource.PropertyKey(k)].V; got != v {
					t.Errorf("%s: state %s = %v, want %v", typ, k, got, v)
				}
			}
		}
	})
	t.Run("required inputs, nested ones too", func(t *testing.T) {
		t.Parallel()
		// [SDKA] iam/role.go:403 AssumeRolePolicy required; [TPGB]
		// resource_cloud_run_v2_service.go:59-76 location and template
		// required, :96 containers.image required.
		aws := start(t, "aws", awsConfig)
		if _, f := aws.check(providers.IAMRole, "r", nil, props(nil), "s"); len(f) != 1 || f[0].GetProperty() != "assumeRolePolicy" {
			t.Errorf("role: failures %v, want assumeRolePolicy", f)
		}
		gcp := start(t, "gcp", gcpConfig)
		_, f := gcp.check(providers.CloudRunService, "r", nil, props(map[string]any{"template": map[string]any{"containers": []any{map[string]any{}}}}), "s")
		var got []string
		for _, x := range f {
			got = append(got, x.GetProperty())
		}
		if !slices.Equal(got, []string{"location", "template.containers[0].image"}) {
			t.Errorf("cloud run: failures at %v, want location and template.containers[0].image", got)
		}
	})
}
