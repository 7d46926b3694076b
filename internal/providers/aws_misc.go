package providers

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func scalingTypes() []*Type {
	return []*Type{
		{
			Token:    ScalingTarget,
			Resource: "aws_appautoscaling_target",
			Source:   "[TPA] internal/service/appautoscaling/target.go (index commit 0105d219); [SDKA] appautoscaling/target.go:254-268",
			Schema: with(Schema{
				"maxCapacity":       {Flags: Required},
				"minCapacity":       {Flags: Required},
				"resourceId":        {Flags: Required | ForceNew},
				"scalableDimension": {Flags: Required | ForceNew},
				"serviceNamespace":  {Flags: Required | ForceNew},
				"roleArn":           {Flags: Computed},
				"suspendedState":    {},
				"arn":               {Flags: Output},
			}, tags),
			// RegisterScalableTarget creates or updates: no duplicate
			// error. ID = the resource ID.
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("resourceId")), resource.PropertyMap{
					"arn": c.Keep("arn", func() resource.PropertyValue {
						return c.arn("application-autoscaling", true, Lit("scalable-target/"), c.Gen(LowerAlnum, 36))
					}),
					"roleArn": c.arn("iam", false, Lit("role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService")),
				}
			},
		},
		{
			Token:    ScalingPolicy,
			Resource: "aws_appautoscaling_policy",
			Source:   "[TPA] internal/service/appautoscaling/policy.go (index commit 048320e8); [SDKA] appautoscaling/policy.go:375-383,472",
			// name is Required and ForceNew in Terraform, autonamed by
			// pulumi-aws ([PA] has only a Tok for the type).
			Autoname: awsName(),
			Schema: Schema{
				"name":              {Flags: ForceNew},
				"policyType":        {Default: str("StepScaling")},
				"resourceId":        {Flags: Required | ForceNew},
				"scalableDimension": {Flags: Required | ForceNew},
				"serviceNamespace":  {Flags: Required | ForceNew},
				"stepScalingPolicyConfiguration": {Elem: Schema{
					"stepAdjustments": {Flags: Set},
				}},
				"targetTrackingScalingPolicyConfiguration": {},
				"arn":       {Flags: Output},
				"alarmArns": {Flags: Output},
			},
			// PutScalingPolicy creates or updates: no duplicate error.
			// ID = the policy name.
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("name")), resource.PropertyMap{
					"arn": c.Keep("arn", func() resource.PropertyValue {
						return c.arn("autoscaling", true, Lit("scalingPolicy:"), c.Gen(LowerAlnum, 36), Lit(":resource/"), c.Str("serviceNamespace"), Lit("/"), c.Str("resourceId"), Lit(":policyName/"), c.Str("name"))
					}),
					"alarmArns": resource.NewProperty([]resource.PropertyValue{}),
				}
			},
		},
		{
			Token:    MetricAlarm,
			Resource: "aws_cloudwatch_metric_alarm",
			Source:   "[TPA] internal/service/cloudwatch/metric_alarm.go (index id 2352567510); [SDKA] cloudwatch/metricAlarm.go:353-358,605",
			// [PA]: "alarm_name": tfbridge.AutoName("name", 255, "-"): the
			// Terraform alarm_name is Pulumi's name, autonamed.
			Autoname: &Autoname{Prop: "name", MaxLen: 255},
			Schema: with(Schema{
				"name":                    {Flags: ForceNew},
				"comparisonOperator":      {Flags: Required},
				"evaluationPeriods":       {Flags: Required},
				"alarmActions":            {Flags: Set},
				"okActions":               {Flags: Set},
				"insufficientDataActions": {Flags: Set},
				"metricQueries":           {Flags: Set},
				"actionsEnabled":          {Default: boolean(true)},
				"treatMissingData":        {Default: str("missing")},
				"dimensions":              {},
				"arn":                     {Flags: Output},
			}, tags),
			// PutMetricAlarm creates or updates. ID = the alarm name.
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("name")), resource.PropertyMap{"arn": c.arn("cloudwatch", true, Lit("alarm:"), c.Str("name"))}
			},
		},
	}
}

