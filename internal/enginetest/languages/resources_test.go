package languages

import (
	"slices"
)

// created returns the resources the first up of a README program creates,
// "create TYPE NAME", sorted: those of cloud ("cloudrun" or "fargate") and
// the berth provider, named as the engine names a default provider:
// default_VERSION, or default when the plugin has no version, as a plugin
// that packages: names by path (pkg/v3 v3.274.1
// resource/deploy/providers/provider.go:101-107, ProviderRequest.DefaultName).
func created(cloud, berthProvider string) []string {
	out := append(slices.Clone(resources[cloud]), "create pulumi:providers:berth "+berthProvider)
	slices.Sort(out)
	return out
}

// resources are the resources of each cloud's program but the berth
// provider.
var resources = map[string][]string{
	"cloudrun": {
		"create berth:cloudrun:Service orders",
		"create berth:image:Image orders",
		"create berth:index:Service orders",
		"create docker:index/image:Image orders-image",
		"create gcp:artifactregistry/repository:Repository orders-repo",
		"create gcp:cloudrunv2/service:Service orders-svc",
		"create gcp:secretmanager/secretIamMember:SecretIamMember orders-secret-orders-db-url-825ae72",
		"create gcp:serviceaccount/account:Account orders-sa",
		"create pulumi:providers:docker default_4_11_2",
		"create pulumi:providers:gcp default_7_38_0",
		"create pulumi:pulumi:Stack orders-dev",
	},
	"fargate": {
		"create aws:appautoscaling/policy:Policy orders-cpu",
		"create aws:appautoscaling/policy:Policy orders-requests",
		"create aws:appautoscaling/target:Target orders-scaling",
		"create aws:cloudwatch/logGroup:LogGroup orders-logs",
		"create aws:cloudwatch/metricAlarm:MetricAlarm orders-5xx",
		"create aws:cloudwatch/metricAlarm:MetricAlarm orders-unhealthy",
		"create aws:ec2/securityGroup:SecurityGroup orders-lb-sg",
		"create aws:ec2/securityGroup:SecurityGroup orders-task-sg",
		"create aws:ecr/lifecyclePolicy:LifecyclePolicy orders-lifecycle",
		"create aws:ecr/repository:Repository orders-repo",
		"create aws:ecs/cluster:Cluster orders-cluster",
		"create aws:ecs/service:Service orders-svc",
		"create aws:ecs/taskDefinition:TaskDefinition orders-taskdef",
		"create aws:iam/role:Role orders-exec-role",
		"create aws:iam/role:Role orders-task-role",
		"create aws:iam/rolePolicy:RolePolicy orders-exec-policy",
		"create aws:lb/listener:Listener orders-http",
		"create aws:lb/listener:Listener orders-https",
		"create aws:lb/loadBalancer:LoadBalancer orders-lb",
		"create aws:lb/targetGroup:TargetGroup orders-tg",
		"create aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule orders-lb-out-8080",
		"create aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule orders-task-out-ipv4",
		"create aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule orders-task-out-ipv6",
		"create aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule orders-lb-in-443-0-0-0-0-0",
		"create aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule orders-lb-in-443-ipv6-xx-0",
		"create aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule orders-lb-in-80-0-0-0-0-0",
		"create aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule orders-lb-in-80-ipv6-xx-0",
		"create aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule orders-task-in-8080",
		"create berth:fargate:Service orders",
		"create berth:image:Image orders",
		"create berth:index:Service orders",
		"create docker:index/image:Image orders-image",
		"create pulumi:providers:aws default_6_83_4",
		"create pulumi:providers:docker default_4_11_2",
		"create pulumi:pulumi:Stack orders-dev",
	},
}
