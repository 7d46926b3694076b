package plan

import (
	"strings"
	"testing"
)

func TestWriteMermaidDrawsComponentsResourcesAndDependencies(t *testing.T) {
	t.Parallel()
	const comp = "urn:pulumi:dev::berth::berth:cloudrun:Service::api"
	p := &Plan{Project: "berth", Stack: "dev", Resources: []Resource{
		{URN: "urn:pulumi:dev::berth::gcp:secretmanager/secret:Secret::tok", Type: "gcp:secretmanager/secret:Secret", Name: "tok"},
		{URN: comp, Type: "berth:cloudrun:Service", Name: "api"},
		{URN: comp[:len(comp)-5] + "$gcp:serviceaccount/account:Account::api-sa", Type: "gcp:serviceaccount/account:Account", Name: "api-sa", Parent: comp},
		{URN: comp[:len(comp)-5] + "$gcp:cloudrunv2/service:Service::api-svc", Type: "gcp:cloudrunv2/service:Service", Name: `we"ird <name> #1`, Parent: comp,
			DependsOn: []string{"urn:pulumi:dev::berth::gcp:secretmanager/secret:Secret::tok", comp[:len(comp)-5] + "$gcp:serviceaccount/account:Account::api-sa", "urn:pulumi:dev::berth::not:in:Plan::x"}},
	}}
	var b strings.Builder
	if err := p.WriteMermaid(&b); err != nil {
		t.Fatal(err)
	}
	want := "```mermaid\n" +
		"flowchart LR\n" +
		"  r0[\"tok<br/><small>gcp:secretmanager/secret:Secret</small>\"]\n" +
		"  subgraph r1[\"api<br/><small>berth:cloudrun:Service</small>\"]\n" +
		"    r2[\"api-sa<br/><small>gcp:serviceaccount/account:Account</small>\"]\n" +
		"    r3[\"we#quot;ird #lt;name#gt; #35;1<br/><small>gcp:cloudrunv2/service:Service</small>\"]\n" +
		"  end\n" +
		"  r0 --> r3\n" +
		"  r2 --> r3\n" +
		"```\n"
	if got := b.String(); got != want {
		t.Errorf("mermaid:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteMermaidOfAnEmptyPlan(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	if err := (&Plan{}).WriteMermaid(&b); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "```mermaid\nflowchart LR\n```\n" {
		t.Errorf("got %q", got)
	}
}
