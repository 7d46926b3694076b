package cloud

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/providers"
)

// Step is one change in the fake cloud and the endpoints that serve right
// after it.
type Step struct {
	// After is the change, as Log holds it.
	After string `json:"after"`
	// Endpoints are the endpoints that answer requests (see Serving).
	Endpoints []string `json:"endpoints"`
	// Stranded are the shares of requests sent to a target group that no
	// task serves (see Stranded).
	Stranded []string `json:"stranded,omitempty"`
}

// Record appends a change to the log and, to Steps, the endpoints that
// serve once it is made: the fake's record of whether traffic flowed
// through every step of an update.
func (s *State) Record(change string) {
	s.Log = append(s.Log, change)
	s.Steps = append(s.Steps, Step{After: change, Endpoints: s.Serving(), Stranded: s.Stranded()})
}

// Stranded returns, sorted, "NAME: N% to GROUP-ARN" for each share of a
// listener's default action or a listener rule's forward that goes to a
// target group in which no task answers (groupServes): a weight above 0
// (forwardShares), or the whole of a plain forward. The load balancer weights groups without regard to their
// targets' health (Elastic Load Balancing guide, "Forward actions"), so
// such a share fails, while the rest is served.
func (s *State) Stranded() []string {
	var out []string
	lbGroups := func(listenerARN string) []string {
		for _, l := range s.Live(providers.Listener) {
			if str(l.State["arn"]) != listenerARN {
				continue
			}
			for _, lb := range s.Live(providers.LoadBalancer) {
				if str(lb.State["arn"]) == str(l.State["loadBalancerArn"]) {
					return strs(lb.State["securityGroups"])
				}
			}
		}
		return nil
	}
	check := func(name string, actions any, groups []string) {
		for _, a := range list(actions) {
			shares := forwardShares(a)
			total := 0.0
			for _, w := range shares {
				total += w
			}
			for tg, w := range shares {
				if w > 0 && !s.groupServes(tg, groups) {
					out = append(out, fmt.Sprintf("%s: %.0f%% to %s", name, 100*w/total, tg))
				}
			}
		}
	}
	for _, l := range s.Live(providers.Listener) {
		check(l.Name, l.State["defaultActions"], lbGroups(str(l.State["arn"])))
	}
	for _, r := range s.Live(providers.ListenerRule) {
		check(r.Name, r.State["actions"], lbGroups(str(r.State["listenerArn"])))
	}
	slices.Sort(out)
	return out
}

// Serving returns the endpoints that would answer a request now, sorted:
//
//   - "lb NAME" for a load balancer with a listener that forwards to a
//     target group in which an ECS service registers its tasks, when the
//     task definition the service runs has the registered container listen
//     on the registered port, and the load balancer's security groups let
//     it out to the tasks' groups on that port and theirs let it in (ECS
//     registers each task with the service's containerPort, and health
//     checks and traffic go to that port);
//   - "run NAME@LOCATION" for a Cloud Run service with a ready revision
//     whose VPC connector, when it names one, exists (its revisions reach
//     their private dependencies only through it).
//
// A deployment is instantaneous in the fake: a service runs its old task
// definition or revision until the change that moves it, so what serves
// between two changes is what both allow.
func (s *State) Serving() []string {
	var out []string
	for _, lb := range s.Live(providers.LoadBalancer) {
		if s.lbServes(lb) {
			out = append(out, "lb "+str(lb.State["name"]))
		}
	}
	for _, svc := range s.Live(providers.CloudRunService) {
		if str(svc.State["latestReadyRevision"]) == "" {
			continue
		}
		if c := str(at(svc.State, "template", "vpcAccess", "connector")); c != "" && !s.connectorExists(c) {
			continue
		}
		out = append(out, "run "+str(svc.State["name"])+"@"+str(svc.State["location"]))
	}
	slices.Sort(out)
	return out
}

// lbServes reports whether a listener of lb forwards to a target with a
// task that answers.
func (s *State) lbServes(lb *Record) bool {
	arn := str(lb.State["arn"])
	lbGroups := strs(lb.State["securityGroups"])
	for _, l := range s.Live(providers.Listener) {
		if str(l.State["loadBalancerArn"]) != arn {
			continue
		}
		for _, tg := range forwardedGroups(l.State) {
			if s.live(providers.TargetGroup, "arn", tg) && s.groupServes(tg, lbGroups) {
				return true
			}
		}
	}
	return false
}

