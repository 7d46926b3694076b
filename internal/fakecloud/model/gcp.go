package model

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Google Cloud rules. Sources are files of
// hashicorp/terraform-provider-google v5.40.0 (the upstream of pulumi-gcp
// 7.38.0): the schemas of the connector, the Cloud Run v2 service, the
// service account, the secret, the secret version and the Artifact
// Registry repository were read at that tag; the IAM member resources'
// flags and ID format are tpgiamresource's as documented, not re-read. The
// duplicate errors are the Google APIs' 409 ALREADY_EXISTS, which the
// provider returns as they are; their wording is approximate.

// project is the resource's project, or the provider's (the provider fills
// it in: tpgresource.DefaultProviderProject).
func (c *Ctx) project() Part {
	if p, ok := c.Str("project").Known(); ok && p != "" {
		return Lit(p)
	}
	return c.Cfg("project")
}

// location is the input key, or the provider's region.
func (c *Ctx) location(key string) Part {
	if p, ok := c.Str(key).Known(); ok && p != "" {
		return Lit(p)
	}
	return c.Cfg("region")
}

func (c *Ctx) known(p Part) string { s, _ := p.Known(); return s }

// projectNumber is the fake project number of a project ID: the Secret
// Manager API names secrets by project number (projects/NUMBER/secrets/ID).
// The number is a stable function of the ID here; a real project's number
// cannot be derived.
func projectNumber(project string) string {
	var h uint64 = 14695981039346656037
	for _, b := range []byte(project) {
		h = (h ^ uint64(b)) * 1099511628211
	}
	return fmt.Sprint(100000000000 + h%900000000000)
}

// labels are the outputs pulumi-gcp 7 adds for labels: effectiveLabels
// (with the provider's default labels, none here) and pulumiLabels
// (tpgresource.SetLabelsDiff).
func (c *Ctx) labels(key string) resource.PropertyMap {
	l := c.In[resource.PropertyKey(key)]
	if l.IsNull() {
		l = resource.NewProperty(resource.PropertyMap{})
	}
	return resource.PropertyMap{"effectiveLabels": l, "pulumiLabels": l}
}

