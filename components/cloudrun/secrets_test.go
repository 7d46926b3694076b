package cloudrun

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

func TestSecretPathProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path    string
		wantErr string // "" means valid
	}{
		{path: "/etc/secrets/db/password"},
		{path: "/var/run/tls/key.pem"},
		{path: "/devices/key"},
		{path: "/cloudsqlx/key"},
		{path: "relative/key", wantErr: "not absolute"},
		{path: "/etc/a:b/key", wantErr: `contains ":"`},
		{path: "/etc/../key", wantErr: "not a clean file path"},
		{path: "/etc//key", wantErr: "not a clean file path"},
		{path: "/etc/./key", wantErr: "not a clean file path"},
		{path: "/etc/key/", wantErr: "not a clean file path"},
		{path: "/key", wantErr: `on "/"`},
		{path: "/dev/key", wantErr: "in /dev"},
		{path: "/proc/1/key", wantErr: "in /proc"},
		{path: "/sys/key", wantErr: "in /sys"},
		{path: "/cloudsql/key", wantErr: "in /cloudsql"},
		{path: "/cloudsql/inst/key", wantErr: "in /cloudsql"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			got := secretPathProblem(tt.path)
			if tt.wantErr == "" && got != "" {
				t.Fatalf("rejected: %s", got)
			}
			if tt.wantErr != "" && !strings.Contains(got, tt.wantErr) {
				t.Fatalf("secretPathProblem(%q) = %q, want it to contain %q", tt.path, got, tt.wantErr)
			}
		})
	}
}

func TestMountClash(t *testing.T) {
	t.Parallel()
	tests := []struct{ a, b, want string }{
		{"/etc/tls", "/etc/tls", "is already the directory"},
		{"/etc/tls/ca", "/etc/tls", "is inside the directory"},
		{"/etc/tls", "/etc/tls/ca", "contains the directory"},
		{"/etc/tls2", "/etc/tls", ""},
		{"/etc/db", "/etc/tls", ""},
	}
	for _, tt := range tests {
		if got := mountClash(tt.a, tt.b); got != tt.want {
			t.Errorf("mountClash(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSecretBindingsOnePerDistinctSecret(t *testing.T) {
	t.Parallel()
	shared := pulumi.String("shared").ToStringOutput()
	secrets := []spec.Secret{
		{Ref: pulumi.String("db"), Version: pulumi.String("1"), Env: "DB"},
		{Ref: pulumi.String("db"), Version: pulumi.String("2"), Path: "/etc/db/url"},
		{Ref: shared, Version: pulumi.String("1"), Env: "A"},
		{Ref: shared, Version: pulumi.String("1"), Env: "B"},
		{Ref: pulumi.String("other").ToStringOutput(), Version: pulumi.String("1"), Env: "C"},
	}
	var ps validate.Problems
	bindings := planBindings(resolveSecrets(secrets, &ps))
	if !ps.Empty() {
		t.Fatalf("problems: %v", ps.List())
	}
	var keys []string
	for _, b := range bindings {
		keys = append(keys, b.key)
	}
	if got, want := strings.Join(keys, " "), "db env:A env:C"; got != want {
		t.Errorf("binding keys = %q, want %q", got, want)
	}
}

func TestBindingNameIsStableAndReadable(t *testing.T) {
	t.Parallel()
	a := bindingName("projects/p/secrets/db-password")
	if !strings.HasPrefix(a, "db-password-") || len(a) > 40 {
		t.Errorf("bindingName = %q", a)
	}
	if a != bindingName("projects/p/secrets/db-password") {
		t.Error("bindingName is not stable")
	}
	if a == bindingName("projects/q/secrets/db-password") {
		t.Error("two secrets share a binding name")
	}
}

func TestFileSecretDefaults(t *testing.T) {
	t.Parallel()
	var ps validate.Problems
	mode := 0o440
	got := resolveSecrets([]spec.Secret{
		{Ref: pulumi.String("tls"), Version: pulumi.String("latest"), AllowLatest: true, Path: "/etc/tls/key.pem"},
		{Ref: pulumi.String("ca"), Version: pulumi.String("2"), Mode: &mode, Path: "/etc/ca/ca.pem"},
	}, &ps)
	if !ps.Empty() {
		t.Fatalf("problems: %v", ps.List())
	}
	if got[0].mountDir != "/etc/tls" || got[0].file != "key.pem" || got[0].mode != DefaultSecretFileMode || got[0].version != pulumi.String("latest") {
		t.Errorf("first file secret = %+v", got[0])
	}
	if got[1].mode != 0o440 {
		t.Errorf("mode = %#o, want 0440", got[1].mode)
	}
	if got[0].volume == got[1].volume {
		t.Errorf("two file secrets share volume %q", got[0].volume)
	}
}
