package diff

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/iamdoc"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// policyInputs are the inputs that hold AWS IAM policy documents.
var policyInputs = []string{"policy", "assumeRolePolicy"}

// iamFindings lists the ways in which permissions widen from old to new
// inputs (old is nil for a new resource).
func iamFindings(typ string, old, new map[string]any) []string {
	var out []string
	if strings.HasPrefix(typ, "aws:") {
		for _, k := range policyInputs {
			ov, _ := plan.Lookup(old, k)
			if nv, ok := plan.Lookup(new, k); ok && opaque(nv) {
				if old == nil || !equal(ov, nv) {
					out = append(out, k+" changes and cannot be read ("+render(nv, true)+")")
				}
				continue
			}
			out = append(out, policyFindings(k, str(old, k), str(new, k))...)
		}
		oldInline := map[string]string{}
		for _, p := range list(old, "inlinePolicies") {
			if m, ok := p.(map[string]any); ok {
				oldInline[str(m, "name")] = str(m, "policy")
			}
		}
		for _, p := range list(new, "inlinePolicies") {
			if m, ok := p.(map[string]any); ok {
				name := str(m, "name")
				out = append(out, policyFindings("inline policy "+name, oldInline[name], str(m, "policy"))...)
			}
		}
		if typ == providers.IAMRolePolicyAttachment {
			if arn := str(new, "policyArn"); arn != "" && arn != str(old, "policyArn") {
				out = append(out, fmt.Sprintf("attaches managed policy %s to role %s", arn, str(new, "role")))
			}
		}
		if arns := added(plan.Strings(valueAt(old, "managedPolicyArns")), plan.Strings(valueAt(new, "managedPolicyArns"))); len(arns) > 0 {
			out = append(out, "attaches managed policies: "+strings.Join(arns, ", "))
		}
	}
	if strings.HasPrefix(typ, "gcp:") {
		for _, g := range newGCPGrants(typ, old, new) {
			out = append(out, "grants "+g.describe(old))
		}
	}
	return out
}

func valueAt(m map[string]any, k string) any {
	v, _ := plan.Lookup(m, k)
	return v
}

// gcpGrant is one role granted to one member on one resource by a GCP IAM
// member, binding or policy resource.
type gcpGrant struct {
	// target names the resource the role is granted on: the resource's
	// inputs other than the grant itself, such as
	// `location=us-central1, name=api, project=p`.
	target string
	role   string
	member string
}

// describe says "ROLE to MEMBER", adding the target when it is not the
// one that the old inputs granted on (the grant moved to another
// resource).
func (g gcpGrant) describe(old map[string]any) string {
	s := g.role + " to " + g.member
	if old != nil && gcpTarget(old) != g.target {
		s += " on " + g.target
	}
	return s
}

// gcpGrantInputs are the inputs of GCP IAM resources that say what is
// granted rather than on what.
var gcpGrantInputs = map[string]bool{"role": true, "member": true, "members": true, "policyData": true, "condition": true, "etag": true}

// gcpTarget describes the resource that a GCP IAM resource grants on: its
// other top-level inputs (`secretId`, `name`, `project`, `location`, ...),
// as sorted key=value pairs.
func gcpTarget(in map[string]any) string {
	keys := make([]string, 0, len(in))
	for k := range in {
		if !gcpGrantInputs[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+strings.Trim(render(in[k], true), `"`))
	}
	return strings.Join(parts, ", ")
}

// newGCPGrants returns the grants of the new inputs that the old inputs do
// not make, sorted: a (resource, role, member) triple is new when any part
// of it is, so a grant moved to another secret or service is new too.
func newGCPGrants(typ string, old, new map[string]any) []gcpGrant {
	have := map[gcpGrant]bool{}
	for _, g := range gcpGrants(typ, old) {
		have[g] = true
	}
	var out []gcpGrant
	for _, g := range gcpGrants(typ, new) {
		if !have[g] {
			have[g] = true
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.role != b.role {
			return a.role < b.role
		}
		if a.member != b.member {
			return a.member < b.member
		}
		return a.target < b.target
	})
	return out
}

