package providers

import (
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Cloud Run's traffic target types: every request to the latest ready
// revision, or to the named one ([TPGB] resource_cloud_run_v2_service.go:
// 911-916, ValidateEnum).
const (
	CloudRunTrafficLatest   = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
	CloudRunTrafficRevision = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"
)

// probe is a Cloud Run container probe: Optional+Computed, with the
// Terraform defaults its fields take when the block is given ([TPGB]
// cloudrunv2/resource_cloud_run_v2_service.go:182-290, 359-466).
func probe() *Prop {
	return &Prop{Flags: Computed, Elem: Schema{
		"failureThreshold":    {Default: num(3)},
		"initialDelaySeconds": {Default: num(0)},
		"periodSeconds":       {Default: num(10)},
		"timeoutSeconds":      {Default: num(1)},
		"httpGet": {Elem: Schema{
			"path": {Default: str("/")},
			"port": {Flags: Computed},
		}},
		"grpc": {Elem: Schema{"port": {Flags: Computed}}},
	}}
}

func cloudRunTypes() []*Type {
	return []*Type{
		{
			Token:    CloudRunService,
			Resource: "google_cloud_run_v2_service",
			Source:   "[TPGB] google-beta/services/cloudrunv2/resource_cloud_run_v2_service.go:35-1157 (crv2); [PG] resources.go:1755",
			// name is Required and ForceNew in Terraform, autonamed by
			// SetAutonaming and so optional in Pulumi ([PG]
			// sdk/nodejs/cloudrunv2/service.ts:994).
			Autoname: gcpName(),
			// Create posts the service, sets the ID, then waits for the
			// operation; a failed wait returns "Error waiting to create
			// Service" and keeps the ID (crv2:1281-1296). pulumi-gcp's
			// bridge drops that state (see GCP.RecordsPartialCreate): the
			// service is left in the cloud, outside the stack.
			Waits: true,
			// Timeouts Create 20m (crv2:46-50).
			CreateTimeout: 20 * time.Minute,
			Schema: with(Schema{
				"name":     {Flags: ForceNew, Equal: equalNameOrPath},
				"location": {Flags: Required | ForceNew},
				"project":  {Flags: Computed | ForceNew},
				"template": {Flags: Required, Elem: Schema{
					"annotations": {},
					"labels":      {},
					// A list, not Computed: dropping a container, an env
					// var or a mount is a change.
					"containers": {Elem: Schema{
						"image": {Flags: Required},
						"envs": {Elem: Schema{
							"name": {Flags: Required},
							"valueSource": {Elem: Schema{
								"secretKeyRef": {Elem: Schema{"secret": {Flags: Required}}},
							}},
						}},
						"volumeMounts": {Elem: Schema{
							"mountPath": {Flags: Required},
							"name":      {Flags: Required},
						}},
						// MaxItems 1 upstream, kept a list by pulumi-gcp's
						// metadata ([PG] bridge-metadata.json:32199-32203).
						"ports": {Flags: Computed, Elem: Schema{"name": {Flags: Computed}}},
						"resources": {Flags: Computed, Elem: Schema{
							"limits": {Flags: Computed},
						}},
						"livenessProbe": probe(),
						"startupProbe":  probe(),
					}},
					"executionEnvironment":          {},
					"maxInstanceRequestConcurrency": {Flags: Computed},
					"scaling":                       {Flags: Computed},
					"serviceAccount":                {Flags: Computed},
					"timeout":                       {Flags: Computed},
					"volumes": {Elem: Schema{
						"name": {Flags: Required},
						"cloudSqlInstance": {Elem: Schema{
							// The resource's only TypeSet (crv2:589-595).
							"instances": {Flags: Set},
						}},
						"emptyDir": {Elem: Schema{"medium": {Default: str("MEMORY")}}},
					}},
					// Plain Optional: dropping the block is an in-place
					// update (crv2:715-720); egress and the interfaces'
					// network and subnetwork are Optional+Computed.
					"vpcAccess": {Elem: Schema{
						"egress": {Flags: Computed},
						"networkInterfaces": {Elem: Schema{
							"network":    {Flags: Computed},
							"subnetwork": {Flags: Computed},
						}},
					}},
				}},
				"annotations":         {},
				"binaryAuthorization": {},
				"client":              {},
				"clientVersion":       {},
				"customAudiences":     {},
				"defaultUriDisabled":  {},
				"description":         {},
				// Optional+Computed, no default in v5.42.0.
				"ingress":     {Flags: Computed},
				"launchStage": {Flags: Computed},
				"scaling":     {},
				"traffics": {Flags: Computed, Elem: Schema{
					"percent": {Flags: Computed},
				}},
				"uri":                   {Flags: Output},
				"uid":                   {Flags: Output},
				"etag":                  {Flags: Output},
				"latestReadyRevision":   {Flags: Output},
				"latestCreatedRevision": {Flags: Output},
				"trafficStatuses":       {Flags: Output},
			}, labelled),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				loc := c.location("location")
				name := c.Str("name")
				out := c.labels()
				out["project"] = S(c.project())
				// Each create or update makes a revision: the one
				// template.revision names, sent verbatim ([TPGB]
				// crv2:525-529, 3232-3237), which the cloud reports once
				// the operation ends (the fake cloud's wait), or one the
				// cloud names NAME-NNNNN-xyz (Cloud Run docs, "Revisions").
				revName := unknown()
				if given, ok := KnownString(templateRevision(c.In)); ok && given != "" {
					// Which revision is the latest ready one is the
					// operation's outcome: the one the template names once
					// it succeeds, as the fake cloud's wait records; a
					// preview (no IDs to make) keeps the state's, as the
					// bridge's does for an output-only attribute (bridge
					// v3.89.1 provider.go:1546-1550 ProposedState; plugin
					// SDK schema.go:1575-1581).
					switch {
					case c.IDs != (Unknown{}):
						revName = resource.NewProperty(given)
					case c.Old != nil && !c.Old["latestReadyRevision"].IsNull():
						revName = c.Old["latestReadyRevision"]
					}
				}
				if templateRevision(c.In).IsNull() {
					if n, ok := c.Next("cloudrun-revision/" + c.known(c.project()) + "/" + c.known(loc) + "/" + c.str("name")).Known(); ok {
						if suffix, ok := c.IDs.Generate(LowerAlnum, 3); ok {
							revName = resource.NewProperty(fmt.Sprintf("%s-%05s-%s", c.str("name"), n, suffix))
						}
					}
				}
				out["latestReadyRevision"] = revName
				out["latestCreatedRevision"] = revName
				out["uri"] = c.Keep("uri", func() resource.PropertyValue {
					return S(Lit("https://"), name, Lit("-"), c.Gen(LowerAlnum, 10), Lit("-"), Lit(RegionCode(c.known(loc))), Lit(".a.run.app"))
				})
				out["uid"] = c.Keep("uid", func() resource.PropertyValue { return S(c.Gen(Hex, 32)) })
				out["etag"] = S(c.Gen(Hex, 16))
				// ID: projects/{{project}}/locations/{{location}}/services/{{name}} (crv2:1282).
				return S(Lit("projects/"), c.project(), Lit("/locations/"), loc, Lit("/services/"), name), out
			},
			// The API: 409 ALREADY_EXISTS for a second service of the name
			// in the project and location.
			Unique: func(c *Ctx) []Key {
				return []Key{{"cloudrun-service/" + c.known(c.project()) + "/" + c.known(c.location("location")) + "/" + c.str("name"),
					"googleapi: Error 409: Resource '" + c.str("name") + "' already exists."}}
			},
		},
		{
			Token:    CloudRunServiceIAMMember,
			Resource: "google_cloud_run_v2_service_iam_member",
			Source:   "[TPGB] google-beta/services/cloudrunv2/iam_cloud_run_v2_service.go:32-51, tpgiamresource/resource_iam_member.go:48-90",
			// The service's name is a Required string called `name`, so
			// SetAutonaming autonames it too ([PG]
			// sdk/nodejs/cloudrunv2/serviceIamMember.ts:365): a program
			// that leaves it out names a service that normally does not
			// exist.
			Autoname: gcpName(),
			Schema: with(Schema{
				"name":     {Flags: ForceNew, Equal: equalNameOrPath},
				"location": {Flags: Computed | ForceNew},
				"project":  {Flags: Computed | ForceNew},
			}, iamMember),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				parent := []Part{Lit("projects/"), c.project(), Lit("/locations/"), c.location("location"), Lit("/services/"), Lit(lastSegment(c.str("name")))}
				return c.memberID(parent...), resource.PropertyMap{
					"etag":     c.Keep("etag", func() resource.PropertyValue { return S(Lit("BwY"), c.Gen(Alnum, 9)) }),
					"project":  S(c.project()),
					"location": S(c.location("location")),
					"name":     S(parent...),
				}
			},
		},
	}
}

// lastSegment is the last path segment of s.
func lastSegment(s string) string { return s[strings.LastIndexByte(s, '/')+1:] }

// templateRevision is the revision name a Cloud Run service's template
// gives, null when it gives none.
func templateRevision(in resource.PropertyMap) resource.PropertyValue {
	if t := in["template"]; t.IsObject() {
		return t.ObjectValue()["revision"]
	}
	return resource.NewNullProperty()
}

// TemplateRevision is the revision name a Cloud Run service's template
// gives, "" when it gives none or it is unknown.
func TemplateRevision(in resource.PropertyMap) string {
	s, _ := KnownString(templateRevision(in))
	return s
}
