package diff

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// serving describes what stops answering while a resource that carries
// traffic is missing.
var serving = map[string]string{
	providers.CloudRunService:    "its URL answers nothing",
	providers.ECSService:         "its tasks are stopped and nothing serves",
	providers.LoadBalancer:       "nothing answers at its DNS name",
	providers.Listener:           "the load balancer does not listen on its port",
	providers.ListenerRule:       "requests it routes go to the listener's default action",
	providers.TargetGroup:        "listeners that forward to it have nowhere to send requests",
	providers.VPCAccessConnector: "services that use it lose their private egress",
}

// addressed describes the address a resource serves at, which its
// replacement does not keep: a new load balancer has a new DNS name.
var addressed = map[string]string{
	providers.LoadBalancer:    "DNS name",
	providers.CloudRunService: "URL",
}

// forwardPath matches the inputs of a listener or listener rule that name
// the target groups it forwards to.
var forwardPath = regexp.MustCompile(`^(defaultActions|actions)\[[^\]]*\]\.(targetGroupArn|forward\.targetGroups\[[^\]]*\]\.arn)$`)

// portPaths are the inputs of a security group rule that say which ports
// it admits.
var portPaths = map[string]bool{"fromPort": true, "toPort": true}

// downtimeFindings raises downtime for what interrupts traffic:
//   - a resource that serves traffic replaced delete-first: it is missing
//     until its replacement exists, for as long as the provider's create
//     may wait;
//   - one replaced create-first that serves at an address the replacement
//     does not keep (a load balancer's DNS name);
//   - a listener that forwards to a target group created or replaced in
//     this update: it forwards as soon as the group exists, before any
//     target is registered in it and healthy;
//   - a security group rule whose ports change in place: the old ports
//     close at once, while what listens on them still serves.
func downtimeFindings(c *change) []string {
	var out []string
	switch c.Op {
	case Replace:
		what, serves := serving[c.Type]
		switch {
		case serves && c.DeleteFirst:
			r := fmt.Sprintf("%s is deleted before its replacement exists: %s until the new one is ready", c.Name, what)
			if t, ok := providers.Lookup(c.Type); ok && t.CreateTimeout > 0 {
				r += fmt.Sprintf(" (the provider waits up to %s for it)", minutes(t.CreateTimeout))
			}
			if len(c.users) > 0 {
				r += "; used by " + capList(c.users)
			}
			out = append(out, r)
		case addressed[c.Type] != "":
			out = append(out, fmt.Sprintf("%s is replaced by one at a new %s: clients that still use the old one fail once it stops serving (at the latest when it is deleted, at the end of the update) unless they move to the new one first",
				c.Name, addressed[c.Type]))
		}
	case Update, Create:
		if c.Type == providers.Listener || c.Type == providers.ListenerRule {
			for _, v := range applied(c.Values) {
				if groups := renewedSources(v.New); forwardPath.MatchString(v.Path) && groups != "" && !c.waitsForTargets(v) {
					out = append(out, fmt.Sprintf("%s forwards to the new target group %s as soon as it exists, before any target is registered in it and healthy: requests fail (503) until they are (%s)",
						c.Name, groups, v.Path))
				}
			}
		}
		if c.Op == Update && (c.Type == providers.SecurityGroupIngressRule || c.Type == providers.SecurityGroupEgressRule) {
			for _, v := range applied(c.Values) {
				if portPaths[v.Path] {
					out = append(out, fmt.Sprintf("%s changes its ports in place (%s -> %s): the old ports close at once, while what listens on them still serves, before anything listens on the new ones; a new rule beside the old one keeps both open",
						c.Name, ports("", c.oldIn["fromPort"], c.oldIn["toPort"]), ports("", c.newIn["fromPort"], c.newIn["toPort"])))
					break
				}
			}
		}
	}
	return out
}

// renewedSources returns the names of the created or replaced resources
// that unknown parts of v come from, or "".
func renewedSources(v any) string {
	var names []string
	eachUnknown(v, func(u unknownFrom) {
		if u.renewed && u.names != "" {
			names = appendNew(names, u.names)
		}
	})
	return strings.Join(names, ", ")
}

// eachUnknown calls f with each unknown part of an annotated value: the
// value itself, or the unknown pieces of a partly known string.
func eachUnknown(v any, f func(unknownFrom)) {
	switch v := v.(type) {
	case unknownFrom:
		f(v)
	case plan.Partial:
		for _, e := range v {
			eachUnknown(e, f)
		}
	}
}

// minutes renders a timeout as people say it: "20 minutes".
func minutes(d time.Duration) string {
	if d%time.Minute == 0 {
		if d == time.Minute {
			return "1 minute"
		}
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}

// waitsForTargets says a forward to a new target group (v, an arn path)
// sends it nothing until it has targets: its weight is 0, or the listener
// or rule depends on the ECS service that registers its tasks in the group
// and waits for them (the engine creates a resource only once its
// dependencies are done, pkg v3.274.1 resource/deploy/step_executor.go:
// 95-98; components/fargate waits for steady state).
func (c *change) waitsForTargets(v Value) bool {
	weight := strings.TrimSuffix(v.Path, ".arn") + ".weight"
	for _, w := range c.Values {
		if w.Path == weight && w.HasNew && w.New == float64(0) {
			return true
		}
	}
	if c.new == nil || c.head == nil {
		return false
	}
	var renewed []string
	eachUnknown(v.New, func(u unknownFrom) {
		if u.renewed {
			renewed = append(renewed, strings.Split(u.urns, ",")...)
		}
	})
	if len(renewed) == 0 {
		return false
	}
	for _, g := range renewed {
		waits := false
		for _, d := range c.new.DependsOn {
			waits = waits || c.head.registers[d][g]
		}
		if !waits {
			return false
		}
	}
	return true
}