// gcpGrants returns the grants that a GCP IAM member, binding or policy
// resource makes.
func gcpGrants(typ string, in map[string]any) []gcpGrant {
	if in == nil {
		return nil
	}
	target := gcpTarget(in)
	var out []gcpGrant
	switch {
	case strings.HasSuffix(typ, "IamMember") || strings.HasSuffix(typ, "IAMMember"):
		if m := str(in, "member"); m != "" {
			out = append(out, gcpGrant{target, str(in, "role"), m})
		}
	case strings.HasSuffix(typ, "IamBinding") || strings.HasSuffix(typ, "IAMBinding"):
		for _, m := range plan.Strings(valueAt(in, "members")) {
			out = append(out, gcpGrant{target, str(in, "role"), m})
		}
	case strings.HasSuffix(typ, "IamPolicy") || strings.HasSuffix(typ, "IAMPolicy"):
		var doc struct {
			Bindings []struct {
				Role    string   `json:"role"`
				Members []string `json:"members"`
			} `json:"bindings"`
		}
		if parseJSON(str(in, "policyData"), &doc) {
			for _, b := range doc.Bindings {
				for _, m := range b.Members {
					out = append(out, gcpGrant{target, b.Role, m})
				}
			}
		}
	}
	return out
}

// grant is one (action, resource) pair that an Allow statement grants.
type grant struct {
	// action is an action name as written (`s3:GetObject`, `s3:*`), or,
	// for a NotAction statement, `every action except "a", "b"`.
	action string
	// resource is a resource ARN pattern as written, for a NotResource
	// statement `every resource except "x"`, or "" when the statement
	// names neither (trust policies).
	resource string
	// notAction says whether action stands for a NotAction list.
	notAction bool
}

// key identifies a grant. IAM action names are case-insensitive; resource
// ARNs are not.
func (g grant) key() string { return strings.ToLower(g.action) + "\x00" + g.resource }

// plain reports whether a grant names its action and resource (patterns
// included) rather than standing for a NotAction or NotResource list.
func (g grant) plain() bool {
	return !g.notAction && !strings.HasPrefix(g.resource, notResourcePrefix)
}

// grants is what the Allow statements of an AWS policy document grant:
// every (action, resource) pair, and the principals they trust.
type grants struct {
	pairs      []grant
	principals []string
}

