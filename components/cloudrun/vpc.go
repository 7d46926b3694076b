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

// Egress values of the Cloud Run API.
const (
	egressPrivateRangesOnly = "PRIVATE_RANGES_ONLY"
	egressAllTraffic        = "ALL_TRAFFIC"
)

// VPC connects the service's outbound traffic to a VPC network. Set exactly
// one way: Connector (create a connector), ConnectorID (use an existing
// one), or Network and/or Subnetwork (Direct VPC egress, no connector).
type VPC struct {
	// Connector creates a Serverless VPC Access connector for this service.
	// Default: nil.
	Connector *Connector

	// ConnectorID is an existing connector,
	// "projects/P/locations/R/connectors/NAME", in the service's region.
	// Default: nil.
	ConnectorID pulumi.StringInput

	// Network is the VPC network of Direct VPC egress (name or self link).
	// With only Network set, Cloud Run uses the subnetwork of the same name.
	// Default: nil.
	Network pulumi.StringInput

	// Subnetwork is the subnetwork of Direct VPC egress, /26 or larger, in
	// the service's region.
	// Default: nil.
	Subnetwork pulumi.StringInput

	// NetworkTags are network tags given to instances with Direct VPC
	// egress, for firewall rules; only with Network or Subnetwork.
	// Default: none.
	NetworkTags []string

	// AllTraffic routes all outbound traffic through the VPC
	// (ALL_TRAFFIC) instead of only private ranges.
	// Default: false, PRIVATE_RANGES_ONLY.
	AllTraffic bool
}

// Connector describes a Serverless VPC Access connector to create. Set
// either IPCIDRRange with Network, or Subnet.
type Connector struct {
	// Name is the connector's name, 2 to 25 characters,
	// ^[a-z][-a-z0-9]{0,23}[a-z0-9]$. Changing it replaces the connector.
	// Default: the component name, cut to fit, plus a hyphen and a hash.
	Name string

	// Network is the VPC network the connector's IPCIDRRange belongs to.
	// Default: nil; required with IPCIDRRange.
	Network pulumi.StringInput

	// IPCIDRRange is an unused IPv4 /28 range of Network, such as
	// "10.8.0.0/28".
	// Default: "", use Subnet.
	IPCIDRRange string

	// Subnet is the name of an existing, unused /28 subnet in the service's
	// region, instead of IPCIDRRange and Network.
	// Default: nil, use IPCIDRRange.
	Subnet pulumi.StringInput

	// MinInstances is the connector's minimum number of instances, 2 to 9,
	// below MaxInstances.
	// Default: 2.
	MinInstances int

	// MaxInstances is the connector's maximum number of instances, 3 to 10,
	// above MinInstances.
	// Default: 3, or MinInstances+1 when that is larger.
	MaxInstances int

	// MachineType is "f1-micro", "e2-micro" or "e2-standard-4".
	// Default: "e2-micro".
	MachineType string
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

// resolveVPC checks v; field paths in ps are relative to "vpc". seed and name
// derive the connector name.
func resolveVPC(v *VPC, seed, name string, ps *validate.Problems) *plannedVPC {
	p := &plannedVPC{
		connectorID: v.ConnectorID,
		network:     v.Network,
		subnetwork:  v.Subnetwork,
		tags:        v.NetworkTags,
		egress:      egressPrivateRangesOnly,
	}
	if v.AllTraffic {
		p.egress = egressAllTraffic
	}
	direct := v.Network != nil || v.Subnetwork != nil
	ways := 0
	for _, set := range []bool{v.Connector != nil, v.ConnectorID != nil, direct} {
		if set {
			ways++
		}
	}
	switch {
	case ways == 0:
		ps.Addf("", "no VPC access is set (allowed: exactly one of connector, connectorId, or network/subnetwork)")
	case ways > 1:
		ps.Addf("", "more than one VPC access is set (allowed: exactly one of connector, connectorId, or network/subnetwork)")
	}
	if len(v.NetworkTags) > 0 && !direct {
		ps.Addf("networkTags", "network tags need Direct VPC egress (allowed: only with network or subnetwork)")
	}
	for i, tag := range v.NetworkTags {
		if !serviceNamePattern.MatchString(tag) || len(tag) > 63 {
			ps.Addf(validate.Index("networkTags", i), "%q is not a network tag (allowed: 1 to 63 lowercase letters, digits and hyphens, starting with a letter)", tag)
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
		minInstances: c.MinInstances,
		maxInstances: c.MaxInstances,
		machineType:  c.MachineType,
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

	if p.minInstances == 0 {
		p.minInstances = DefaultConnectorMinInstances
	}
	if p.maxInstances == 0 {
		p.maxInstances = max(DefaultConnectorMaxInstances, p.minInstances+1)
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
// terraform-provider-google v5.40.0, under pulumi-gcp 7.38.0, defaults
// min_throughput to 200 and max_throughput to 300 and makes both ForceNew
// (google/services/vpcaccess/resource_vpc_access_connector.go), while the
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
