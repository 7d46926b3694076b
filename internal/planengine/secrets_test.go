package planengine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/stackconfig"
)

const (
	testPassphrase = "correct horse battery staple"
	dbPassword     = "hunter2-db-password"
	apiToken       = "tok-9f8e7d6c"
)

// secureProbe writes a probe project whose stack "test" runs mode with the
// given secure values (probe key -> plaintext), encrypted with
// testPassphrase as `pulumi config set --secret` encrypts them, and returns
// its directory.
func secureProbe(t *testing.T, mode string, values map[string]string) string {
	t.Helper()
	salt, crypter, err := stackconfig.NewEncryptionSalt(testPassphrase, []byte("8bytesal"))
	if err != nil {
		t.Fatal(err)
	}
	stack := "encryptionsalt: " + salt + "\nconfig:\n  probe:mode: " + mode + "\n"
	for k, v := range values {
		ct, err := crypter.EncryptValue(context.Background(), v)
		if err != nil {
			t.Fatal(err)
		}
		stack += fmt.Sprintf("  probe:%s:\n    secure: %s\n", k, ct)
	}
	return probe(t, stack)
}

// loadSecure loads stack "test" of dir with testPassphrase.
func loadSecure(t *testing.T, dir string, overrides ...string) *stackconfig.Config {
	t.Helper()
	phrase := testPassphrase
	opts := stackconfig.LoadOptions{Dir: dir, Stack: "test", Passphrase: &phrase}
	var err error
	if opts.Overrides, err = stackconfig.ParseOverrides(overrides); err != nil {
		t.Fatal(err)
	}
	cfg, err := stackconfig.LoadConfig(opts)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func render(t *testing.T, p *plan.Plan) string {
	t.Helper()
	var js, text bytes.Buffer
	if err := p.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	return js.String() + text.String()
}

func TestSecureValuesReachTheProgramButNeverThePlanOrItsWarnings(t *testing.T) {
	t.Parallel()
	cfg := loadSecure(t, secureProbe(t, "secrets", map[string]string{"password": dbPassword}))
	if want := []string{"probe:password"}; strings.Join(cfg.SecretKeys, ",") != strings.Join(want, ",") {
		t.Errorf("secret keys = %v, want %v", cfg.SecretKeys, want)
	}
	res, err := runPlan(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Plan
	assertNoLeak(t, "plan", render(t, p), dbPassword)
	byName := map[string]plan.Resource{}
	for _, r := range p.Resources {
		byName[r.Name] = r
	}
	if (byName["db-v"].Inputs["secretData"] != plan.Secret{}) {
		t.Errorf("secretData = %v, want a secret", byName["db-v"].Inputs["secretData"])
	}
	leak := byName["leak"].Inputs
	if (leak["plain"] != plan.Secret{}) || (leak["header"] != plan.Secret{}) || leak["name"] != "api" {
		t.Errorf("plain copies of secrets = %v, want them redacted and the name kept", leak)
	}
	if (p.Outputs["password"] != plan.Secret{}) || (p.Outputs["leaked"] != plan.Secret{}) {
		t.Errorf("outputs = %v, want both secret", p.Outputs)
	}
	// The program's warning quotes the password: it reaches the user
	// redacted (the program saw the plaintext: the warning has its prefix).
	if len(res.Warnings) != 1 || res.Warnings[0] != "the password starts with hun... and is [secret]" {
		t.Errorf("warnings = %q", res.Warnings)
	}
}

func TestSecureValuesWithoutPassphraseStandInAsSecrets(t *testing.T) {
	t.Parallel()
	cfg, err := stackconfig.LoadConfig(stackconfig.LoadOptions{Dir: secureProbe(t, "secrets", map[string]string{"password": dbPassword}), Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Values["probe:password"]; got != "[secret]" {
		t.Errorf("password = %q, want [secret]", got)
	}
	res, err := runPlan(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Plan.Resources {
		for k, v := range r.Inputs {
			if s, ok := v.(string); ok && strings.Contains(s, "[secret]") {
				t.Errorf("%s.%s = %q, want the stand-in shown as a secret", r.Name, k, s)
			}
		}
	}
	if (res.Plan.Outputs["leaked"] != plan.Secret{}) {
		t.Errorf("leaked = %v", res.Plan.Outputs["leaked"])
	}
}

func TestWrongPassphraseIsAClearError(t *testing.T) {
	t.Parallel()
	phrase := "wrong"
	_, err := stackconfig.LoadConfig(stackconfig.LoadOptions{Dir: secureProbe(t, "secrets", map[string]string{"password": dbPassword}), Stack: "test", Passphrase: &phrase})
	if !errors.Is(err, stackconfig.ErrIncorrectPassphrase) {
		t.Fatalf("error = %v, want stackconfig.ErrIncorrectPassphrase", err)
	}
	if want := "decrypting configuration of stack test: incorrect passphrase"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

// awkwardSecret holds a quote, a backslash, HTML-escaped characters and
// non-ASCII characters, which %q, %+q and JSON each escape differently.
const awkwardSecret = `quo"te\back<é>&ü`

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
	dir := secureProbe(t, "escaped", map[string]string{"password": awkwardSecret})
	p := mustPlan(t, loadSecure(t, dir))
	out := render(t, p)
	assertNoLeak(t, "plan", out, awkwardSecret)
	in := p.Resources[0].Inputs
	for _, k := range []string{"goQuoted", "goASCII", "json", "jsonPlain", "nested"} {
		if (in[k] != plan.Secret{}) {
			t.Errorf("input %s = %v, want a secret", k, in[k])
		}
	}
	if in["keep"] != "quo te" {
		t.Errorf("input keep = %v, want it unchanged", in["keep"])
	}
	if (p.Outputs["quoted"] != plan.Secret{}) || (p.Outputs["doc"] != plan.Secret{}) {
		t.Errorf("outputs = %v, want both secret", p.Outputs)
	}

	for _, format := range []string{"token %q is not valid", "token %+q is not valid", "token %s is not valid"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			_, err := runPlan(t, loadSecure(t, dir, "probe:mode=fail-format", "probe:format="+format))
			if err == nil || !strings.Contains(err.Error(), "token [secret]") && !strings.Contains(err.Error(), `token "[secret]"`) {
				t.Fatalf("error = %v, want the secret replaced by [secret]", err)
			}
			assertNoLeak(t, "error", err.Error(), awkwardSecret)
		})
	}
	t.Run("JSON in an error", func(t *testing.T) {
		t.Parallel()
		_, err := runPlan(t, loadSecure(t, dir, "probe:mode=fail-json"))
		var pe *ProgramError
		if !errors.As(err, &pe) {
			t.Fatalf("error = %v", err)
		}
		assertNoLeak(t, "error", err.Error(), awkwardSecret)
		if want := `bad document {"password":"[secret]"}`; !strings.HasPrefix(pe.Detail, want) {
			t.Errorf("detail = %v, want it to start with %s", pe.Detail, want)
		}
	})
}

func TestSecretsInResourceNamesAreRedactedInNamesURNsParentsAndDependencies(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, loadSecure(t, secureProbe(t, "names", map[string]string{"tenant": apiToken, "short": "ab1"})))
	var js bytes.Buffer
	if err := p.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	assertNoLeak(t, "JSON plan", js.String(), apiToken)
	if strings.Contains(js.String(), `"ab1"`) || strings.Contains(js.String(), "::ab1") {
		t.Errorf("a name that is a short secret is kept:\n%s", js.String())
	}
	byName := map[string]plan.Resource{}
	for _, r := range p.Resources {
		byName[r.Name] = r
	}
	grp, ok := byName["grp-[secret]"]
	if !ok {
		t.Fatalf("no resource named grp-[secret] in %v", js.String())
	}
	if !strings.HasSuffix(grp.URN, "::grp-[secret]") {
		t.Errorf("group URN = %s, want the name redacted", grp.URN)
	}
	child := byName["[secret]-child"]
	if child.Parent != grp.URN || !strings.HasSuffix(child.URN, "::[secret]-child") {
		t.Errorf("child URN, parent = %s, %s; want the name redacted and the group's redacted URN", child.URN, child.Parent)
	}
	short, ok := byName["[secret]"]
	if !ok {
		t.Fatalf("no resource named [secret]: %s", js.String())
	}
	want := []string{child.URN, short.URN}
	if got := byName["dependent"].DependsOn; strings.Join(got, ",") != strings.Join(want, ",") && strings.Join(got, ",") != want[1]+","+want[0] {
		t.Errorf("dependsOn = %v, want %v", got, want)
	}
}
