package testkit

// registryOutputs derives the IDs and computed outputs of the container
// registry resources components/image creates that no other table covers
// (Artifact Registry repositories are in gcpOutputs).
var registryOutputs = map[string]typeOutputs{
	"aws:ecr/repository:Repository": {
		id: func(c computed) string { return c.str("name") },
		outputs: func(c computed) map[string]any {
			name := c.str("name")
			return map[string]any{
				"arn":           "arn:aws:ecr:" + AWSRegion + ":" + AWSAccount + ":repository/" + name,
				"registryId":    AWSAccount,
				"repositoryUrl": AWSAccount + ".dkr.ecr." + AWSRegion + ".amazonaws.com/" + name,
			}
		},
	},
	"aws:ecr/lifecyclePolicy:LifecyclePolicy": {
		id: func(c computed) string { return c.str("repository") },
		outputs: func(c computed) map[string]any {
			return map[string]any{"registryId": AWSAccount}
		},
	},
}
