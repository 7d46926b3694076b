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

// awkwardSecret holds a quote, a backslash, HTML-escaped characters and
// non-ASCII characters, which %q, %+q and JSON each escape differently.
const awkwardSecret = `quo"te\back<é>&ü`

// secureStack writes a project whose stack holds the given secure values
// (key -> plaintext), encrypted with testPassphrase, and loads its
// configuration with the passphrase.
func secureStack(t *testing.T, values map[string]string) *Config {
	t.Helper()
	salt, crypter, err := NewEncryptionSalt(testPassphrase, []byte("8bytesal"))
	if err != nil {
		t.Fatal(err)
	}
	stack := "encryptionsalt: " + salt + "\nconfig:\n"
	for k, v := range values {
		ct, err := crypter.EncryptValue(context.Background(), v)
		if err != nil {
			t.Fatal(err)
		}
		stack += fmt.Sprintf("  %s:\n    secure: %s\n", k, ct)
	}
	dir := writeProject(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.test.yaml": stack})
	phrase := testPassphrase
	cfg, err := LoadConfig(LoadOptions{Dir: dir, Stack: "test", Passphrase: &phrase})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// leakedForms returns the ways a secret may appear in a plan or message:
// as written, in Go's %q and %+q, and in JSON with and without HTML
// escaping, once and twice escaped.
func leakedForms(secret string) []string {
	jsonOf := func(s string, html bool) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		_ = enc.Encode(s)
		q := strings.TrimSpace(b.String())
		return q[1 : len(q)-1]
	}
	escape := []func(string) string{
		func(s string) string { q := fmt.Sprintf("%q", s); return q[1 : len(q)-1] },
		func(s string) string { q := fmt.Sprintf("%+q", s); return q[1 : len(q)-1] },
		func(s string) string { return jsonOf(s, true) },
		func(s string) string { return jsonOf(s, false) },
	}
	out := []string{secret}
	for _, e := range escape {
		out = append(out, e(secret))
		for _, e2 := range escape {
			out = append(out, e2(e(secret)))
		}
	}
	return out
}

// assertNoLeak fails the test when text holds any form of a secret.
func assertNoLeak(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, f := range leakedForms(s) {
			if strings.Contains(text, f) {
				t.Errorf("%s contains secret form %q:\n%s", where, f, text)
			}
		}
	}
}

func TestEscapedSecretsAreRedactedInInputsOutputsAndErrors(t *testing.T) {
	t.Parallel()
	cfg := secureStack(t, map[string]string{"berth:awkward": awkwardSecret})
	program := func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		secret := configString(ctx, "berth:awkward")
		doc, _ := json.Marshal(map[string]string{"password": secret})
		docNoHTML := strings.TrimSpace(func() string {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(map[string]string{"password": secret})
			return b.String()
		}())
		nested, _ := json.Marshal([]string{string(doc)})
		var leak thing
		if err := ctx.RegisterResource("test:index:Thing", "leak", pulumi.Map{
			"goQuoted":  pulumi.String(fmt.Sprintf("value %q", secret)),
			"goASCII":   pulumi.String(fmt.Sprintf("value %+q", secret)),
			"json":      pulumi.String(string(doc)),
			"jsonPlain": pulumi.String(docNoHTML),
			"nested":    pulumi.String(string(nested)),
			"keep":      pulumi.String("quo te"),
		}, &leak); err != nil {
			return nil, err
		}
		return map[string]pulumi.Output{
			"quoted": pulumi.String(fmt.Sprintf("%q", secret)).ToStringOutput(),
			"doc":    pulumi.String(string(doc)).ToStringOutput(),
		}, nil
	}
	p, err := Run(context.Background(), cfg, program)
	if err != nil {
		t.Fatal(err)
	}
	var js, text bytes.Buffer
	if err := p.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	assertNoLeak(t, "JSON plan", js.String(), awkwardSecret)
	assertNoLeak(t, "text plan", text.String(), awkwardSecret)
	in := p.Resources[0].Inputs
	for _, k := range []string{"goQuoted", "goASCII", "json", "jsonPlain", "nested"} {
		if in[k] != SecretMarker {
			t.Errorf("input %s = %v, want %s", k, in[k], SecretMarker)
		}
	}
	if in["keep"] != "quo te" {
		t.Errorf("input keep = %v, want it unchanged", in["keep"])
	}
	if p.Outputs["quoted"] != SecretMarker || p.Outputs["doc"] != SecretMarker {
		t.Errorf("outputs = %v, want both %s", p.Outputs, SecretMarker)
	}

	tests := []struct {
		name   string
		format string
	}{
		{"Go %q", "token %q is not valid"},
		{"Go %+q", "token %+q is not valid"},
		{"plain", "token %s is not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(context.Background(), cfg, func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				return nil, fmt.Errorf(tt.format, configString(ctx, "berth:awkward"))
			})
			if err == nil || !strings.Contains(err.Error(), "token "+SecretMarker) && !strings.Contains(err.Error(), `token "`+SecretMarker+`"`) {
				t.Fatalf("error = %v, want the secret replaced by %s", err, SecretMarker)
			}
			assertNoLeak(t, "error", err.Error(), awkwardSecret)
		})
	}
	t.Run("JSON in an error", func(t *testing.T) {
		_, err := Run(context.Background(), cfg, func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
			doc, _ := json.Marshal(map[string]string{"password": configString(ctx, "berth:awkward")})
			return nil, fmt.Errorf("bad document %s, quoted %q", doc, doc)
		})
		if err == nil {
			t.Fatal("no error")
		}
		assertNoLeak(t, "error", err.Error(), awkwardSecret)
		if want := `bad document {"password":"[secret]"}`; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error = %v, want it to start with %s", err, want)
		}
	})
}