// forwardedGroups lists the target group ARNs a listener's default
// actions forward to, whatever their weights.
func forwardedGroups(listener map[string]any) []string {
	var out []string
	for _, a := range list(listener["defaultActions"]) {
		for tg := range forwardShares(a) {
			out = append(out, tg)
		}
	}
	return out
}

// forwardShares returns the target groups a forward action sends requests
// to, by ARN, with their weights; nil for another action. A weighted
// forward's weights decide, each 0 to 999 and 1 when none is given ([TPA]
// listener.go and listener_rule.go, forward.target_group.weight); a plain
// targetGroupArn takes every request. The provider takes both only when
// they name the same group ([TPA] listener.go
// listenerActionPlantimeValidate), so the weighted list then holds it.
func forwardShares(action any) map[string]float64 {
	am, _ := action.(map[string]any)
	if str(am["type"]) != "forward" {
		return nil
	}
	groups := list(at(am, "forward", "targetGroups"))
	if len(groups) == 0 {
		if tg := str(am["targetGroupArn"]); tg != "" {
			return map[string]float64{tg: 1}
		}
		return nil
	}
	shares := map[string]float64{}
	for _, g := range groups {
		gm, _ := g.(map[string]any)
		w := 1.0
		if v, ok := gm["weight"].(float64); ok {
			w = v
		}
		shares[str(gm["arn"])] += w
	}
	return shares
}

// groupServes reports whether an ECS service registers a task in the
// target group tg that answers on the port it is registered with, reached
// from the load balancer groups lbGroups.
func (s *State) groupServes(tg string, lbGroups []string) bool {
	for _, svc := range s.Live(providers.ECSService) {
		taskGroups := strs(at(svc.State, "networkConfiguration", "securityGroups"))
		for _, b := range list(svc.State["loadBalancers"]) {
			bm, _ := b.(map[string]any)
			if str(bm["targetGroupArn"]) != tg {
				continue
			}
			port := num(bm["containerPort"])
			if s.listens(str(svc.State["taskDefinition"]), str(bm["containerName"]), port) &&
				s.allows(providers.SecurityGroupEgressRule, lbGroups, taskGroups, port) &&
				s.allows(providers.SecurityGroupIngressRule, taskGroups, lbGroups, port) {
				return true
			}
		}
	}
	return false
}

// listens reports whether the container of the task definition revision
// arn (deregistered or not: running tasks keep it) maps port.
func (s *State) listens(arn, container string, port float64) bool {
	for _, r := range s.Resources {
		if r.Type != providers.ECSTaskDefinition || str(r.State["arn"]) != arn {
			continue
		}
		var defs []struct {
			Name         string `json:"name"`
			PortMappings []struct {
				ContainerPort float64 `json:"containerPort"`
			} `json:"portMappings"`
		}
		if json.Unmarshal([]byte(str(r.State["containerDefinitions"])), &defs) != nil {
			return false
		}
		for _, d := range defs {
			for _, m := range d.PortMappings {
				if d.Name == container && m.ContainerPort == port {
					return true
				}
			}
		}
	}
	return false
}

// allows reports whether a live rule of type typ on one of the groups
// from admits tcp port to or from one of the groups peers, or the whole
// IPv4 internet.
func (s *State) allows(typ string, from, peers []string, port float64) bool {
	for _, r := range s.Live(typ) {
		if !slices.Contains(from, str(r.State["securityGroupId"])) {
			continue
		}
		proto := str(r.State["ipProtocol"])
		inRange := proto == "-1" || (proto == "tcp" && num(r.State["fromPort"]) <= port && port <= num(r.State["toPort"]))
		peer := slices.Contains(peers, str(r.State["referencedSecurityGroupId"])) || str(r.State["cidrIpv4"]) == "0.0.0.0/0"
		if inRange && peer {
			return true
		}
	}
	return false
}

// connectorExists reports whether a live VPC connector has the ID or name
// c.
func (s *State) connectorExists(c string) bool {
	for _, r := range s.Live(providers.VPCAccessConnector) {
		if r.ID == c || str(r.State["name"]) == c || strings.HasSuffix(r.ID, "/connectors/"+c) {
			return true
		}
	}
	return false
}

// live reports whether a live record of type typ has state key equal to v.
func (s *State) live(typ, key, v string) bool {
	for _, r := range s.Live(typ) {
		if str(r.State[key]) == v {
			return true
		}
	}
	return false
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func strs(v any) []string {
	var out []string
	for _, e := range list(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// at walks nested maps; a list on the way is read at its first element
// (the provider's one-element blocks).
func at(v any, path ...string) any {
	for _, k := range path {
		if l, ok := v.([]any); ok && len(l) > 0 {
			v = l[0]
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
