package diff

import (
	"reflect"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
)

// pairOf returns a base and head plan holding one resource of typ named
// "r"; nil inputs leave the resource out of that plan.
func pairOf(typ string, old, new map[string]any) (*plan.Plan, *plan.Plan) {
	base, head := plnOf(), plnOf()
	if old != nil {
		base = plnOf(res(typ, "r", "", old))
	}
	if new != nil {
		head = plnOf(res(typ, "r", "", new))
	}
	return base, head
}

// lbARN is the ARN of load balancer "lb" as the mock monitor derives it.
const lbARN = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/lb/0123"

// httpsListener is an HTTPS listener on port 443 of lbARN that forwards to
// a target group; sslPolicy "" leaves the policy out.
func httpsListener(sslPolicy string) map[string]any {
	m := forwardListener(443)
	m["protocol"] = "HTTPS"
	m["certificateArn"] = "arn:aws:acm:us-east-1:1:certificate/c"
	if sslPolicy != "" {
		m["sslPolicy"] = sslPolicy
	}
	return m
}

// forwardListener is a plain-HTTP listener on port of lbARN that forwards
// to a target group.
func forwardListener(port float64) map[string]any {
	return map[string]any{"loadBalancerArn": lbARN, "port": port, "protocol": "HTTP",
		"defaultActions": []any{map[string]any{"type": "forward", "targetGroupArn": "arn:tg"}}}
}

// redirectListener is a port-80 listener of lbARN that redirects to HTTPS.
func redirectListener() map[string]any {
	return map[string]any{"loadBalancerArn": lbARN, "port": 80.0, "protocol": "HTTP",
		"defaultActions": []any{map[string]any{"type": "redirect", "redirect": map[string]any{"port": "443", "protocol": "HTTPS", "statusCode": "HTTP_301"}}}}
}

