package cloudrun

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/vpcaccess"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/validate"
)

// Serverless VPC Access connector limits. Source: berth's gcp.md design notes
// and https://cloud.google.com/vpc/docs/configure-serverless-vpc-access.
const (
	// DefaultConnectorMinInstances is the smallest minimum a connector
	// allows.
	DefaultConnectorMinInstances = 2
	// DefaultConnectorMaxInstances is the smallest maximum a connector
	// allows. Connectors never scale back in, so a higher maximum only
	// raises the cost floor after a burst.
	DefaultConnectorMaxInstances = 3
	// DefaultConnectorMachineType is the cheapest machine type that
	// Serverless VPC Access recommends.
	DefaultConnectorMachineType = "e2-micro"
	// connectorPrefixBits is the only range size a connector accepts.
	connectorPrefixBits = 28
)

// connectorMachineTypes are the machine types a connector may use.
var connectorMachineTypes = []string{"f1-micro", "e2-micro", "e2-standard-4"}

// Egress is which outbound traffic goes through the VPC, in gcloud's words.
type Egress string

const (
	// EgressPrivateRangesOnly sends only traffic to private IP ranges
	// through the VPC; the rest goes to the internet directly.
	EgressPrivateRangesOnly Egress = "private-ranges-only"
	// EgressAllTraffic sends all outbound traffic through the VPC.
	EgressAllTraffic Egress = "all-traffic"
)

// Values lists the allowed values, for the schema's enum.
func (Egress) Values() []Egress { return []Egress{EgressPrivateRangesOnly, EgressAllTraffic} }

// api returns the Cloud Run API value of the egress setting.
func (e Egress) api() string {
	if e == EgressAllTraffic {
		return "ALL_TRAFFIC"
	}
	return "PRIVATE_RANGES_ONLY"
}

// VPC connects the service's outbound traffic to a VPC network. Set exactly
// one way: Connector (create a connector), ConnectorID (use an existing
// one), or DirectVPC (Direct VPC egress, no connector).
type VPC struct {
	// Connector creates a Serverless VPC Access connector for this service.
	// Default: nil.
	Connector *Connector `pulumi:"connector,optional"`
	// ConnectorID is an existing connector,
	// "projects/P/locations/R/connectors/NAME", in the service's region.
	// Default: nil.
	ConnectorID pulumi.StringInput `pulumi:"connectorId,optional"`
	// DirectVPC sends the traffic through a network interface on a
	// subnetwork, without a connector. Default: nil.
	DirectVPC *DirectVPC `pulumi:"directVpc,optional"`
	// Egress is EgressPrivateRangesOnly or EgressAllTraffic.
	// Default: EgressPrivateRangesOnly.
	Egress Egress `pulumi:"egress,optional"`
}

// DirectVPC is Direct VPC egress: instances get a network interface on a
// subnetwork of the service's region. Set Network, Subnetwork or both.
type DirectVPC struct {
	// Network is the VPC network (name or self link). With only Network set,
	// Cloud Run uses the subnetwork of the same name. Default: nil.
	Network pulumi.StringInput `pulumi:"network,optional"`
	// Subnetwork is the subnetwork, /26 or larger, in the service's region.
	// Default: nil.
	Subnetwork pulumi.StringInput `pulumi:"subnetwork,optional"`
	// NetworkTags are network tags given to the instances, for firewall
	// rules. Default: none.
	NetworkTags []string `pulumi:"networkTags,optional"`
}

// Connector describes a Serverless VPC Access connector to create. Set
// either IPCIDRRange with Network, or Subnet.
type Connector struct {
	// Name is the connector's name, 2 to 25 characters,
	// ^[a-z][-a-z0-9]{0,23}[a-z0-9]$. Default: service.name, cut to fit,
	// plus a hyphen and a hash.
	Name string `pulumi:"name,optional"`
	// Network is the VPC network the connector's IPCIDRRange belongs to.
	// Default: nil; required with IPCIDRRange.
	Network pulumi.StringInput `pulumi:"network,optional"`
	// IPCIDRRange is an unused IPv4 /28 range of Network, such as
	// "10.8.0.0/28". Default: "", use Subnet.
	IPCIDRRange string `pulumi:"ipCidrRange,optional"`
	// Subnet is the name of an existing, unused /28 subnet in the service's
	// region, instead of IPCIDRRange and Network. Default: nil, use
	// IPCIDRRange.
	Subnet pulumi.StringInput `pulumi:"subnet,optional"`
	// MinInstances is the connector's fewest instances, 2 to 9, below
	// MaxInstances. Default: 2.
	MinInstances *int `pulumi:"minInstances,optional"`
	// MaxInstances is the connector's most instances, 3 to 10, above
	// MinInstances. Default: 3, or MinInstances+1 when that is larger.
	MaxInstances *int `pulumi:"maxInstances,optional"`
	// MachineType is "f1-micro", "e2-micro" or "e2-standard-4".
	// Default: "e2-micro".
	MachineType string `pulumi:"machineType,optional"`
}

