package answers

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/berth-dev/berth/internal/fakecloud/model"
)

// UnansweredError is an invoke this package has no answer for.
type UnansweredError struct {
	// Token is the function, such as "aws:ec2/getVpc:getVpc".
	Token string
}

// Error names the function and the ones that are answered.
func (e *UnansweredError) Error() string {
	return fmt.Sprintf("no offline answer for invoke %s (answered: %s)", e.Token, strings.Join(Invokes(), ", "))
}

// invoke computes one function's result. Values built with model.S are
// unknown when a part is.
type invoke func(args resource.PropertyMap, c *model.Ctx) resource.PropertyMap

// invokes are the functions the components call, with the provider's
// data source each one reads.
var invokes = map[string]invoke{
	// terraform-provider-aws internal/service/sts/caller_identity_data_source.go:
	// accountId, arn, userId of the caller. Only the account follows from
	// the configuration; the caller's own ARN and user ID are left out
	// (the program reads them as empty), since a result with any unknown
	// value is wholly unknown to the SDK (pulumi.Context invoke outputs).
	"aws:index/getCallerIdentity:getCallerIdentity": func(_ resource.PropertyMap, c *model.Ctx) resource.PropertyMap {
		return resource.PropertyMap{"accountId": model.S(c.Cfg("account")), "id": model.S(c.Cfg("account"))}
	},
	// internal/service/meta/region_data_source.go: name, endpoint (the EC2
	// endpoint of the Region in the AWS SDK's table) and description; the
	// description, from that table, is left out.
	"aws:index/getRegion:getRegion": func(args resource.PropertyMap, c *model.Ctx) resource.PropertyMap {
		region := c.Cfg("region")
		if s, ok := knownString(args["name"]); ok && s != "" {
			region = model.Lit(s)
		}
		name, known := region.Known()
		endpoint := model.S(model.Lit("ec2."), region, model.Lit("."+dnsSuffix(name)))
		if !known {
			endpoint = model.S(region)
		}
		return resource.PropertyMap{"name": model.S(region), "id": model.S(region), "endpoint": endpoint}
	},
	// internal/service/meta/partition_data_source.go: the partition of the
	// provider's Region, with its DNS suffix and reverse DNS prefix.
	"aws:index/getPartition:getPartition": func(_ resource.PropertyMap, c *model.Ctx) resource.PropertyMap {
		region, known := c.Cfg("region").Known()
		if !known {
			u := model.S(c.Cfg("region"))
			return resource.PropertyMap{"partition": u, "id": u, "dnsSuffix": u, "reverseDnsPrefix": u}
		}
		p := model.AWSPartition(region)
		suffix := dnsSuffix(region)
		labels := strings.Split(suffix, ".")
		for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
			labels[i], labels[j] = labels[j], labels[i]
		}
		return resource.PropertyMap{
			"partition":        resource.NewProperty(p),
			"id":               resource.NewProperty(p),
			"dnsSuffix":        resource.NewProperty(suffix),
			"reverseDnsPrefix": resource.NewProperty(strings.Join(labels, ".")),
		}
	},
	// internal/service/ecr/authorization_token_data_source.go: ECR's
	// GetAuthorizationToken, a base64 "AWS:PASSWORD" token the cloud
	// makes, with its proxy endpoint; the ID is the provider's Region.
	"aws:ecr/getAuthorizationToken:getAuthorizationToken": func(_ resource.PropertyMap, c *model.Ctx) resource.PropertyMap {
		password := model.S(c.Gen("", model.Alnum, 32))
		token, expires := unknownValue(), unknownValue()
		if p, ok := model.Of(password).Known(); ok {
			token = resource.NewProperty(base64.StdEncoding.EncodeToString([]byte("AWS:" + p)))
			// Tokens last 12 hours (ECR API GetAuthorizationToken); a
			// fake cloud's never expires within a test.
			expires = resource.NewProperty("2099-01-01T00:00:00Z")
		}
		return resource.PropertyMap{
			"authorizationToken": token,
			"password":           password,
			"userName":           resource.NewProperty("AWS"),
			"proxyEndpoint":      model.S(model.Lit("https://"), c.Cfg("account"), model.Lit(".dkr.ecr."), c.Cfg("region"), model.Lit("."+dnsSuffix(c.Config["region"]))),
			"expiresAt":          expires,
			"id":                 model.S(c.Cfg("region")),
		}
	},
	// terraform-provider-google v5.40.0
	// google/services/resourcemanager/data_source_google_client_config.go:
	// the provider's project, region and zone and the OAuth access token of
	// its credentials, which the cloud issues.
	"gcp:organizations/getClientConfig:getClientConfig": func(_ resource.PropertyMap, c *model.Ctx) resource.PropertyMap {
		return resource.PropertyMap{
			"accessToken": model.S(model.Lit("ya29."), c.Gen("", model.Alnum, 40)),
			"project":     model.S(c.Cfg("project")),
			"region":      model.S(c.Cfg("region")),
			"zone":        model.S(c.Cfg("zone")),
			"id":          model.S(model.Lit("projects/"), c.Cfg("project"), model.Lit("/regions/"), c.Cfg("region"), model.Lit("/zones/"), c.Cfg("zone")),
		}
	},
	// google/services/resourcemanager/data_source_google_project.go: the
	// project (projectId, or the provider's) with its number, which the
	// cloud assigns.
	"gcp:organizations/getProject:getProject": func(args resource.PropertyMap, c *model.Ctx) resource.PropertyMap {
		project := c.Cfg("project")
		if s, ok := knownString(args["projectId"]); ok && s != "" {
			project = model.Lit(s)
		}
		return resource.PropertyMap{
			"projectId": model.S(project),
			"name":      model.S(project),
			"number":    model.S(model.Lit("1"), c.Gen("", model.Digits, 11)),
			"id":        model.S(model.Lit("projects/"), project),
		}
	},
}

// Invokes lists the functions Invoke answers, sorted.
func Invokes() []string {
	out := make([]string, 0, len(invokes))
	for tok := range invokes {
		out = append(out, tok)
	}
	sort.Strings(out)
	return out
}

// Invoke returns the result of the function token called with args by a
// provider configured with cfg. A value that cannot be known is unknown,
// and then the SDK sees the whole result as unknown. A function not
// answered is an *UnansweredError.
func Invoke(token string, args resource.PropertyMap, cfg model.Config, ids model.IDs) (resource.PropertyMap, error) {
	f, ok := invokes[token]
	if !ok {
		return nil, &UnansweredError{Token: token}
	}
	return f(args, &model.Ctx{In: args, Config: cfg, IDs: ids}), nil
}

func unknownValue() resource.PropertyValue { return resource.MakeComputed(resource.NewProperty("")) }

// dnsSuffix is the DNS suffix of a Region's partition: amazonaws.com, or
// amazonaws.com.cn in China (AWS General Reference, "Service endpoints").
func dnsSuffix(region string) string {
	if model.AWSPartition(region) == "aws-cn" {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}
