package model

import (
	"encoding/json"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// AWS rules. Sources are files of hashicorp/terraform-provider-aws v5 (the
// upstream of pulumi-aws 6.x), named with the function that declares the
// schema; the duplicate errors are the AWS API's exception names (AWS API
// references), which the provider returns as they are. The repository was
// too large to fetch whole here: the ECS waiter
// (statusServiceWaitForStable) was read in the v5 source; the other
// schemas' Required/ForceNew/Default flags are written from the v5
// provider's documented schemas and were not re-read at the exact upstream
// commit of pulumi-aws 6.83.4.

// awsPartition is the partition of a Region (AWS General Reference, ARNs).
func awsPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// arn builds "arn:PARTITION:SERVICE:REGION:ACCOUNT:" + rest.
func (c *Ctx) arn(service string, regional bool, rest ...Part) resource.PropertyValue {
	region := c.Cfg("region")
	parts := []Part{Lit("arn:" + awsPartition(c.Config["region"]) + ":" + service + ":")}
	if regional {
		parts = append(parts, region)
	}
	parts = append(parts, Lit(":"), c.Cfg("account"), Lit(":"))
	return S(append(parts, rest...)...)
}

// scope is "ACCOUNT/REGION/" for regional uniqueness keys.
func (c *Ctx) scope(kind string) string {
	return kind + "/" + c.Config["account"] + "/" + c.Config["region"] + "/"
}

// str is the known string value of input key, "" otherwise.
func (c *Ctx) str(key string) string {
	s, _ := c.Str(key).Known()
	return s
}

// jsonEquivalent compares two JSON documents by value, as the provider's
// DiffSuppressFunc for policy and container-definition documents does
// (verify.SuppressEquivalentJSONDiffs; ecs containerDefinitionsAreEquivalent,
// which also fills ECS's defaults: berth writes them out, so comparing
// values is stricter, never looser).
func jsonEquivalent(n, o resource.PropertyValue) bool {
	n, o = unsecret(n), unsecret(o)
	if !n.IsString() || !o.IsString() {
		return covers(n, o)
	}
	var a, b any
	if json.Unmarshal([]byte(n.StringValue()), &a) != nil || json.Unmarshal([]byte(o.StringValue()), &b) != nil {
		return n.StringValue() == o.StringValue()
	}
	return resource.NewPropertyValue(a).DeepEquals(resource.NewPropertyValue(b))
}

func awsTypes() []*Type {
	return []*Type{
		{
			Token:  "aws:ecr/repository:Repository",
			Source: "internal/service/ecr/repository.go ResourceRepository, resourceRepositoryCreate, resourceRepositoryDelete",
			// name is Required and ForceNew; image_tag_mutability defaults to
			// MUTABLE; encryption_configuration is ForceNew.
			Required: []string{"name"},
			Defaults: resource.PropertyMap{"imageTagMutability": resource.NewProperty("MUTABLE"), "forceDelete": resource.NewProperty(false)},
			ForceNew: []string{"name", "encryptionConfigurations"},
			Computed: []string{"encryptionConfigurations"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				host := S(c.Cfg("account"), Lit(".dkr.ecr."), c.Cfg("region"), Lit(".amazonaws.com/"), c.Str("name"))
				return S(c.Str("name")), resource.PropertyMap{
					"arn":           c.arn("ecr", true, Lit("repository/"), c.Str("name")),
					"registryId":    S(c.Cfg("account")),
					"repositoryUrl": host,
					// The API fills encryption with AES256 when none is given.
					"encryptionConfigurations": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
						"encryptionType": resource.NewProperty("AES256"), "kmsKey": resource.NewProperty(""),
					})}),
				}
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("ecr-repository") + c.str("name"),
					"RepositoryAlreadyExistsException: The repository with name '" + c.str("name") + "' already exists in the registry with id '" + c.Config["account"] + "'"}}
			},
		},
		{
			Token:    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
			Source:   "internal/service/ecr/lifecycle_policy.go ResourceLifecyclePolicy",
			Required: []string{"repository", "policy"},
			ForceNew: []string{"repository"},
			// PutLifecyclePolicy replaces the repository's one policy: no
			// duplicate error (so a create-before-delete replacement on the
			// same repository deletes the new policy; the fake does not
			// model that overwrite).
			Equivalent: map[string]func(n, o resource.PropertyValue) bool{"policy": jsonEquivalent},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("repository")), resource.PropertyMap{"registryId": S(c.Cfg("account"))}
			},
		},
		{
			Token:  "aws:cloudwatch/logGroup:LogGroup",
			Source: "internal/service/logs/group.go resourceGroup",
			// name (name_prefix) is Optional, Computed, ForceNew;
			// retention_in_days defaults to 0, skip_destroy to false;
			// log_group_class is Computed (STANDARD).
			Defaults: resource.PropertyMap{"retentionInDays": resource.NewProperty(0.0), "skipDestroy": resource.NewProperty(false)},
			ForceNew: []string{"name", "namePrefix", "logGroupClass"},
			Computed: []string{"logGroupClass", "name"},
			Autoname: "name",
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("name")), resource.PropertyMap{
					// The provider strips the trailing ":*" of the API's ARN.
					"arn":           c.arn("logs", true, Lit("log-group:"), c.Str("name")),
					"logGroupClass": resource.NewProperty("STANDARD"),
				}
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("log-group") + c.str("name"), "ResourceAlreadyExistsException: The specified log group already exists"}}
			},
		},
		{
			Token:  "aws:iam/role:Role",
			Source: "internal/service/iam/role.go resourceRole",
			// name is Optional, Computed, ForceNew; path defaults to "/" and
			// is ForceNew; assume_role_policy is Required;
			// max_session_duration defaults to 3600, force_detach_policies
			// to false.
			Required:   []string{"assumeRolePolicy"},
			Defaults:   resource.PropertyMap{"path": resource.NewProperty("/"), "maxSessionDuration": resource.NewProperty(3600.0), "forceDetachPolicies": resource.NewProperty(false)},
			ForceNew:   []string{"name", "namePrefix", "path"},
			Computed:   []string{"name"},
			Autoname:   "name",
			Equivalent: map[string]func(n, o resource.PropertyValue) bool{"assumeRolePolicy": jsonEquivalent},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("name")), resource.PropertyMap{
					"arn":      c.arn("iam", false, Lit("role"), c.Str("path"), c.Str("name")),
					"uniqueId": S(Lit("AROA"), c.Gen("uniqueId", UpperAlnum, 17)),
				}
			},
			// IAM is global: unique per account, in no Region.
			Unique: func(c *Ctx) []Key {
				return []Key{{"iam-role/" + c.Config["account"] + "/" + c.str("name"),
					"EntityAlreadyExists: Role with name " + c.str("name") + " already exists."}}
			},
		},
		{
			Token:  "aws:iam/rolePolicy:RolePolicy",
			Source: "internal/service/iam/role_policy.go resourceRolePolicy",
			// role is Required and ForceNew, name Optional, Computed,
			// ForceNew, policy Required. PutRolePolicy overwrites a policy
			// of the same name: no duplicate error.
			Required:   []string{"role", "policy"},
			ForceNew:   []string{"role", "name", "namePrefix"},
			Computed:   []string{"name"},
			Autoname:   "name",
			Equivalent: map[string]func(n, o resource.PropertyValue) bool{"policy": jsonEquivalent},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("role"), Lit(":"), c.Str("name")), nil
			},
		},
		{
			Token:  "aws:ec2/securityGroup:SecurityGroup",
			Source: "internal/service/ec2/vpc_security_group.go resourceSecurityGroup",
			// name is Optional, Computed, ForceNew (autonamed by Pulumi);
			// description is ForceNew with pulumi-aws's default "Managed by
			// Pulumi"; vpc_id is Optional, Computed, ForceNew;
			// revoke_rules_on_delete defaults to false.
			Defaults: resource.PropertyMap{"description": resource.NewProperty("Managed by Pulumi"), "revokeRulesOnDelete": resource.NewProperty(false)},
			ForceNew: []string{"name", "namePrefix", "description", "vpcId"},
			Computed: []string{"name", "vpcId", "ingress", "egress"},
			Autoname: "name",
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				id := S(Lit("sg-"), c.Gen("id", Hex, 17))
				return id, resource.PropertyMap{
					"arn":     c.arn("ec2", true, Lit("security-group/"), Of(id)),
					"ownerId": S(c.Cfg("account")),
					"ingress": resource.NewProperty([]resource.PropertyValue{}),
					"egress":  resource.NewProperty([]resource.PropertyValue{}),
				}
			},
			// EC2 CreateSecurityGroup: group names are unique per VPC.
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("security-group") + c.str("vpcId") + "/" + c.str("name"),
					"InvalidGroup.Duplicate: The security group '" + c.str("name") + "' already exists for VPC '" + c.str("vpcId") + "'"}}
			},
		},
		sgRule("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ingress", "internal/service/ec2/vpc_security_group_ingress_rule.go securityGroupRuleResource.Schema"),
		sgRule("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "egress", "internal/service/ec2/vpc_security_group_egress_rule.go (the ingress rule's schema)"),
		{
			Token:  "aws:lb/loadBalancer:LoadBalancer",
			Source: "internal/service/elbv2/load_balancer.go resourceLoadBalancer",
			// name, internal and load_balancer_type are ForceNew;
			// load_balancer_type defaults to application, idle_timeout to 60,
			// enable_http2 to true, drop_invalid_header_fields,
			// enable_deletion_protection and preserve_host_header to false,
			// desync_mitigation_mode to defensive, xff_header_processing_mode
			// to append, client_keep_alive to 3600.
			Defaults: resource.PropertyMap{
				"loadBalancerType":         resource.NewProperty("application"),
				"idleTimeout":              resource.NewProperty(60.0),
				"enableHttp2":              resource.NewProperty(true),
				"dropInvalidHeaderFields":  resource.NewProperty(false),
				"enableDeletionProtection": resource.NewProperty(false),
				"preserveHostHeader":       resource.NewProperty(false),
				"desyncMitigationMode":     resource.NewProperty("defensive"),
				"xffHeaderProcessingMode":  resource.NewProperty("append"),
				"clientKeepAlive":          resource.NewProperty(3600.0),
			},
			ForceNew: []string{"name", "namePrefix", "internal", "loadBalancerType"},
			Computed: []string{"name", "internal", "securityGroups", "subnets", "ipAddressType"},
			Autoname: "name",
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				suffix := S(Lit("app/"), c.Str("name"), Lit("/"), c.Gen("arnSuffix.id", Hex, 16))
				if old, ok := c.old("arnSuffix"); ok {
					suffix = S(old)
				}
				sp := Of(suffix)
				internal := Lit("")
				if v := unsecret(c.In["internal"]); v.IsBool() && v.BoolValue() {
					internal = Lit("internal-")
				}
				return c.arn("elasticloadbalancing", true, Lit("loadbalancer/"), sp), resource.PropertyMap{
					"arn":       c.arn("elasticloadbalancing", true, Lit("loadbalancer/"), sp),
					"arnSuffix": suffix,
					// ELB's DNS names: [internal-]NAME-NUMBER.REGION.elb.amazonaws.com.
					"dnsName":       S(internal, c.Str("name"), Lit("-"), c.Gen("dnsName.id", Digits, 10), Lit("."), c.Cfg("region"), Lit(".elb.amazonaws.com")),
					"ipAddressType": resource.NewProperty("ipv4"),
					"zoneId":        resource.NewProperty("Z35SXDOTRQ7X7K"),
				}
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("load-balancer") + c.str("name"), "DuplicateLoadBalancerName: A load balancer with the same name '" + c.str("name") + "' exists, but with different settings"}}
			},
		},
		{
			Token:  "aws:lb/targetGroup:TargetGroup",
			Source: "internal/service/elbv2/target_group.go ResourceTargetGroup",
			// name, port, protocol, protocol_version, vpc_id and target_type
			// are ForceNew; target_type defaults to instance,
			// deregistration_delay to 300, slow_start to 0.
			Defaults: resource.PropertyMap{"targetType": resource.NewProperty("instance"), "deregistrationDelay": resource.NewProperty(300.0), "slowStart": resource.NewProperty(0.0)},
			ForceNew: []string{"name", "namePrefix", "port", "protocol", "protocolVersion", "vpcId", "targetType"},
			Computed: []string{"name", "protocolVersion", "healthCheck", "loadBalancingAlgorithmType"},
			Autoname: "name",
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				suffix := S(Lit("targetgroup/"), c.Str("name"), Lit("/"), c.Gen("arnSuffix.id", Hex, 16))
				if old, ok := c.old("arnSuffix"); ok {
					suffix = S(old)
				}
				sp := Of(suffix)
				arn := c.arn("elasticloadbalancing", true, sp)
				return arn, resource.PropertyMap{"arn": arn, "arnSuffix": suffix, "loadBalancingAlgorithmType": resource.NewProperty("round_robin")}
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("target-group") + c.str("name"), "DuplicateTargetGroupName: A target group with the same name '" + c.str("name") + "' exists, but with different settings"}}
			},
		},
		{
			Token:  "aws:lb/listener:Listener",
			Source: "internal/service/elbv2/listener.go resourceListener",
			// load_balancer_arn is Required and ForceNew, default_action
			// Required; port, protocol, ssl_policy, certificate_arn update in
			// place.
			Required: []string{"loadBalancerArn", "defaultActions"},
			ForceNew: []string{"loadBalancerArn"},
			Computed: []string{"protocol", "sslPolicy"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				lbARN, _ := c.Str("loadBalancerArn").Known()
				arn := S(Lit(strings.Replace(lbARN, ":loadbalancer/", ":listener/", 1)+"/"), c.Gen("arn.id", Hex, 16))
				if old, ok := c.old("arn"); ok {
					arn = S(old)
				}
				return arn, resource.PropertyMap{"arn": arn}
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{"listener/" + c.str("loadBalancerArn") + "/" + c.str("port"), "DuplicateListener: A listener already exists on this port for this load balancer '" + c.str("loadBalancerArn") + "'"}}
			},
		},
		{
			Token:    "aws:ecs/cluster:Cluster",
			Source:   "internal/service/ecs/cluster.go resourceCluster",
			Required: []string{"name"},
			ForceNew: []string{"name"},
			// ECS CreateCluster returns the existing cluster of the same
			// name instead of failing (ECS API reference, CreateCluster):
			// no uniqueness key.
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				arn := c.arn("ecs", true, Lit("cluster/"), c.Str("name"))
				return arn, resource.PropertyMap{"arn": arn}
			},
		},
		{
			Token:  "aws:ecs/taskDefinition:TaskDefinition",
			Source: "internal/service/ecs/task_definition.go resourceTaskDefinition, resourceTaskDefinitionDelete",
			// Every argument but tags, skip_destroy and track_latest is
			// ForceNew: a change registers a new revision (a replacement);
			// network_mode is Computed; skip_destroy defaults to false.
			Required: []string{"family", "containerDefinitions"},
			Defaults: resource.PropertyMap{"skipDestroy": resource.NewProperty(false), "trackLatest": resource.NewProperty(false)},
			ForceNew: []string{"family", "containerDefinitions", "cpu", "memory", "networkMode", "requiresCompatibilities",
				"runtimePlatform", "executionRoleArn", "taskRoleArn", "ephemeralStorage", "volumes", "placementConstraints",
				"proxyConfiguration", "ipcMode", "pidMode", "inferenceAccelerators"},
			Computed:   []string{"networkMode"},
			Equivalent: map[string]func(n, o resource.PropertyValue) bool{"containerDefinitions": jsonEquivalent},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				// Revisions count up per family for the account and Region
				// and are never reused (ECS API, RegisterTaskDefinition).
				rev := c.Next("ecs-task-definition/" + c.Config["account"] + "/" + c.Config["region"] + "/" + c.str("family"))
				base := c.arn("ecs", true, Lit("task-definition/"), c.Str("family"))
				revision := resource.MakeComputed(resource.NewProperty(0.0))
				if s, ok := rev.Known(); ok {
					var n float64
					if err := json.Unmarshal([]byte(s), &n); err == nil {
						revision = resource.NewProperty(n)
					}
				}
				return S(c.Str("family")), resource.PropertyMap{
					"arn":                c.arn("ecs", true, Lit("task-definition/"), c.Str("family"), Lit(":"), rev),
					"arnWithoutRevision": base,
					"revision":           revision,
				}
			},
		},
		{
			Token:  "aws:ecs/service:Service",
			Source: "internal/service/ecs/service.go resourceService, waitServiceStable, statusServiceWaitForStable",
			// name is Required, ForceNew; cluster, launch_type,
			// scheduling_strategy, deployment_controller and iam_role are
			// ForceNew; deployment_minimum_healthy_percent defaults to 100,
			// deployment_maximum_percent to 200, scheduling_strategy to
			// REPLICA, enable_ecs_managed_tags, enable_execute_command and
			// wait_for_steady_state to false; platform_version is Computed.
			Required: []string{"name"},
			Defaults: resource.PropertyMap{
				"deploymentMinimumHealthyPercent": resource.NewProperty(100.0),
				"deploymentMaximumPercent":        resource.NewProperty(200.0),
				"schedulingStrategy":              resource.NewProperty("REPLICA"),
				"enableEcsManagedTags":            resource.NewProperty(false),
				"enableExecuteCommand":            resource.NewProperty(false),
				"waitForSteadyState":              resource.NewProperty(false),
			},
			ForceNew: []string{"name", "cluster", "launchType", "schedulingStrategy", "deploymentController", "iamRole"},
			Computed: []string{"cluster", "launchType", "platformVersion", "iamRole", "deploymentController"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				cluster, _ := c.Str("cluster").Known()
				clusterName := cluster[strings.LastIndex(cluster, "/")+1:]
				return c.arn("ecs", true, Lit("service/"+clusterName+"/"), c.Str("name")), resource.PropertyMap{}
			},
			// ECS CreateService: a second ACTIVE service of the same name in
			// the cluster fails.
			Unique: func(c *Ctx) []Key {
				return []Key{{"ecs-service/" + c.str("cluster") + "/" + c.str("name"), "InvalidParameterException: Creation of service was not idempotent."}}
			},
		},
		{
			Token:  "aws:appautoscaling/target:Target",
			Source: "internal/service/appautoscaling/target.go resourceTarget",
			// max_capacity and min_capacity are Required; resource_id,
			// scalable_dimension and service_namespace are Required and
			// ForceNew; role_arn is Computed (the service-linked role).
			// RegisterScalableTarget creates or updates: no duplicate error.
			Required: []string{"maxCapacity", "minCapacity", "resourceId", "scalableDimension", "serviceNamespace"},
			ForceNew: []string{"resourceId", "scalableDimension", "serviceNamespace"},
			Computed: []string{"roleArn"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("resourceId")), resource.PropertyMap{
					"arn":     c.arn("application-autoscaling", true, Lit("scalable-target/"), c.Gen("arn.id", LowerAlnum, 36)),
					"roleArn": c.arn("iam", false, Lit("role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService")),
				}
			},
		},
		{
			Token:  "aws:appautoscaling/policy:Policy",
			Source: "internal/service/appautoscaling/policy.go resourcePolicy",
			// name, resource_id, scalable_dimension and service_namespace are
			// Required and ForceNew; policy_type defaults to StepScaling.
			// PutScalingPolicy creates or updates: no duplicate error.
			Required: []string{"name", "resourceId", "scalableDimension", "serviceNamespace"},
			Defaults: resource.PropertyMap{"policyType": resource.NewProperty("StepScaling")},
			ForceNew: []string{"name", "resourceId", "scalableDimension", "serviceNamespace"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("name")), resource.PropertyMap{
					"arn":       c.arn("autoscaling", true, Lit("scalingPolicy:"), c.Gen("arn.id", LowerAlnum, 36), Lit(":resource/"), c.Str("serviceNamespace"), Lit("/"), c.Str("resourceId"), Lit(":policyName/"), c.Str("name")),
					"alarmArns": resource.NewProperty([]resource.PropertyValue{}),
				}
			},
		},
		{
			Token:  "aws:secretsmanager/secret:Secret",
			Source: "internal/service/secretsmanager/secret.go resourceSecret",
			// name is Optional, Computed, ForceNew; recovery_window_in_days
			// defaults to 30.
			Defaults: resource.PropertyMap{"recoveryWindowInDays": resource.NewProperty(30.0)},
			ForceNew: []string{"name", "namePrefix"},
			Computed: []string{"name"},
			Autoname: "name",
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				// Secrets Manager appends a hyphen and six random characters.
				arn := c.arn("secretsmanager", true, Lit("secret:"), c.Str("name"), Lit("-"), c.Gen("arn.suffix", Alnum, 6))
				if old, ok := c.old("arn"); ok {
					arn = S(old)
				}
				return arn, resource.PropertyMap{"arn": arn}
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("secret") + c.str("name"), "ResourceExistsException: The operation failed because the secret " + c.str("name") + " already exists."}}
			},
		},
		{
			Token:     "aws:secretsmanager/secretVersion:SecretVersion",
			Source:    "internal/service/secretsmanager/secret_version.go resourceSecretVersion",
			Required:  []string{"secretId"},
			ForceNew:  []string{"secretId", "secretString", "secretBinary"},
			Computed:  []string{"versionStages"},
			Sensitive: []string{"secretString", "secretBinary"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				v := S(c.Gen("versionId", Hex, 8), Lit("-"), c.Gen("versionId.2", Hex, 4), Lit("-4"), c.Gen("versionId.3", Hex, 3), Lit("-a"), c.Gen("versionId.4", Hex, 3), Lit("-"), c.Gen("versionId.5", Hex, 12))
				if old, ok := c.old("versionId"); ok {
					v = S(old)
				}
				return S(c.Str("secretId"), Lit("|"), Of(v)), resource.PropertyMap{
					"arn":           S(c.Str("secretId")),
					"versionId":     v,
					"versionStages": resource.NewProperty([]resource.PropertyValue{resource.NewProperty("AWSCURRENT")}),
				}
			},
		},
	}
}