// plannedVPC is a validated VPC.
type plannedVPC struct {
	connector   *plannedConnector
	connectorID pulumi.StringInput
	network     pulumi.StringInput
	subnetwork  pulumi.StringInput
	tags        []string
	egress      string
}

// plannedConnector is a validated connector with its defaults applied.
type plannedConnector struct {
	name         string
	network      pulumi.StringInput
	ipCIDRRange  string
	subnet       pulumi.StringInput
	minInstances int
	maxInstances int
	machineType  string
}

// resolveVPC checks v; field paths in ps are relative to "gcp.vpc". seed
// and name derive the connector name.
func resolveVPC(v *VPC, seed, name string, ps *validate.Problems) *plannedVPC {
	p := &plannedVPC{connectorID: v.ConnectorID}
	switch v.Egress {
	case "":
		p.egress = EgressPrivateRangesOnly.api()
	case EgressPrivateRangesOnly, EgressAllTraffic:
		p.egress = v.Egress.api()
	default:
		ps.Addf("egress", "%q is not an egress setting (allowed: %s)", v.Egress, validate.OneOf(v.Egress.Values()...))
	}
	ways := 0
	for _, set := range []bool{v.Connector != nil, v.ConnectorID != nil, v.DirectVPC != nil} {
		if set {
			ways++
		}
	}
	switch {
	case ways == 0:
		ps.Addf("", "no VPC access is set (allowed: exactly one of connector, connectorId and directVpc)")
	case ways > 1:
		ps.Addf("", "more than one VPC access is set (allowed: exactly one of connector, connectorId and directVpc)")
	}
	if d := v.DirectVPC; d != nil {
		p.network, p.subnetwork, p.tags = d.Network, d.Subnetwork, d.NetworkTags
		if d.Network == nil && d.Subnetwork == nil {
			ps.Addf("directVpc", "neither network nor subnetwork is set (allowed: either or both)")
		}
		for i, tag := range d.NetworkTags {
			if !serviceNamePattern.MatchString(tag) || len(tag) > 63 {
				ps.Addf(validate.Index("directVpc.networkTags", i), "%q is not a network tag (allowed: 1 to 63 lowercase letters, digits and hyphens, starting with a letter)", tag)
			}
		}
	}
	if v.Connector != nil {
		var cps validate.Problems
		p.connector = resolveConnector(v.Connector, seed, name, &cps)
		ps.Merge("connector", &cps)
	}
	return p
}

// resolveConnector checks c and applies its defaults; field paths in ps are
// relative to "vpc.connector".
func resolveConnector(c *Connector, seed, name string, ps *validate.Problems) *plannedConnector {
	p := &plannedConnector{
		name:         c.Name,
		network:      c.Network,
		ipCIDRRange:  c.IPCIDRRange,
		subnet:       c.Subnet,
		minInstances: DefaultConnectorMinInstances,
		machineType:  c.MachineType,
	}
	if c.MinInstances != nil {
		p.minInstances = *c.MinInstances
	}
	p.maxInstances = max(DefaultConnectorMaxInstances, p.minInstances+1)
	if c.MaxInstances != nil {
		p.maxInstances = *c.MaxInstances
	}
	if p.name == "" {
		// Stable across every change: a replacement deletes the old
		// connector first (see newConnector), so the new one takes the same
		// name and the service's connector ID does not change.
		p.name = naming.Physical(name, seed, maxConnectorName)
	} else if msg := connectorNameProblem(p.name); msg != "" {
		ps.Addf("name", "%s", msg)
	}

	switch {
	case c.Subnet != nil && (c.IPCIDRRange != "" || c.Network != nil):
		ps.Addf("subnet", "subnet is set together with ipCidrRange or network (allowed: either subnet, or ipCidrRange with network)")
	case c.Subnet != nil:
	case c.IPCIDRRange == "":
		ps.Addf("ipCidrRange", "required without subnet (allowed: an unused IPv4 /28 range such as \"10.8.0.0/28\", or set subnet)")
	default:
		if msg := connectorRangeProblem(c.IPCIDRRange); msg != "" {
			ps.Addf("ipCidrRange", "%s", msg)
		}
		if c.Network == nil {
			ps.Addf("network", "required with ipCidrRange (the VPC network the range belongs to)")
		}
	}

	minOK := p.minInstances >= 2 && p.minInstances <= 9
	if !minOK {
		ps.Addf("minInstances", "%d is out of range (allowed: 2 to 9)", p.minInstances)
	}
	switch {
	case p.maxInstances < 3 || p.maxInstances > 10:
		ps.Addf("maxInstances", "%d is out of range (allowed: 3 to 10)", p.maxInstances)
	case minOK && p.maxInstances <= p.minInstances:
		ps.Addf("maxInstances", "%d is not above minInstances %d (allowed: %d to 10)", p.maxInstances, p.minInstances, p.minInstances+1)
	}

	if p.machineType == "" {
		p.machineType = DefaultConnectorMachineType
	} else if !slices.Contains(connectorMachineTypes, p.machineType) {
		ps.Addf("machineType", "%q is not a connector machine type (allowed: %s)", p.machineType, validate.OneOf(connectorMachineTypes...))
	}
	return p
}