func logsTypes() []*Type {
	return []*Type{{
		Token:    LogGroup,
		Resource: "aws_cloudwatch_log_group",
		Source:   "[TPA] internal/service/logs/group.go resourceGroup (index id 3931641164); [SDKA] cloudwatch/logGroup.go",
		Autoname: awsName(),
		Schema: with(Schema{
			"name":            {Flags: Computed | ForceNew, Validate: maxLen("name", 512)},
			"namePrefix":      {Flags: Computed | ForceNew},
			"kmsKeyId":        {},
			"logGroupClass":   {Flags: Computed | ForceNew},
			"retentionInDays": {Default: num(0)},
			"skipDestroy":     {Default: boolean(false)},
			"arn":             {Flags: Output},
		}, tags),
		Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
			out := resource.PropertyMap{
				// Read trims the API ARN's ":*" suffix.
				"arn": c.arn("logs", true, Lit("log-group:"), c.Str("name")),
			}
			if isNull(c.In["logGroupClass"]) {
				// CreateLogGroup's default class (CloudWatch Logs API).
				out["logGroupClass"] = resource.NewProperty("STANDARD")
			}
			// ID = the log group's name.
			return S(c.Str("name")), out
		},
		Unique: func(c *Ctx) []Key {
			return []Key{{c.scope("log-group") + c.str("name"), "ResourceAlreadyExistsException: The specified log group already exists"}}
		},
	}}
}

func secretsTypes() []*Type {
	return []*Type{
		{
			Token:    SecretsManagerSecret,
			Resource: "aws_secretsmanager_secret",
			Source:   "[TPA] internal/service/secretsmanager/secret.go resourceSecret (index id 1615790899); [SDKA] secretsmanager/secret.go:68",
			Autoname: awsName(),
			Schema: with(Schema{
				"name":                        {Flags: Computed | ForceNew, Validate: maxLen("name", 512)},
				"namePrefix":                  {Flags: Computed | ForceNew},
				"description":                 {},
				"forceOverwriteReplicaSecret": {Default: boolean(false)},
				"kmsKeyId":                    {},
				"policy":                      {Flags: Computed, Equal: equalPolicy, State: normalizeJSON},
				"recoveryWindowInDays":        {Default: num(30)},
				"replicas":                    {Flags: Computed | Set},
				"arn":                         {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				// Secrets Manager appends a hyphen and six random
				// characters to the name in the ARN. ID = the ARN.
				arn := c.Keep("arn", func() resource.PropertyValue {
					return c.arn("secretsmanager", true, Lit("secret:"), c.Str("name"), Lit("-"), c.Gen(Alnum, 6))
				})
				return arn, resource.PropertyMap{"arn": arn}
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("secret") + c.str("name"), "ResourceExistsException: The operation failed because the secret " + c.str("name") + " already exists."}}
			},
		},
		{
			Token:    SecretsManagerVersion,
			Resource: "aws_secretsmanager_secret_version",
			Source:   "[TPA] internal/service/secretsmanager/secret_version.go (index id 1680407329, before the write-only attributes); [SDKA] secretsmanager/secretVersion.go:129-140",
			Schema: Schema{
				"secretId":      {Flags: Required | ForceNew},
				"secretString":  {Flags: ForceNew | Sensitive},
				"secretBinary":  {Flags: ForceNew | Sensitive},
				"versionStages": {Flags: Computed | Set},
				"arn":           {Flags: Output},
				"versionId":     {Flags: Output},
			},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				v := c.Keep("versionId", func() resource.PropertyValue {
					return S(c.Gen(Hex, 8), Lit("-"), c.Gen(Hex, 4), Lit("-4"), c.Gen(Hex, 3), Lit("-a"), c.Gen(Hex, 3), Lit("-"), c.Gen(Hex, 12))
				})
				out := resource.PropertyMap{
					"arn":       S(c.Str("secretId")),
					"versionId": v,
				}
				if isNull(c.In["versionStages"]) {
					// PutSecretValue makes the new version AWSCURRENT.
					out["versionStages"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty("AWSCURRENT")})
				}
				// ID = SECRET_ID|VERSION_ID.
				return S(c.Str("secretId"), Lit("|"), Of(v)), out
			},
		},
		{
			Token:    SSMParameter,
			Resource: "aws_ssm_parameter",
			Source:   "[TPA] internal/service/ssm/parameter.go (index id 2216969039); [SDKA] ssm/parameter.go:149-156",
			// name is Required in Terraform, autonamed by pulumi-aws.
			Autoname: awsName(),
			Schema: with(Schema{
				"name":           {Flags: ForceNew},
				"type":           {Flags: Required},
				"value":          {Flags: Computed | Sensitive},
				"insecureValue":  {Flags: Computed},
				"dataType":       {Flags: Computed | ForceNew},
				"description":    {},
				"keyId":          {Flags: Computed},
				"overwrite":      {},
				"allowedPattern": {},
				"arn":            {Flags: Computed},
				"version":        {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("name")), resource.PropertyMap{
					"arn":     c.arn("ssm", true, Lit("parameter/"), Lit(trimSlash(c.str("name")))),
					"version": num(1),
				}
			},
			// PutParameter without overwrite fails on an existing name
			// (ParameterAlreadyExists).
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("ssm-parameter") + c.str("name"), "ParameterAlreadyExists: The parameter already exists. To overwrite this value, set the overwrite option in the request to true."}}
			},
		},
	}
}

