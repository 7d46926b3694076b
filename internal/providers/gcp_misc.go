package providers

import (
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func gcpMiscTypes() []*Type {
	return []*Type{
		{
			Token:    ServiceAccount,
			Resource: "google_service_account",
			Source:   "[TPGB] google-beta/services/resourcemanager/resource_google_service_account.go (sa); [PG] resources.go:894-899",
			// Not autonamed: the Terraform name is computed only, and
			// account_id is not called name.
			Schema: Schema{
				"accountId":                 {Flags: Required | ForceNew, Validate: rfc1035(6, 30)},
				"displayName":               {},
				"description":               {},
				"disabled":                  {Default: boolean(false)},
				"project":                   {Flags: Computed | ForceNew},
				"createIgnoreAlreadyExists": {},
				"email":                     {Flags: Output},
				"member":                    {Flags: Output},
				"name":                      {Flags: Output},
				"uniqueId":                  {Flags: Output},
			},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				email := S(c.Str("accountId"), Lit("@"), c.project(), Lit(".iam.gserviceaccount.com"))
				ep := Of(email)
				name := S(Lit("projects/"), c.project(), Lit("/serviceAccounts/"), ep)
				// ID = the API's name (sa:137).
				return name, resource.PropertyMap{
					"email":    email,
					"member":   S(Lit("serviceAccount:"), ep),
					"name":     name,
					"project":  S(c.project()),
					"uniqueId": c.Keep("uniqueId", func() resource.PropertyValue { return S(Lit("1"), c.Gen(Digits, 20)) }),
				}
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{"service-account/" + c.known(c.project()) + "/" + c.str("accountId"),
					"googleapi: Error 409: Service account " + c.str("accountId") + " already exists within project projects/" + c.known(c.project()) + "., alreadyExists"}}
			},
		},
		{
			Token:    VPCAccessConnector,
			Resource: "google_vpc_access_connector",
			Source:   "[TPGB] google-beta/services/vpcaccess/resource_vpc_access_connector.go:35-177 (vpca); [PG] resources.go:1784",
			// Every argument ForceNew; no Update function (vpca:35-40).
			// name is autonamed (255, not the API's 25 characters).
			Autoname: gcpName(),
			// Create sets the ID, waits, and clears the ID when the wait
			// fails (vpca:298-303): nothing is left behind.
			// Timeouts Create 20m (vpca:45-48).
			CreateTimeout: 20 * time.Minute,
			Schema: Schema{
				"name":          {Flags: ForceNew},
				"ipCidrRange":   {Flags: ForceNew},
				"machineType":   {Flags: ForceNew, Default: str("e2-micro")},
				"maxInstances":  {Flags: Computed | ForceNew},
				"minInstances":  {Flags: Computed | ForceNew},
				"maxThroughput": {Flags: ForceNew, Default: num(300)},
				"minThroughput": {Flags: ForceNew, Default: num(200)},
				"network":       {Flags: Computed | ForceNew},
				"region":        {Flags: Computed | ForceNew},
				"subnet": {Flags: ForceNew, Elem: Schema{
					"name":      {Flags: ForceNew},
					"projectId": {Flags: Computed | ForceNew},
				}},
				"project":           {Flags: Computed | ForceNew},
				"connectedProjects": {Flags: Output},
				"selfLink":          {Flags: Output},
				"state":             {Flags: Output},
			},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				region := c.location("region")
				id := S(Lit("projects/"), c.project(), Lit("/locations/"), region, Lit("/connectors/"), c.Str("name"))
				out := resource.PropertyMap{
					"project":           S(c.project()),
					"selfLink":          id,
					"state":             resource.NewProperty("READY"),
					"connectedProjects": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(c.known(c.project()))}),
				}
				// Read never sets region (no d.Set("region") in vpca): an
				// omitted region stays out of the state.
				//
				// Read writes back the API's throughput (vpca:403-414). The
				// API derives it from the instance counts: 100 Mbps per
				// instance for e2-micro; so any size but 2 to 3 instances
				// leaves the state at other values than the 200/300
				// defaults, and the next plan replaces the connector
				// (hashicorp/terraform-provider-google#10244, #15278; the
				// derivation is the API's, seen in those issues, not in
				// source).
				minI, maxI := Unsecret(c.In["minInstances"]), Unsecret(c.In["maxInstances"])
				if !minI.IsNumber() {
					minI = resource.NewProperty(2.0)
				}
				if !maxI.IsNumber() {
					maxI = resource.NewProperty(10.0)
				}
				out["minInstances"], out["maxInstances"] = minI, maxI
				out["minThroughput"] = resource.NewProperty(minI.NumberValue() * 100)
				out["maxThroughput"] = resource.NewProperty(maxI.NumberValue() * 100)
				// ID: projects/{{project}}/locations/{{region}}/connectors/{{name}} (vpca:286).
				return id, out
			},
			// A connector's name is unique per project and region; its /28
			// must not overlap another connector's or subnet's range in
			// the network (Serverless VPC Access docs, "Create a
			// connector").
			Unique: func(c *Ctx) []Key {
				p, r := c.known(c.project()), c.known(c.location("region"))
				keys := []Key{{"vpc-connector/" + p + "/" + r + "/" + c.str("name"),
					"googleapi: Error 409: Requested entity already exists"}}
				if cidr := c.str("ipCidrRange"); cidr != "" {
					keys = append(keys, Key{"network-range/" + p + "/" + c.str("network") + "/" + cidr,
						"googleapi: Error 400: The IP range " + cidr + " is already in use by another connector or subnetwork in network " + c.str("network") + "., badRequest"})
				}
				return keys
			},
		},
		{
			Token:    ArtifactRegistryRepo,
			Resource: "google_artifact_registry_repository",
			Source:   "[TPGB] google-beta/services/artifactregistry/resource_artifact_registry_repository.go:92-660 (ar); [PG] resources.go:1854",
			// repositoryId is not autonamed. Create sets the ID, waits,
			// and clears the ID when the wait fails (ar:811-816).
			Schema: with(Schema{
				"format":                  {Flags: Required | ForceNew, Equal: equalFold},
				"repositoryId":            {Flags: Required | ForceNew},
				"cleanupPolicies":         {Flags: Set},
				"cleanupPolicyDryRun":     {},
				"description":             {},
				"dockerConfig":            {},
				"kmsKeyName":              {Flags: ForceNew},
				"location":                {Flags: Computed | ForceNew},
				"mavenConfig":             {},
				"mode":                    {Flags: ForceNew, Default: str("STANDARD_REPOSITORY")},
				"remoteRepositoryConfig":  {Flags: ForceNew},
				"virtualRepositoryConfig": {},
				"project":                 {Flags: Computed | ForceNew},
				"name":                    {Flags: Output},
			}, labelled),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				out := c.labels()
				out["project"] = S(c.project())
				// The encoder fills location from the provider's region
				// (ar:2489-2501).
				out["location"] = S(c.location("location"))
				out["name"] = S(c.Str("repositoryId"))
				return S(Lit("projects/"), c.project(), Lit("/locations/"), c.location("location"), Lit("/repositories/"), c.Str("repositoryId")), out
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{"ar-repository/" + c.known(c.project()) + "/" + c.known(c.location("location")) + "/" + c.str("repositoryId"),
					"googleapi: Error 409: the repository already exists"}}
			},
		},
		{
			Token:    StorageBucket,
			Resource: "google_storage_bucket",
			Source:   "[TPGB] google-beta/services/storage/resource_storage_bucket.go; [PG] resources.go:1486-1494 AutoName(\"name\", 222, \"-\")",
			// No lowercasing: an upper-case logical name fails
			// ValidateGCSName.
			Autoname: &Autoname{Prop: "name", MaxLen: 222},
			Schema: with(Schema{
				"name": {Flags: ForceNew},
				// StateFunc upper-cases it (resource_storage_bucket.go:121-128).
				"location": {Flags: Required | ForceNew, Equal: equalFold, State: func(v resource.PropertyValue) resource.PropertyValue {
					if s, ok := KnownString(v); ok {
						return resource.NewProperty(strings.ToUpper(s))
					}
					return v
				}},
				"forceDestroy":             {Default: boolean(false)},
				"storageClass":             {Default: str("STANDARD")},
				"project":                  {Flags: Computed | ForceNew},
				"uniformBucketLevelAccess": {Flags: Computed},
				"publicAccessPrevention":   {Flags: Computed},
				"rpo":                      {Flags: Computed},
				"versioning":               {Flags: Computed},
				"website":                  {Flags: Computed},
				"softDeletePolicy":         {Flags: Computed},
				"enableObjectRetention":    {Flags: ForceNew},
				"selfLink":                 {Flags: Output},
				"url":                      {Flags: Output},
			}, labelled),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				out := c.labels()
				out["project"] = S(c.project())
				out["url"] = S(Lit("gs://"), c.Str("name"))
				// ID = the bucket's name.
				return S(c.Str("name")), out
			},
			// Bucket names are global (Cloud Storage, "Bucket names").
			Unique: func(c *Ctx) []Key {
				return []Key{{"gcs-bucket/" + c.str("name"), "googleapi: Error 409: The requested bucket name is not available."}}
			},
		},
		{
			Token:    PubSubTopic,
			Resource: "google_pubsub_topic",
			Source:   "[TPGB] google-beta/services/pubsub/resource_pubsub_topic.go; [PG] resources.go:1332",
			Autoname: gcpName(),
			Schema: with(Schema{
				"name":                     {Flags: ForceNew, Equal: equalNameOrPath},
				"kmsKeyName":               {},
				"messageRetentionDuration": {},
				"messageStoragePolicy":     {Flags: Computed},
				"schemaSettings":           {Flags: Computed, Elem: Schema{"encoding": {Default: str("ENCODING_UNSPECIFIED")}}},
				"project":                  {Flags: Computed | ForceNew},
			}, labelled),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				out := c.labels()
				out["project"] = S(c.project())
				return S(Lit("projects/"), c.project(), Lit("/topics/"), c.Str("name")), out
			},
		},
		{
			Token:    ProjectIAMMember,
			Resource: "google_project_iam_member",
			Source:   "[TPGB] google-beta/services/resourcemanager/iam_project.go:16-23,89-104, tpgiamresource/resource_iam_member.go",
			// project is Required (no provider default); not autonamed.
			Schema: with(Schema{
				"project": {Flags: Required | ForceNew},
			}, iamMember),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return c.memberID(c.Str("project")), resource.PropertyMap{"etag": c.Keep("etag", func() resource.PropertyValue { return S(Lit("BwY"), c.Gen(Alnum, 9)) })}
			},
		},
		{
			Token:    ComputeSubnetwork,
			Resource: "google_compute_subnetwork",
			Source:   "[TPGB] google-beta/services/compute/resource_compute_subnetwork.go; [PG] resources.go:325-335,1067 lowercaseAutoName",
			// [PG] lowercaseAutoName: 63 characters, lowercased.
			Autoname: &Autoname{Prop: "name", MaxLen: 63, Lower: true},
			Schema: Schema{
				"name":                  {Flags: ForceNew},
				"ipCidrRange":           {Flags: Required},
				"network":               {Flags: Required | ForceNew, Equal: equalNameOrPath},
				"region":                {Flags: Computed | ForceNew},
				"description":           {Flags: ForceNew},
				"privateIpGoogleAccess": {Flags: Computed},
				"secondaryIpRanges":     {Flags: Computed},
				"purpose":               {Flags: Computed | ForceNew},
				"project":               {Flags: Computed | ForceNew},
				"gatewayAddress":        {Flags: Output},
				"selfLink":              {Flags: Output},
			},
			// A shrinking range replaces the subnetwork
			// (ForceNewIfChange(IsShrinkageIpCidr), :39): modelled as any
			// change to a range that does not contain the old one.
			Replaces: func(olds, news resource.PropertyMap) []string {
				o, okO := KnownString(olds["ipCidrRange"])
				n, okN := KnownString(news["ipCidrRange"])
				if okO && okN && o != n && !cidrContains(n, o) {
					return []string{"ipCidrRange"}
				}
				return nil
			},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				id := S(Lit("projects/"), c.project(), Lit("/regions/"), c.location("region"), Lit("/subnetworks/"), c.Str("name"))
				return id, resource.PropertyMap{
					"project":  S(c.project()),
					"region":   S(c.location("region")),
					"selfLink": S(Lit("https://www.googleapis.com/compute/v1/"), Of(id)),
				}
			},
		},
	}
}
