package providers

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func ecrTypes() []*Type {
	return []*Type{
		{
			Token:    ECRRepository,
			Resource: "aws_ecr_repository",
			Source:   "[TPA] internal/service/ecr/repository.go resourceRepository (index id 1330902578); [SDKA] ecr/repository.go",
			// name is Required and ForceNew in Terraform, autonamed by
			// pulumi-aws (no lowercasing: an upper-case logical name makes
			// a name ECR rejects) and so optional in Pulumi: [SDKA]
			// ecr/repository.go:194 Name StringPtrInput, NewRepository
			// checks nothing.
			Autoname: &Autoname{Prop: "name", MaxLen: 255},
			Schema: with(Schema{
				"name": {Flags: ForceNew},
				// A list without MaxItems, ForceNew, whose missing block
				// is suppressed (verify.SuppressMissingOptionalConfigurationBlock):
				// leaving it out keeps the cloud's.
				"encryptionConfigurations": {Flags: Computed | ForceNew, Elem: Schema{
					"encryptionType": {Flags: ForceNew, Default: str("AES256")},
					"kmsKey":         {Flags: Computed | ForceNew},
				}},
				"forceDelete":                {},
				"imageScanningConfiguration": {Flags: Computed, Elem: Schema{"scanOnPush": {Flags: Required}}},
				"imageTagMutability":         {Default: str("MUTABLE")},
				"arn":                        {Flags: Output},
				"registryId":                 {Flags: Output},
				"repositoryUrl":              {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				host := S(c.Cfg("account"), Lit(".dkr.ecr."), c.Cfg("region"), Lit("."+DNSSuffix(c.Config["region"])+"/"), c.Str("name"))
				// ID = the repository name: d.SetId(RepositoryName).
				return S(c.Str("name")), resource.PropertyMap{
					"arn":           c.arn("ecr", true, Lit("repository/"), c.Str("name")),
					"registryId":    S(c.Cfg("account")),
					"repositoryUrl": host,
					// The API encrypts with AES256 when none is given
					// (ECR API CreateRepository); Read sets the block.
					"encryptionConfigurations": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
						"encryptionType": resource.NewProperty("AES256"), "kmsKey": resource.NewProperty(""),
					})}),
				}
			},
			// ECR API CreateRepository: RepositoryAlreadyExistsException
			// per registry (account) and Region.
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("ecr-repository") + c.str("name"),
					"RepositoryAlreadyExistsException: The repository with name '" + c.str("name") + "' already exists in the registry with id '" + c.Config["account"] + "'"}}
			},
		},
		{
			Token:    ECRLifecyclePolicy,
			Resource: "aws_ecr_lifecycle_policy",
			Source:   "[TPA] internal/service/ecr/lifecycle_policy.go (index id 2301516847); [SDKA] ecr/lifecyclePolicy.go:153,156",
			// No Update function: every change replaces; pulumi-aws sets
			// DeleteBeforeReplace ([PA] aws_ecr_lifecycle_policy), since
			// PutLifecyclePolicy overwrites the repository's one policy.
			DeleteBeforeReplace: true,
			Schema: Schema{
				"policy":     {Flags: Required | ForceNew, Equal: equalLifecyclePolicy, State: normalizeJSON},
				"repository": {Flags: Required | ForceNew},
				"registryId": {Flags: Output},
			},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				// ID = the repository name.
				return S(c.Str("repository")), resource.PropertyMap{"registryId": S(c.Cfg("account"))}
			},
		},
		{
			Token:    ECRRepositoryPolicy,
			Resource: "aws_ecr_repository_policy",
			Source:   "[TPA] internal/service/ecr/repository_policy.go (index id 2256222447); [SDKA] ecr/repositoryPolicy.go:114,117",
			Schema: Schema{
				"policy":     {Flags: Required, Equal: equalPolicy, State: normalizeJSON},
				"repository": {Flags: Required | ForceNew},
				"registryId": {Flags: Output},
			},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("repository")), resource.PropertyMap{"registryId": S(c.Cfg("account"))}
			},
		},
	}
}
