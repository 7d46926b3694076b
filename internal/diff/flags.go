package diff

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/berth-dev/berth/internal/plan"
)

// flags returns the risk flags of one change. old is nil for a created
// resource, new for a deleted one; component says whether the resource is a
// component, which has no cloud resource of its own.
func flags(c *Change, old, new *plan.Resource, component bool) []Flag {
	var out []Flag
	add := func(k Kind, format string, args ...any) {
		out = append(out, Flag{Kind: k, URN: c.URN, Reason: fmt.Sprintf(format, args...)})
	}
	if component {
		return nil
	}
	switch c.Op {
	case Replace:
		if !routineReplace[c.Type] {
			add(KindReplace, "%s", replaceReason(c))
		}
	case Delete:
		if what, ok := statefulTypes[c.Type]; ok {
			add(KindDelete, "%s %s is deleted: %s", what.name, old.Name, what.loss)
		}
		return out
	}
	var oldIn map[string]any
	if old != nil {
		oldIn = old.Inputs
	}
	newIn := new.Inputs
	for _, r := range iamFindings(c.Type, oldIn, newIn) {
		add(KindIAM, "%s", r)
	}
	for _, r := range exposureFindings(c.Type, oldIn, newIn) {
		add(KindExposure, "%s", r)
	}
	for _, r := range secretFindings(c.Type, oldIn, newIn) {
		add(KindSecret, "%s", r)
	}
	if old != nil {
		for _, r := range capacityFindings(c.Type, c.Values) {
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
	"gcp:artifactregistry/repository:Repository":     {"Artifact Registry repository", "the images in it are deleted with it"},
	"aws:ecr/repository:Repository":                  {"ECR repository", "the images in it are deleted with it"},
	"aws:cloudwatch/logGroup:LogGroup":               {"log group", "its logs are deleted with it"},
	"aws:lb/loadBalancer:LoadBalancer":               {"load balancer", "a new one gets a new DNS name; DNS records pointing at it break"},
	"gcp:serviceaccount/account:Account":             {"service account", "an account re-created with the same ID is a new identity; grants made outside this stack are lost"},
	"gcp:vpcaccess/connector:Connector":              {"VPC connector", "services using it lose private egress; re-creating one takes minutes"},
	"gcp:secretmanager/secret:Secret":                {"Secret Manager secret", "every version of it is destroyed"},
	"gcp:secretmanager/secretVersion:SecretVersion":  {"secret version", "its value is destroyed"},
	"aws:secretsmanager/secret:Secret":               {"Secrets Manager secret", "it and its versions are scheduled for deletion"},
	"aws:secretsmanager/secretVersion:SecretVersion": {"secret version", "its value is no longer available"},
	"aws:ssm/parameter:Parameter":                    {"SSM parameter", "its value is destroyed"},
	"aws:iam/role:Role":                              {"IAM role", "a role re-created with the same name is a new principal; trust granted to it elsewhere is lost"},
	"aws:acm/certificate:Certificate":                {"certificate", "a new one must be validated again"},
}

// replaceReason says why a resource is replaced, with old -> new values of
// plain replace-on-change inputs.
func replaceReason(c *Change) string {
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
	reason := "replaced (" + strings.Join(parts, "; ") + "): Pulumi creates the new one and deletes the old one"
	if what, ok := statefulTypes[c.Type]; ok {
		reason += "; " + what.name + ": " + what.loss
	}
	return reason
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
		if typ == "aws:iam/rolePolicyAttachment:RolePolicyAttachment" {
			if arn := str(new, "policyArn"); arn != "" && arn != str(old, "policyArn") {
				out = append(out, fmt.Sprintf("attaches managed policy %s to role %s", arn, str(new, "role")))
			}
		}
		if arns := added(stringsOf(valueAt(old, "managedPolicyArns")), stringsOf(valueAt(new, "managedPolicyArns"))); len(arns) > 0 {
			out = append(out, "attaches managed policies: "+strings.Join(arns, ", "))
		}
	}
	if strings.HasPrefix(typ, "gcp:") {
		for _, g := range added(gcpGrants(typ, old), gcpGrants(typ, new)) {
			out = append(out, "grants "+g)
		}
	}
	return out
}

func valueAt(m map[string]any, k string) any {
	v, _ := get(m, k)
	return v
}

// gcpGrants returns the "ROLE to MEMBER" pairs that a GCP IAM member,
// binding or policy resource grants.
func gcpGrants(typ string, in map[string]any) []string {
	if in == nil {
		return nil
	}
	var out []string
	switch {
	case strings.HasSuffix(typ, "IamMember") || strings.HasSuffix(typ, "IAMMember"):
		if m := str(in, "member"); m != "" {
			out = append(out, str(in, "role")+" to "+m)
		}
	case strings.HasSuffix(typ, "IamBinding") || strings.HasSuffix(typ, "IAMBinding"):
		for _, m := range stringsOf(valueAt(in, "members")) {
			out = append(out, str(in, "role")+" to "+m)
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
					out = append(out, b.Role+" to "+m)
				}
			}
		}
	}
	return out
}

