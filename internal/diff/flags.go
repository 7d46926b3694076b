package diff

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/iamdoc"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// flags returns the risk flags of one change. old is nil for a created
// resource, new for a deleted one; component says whether the resource is a
// component, which has no cloud resource of its own; head describes the
// head plan's load balancers for listener rules.
func flags(c *Change, old, new *plan.Resource, component bool, head *lbIndex) []Flag {
	var out []Flag
	add := func(k Kind, format string, args ...any) {
		out = append(out, Flag{Kind: k, URN: c.URN, Reason: fmt.Sprintf(format, args...)})
	}
	if component {
		return nil
	}
	switch c.Op {
	case Replace:
		protected := old.Options.Protect || new.Options.Protect
		if !routineReplace[c.Type] || protected {
			add(KindReplace, "%s", replaceReason(c, old.Options, new.Options))
		}
	case Delete:
		what, stateful := statefulTypes[c.Type]
		switch {
		case old.Options.Protect:
			add(KindDelete, "%s is deleted but protected: pulumi up fails until a run with protect removed", old.Name)
		case stateful && old.Options.RetainOnDelete:
			add(KindDelete, "%s %s is deleted with retainOnDelete: Pulumi stops managing it and it stays in the cloud", what.name, old.Name)
		case stateful:
			add(KindDelete, "%s %s is deleted: %s", what.name, old.Name, what.loss)
		}
		for _, r := range exposureFindings(c.Type, old.Inputs, nil, head) {
			add(KindExposure, "%s", r)
		}
		return out
	}
	var oldIn map[string]any
	newIn := new.Inputs
	if old != nil {
		oldIn = old.Inputs
		// What ignoreChanges covers keeps its old value: Pulumi sends the
		// provider the old inputs there.
		newIn = effectiveInputs(oldIn, newIn, new.Options.IgnoreChanges)
	}
	for _, r := range iamFindings(c.Type, oldIn, newIn) {
		add(KindIAM, "%s", r)
	}
	for _, r := range exposureFindings(c.Type, oldIn, newIn, head) {
		add(KindExposure, "%s", r)
	}
	for _, r := range secretFindings(c.Type, oldIn, newIn) {
		add(KindSecret, "%s", r)
	}
	if old != nil {
		for _, r := range capacityFindings(c.Type, newIn, applied(c.Values)) {
			add(KindCapacity, "%s", r)
		}
	}
	return out
}

// stateful describes what is lost with a resource.
type stateful struct{ name, loss string }

// statefulTypes lists the resource types whose deletion loses data or is
// hard to undo, with what is lost. A delete flag is raised for each.
var statefulTypes = map[string]stateful{
	providers.ArtifactRegistryRepo:  {"Artifact Registry repository", "the images in it are deleted with it"},
	providers.ECRRepository:         {"ECR repository", "the images in it are deleted with it"},
	providers.LogGroup:              {"log group", "its logs are deleted with it"},
	providers.LoadBalancer:          {"load balancer", "a new one gets a new DNS name; DNS records pointing at it break"},
	providers.ServiceAccount:        {"service account", "an account re-created with the same ID is a new identity; grants made outside this stack are lost"},
	providers.VPCAccessConnector:    {"VPC connector", "services using it lose private egress; re-creating one takes minutes"},
	providers.SecretManagerSecret:   {"Secret Manager secret", "every version of it is destroyed"},
	providers.SecretManagerVersion:  {"secret version", "its value is destroyed"},
	providers.SecretsManagerSecret:  {"Secrets Manager secret", "it and its versions are scheduled for deletion"},
	providers.SecretsManagerVersion: {"secret version", "its value is no longer available"},
	providers.SSMParameter:          {"SSM parameter", "its value is destroyed"},
	providers.IAMRole:               {"IAM role", "a role re-created with the same name is a new principal; trust granted to it elsewhere is lost"},
	providers.ACMCertificate:        {"certificate", "a new one must be validated again"},
}

