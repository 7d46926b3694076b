package diff

import (
	"reflect"
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
		{"a change inside a ForceNew block names the block", "aws:ecr/repository:Repository", []string{"encryptionConfigurations[0].encryptionType"}, []string{"encryptionConfigurations"}},
		{"a ForceNew property inside a block", "aws:ecs/service:Service", []string{"deploymentController.type"}, []string{"deploymentController.type"}},
		{"prefix of another name is not covered", "aws:ecs/service:Service", []string{"nameSuffix", "desiredCount"}, nil},
		{"IAM member: every input", "gcp:cloudrunv2/serviceIamMember:ServiceIamMember", []string{"member", "role"}, []string{"member", "role"}},
		{"target group port", "aws:lb/targetGroup:TargetGroup", []string{"port", "healthCheck.path"}, []string{"port"}},
		{"connector: every input", "gcp:vpcaccess/connector:Connector", []string{"maxInstances"}, []string{"maxInstances"}},
		{"load balancer internal", "aws:lb/loadBalancer:LoadBalancer", []string{"internal", "idleTimeout"}, []string{"internal"}},
		{"ingress rule cidr updates in place", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", []string{"cidrIpv4"}, nil},
		{"ingress rule moved to another group", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", []string{"securityGroupId"}, []string{"securityGroupId"}},
		{"role policy document updates in place", "aws:iam/rolePolicy:RolePolicy", []string{"policy.Statement[0].Action[0]"}, nil},
		{"task definition", "aws:ecs/taskDefinition:TaskDefinition", []string{"containerDefinitions[name=app].image", "tags.env"}, []string{"containerDefinitions"}},
		{"secret version value", "gcp:secretmanager/secretVersion:SecretVersion", []string{"secretData"}, []string{"secretData"}},
		{"log group retention", "aws:cloudwatch/logGroup:LogGroup", []string{"retentionInDays"}, nil},
		{"autoscaling target capacity", "aws:appautoscaling/target:Target", []string{"maxCapacity"}, nil},
		{"certificate domain", "aws:acm/certificate:Certificate", []string{"domainName", "tags.team"}, []string{"domainName"}},
		{"certificate early renewal updates in place", "aws:acm/certificate:Certificate", []string{"earlyRenewalDuration"}, nil},
		{"unknown type never replaces", "example:index:Thing", []string{"name"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			values := make([]Value, len(tt.paths))
			for i, p := range tt.paths {
				values[i] = Value{Path: p, HasOld: true, HasNew: true}
			}
			if got := replaceCauses(tt.typ, values, nil, nil, nil); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("replaceCauses(%s, %v) = %v, want %v", tt.typ, tt.paths, got, tt.want)
			}
		})
	}
}

func TestReplacementRulesComeFromTheProviderModel(t *testing.T) {
	t.Parallel()
	// A network load balancer whose subnets shrink is replaced (a
	// CustomizeDiff rule the model holds); an application one updates.
	lb := func(typ string, subnets ...any) map[string]any {
		return map[string]any{"loadBalancerType": typ, "subnets": subnets}
	}
	values := []Value{{Path: "subnets[1]", HasOld: true}}
	if got := replaceCauses("aws:lb/loadBalancer:LoadBalancer", values, nil, lb("network", "a", "b"), lb("network", "a")); !reflect.DeepEqual(got, []string{"subnets"}) {
		t.Errorf("network load balancer losing a subnet: causes %v, want [subnets]", got)
	}
	if got := replaceCauses("aws:lb/loadBalancer:LoadBalancer", values, nil, lb("application", "a", "b"), lb("application", "a")); got != nil {
		t.Errorf("application load balancer losing a subnet: causes %v, want none", got)
	}
}