// sgRule is a security group rule resource: security_group_id is Required
// and RequiresReplace, ip_protocol Required, every other argument updates in
// place (ModifySecurityGroupRules). EC2 rejects a second rule with the same
// group, protocol, ports and peer.
func sgRule(token, direction, source string) *Type {
	return &Type{
		Token:    token,
		Source:   source,
		Required: []string{"securityGroupId", "ipProtocol"},
		ForceNew: []string{"securityGroupId"},
		Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
			id := S(Lit("sgr-"), c.Gen("securityGroupRuleId", Hex, 17))
			return id, resource.PropertyMap{
				"securityGroupRuleId": id,
				"arn":                 c.arn("ec2", true, Lit("security-group-rule/"), Of(id)),
			}
		},
		Unique: func(c *Ctx) []Key {
			peer := c.str("cidrIpv4") + c.str("cidrIpv6") + c.str("referencedSecurityGroupId") + c.str("prefixListId")
			return []Key{{c.scope("sg-rule") + strings.Join([]string{c.str("securityGroupId"), direction, c.str("ipProtocol"), c.str("fromPort"), c.str("toPort"), peer}, "/"),
				"InvalidPermission.Duplicate: the specified rule \"peer: " + peer + ", " + strings.ToUpper(c.str("ipProtocol")) + ", from port: " + c.str("fromPort") + ", to port: " + c.str("toPort") + ", ALLOW\" already exists"}}
		},
	}
}