// replaceReason says why a resource is replaced, with old -> new values of
// plain replace-on-change inputs, and what its options make of it.
func replaceReason(c *Change, oldOpts, newOpts plan.Options) string {
	parts := make([]string, 0, len(c.Because))
	for _, b := range c.Because {
		if strings.HasPrefix(b, "logical name ") {
			parts = append(parts, b)
			continue
		}
		desc := b + " changes"
		for _, v := range c.Values {
			if v.Path == b {
				desc = b + " " + render(v.Old, v.HasOld) + " -> " + render(v.New, v.HasNew)
			}
		}
		parts = append(parts, desc)
	}
	reason := "replaced (" + strings.Join(parts, "; ") + "): "
	switch {
	case oldOpts.Protect || newOpts.Protect:
		return reason + "it is protected, so pulumi up fails until a run with protect removed"
	case c.DeleteFirst && newOpts.DeleteBeforeReplace != nil:
		reason += "deleteBeforeReplace: Pulumi deletes the old one first, so it is missing until the new one exists"
	case c.DeleteFirst:
		reason += "the provider deletes the old one first (" + deleteFirstWhy(c.Type) + "), so it is missing until the new one exists"
	default:
		reason += "Pulumi creates the new one and deletes the old one"
	}
	if newOpts.RetainOnDelete {
		return reason + "; retainOnDelete: the old one stays in the cloud, no longer managed"
	}
	if what, ok := statefulTypes[c.Type]; ok {
		reason += "; " + what.name + ": " + what.loss
	}
	return reason
}

// deleteFirstWhy says why the provider replaces a resource of type typ
// delete-first (Type.ReplacesDeleteFirst).
func deleteFirstWhy(typ string) string {
	t, ok := providers.Lookup(typ)
	switch {
	case ok && t.DeleteBeforeReplace:
		return "it replaces every " + typ + " delete-first"
	case ok && t.Autoname != nil:
		return "the program sets " + t.Autoname.Prop + ", and the provider replaces a resource the program names delete-first"
	}
	return "its rule for the type"
}

// --- iam ---

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

// --- exposure ---

// cloudRunIngress ranks Cloud Run ingress settings from narrowest to
// widest. The provider's default, when unset, is INGRESS_TRAFFIC_ALL.
var cloudRunIngress = map[string]int{
	"INGRESS_TRAFFIC_INTERNAL_ONLY":          0,
	"INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER": 1,
	"INGRESS_TRAFFIC_ALL":                    2,
}

// publicMembers are the GCP IAM members that mean "anyone".
var publicMembers = map[string]bool{"allUsers": true, "allAuthenticatedUsers": true}

// exposureFindings lists the ways in which network exposure widens. new is
// nil for a deleted resource; head finds the load balancers of listeners.
func exposureFindings(typ string, old, new map[string]any, head *lbIndex) []string {
	if typ == listenerType {
		return listenerFindings(old, new, head)
	}
	if new == nil {
		return nil
	}
	var out []string
	switch typ {
	case providers.SecurityGroupIngressRule:
		if w := worldIngress(new); w != "" && (old == nil || worldIngress(old) != w) {
			out = append(out, "ingress rule admits "+w)
		}
	case providers.SecurityGroupRule:
		if str(new, "type") == "ingress" {
			if w := added(inlineWorldIngress(oneOrNone(old)), inlineWorldIngress([]any{new})); len(w) > 0 {
				out = append(out, "ingress rule admits "+strings.Join(w, ", "))
			}
		}
	case providers.SecurityGroup:
		if w := added(inlineWorldIngress(list(old, "ingress")), inlineWorldIngress(list(new, "ingress"))); len(w) > 0 {
			out = append(out, "security group admits "+strings.Join(w, ", "))
		}
	case providers.LoadBalancer:
		internal := func(m map[string]any) bool { b, _ := valueAt(m, "internal").(bool); return b }
		switch {
		case old == nil && !internal(new):
			out = append(out, "load balancer is internet-facing (internal is not true)")
		case old != nil && internal(old) && !internal(new):
			out = append(out, "load balancer becomes internet-facing (internal true -> false)")
		}
	case providers.ECSService:
		pub := func(m map[string]any) bool {
			b, _ := valueAt(valueMap(m, "networkConfiguration"), "assignPublicIp").(bool)
			return b
		}
		if pub(new) && (old == nil || !pub(old)) {
			out = append(out, "tasks get public IP addresses (networkConfiguration.assignPublicIp true)")
		}
		// ECS Exec opens an interactive path into running containers, which
		// is exposure of the tasks rather than a grant: the IAM side
		// (ecs:ExecuteCommand for operators, ssmmessages for the task role)
		// is raised by the iam rules where this stack grants it.
		exec := func(m map[string]any) bool { b, _ := valueAt(m, "enableExecuteCommand").(bool); return b }
		if exec(new) && (old == nil || !exec(old)) {
			out = append(out, "ECS Exec is enabled (enableExecuteCommand true): anyone allowed ecs:ExecuteCommand can open a shell in running tasks")
		}
	case providers.CloudRunService:
		if old != nil {
			o, n := ingressOf(old), ingressOf(new)
			if cloudRunIngress[n] > cloudRunIngress[o] {
				out = append(out, fmt.Sprintf("Cloud Run ingress widens: %s -> %s", o, n))
			}
		}
	}
	if strings.HasPrefix(typ, "gcp:") {
		for _, g := range newGCPGrants(typ, old, new) {
			if publicMembers[g.member] {
				who := "anyone on the internet, without signing in"
				if g.member == "allAuthenticatedUsers" {
					who = "anyone with a Google account"
				}
				out = append(out, "grants "+g.describe(old)+": open to "+who)
			}
		}
	}
	return out
}

