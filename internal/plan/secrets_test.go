package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	testPassphrase = "correct horse battery staple"
	dbPassword     = "hunter2-db-password"
	apiToken       = "tok-9f8e7d6c"
)

// secretStack writes a project whose stack holds secure values encrypted
// with testPassphrase, as `pulumi config set --secret` writes them.
func secretStack(t *testing.T) string {
	t.Helper()
	salt, crypter, err := NewEncryptionSalt(testPassphrase, []byte("8bytesal"))
	if err != nil {
		t.Fatal(err)
	}
	encrypt := func(s string) string {
		ct, err := crypter.EncryptValue(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		return ct
	}
	stack := fmt.Sprintf(`encryptionsalt: %s
config:
  berth:dbPassword:
    secure: %s
  berth:service:
    name: api
    token:
      secure: %s
`, salt, encrypt(dbPassword), encrypt(apiToken))
	return writeProject(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.test.yaml": stack})
}

// configOutput returns a config value as an output that is secret when the
// key is, as config.RequireSecret does. (The tests avoid the SDK's config
// package, whose dependencies go.sum does not list.)
func configOutput(ctx *pulumi.Context, key string) pulumi.StringOutput {
	v, _ := ctx.GetConfig(key)
	o := pulumi.String(v).ToStringOutput()
	if ctx.IsConfigSecret(key) {
		o = pulumi.ToSecret(o).(pulumi.StringOutput)
	}
	return o
}

// configString returns a config value as a plain string, as config.Get does
// even for a secret.
func configString(ctx *pulumi.Context, key string) string {
	v, _ := ctx.GetConfig(key)
	return v
}

// secretProgram passes the secure values on to resources three ways: as a
// secret, as a plain string (as config.Get returns a secure key) and inside
// a JSON object.
type secretProgram struct {
	mu       sync.Mutex
	received string
}

// value returns what the program received as berth:dbPassword.
func (s *secretProgram) value() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received
}

func (s *secretProgram) run(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
	pw := configOutput(ctx, "berth:dbPassword")
	pw.ApplyT(func(v string) string {
		s.mu.Lock()
		s.received = v
		s.mu.Unlock()
		return v
	})
	sec, err := secretmanager.NewSecret(ctx, "db", &secretmanager.SecretArgs{
		SecretId:    pulumi.String("db"),
		Replication: &secretmanager.SecretReplicationArgs{Auto: &secretmanager.SecretReplicationAutoArgs{}},
	})
	if err != nil {
		return nil, err
	}
	if _, err := secretmanager.NewSecretVersion(ctx, "db-v", &secretmanager.SecretVersionArgs{
		Secret:     sec.ID(),
		SecretData: pw,
	}); err != nil {
		return nil, err
	}
	var svc struct {
		Name  string `json:"name"`
		Token string `json:"token"`
	}
	raw, _ := ctx.GetConfig("berth:service")
	if err := json.Unmarshal([]byte(raw), &svc); err != nil {
		return nil, err
	}
	var leak thing
	if err := ctx.RegisterResource("test:index:Thing", "leak", pulumi.Map{
		"plain":  pulumi.String(configString(ctx, "berth:dbPassword")),
		"header": pulumi.String("Bearer " + svc.Token),
		"name":   pulumi.String(svc.Name),
	}, &leak); err != nil {
		return nil, err
	}
	return map[string]pulumi.Output{"password": pw, "leaked": pulumi.String(svc.Token).ToStringOutput()}, nil
}

func TestSecureValuesReachTheProgramButNeverThePlan(t *testing.T) {
	t.Parallel()
	dir := secretStack(t)
	phrase := testPassphrase
	cfg, err := LoadConfig(LoadOptions{Dir: dir, Stack: "test", Passphrase: &phrase})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"berth:dbPassword", "berth:service"}; strings.Join(cfg.SecretKeys, ",") != strings.Join(want, ",") {
		t.Errorf("secret keys = %v, want %v", cfg.SecretKeys, want)
	}
	prog := &secretProgram{}
	p, err := Run(context.Background(), cfg, prog.run)
	if err != nil {
		t.Fatal(err)
	}
	if got := prog.value(); got != dbPassword {
		t.Errorf("program received %q, want the decrypted value", got)
	}
	var js, text bytes.Buffer
	if err := p.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{js.String(), text.String()} {
		for _, secret := range []string{dbPassword, apiToken} {
			if strings.Contains(out, secret) {
				t.Errorf("plan contains secret %q:\n%s", secret, out)
			}
		}
	}
	version := p.Resources[1]
	if version.Inputs["secretData"] != SecretMarker {
		t.Errorf("secretData = %v, want %s", version.Inputs["secretData"], SecretMarker)
	}
	leak := p.Resources[2].Inputs
	if leak["plain"] != SecretMarker || leak["header"] != SecretMarker || leak["name"] != "api" {
		t.Errorf("plain copies of secrets = %v, want them redacted and the name kept", leak)
	}
	if p.Outputs["password"] != SecretMarker || p.Outputs["leaked"] != SecretMarker {
		t.Errorf("outputs = %v, want both %s", p.Outputs, SecretMarker)
	}
}

func TestSecureValuesWithoutPassphraseStandInAsSecretPlaceholders(t *testing.T) {
	t.Parallel()
	cfg, err := LoadConfig(LoadOptions{Dir: secretStack(t), Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Values["berth:dbPassword"]; got != SecretMarker {
		t.Errorf("dbPassword = %q, want %q", got, SecretMarker)
	}
	if got, want := cfg.Values["berth:service"], `{"name":"api","token":"[secret]"}`; got != want {
		t.Errorf("service = %s, want %s", got, want)
	}
	prog := &secretProgram{}
	p, err := Run(context.Background(), cfg, prog.run)
	if err != nil {
		t.Fatal(err)
	}
	if got := prog.value(); got != SecretMarker {
		t.Errorf("program received %q, want %q", got, SecretMarker)
	}
	if p.Resources[1].Inputs["secretData"] != SecretMarker {
		t.Errorf("secretData = %v", p.Resources[1].Inputs["secretData"])
	}
}

func TestWrongPassphraseIsAClearError(t *testing.T) {
	t.Parallel()
	phrase := "wrong"
	_, err := LoadConfig(LoadOptions{Dir: secretStack(t), Stack: "test", Passphrase: &phrase})
	if !errors.Is(err, ErrIncorrectPassphrase) {
		t.Fatalf("error = %v, want ErrIncorrectPassphrase", err)
	}
	if want := "decrypting configuration of stack test: incorrect passphrase"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestRedactionCoversProgramErrors(t *testing.T) {
	t.Parallel()
	phrase := testPassphrase
	cfg, err := LoadConfig(LoadOptions{Dir: secretStack(t), Stack: "test", Passphrase: &phrase})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), cfg, func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		return nil, fmt.Errorf("service.token: %q is not a valid token", configString(ctx, "berth:dbPassword"))
	})
	if err == nil || strings.Contains(err.Error(), dbPassword) || !strings.Contains(err.Error(), SecretMarker) {
		t.Errorf("error = %v, want the secret redacted", err)
	}
}