func trimSlash(s string) string { return strings.TrimLeft(s, "/") }

func storageTypes() []*Type {
	return []*Type{
		{
			Token:    S3Bucket,
			Resource: "aws_s3_bucket",
			Source:   "[TPA] internal/service/s3/bucket.go (index id 1518242462); [PA] aws_s3_bucket AutoNameTransform(\"bucket\", 63, strings.ToLower)",
			Autoname: &Autoname{Prop: "bucket", MaxLen: 63, Lower: true, ConflictsWith: []string{"bucketPrefix"}},
			Schema: with(Schema{
				"bucket":            {Flags: Computed | ForceNew, Validate: maxLen("bucket", 63)},
				"bucketPrefix":      {Flags: Computed | ForceNew},
				"forceDestroy":      {Default: boolean(false)},
				"objectLockEnabled": {Flags: Computed | ForceNew},
				"arn":               {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("bucket")), resource.PropertyMap{
					"arn":    S(Lit("arn:"+Partition(c.Config["region"])+":s3:::"), c.Str("bucket")),
					"region": S(c.Cfg("region")),
				}
			},
			// Bucket names are global across all accounts (S3 API
			// CreateBucket: BucketAlreadyExists).
			Unique: func(c *Ctx) []Key {
				return []Key{{"s3-bucket/" + Partition(c.Config["region"]) + "/" + c.str("bucket"), "BucketAlreadyExists: The requested bucket name is not available."}}
			},
		},
		{
			Token:    SQSQueue,
			Resource: "aws_sqs_queue",
			Source:   "[TPA] internal/service/sqs/queue.go (index id 1497101992); [PA] aws_sqs_queue AutoNameWithCustomOptions(Maxlen 80, PostTransform .fifo)",
			Autoname: &Autoname{Prop: "name", MaxLen: 80, ConflictsWith: []string{"namePrefix"}, Suffix: func(in resource.PropertyMap) string {
				if f := Unsecret(in["fifoQueue"]); f.IsBool() && f.BoolValue() {
					return ".fifo"
				}
				return ""
			}},
			Schema: with(Schema{
				"name":                      {Flags: Computed | ForceNew},
				"namePrefix":                {Flags: Computed | ForceNew},
				"fifoQueue":                 {Flags: ForceNew, Default: boolean(false)},
				"contentBasedDeduplication": {Default: boolean(false)},
				"policy":                    {Flags: Computed, Equal: equalPolicy},
				"arn":                       {Flags: Output},
				"url":                       {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				url := S(Lit("https://sqs."), c.Cfg("region"), Lit("."+DNSSuffix(c.Config["region"])+"/"), c.Cfg("account"), Lit("/"), c.Str("name"))
				// ID = the queue URL.
				return url, resource.PropertyMap{"url": url, "arn": c.arn("sqs", true, c.Str("name"))}
			},
		},
		{
			Token:    KMSKey,
			Resource: "aws_kms_key",
			Source:   "[TPA] internal/service/kms/key.go (index id 2386543775)",
			Schema: with(Schema{
				"bypassPolicyLockoutSafetyCheck": {Default: boolean(false)},
				"customerMasterKeySpec":          {Flags: ForceNew, Default: str("SYMMETRIC_DEFAULT")},
				"description":                    {Flags: Computed},
				"enableKeyRotation":              {Default: boolean(false)},
				"isEnabled":                      {Default: boolean(true)},
				"keyUsage":                       {Flags: ForceNew, Default: str("ENCRYPT_DECRYPT")},
				"multiRegion":                    {Flags: Computed | ForceNew},
				"policy":                         {Flags: Computed, Equal: equalPolicy, State: normalizeJSON},
				"arn":                            {Flags: Output},
				"keyId":                          {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				id := c.NewID("", Hex, 32)
				// ID = the key ID.
				return id, resource.PropertyMap{"keyId": id, "arn": c.arn("kms", true, Lit("key/"), Of(id))}
			},
		},
	}
}

func certificateTypes() []*Type {
	return []*Type{{
		Token:    ACMCertificate,
		Resource: "aws_acm_certificate",
		// Not autonamed: a certificate has no name.
		Source: "[TPA] internal/service/acm/certificate.go resourceCertificate (index commit 01661ea3, a later file than the upstream of [PA]); [SDKA] acm/certificate.go:150-206,215-221",
		// Create sets the ID, then waits up to 5 minutes for the domain
		// validations (waitCertificateDomainValidationsAvailable).
		Waits: true,
		// Delete retries ResourceInUseException for 20 minutes
		// (certificateCrossServicePropagationTimeout), then fails with
		// "deleting ACM Certificate (ARN): ..."; ACM refuses to delete a
		// certificate another service uses (ACM API, DeleteCertificate,
		// ResourceInUseException), such as a load balancer listener.
		Blockers: []Blocker{{Type: Listener, Uses: usesCertificate, Err: certificateInUse}},
		Schema: with(Schema{
			"certificateAuthorityArn": {Flags: ForceNew},
			"certificateBody":         {},
			"certificateChain":        {},
			"domainName":              {Flags: Computed | ForceNew},
			"earlyRenewalDuration":    {},
			"keyAlgorithm":            {Flags: Computed | ForceNew},
			"options": {Flags: Computed, Elem: Schema{
				"certificateTransparencyLoggingPreference": {Default: str("ENABLED")},
			}},
			// The SDK makes privateKey a secret (AdditionalSecretOutputs).
			"privateKey":              {Flags: Sensitive},
			"subjectAlternativeNames": {Flags: Computed | ForceNew | Set},
			"validationMethod":        {Flags: Computed | ForceNew},
			"validationOptions": {Flags: ForceNew | Set, Elem: Schema{
				"domainName":       {Flags: Required | ForceNew},
				"validationDomain": {Flags: Required | ForceNew},
			}},
			"arn":                     {Flags: Output},
			"domainValidationOptions": {Flags: Output | Set},
			"notAfter":                {Flags: Output},
			"notBefore":               {Flags: Output},
			"pendingRenewal":          {Flags: Output},
			"renewalEligibility":      {Flags: Output},
			"renewalSummaries":        {Flags: Output},
			"status":                  {Flags: Output},
			"type":                    {Flags: Output},
			"validationEmails":        {Flags: Output},
		}, tags),
		Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
			// RequestCertificate and ImportCertificate return the ARN,
			// certificate/ and a UUID. ID = the ARN.
			arn := c.Keep("arn", func() resource.PropertyValue {
				return c.arn("acm", true, Lit("certificate/"), c.Gen(Hex, 8), Lit("-"), c.Gen(Hex, 4), Lit("-"), c.Gen(Hex, 4), Lit("-"), c.Gen(Hex, 4), Lit("-"), c.Gen(Hex, 12))
			})
			return arn, resource.PropertyMap{"arn": arn}
		},
	}}
}

// usesCertificate reports whether a listener's state names the
// certificate's ARN.
func usesCertificate(user, target resource.PropertyMap) bool {
	arn, ok := KnownString(target["arn"])
	cert, _ := KnownString(user["certificateArn"])
	return ok && cert == arn
}

func certificateInUse(target resource.PropertyMap) string {
	arn, _ := KnownString(target["arn"])
	return "deleting ACM Certificate (" + arn + "): ResourceInUseException: The certificate is in use by another Amazon Web Services service in the caller's account. Remove the association and try again."
}
