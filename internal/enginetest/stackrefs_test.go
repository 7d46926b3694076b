package enginetest

// Stack references against the state the real CLI writes: berth plan
// reads another stack's outputs from a local file backend
// (internal/stackrefs), and must read what the engine's own stack
// reference reads, with the same outputs secret.

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/internal/stackrefs"
)

func TestStackReferencesReadTheFileBackendAsTheEngineDoes(t *testing.T) {
	e := newEnv(t)
	network := e.componentStack("network", nil, func(ctx *pulumi.Context) error {
		ctx.Export("vpcId", pulumi.String("vpc-0abc"))
		ctx.Export("subnets", pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}))
		ctx.Export("limits", pulumi.Map{"max": pulumi.Int(3), "zone": pulumi.String("a")})
		ctx.Export("token", pulumi.ToSecret(pulumi.String("s3cret")))
		return nil
	})
	network.mustUp()

	// The engine's reading: a stack in the same backend exports each
	// output its reference read, secret or not as the engine marks it.
	keys := []string{"vpcId", "subnets", "limits", "token"}
	reader := func(name string) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			ref, err := pulumi.NewStackReference(ctx, name, nil)
			if err != nil {
				return err
			}
			for _, k := range keys {
				ctx.Export(k, ref.GetOutput(pulumi.String(k)))
			}
			return nil
		}
	}
	app := e.componentStack("app", nil, reader("organization/berth/network"))
	app.mustUp()
	engine, err := app.s.Outputs(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	// berth finds the backend as the CLI does: PULUMI_BACKEND_URL first.
	t.Setenv("PULUMI_BACKEND_URL", e.vars["PULUMI_BACKEND_URL"])
	lookup := stackrefs.Backend("file:///not/this/one", "", "berth")
	for _, name := range []string{"organization/berth/network", "network"} {
		outs, ok, err := lookup(name)
		if err != nil || !ok {
			t.Fatalf("%s: ok %v, err %v", name, ok, err)
		}
		if len(outs) != len(keys) {
			t.Errorf("%s: berth read %d outputs, want %d", name, len(outs), len(keys))
		}
		for _, k := range keys {
			got, want := outs[resource.PropertyKey(k)], engine[k]
			switch {
			case got.ContainsSecrets() != want.Secret:
				t.Errorf("%s: output %s secret %v, the engine's %v", name, k, got.ContainsSecrets(), want.Secret)
			case want.Secret && !got.ContainsUnknowns():
				t.Errorf("%s: secret output %s is known to berth; it must stay unknown", name, k)
			case !want.Secret && !reflect.DeepEqual(got.Mappable(), want.Value):
				t.Errorf("%s: output %s = %v, the engine read %v", name, k, got.Mappable(), want.Value)
			}
		}
	}

	// A stack the backend does not hold fails both.
	missing := e.componentStack("missing", nil, reader("organization/berth/nope"))
	r, err := missing.preview()
	want := `unknown stack "organization/berth/nope"`
	if err == nil || !strings.Contains(r.stderr+r.stdout+err.Error(), want) {
		t.Errorf("the engine's preview of a missing stack: err %v, want %q", err, want)
	}
	if _, _, err := lookup("organization/berth/nope"); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("berth's reading of a missing stack: err %v, want %q", err, want)
	}
}
