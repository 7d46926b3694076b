package testkit

// gcpOutputs derives the IDs and computed outputs of the Google Cloud
// resources berth creates. IDs follow the provider's formats so that
// references between resources read as they would after a real deployment.
var gcpOutputs = map[string]typeOutputs{
	"gcp:serviceaccount/account:Account": {
		id: func(c computed) string { return "projects/" + c.gcpProject() + "/serviceAccounts/" + c.saEmail() },
		outputs: func(c computed) map[string]any {
			email := c.saEmail()
			out := c.placeholders("uniqueId")
			out["email"] = email
			out["member"] = "serviceAccount:" + email
			out["name"] = "projects/" + c.gcpProject() + "/serviceAccounts/" + email
			return out
		},
	},
	"gcp:cloudrunv2/service:Service": {
		id: func(c computed) string {
			return "projects/" + c.gcpProject() + "/locations/" + c.strOr("location", GCPRegion) + "/services/" + c.str("name")
		},
		outputs: func(c computed) map[string]any {
			return c.placeholders("uri", "latestReadyRevision", "latestCreatedRevision", "uid", "etag")
		},
	},
	"gcp:vpcaccess/connector:Connector": {
		id: func(c computed) string {
			return "projects/" + c.gcpProject() + "/locations/" + c.strOr("region", GCPRegion) + "/connectors/" + c.str("name")
		},
		outputs: func(c computed) map[string]any {
			out := c.placeholders("state")
			out["selfLink"] = "projects/" + c.gcpProject() + "/locations/" + c.strOr("region", GCPRegion) + "/connectors/" + c.str("name")
			return out
		},
	},
	"gcp:secretmanager/secret:Secret": {
		id: func(c computed) string { return "projects/" + c.gcpProject() + "/secrets/" + c.str("secretId") },
		outputs: func(c computed) map[string]any {
			return map[string]any{"name": "projects/" + c.gcpProject() + "/secrets/" + c.str("secretId")}
		},
	},
	"gcp:secretmanager/secretVersion:SecretVersion": {
		// A new secret's first version is number 1.
		id: func(c computed) string { return c.str("secret") + "/versions/1" },
		outputs: func(c computed) map[string]any {
			return map[string]any{"name": c.str("secret") + "/versions/1", "version": "1"}
		},
	},
	"gcp:artifactregistry/repository:Repository": {
		id: func(c computed) string {
			return "projects/" + c.gcpProject() + "/locations/" + c.strOr("location", GCPRegion) + "/repositories/" + c.str("repositoryId")
		},
		outputs: func(c computed) map[string]any {
			return map[string]any{
				"name":    c.str("repositoryId"),
				"project": c.gcpProject(),
			}
		},
	},
}

// gcpProject is the resource's project input, or the mock client project.
func (c computed) gcpProject() string { return c.strOr("project", GCPProject) }

// saEmail is the email Google gives a service account.
func (c computed) saEmail() string {
	return c.str("accountId") + "@" + c.gcpProject() + ".iam.gserviceaccount.com"
}
