package diff

import (
	"reflect"
	"strings"
	"testing"
)

func TestReplaceCauses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		typ   string
		paths []string
		want  []string
	}{
		{"service account ID", "gcp:serviceaccount/account:Account", []string{"accountId", "displayName"}, []string{"accountId"}},
		{"display name only", "gcp:serviceaccount/account:Account", []string{"displayName", "description"}, nil},
		{"Cloud Run template updates in place", "gcp:cloudrunv2/service:Service", []string{"template.scaling.maxInstanceCount"}, nil},
		{"Cloud Run name", "gcp:cloudrunv2/service:Service", []string{"name", "template.serviceAccount"}, []string{"name"}},
		{"nested property is covered", "aws:ecr/repository:Repository", []string{"encryptionConfigurations[0].encryptionType"}, []string{"encryptionConfigurations"}},
		{"prefix of another name is not covered", "aws:ecs/service:Service", []string{"nameSuffix", "desiredCount"}, nil},
		{"IAM member: every input", "gcp:cloudrunv2/serviceIamMember:ServiceIamMember", []string{"member", "role"}, []string{"member", "role"}},
		{"connector: every input", "gcp:vpcaccess/connector:Connector", []string{"maxInstances"}, []string{"maxInstances"}},
		{"load balancer internal", "aws:lb/loadBalancer:LoadBalancer", []string{"internal", "idleTimeout"}, []string{"internal"}},
		{"ingress rule cidr updates in place", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", []string{"cidrIpv4"}, nil},
		{"ingress rule moved to another group", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", []string{"securityGroupId"}, []string{"securityGroupId"}},
		{"role policy document updates in place", "aws:iam/rolePolicy:RolePolicy", []string{"policy.Statement[0].Action[0]"}, nil},
		{"task definition", "aws:ecs/taskDefinition:TaskDefinition", []string{"containerDefinitions[name=app].image", "tags.env"}, []string{"containerDefinitions"}},
		{"secret version value", "gcp:secretmanager/secretVersion:SecretVersion", []string{"secretData"}, []string{"secretData"}},
		{"log group retention", "aws:cloudwatch/logGroup:LogGroup", []string{"retentionInDays"}, nil},
		{"autoscaling target capacity", "aws:appautoscaling/target:Target", []string{"maxCapacity"}, nil},
		{"unknown type never replaces", "example:index:Thing", []string{"name"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			values := make([]Value, len(tt.paths))
			for i, p := range tt.paths {
				values[i] = Value{Path: p, HasOld: true, HasNew: true}
			}
			if got := replaceCauses(tt.typ, values, nil); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("replaceCauses(%s, %v) = %v, want %v", tt.typ, tt.paths, got, tt.want)
			}
		})
	}
}

func TestReplaceTableCoversTheTypesBerthCreates(t *testing.T) {
	t.Parallel()
	// The types the components and infra register (components/cloudrun,
	// components/image, infra/program, components/fargate), apart from
	// docker:index/image:Image, which updates in place.
	types := []string{
		"gcp:secretmanager/secret:Secret", "gcp:secretmanager/secretVersion:SecretVersion",
		"gcp:secretmanager/secretIamMember:SecretIamMember", "gcp:artifactregistry/repository:Repository",
		"gcp:serviceaccount/account:Account", "gcp:vpcaccess/connector:Connector",
		"gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
		"aws:ecr/repository:Repository", "aws:ecr/lifecyclePolicy:LifecyclePolicy",
		"aws:ecs/cluster:Cluster", "aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/service:Service",
		"aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener",
		"aws:ec2/securityGroup:SecurityGroup",
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
		"aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:cloudwatch/logGroup:LogGroup",
		"aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy",
	}
	for _, typ := range types {
		props := ReplaceProperties[typ]
		if len(props) == 0 {
			t.Errorf("%s has no replace properties", typ)
		}
		for _, p := range props {
			if p != allInputs && strings.ContainsAny(p, ".[_ ") {
				t.Errorf("%s: property %q is not a top-level camelCase input name", typ, p)
			}
		}
	}
}
