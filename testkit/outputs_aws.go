package testkit

import (
	"strconv"
	"strings"
)

// awsLBID is the fixed hex ID the mock gives load balancers, target groups
// and listeners in their ARNs, where AWS generates a random one.
const awsLBID = "0123456789abcdef"

// awsOutputs derives the IDs and computed outputs of the AWS resources berth
// creates. ARNs follow AWS's formats, built from the inputs and the mock
// account and Region; values AWS invents (DNS names, security group IDs)
// are placeholders.
var awsOutputs = map[string]typeOutputs{
	"aws:secretsmanager/secret:Secret": {
		id: func(c computed) string { return c.secretARN() },
		outputs: func(c computed) map[string]any {
			return map[string]any{"arn": c.secretARN()}
		},
	},
	"aws:secretsmanager/secretVersion:SecretVersion": {
		// The provider's ID is SECRET_ARN|VERSION_ID; AWS makes up the ID.
		id: func(c computed) string { return c.str("secretId") + "|" + Placeholder(c.r.Name, "versionId") },
		outputs: func(c computed) map[string]any {
			return map[string]any{"arn": c.str("secretId"), "versionId": Placeholder(c.r.Name, "versionId")}
		},
	},
	"aws:iam/role:Role": {
		id: func(c computed) string { return c.str("name") },
		outputs: func(c computed) map[string]any {
			out := c.placeholders("uniqueId", "createDate")
			out["arn"] = "arn:aws:iam::" + AWSAccount + ":role" + c.strOr("path", "/") + c.str("name")
			return out
		},
	},
	"aws:iam/rolePolicy:RolePolicy": {
		// The provider's ID is ROLE:POLICY.
		id: func(c computed) string { return c.str("role") + ":" + c.str("name") },
	},
	"aws:cloudwatch/logGroup:LogGroup": {
		id: func(c computed) string { return c.str("name") },
		outputs: func(c computed) map[string]any {
			return map[string]any{"arn": "arn:aws:logs:" + AWSRegion + ":" + AWSAccount + ":log-group:" + c.str("name")}
		},
	},
	"aws:ecs/cluster:Cluster": {
		id: func(c computed) string { return c.ecsARN("cluster/" + c.str("name")) },
		outputs: func(c computed) map[string]any {
			return map[string]any{"arn": c.ecsARN("cluster/" + c.str("name"))}
		},
	},
	"aws:ecs/taskDefinition:TaskDefinition": {
		id: func(c computed) string { return c.str("family") },
		outputs: func(c computed) map[string]any {
			base := c.ecsARN("task-definition/" + c.str("family"))
			return map[string]any{"arn": base + ":1", "arnWithoutRevision": base, "revision": 1}
		},
	},
	"aws:ecs/service:Service": {
		id: func(c computed) string {
			cluster := c.str("cluster")
			return c.ecsARN("service/" + cluster[strings.LastIndex(cluster, "/")+1:] + "/" + c.str("name"))
		},
	},
	"aws:ec2/securityGroup:SecurityGroup": {
		outputs: func(c computed) map[string]any {
			out := c.placeholders("name")
			out["arn"] = "arn:aws:ec2:" + AWSRegion + ":" + AWSAccount + ":security-group/" + Placeholder(c.r.Name, "id")
			out["ownerId"] = AWSAccount
			return out
		},
	},
	"aws:lb/loadBalancer:LoadBalancer": {
		id: func(c computed) string { return c.elbARN("loadbalancer/" + c.lbSuffix()) },
		outputs: func(c computed) map[string]any {
			out := c.placeholders("dnsName", "zoneId", "vpcId")
			out["arn"] = c.elbARN("loadbalancer/" + c.lbSuffix())
			out["arnSuffix"] = c.lbSuffix()
			return out
		},
	},
	"aws:lb/targetGroup:TargetGroup": {
		id: func(c computed) string { return c.elbARN(c.tgSuffix()) },
		outputs: func(c computed) map[string]any {
			return map[string]any{"arn": c.elbARN(c.tgSuffix()), "arnSuffix": c.tgSuffix()}
		},
	},
	"aws:lb/listener:Listener": {
		// arn:...:listener/app/NAME/LB_ID/LISTENER_ID, from the load
		// balancer's ARN and the port.
		id: func(c computed) string { return c.listenerARN() },
		outputs: func(c computed) map[string]any {
			return map[string]any{"arn": c.listenerARN()}
		},
	},
	"aws:appautoscaling/target:Target": {
		id: func(c computed) string { return c.str("resourceId") },
		outputs: func(c computed) map[string]any {
			return c.placeholders("arn", "roleArn")
		},
	},
	"aws:appautoscaling/policy:Policy": {
		id: func(c computed) string { return c.str("name") },
		outputs: func(c computed) map[string]any {
			out := c.placeholders("arn")
			out["alarmArns"] = []any{}
			return out
		},
	},
}

// ecsARN is an ECS ARN of the mock account and Region.
func (c computed) ecsARN(resource string) string {
	return "arn:aws:ecs:" + AWSRegion + ":" + AWSAccount + ":" + resource
}

// elbARN is an Elastic Load Balancing ARN of the mock account and Region.
func (c computed) elbARN(resource string) string {
	return "arn:aws:elasticloadbalancing:" + AWSRegion + ":" + AWSAccount + ":" + resource
}

// lbSuffix is a load balancer's ARN suffix, app/NAME/ID.
func (c computed) lbSuffix() string {
	kind := "app"
	if c.strOr("loadBalancerType", "application") == "network" {
		kind = "net"
	}
	return kind + "/" + c.str("name") + "/" + awsLBID
}

// tgSuffix is a target group's ARN suffix, targetgroup/NAME/ID.
func (c computed) tgSuffix() string { return "targetgroup/" + c.str("name") + "/" + awsLBID }

// listenerARN derives a listener's ARN from its load balancer's ARN and
// its port.
func (c computed) listenerARN() string {
	port := 0
	if v, ok := c.r.Inputs["port"]; ok && v.IsNumber() {
		port = int(v.NumberValue())
	}
	return strings.Replace(c.str("loadBalancerArn"), ":loadbalancer/", ":listener/", 1) + "/" + awsLBID[:12] + strconv.Itoa(port)
}

// secretARN is a Secrets Manager secret's ARN. AWS appends six random
// characters to the name; the mock derives them from the name so plans stay
// equal.
func (c computed) secretARN() string {
	name := c.str("name")
	return "arn:aws:secretsmanager:" + AWSRegion + ":" + AWSAccount + ":secret:" + name + "-" + fakeDigest(name)[len("sha256:"):][:6]
}
