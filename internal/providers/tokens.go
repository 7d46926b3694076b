package providers

// Type tokens of the resources the model knows.
const (
	// AWS.
	ECRRepository            = "aws:ecr/repository:Repository"
	ECRLifecyclePolicy       = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	ECRRepositoryPolicy      = "aws:ecr/repositoryPolicy:RepositoryPolicy"
	LogGroup                 = "aws:cloudwatch/logGroup:LogGroup"
	MetricAlarm              = "aws:cloudwatch/metricAlarm:MetricAlarm"
	IAMRole                  = "aws:iam/role:Role"
	IAMRolePolicy            = "aws:iam/rolePolicy:RolePolicy"
	IAMRolePolicyAttachment  = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	IAMPolicy                = "aws:iam/policy:Policy"
	SecurityGroup            = "aws:ec2/securityGroup:SecurityGroup"
	SecurityGroupRule        = "aws:ec2/securityGroupRule:SecurityGroupRule"
	SecurityGroupIngressRule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	SecurityGroupEgressRule  = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	LoadBalancer             = "aws:lb/loadBalancer:LoadBalancer"
	TargetGroup              = "aws:lb/targetGroup:TargetGroup"
	Listener                 = "aws:lb/listener:Listener"
	ListenerRule             = "aws:lb/listenerRule:ListenerRule"
	ECSCluster               = "aws:ecs/cluster:Cluster"
	ECSService               = "aws:ecs/service:Service"
	ECSTaskDefinition        = "aws:ecs/taskDefinition:TaskDefinition"
	ScalingTarget            = "aws:appautoscaling/target:Target"
	ScalingPolicy            = "aws:appautoscaling/policy:Policy"
	SecretsManagerSecret     = "aws:secretsmanager/secret:Secret"
	SecretsManagerVersion    = "aws:secretsmanager/secretVersion:SecretVersion"
	SSMParameter             = "aws:ssm/parameter:Parameter"
	ACMCertificate           = "aws:acm/certificate:Certificate"
	S3Bucket                 = "aws:s3/bucketV2:BucketV2"
	SQSQueue                 = "aws:sqs/queue:Queue"
	KMSKey                   = "aws:kms/key:Key"

	// Google Cloud.
	CloudRunService          = "gcp:cloudrunv2/service:Service"
	CloudRunServiceIAMMember = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
	ServiceAccount           = "gcp:serviceaccount/account:Account"
	SecretManagerSecret      = "gcp:secretmanager/secret:Secret"
	SecretManagerVersion     = "gcp:secretmanager/secretVersion:SecretVersion"
	SecretManagerIAMMember   = "gcp:secretmanager/secretIamMember:SecretIamMember"
	VPCAccessConnector       = "gcp:vpcaccess/connector:Connector"
	ArtifactRegistryRepo     = "gcp:artifactregistry/repository:Repository"
	StorageBucket            = "gcp:storage/bucket:Bucket"
	PubSubTopic              = "gcp:pubsub/topic:Topic"
	ProjectIAMMember         = "gcp:projects/iAMMember:IAMMember"
	ComputeSubnetwork        = "gcp:compute/subnetwork:Subnetwork"

	// Docker.
	DockerImage = "docker:index/image:Image"
)

// Function tokens the model answers.
const (
	GetCallerIdentity     = "aws:index/getCallerIdentity:getCallerIdentity"
	GetRegion             = "aws:index/getRegion:getRegion"
	GetPartition          = "aws:index/getPartition:getPartition"
	GetAuthorizationToken = "aws:ecr/getAuthorizationToken:getAuthorizationToken"
	GetClientConfig       = "gcp:organizations/getClientConfig:getClientConfig"
	GetProject            = "gcp:organizations/getProject:getProject"
)

// Engine tokens.
const (
	// StackReference is the type a stack reference reads; the engine's
	// builtin provider answers it ([PKG] resource/deploy/builtins.go
	// 284-316).
	StackReference = "pulumi:pulumi:StackReference"
	// RootStack is the type of a stack's root resource.
	RootStack = "pulumi:pulumi:Stack"
	// ProviderPrefix starts the type of every provider resource.
	ProviderPrefix = "pulumi:providers:"
)
