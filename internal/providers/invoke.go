package providers

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
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

// invoke computes one function's result. Values built with S are
// unknown when a part is.
type invoke func(args resource.PropertyMap, c *Ctx) resource.PropertyMap

// invokes are the functions the model answers, with the provider's data
// source each one reads. No result is a secret, Sensitive attributes
// included: the bridge marshals an SDKv2 data source's result without
// KeepSecrets, which unwraps them ([BR110] and [BR89] pkg/tfbridge/
// provider.go Invoke: MakeTerraformResult, then plugin.MarshalProperties
// with only a Label), and strips them from a Plugin Framework data
// source's (pf/tfbridge/provider_invoke.go, "Ignoring secret in Invoke
// result due to pulumi/pulumi#12710"). The Go SDK's plain invoke rejects a
// secret result ([SDK] go/pulumi/context.go:960), and pulumi-gcp v7.38.0's
// GetClientConfigOutput calls the plain invoke. Programs mark credentials
// secret themselves, as berth's components do.
var invokes = map[string]invoke{
	// [TPA] internal/service/sts/caller_identity_data_source.go:
	// accountId, arn, userId of the caller. Only the account follows from
	// the configuration; the caller's own ARN and user ID are left out
	// (the program reads them as empty), since a result with any unknown
	// value is wholly unknown to the SDK (pulumi.Context invoke outputs).
	GetCallerIdentity: func(_ resource.PropertyMap, c *Ctx) resource.PropertyMap {
		return resource.PropertyMap{"accountId": S(c.Cfg("account")), "id": S(c.Cfg("account"))}
	},
	// [TPA] internal/service/meta/region_data_source.go: name, endpoint (the EC2
	// endpoint of the Region in the AWS SDK's table) and description; the
	// description, from that table, is left out.
	GetRegion: func(args resource.PropertyMap, c *Ctx) resource.PropertyMap {
		region := c.Cfg("region")
		if s, ok := KnownString(args["name"]); ok && s != "" {
			region = Lit(s)
		}
		name, known := region.Known()
		endpoint := S(Lit("ec2."), region, Lit("."+DNSSuffix(name)))
		if !known {
			endpoint = S(region)
		}
		return resource.PropertyMap{"name": S(region), "id": S(region), "endpoint": endpoint}
	},
	// [TPA] internal/service/meta/partition_data_source.go: the partition of the
	// provider's Region, with its DNS suffix and reverse DNS prefix.
	GetPartition: func(_ resource.PropertyMap, c *Ctx) resource.PropertyMap {
		region, known := c.Cfg("region").Known()
		if !known {
			u := S(c.Cfg("region"))
			return resource.PropertyMap{"partition": u, "id": u, "dnsSuffix": u, "reverseDnsPrefix": u}
		}
		p := Partition(region)
		suffix := DNSSuffix(region)
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
	// [TPA] internal/service/ecr/authorization_token_data_source.go (index
	// id 1443080026): ECR's GetAuthorizationToken, a base64 "AWS:PASSWORD"
	// token the cloud makes, with its proxy endpoint; the ID is the
	// provider's Region; authorizationToken and password are Sensitive.
	GetAuthorizationToken: func(_ resource.PropertyMap, c *Ctx) resource.PropertyMap {
		password := S(c.Gen(Alnum, 32))
		token, expires := unknown(), unknown()
		if p, ok := Of(password).Known(); ok {
			token = resource.NewProperty(base64.StdEncoding.EncodeToString([]byte("AWS:" + p)))
			// Tokens last 12 hours (ECR API GetAuthorizationToken); a
			// fake cloud's never expires within a test.
			expires = resource.NewProperty("2099-01-01T00:00:00Z")
		}
		return resource.PropertyMap{
			"authorizationToken": token,
			"password":           password,
			"userName":           resource.NewProperty("AWS"),
			"proxyEndpoint":      S(Lit("https://"), c.Cfg("account"), Lit(".dkr.ecr."), c.Cfg("region"), Lit("."+DNSSuffix(c.Config["region"]))),
			"expiresAt":          expires,
			"id":                 S(c.Cfg("region")),
		}
	},
	// [TPGB] google-beta/services/resourcemanager/data_source_google_client_config.go:64-149:
	// the provider's project, region and zone and the OAuth access token of
	// its credentials, which the cloud issues; accessToken is Sensitive.
	GetClientConfig: func(_ resource.PropertyMap, c *Ctx) resource.PropertyMap {
		return resource.PropertyMap{
			"accessToken": S(Lit("ya29."), c.Gen(Alnum, 40)),
			"project":     S(c.Cfg("project")),
			"region":      S(c.Cfg("region")),
			"zone":        S(c.Cfg("zone")),
			"id":          S(Lit("projects/"), c.Cfg("project"), Lit("/regions/"), c.Cfg("region"), Lit("/zones/"), c.Cfg("zone")),
		}
	},
	// [TPGB] google-beta/services/resourcemanager/data_source_google_project.go:14-56:
	// the project (projectId, or the provider's) with its number, which the
	// cloud assigns. No attribute is Sensitive.
	GetProject: func(args resource.PropertyMap, c *Ctx) resource.PropertyMap {
		project := c.Cfg("project")
		if s, ok := KnownString(args["projectId"]); ok && s != "" {
			project = Lit(s)
		}
		return resource.PropertyMap{
			"projectId": S(project),
			"name":      S(project),
			"number":    S(Lit("1"), c.Gen(Digits, 11)),
			"id":        S(Lit("projects/"), project),
		}
	},
}

// Invokes lists the functions Invoke answers, sorted.
func Invokes() []string {
	return slices.Sorted(maps.Keys(invokes))
}

// Invoke returns the result of the function token called with args by a
// provider configured with cfg. A value that cannot be known is unknown,
// and then the SDK sees the whole result as unknown. A function not
// answered is an *UnansweredError.
func Invoke(token string, args resource.PropertyMap, cfg Config, ids IDs) (resource.PropertyMap, error) {
	f, ok := invokes[token]
	if !ok {
		return nil, &UnansweredError{Token: token}
	}
	return f(args, &Ctx{In: args, Config: cfg, IDs: ids}), nil
}
