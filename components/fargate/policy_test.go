package fargate

import (
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testkit"
)

// TestStackWidePolicies checks, over every configuration, the rules a
// security review of the whole stack asks for: no security group open to the
// world on the task port, no public IP unless asked, no wildcard IAM but the
// ones AWS requires.
func TestStackWidePolicies(t *testing.T) {
	t.Parallel()
	configs := []struct {
		name     string
		args     func() *ServiceArgs
		publicIP bool
		// wildcardActions are the only actions allowed on "*".
		wildcardActions []string
	}{
		{name: "defaults", args: minimalArgs, wildcardActions: []string{"ecr:GetAuthorizationToken"}},
		{name: "production", args: typicalArgs, wildcardActions: []string{"ecr:GetAuthorizationToken"}},
		{name: "internal with public task IPs", args: func() *ServiceArgs {
			a := minimalArgs()
			a.Service.Public, a.AWS.PlainHTTP, a.AWS.AssignPublicIP, a.Service.Port = false, false, true, n(3000)
			return a
		}, publicIP: true, wildcardActions: []string{"ecr:GetAuthorizationToken"}},
		{name: "ECS Exec", args: func() *ServiceArgs {
			a := typicalArgs()
			a.AWS.EnableExec, a.AWS.WritableRootFilesystem = true, true
			return a
		}, wildcardActions: append([]string{"ecr:GetAuthorizationToken"}, execActions...)},
	}
	for _, cfg := range configs {
		t.Run(cfg.name, func(t *testing.T) {
			t.Parallel()
			args := cfg.args()
			m, _ := run(t, args)
			port := float64(8080)
			if args.Service.Port != nil {
				port = float64(*args.Service.Port)
			}
			// The checks below range over these; an empty set would pass
			// them without checking anything.
			if in, out, sgs, roles := len(m.ByType(typeIngress)), len(m.ByType(typeEgress)), len(m.ByType(typeSecurityGroup)), len(m.ByType(typeRole)); in < 2 || out < 2 || sgs != 2 || roles != 2 {
				t.Fatalf("got %d ingress rules, %d egress rules, %d security groups, %d roles; want at least 2, at least 2, 2, 2", in, out, sgs, roles)
			}

			for _, r := range m.ByType(typeIngress) {
				in := r.Inputs.Mappable()
				if in["securityGroupId"] == taskSG(t, m) {
					if in["cidrIpv4"] != nil || in["cidrIpv6"] != nil || in["prefixListId"] != nil {
						t.Errorf("%s admits an address range to the tasks: %v", r.Name, in)
					}
					if in["referencedSecurityGroupId"] != lbSG(t, m) || in["fromPort"] != port || in["toPort"] != port {
						t.Errorf("%s is not the load balancer on the container port: %v", r.Name, in)
					}
					continue
				}
				if in["fromPort"] != float64(80) && in["fromPort"] != float64(443) || in["fromPort"] != in["toPort"] {
					t.Errorf("%s opens the load balancer beyond 80 and 443: %v", r.Name, in)
				}
			}
			for _, sg := range m.ByType(typeSecurityGroup) {
				if testkit.Prop(t, sg, "ingress") != nil {
					t.Errorf("%s has inline ingress rules", sg.Name)
				}
			}
			// Only the load balancer sends to the tasks' port.
			for _, r := range m.ByType(typeEgress) {
				if testkit.Prop(t, r, "securityGroupId") == lbSG(t, m) && testkit.Prop(t, r, "referencedSecurityGroupId") != taskSG(t, m) {
					t.Errorf("the load balancer sends elsewhere than the tasks: %v", r.Inputs)
				}
			}

			if got := testkit.Prop(t, m.One(t, typeService), "networkConfiguration", "assignPublicIp"); got != cfg.publicIP {
				t.Errorf("assignPublicIp = %v, want %v", got, cfg.publicIP)
			}

			for _, r := range m.Resources() {
				if strings.HasPrefix(r.Type, "aws:iam/") && r.Type != typeRole && r.Type != typeRolePolicy {
					t.Errorf("unexpected IAM resource %s %s", r.Type, r.Name)
				}
			}
			for _, r := range m.ByType(typeRole) {
				if v := testkit.Prop(t, r, "managedPolicyArns"); v != nil {
					t.Errorf("%s has managed policies %v", r.Name, v)
				}
			}
			for _, r := range m.ByType(typeRolePolicy) {
				for _, s := range policyOf(t, r, "policy").Statement {
					for _, a := range s.Action {
						if a == "*" || strings.HasPrefix(a, "*") || strings.EqualFold(a, "iam:*") {
							t.Errorf("%s grants %q", r.Name, a)
						}
					}
					if !slices.Contains(s.Resource, "*") {
						continue
					}
					for _, a := range s.Action {
						if !slices.Contains(cfg.wildcardActions, a) {
							t.Errorf("%s grants %q on \"*\"", r.Name, a)
						}
					}
				}
			}
			assertNoWorldOpenTaskPort(t, m, port)
		})
	}
}

// assertNoWorldOpenTaskPort fails when any rule admits 0.0.0.0/0 or ::/0 on
// the container port.
func assertNoWorldOpenTaskPort(t *testing.T, m *testkit.Monitor, port float64) {
	t.Helper()
	for _, r := range m.ByType(typeIngress) {
		in := r.Inputs.Mappable()
		world := in["cidrIpv4"] == "0.0.0.0/0" || in["cidrIpv6"] == "::/0"
		from, _ := in["fromPort"].(float64)
		to, _ := in["toPort"].(float64)
		if world && from <= port && port <= to {
			t.Errorf("%s opens the task port %v to the world", r.Name, port)
		}
	}
}