func gcpTypes() []*Type {
	return []*Type{
		{
			Token:  "gcp:serviceaccount/account:Account",
			Source: "google/services/resourcemanager/resource_google_service_account.go ResourceGoogleServiceAccount",
			// account_id is Required and ForceNew; project ForceNew; disabled
			// defaults to false, create_ignore_already_exists to false.
			Required: []string{"accountId"},
			Defaults: resource.PropertyMap{"disabled": resource.NewProperty(false), "createIgnoreAlreadyExists": resource.NewProperty(false)},
			ForceNew: []string{"accountId", "project"},
			Computed: []string{"project"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				email := S(c.Str("accountId"), Lit("@"), c.project(), Lit(".iam.gserviceaccount.com"))
				ep := Of(email)
				name := S(Lit("projects/"), c.project(), Lit("/serviceAccounts/"), ep)
				return name, resource.PropertyMap{
					"email":    email,
					"member":   S(Lit("serviceAccount:"), ep),
					"name":     name,
					"project":  S(c.project()),
					"uniqueId": S(Lit("1"), c.Gen("uniqueId", Digits, 20)),
				}
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{"service-account/" + c.known(c.project()) + "/" + c.str("accountId"),
					"googleapi: Error 409: Service account " + c.str("accountId") + " already exists within project projects/" + c.known(c.project()) + "., alreadyExists"}}
			},
		},
		{
			Token:  "gcp:secretmanager/secret:Secret",
			Source: "google/services/secretmanager/resource_secret_manager_secret.go ResourceSecretManagerSecret",
			// secret_id and replication are Required and ForceNew; project
			// ForceNew.
			Required: []string{"secretId", "replication"},
			ForceNew: []string{"secretId", "replication", "project"},
			Computed: []string{"project"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				out := c.labels("labels")
				out["name"] = S(Lit("projects/"+projectNumber(c.known(c.project()))+"/secrets/"), c.Str("secretId"))
				out["project"] = S(c.project())
				return S(Lit("projects/"), c.project(), Lit("/secrets/"), c.Str("secretId")), out
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{"secret/" + c.known(c.project()) + "/" + c.str("secretId"),
					"googleapi: Error 409: Secret [projects/" + projectNumber(c.known(c.project())) + "/secrets/" + c.str("secretId") + "] already exists."}}
			},
		},
		{
			Token:  "gcp:secretmanager/secretVersion:SecretVersion",
			Source: "google/services/secretmanager/resource_secret_manager_secret_version.go ResourceSecretManagerSecretVersion",
			// secret_data is Required, ForceNew and Sensitive; secret
			// Required, ForceNew; enabled defaults to true, deletion_policy
			// to DELETE, is_secret_data_base64 to false (ForceNew).
			Required:  []string{"secret", "secretData"},
			Defaults:  resource.PropertyMap{"enabled": resource.NewProperty(true), "deletionPolicy": resource.NewProperty("DELETE"), "isSecretDataBase64": resource.NewProperty(false)},
			ForceNew:  []string{"secret", "secretData", "isSecretDataBase64"},
			Sensitive: []string{"secretData"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				secret := c.str("secret")
				// Versions count up per secret from 1 (Secret Manager API,
				// AddSecretVersion).
				v := c.Next("secret-version/" + secret)
				if old, ok := c.old("version"); ok {
					v = old
				}
				id := strings.TrimPrefix(secret, "projects/")
				if i := strings.Index(id, "/"); i >= 0 {
					id = id[i:]
				}
				name := S(Lit("projects/"+projectNumber(c.known(c.project()))+id+"/versions/"), v)
				return name, resource.PropertyMap{"name": name, "version": S(v)}
			},
		},
		{
			Token:    "gcp:secretmanager/secretIamMember:SecretIamMember",
			Source:   "google/services/secretmanager/iam_secret_manager_secret.go, tpgiamresource.ResourceIamMember",
			Required: []string{"secretId", "role", "member"},
			ForceNew: []string{"secretId", "role", "member", "project", "condition"},
			Computed: []string{"project"},
			// Adding a member the policy already holds is not an error
			// (setIamPolicy merges), so there is no uniqueness key.
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(c.Str("secretId"), Lit("/"), c.Str("role"), Lit("/"), Lit(strings.ToLower(c.str("member")))), resource.PropertyMap{
					"etag": S(Lit("BwY"), c.Gen("etag", Alnum, 9)),
				}
			},
		},
		{
			Token:  "gcp:vpcaccess/connector:Connector",
			Source: "google/services/vpcaccess/resource_vpc_access_connector.go ResourceVPCAccessConnector",
			// Every argument is ForceNew. machine_type defaults to e2-micro,
			// min_throughput to 200, max_throughput to 300; min_instances and
			// max_instances are Optional and Computed; network is Computed.
			Required: []string{"name"},
			Defaults: resource.PropertyMap{"machineType": resource.NewProperty("e2-micro"), "minThroughput": resource.NewProperty(200.0), "maxThroughput": resource.NewProperty(300.0)},
			ForceNew: []string{"name", "ipCidrRange", "machineType", "maxInstances", "maxThroughput", "minInstances", "minThroughput", "network", "region", "subnet", "project"},
			Computed: []string{"maxInstances", "minInstances", "network", "region", "project"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				region := c.location("region")
				out := resource.PropertyMap{
					"project":           S(c.project()),
					"region":            S(region),
					"selfLink":          S(Lit("projects/"), c.project(), Lit("/locations/"), region, Lit("/connectors/"), c.Str("name")),
					"state":             resource.NewProperty("READY"),
					"connectedProjects": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(c.known(c.project()))}),
				}
				// The API reports throughput derived from the instance counts
				// (100 Mbps per instance, the e2-micro figure the field docs
				// give) and the provider reads it back into min_throughput and
				// max_throughput (flattenVPCAccessConnectorMinThroughput). So
				// any size but 2/3 leaves the state at other values than the
				// 200/300 defaults, and the next plan replaces the connector:
				// hashicorp/terraform-provider-google#10244, #15278. The
				// derivation is the API's, seen in those issues, not in source.
				minI, maxI := unsecret(c.In["minInstances"]), unsecret(c.In["maxInstances"])
				if !minI.IsNumber() {
					minI = resource.NewProperty(2.0)
				}
				if !maxI.IsNumber() {
					maxI = resource.NewProperty(10.0)
				}
				out["minInstances"], out["maxInstances"] = minI, maxI
				out["minThroughput"] = resource.NewProperty(minI.NumberValue() * 100)
				out["maxThroughput"] = resource.NewProperty(maxI.NumberValue() * 100)
				return S(Lit("projects/"), c.project(), Lit("/locations/"), region, Lit("/connectors/"), c.Str("name")), out
			},
			// A connector's name is unique per project and region; its /28
			// must not overlap another connector's or subnet's range in the
			// network (Serverless VPC Access docs, "Create a connector").
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
			Token:  "gcp:cloudrunv2/service:Service",
			Source: "google/services/cloudrunv2/resource_cloud_run_v2_service.go ResourceCloudRunV2Service",
			// name and location are Required and ForceNew, project ForceNew,
			// template Required; the rest updates in place, each update
			// making a new revision.
			Required: []string{"name", "location", "template"},
			ForceNew: []string{"name", "location", "project"},
			Computed: []string{"project", "ingress", "launchStage", "traffics", "client", "clientVersion"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				loc := c.location("location")
				name := c.Str("name")
				out := c.labels("labels")
				out["project"] = S(c.project())
				// Each create or update makes a revision NAME-NNNNN-xyz
				// (Cloud Run docs, "Revisions").
				rev := c.Next("cloudrun-revision/" + c.known(c.project()) + "/" + c.known(loc) + "/" + c.str("name"))
				revName := resource.MakeComputed(resource.NewProperty(""))
				if n, ok := rev.Known(); ok {
					suffix, ok2 := c.IDs.Generate(LowerAlnum, 3)
					if ok2 {
						revName = resource.NewProperty(fmt.Sprintf("%s-%05s-%s", c.str("name"), n, suffix))
					}
				}
				out["latestReadyRevision"] = revName
				out["latestCreatedRevision"] = revName
				out["uri"] = S(Lit("https://"), name, Lit("-"), c.Gen("uri.hash", LowerAlnum, 10), Lit("-"), Lit(regionCode(c.known(loc))), Lit(".a.run.app"))
				if old, ok := c.old("uri"); ok {
					out["uri"] = S(old)
				}
				out["uid"] = S(c.Gen("uid", Hex, 32))
				out["etag"] = S(c.Gen("", Hex, 16))
				return S(Lit("projects/"), c.project(), Lit("/locations/"), loc, Lit("/services/"), name), out
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{"cloudrun-service/" + c.known(c.project()) + "/" + c.known(c.location("location")) + "/" + c.str("name"),
					"googleapi: Error 409: Resource '" + c.str("name") + "' already exists."}}
			},
		},
		{
			Token:    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
			Source:   "google/services/cloudrunv2/iam_cloud_run_v2_service.go, tpgiamresource.ResourceIamMember",
			Required: []string{"name", "role", "member"},
			ForceNew: []string{"name", "location", "project", "role", "member", "condition"},
			Computed: []string{"project", "location"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				return S(Lit("projects/"), c.project(), Lit("/locations/"), c.location("location"), Lit("/services/"), c.Str("name"), Lit("/"), c.Str("role"), Lit("/"), Lit(strings.ToLower(c.str("member")))),
					resource.PropertyMap{"etag": S(Lit("BwY"), c.Gen("etag", Alnum, 9)), "project": S(c.project()), "location": S(c.location("location"))}
			},
		},
		{
			Token:  "gcp:artifactregistry/repository:Repository",
			Source: "google/services/artifactregistry/resource_artifact_registry_repository.go ResourceArtifactRegistryRepository",
			// repository_id and format are Required and ForceNew; location,
			// project, kms_key_name and mode are ForceNew; mode defaults to
			// STANDARD_REPOSITORY.
			Required: []string{"repositoryId", "format"},
			Defaults: resource.PropertyMap{"mode": resource.NewProperty("STANDARD_REPOSITORY")},
			ForceNew: []string{"repositoryId", "format", "location", "project", "kmsKeyName", "mode"},
			Computed: []string{"location", "project"},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				out := c.labels("labels")
				out["project"] = S(c.project())
				out["location"] = S(c.location("location"))
				out["name"] = S(c.Str("repositoryId"))
				return S(Lit("projects/"), c.project(), Lit("/locations/"), c.location("location"), Lit("/repositories/"), c.Str("repositoryId")), out
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{"ar-repository/" + c.known(c.project()) + "/" + c.known(c.location("location")) + "/" + c.str("repositoryId"),
					"googleapi: Error 409: the repository already exists"}}
			},
		},
	}
}

// regionCode is the short Region code in Cloud Run URLs, such as "uc" for
// us-central1 (Cloud Run docs, "Deterministic URLs"); the fake derives it
// from the Region's initials, which the real table does not always follow.
func regionCode(region string) string {
	var b strings.Builder
	for _, part := range strings.Split(region, "-") {
		if part != "" {
			b.WriteByte(part[0])
		}
	}
	return b.String()
}
