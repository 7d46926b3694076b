package providers

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func ec2Types() []*Type {
	return []*Type{
		{
			Token:    SecurityGroup,
			Resource: "aws_security_group",
			Source:   "[TPA] internal/service/ec2/vpc_security_group.go resourceSecurityGroup (index id 1663588308); [SDKA] ec2/securityGroup.go:343",
			Autoname: awsName(),
			Schema: with(Schema{
				// Upstream's "Managed by Terraform", changed by pulumi-aws's
				// patch 0018, and a DefaultInfo of pulumi-aws's own ([PA]
				// "description": {Default: managedByPulumi}), which the
				// Go SDK also fills before it registers ([SDKA]
				// ec2/securityGroup.go).
				"description": {Flags: ForceNew | CheckDefault, Default: str("Managed by Pulumi")},
				// TypeSets, Optional+Computed, ConfigMode Attr.
				"egress":              {Flags: Computed | Set},
				"ingress":             {Flags: Computed | Set},
				"name":                {Flags: Computed | ForceNew, Validate: maxLen("name", 255)},
				"namePrefix":          {Flags: Computed | ForceNew},
				"revokeRulesOnDelete": {Default: boolean(false)},
				"vpcId":               {Flags: Computed | ForceNew},
				"arn":                 {Flags: Output},
				"ownerId":             {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				id := c.NewID("sg-", Hex, 17)
				out := resource.PropertyMap{
					"arn":     c.arn("ec2", true, Lit("security-group/"), Of(id)),
					"ownerId": S(c.Cfg("account")),
				}
				// Create revokes the default allow-all egress and
				// authorises only the configured rules: a group without
				// rule blocks has none.
				for _, k := range []resource.PropertyKey{"ingress", "egress"} {
					if isNull(c.In[k]) {
						out[k] = resource.NewProperty([]resource.PropertyValue{})
					}
				}
				return id, out
			},
			// EC2 CreateSecurityGroup: group names are unique per VPC.
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("security-group") + c.str("vpcId") + "/" + c.str("name"),
					"InvalidGroup.Duplicate: The security group '" + c.str("name") + "' already exists for VPC '" + c.str("vpcId") + "'"}}
			},
		},
		sgRule(SecurityGroupIngressRule, "ingress"),
		sgRule(SecurityGroupEgressRule, "egress"),
		{
			Token:    SecurityGroupRule,
			Resource: "aws_security_group_rule",
			Source:   "[TPA] internal/service/ec2/vpc_security_group_rule.go (index id 2123651407); [SDKA] ec2/securityGroupRule.go:250-262",
			// [PA]: DeleteBeforeReplace; every argument but description
			// is ForceNew.
			DeleteBeforeReplace: true,
			Schema: Schema{
				"cidrBlocks":            {Flags: ForceNew},
				"description":           {},
				"fromPort":              {Flags: Required | ForceNew},
				"ipv6CidrBlocks":        {Flags: ForceNew},
				"prefixListIds":         {Flags: ForceNew},
				"protocol":              {Flags: Required | ForceNew},
				"securityGroupId":       {Flags: Required | ForceNew},
				"self":                  {Flags: ForceNew, Default: boolean(false)},
				"sourceSecurityGroupId": {Flags: Computed | ForceNew},
				"toPort":                {Flags: Required | ForceNew},
				"type":                  {Flags: Required | ForceNew},
				"securityGroupRuleId":   {Flags: Output},
			},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				// sgrule- and a hash of the rule (securityGroupRuleCreateID).
				return c.NewID("sgrule-", Digits, 10), resource.PropertyMap{"securityGroupRuleId": c.Keep("securityGroupRuleId", func() resource.PropertyValue {
					return S(Lit("sgr-"), c.Gen(Hex, 17))
				})}
			},
		},
	}
}

// sgRule is a VPC security group ingress or egress rule, a Plugin Framework
// resource ([TPA] internal/service/ec2/vpc_security_group_ingress_rule.go,
// which holds the schema both share; index id 1359123306; [SDKA]
// vpc/securityGroupIngressRule.go:113,116): security_group_id is Required
// with RequiresReplace, ip_protocol Required, exactly one source; every
// other change updates in place (ModifySecurityGroupRules), except a
// change of the kind of source, which ModifyPlan makes a replacement. Not
// autonamed, and the bridge decides its replacement order by
// DeleteBeforeReplace alone, which pulumi-aws does not set.
func sgRule(token, direction string) *Type {
	sources := []string{"cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"}
	return &Type{
		Token:     token,
		Resource:  "aws_vpc_security_group_" + direction + "_rule",
		Source:    "[TPA] internal/service/ec2/vpc_security_group_ingress_rule.go securityGroupRuleResource (index id 1359123306)",
		Framework: true,
		Schema: with(Schema{
			"securityGroupId":           {Flags: Required | ForceNew},
			"ipProtocol":                {Flags: Required},
			"cidrIpv4":                  {},
			"cidrIpv6":                  {},
			"prefixListId":              {},
			"referencedSecurityGroupId": {},
			"description":               {},
			"fromPort":                  {},
			"toPort":                    {},
			"arn":                       {Flags: Output},
			"securityGroupRuleId":       {Flags: Output},
		}, tags),
		Replaces: func(olds, news resource.PropertyMap) []string {
			kind := func(m resource.PropertyMap) string {
				for _, s := range sources {
					if !isNull(m[resource.PropertyKey(s)]) {
						return s
					}
				}
				return ""
			}
			if o, n := kind(olds), kind(news); o != "" && n != "" && o != n {
				return []string{n, o}
			}
			return nil
		},
		Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
			id := c.NewID("sgr-", Hex, 17)
			// ID = the rule's security_group_rule_id.
			return id, resource.PropertyMap{
				"securityGroupRuleId": id,
				"arn":                 c.arn("ec2", true, Lit("security-group-rule/"), Of(id)),
			}
		},
		// EC2 rejects a second rule with the same group, protocol, ports
		// and peer (InvalidPermission.Duplicate).
		Unique: func(c *Ctx) []Key {
			peer := c.str("cidrIpv4") + c.str("cidrIpv6") + c.str("referencedSecurityGroupId") + c.str("prefixListId")
			return []Key{{c.scope("sg-rule") + strings.Join([]string{c.str("securityGroupId"), direction, c.str("ipProtocol"), c.str("fromPort"), c.str("toPort"), peer}, "/"),
				"InvalidPermission.Duplicate: the specified rule \"peer: " + peer + ", " + strings.ToUpper(c.str("ipProtocol")) + ", from port: " + c.str("fromPort") + ", to port: " + c.str("toPort") + ", ALLOW\" already exists"}}
		},
	}
}
