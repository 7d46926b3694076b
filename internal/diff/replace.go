package diff

import "strings"

// allInputs in ReplaceProperties means that any input change replaces the
// resource: the cloud's API has no update for it.
const allInputs = "*"

// ReplaceProperties lists, per resource type that berth creates, the inputs
// whose change makes Pulumi replace the resource instead of updating it. A
// path matches an entry equal to it or below it (`subnet` covers
// `subnet.name`).
//
// Sources: for the bridged providers, the Terraform provider schemas that
// pulumi-aws v6 and pulumi-gcp v7 are generated from: attributes with
// `ForceNew: true` (terraform-provider-aws, internal/service/<service>/*.go;
// plugin-framework resources: `RequiresReplace()` plan modifiers) and fields
// with `immutable: true` (GoogleCloudPlatform/magic-modules,
// mmv1/products/<product>/<Resource>.yaml, which generates
// terraform-provider-google; `immutable: true` at the top of a resource
// makes every field immutable). Pulumi shows these as `replaceOnChanges` /
// "forces replacement" in `pulumi preview --diff`. Each entry cites its
// resource. pulumi-docker's Image is a native provider resource that
// updates (re-pushes) in place.
var ReplaceProperties = map[string][]string{
	// --- Google Cloud (pulumi-gcp v7, terraform-provider-google v5) ---

	// google_secret_manager_secret, mmv1/products/secretmanager/Secret.yaml:
	// secretId, project and replication are immutable.
	"gcp:secretmanager/secret:Secret": {"secretId", "project", "replication"},
	// google_secret_manager_secret_version,
	// mmv1/products/secretmanager/SecretVersion.yaml: secret and
	// secretData are immutable (a new value is a new version).
	"gcp:secretmanager/secretVersion:SecretVersion": {"secret", "secretData", "isSecretDataBase64"},
	// google_secret_manager_secret_iam_member (tpgiamresource IAM member
	// schema): every field is ForceNew.
	"gcp:secretmanager/secretIamMember:SecretIamMember": {allInputs},
	// google_artifact_registry_repository,
	// mmv1/products/artifactregistry/Repository.yaml: repositoryId,
	// location, format, mode, kmsKeyName and project are immutable.
	"gcp:artifactregistry/repository:Repository": {"repositoryId", "location", "format", "mode", "kmsKeyName", "project"},
	// google_service_account (services/resourcemanager
	// resource_google_service_account.go): account_id and project are
	// ForceNew.
	"gcp:serviceaccount/account:Account": {"accountId", "project"},
	// google_vpc_access_connector, mmv1/products/vpcaccess/Connector.yaml:
	// `immutable: true` on the resource. (Later providers update machine
	// type and instance counts in place; flagging them errs on the safe
	// side.)
	"gcp:vpcaccess/connector:Connector": {allInputs},
	// google_cloud_run_v2_service, mmv1/products/cloudrunv2/Service.yaml:
	// name, location and project are immutable; the template is updated
	// in place as a new revision.
	"gcp:cloudrunv2/service:Service": {"name", "location", "project"},
	// google_cloud_run_v2_service_iam_member (IAM member schema): every
	// field is ForceNew.
	"gcp:cloudrunv2/serviceIamMember:ServiceIamMember": {allInputs},
	// google_project_iam_member (IAM member schema): every field ForceNew.
	"gcp:projects/iAMMember:IAMMember": {allInputs},

	// --- AWS (pulumi-aws v6, terraform-provider-aws v5) ---

	// aws_ecr_repository (internal/service/ecr/repository.go): name and
	// encryption_configuration are ForceNew.
	"aws:ecr/repository:Repository": {"name", "encryptionConfigurations"},
	// aws_ecr_lifecycle_policy (ecr/lifecycle_policy.go): repository is
	// ForceNew.
	"aws:ecr/lifecyclePolicy:LifecyclePolicy": {"repository"},
	// aws_ecr_repository_policy (ecr/repository_policy.go): repository is
	// ForceNew.
	"aws:ecr/repositoryPolicy:RepositoryPolicy": {"repository"},
	// aws_ecs_cluster (ecs/cluster.go): name is ForceNew.
	"aws:ecs/cluster:Cluster": {"name"},
	// aws_ecs_task_definition (ecs/task_definition.go): every argument but
	// tags, skip_destroy and track_latest is ForceNew: each change
	// registers a new revision.
	"aws:ecs/taskDefinition:TaskDefinition": {"family", "containerDefinitions", "cpu", "memory", "networkMode",
		"executionRoleArn", "taskRoleArn", "requiresCompatibilities", "runtimePlatform", "volumes", "ephemeralStorage",
		"placementConstraints", "proxyConfiguration", "ipcMode", "pidMode", "inferenceAccelerators"},
	// aws_ecs_service (ecs/service.go): name, cluster, launch_type,
	// iam_role, scheduling_strategy and deployment_controller are ForceNew.
	"aws:ecs/service:Service": {"name", "cluster", "launchType", "iamRole", "schedulingStrategy", "deploymentController"},
	// aws_lb (elbv2/load_balancer.go): name, name_prefix, internal and
	// load_balancer_type are ForceNew.
	"aws:lb/loadBalancer:LoadBalancer": {"name", "namePrefix", "internal", "loadBalancerType"},
	// aws_lb_target_group (elbv2/target_group.go): name, name_prefix, port,
	// protocol, protocol_version, vpc_id, target_type and ip_address_type
	// are ForceNew.
	"aws:lb/targetGroup:TargetGroup": {"name", "namePrefix", "port", "protocol", "protocolVersion", "vpcId", "targetType", "ipAddressType"},
	// aws_lb_listener (elbv2/listener.go): load_balancer_arn is ForceNew.
	"aws:lb/listener:Listener": {"loadBalancerArn"},
	// aws_lb_listener_rule (elbv2/listener_rule.go): listener_arn is
	// ForceNew.
	"aws:lb/listenerRule:ListenerRule": {"listenerArn"},
	// aws_security_group (ec2/vpc_security_group.go): name, name_prefix,
	// description and vpc_id are ForceNew.
	"aws:ec2/securityGroup:SecurityGroup": {"name", "namePrefix", "description", "vpcId"},
	// aws_security_group_rule (ec2/vpc_security_group_rule.go): every
	// argument is ForceNew except description.
	"aws:ec2/securityGroupRule:SecurityGroupRule": {"type", "securityGroupId", "protocol", "fromPort", "toPort",
		"cidrBlocks", "ipv6CidrBlocks", "prefixListIds", "sourceSecurityGroupId", "self"},
	// aws_vpc_security_group_ingress_rule / _egress_rule
	// (ec2/vpc_security_group_ingress_rule.go, plugin framework):
	// security_group_id has RequiresReplace; the rule itself is modified
	// in place.
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {"securityGroupId"},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   {"securityGroupId"},
	// aws_iam_role (iam/role.go): name, name_prefix and path are ForceNew.
	"aws:iam/role:Role": {"name", "namePrefix", "path"},
	// aws_iam_role_policy (iam/role_policy.go): name, name_prefix and role
	// are ForceNew.
	"aws:iam/rolePolicy:RolePolicy": {"name", "namePrefix", "role"},
	// aws_iam_role_policy_attachment (iam/role_policy_attachment.go): role
	// and policy_arn are ForceNew.
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {"role", "policyArn"},
	// aws_cloudwatch_log_group (logs/group.go): name, name_prefix and
	// log_group_class are ForceNew.
	"aws:cloudwatch/logGroup:LogGroup": {"name", "namePrefix", "logGroupClass"},
	// aws_appautoscaling_target (appautoscaling/target.go): resource_id,
	// scalable_dimension and service_namespace are ForceNew.
	"aws:appautoscaling/target:Target": {"resourceId", "scalableDimension", "serviceNamespace"},
	// aws_appautoscaling_policy (appautoscaling/policy.go): name,
	// resource_id, scalable_dimension and service_namespace are ForceNew.
	"aws:appautoscaling/policy:Policy": {"name", "resourceId", "scalableDimension", "serviceNamespace"},
	// aws_secretsmanager_secret (secretsmanager/secret.go): name and
	// name_prefix are ForceNew.
	"aws:secretsmanager/secret:Secret": {"name", "namePrefix"},
	// aws_secretsmanager_secret_version (secretsmanager/secret_version.go):
	// secret_id, secret_string and secret_binary are ForceNew.
	"aws:secretsmanager/secretVersion:SecretVersion": {"secretId", "secretString", "secretBinary"},
	// aws_ssm_parameter (ssm/parameter.go): name is ForceNew.
	"aws:ssm/parameter:Parameter": {"name"},
	// aws_acm_certificate (acm/certificate.go): domain_name,
	// subject_alternative_names, validation_method, key_algorithm,
	// certificate_authority_arn and the imported certificate_body,
	// private_key, certificate_chain are ForceNew.
	"aws:acm/certificate:Certificate": {"domainName", "subjectAlternativeNames", "validationMethod", "keyAlgorithm", "certificateAuthorityArn"},
}

