package providers

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// AWS helpers. Types live in aws_*.go, one file per service.

// awsName is pulumi-aws's provider-wide autoname: every resource whose
// Terraform schema has a top-level `name` that is Optional or Required
// and that has no name override gets tfbridge.AutoName("name", 255, "-")
// ([PA] setAutonaming at the end of ProviderFromMeta: maxLength 255,
// separator "-", hasOptionalOrRequiredNameProperty).
func awsName() *Autoname {
	return &Autoname{Prop: "name", MaxLen: 255, ConflictsWith: []string{"namePrefix"}}
}

// Partition is the partition of a Region ("aws", "aws-cn" or
// "aws-us-gov"), the one rule behind every ARN the model builds (AWS
// General Reference, "Amazon Resource Names").
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// DNSSuffix is the DNS suffix of a Region's partition: amazonaws.com, or
// amazonaws.com.cn in China (AWS General Reference, "Service endpoints").
func DNSSuffix(region string) string {
	if Partition(region) == "aws-cn" {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// arn builds "arn:PARTITION:SERVICE:REGION:ACCOUNT:" + rest.
func (c *Ctx) arn(service string, regional bool, rest ...Part) resource.PropertyValue {
	parts := []Part{Lit("arn:" + Partition(c.Config["region"]) + ":" + service + ":")}
	if regional {
		parts = append(parts, c.Cfg("region"))
	}
	parts = append(parts, Lit(":"), c.Cfg("account"), Lit(":"))
	return S(append(parts, rest...)...)
}

// scope is "KIND/ACCOUNT/REGION/" for regional uniqueness keys.
func (c *Ctx) scope(kind string) string {
	return kind + "/" + c.Config["account"] + "/" + c.Config["region"] + "/"
}

// maxLen is a ValidateFunc that limits a string's length, with the
// Terraform SDK's message (validation.StringLenBetween).
func maxLen(attr string, n int) func(resource.PropertyValue) string {
	return func(v resource.PropertyValue) string {
		if s, ok := KnownString(v); ok && len(s) > n {
			return "\"" + attr + "\" cannot be longer than " + itoa(n) + " characters: \"" + s + "\""
		}
		return ""
	}
}

func awsTypes() []*Type {
	var out []*Type
	for _, f := range []func() []*Type{ecrTypes, iamTypes, ec2Types, elbTypes, ecsTypes, scalingTypes, logsTypes, secretsTypes, storageTypes, certificateTypes} {
		out = append(out, f()...)
	}
	for _, t := range out {
		t.Provider = AWS
	}
	return out
}

// tags are the tags inputs every tagged AWS type has: tags Optional, and
// tagsAll computed by pulumi-aws's own Check from the provider's default
// tags ([PA] applyTags, provider/tags.go).
var tags = Schema{"tags": {}, "tagsAll": {Flags: Computed}}

// with returns s with the properties of extra added.
func with(s Schema, extra ...Schema) Schema {
	out := Schema{}
	for k, v := range s {
		out[k] = v
	}
	for _, e := range extra {
		for k, v := range e {
			out[k] = v
		}
	}
	return out
}