// listenerType is the Pulumi type of an ALB or NLB listener.
const listenerType = providers.Listener

// listenerFindings lists the ways in which a listener change weakens
// transport security on a load balancer: an HTTPS (or TLS) listener deleted
// or downgraded, a redirect to HTTPS replaced by a plain-HTTP forward, a new
// plain-HTTP listener that forwards to targets, or another TLS policy. The
// plain-HTTP rules skip listeners of load balancers that the head plan shows
// as internal; a listener whose load balancer is not found counts as
// internet-facing. old or new is nil for a created or deleted listener.
func listenerFindings(old, new map[string]any, head *lbIndex) []string {
	var out []string
	if new == nil {
		if secure(old) {
			out = append(out, fmt.Sprintf("%s listener on port %s is deleted: clients can no longer connect over TLS on that port", str(old, "protocol"), render(valueAt(old, "port"), true)))
		}
		return out
	}
	port := render(valueAt(new, "port"), true)
	if old != nil && secure(old) && !secure(new) {
		out = append(out, fmt.Sprintf("listener on port %s changes from %s to %s: traffic is no longer encrypted", port, str(old, "protocol"), or(str(new, "protocol"), "(none)")))
	}
	if plainHTTP(new) && forwards(new) && !head.internal(valueAt(new, "loadBalancerArn")) {
		switch {
		case old != nil && plainHTTP(old) && redirectsToHTTPS(old):
			out = append(out, fmt.Sprintf("HTTP listener on port %s forwards plain HTTP instead of redirecting to HTTPS (defaultActions redirect -> forward)", port))
		case old == nil:
			out = append(out, fmt.Sprintf("new HTTP listener on port %s forwards plain HTTP to targets on an internet-facing load balancer", port))
		case !plainHTTP(old) || !forwards(old):
			out = append(out, fmt.Sprintf("listener on port %s now forwards plain HTTP to targets on an internet-facing load balancer", port))
		}
	}
	if old != nil && secure(old) && secure(new) {
		o, hasO := plan.Lookup(old, "sslPolicy")
		n, hasN := plan.Lookup(new, "sslPolicy")
		if !equal(o, n) || hasO != hasN {
			out = append(out, fmt.Sprintf("listener on port %s TLS policy changes: sslPolicy %s -> %s", port, render(o, hasO), render(n, hasN)))
		}
	}
	return out
}

// secure reports whether a listener terminates TLS.
func secure(m map[string]any) bool {
	p := strings.ToUpper(str(m, "protocol"))
	return p == "HTTPS" || p == "TLS"
}

// plainHTTP reports whether a listener speaks plain HTTP; an ALB listener
// without a protocol does.
func plainHTTP(m map[string]any) bool {
	p := strings.ToUpper(str(m, "protocol"))
	return p == "HTTP" || p == ""
}

// forwards reports whether a listener's default actions forward to targets.
func forwards(m map[string]any) bool {
	for _, a := range list(m, "defaultActions") {
		am, _ := a.(map[string]any)
		if str(am, "type") == "forward" {
			return true
		}
	}
	return false
}

// redirectsToHTTPS reports whether a listener's default actions redirect to
// HTTPS.
func redirectsToHTTPS(m map[string]any) bool {
	for _, a := range list(m, "defaultActions") {
		am, _ := a.(map[string]any)
		if str(am, "type") == "redirect" && strings.EqualFold(str(am, "redirect", "protocol"), "HTTPS") {
			return true
		}
	}
	return false
}