// routineReplace lists types whose replacement is routine and raises no
// flag: an ECS task definition is immutable, and every deployment that
// changes it registers a new revision.
var routineReplace = map[string]bool{
	"aws:ecs/taskDefinition:TaskDefinition": true,
}

// replaceCauses returns the replace-on-change inputs among the changed
// values of a resource of type typ, in path order, each once: the
// provider's (ReplaceProperties) and those of the resource's own
// replaceOnChanges option ("*" is every input).
func replaceCauses(typ string, values []Value, replaceOnChanges []string) []string {
	props := append(append([]string(nil), ReplaceProperties[typ]...), replaceOnChanges...)
	if len(props) == 0 {
		return nil
	}
	var causes []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, p := range props {
			if p == allInputs {
				p = topLevel(v.Path)
			}
			if covers(p, v.Path) && !seen[p] {
				seen[p] = true
				causes = append(causes, p)
			}
		}
	}
	return causes
}

// covers reports whether the replace property prop covers path.
func covers(prop, path string) bool {
	return path == prop || (strings.HasPrefix(path, prop) && (path[len(prop)] == '.' || path[len(prop)] == '['))
}

// topLevel returns the first key of a path.
func topLevel(path string) string {
	if i := strings.IndexAny(path, ".["); i > 0 {
		return path[:i]
	}
	return path
}
