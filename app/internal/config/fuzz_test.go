package config

import (
	"strings"
	"testing"
)

// fuzzVariables are the variables FuzzLoad sets; credential marks those
// whose value may hold a secret, so that no message may show it.
var fuzzVariables = []struct {
	name       string
	credential bool
}{
	{"PORT", false}, {"LOG_LEVEL", false}, {"SHUTDOWN_TIMEOUT", false}, {"DRAIN_DELAY", false},
	{"MAX_BODY_BYTES", false}, {"GOOGLE_CLOUD_PROJECT", false}, {"K_SERVICE", false},
	{"DATABASE_URL", true}, {"API_TOKEN", true},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", true}, {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", true}, {"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", true},
	{"OTEL_EXPORTER_OTLP_HEADERS", true}, {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", true}, {"OTEL_EXPORTER_OTLP_METRICS_HEADERS", true},
	{"OTEL_SDK_DISABLED", false}, {"OTEL_SERVICE_NAME", false}, {"OTEL_RESOURCE_ATTRIBUTES", false},
	{"OTEL_EXPORTER_OTLP_PROTOCOL", false}, {"OTEL_EXPORTER_OTLP_COMPRESSION", false}, {"OTEL_EXPORTER_OTLP_TIMEOUT", false},
	{"OTEL_TRACES_EXPORTER", false}, {"OTEL_METRICS_EXPORTER", false}, {"OTEL_TRACES_SAMPLER", false},
	{"OTEL_TRACES_SAMPLER_ARG", false}, {"OTEL_PROPAGATORS", false}, {"OTEL_METRIC_EXPORT_INTERVAL", false},
	{"OTEL_METRIC_EXPORT_TIMEOUT", false}, {"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", false},
}

// fuzzSecret is put inside every credential value; it must never come out.
const fuzzSecret = "Zq9SECRETx7"

// FuzzLoad gives one variable (chosen by which) the value value, with
// fuzzSecret put in at pos when the variable may hold credentials, and the
// secret files DATABASE_URL_FILE and API_TOKEN_FILE the content file, also
// carrying fuzzSecret. Load must not panic; every problem must be one line
// naming its variable; and no message may show fuzzSecret.
// Seeds: testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, which uint8, value string, pos uint16, file string) {
		v := fuzzVariables[int(which)%len(fuzzVariables)]
		if v.credential {
			p := int(pos) % (len(value) + 1)
			value = value[:p] + fuzzSecret + value[p:]
		}
		env := map[string]string{v.name: value}
		if which >= uint8(len(fuzzVariables)) {
			// The upper values also read the secrets from files.
			env["DATABASE_URL_FILE"], env["API_TOKEN_FILE"] = "/run/secrets/db", "/run/secrets/token"
			delete(env, "DATABASE_URL")
			delete(env, "API_TOKEN")
		}
		p := int(pos) % (len(file) + 1)
		content := file[:p] + fuzzSecret + file[p:]
		c, err := Load(envFunc(env), func(string) ([]byte, error) { return []byte(content), nil })
		if err == nil {
			if c == nil {
				t.Fatal("Load() returned neither a config nor an error")
			}
			return
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			name, _, ok := strings.Cut(line, ": ")
			if !ok || (env[name] == "" && !strings.HasSuffix(name, " and API_TOKEN_FILE are both set") && !knownVariable(name)) {
				t.Errorf("problem %q does not start with a variable that was set", line)
			}
		}
		if strings.Contains(err.Error(), fuzzSecret) {
			t.Fatalf("a message shows a credential (env %q, file %q):\n%v", env, content, err)
		}
	})
}

func knownVariable(name string) bool {
	for _, v := range fuzzVariables {
		if v.name == name {
			return true
		}
	}
	return name == "DATABASE_URL_FILE" || name == "API_TOKEN_FILE"
}
