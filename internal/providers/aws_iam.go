package providers

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func iamTypes() []*Type {
	return []*Type{
		{
			Token:    IAMRole,
			Resource: "aws_iam_role",
			Source:   "[TPA] internal/service/iam/role.go resourceRole (index id 1880669110); [SDKA] iam/role.go:403",
			// [PA] aws_iam_role: "name": tfbridge.AutoName("name", 64, "-").
			Autoname: &Autoname{Prop: "name", MaxLen: 64, ConflictsWith: []string{"namePrefix"}},
			Schema: with(Schema{
				"assumeRolePolicy":    {Flags: Required, Equal: equalPolicy, State: normalizeJSON},
				"description":         {},
				"forceDetachPolicies": {Default: boolean(false)},
				"inlinePolicies":      {Flags: Computed | Set},
				"managedPolicyArns":   {Flags: Computed | Set},
				"maxSessionDuration":  {Default: num(3600)},
				"name":                {Flags: Computed | ForceNew, Validate: maxLen("name", 64)},
				"namePrefix":          {Flags: Computed | ForceNew},
				"path":                {Flags: ForceNew, Default: str("/")},
				"permissionsBoundary": {},
				"arn":                 {Flags: Output},
				"createDate":          {Flags: Output},
				"uniqueId":            {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				// ID = the role name.
				return S(c.Str("name")), resource.PropertyMap{
					"arn":      c.arn("iam", false, Lit("role"), c.Str("path"), c.Str("name")),
					"uniqueId": c.Keep("uniqueId", func() resource.PropertyValue { return S(Lit("AROA"), c.Gen(UpperAlnum, 17)) }),
				}
			},
			// Delete detaches policies only with forceDetachPolicies (or
			// policies the role's own inputs manage), then retries
			// DeleteRole for 2 minutes on DeleteConflictException ([TPA]
			// role.go deleteRole): a policy attached by another resource
			// that is still there makes the delete fail.
			Blockers: []Blocker{
				{Type: IAMRolePolicy, Uses: usesRole, Err: roleConflict},
				{Type: IAMRolePolicyAttachment, Uses: usesRole, Err: roleConflict},
			},
			// IAM is global: a role name is unique in the account (IAM
			// API CreateRole, EntityAlreadyExists).
			Unique: func(c *Ctx) []Key {
				return []Key{{"iam-role/" + c.Config["account"] + "/" + c.str("name"),
					"EntityAlreadyExists: Role with name " + c.str("name") + " already exists."}}
			},
		},
		{
			Token:    IAMRolePolicy,
			Resource: "aws_iam_role_policy",
			Source:   "[TPA] internal/service/iam/role_policy.go (index id 1757526448); [SDKA] iam/rolePolicy.go:121,124",
			// The provider-wide autoname (255), although Terraform
			// validates 128 ([PA] has no name override for the type).
			Autoname: awsName(),
			Schema: Schema{
				"name":       {Flags: Computed | ForceNew, Validate: maxLen("name", 128)},
				"namePrefix": {Flags: Computed | ForceNew},
				"policy":     {Flags: Required, Equal: equalPolicy, State: normalizeLegacyPolicy},
				"role":       {Flags: Required | ForceNew},
			},
			// PutRolePolicy upserts: a second policy of the same name on
			// the role overwrites the first, without an error (no Unique).
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("role"), Lit(":"), c.Str("name")), nil
			},
		},
		{
			Token:    IAMRolePolicyAttachment,
			Resource: "aws_iam_role_policy_attachment",
			Source:   "[TPA] internal/service/iam/role_policy_attachment.go (index id 1381336809); [SDKA] iam/rolePolicyAttachment.go:124,127",
			// [PA]: DeleteBeforeReplace, since creating the replacement and
			// then deleting the old one detaches the same attachment.
			DeleteBeforeReplace: true,
			Schema: Schema{
				"policyArn": {Flags: Required | ForceNew},
				"role":      {Flags: Required | ForceNew},
			},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				// id.PrefixedUniqueId(role + "-"): the prefix and 26
				// characters of timestamp and counter.
				if c.ID != "" {
					return resource.NewProperty(c.ID), nil
				}
				return c.Stable(func() resource.PropertyValue { return S(c.Str("role"), Lit("-"), c.Gen(Digits, 26)) }), nil
			},
		},
		{
			Token:    IAMPolicy,
			Resource: "aws_iam_policy",
			Source:   "[TPA] internal/service/iam/policy.go (index id 2373288165); [SDKA] iam/policy.go:108",
			Autoname: awsName(),
			Schema: with(Schema{
				"description": {Flags: ForceNew},
				"name":        {Flags: Computed | ForceNew, Validate: maxLen("name", 128)},
				"namePrefix":  {Flags: Computed | ForceNew},
				"path":        {Flags: ForceNew, Default: str("/")},
				"policy":      {Flags: Required, Equal: equalPolicy, State: normalizeJSON},
				"arn":         {Flags: Output},
				"policyId":    {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				arn := c.arn("iam", false, Lit("policy"), c.Str("path"), c.Str("name"))
				// ID = the policy ARN.
				return arn, resource.PropertyMap{"arn": arn, "policyId": c.Keep("policyId", func() resource.PropertyValue { return S(Lit("ANPA"), c.Gen(UpperAlnum, 17)) }), "attachmentCount": num(0)}
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{"iam-policy/" + c.Config["account"] + "/" + c.str("path") + c.str("name"),
					"EntityAlreadyExists: A policy called " + c.str("name") + " already exists. Duplicate names are not allowed."}}
			},
		},
	}
}

// usesRole reports whether a policy or attachment is on the target role,
// which does not force-detach its policies.
func usesRole(user, target resource.PropertyMap) bool {
	if f := Unsecret(target["forceDetachPolicies"]); f.IsBool() && f.BoolValue() {
		return false
	}
	role, _ := KnownString(user["role"])
	name, _ := KnownString(target["name"])
	arn, _ := KnownString(target["arn"])
	return role != "" && (role == name || role == arn)
}

func roleConflict(target resource.PropertyMap) string {
	name, _ := KnownString(target["name"])
	return "deleting IAM Role (" + name + "): DeleteConflict: Cannot delete entity, must delete policies first."
}
