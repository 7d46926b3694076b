package diff

import (
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

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
	// registers maps each ECS service's URN to the URNs of the target
	// groups it registers its tasks in.
	registers map[string]map[string]bool
	// split holds the URNs of the target groups a listener rule forwards
	// to with weights.
	split map[string]bool
}

// canaryLane says the ECS service urn registers in a target group that a
// weighted forward splits requests to.
func (idx *lbIndex) canaryLane(urn string) bool {
	if idx == nil {
		return false
	}
	for g := range idx.registers[urn] {
		if idx.split[g] {
			return true
		}
	}
	return false
}

// newLBIndex indexes the load balancers of p.
func newLBIndex(p *plan.Plan) *lbIndex {
	idx := &lbIndex{byName: map[string]bool{}, byURN: map[string]bool{}, registers: map[string]map[string]bool{}, split: map[string]bool{}}
	for _, r := range p.Resources {
		if r.Type == providers.ListenerRule {
			for _, groups := range weightedForwards(r.Inputs) {
				for _, g := range groups {
					for _, from := range unknownSources(g["arn"]) {
						idx.split[from] = true
					}
				}
			}
		}
		if r.Type == providers.ECSService {
			lbs, _ := r.Inputs["loadBalancers"].([]any)
			for _, l := range lbs {
				m, _ := l.(map[string]any)
				for _, from := range unknownSources(m["targetGroupArn"]) {
					if idx.registers[r.URN] == nil {
						idx.registers[r.URN] = map[string]bool{}
					}
					idx.registers[r.URN][from] = true
				}
			}
		}
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

// unknownSources returns the sources of the unknown parts of a plan value
// (an ARN is often known text around an unknown suffix).
func unknownSources(v any) []string {
	switch v := v.(type) {
	case plan.Unknown:
		if v.From != "" {
			return []string{v.From}
		}
	case plan.Partial:
		var out []string
		for _, e := range v {
			out = append(out, unknownSources(e)...)
		}
		return out
	}
	return nil
}
