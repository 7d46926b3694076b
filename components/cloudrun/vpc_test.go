package cloudrun

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

func TestConnectorRangeProblem(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, wantErr string }{
		{in: "10.8.0.0/28"},
		{in: "192.168.100.16/28"},
		{in: "10.8.0.0/27", wantErr: "is a /27"},
		{in: "10.8.0.0/29", wantErr: "is a /29"},
		{in: "10.8.0.1/28", wantErr: "host bits"},
		{in: "10.8.0.0", wantErr: "not an IPv4 CIDR range"},
		{in: "fd00::/28", wantErr: "not an IPv4 CIDR range"},
		{in: "", wantErr: "not an IPv4 CIDR range"},
	}
	for _, tt := range tests {
		got := connectorRangeProblem(tt.in)
		if tt.wantErr == "" && got != "" || tt.wantErr != "" && !strings.Contains(got, tt.wantErr) {
			t.Errorf("connectorRangeProblem(%q) = %q, want %q", tt.in, got, tt.wantErr)
		}
	}
}

func TestConnectorDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		c                Connector
		wantMin, wantMax int
	}{
		{"smallest valid", Connector{}, 2, 3},
		{"max follows a raised min", Connector{MinInstances: n(5)}, 5, 6},
		{"explicit", Connector{MinInstances: n(3), MaxInstances: n(10)}, 3, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := tt.c
			c.Subnet = pulumi.String("connector-subnet")
			var ps validate.Problems
			p := resolveConnector(&c, "berth/test/api", "api", &ps)
			if !ps.Empty() {
				t.Fatalf("problems: %v", ps.List())
			}
			if p.minInstances != tt.wantMin || p.maxInstances != tt.wantMax || p.machineType != "e2-micro" {
				t.Errorf("connector = %+v", p)
			}
			if msg := connectorNameProblem(p.name); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func TestVPCEgressDefaultsToPrivateRanges(t *testing.T) {
	t.Parallel()
	for egress, want := range map[Egress]string{"": "PRIVATE_RANGES_ONLY", EgressPrivateRangesOnly: "PRIVATE_RANGES_ONLY", EgressAllTraffic: "ALL_TRAFFIC"} {
		var ps validate.Problems
		p := resolveVPC(&VPC{DirectVPC: &DirectVPC{Subnetwork: pulumi.String("egress")}, Egress: egress}, "seed", "api", &ps)
		if !ps.Empty() || p.egress != want {
			t.Errorf("egress %q: API egress %q, problems %v; want %q", egress, p.egress, ps.List(), want)
		}
	}
}

func TestConnectorOnExistingSubnet(t *testing.T) {
	t.Parallel()
	a := validArgs()
	a.GCP.VPC = &VPC{Connector: &Connector{Subnet: pulumi.String("connector-subnet"), MachineType: "e2-standard-4"}}
	m, _ := run(t, a)
	conn := m.One(t, typeConnector)
	assertEqual(t, "subnet", testkit.Prop(t, conn, "subnet"), map[string]any{"name": "connector-subnet"})
	assertEqual(t, "machineType", testkit.Prop(t, conn, "machineType"), "e2-standard-4")
	if _, ok := conn.Inputs["ipCidrRange"]; ok {
		t.Error("ipCidrRange set together with subnet")
	}
}