func TestSecretsInResourceNamesAreRedactedInNamesURNsParentsAndDependencies(t *testing.T) {
	t.Parallel()
	cfg := secureStack(t, map[string]string{"berth:tenant": apiToken, "berth:short": "ab1"})
	program := func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		tenant := configString(ctx, "berth:tenant")
		var g group
		if err := ctx.RegisterComponentResource("test:index:Group", "grp-"+tenant, &g); err != nil {
			return nil, err
		}
		var child thing
		if err := ctx.RegisterResource("test:index:Thing", tenant+"-child", pulumi.Map{}, &child, pulumi.Parent(&g)); err != nil {
			return nil, err
		}
		var short thing
		if err := ctx.RegisterResource("test:index:Thing", configString(ctx, "berth:short"), pulumi.Map{}, &short); err != nil {
			return nil, err
		}
		var dep thing
		if err := ctx.RegisterResource("test:index:Thing", "dependent", pulumi.Map{}, &dep, pulumi.DependsOn([]pulumi.Resource{&child, &short})); err != nil {
			return nil, err
		}
		return nil, nil
	}
	p, err := Run(context.Background(), cfg, program)
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := p.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	assertNoLeak(t, "JSON plan", js.String(), apiToken)
	byName := map[string]Resource{}
	for _, r := range p.Resources {
		byName[r.Name] = r
	}
	grp, ok := byName["grp-"+SecretMarker]
	if !ok {
		t.Fatalf("no resource named grp-%s in %v", SecretMarker, js.String())
	}
	if !strings.HasSuffix(grp.URN, "::grp-"+SecretMarker) {
		t.Errorf("group URN = %s, want the name redacted", grp.URN)
	}
	child := byName[SecretMarker+"-child"]
	if child.Parent != grp.URN || !strings.HasSuffix(child.URN, "::"+SecretMarker+"-child") {
		t.Errorf("child URN, parent = %s, %s; want the name redacted and the group's redacted URN", child.URN, child.Parent)
	}
	short, ok := byName[SecretMarker]
	if !ok {
		t.Errorf("a resource named after a short secret keeps its name: %s", js.String())
	}
	want := []string{child.URN, short.URN}
	if got := byName["dependent"].DependsOn; strings.Join(got, ",") != strings.Join(want, ",") && strings.Join(got, ",") != want[1]+","+want[0] {
		t.Errorf("dependsOn = %v, want %v", got, want)
	}
}