// lbIndex records which load balancers of a plan are internal, by the two
// ways a listener refers to one: the name inside a load balancer ARN
// (`...:loadbalancer/app/NAME/ID`) and, while the ARN is unknown, the
// resource it comes from.
type lbIndex struct {
	byName, byURN map[string]bool
}

// newLBIndex indexes the load balancers of p.
func newLBIndex(p *plan.Plan) *lbIndex {
	idx := &lbIndex{byName: map[string]bool{}, byURN: map[string]bool{}}
	for _, r := range p.Resources {
		if r.Type != providers.LoadBalancer && r.Type != "aws:alb/loadBalancer:LoadBalancer" {
			continue
		}
		internal, _ := valueAt(r.Inputs, "internal").(bool)
		if name := str(r.Inputs, "name"); name != "" {
			idx.byName[name] = internal
		}
		idx.byURN[r.URN] = internal
	}
	return idx
}

// internal reports whether the load balancer that arn (a listener's
// loadBalancerArn) refers to is known to be internal.
func (idx *lbIndex) internal(arn any) bool {
	if idx == nil {
		return false
	}
	switch a := arn.(type) {
	case unknownFrom:
		urns := strings.Split(a.urns, ",")
		return len(urns) == 1 && idx.byURN[urns[0]]
	case string:
		if _, rest, ok := strings.Cut(a, ":loadbalancer/"); ok {
			if parts := strings.Split(rest, "/"); len(parts) >= 2 {
				return idx.byName[parts[1]]
			}
		}
	}
	return false
}

func valueMap(m map[string]any, k string) map[string]any {
	v, _ := valueAt(m, k).(map[string]any)
	return v
}

func oneOrNone(m map[string]any) []any {
	if m == nil || str(m, "type") != "ingress" {
		return nil
	}
	return []any{m}
}

func ingressOf(m map[string]any) string {
	if s := str(m, "ingress"); s != "" {
		return s
	}
	return "INGRESS_TRAFFIC_ALL"
}

// worldIngress describes what an aws:vpc ingress rule admits from anywhere,
// or returns "" when its source is not the whole internet.
func worldIngress(m map[string]any) string {
	var src string
	switch {
	case str(m, "cidrIpv4") == "0.0.0.0/0":
		src = "0.0.0.0/0"
	case str(m, "cidrIpv6") == "::/0":
		src = "::/0"
	default:
		return ""
	}
	return ports(str(m, "ipProtocol"), valueAt(m, "fromPort"), valueAt(m, "toPort")) + " from " + src
}

// inlineWorldIngress describes the parts of inline ingress blocks (or
// security group rules) open to the whole internet.
func inlineWorldIngress(rules []any) []string {
	var out []string
	for _, r := range rules {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		for _, src := range append(plan.Strings(m["cidrBlocks"]), plan.Strings(m["ipv6CidrBlocks"])...) {
			if src == "0.0.0.0/0" || src == "::/0" {
				out = append(out, ports(str(m, "protocol"), m["fromPort"], m["toPort"])+" from "+src)
			}
		}
	}
	return out
}

// ports describes a protocol and port range.
func ports(proto string, from, to any) string {
	if proto == "-1" || proto == "all" {
		return "all traffic"
	}
	f, t := render(from, from != nil), render(to, to != nil)
	if proto == "" {
		proto = "tcp"
	}
	if f == t {
		return proto + " port " + f
	}
	return proto + " ports " + f + "-" + t
}

// --- secret ---

// secretRef is a secret that reaches a container: its name (a Secret
// Manager secret ID, an ARN or a parameter name) and version, if pinned.
type secretRef struct{ name, version string }

func (r secretRef) String() string {
	if r.version == "" {
		return r.name
	}
	return r.name + " version " + r.version
}

