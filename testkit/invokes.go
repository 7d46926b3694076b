package testkit

// invokes holds the fixed answer of every invoke the components make, keyed
// by the function token.
var invokes = map[string]map[string]any{
	"gcp:organizations/getClientConfig:getClientConfig": {
		"accessToken": AccessToken,
		"id":          "mock-client-config",
		"project":     GCPProject,
		"region":      GCPRegion,
		"zone":        GCPRegion + "-a",
	},
	"gcp:organizations/getProject:getProject": {
		"projectId": GCPProject,
		"number":    "123456789",
		"name":      GCPProject,
	},
	"aws:ecr/getAuthorizationToken:getAuthorizationToken": {
		"authorizationToken": "QVdTOm1vY2stZWNyLXBhc3N3b3Jk", // base64 of AWS:mock-ecr-password
		"expiresAt":          "2030-01-01T00:00:00Z",
		"id":                 AWSRegion,
		"password":           ECRPassword,
		"proxyEndpoint":      "https://" + AWSAccount + ".dkr.ecr." + AWSRegion + ".amazonaws.com",
		"userName":           "AWS",
	},
	"aws:index/getCallerIdentity:getCallerIdentity": {
		"accountId": AWSAccount,
		"arn":       "arn:aws:iam::" + AWSAccount + ":user/mock",
		"id":        AWSAccount,
		"userId":    "AIDAMOCK",
	},
	"aws:index/getRegion:getRegion": {
		"name":        AWSRegion,
		"id":          AWSRegion,
		"description": "US East (N. Virginia)",
		"endpoint":    "ec2." + AWSRegion + ".amazonaws.com",
	},
	"aws:index/getPartition:getPartition": {
		"partition":        "aws",
		"dnsSuffix":        "amazonaws.com",
		"id":               "aws",
		"reverseDnsPrefix": "com.amazonaws",
	},
}
