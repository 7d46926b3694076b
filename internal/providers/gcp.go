package providers

import (
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Google Cloud helpers. Types live in gcp_*.go.

// gcpName is pulumi-gcp's provider-wide autoname: [PG] resources.go:2744
// prov.SetAutonaming(255, "-"), which gives every resource with a
// top-level string `name` that is Optional or Required and has no name
// override tfbridge.AutoName("name", 255, "-") ([BR89]
// pkg/tfbridge/info/autonaming.go:42-63): no lowercasing.
func gcpName() *Autoname { return &Autoname{Prop: "name", MaxLen: 255} }

// project is the resource's project, or the provider's (the provider fills
// it in: tpgresource.DefaultProviderProject, [TPGB]
// tpgresource/utils.go:826-846).
func (c *Ctx) project() Part {
	if p, ok := c.Str("project").Known(); ok && p != "" {
		return Lit(p)
	}
	return c.Cfg("project")
}

// location is the input key, or the provider's region (tpgresource
// GetLocation and GetRegion, [TPGB] tpgresource/regional_utils.go:24-42,
// field_helpers.go:440-471).
func (c *Ctx) location(key string) Part {
	if p, ok := c.Str(key).Known(); ok && p != "" {
		return Lit(p)
	}
	return c.Cfg("region")
}

func (c *Ctx) known(p Part) string { s, _ := p.Known(); return s }

// projectNumber is the number of project: the Secret Manager API names
// secrets and versions by project number (projects/NUMBER/secrets/ID),
// which the source does not show and a real project's cannot be derived
// from. A fake cloud derives a stable one (fakeProjectNumber); in an
// offline plan it is unknown.
func (c *Ctx) projectNumber(project string) Part {
	if _, offline := c.IDs.(Unknown); offline {
		return Part{}
	}
	return Lit(fakeProjectNumber(project))
}

// fakeProjectNumber is a fake cloud's stable number for a project ID.
func fakeProjectNumber(project string) string {
	var h uint64 = 14695981039346656037
	for _, b := range []byte(project) {
		h = (h ^ uint64(b)) * 1099511628211
	}
	return fmt.Sprint(100000000000 + h%900000000000)
}

// labels are the outputs pulumi-gcp 7 adds for labels: effectiveLabels
// (with the provider's default labels, none here) and pulumiLabels (the
// renamed terraform_labels), both secret ([PG] provider/labels.go:31-49;
// [TPGB] tpgresource/labels.go SetLabelsDiff 60-134).
func (c *Ctx) labels() resource.PropertyMap {
	l := c.In["labels"]
	if l.IsNull() {
		l = resource.NewProperty(resource.PropertyMap{})
	}
	return resource.PropertyMap{"effectiveLabels": resource.MakeSecret(l), "pulumiLabels": resource.MakeSecret(l)}
}

// labelled are the label inputs and outputs of the labelled types.
var labelled = Schema{
	"labels":          {},
	"effectiveLabels": {Flags: Output | Sensitive},
	"pulumiLabels":    {Flags: Output | Sensitive},
}

// iamMember is the schema every IAM member type shares ([TPGB]
// tpgiamresource/resource_iam_member.go:48-90): every input ForceNew (no
// Update), the member compared case-insensitively unless case-sensitive.
var iamMember = Schema{
	"role":   {Flags: Required | ForceNew},
	"member": {Flags: Required | ForceNew, Equal: equalMember},
	"condition": {Flags: ForceNew, Elem: Schema{
		"expression":  {Flags: Required | ForceNew},
		"title":       {Flags: Required | ForceNew},
		"description": {Flags: ForceNew},
	}},
	"etag": {Flags: Output},
}

// memberID is the ID of an IAM member resource: the parent's ID, the role,
// the member with its case normalised, and the condition's title when
// there is one ([TPGB] resource_iam_member.go:230-233).
func (c *Ctx) memberID(parent ...Part) resource.PropertyValue {
	parts := append(parent, Lit("/"), c.Str("role"), Lit("/"), Lit(normalizeMember(c.str("member"))))
	if cond := Unsecret(c.In["condition"]); cond.IsObject() {
		if t, ok := KnownString(cond.ObjectValue()["title"]); ok {
			parts = append(parts, Lit("/"+t))
		}
	}
	return S(parts...)
}

func gcpTypes() []*Type {
	var out []*Type
	for _, f := range []func() []*Type{cloudRunTypes, secretManagerTypes, gcpMiscTypes} {
		out = append(out, f()...)
	}
	for _, t := range out {
		t.Provider = GCP
	}
	return out
}

// RegionCode is the short Region code in Cloud Run URLs, such as "uc" for
// us-central1 (Cloud Run docs, "Deterministic URLs"); the fake derives it
// from the Region's initials, which the real table does not always follow.
func RegionCode(region string) string {
	var b strings.Builder
	for _, part := range strings.Split(region, "-") {
		if part != "" {
			b.WriteByte(part[0])
		}
	}
	return b.String()
}

// rfc1035 is verify.ValidateRFC1035Name(min, max) ([TPGB]
// verify/validation.go:198-212 over ValidateRegexp 425-435, with
// RFC1035NameTemplate at :27).
func rfc1035(min, max int) func(resource.PropertyValue) string {
	re := regexp.MustCompile(fmt.Sprintf("^[a-z](?:[-a-z0-9]{%d,%d}[a-z0-9])$", min-2, max-2))
	return func(v resource.PropertyValue) string {
		s, ok := KnownString(v)
		if !ok || re.MatchString(s) {
			return ""
		}
		return fmt.Sprintf("%q (%q) doesn't match regexp %q", "account_id", s, re.String())
	}
}

// cidrContains reports whether the range outer holds all of inner.
func cidrContains(outer, inner string) bool {
	_, o, err1 := net.ParseCIDR(outer)
	_, i, err2 := net.ParseCIDR(inner)
	if err1 != nil || err2 != nil {
		return false
	}
	on, _ := o.Mask.Size()
	in, _ := i.Mask.Size()
	return on <= in && o.Contains(i.IP)
}
