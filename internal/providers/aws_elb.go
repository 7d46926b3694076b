package providers

import (
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func elbTypes() []*Type {
	return []*Type{
		{
			Token:    LoadBalancer,
			Resource: "aws_lb",
			Source:   "[TPA] internal/service/elbv2/load_balancer.go resourceLoadBalancer (index commit 00edc94b; flags equal in index id 1325024694); [SDKA] lb/loadBalancer.go",
			// The provider-wide autoname (255, [PA] aws_lb has no Fields),
			// while Terraform validates 32 characters: a logical name over
			// 24 characters fails Check.
			Autoname: awsName(),
			// Create sets the ID, then waits for the state active.
			Waits: true,
			// Timeouts create 10 min ([TPA] load_balancer.go resourceLoadBalancer Timeouts).
			CreateTimeout: 10 * time.Minute,
			Schema: with(Schema{
				"name":                                  {Flags: Computed | ForceNew, Validate: maxLen("name", 32)},
				"namePrefix":                            {Flags: Computed | ForceNew},
				"internal":                              {Flags: Computed | ForceNew},
				"loadBalancerType":                      {Flags: ForceNew, Default: str("application")},
				"customerOwnedIpv4Pool":                 {Flags: ForceNew},
				"securityGroups":                        {Flags: Computed | Set},
				"subnets":                               {Flags: Computed | Set},
				"subnetMappings":                        {Flags: Computed | Set},
				"ipAddressType":                         {Flags: Computed},
				"idleTimeout":                           {Default: num(60)},
				"enableHttp2":                           {Default: boolean(true)},
				"desyncMitigationMode":                  {Default: str("defensive")},
				"xffHeaderProcessingMode":               {Default: str("append")},
				"clientKeepAlive":                       {Default: num(3600)},
				"dropInvalidHeaderFields":               {Default: boolean(false)},
				"enableTlsVersionAndCipherSuiteHeaders": {Default: boolean(false)},
				"enableWafFailOpen":                     {Default: boolean(false)},
				"enableXffClientPort":                   {Default: boolean(false)},
				"preserveHostHeader":                    {Default: boolean(false)},
				"enableZonalShift":                      {Default: boolean(false)},
				"enableCrossZoneLoadBalancing":          {Default: boolean(false)},
				"enableDeletionProtection":              {Default: boolean(false)},
				"dnsRecordClientRoutingPolicy":          {Default: str("any_availability_zone")},
				"accessLogs":                            {},
				"connectionLogs":                        {},
				"arn":                                   {Flags: Output},
				"arnSuffix":                             {Flags: Output},
				"dnsName":                               {Flags: Output},
				"zoneId":                                {Flags: Output},
				"vpcId":                                 {Flags: Output},
			}, tags),
			// customizeDiffLoadBalancerNLB: a network load balancer's
			// subnets that shrink or swap replace it (an application load
			// balancer's update in place, SetSubnets).
			Replaces: func(olds, news resource.PropertyMap) []string {
				if t, _ := KnownString(news["loadBalancerType"]); t != "network" {
					return nil
				}
				o, n := arrayOf(olds["subnets"]), arrayOf(news["subnets"])
				if len(o) > 0 && n != nil && len(n) <= len(o) && !sameSet(news, nil, n, o) {
					return []string{"subnets"}
				}
				return nil
			},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				suffix := c.Keep("arnSuffix", func() resource.PropertyValue {
					return S(Lit("app/"), c.Str("name"), Lit("/"), c.Gen(Hex, 16))
				})
				sp := Of(suffix)
				internal := Lit("")
				if v := Unsecret(c.In["internal"]); v.IsBool() && v.BoolValue() {
					internal = Lit("internal-")
				}
				arn := c.arn("elasticloadbalancing", true, Lit("loadbalancer/"), sp)
				// ID = the load balancer's ARN.
				return arn, resource.PropertyMap{
					"arn":       arn,
					"arnSuffix": suffix,
					// ELB's DNS names: [internal-]NAME-NUMBER.REGION.elb.amazonaws.com.
					"dnsName": c.Keep("dnsName", func() resource.PropertyValue {
						return S(internal, c.Str("name"), Lit("-"), c.Gen(Digits, 10), Lit("."), c.Cfg("region"), Lit(".elb."+DNSSuffix(c.Config["region"])))
					}),
					"ipAddressType": resource.NewProperty("ipv4"),
					"zoneId":        zoneID(c.Config["region"]),
					"internal":      resource.NewProperty(Unsecret(c.In["internal"]).IsBool() && Unsecret(c.In["internal"]).BoolValue()),
				}
			},
			// Create fails when a load balancer of that name exists
			// (DuplicateLoadBalancerName), per account and Region.
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("load-balancer") + c.str("name"), "DuplicateLoadBalancerName: A load balancer with the same name '" + c.str("name") + "' exists, but with different settings"}}
			},
		},
		{
			Token:    TargetGroup,
			Resource: "aws_lb_target_group",
			Source:   "[TPA] internal/service/elbv2/target_group.go (index id 1349870850); [PA] aws_lb_target_group AutoName(\"name\", 32, \"-\")",
			Autoname: &Autoname{Prop: "name", MaxLen: 32, ConflictsWith: []string{"namePrefix"}},
			Schema: with(Schema{
				"name":            {Flags: Computed | ForceNew, Validate: maxLen("name", 32)},
				"namePrefix":      {Flags: Computed | ForceNew},
				"port":            {Flags: ForceNew},
				"protocol":        {Flags: ForceNew},
				"protocolVersion": {Flags: Computed | ForceNew},
				"vpcId":           {Flags: ForceNew},
				"targetType":      {Flags: ForceNew, Default: str("instance")},
				"ipAddressType":   {Flags: Computed | ForceNew},
				"healthCheck": {Flags: Computed, Elem: Schema{
					"enabled":            {Default: boolean(true)},
					"healthyThreshold":   {Default: num(3)},
					"unhealthyThreshold": {Default: num(3)},
					"interval":           {Default: num(30)},
					"matcher":            {Flags: Computed},
					"path":               {Flags: Computed},
					"port":               {Default: str("traffic-port")},
					"protocol":           {Default: str("HTTP")},
					"timeout":            {Flags: Computed},
				}},
				"deregistrationDelay":            {Default: num(300)},
				"slowStart":                      {Default: num(0)},
				"proxyProtocolV2":                {Default: boolean(false)},
				"lambdaMultiValueHeadersEnabled": {Default: boolean(false)},
				"connectionTermination":          {Flags: Computed},
				"preserveClientIp":               {Flags: Computed},
				"loadBalancingAlgorithmType":     {Flags: Computed},
				"loadBalancingAnomalyMitigation": {Flags: Computed},
				"loadBalancingCrossZoneEnabled":  {Flags: Computed},
				"stickiness":                     {Flags: Computed},
				"targetFailovers":                {Flags: Computed},
				"targetGroupHealth":              {Flags: Computed},
				"targetHealthStates":             {Flags: Computed},
				"arn":                            {Flags: Output},
				"arnSuffix":                      {Flags: Output},
				"loadBalancerArns":               {Flags: Output | Set},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				suffix := c.Keep("arnSuffix", func() resource.PropertyValue {
					return S(Lit("targetgroup/"), c.Str("name"), Lit("/"), c.Gen(Hex, 16))
				})
				arn := c.arn("elasticloadbalancing", true, Of(suffix))
				// ID = the target group's ARN.
				return arn, resource.PropertyMap{"arn": arn, "arnSuffix": suffix, "loadBalancingAlgorithmType": resource.NewProperty("round_robin")}
			},
			// Delete retries DeleteTargetGroup for 2 minutes while ELB
			// answers ResourceInUse "is currently in use by a listener or
			// a rule", then fails ([TPA] target_group.go
			// resourceTargetGroupDelete).
			Blockers: []Blocker{
				{Type: Listener, Uses: forwardsTo("defaultActions"), Err: targetGroupInUse},
				{Type: ListenerRule, Uses: forwardsTo("actions"), Err: targetGroupInUse},
			},
			// Create fails when a target group of that name exists.
			Unique: func(c *Ctx) []Key {
				return []Key{{c.scope("target-group") + c.str("name"), "DuplicateTargetGroupName: A target group with the same name '" + c.str("name") + "' exists, but with different settings"}}
			},
		},
		{
			Token:    Listener,
			Resource: "aws_lb_listener",
			Source:   "[TPA] internal/service/elbv2/listener.go (index id 2388045155); [SDKA] lb/listener.go:492-497",
			Schema: with(Schema{
				// A list (order matters); a forward's target groups are a set.
				"defaultActions":       {Flags: Required, Elem: actionSchema()},
				"loadBalancerArn":      {Flags: Required | ForceNew},
				"port":                 {},
				"protocol":             {Flags: Computed},
				"sslPolicy":            {Flags: Computed},
				"certificateArn":       {},
				"alpnPolicy":           {},
				"mutualAuthentication": {Flags: Computed},
				"arn":                  {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				lbARN, _ := c.Str("loadBalancerArn").Known()
				// ID = the listener's ARN.
				arn := c.Keep("arn", func() resource.PropertyValue {
					return S(Lit(strings.Replace(lbARN, ":loadbalancer/", ":listener/", 1)+"/"), c.Gen(Hex, 16))
				})
				out := resource.PropertyMap{"arn": arn}
				// An application load balancer's protocol defaults to HTTP
				// on create.
				if isNull(c.In["protocol"]) && strings.Contains(lbARN, "loadbalancer/app/") {
					out["protocol"] = resource.NewProperty("HTTP")
				}
				return arn, out
			},
			// ELB: one listener per port and load balancer (DuplicateListener).
			Unique: func(c *Ctx) []Key {
				return []Key{{"listener/" + c.str("loadBalancerArn") + "/" + c.str("port"), "DuplicateListener: A listener already exists on this port for this load balancer '" + c.str("loadBalancerArn") + "'"}}
			},
		},
		{
			Token:    ListenerRule,
			Resource: "aws_lb_listener_rule",
			Source:   "[TPA] internal/service/elbv2/listener_rule.go (index id 2058983980); [SDKA] lb/listenerRule.go:287-295",
			Schema: with(Schema{
				"actions": {Flags: Required, Elem: actionSchema()},
				// A set of blocks, each one of host_header, http_header
				// {http_header_name, values}, http_request_method,
				// path_pattern, query_string or source_ip; expandRuleConditions
				// refuses a block with none or more than one.
				"conditions":  {Flags: Required | Set},
				"listenerArn": {Flags: Required | ForceNew},
				// Optional and Computed, not ForceNew: a change is
				// SetRulePriorities. Without one, Create takes the
				// highest priority in use plus one (retryListenerRuleCreate).
				"priority": {Flags: Computed, Validate: rulePriority},
				"arn":      {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				l, _ := c.Str("listenerArn").Known()
				// ID = the rule's ARN.
				arn := c.Keep("arn", func() resource.PropertyValue {
					return S(Lit(strings.Replace(l, ":listener/", ":listener-rule/", 1)+"/"), c.Gen(Hex, 16))
				})
				return arn, resource.PropertyMap{"arn": arn}
			},
			// ELB CreateRule and SetRulePriorities: one rule per priority
			// on a listener (Elastic Load Balancing API reference,
			// CreateRule errors: "PriorityInUse: The specified priority is
			// in use."). A rule created without a priority gets a free one.
			Unique: func(c *Ctx) []Key {
				p := Unsecret(c.In["priority"])
				if !p.IsNumber() {
					return nil
				}
				n := itoa(int(p.NumberValue()))
				return []Key{{"listener-rule-priority/" + c.str("listenerArn") + "/" + n, "PriorityInUse: The specified priority is in use. (priority " + n + ")"}}
			},
		},
	}
}

// actionSchema is an action of a listener's default actions and of a
// rule's actions: type, order and a forward block whose target groups are
// a set of {arn, weight}, each weight 0 to 999 and 1 when left out
// ([TPA] listener_rule.go resourceListenerRule action.forward.target_group,
// index id 2058983980; the listener's default_action has the same block,
// [TPA] internal/service/elbv2/listener.go, index id 4164048996, as
// research/issue16-fargate-canary.md §2 reads it). A weight left out
// therefore lands as 1, not 0 (pulumi/pulumi-aws#5772).
func actionSchema() Schema {
	return Schema{
		"type":  {Flags: Required},
		"order": {Flags: Computed},
		"forward": {Elem: Schema{"targetGroups": {Flags: Required | Set, Elem: Schema{
			"arn":    {Flags: Required},
			"weight": {Default: num(1), Validate: intBetween("weight", 0, 999)},
		}}}},
	}
}

// intBetween is terraform-plugin-sdk's validation.IntBetween, with its
// message.
func intBetween(attr string, lo, hi int) func(resource.PropertyValue) string {
	return func(v resource.PropertyValue) string {
		if !v.IsNumber() {
			return ""
		}
		if n := int(v.NumberValue()); n < lo || n > hi {
			return "expected " + attr + " to be in the range (" + itoa(lo) + " - " + itoa(hi) + "), got " + itoa(n)
		}
		return ""
	}
}

// rulePriority is listener_rule.go validListenerRulePriority: 1 to 50000,
// or 99999 for the default rule.
func rulePriority(v resource.PropertyValue) string {
	if !v.IsNumber() {
		return ""
	}
	if n := int(v.NumberValue()); n < 1 || n > 50000 && n != 99999 {
		return `"priority" must be in the range 1-50000 for normal rule or 99999 for the default rule`
	}
	return ""
}

// TargetGroupAssociated reports whether a listener's default actions or a
// listener rule's actions forward to the target group arn, by its
// targetGroupArn or in its weighted forward block, at any weight: a group
// a rule names at weight 0 is associated with the load balancer and
// health-checked (Elastic Load Balancing, "What is an Application Load
// Balancer?": health checks run on "all targets registered to a target
// group that is specified in a listener rule").
func TargetGroupAssociated(arn string, listeners, rules []resource.PropertyMap) bool {
	target := resource.PropertyMap{"arn": resource.NewProperty(arn)}
	for _, l := range listeners {
		if forwardsTo("defaultActions")(l, target) {
			return true
		}
	}
	for _, r := range rules {
		if forwardsTo("actions")(r, target) {
			return true
		}
	}
	return false
}

// zoneID is the Route 53 hosted zone of an application load balancer's
// DNS name in a Region: AWS's Elastic Load Balancing endpoints table, which
// terraform-provider-aws internal/service/elbv2/hosted_zone_id_data_source.go
// carries; unknown for a Region berth has not tabled.
func zoneID(region string) resource.PropertyValue {
	if z, ok := albZones[region]; ok {
		return resource.NewProperty(z)
	}
	return unknown()
}

// albZones is part of that table: the Regions berth's stacks and tests
// use.
var albZones = map[string]string{
	"us-east-1": "Z35SXDOTRQ7X7K",
	"us-east-2": "Z3AADJGX6KTTL2",
	"us-west-2": "Z1H1FL5HABSF5",
	"eu-west-1": "Z32O12XQLNTSW2",
}

// forwardsTo reports whether a listener's or rule's actions (under key)
// send traffic to the target group: a forward action's targetGroupArn or
// one of its forward.targetGroups.
func forwardsTo(key string) func(user, target resource.PropertyMap) bool {
	return func(user, target resource.PropertyMap) bool {
		arn, ok := KnownString(target["arn"])
		if !ok {
			return false
		}
		for _, a := range arrayOf(user[resource.PropertyKey(key)]) {
			action := objectOf(a)
			if tg, _ := KnownString(action["targetGroupArn"]); tg == arn {
				return true
			}
			for _, g := range arrayOf(objectOf(action["forward"])["targetGroups"]) {
				if tg, _ := KnownString(objectOf(g)["arn"]); tg == arn {
					return true
				}
			}
		}
		return false
	}
}

func targetGroupInUse(target resource.PropertyMap) string {
	arn, _ := KnownString(target["arn"])
	return "deleting ELBv2 Target Group (" + arn + "): ResourceInUse: Target group '" + arn + "' is currently in use by a listener or a rule"
}