// secretFindings lists secret references added, removed or re-pointed.
// Only secret names, versions and where they reach the container appear.
func secretFindings(typ string, old, new map[string]any) []string {
	var o, n map[string]secretRef
	switch typ {
	case providers.CloudRunService:
		o, n = cloudRunSecrets(old), cloudRunSecrets(new)
	case providers.ECSTaskDefinition:
		o, n = ecsSecrets(old), ecsSecrets(new)
	default:
		return nil
	}
	keys := make([]string, 0, len(o)+len(n))
	for k := range o {
		keys = append(keys, k)
	}
	for k := range n {
		if _, dup := o[k]; !dup {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, where := range keys {
		ov, inOld := o[where]
		nv, inNew := n[where]
		switch {
		case !inOld:
			out = append(out, fmt.Sprintf("secret %s added at %s", nv, where))
		case !inNew:
			out = append(out, fmt.Sprintf("secret %s removed from %s", ov, where))
		case ov.name == nv.name && ov.version != nv.version:
			out = append(out, fmt.Sprintf("secret %s at %s: version %s -> %s", nv.name, where, or(ov.version, "latest"), or(nv.version, "latest")))
		case ov != nv:
			out = append(out, fmt.Sprintf("secret at %s changes: %s -> %s", where, ov, nv))
		}
	}
	return out
}

// refText is a secret name or version at key of m: the string, an unknown
// as the plan shows it (with where it comes from), or def when missing.
func refText(m map[string]any, key, def string) string {
	v, ok := plan.Lookup(m, key)
	switch {
	case !ok || v == nil:
		return def
	case opaque(v):
		return render(v, true)
	}
	s, _ := v.(string)
	return or(s, def)
}

// cloudRunSecrets maps where each secret reaches a Cloud Run container
// ("env NAME" or "file PATH") to the secret. An unpinned version is
// "latest", as Cloud Run reads it.
func cloudRunSecrets(in map[string]any) map[string]secretRef {
	out := map[string]secretRef{}
	if in == nil {
		return out
	}
	mounts := map[string]string{} // volume name -> mount path
	containers := list(in, "template", "containers")
	for ci, c := range containers {
		cm, _ := c.(map[string]any)
		prefix := ""
		if len(containers) > 1 {
			prefix = "container " + or(str(cm, "name"), fmt.Sprint(ci)) + " "
		}
		for _, e := range list(cm, "envs") {
			em, _ := e.(map[string]any)
			ref, _ := plan.Lookup(em, "valueSource", "secretKeyRef")
			if rm, ok := ref.(map[string]any); ok {
				out[prefix+"env "+str(em, "name")] = secretRef{refText(rm, "secret", ""), refText(rm, "version", "latest")}
			}
		}
		for _, v := range list(cm, "volumeMounts") {
			vm, _ := v.(map[string]any)
			mounts[str(vm, "name")] = prefix + "file " + str(vm, "mountPath")
		}
	}
	for _, v := range list(in, "template", "volumes") {
		vm, _ := v.(map[string]any)
		sec, ok := vm["secret"].(map[string]any)
		if !ok {
			continue
		}
		mount := or(mounts[str(vm, "name")], "volume "+str(vm, "name"))
		items := list(sec, "items")
		if len(items) == 0 {
			out[mount] = secretRef{refText(sec, "secret", ""), "latest"}
		}
		for _, it := range items {
			im, _ := it.(map[string]any)
			out[strings.TrimSuffix(mount, "/")+"/"+str(im, "path")] = secretRef{refText(sec, "secret", ""), refText(im, "version", "latest")}
		}
	}
	return out
}

// ecsSecrets maps each container secret of an ECS task definition
// ("container C env NAME") to its valueFrom: a Secrets Manager ARN (which
// may end in a JSON key, version stage and version ID) or an SSM parameter.
func ecsSecrets(in map[string]any) map[string]secretRef {
	out := map[string]secretRef{}
	var defs []struct {
		Name    string `json:"name"`
		Secrets []struct {
			Name      string `json:"name"`
			ValueFrom string `json:"valueFrom"`
		} `json:"secrets"`
	}
	if in == nil || !parseJSON(str(in, "containerDefinitions"), &defs) {
		return out
	}
	for _, d := range defs {
		for _, s := range d.Secrets {
			out["container "+d.Name+" env "+s.Name] = secretRef{name: s.ValueFrom}
		}
	}
	return out
}

// --- capacity ---

// capacityPath is an input path whose change is a capacity change; `[*]`
// matches any list element.
type capacityPath struct {
	pattern, label string
	re             *regexp.Regexp
}

// capacityPaths lists, per type, the inputs that size a service.
var capacityPaths = compileCapacity(map[string][]capacityPath{
	providers.CloudRunService: {
		{pattern: "template.scaling.minInstanceCount", label: "min instances"},
		{pattern: "template.scaling.maxInstanceCount", label: "max instances"},
		{pattern: "scaling.minInstanceCount", label: "service min instances"},
		{pattern: "template.containers[*].resources.limits.cpu", label: "CPU"},
		{pattern: "template.containers[*].resources.limits.memory", label: "memory"},
		{pattern: "template.maxInstanceRequestConcurrency", label: "concurrency"},
	},
	providers.VPCAccessConnector: {
		{pattern: "minInstances", label: "connector min instances"},
		{pattern: "maxInstances", label: "connector max instances"},
		{pattern: "machineType", label: "connector machine type"},
	},
	providers.ECSTaskDefinition: {
		{pattern: "cpu", label: "task CPU units"},
		{pattern: "memory", label: "task memory (MiB)"},
		{pattern: "containerDefinitions[*].cpu", label: "container CPU units"},
		{pattern: "containerDefinitions[*].memory", label: "container memory (MiB)"},
		{pattern: "containerDefinitions[*].memoryReservation", label: "container memory reservation (MiB)"},
	},
	providers.ECSService: {
		{pattern: "desiredCount", label: "desired task count"},
	},
	providers.ScalingTarget: {
		{pattern: "minCapacity", label: "min capacity"},
		{pattern: "maxCapacity", label: "max capacity"},
	},
	// A target tracking policy scales out when its metric passes the target:
	// a lower target (requests per task, CPU percent) runs more tasks.
	providers.ScalingPolicy: {
		{pattern: "targetTrackingScalingPolicyConfiguration.targetValue", label: "scaling target"},
	},
})

func compileCapacity(m map[string][]capacityPath) map[string][]capacityPath {
	for _, ps := range m {
		for i := range ps {
			q := regexp.QuoteMeta(ps[i].pattern)
			q = strings.ReplaceAll(q, `\[\*\]`, `\[[^\]]*\]`)
			ps[i].re = regexp.MustCompile("^" + q + "$")
		}
	}
	return m
}

// capacityFindings lists the capacity changes among the changed values of
// a resource whose new inputs are in.
func capacityFindings(typ string, in map[string]any, values []Value) []string {
	var out []string
	for _, v := range values {
		for _, p := range capacityPaths[typ] {
			if p.re.MatchString(v.Path) {
				label := p.label
				if m := scalingMetric(typ, in); m != "" {
					label += " (" + m + ")"
				}
				out = append(out, fmt.Sprintf("%s %s -> %s (%s)", label, render(v.Old, v.HasOld), render(v.New, v.HasNew), v.Path))
			}
		}
	}
	return out
}

// scalingMetric names the metric of an autoscaling policy's target
// tracking, such as ALBRequestCountPerTarget, or "" for other resources.
func scalingMetric(typ string, in map[string]any) string {
	if typ != providers.ScalingPolicy {
		return ""
	}
	cfg := valueMap(in, "targetTrackingScalingPolicyConfiguration")
	if m := str(cfg, "predefinedMetricSpecification", "predefinedMetricType"); m != "" {
		return m
	}
	if m := str(cfg, "customizedMetricSpecification", "metricName"); m != "" {
		return m
	}
	return ""
}

// --- helpers ---

// added returns the elements of b not in a, sorted and unique.
func added(a, b []string) []string {
	in := make(map[string]bool, len(a))
	for _, s := range a {
		in[s] = true
	}
	var out []string
	for _, s := range b {
		if !in[s] {
			in[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// appendNew appends s to list unless list holds it.
func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// sorted returns list sorted, in place.
func sorted(list []string) []string {
	sort.Strings(list)
	return list
}

// sortedFold returns list sorted case-insensitively, in place, with case
// duplicates removed: IAM action names are case-insensitive.
func sortedFold(list []string) []string {
	sort.Slice(list, func(i, j int) bool { return strings.ToLower(list[i]) < strings.ToLower(list[j]) })
	return slices.CompactFunc(list, strings.EqualFold)
}

// quoteList quotes up to six items and counts the rest.
func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return capList(q)
}

// capList joins up to six items and counts the rest, to keep a reason on
// one readable line.
func capList(items []string) string {
	const shown = 6
	if len(items) > shown {
		return strings.Join(items[:shown], ", ") + fmt.Sprintf(", and %d more", len(items)-shown)
	}
	return strings.Join(items, ", ")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
