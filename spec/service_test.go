package spec

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/validate"
)

func n(v int) *int                    { return &v }
func cpu(v float64) *float64          { return &v }
func ref(s string) pulumi.StringInput { return pulumi.String(s) }

var testDefaults = Defaults{CPU: 1, MinInstances: 0}

func TestResolveAppliesDefaults(t *testing.T) {
	t.Parallel()
	var ps validate.Problems
	r := Resolve(Service{}, "api", Defaults{CPU: 0.25, MinInstances: 2}, &ps)
	if !ps.Empty() {
		t.Fatalf("problems: %v", ps.List())
	}
	want := Resolved{
		Name: "api", Port: 8080, CPU: 0.25, MemoryMiB: 512, Concurrency: 80,
		MinInstances: 2, MaxInstances: 10, Timeout: 60 * time.Second, HealthPath: "/healthz",
		Env: pulumi.ToStringMap(map[string]string{}),
	}
	if r.Name != want.Name || r.Port != want.Port || r.CPU != want.CPU || r.MemoryMiB != want.MemoryMiB ||
		r.Concurrency != want.Concurrency || r.ConcurrencySet || r.MinInstances != want.MinInstances || r.MinSet ||
		r.MaxInstances != want.MaxInstances || r.Timeout != want.Timeout || r.HealthPath != want.HealthPath || r.Public || len(r.Env) != 0 {
		t.Errorf("Resolve(zero) = %+v, want %+v", r, want)
	}
}

func TestResolveKeepsWhatIsGiven(t *testing.T) {
	t.Parallel()
	var ps validate.Problems
	s := Service{
		Name: "orders", Port: n(9000), CPU: cpu(2), Memory: "4Gi", Concurrency: n(250),
		MinInstances: n(0), MaxInstances: n(20), Timeout: "5m", HealthPath: "/livez", Public: true,
		Env: pulumi.ToStringMap(map[string]string{"LOG_LEVEL": "info"}),
	}
	r := Resolve(s, "api", testDefaults, &ps)
	if !ps.Empty() {
		t.Fatalf("problems: %v", ps.List())
	}
	if r.Name != "orders" || r.Port != 9000 || r.CPU != 2 || r.MemoryMiB != 4096 || r.Concurrency != 250 || !r.ConcurrencySet ||
		r.MinInstances != 0 || !r.MinSet || r.MaxInstances != 20 || r.Timeout != 5*time.Minute || r.HealthPath != "/livez" || !r.Public || r.Env["LOG_LEVEL"] != pulumi.String("info") {
		t.Errorf("Resolve = %+v", r)
	}
}

