package testkit

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/organizations"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type parentComponent struct{ pulumi.ResourceState }

func TestMonitorRecordsResourcesWithDerivedOutputs(t *testing.T) {
	t.Parallel()
	m := New("berth", "test")
	var email, token string
	err := m.Run(func(ctx *pulumi.Context) error {
		var c parentComponent
		if err := ctx.RegisterComponentResource("berth:test:Thing", "thing", &c); err != nil {
			return err
		}
		sa, err := serviceaccount.NewAccount(ctx, "thing-sa", &serviceaccount.AccountArgs{
			AccountId: pulumi.String("thing-abc1234"),
		}, pulumi.Parent(&c))
		if err != nil {
			return err
		}
		sa.Email.ApplyT(func(e string) string { email = e; return e })
		cfg, err := organizations.GetClientConfig(ctx)
		if err != nil {
			return err
		}
		token = cfg.AccessToken
		_, err = serviceaccount.NewAccount(ctx, "second", &serviceaccount.AccountArgs{
			AccountId: pulumi.String("second-abc1234"),
		}, pulumi.Parent(&c), pulumi.DependsOn([]pulumi.Resource{sa}))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "thing-abc1234@" + GCPProject + ".iam.gserviceaccount.com"; email != want {
		t.Errorf("email = %q, want %q", email, want)
	}
	if token != AccessToken {
		t.Errorf("client config access token = %q, want %q", token, AccessToken)
	}
	comp := m.One(t, "berth:test:Thing")
	if comp.Custom {
		t.Errorf("component recorded as custom")
	}
	sa := m.Named(t, "gcp:serviceaccount/account:Account", "thing-sa")
	if sa.Parent != comp.URN {
		t.Errorf("parent = %q, want %q", sa.Parent, comp.URN)
	}
	if want := "urn:pulumi:test::berth::berth:test:Thing$gcp:serviceaccount/account:Account::thing-sa"; sa.URN != want {
		t.Errorf("URN = %q, want %q", sa.URN, want)
	}
	second := m.Named(t, "gcp:serviceaccount/account:Account", "second")
	if len(second.Dependencies) != 1 || second.Dependencies[0] != sa.URN {
		t.Errorf("dependencies = %v, want [%s]", second.Dependencies, sa.URN)
	}
	if !strings.HasPrefix(sa.ID, "projects/"+GCPProject+"/serviceAccounts/") {
		t.Errorf("ID = %q", sa.ID)
	}
}

func TestMonitorRejectsUnknownInvoke(t *testing.T) {
	t.Parallel()
	m := New("berth", "test")
	_, err := m.Call(pulumi.MockCallArgs{Token: "gcp:nope/nope:nope"})
	if err == nil || !strings.Contains(err.Error(), `"gcp:nope/nope:nope"`) {
		t.Fatalf("err = %v, want one naming the token", err)
	}
}

func TestRepositoryStripsTagNotPort(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"localhost:5000/app:v1":            "localhost:5000/app",
		"localhost:5000/app":               "localhost:5000/app",
		"us-docker.pkg.dev/p/r/app:latest": "us-docker.pkg.dev/p/r/app",
	} {
		if got := repository(in); got != want {
			t.Errorf("repository(%q) = %q, want %q", in, got, want)
		}
	}
}