// policyFindings compares two AWS policy documents held in input what. old
// is "" for a new document. Every (action, resource) pair of the new
// document's Allow statements that no old pair covers (equal, or matched by
// an old wildcard pattern) widens permissions; NotAction and NotResource
// statements allow everything they do not list, so a new or changed one is
// always raised.
func policyFindings(what, old, new string) []string {
	if new == "" || new == old {
		return nil
	}
	ng, ok := allowGrants(new)
	if !ok {
		return []string{what + " changes and is not a readable policy document"}
	}
	og, _ := allowGrants(old)
	oldPairs, oldResources := map[string]bool{}, map[string]bool{}
	for _, g := range og.pairs {
		oldPairs[g.key()] = true
		oldResources[g.resource] = true
	}
	// knownAction reports whether an old plain statement allows action on
	// some resource; covered, whether one allows it on resource.
	knownAction := func(action string) bool {
		for _, o := range og.pairs {
			if o.plain() && iamdoc.Covers(strings.ToLower(o.action), strings.ToLower(action)) {
				return true
			}
		}
		return false
	}
	covered := func(g grant) bool {
		if oldPairs[g.key()] {
			return true
		}
		if !g.plain() {
			return false
		}
		for _, o := range og.pairs {
			if o.plain() && iamdoc.Covers(strings.ToLower(o.action), strings.ToLower(g.action)) && iamdoc.Covers(o.resource, g.resource) {
				return true
			}
		}
		return false
	}

	var wildActions, newActions, wildResources, notActions, notResources, extended []string
	everyResource := false
	seen := map[string]bool{}
	for _, g := range ng.pairs {
		if seen[g.key()] || covered(g) {
			continue
		}
		seen[g.key()] = true
		on := ""
		if g.resource != "" {
			on = " on " + quoteResource(g.resource)
		}
		switch {
		case g.notAction:
			notActions = append(notActions, g.action+on)
		case knownAction(g.action):
			extended = append(extended, strconv.Quote(g.action)+on)
		case wildcard(g.action):
			wildActions = appendNew(wildActions, g.action)
		default:
			newActions = appendNew(newActions, g.action)
		}
		if g.resource == "" || oldResources[g.resource] {
			continue
		}
		switch {
		case g.resource == "*":
			everyResource = true
		case strings.HasPrefix(g.resource, notResourcePrefix):
			notResources = appendNew(notResources, g.resource)
		case wildcard(g.resource):
			wildResources = appendNew(wildResources, g.resource)
		}
	}

	var out []string
	if len(wildActions) > 0 {
		out = append(out, what+" allows wildcard actions: "+quoteList(sorted(wildActions)))
	}
	if len(newActions) > 0 {
		out = append(out, what+" allows new actions: "+quoteList(sorted(newActions)))
	}
	if len(extended) > 0 {
		out = append(out, what+" allows existing actions on new resources: "+capList(sorted(extended)))
	}
	if everyResource {
		out = append(out, what+` applies to every resource ("*")`)
	}
	if len(wildResources) > 0 {
		out = append(out, what+" allows wildcard resources: "+quoteList(sorted(wildResources)))
	}
	for _, n := range sorted(notActions) {
		out = append(out, what+" uses NotAction, which allows "+n)
	}
	for _, n := range sorted(notResources) {
		out = append(out, what+" uses NotResource, which applies to "+n)
	}
	if p := added(og.principals, ng.principals); len(p) > 0 {
		out = append(out, what+" trusts new principals: "+quoteList(p))
	}
	return out
}

// notResourcePrefix starts the resource of a grant from a NotResource
// statement.
const notResourcePrefix = "every resource except "

// quoteResource quotes a resource ARN pattern; a NotResource description
// stays as it is.
func quoteResource(r string) string {
	if strings.HasPrefix(r, notResourcePrefix) {
		return r
	}
	return strconv.Quote(r)
}

// wildcard reports whether an IAM action or resource pattern holds a
// wildcard (`*` or `?`).
func wildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// allowGrants reads the Allow statements of a policy document.
func allowGrants(doc string) (grants, bool) {
	var g grants
	if doc == "" {
		return g, true
	}
	stmts, ok := iamdoc.Parse(doc)
	if !ok {
		return g, false
	}
	for _, st := range stmts {
		if st.Effect != "Allow" {
			continue
		}
		type term struct {
			text string
			not  bool
		}
		var actions []term
		for _, a := range st.Action {
			actions = append(actions, term{text: a})
		}
		if st.NotAction != nil {
			actions = append(actions, term{text: "every action except " + quoteList(sortedFold(st.NotAction)), not: true})
		}
		resources := st.Resource
		if st.NotResource != nil {
			resources = append(resources, notResourcePrefix+quoteList(sorted(st.NotResource)))
		}
		if len(resources) == 0 {
			resources = []string{""}
		}
		for _, a := range actions {
			for _, r := range resources {
				g.pairs = append(g.pairs, grant{action: a.text, resource: r, notAction: a.not})
			}
		}
		g.principals = append(g.principals, principals(st.Principal, "")...)
		g.principals = append(g.principals, principals(st.NotPrincipal, "every principal except ")...)
	}
	return g, true
}

// principals lists the principals of a Principal or NotPrincipal element
// as "KIND:ID" (or "*"), each prefixed with prefix.
func principals(v any, prefix string) []string {
	var out []string
	switch p := v.(type) {
	case string:
		out = append(out, prefix+p)
	case map[string]any:
		for kind, ids := range p {
			for _, id := range plan.Strings(ids) {
				out = append(out, prefix+kind+":"+id)
			}
		}
	}
	return out
}