// TestResolveNamesEveryShareRule has one case per rule every cloud shares:
// the problem names the exact field under "service" and says what is
// allowed; explicit zeros are errors, not defaults.
func TestResolveNamesEveryShareRule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		s     Service
		field string
		msg   string
	}{
		{"name pattern", Service{Name: "Orders_API"}, "service.name", "is not a service name"},
		{"name length", Service{Name: strings.Repeat("a", 41)}, "service.name", "at most 40 characters"},
		{"explicit zero port", Service{Port: n(0)}, "service.port", "0 is out of range (allowed: 1 to 65535; leave it out for 8080)"},
		{"port above range", Service{Port: n(65536)}, "service.port", "out of range"},
		{"explicit zero cpu", Service{CPU: cpu(0)}, "service.cpu", "0 vCPU is not a CPU size"},
		{"negative cpu", Service{CPU: cpu(-1)}, "service.cpu", "-1 vCPU is not a CPU size"},
		{"memory without unit", Service{Memory: "512"}, "service.memory", `"512" is not a memory quantity (allowed: a whole number followed by Mi or Gi`},
		{"memory in MB", Service{Memory: "512MB"}, "service.memory", "not a memory quantity"},
		{"memory fraction", Service{Memory: "1.5Gi"}, "service.memory", "not a memory quantity"},
		{"explicit zero concurrency", Service{Concurrency: n(0)}, "service.concurrency", "0 is not a concurrency (allowed: 1 or more requests per instance; leave it out for 80)"},
		{"negative min instances", Service{MinInstances: n(-1)}, "service.minInstances", "-1 is negative"},
		{"explicit zero max instances", Service{MaxInstances: n(0)}, "service.maxInstances", "0 is not an instance count"},
		{"min above max", Service{MinInstances: n(3), MaxInstances: n(2)}, "service.maxInstances", "leaves minInstances 3 above maxInstances 2"},
		{"min above the default max", Service{MinInstances: n(11)}, "service.minInstances", "leaves minInstances 11 above maxInstances 10"},
		{"timeout not a duration", Service{Timeout: "soon"}, "service.timeout", `"soon" is not a duration`},
		{"timeout below a second", Service{Timeout: "500ms"}, "service.timeout", "shorter than a second"},
		{"timeout not whole seconds", Service{Timeout: "1500ms"}, "service.timeout", "not a whole number of seconds"},
		{"health path without slash", Service{HealthPath: "healthz"}, "service.healthPath", "not an HTTP path"},
		{"health path with space", Service{HealthPath: "/health z"}, "service.healthPath", "not an HTTP path"},
		{"env name", Service{Env: pulumi.ToStringMap(map[string]string{"1A": "x"})}, `service.env["1A"]`, "not an environment variable name"},
		{"env PORT", Service{Env: pulumi.ToStringMap(map[string]string{"PORT": "x"})}, `service.env["PORT"]`, "PORT is set from port"},
		{"env a whole output", Service{Env: pulumi.ToStringMap(map[string]string{"A": "x"}).ToStringMapOutput()}, "service.env",
			"a map that is an output, whose names are not known until it resolves (allowed: a map literal, pulumi.StringMap, whose values may be outputs)"},
		{"secret without destination", Service{Secrets: []Secret{{Ref: ref("db")}}}, "service.secrets[0]", "neither env nor path is set"},
		{"secret with both destinations", Service{Secrets: []Secret{{Env: "DB", Path: "/etc/db", Ref: ref("db")}}}, "service.secrets[0].path", "set together with env"},
		{"secret without source", Service{Secrets: []Secret{{Env: "DB"}}}, "service.secrets[0]", "neither ref nor value is set"},
		{"secret with both sources", Service{Secrets: []Secret{{Env: "DB", Ref: ref("db"), Value: ref("v")}}}, "service.secrets[0].value", "set together with ref"},
		{"secret empty ref", Service{Secrets: []Secret{{Env: "DB", Ref: ref(" ")}}}, "service.secrets[0].ref", "empty"},
		{"secret env name", Service{Secrets: []Secret{{Env: "DB-URL", Ref: ref("db")}}}, "service.secrets[0].env", "not an environment variable name"},
		{"secret env PORT", Service{Secrets: []Secret{{Env: "PORT", Ref: ref("db")}}}, "service.secrets[0].env", "PORT is set from port"},
		{"secret env is a plain variable", Service{Env: pulumi.ToStringMap(map[string]string{"DB": "x"}), Secrets: []Secret{{Env: "DB", Ref: ref("db")}}}, "service.secrets[0].env", "also a plain variable in env"},
		{"secret env twice", Service{Secrets: []Secret{{Env: "DB", Ref: ref("a")}, {Env: "DB", Ref: ref("b")}}}, "service.secrets[1].env", "already the env of secrets[0]"},
		{"secret path relative", Service{Secrets: []Secret{{Path: "etc/db", Ref: ref("db")}}}, "service.secrets[0].path", "not a clean absolute file path"},
		{"secret path twice", Service{Secrets: []Secret{{Path: "/etc/a/db", Ref: ref("a")}, {Path: "/etc/a/db", Ref: ref("b")}}}, "service.secrets[1].path", "already the path of secrets[0]"},
		{"value with version", Service{Secrets: []Secret{{Env: "DB", Value: ref("v"), Version: ref("1")}}}, "service.secrets[0].version", "only with ref"},
		{"value with key", Service{Secrets: []Secret{{Env: "DB", Value: ref("v"), Key: "url"}}}, "service.secrets[0].key", "only with ref"},
		{"two values of one name", Service{Secrets: []Secret{{Env: "DB_URL", Value: ref("a")}, {Path: "/etc/x/db-url", Value: ref("b")}}}, "service.secrets[1].value", `named like the one of secrets[0] ("db-url")`},
		{"key characters", Service{Secrets: []Secret{{Env: "DB", Ref: ref("db"), Key: "a:b"}}}, "service.secrets[0].key", "not a JSON key"},
		{"mode without path", Service{Secrets: []Secret{{Env: "DB", Ref: ref("db"), Mode: n(0o400)}}}, "service.secrets[0].mode", "set without path"},
		{"explicit zero mode", Service{Secrets: []Secret{{Path: "/etc/x/db", Ref: ref("db"), Mode: n(0)}}}, "service.secrets[0].mode", "0 is not a file mode"},
		{"allowLatest without path", Service{Secrets: []Secret{{Env: "DB", Ref: ref("db"), AllowLatest: true}}}, "service.secrets[0].allowLatest", "set without path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ps validate.Problems
			Resolve(tc.s, "api", testDefaults, &ps)
			list := ps.List()
			var fields []string
			for _, p := range list {
				fields = append(fields, p.Field)
			}
			if !slices.Equal(fields, []string{tc.field}) {
				t.Fatalf("fields = %q, want [%q]: %v", fields, tc.field, list)
			}
			if !strings.Contains(list[0].Message, tc.msg) {
				t.Errorf("message %q lacks %q", list[0].Message, tc.msg)
			}
		})
	}
}

func TestResolveReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	var ps validate.Problems
	Resolve(Service{Port: n(0), Memory: "lots", Timeout: "never", Secrets: []Secret{{}}}, "api", testDefaults, &ps)
	var fields []string
	for _, p := range ps.List() {
		fields = append(fields, p.Field)
	}
	want := []string{"service.port", "service.memory", "service.timeout", "service.secrets[0]", "service.secrets[0]"}
	if !slices.Equal(fields, want) {
		t.Errorf("fields = %q, want %q", fields, want)
	}
}

func TestUnitsReadAndRenderAsWritten(t *testing.T) {
	t.Parallel()
	for q, mib := range map[string]int{"512Mi": 512, "128Mi": 128, "2Gi": 2048, "32Gi": 32768, "1536Mi": 1536} {
		got, err := ParseMemory(q)
		if err != nil || got != mib {
			t.Errorf("ParseMemory(%q) = %d, %v, want %d", q, got, err, mib)
		}
	}
	for _, q := range []string{"", "0Mi", "0512Mi", "512mi", "1G", "512M", "1.5Gi"} {
		if _, err := ParseMemory(q); err == nil {
			t.Errorf("ParseMemory(%q) accepted it", q)
		}
	}
	for mib, q := range map[int]string{512: "512Mi", 1024: "1Gi", 1536: "1536Mi", 32768: "32Gi"} {
		if got := FormatMiB(mib); got != q {
			t.Errorf("FormatMiB(%d) = %q, want %q", mib, got, q)
		}
	}
	for v, s := range map[float64]string{0.25: "0.25", 1: "1", 0.08: "0.08", 16: "16"} {
		if got := FormatCPU(v); got != s {
			t.Errorf("FormatCPU(%g) = %q, want %q", v, got, s)
		}
	}
}

func TestSecretKeyNamesWhereTheValueGoes(t *testing.T) {
	t.Parallel()
	for s, want := range map[Secret]string{
		{Env: "DATABASE_URL"}:                  "database-url",
		{Path: "/var/secrets/api-token/token"}: "token",
		{Path: "/etc/tls/Key.PEM"}:             "key-pem",
		{Env: "__X__"}:                         "x",
	} {
		if got := SecretKey(s); got != want {
			t.Errorf("SecretKey(%+v) = %q, want %q", s, got, want)
		}
	}
}