func TestFlagRules(t *testing.T) {
	t.Parallel()
	const (
		rolePolicy = "aws:iam/rolePolicy:RolePolicy"
		cloudRun   = "gcp:cloudrunv2/service:Service"
		taskDef    = "aws:ecs/taskDefinition:TaskDefinition"
		listener   = "aws:lb/listener:Listener"
	)
	getObject := func(resources string) string {
		return `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":[` + resources + `]}]}`
	}
	scalingPolicy := func(metric string, target float64) map[string]any {
		return map[string]any{"policyType": "TargetTrackingScaling", "targetTrackingScalingPolicyConfiguration": map[string]any{
			"predefinedMetricSpecification": map[string]any{"predefinedMetricType": metric},
			"targetValue":                   target,
		}}
	}
	readLogs := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents"],"Resource":["arn:aws:logs:us-east-1:1:log-group:api:*"]}]}`
	crService := func(ingress string, envs []any, scaling map[string]any, limits map[string]any) map[string]any {
		return map[string]any{"name": "svc", "ingress": ingress, "template": map[string]any{
			"containers": []any{map[string]any{"envs": envs, "resources": map[string]any{"limits": limits}}},
			"scaling":    scaling,
		}}
	}
	secretEnv := func(name, secret, version string) any {
		return map[string]any{"name": name, "valueSource": map[string]any{"secretKeyRef": map[string]any{"secret": secret, "version": version}}}
	}
	scaling := map[string]any{"minInstanceCount": 0.0, "maxInstanceCount": 3.0}
	limits := map[string]any{"cpu": "1", "memory": "512Mi"}
	containerDefs := func(secretFrom string, cpu float64) string {
		return `[{"name":"app","cpu":` + jsonNumber(cpu) + `,"secrets":[{"name":"DB_URL","valueFrom":"` + secretFrom + `"}]}]`
	}
	tests := []struct {
		name     string
		typ      string
		old, new map[string]any
		want     []string
	}{
		// iam
		{"wildcard action added to the task role", rolePolicy,
			map[string]any{"role": "task", "policy": readLogs},
			map[string]any{"role": "task", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents"],"Resource":["arn:aws:logs:us-east-1:1:log-group:api:*"]},{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
			[]string{`iam: policy allows wildcard actions: "*"`, `iam: policy applies to every resource ("*")`}},
		{"new action", rolePolicy,
			map[string]any{"policy": readLogs},
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents","s3:GetObject"],"Resource":["arn:aws:logs:us-east-1:1:log-group:api:*"]}]}`},
			[]string{`iam: policy allows new actions: "s3:GetObject"`}},
		{"known action on another resource", rolePolicy,
			map[string]any{"policy": getObject(`"arn:aws:s3:::b/x"`)},
			map[string]any{"policy": getObject(`"arn:aws:s3:::b/x","arn:aws:s3:::b/y"`)},
			[]string{`iam: policy allows existing actions on new resources: "s3:GetObject" on "arn:aws:s3:::b/y"`}},
		{"resource widened to every bucket", rolePolicy,
			map[string]any{"policy": getObject(`"arn:aws:s3:::b/x"`)},
			map[string]any{"policy": getObject(`"arn:aws:s3:::*"`)},
			[]string{
				`iam: policy allows existing actions on new resources: "s3:GetObject" on "arn:aws:s3:::*"`,
				`iam: policy allows wildcard resources: "arn:aws:s3:::*"`,
			}},
		{"known action moved to a resource another action had", rolePolicy,
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/x"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]}`},
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::b"}]}`},
			[]string{`iam: policy allows existing actions on new resources: "s3:GetObject" on "arn:aws:s3:::b"`}},
		{"question mark wildcards", rolePolicy,
			map[string]any{"policy": getObject(`"arn:aws:s3:::b/x"`)},
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:Get?bject"],"Resource":["arn:aws:s3:::b/x","arn:aws:s3:::b/?"]}]}`},
			[]string{
				`iam: policy allows existing actions on new resources: "s3:GetObject" on "arn:aws:s3:::b/?"`,
				`iam: policy allows wildcard actions: "s3:Get?bject"`,
				`iam: policy allows wildcard resources: "arn:aws:s3:::b/?"`,
			}},
		{"action case, order and layout changes raise nothing", rolePolicy,
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/x"}]}`},
			map[string]any{"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:putobject","Resource":["arn:aws:s3:::b/x"]},{"Effect":"Allow","Action":"S3:GetObject","Resource":"arn:aws:s3:::b/x"}]}`},
			nil},
		{"narrowing under an old wildcard raises nothing", rolePolicy,
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`},
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:Put*"],"Resource":["arn:aws:s3:::b/x","arn:aws:s3:::b/in/*"]}]}`},
			nil},
		{"a star is wider than a question mark", rolePolicy,
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":"s3:Ge?","Resource":"arn:aws:s3:::b/?"}]}`},
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":"s3:Ge*","Resource":"arn:aws:s3:::b/?"}]}`},
			[]string{`iam: policy allows wildcard actions: "s3:Ge*"`}},
		{"NotAction statement", rolePolicy,
			map[string]any{"policy": getObject(`"arn:aws:s3:::b/x"`)},
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}`},
			[]string{
				`iam: policy applies to every resource ("*")`,
				`iam: policy uses NotAction, which allows every action except "iam:*", "organizations:*" on "*"`,
			}},
		{"NotAction list shrinks", rolePolicy,
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"arn:x"}]}`},
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"arn:x"}]}`},
			[]string{`iam: policy uses NotAction, which allows every action except "iam:*" on "arn:x"`}},
		{"NotResource statement", rolePolicy,
			map[string]any{"policy": getObject(`"arn:aws:s3:::b/x"`)},
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}]}`},
			[]string{
				`iam: policy allows existing actions on new resources: "s3:GetObject" on every resource except "arn:aws:s3:::secret/*"`,
				`iam: policy uses NotResource, which applies to every resource except "arn:aws:s3:::secret/*"`,
			}},
		{"NotPrincipal in a trust policy", "aws:iam/role:Role",
			map[string]any{"assumeRolePolicy": `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ecs-tasks.amazonaws.com"}}]}`},
			map[string]any{"assumeRolePolicy": `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","NotPrincipal":{"AWS":"arn:aws:iam::2:root"}}]}`},
			[]string{`iam: assumeRolePolicy trusts new principals: "every principal except AWS:arn:aws:iam::2:root"`}},
		{"service wildcard", rolePolicy, nil,
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b"}]}`},
			[]string{`iam: policy allows wildcard actions: "s3:*"`}},
		{"deny statements and narrowing raise nothing", rolePolicy,
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":["a:B","a:C"],"Resource":"arn:x"}]}`},
			map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":["a:B"],"Resource":"arn:x"},{"Effect":"Deny","Action":"*","Resource":"*"}]}`},
			nil},
		{"new principal in a trust policy", "aws:iam/role:Role",
			map[string]any{"name": "r", "assumeRolePolicy": `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ecs-tasks.amazonaws.com"}}]}`},
			map[string]any{"name": "r", "assumeRolePolicy": `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":["ecs-tasks.amazonaws.com"],"AWS":"arn:aws:iam::2:root"}}]}`},
			[]string{`iam: assumeRolePolicy trusts new principals: "AWS:arn:aws:iam::2:root"`}},
		{"managed policy attachment", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", nil,
			map[string]any{"role": "task", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
			[]string{"iam: attaches managed policy arn:aws:iam::aws:policy/AdministratorAccess to role task"}},
		{"managedPolicyArns on a role", "aws:iam/role:Role",
			map[string]any{"name": "r"},
			map[string]any{"name": "r", "managedPolicyArns": []any{"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
			[]string{"iam: attaches managed policies: arn:aws:iam::aws:policy/ReadOnlyAccess"}},
		{"unreadable policy", rolePolicy, map[string]any{"policy": readLogs}, map[string]any{"policy": "not json"},
			[]string{"iam: policy changes and is not a readable policy document"}},
		{"GCP member granted", "gcp:secretmanager/secretIamMember:SecretIamMember", nil,
			map[string]any{"secretId": "db", "member": "serviceAccount:sa@p.iam.gserviceaccount.com", "role": "roles/secretmanager.secretAccessor"},
			[]string{"iam: grants roles/secretmanager.secretAccessor to serviceAccount:sa@p.iam.gserviceaccount.com"}},
		{"GCP grant moved to another secret", "gcp:secretmanager/secretIamMember:SecretIamMember",
			map[string]any{"secretId": "db", "project": "p", "member": "serviceAccount:sa@p.iam.gserviceaccount.com", "role": "roles/secretmanager.secretAccessor"},
			map[string]any{"secretId": "payments-key", "project": "p", "member": "serviceAccount:sa@p.iam.gserviceaccount.com", "role": "roles/secretmanager.secretAccessor"},
			[]string{
				`replace: replaced (secretId "db" -> "payments-key"): Pulumi creates the new one and deletes the old one`,
				"iam: grants roles/secretmanager.secretAccessor to serviceAccount:sa@p.iam.gserviceaccount.com on project=p, secretId=payments-key",
			}},
		{"GCP public grant moved to another service", "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
			map[string]any{"name": "web", "location": "us-central1", "member": "allUsers", "role": "roles/run.invoker"},
			map[string]any{"name": "admin", "location": "us-central1", "member": "allUsers", "role": "roles/run.invoker"},
			[]string{
				`replace: replaced (name "web" -> "admin"): the provider deletes the old one first (the program sets name, and the provider replaces a resource the program names delete-first), so it is missing until the new one exists`,
				"iam: grants roles/run.invoker to allUsers on location=us-central1, name=admin",
				"exposure: grants roles/run.invoker to allUsers on location=us-central1, name=admin: open to anyone on the internet, without signing in",
			}},
		{"GCP grant unchanged apart from another input", "gcp:secretmanager/secretIamMember:SecretIamMember",
			map[string]any{"secretId": "db", "member": "user:a@example.com", "role": "roles/secretmanager.secretAccessor"},
			map[string]any{"secretId": "db", "member": "user:a@example.com", "role": "roles/secretmanager.secretAccessor", "condition": map[string]any{"title": "t", "expression": "true"}},
			[]string{"replace: replaced (condition changes): Pulumi creates the new one and deletes the old one"}},
		{"GCP binding gains a member", "gcp:projects/iAMBinding:IAMBinding",
			map[string]any{"role": "roles/viewer", "members": []any{"user:a@example.com"}},
			map[string]any{"role": "roles/viewer", "members": []any{"user:a@example.com", "user:b@example.com"}},
			[]string{"iam: grants roles/viewer to user:b@example.com"}},
		{"GCP policy document gains a binding", "gcp:cloudrunv2/serviceIamPolicy:ServiceIamPolicy",
			map[string]any{"policyData": `{"bindings":[]}`},
			map[string]any{"policyData": `{"bindings":[{"role":"roles/run.invoker","members":["allAuthenticatedUsers"]}]}`},
			[]string{"iam: grants roles/run.invoker to allAuthenticatedUsers", "exposure: grants roles/run.invoker to allAuthenticatedUsers: open to anyone with a Google account"}},

		// exposure
		{"allUsers invoker", "gcp:cloudrunv2/serviceIamMember:ServiceIamMember", nil,
			map[string]any{"name": "svc", "member": "allUsers", "role": "roles/run.invoker"},
			[]string{"iam: grants roles/run.invoker to allUsers", "exposure: grants roles/run.invoker to allUsers: open to anyone on the internet, without signing in"}},
		{"Cloud Run ingress widens", cloudRun,
			crService("INGRESS_TRAFFIC_INTERNAL_ONLY", nil, scaling, limits), crService("INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", nil, scaling, limits),
			[]string{"exposure: Cloud Run ingress widens: INGRESS_TRAFFIC_INTERNAL_ONLY -> INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"}},
		{"Cloud Run ingress unset means all", cloudRun,
			crService("INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", nil, scaling, limits), crService("", nil, scaling, limits),
			[]string{"exposure: Cloud Run ingress widens: INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER -> INGRESS_TRAFFIC_ALL"}},
		{"Cloud Run ingress narrows", cloudRun,
			crService("INGRESS_TRAFFIC_ALL", nil, scaling, limits), crService("INGRESS_TRAFFIC_INTERNAL_ONLY", nil, scaling, limits), nil},
		{"ingress rule open to the world", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
			map[string]any{"securityGroupId": "sg", "referencedSecurityGroupId": "sg-lb", "ipProtocol": "tcp", "fromPort": 8080.0, "toPort": 8080.0},
			map[string]any{"securityGroupId": "sg", "cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 8080.0, "toPort": 8080.0},
			// A new kind of source replaces the rule (ModifyPlan).
			[]string{`replace: replaced (cidrIpv4 (none) -> "0.0.0.0/0"; referencedSecurityGroupId "sg-lb" -> (none)): Pulumi creates the new one and deletes the old one`,
				"exposure: ingress rule admits tcp port 8080 from 0.0.0.0/0"}},
		{"new IPv6 ingress rule, all traffic", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", nil,
			map[string]any{"securityGroupId": "sg", "cidrIpv6": "::/0", "ipProtocol": "-1"},
			[]string{"exposure: ingress rule admits all traffic from ::/0"}},
		{"ingress rule from a security group", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", nil,
			map[string]any{"securityGroupId": "sg", "referencedSecurityGroupId": "sg-lb", "ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0}, nil},
		{"inline security group ingress", "aws:ec2/securityGroup:SecurityGroup",
			map[string]any{"ingress": []any{map[string]any{"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": []any{"10.0.0.0/8"}}}},
			map[string]any{"ingress": []any{map[string]any{"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": []any{"10.0.0.0/8", "0.0.0.0/0"}}}},
			[]string{"exposure: security group admits tcp port 443 from 0.0.0.0/0"}},
		{"security group rule", "aws:ec2/securityGroupRule:SecurityGroupRule", nil,
			map[string]any{"type": "ingress", "protocol": "tcp", "fromPort": 0.0, "toPort": 65535.0, "cidrBlocks": []any{"0.0.0.0/0"}},
			[]string{"exposure: ingress rule admits tcp ports 0-65535 from 0.0.0.0/0"}},
		{"load balancer made public", "aws:lb/loadBalancer:LoadBalancer",
			map[string]any{"name": "lb", "internal": true}, map[string]any{"name": "lb", "internal": false},
			[]string{
				`replace: replaced (internal true -> false): the provider deletes the old one first (the program sets name, and the provider replaces a resource the program names delete-first), so it is missing until the new one exists; load balancer: a new one gets a new DNS name; DNS records pointing at it break`,
				"downtime: r is deleted before its replacement exists: nothing answers at its DNS name until the new one is ready (the provider waits up to 10 minutes for it)",
				"exposure: load balancer becomes internet-facing (internal true -> false)",
			}},
		{"new internet-facing load balancer", "aws:lb/loadBalancer:LoadBalancer", nil, map[string]any{"name": "lb"},
			[]string{"exposure: load balancer is internet-facing (internal is not true)"}},
		{"new internal load balancer", "aws:lb/loadBalancer:LoadBalancer", nil, map[string]any{"name": "lb", "internal": true}, nil},
		{"tasks get public IPs", "aws:ecs/service:Service",
			map[string]any{"networkConfiguration": map[string]any{"assignPublicIp": false}},
			map[string]any{"networkConfiguration": map[string]any{"assignPublicIp": true}},
			[]string{"exposure: tasks get public IP addresses (networkConfiguration.assignPublicIp true)"}},

		{"ECS Exec enabled", "aws:ecs/service:Service",
			map[string]any{"name": "api", "enableExecuteCommand": false},
			map[string]any{"name": "api", "enableExecuteCommand": true},
			[]string{"exposure: ECS Exec is enabled (enableExecuteCommand true): anyone allowed ecs:ExecuteCommand can open a shell in running tasks"}},
		{"new service with ECS Exec", "aws:ecs/service:Service", nil,
			map[string]any{"name": "api", "enableExecuteCommand": true},
			[]string{"exposure: ECS Exec is enabled (enableExecuteCommand true): anyone allowed ecs:ExecuteCommand can open a shell in running tasks"}},
		{"ECS Exec disabled", "aws:ecs/service:Service",
			map[string]any{"name": "api", "enableExecuteCommand": true}, map[string]any{"name": "api"}, nil},
		{"HTTPS listener deleted", listener, httpsListener("ELBSecurityPolicy-TLS13-1-2-2021-06"), nil,
			[]string{"exposure: HTTPS listener on port 443 is deleted: clients can no longer connect over TLS on that port"}},
		{"HTTP listener deleted", listener, redirectListener(), nil, nil},
		{"redirect to HTTPS becomes a forward", listener, redirectListener(), forwardListener(80),
			[]string{"exposure: HTTP listener on port 80 forwards plain HTTP instead of redirecting to HTTPS (defaultActions redirect -> forward)"}},
		{"new plain-HTTP forward listener", listener, nil, forwardListener(8080),
			[]string{"exposure: new HTTP listener on port 8080 forwards plain HTTP to targets on an internet-facing load balancer"}},
		{"new HTTP redirect listener", listener, nil, redirectListener(), nil},
		{"new HTTPS listener", listener, nil, httpsListener("ELBSecurityPolicy-TLS13-1-2-2021-06"), nil},
		{"TLS policy changes", listener,
			httpsListener("ELBSecurityPolicy-TLS13-1-2-2021-06"), httpsListener("ELBSecurityPolicy-2016-08"),
			[]string{`exposure: listener on port 443 TLS policy changes: sslPolicy "ELBSecurityPolicy-TLS13-1-2-2021-06" -> "ELBSecurityPolicy-2016-08"`}},
		// sslPolicy is Optional+Computed: left out, the listener keeps
		// the policy it has, so nothing weakens.
		{"TLS policy left out", listener,
			httpsListener("ELBSecurityPolicy-TLS13-1-2-2021-06"), httpsListener(""), nil},
		{"HTTPS listener downgraded to HTTP", listener, httpsListener("ELBSecurityPolicy-TLS13-1-2-2021-06"), forwardListener(443),
			[]string{
				"exposure: listener on port 443 changes from HTTPS to HTTP: traffic is no longer encrypted",
				"exposure: listener on port 443 now forwards plain HTTP to targets on an internet-facing load balancer",
			}},

		// secret
		{"secret added, removed and re-versioned", cloudRun,
			crService("", []any{secretEnv("A", "a", "1"), secretEnv("B", "b", "1")}, scaling, limits),
			crService("", []any{secretEnv("A", "a", "2"), secretEnv("C", "c", "latest")}, scaling, limits),
			[]string{
				"secret: secret a at env A: version 1 -> 2",
				"secret: secret b version 1 removed from env B",
				"secret: secret c version latest added at env C",
			}},
		{"secret file volume", cloudRun,
			map[string]any{"template": map[string]any{
				"containers": []any{map[string]any{"volumeMounts": []any{map[string]any{"name": "v", "mountPath": "/s"}}}},
				"volumes":    []any{map[string]any{"name": "v", "secret": map[string]any{"secret": "tok", "items": []any{map[string]any{"path": "t", "version": "1"}}}}},
			}},
			map[string]any{"template": map[string]any{
				"containers": []any{map[string]any{"volumeMounts": []any{map[string]any{"name": "v", "mountPath": "/s"}}}},
				"volumes":    []any{map[string]any{"name": "v", "secret": map[string]any{"secret": "tok2", "items": []any{map[string]any{"path": "t", "version": "1"}}}}},
			}},
			[]string{"secret: secret at file /s/t changes: tok version 1 -> tok2 version 1"}},
		{"ECS container secret re-pointed", taskDef,
			map[string]any{"family": "api", "containerDefinitions": containerDefs("arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf", 256)},
			map[string]any{"family": "api", "containerDefinitions": containerDefs("arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf::AWSPREVIOUS:", 256)},
			[]string{"secret: secret at container app env DB_URL changes: arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf -> arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf::AWSPREVIOUS:"}},

		// capacity
		{"Cloud Run scaling and limits", cloudRun,
			crService("", nil, scaling, limits),
			crService("", nil, map[string]any{"minInstanceCount": 1.0, "maxInstanceCount": 20.0}, map[string]any{"cpu": "2", "memory": "1Gi"}),
			[]string{
				`capacity: CPU "1" -> "2" (template.containers[0].resources.limits.cpu)`,
				"capacity: max instances 3 -> 20 (template.scaling.maxInstanceCount)",
				`capacity: memory "512Mi" -> "1Gi" (template.containers[0].resources.limits.memory)`,
				"capacity: min instances 0 -> 1 (template.scaling.minInstanceCount)",
			}},
		{"ECS task and container size", taskDef,
			map[string]any{"cpu": "256", "memory": "512", "containerDefinitions": containerDefs("arn:s", 256)},
			map[string]any{"cpu": "512", "memory": "1024", "containerDefinitions": containerDefs("arn:s", 512)},
			[]string{
				`capacity: container CPU units 256 -> 512 (containerDefinitions[name=app].cpu)`,
				`capacity: task CPU units "256" -> "512" (cpu)`,
				`capacity: task memory (MiB) "512" -> "1024" (memory)`,
			}},
		{"autoscaling target", "aws:appautoscaling/target:Target",
			map[string]any{"minCapacity": 1.0, "maxCapacity": 4.0}, map[string]any{"minCapacity": 2.0, "maxCapacity": 10.0},
			[]string{"capacity: max capacity 4 -> 10 (maxCapacity)", "capacity: min capacity 1 -> 2 (minCapacity)"}},
		{"new resources raise no capacity flag", "aws:appautoscaling/target:Target", nil, map[string]any{"minCapacity": 1.0, "maxCapacity": 4.0}, nil},
		{"request count scaling target", "aws:appautoscaling/policy:Policy",
			scalingPolicy("ALBRequestCountPerTarget", 16800), scalingPolicy("ALBRequestCountPerTarget", 8400),
			[]string{"capacity: scaling target (ALBRequestCountPerTarget) 16800 -> 8400 (targetTrackingScalingPolicyConfiguration.targetValue)"}},
		{"CPU scaling target", "aws:appautoscaling/policy:Policy",
			scalingPolicy("ECSServiceAverageCPUUtilization", 60), scalingPolicy("ECSServiceAverageCPUUtilization", 75),
			[]string{"capacity: scaling target (ECSServiceAverageCPUUtilization) 60 -> 75 (targetTrackingScalingPolicyConfiguration.targetValue)"}},

		// delete
		{"log group deleted", "aws:cloudwatch/logGroup:LogGroup", map[string]any{"name": "/ecs/api"}, nil,
			[]string{"delete: log group r is deleted: its logs are deleted with it"}},
		{"ECR repository deleted", "aws:ecr/repository:Repository", map[string]any{"name": "api"}, nil,
			[]string{"delete: ECR repository r is deleted: the images in it are deleted with it"}},
		{"listener of unknown protocol deleted", "aws:lb/listener:Listener", map[string]any{"port": 443.0}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base, head := pairOf(tt.typ, tt.old, tt.new)
			got := flagLines(compare(t, base, head))
			if !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("flags:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestPlainHTTPListenerRulesSkipInternalLoadBalancers(t *testing.T) {
	t.Parallel()
	lb := func(name string, internal bool) plan.Resource {
		return res("aws:lb/loadBalancer:LoadBalancer", name, "", map[string]any{"name": name, "internal": internal})
	}
	listen := func(name string, in map[string]any) plan.Resource {
		return res("aws:lb/listener:Listener", name, "", in)
	}
	byARN := forwardListener(8080)
	byUnknown := forwardListener(8081)
	byUnknown["loadBalancerArn"] = plan.Unknown{}
	redirect, forward := redirectListener(), forwardListener(80)
	internalLB := lb("lb", true)
	alt2 := listen("alt2", byUnknown)
	alt2.InputDependencies = map[string][]string{"loadBalancerArn": {lb("private", true).URN}}
	base := plnOf(internalLB, lb("private", true), listen("http", redirect))
	head := plnOf(internalLB, lb("private", true), listen("http", forward), listen("alt", byARN), alt2)
	if got := flagLines(compare(t, base, head)); len(got) != 0 {
		t.Errorf("flags on internal load balancers:\n%s", strings.Join(got, "\n"))
	}

	head.Resources[0] = lb("lb", false)
	base.Resources[0] = lb("lb", false)
	want := []string{
		"exposure: new HTTP listener on port 8080 forwards plain HTTP to targets on an internet-facing load balancer",
		"exposure: HTTP listener on port 80 forwards plain HTTP instead of redirecting to HTTPS (defaultActions redirect -> forward)",
	}
	if got := flagLines(compare(t, base, head)); !reflect.DeepEqual(got, want) {
		t.Errorf("flags:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func jsonNumber(f float64) string {
	b, _ := marshal(f)
	return string(b)
}