// grants is what the Allow statements of an AWS policy document grant.
type grants struct {
	actions, resources, principals []string
	notAction                      bool
}

// policyFindings compares two AWS policy documents held in input what. old
// is "" for a new document.
func policyFindings(what, old, new string) []string {
	if new == "" || new == old {
		return nil
	}
	if new == plan.SecretMarker || new == plan.UnknownMarker {
		return []string{what + " changes and cannot be read (" + new + ")"}
	}
	ng, ok := allowGrants(new)
	if !ok {
		return []string{what + " changes and is not a readable policy document"}
	}
	og, _ := allowGrants(old)
	var out []string
	newActions := added(og.actions, ng.actions)
	var wild []string
	for _, a := range newActions {
		if strings.Contains(a, "*") {
			wild = append(wild, a)
		}
	}
	if len(wild) > 0 {
		out = append(out, what+" allows wildcard actions: "+quoteList(wild))
	}
	if rest := len(newActions) - len(wild); rest > 0 {
		out = append(out, what+" allows new actions: "+quoteList(without(newActions, wild)))
	}
	if slicesContains(ng.resources, "*") && !slicesContains(og.resources, "*") {
		out = append(out, what+` applies to every resource ("*")`)
	}
	if p := added(og.principals, ng.principals); len(p) > 0 {
		out = append(out, what+" trusts new principals: "+quoteList(p))
	}
	if ng.notAction && !og.notAction {
		out = append(out, what+" uses NotAction, which allows everything not listed")
	}
	return out
}