// connectorRangeProblem checks a connector's range: an IPv4 network address
// with a /28 prefix.
func connectorRangeProblem(s string) string {
	prefix, err := netip.ParsePrefix(s)
	switch {
	case err != nil || !prefix.Addr().Is4():
		return fmt.Sprintf("%q is not an IPv4 CIDR range (allowed: an unused /28 such as \"10.8.0.0/28\")", s)
	case prefix.Bits() != connectorPrefixBits:
		return fmt.Sprintf("%q is a /%d (allowed: a /28 such as \"10.8.0.0/28\")", s, prefix.Bits())
	case prefix.Masked() != prefix:
		return fmt.Sprintf("%q has host bits set (allowed: the network address, %q)", s, prefix.Masked().String())
	}
	return ""
}

// connectorThroughputPerInstance is the throughput, in Mbps, that the
// Serverless VPC Access API reports per connector instance: its
// minThroughput and maxThroughput "refer to the expected throughput when
// using an e2-micro machine type", in multiples of 100 from 200 to 1000,
// for 2 to 10 instances, whatever the machine type
// (https://cloud.google.com/vpc/docs/reference/vpcaccess/rest/v1/projects.locations.connectors;
// hashicorp/terraform-provider-google#10244: max_instances 7 reads back as
// max_throughput 700).
const connectorThroughputPerInstance = 100

// newConnector creates the planned connector.
//
// The provider under pulumi-gcp 7.38.0 (terraform-provider-google-beta
// v5.42.0, the upstream its tag pins; terraform-provider-google v5.40.0 has
// the same schema) defaults min_throughput to 200 and max_throughput to 300
// and makes both ForceNew
// (google-beta/services/vpcaccess/resource_vpc_access_connector.go), while the
// API derives both from the instance counts and Read writes them back: any
// size but 2 to 3 instances would be replaced on every `up`
// (hashicorp/terraform-provider-google#10244, #15278; fixed in provider
// 6.0). Setting both to what the API reports keeps every allowed size
// stable.
//
// Every field of a connector is ForceNew in that provider (name, network,
// ip_cidr_range, subnet, machine_type, min/max instances, min/max
// throughput), and a new connector cannot share the old one's name (unique
// per project and region) or its /28 (connector ranges may not overlap). The
// connector is therefore deleted before its replacement is created: a
// deliberate change of size, machine type or range succeeds, at the price of
// VPC egress failing for the minutes the new connector takes to start. The
// service keeps pointing at the same connector ID, so it is not updated.
func newConnector(ctx *pulumi.Context, name string, p *plan, opts ...pulumi.ResourceOption) (*vpcaccess.Connector, error) {
	c := p.vpc.connector
	args := &vpcaccess.ConnectorArgs{
		Name:          pulumi.String(c.name),
		Region:        pulumi.String(p.region),
		MinInstances:  pulumi.Int(c.minInstances),
		MaxInstances:  pulumi.Int(c.maxInstances),
		MinThroughput: pulumi.Int(c.minInstances * connectorThroughputPerInstance),
		MaxThroughput: pulumi.Int(c.maxInstances * connectorThroughputPerInstance),
		MachineType:   pulumi.String(c.machineType),
	}
	if p.project != "" {
		args.Project = pulumi.String(p.project)
	}
	if c.subnet != nil {
		args.Subnet = &vpcaccess.ConnectorSubnetArgs{Name: stringPtr(c.subnet)}
	} else {
		args.Network = stringPtr(c.network)
		args.IpCidrRange = pulumi.String(c.ipCIDRRange)
	}
	opts = append(opts, pulumi.DeleteBeforeReplace(true))
	return vpcaccess.NewConnector(ctx, name+"-connector", args, opts...)
}

// vpcAccess returns the template's VPC access for connector (the created
// connector's ID, or nil), or nil without VPC access.
func (p *plan) vpcAccess(connector pulumi.StringInput) cloudrunv2.ServiceTemplateVpcAccessPtrInput {
	if p.vpc == nil {
		return nil
	}
	access := &cloudrunv2.ServiceTemplateVpcAccessArgs{Egress: pulumi.String(p.vpc.egress)}
	switch {
	case connector != nil:
		access.Connector = stringPtr(connector)
	case p.vpc.connectorID != nil:
		access.Connector = stringPtr(p.vpc.connectorID)
	default:
		nic := cloudrunv2.ServiceTemplateVpcAccessNetworkInterfaceArgs{
			Network:    stringPtr(p.vpc.network),
			Subnetwork: stringPtr(p.vpc.subnetwork),
		}
		if len(p.vpc.tags) > 0 {
			nic.Tags = pulumi.ToStringArray(p.vpc.tags)
		}
		access.NetworkInterfaces = cloudrunv2.ServiceTemplateVpcAccessNetworkInterfaceArray{nic}
	}
	return access
}

// stringPtr converts an optional string input to the optional-string input
// type of provider fields, keeping nil as nil.
func stringPtr(in pulumi.StringInput) pulumi.StringPtrInput {
	if in == nil {
		return nil
	}
	if s, ok := in.(pulumi.String); ok {
		return s
	}
	return in.ToStringOutput().ToStringPtrOutput()
}
