package providers

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func secretManagerTypes() []*Type {
	return []*Type{
		{
			Token:    SecretManagerSecret,
			Resource: "google_secret_manager_secret",
			Source:   "[TPGB] google-beta/services/secretmanager/resource_secret_manager_secret.go (sm); [PG] provider/secret_manager.go:12-51",
			// [PG] secret_manager.go:44: DeleteBeforeReplace. secretId is
			// not autonamed (not called name).
			DeleteBeforeReplace: true,
			Schema: with(Schema{
				"secretId": {Flags: Required | ForceNew},
				"replication": {Flags: Required | ForceNew, Elem: Schema{
					"auto": {Flags: ForceNew, Elem: Schema{"customerManagedEncryption": {}}},
					"userManaged": {Flags: ForceNew, Elem: Schema{
						"replicas": {Flags: Required | ForceNew, Elem: Schema{
							"location":                  {Flags: Required | ForceNew},
							"customerManagedEncryption": {},
						}},
					}},
				}},
				"annotations":       {},
				"expireTime":        {Flags: Computed},
				"ttl":               {},
				"rotation":          {},
				"topics":            {},
				"versionAliases":    {},
				"versionDestroyTtl": {},
				"project":           {Flags: Computed | ForceNew},
				"name":              {Flags: Output},
			}, labelled),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				out := c.labels()
				out["name"] = S(Lit("projects/"), c.projectNumber(c.known(c.project())), Lit("/secrets/"), c.Str("secretId"))
				out["project"] = S(c.project())
				// ID: projects/{{project}}/secrets/{{secret_id}} (sm:441).
				return S(Lit("projects/"), c.project(), Lit("/secrets/"), c.Str("secretId")), out
			},
			Unique: func(c *Ctx) []Key {
				return []Key{{"secret/" + c.known(c.project()) + "/" + c.str("secretId"),
					"googleapi: Error 409: Secret [projects/" + fakeProjectNumber(c.known(c.project())) + "/secrets/" + c.str("secretId") + "] already exists."}}
			},
		},
		{
			Token:    SecretManagerVersion,
			Resource: "google_secret_manager_secret_version",
			Source:   "[TPGB] google-beta/services/secretmanager/resource_secret_manager_secret_version.go:38-118 (smv)",
			Schema: Schema{
				"secretData":         {Flags: Required | ForceNew | Sensitive},
				"secret":             {Flags: Required | ForceNew, Equal: equalNameOrPath},
				"enabled":            {Default: boolean(true)},
				"deletionPolicy":     {Default: str("DELETE")},
				"isSecretDataBase64": {Flags: ForceNew, Default: boolean(false)},
				"name":               {Flags: Output},
				"version":            {Flags: Output},
			},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				secret := c.str("secret")
				// Versions count up per secret from 1 (Secret Manager API,
				// AddSecretVersion).
				v, ok := c.old("version")
				if !ok {
					v = c.Next("secret-version/" + secret)
				}
				id := strings.TrimPrefix(secret, "projects/")
				if i := strings.Index(id, "/"); i >= 0 {
					id = id[i:]
				}
				project := ""
				if p := strings.TrimPrefix(secret, "projects/"); p != secret {
					project, _, _ = strings.Cut(p, "/")
				}
				// ID = the API's name, which holds the project number
				// (smv:188).
				name := S(Lit("projects/"), c.projectNumber(project), Lit(id+"/versions/"), v)
				return name, resource.PropertyMap{"name": name, "version": S(v)}
			},
		},
		{
			Token:    SecretManagerIAMMember,
			Resource: "google_secret_manager_secret_iam_member",
			Source:   "[TPGB] google-beta/services/secretmanager/iam_secret_manager_secret.go:33-94, tpgiamresource/resource_iam_member.go",
			// No name, so no autoname; all inputs ForceNew.
			Schema: with(Schema{
				"secretId": {Flags: Required | ForceNew, Equal: equalNameOrPath},
				"project":  {Flags: Computed | ForceNew},
			}, iamMember),
			// Adding a member the policy already holds is not an error
			// (read-modify-write of the policy), so there is no
			// uniqueness key.
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				secret := []Part{Lit("projects/"), c.project(), Lit("/secrets/"), Lit(lastSegment(c.str("secretId")))}
				return c.memberID(secret...), resource.PropertyMap{
					"etag":     c.Keep("etag", func() resource.PropertyValue { return S(Lit("BwY"), c.Gen(Alnum, 9)) }),
					"project":  S(c.project()),
					"secretId": S(secret...),
				}
			},
		},
	}
}