// allowGrants reads the Allow statements of a policy document.
func allowGrants(doc string) (grants, bool) {
	var g grants
	if doc == "" {
		return g, true
	}
	var d struct {
		Statement any `json:"Statement"`
	}
	if !parseJSON(doc, &d) {
		return g, false
	}
	stmts, ok := d.Statement.([]any)
	if !ok {
		stmts = []any{d.Statement}
	}
	for _, s := range stmts {
		m, ok := s.(map[string]any)
		if !ok {
			continue
		}
		if e, _ := m["Effect"].(string); e != "Allow" {
			continue
		}
		g.actions = append(g.actions, stringsOf(m["Action"])...)
		g.resources = append(g.resources, stringsOf(m["Resource"])...)
		if _, ok := m["NotAction"]; ok {
			g.notAction = true
		}
		switch p := m["Principal"].(type) {
		case string:
			g.principals = append(g.principals, p)
		case map[string]any:
			for kind, v := range p {
				for _, id := range stringsOf(v) {
					g.principals = append(g.principals, kind+":"+id)
				}
			}
		}
	}
	return g, true
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

// exposureFindings lists the ways in which network exposure widens.
func exposureFindings(typ string, old, new map[string]any) []string {
	var out []string
	switch typ {
	case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
		if w := worldIngress(new); w != "" && (old == nil || worldIngress(old) != w) {
			out = append(out, "ingress rule admits "+w)
		}
	case "aws:ec2/securityGroupRule:SecurityGroupRule":
		if str(new, "type") == "ingress" {
			if w := added(inlineWorldIngress(oneOrNone(old)), inlineWorldIngress([]any{new})); len(w) > 0 {
				out = append(out, "ingress rule admits "+strings.Join(w, ", "))
			}
		}
	case "aws:ec2/securityGroup:SecurityGroup":
		if w := added(inlineWorldIngress(list(old, "ingress")), inlineWorldIngress(list(new, "ingress"))); len(w) > 0 {
			out = append(out, "security group admits "+strings.Join(w, ", "))
		}
	case "aws:lb/loadBalancer:LoadBalancer":
		internal := func(m map[string]any) bool { b, _ := valueAt(m, "internal").(bool); return b }
		switch {
		case old == nil && !internal(new):
			out = append(out, "load balancer is internet-facing (internal is not true)")
		case old != nil && internal(old) && !internal(new):
			out = append(out, "load balancer becomes internet-facing (internal true -> false)")
		}
	case "aws:ecs/service:Service":
		pub := func(m map[string]any) bool {
			b, _ := valueAt(valueMap(m, "networkConfiguration"), "assignPublicIp").(bool)
			return b
		}
		if pub(new) && (old == nil || !pub(old)) {
			out = append(out, "tasks get public IP addresses (networkConfiguration.assignPublicIp true)")
		}
	case "gcp:cloudrunv2/service:Service":
		if old != nil {
			o, n := ingressOf(old), ingressOf(new)
			if cloudRunIngress[n] > cloudRunIngress[o] {
				out = append(out, fmt.Sprintf("Cloud Run ingress widens: %s -> %s", o, n))
			}
		}
	}
	if strings.HasPrefix(typ, "gcp:") {
		for _, g := range added(gcpGrants(typ, old), gcpGrants(typ, new)) {
			if m := g[strings.LastIndex(g, " to ")+4:]; publicMembers[m] {
				who := "anyone on the internet, without signing in"
				if m == "allAuthenticatedUsers" {
					who = "anyone with a Google account"
				}
				out = append(out, "grants "+g+": open to "+who)
			}
		}
	}
	return out
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
		for _, src := range append(stringsOf(m["cidrBlocks"]), stringsOf(m["ipv6CidrBlocks"])...) {
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
	case "gcp:cloudrunv2/service:Service":
		o, n = cloudRunSecrets(old), cloudRunSecrets(new)
	case "aws:ecs/taskDefinition:TaskDefinition":
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
			ref, _ := get(em, "valueSource", "secretKeyRef")
			if rm, ok := ref.(map[string]any); ok {
				out[prefix+"env "+str(em, "name")] = secretRef{str(rm, "secret"), or(str(rm, "version"), "latest")}
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
			out[mount] = secretRef{str(sec, "secret"), "latest"}
		}
		for _, it := range items {
			im, _ := it.(map[string]any)
			out[strings.TrimSuffix(mount, "/")+"/"+str(im, "path")] = secretRef{str(sec, "secret"), or(str(im, "version"), "latest")}
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
	"gcp:cloudrunv2/service:Service": {
		{pattern: "template.scaling.minInstanceCount", label: "min instances"},
		{pattern: "template.scaling.maxInstanceCount", label: "max instances"},
		{pattern: "scaling.minInstanceCount", label: "service min instances"},
		{pattern: "template.containers[*].resources.limits.cpu", label: "CPU"},
		{pattern: "template.containers[*].resources.limits.memory", label: "memory"},
		{pattern: "template.maxInstanceRequestConcurrency", label: "concurrency"},
	},
	"gcp:vpcaccess/connector:Connector": {
		{pattern: "minInstances", label: "connector min instances"},
		{pattern: "maxInstances", label: "connector max instances"},
		{pattern: "machineType", label: "connector machine type"},
	},
	"aws:ecs/taskDefinition:TaskDefinition": {
		{pattern: "cpu", label: "task CPU units"},
		{pattern: "memory", label: "task memory (MiB)"},
		{pattern: "containerDefinitions[*].cpu", label: "container CPU units"},
		{pattern: "containerDefinitions[*].memory", label: "container memory (MiB)"},
		{pattern: "containerDefinitions[*].memoryReservation", label: "container memory reservation (MiB)"},
	},
	"aws:ecs/service:Service": {
		{pattern: "desiredCount", label: "desired task count"},
	},
	"aws:appautoscaling/target:Target": {
		{pattern: "minCapacity", label: "min capacity"},
		{pattern: "maxCapacity", label: "max capacity"},
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

// capacityFindings lists the capacity changes among the changed values.
func capacityFindings(typ string, values []Value) []string {
	var out []string
	for _, v := range values {
		for _, p := range capacityPaths[typ] {
			if p.re.MatchString(v.Path) {
				out = append(out, fmt.Sprintf("%s %s -> %s (%s)", p.label, render(v.Old, v.HasOld), render(v.New, v.HasNew), v.Path))
			}
		}
	}
	return out
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

func without(list, drop []string) []string {
	var out []string
	for _, s := range list {
		if !slicesContains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

func slicesContains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// quoteList quotes up to six items and counts the rest.
func quoteList(items []string) string {
	const shown = 6
	q := make([]string, 0, shown+1)
	for i, s := range items {
		if i == shown {
			q = append(q, fmt.Sprintf("and %d more", len(items)-shown))
			break
		}
		q = append(q, fmt.Sprintf("%q", s))
	}
	return strings.Join(q, ", ")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
