package cloudrun

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// TestSecretReferencesFromOutputsAreValidatedWhenTheyResolve: a stack
// reference that gives a secret's ID with its version in it and "latest"
// for an environment secret fails the run with the messages plain values
// get, and nothing is registered but the reference.
func TestSecretReferencesFromOutputsAreValidatedWhenTheyResolve(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test", testkit.WithStackOutputs("acme/data/prod", map[string]any{
		"dbSecret":        "projects/acme/secrets/db/versions/3",
		"dbSecretVersion": "latest",
	}))
	var returned error
	err := m.Run(func(ctx *pulumi.Context) error {
		data, err := pulumi.NewStackReference(ctx, "acme/data/prod", nil)
		if err != nil {
			return err
		}
		a := validArgs()
		a.Service.Secrets = []spec.Secret{{
			Env:     "DATABASE_URL",
			Ref:     data.GetStringOutput(pulumi.String("dbSecret")),
			Version: data.GetStringOutput(pulumi.String("dbSecretVersion")),
		}}
		_, returned = NewService(ctx, "api", a)
		return returned
	})
	want := `invalid arguments for berth:cloudrun:Service "api":
  service.secrets[0].ref: "projects/acme/secrets/db/versions/3" is not a secret ID (allowed: 1 to 255 letters, digits, hyphens and underscores, optionally after "projects/P/secrets/"); put the version in version
  service.secrets[0].version: "latest" is not allowed for an environment secret, which is read once per instance (allowed: a version number such as "1")`
	var verr *validate.Error
	if !errors.As(returned, &verr) || verr.Error() != want {
		t.Fatalf("NewService returned %v, want\n%s", returned, want)
	}
	if !errors.As(err, &verr) || verr.Error() != want {
		t.Fatalf("the run failed with %v, want\n%s", err, want)
	}
	for _, r := range m.Resources() {
		if r.Type != "pulumi:pulumi:StackReference" {
			t.Errorf("registered %s %s", r.Type, r.Name)
		}
	}
}
