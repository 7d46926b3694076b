package main

import (
	"regexp"
	"testing"

	"github.com/berth-dev/berth/testkit"
)

// TestTheStackNamesTagsAndPlacesItsResources runs the program under the
// staging stack's own configuration, with the network stack's outputs.
func TestTheStackNamesTagsAndPlacesItsResources(t *testing.T) {
	m, err := testkit.ForStack(".", "staging", testkit.WithStackOutputs(NetworkStack, map[string]any{"vpcId": "vpc-0abc"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(Program); err != nil {
		t.Fatal(err)
	}
	repo := m.One(t, "aws:ecr/repository:Repository")
	name, _ := testkit.Out(t, repo, "name").(string)
	if !regexp.MustCompile(`^images-[0-9a-f]{7}$`).MatchString(name) {
		t.Errorf("repository name = %q, want the provider's images-<7 hex>", name)
	}
	if want := "111122223333.dkr.ecr.eu-west-1.amazonaws.com/" + name; testkit.Out(t, repo, "repositoryUrl") != want {
		t.Errorf("repositoryUrl = %v, want %s", testkit.Out(t, repo, "repositoryUrl"), want)
	}
	sg := m.One(t, "aws:ec2/securityGroup:SecurityGroup")
	if got := testkit.Prop(t, sg, "vpcId"); got != "vpc-0abc" {
		t.Errorf("security group vpcId = %v, want the network stack's", got)
	}
	for _, r := range m.Resources() {
		if r.Custom && r.Type != "pulumi:pulumi:StackReference" {
			if got := testkit.Prop(t, r, "tags", "team"); got != "payments" {
				t.Errorf("%s %s: tags.team = %v, want the stack's team", r.Type, r.Name, got)
			}
		}
	}
}
