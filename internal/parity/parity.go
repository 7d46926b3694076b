// Package parity writes docs/parity.md from the components themselves:
// for each field of spec.Service, the provider properties it becomes on
// Cloud Run and on Fargate, its default on each, and which values each
// cloud accepts or rejects, with the component's own message.
//
// Nothing in the table is typed by hand but the probe values. What a field
// becomes is found by running each component under berth's recording mock
// twice, at the defaults and with the field changed, and listing the
// provider properties whose recorded inputs differ; the defaults are what
// the components resolve a zero spec.Service to; each verdict is the
// component's validation of the probe value. A change to a component's
// mapping, default or rule therefore changes the table, and the test that
// compares it with docs/parity.md fails until the file is regenerated
// (`go test ./internal/parity -update`).
package parity

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/internal/markdown"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// image is a digest reference both clouds accept.
const image = "registry.example.com/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// A cloud runs one component with a spec and reports what it registered or
// why it refused.
type cloud struct {
	name     string
	defaults spec.Defaults
	run      func(s spec.Service) ([]testkit.Resource, error)
}

var clouds = []cloud{
	{"Cloud Run", cloudrun.Defaults, func(s spec.Service) ([]testkit.Resource, error) {
		return record(func(ctx *pulumi.Context) error {
			_, err := cloudrun.NewService(ctx, "api", &cloudrun.ServiceArgs{Image: pulumi.String(image), Service: &s, GCP: cloudrun.GCP{Region: "us-central1"}})
			return err
		})
	}},
	{"Fargate", fargate.Defaults, func(s spec.Service) ([]testkit.Resource, error) {
		return record(func(ctx *pulumi.Context) error {
			_, err := fargate.NewService(ctx, "api", &fargate.ServiceArgs{Image: pulumi.String(image), Service: &s, AWS: fargate.AWS{
				VPCID:                 pulumi.String("vpc-0abc"),
				LoadBalancerSubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
				TaskSubnetIDs:         pulumi.ToStringArray([]string{"subnet-c"}),
				PlainHTTP:             s.Public,
			}})
			return err
		})
	}},
}

// record runs program under the mock and returns the custom resources.
func record(program pulumi.RunFunc) ([]testkit.Resource, error) {
	m := testkit.New("berth", "parity")
	if err := m.Run(program); err != nil {
		return nil, err
	}
	var out []testkit.Resource
	for _, r := range m.Resources() {
		if r.Custom {
			out = append(out, r)
		}
	}
	return out, nil
}

// field is one spec.Service field and the values it is probed with.
type field struct {
	// name is the field's config name, service.NAME.
	name string
	// change sets a value that shows what the field becomes; the first one
	// a cloud accepts is used.
	change []func(*spec.Service)
	// probes are the values whose verdicts the table lists.
	probes []probe
}

// probe is one value tried on both clouds.
type probe struct {
	label string
	set   func(*spec.Service)
}

func intp(v int) *int { return &v }

// hash7 is the hash naming.Physical appends for seed: the parity service
// "api" of project berth, stack parity, is named "api-" + hash7 on both
// clouds.
func hash7(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])[:7]
}
func floatp(v float64) *float64       { return &v }
func ref(s string) pulumi.StringInput { return pulumi.String(s) }

// fields lists every field of spec.Service; a test checks the list is
// complete.
var fields = []field{
	{name: "name", change: []func(*spec.Service){func(s *spec.Service) { s.Name = "orders" }}, probes: []probe{
		{"orders", func(s *spec.Service) { s.Name = "orders" }},
		{"Orders_API", func(s *spec.Service) { s.Name = "Orders_API" }},
	}},
	{name: "port", change: []func(*spec.Service){func(s *spec.Service) { s.Port = intp(9000) }}, probes: []probe{
		{"9000", func(s *spec.Service) { s.Port = intp(9000) }},
		{"0", func(s *spec.Service) { s.Port = intp(0) }},
		{"65536", func(s *spec.Service) { s.Port = intp(65536) }},
	}},
	{name: "cpu", change: []func(*spec.Service){
		func(s *spec.Service) { s.CPU = floatp(2) },
		func(s *spec.Service) { s.CPU = floatp(0.5); s.Memory = "1Gi" },
	}, probes: cpuProbes()},
	{name: "memory", change: []func(*spec.Service){func(s *spec.Service) { s.Memory = "1Gi" }}, probes: []probe{
		{"128Mi", func(s *spec.Service) { s.Memory = "128Mi" }},
		{"1Gi", func(s *spec.Service) { s.Memory = "1Gi" }},
		{"2Gi with cpu 1", func(s *spec.Service) { s.CPU = floatp(1); s.Memory = "2Gi" }},
		{"16Gi with cpu 4", func(s *spec.Service) { s.CPU = floatp(4); s.Memory = "16Gi" }},
		{"32Gi with cpu 8", func(s *spec.Service) { s.CPU = floatp(8); s.Memory = "32Gi" }},
		{"1536Mi with cpu 0.5", func(s *spec.Service) { s.CPU = floatp(0.5); s.Memory = "1536Mi" }},
		{"512MB", func(s *spec.Service) { s.Memory = "512MB" }},
	}},
	{name: "concurrency", change: []func(*spec.Service){func(s *spec.Service) { s.Concurrency = intp(40) }}, probes: []probe{
		{"1", func(s *spec.Service) { s.Concurrency = intp(1) }},
		{"1000", func(s *spec.Service) { s.Concurrency = intp(1000) }},
		{"5000", func(s *spec.Service) { s.Concurrency = intp(5000) }},
		{"0", func(s *spec.Service) { s.Concurrency = intp(0) }},
	}},
	{name: "minInstances", change: []func(*spec.Service){func(s *spec.Service) { s.MinInstances = intp(3) }}, probes: []probe{
		{"0", func(s *spec.Service) { s.MinInstances = intp(0) }},
		{"3", func(s *spec.Service) { s.MinInstances = intp(3) }},
		{"20", func(s *spec.Service) { s.MinInstances = intp(20) }},
	}},
	{name: "maxInstances", change: []func(*spec.Service){func(s *spec.Service) { s.MaxInstances = intp(20) }}, probes: []probe{
		{"1", func(s *spec.Service) { s.MaxInstances = intp(1); s.MinInstances = intp(1) }},
		{"100", func(s *spec.Service) { s.MaxInstances = intp(100) }},
		{"2000", func(s *spec.Service) { s.MaxInstances = intp(2000) }},
		{"0", func(s *spec.Service) { s.MaxInstances = intp(0) }},
	}},
	{name: "timeout", change: []func(*spec.Service){func(s *spec.Service) { s.Timeout = "90s" }}, probes: []probe{
		{"30s", func(s *spec.Service) { s.Timeout = "30s" }},
		{"1h", func(s *spec.Service) { s.Timeout = "1h" }},
		{"2h", func(s *spec.Service) { s.Timeout = "2h" }},
		{"1500ms", func(s *spec.Service) { s.Timeout = "1500ms" }},
	}},
	{name: "healthPath", change: []func(*spec.Service){func(s *spec.Service) { s.HealthPath = "/livez" }}, probes: []probe{
		{"/livez", func(s *spec.Service) { s.HealthPath = "/livez" }},
		{"livez", func(s *spec.Service) { s.HealthPath = "livez" }},
	}},
	{name: "public", change: []func(*spec.Service){func(s *spec.Service) { s.Public = true }}, probes: []probe{
		{"true", func(s *spec.Service) { s.Public = true }},
	}},
	{name: "env", change: []func(*spec.Service){func(s *spec.Service) { s.Env = pulumi.StringMap{"LOG_LEVEL": pulumi.String("debug")} }}, probes: []probe{
		{"LOG_LEVEL", func(s *spec.Service) { s.Env = pulumi.StringMap{"LOG_LEVEL": pulumi.String("debug")} }},
		{"K_SERVICE", func(s *spec.Service) { s.Env = pulumi.StringMap{"K_SERVICE": pulumi.String("x")} }},
		{"PORT", func(s *spec.Service) { s.Env = pulumi.StringMap{"PORT": pulumi.String("80")} }},
	}},
	{name: "secrets", change: []func(*spec.Service){
		func(s *spec.Service) { s.Secrets = []spec.Secret{{Env: "DB", Ref: ref("db"), Version: ref("3")}} },
		func(s *spec.Service) {
			s.Secrets = []spec.Secret{{Env: "DB", Ref: ref("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf")}}
		},
	}, probes: []probe{
		{"env from a value", func(s *spec.Service) { s.Secrets = []spec.Secret{{Env: "DB", Value: ref("v")}} }},
		{"file from a value", func(s *spec.Service) { s.Secrets = []spec.Secret{{Path: "/etc/db/url", Value: ref("v")}} }},
		{"Secret Manager ID, version 3", func(s *spec.Service) { s.Secrets = []spec.Secret{{Env: "DB", Ref: ref("db"), Version: ref("3")}} }},
		{"Secrets Manager ARN", func(s *spec.Service) {
			s.Secrets = []spec.Secret{{Env: "DB", Ref: ref("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf")}}
		}},
		{"Secrets Manager ARN, key url", func(s *spec.Service) {
			s.Secrets = []spec.Secret{{Env: "DB", Ref: ref("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"), Key: "url"}}
		}},
		{"SSM parameter name", func(s *spec.Service) { s.Secrets = []spec.Secret{{Env: "DB", Ref: ref("/app/db")}} }},
	}},
	{name: "rollout", change: []func(*spec.Service){
		func(s *spec.Service) { s.Rollout = &spec.Rollout{Alarms: spec.AlarmsOff} },
		func(s *spec.Service) { s.Rollout = &spec.Rollout{ErrorRate: floatp(2)} },
	}, probes: []probe{
		{"alarms on", func(s *spec.Service) { s.Rollout = &spec.Rollout{Alarms: spec.AlarmsOn} }},
		{"alarms off", func(s *spec.Service) { s.Rollout = &spec.Rollout{Alarms: spec.AlarmsOff} }},
		{"errorRate 2", func(s *spec.Service) { s.Rollout = &spec.Rollout{ErrorRate: floatp(2)} }},
		{"period 30s", func(s *spec.Service) { s.Rollout = &spec.Rollout{Period: "30s"} }},
		{"canary from a Cloud Run revision", func(s *spec.Service) {
			s.Rollout = &spec.Rollout{Canary: &spec.Canary{Stable: "api-" + hash7("berth/parity/api") + "-00001-abc"}}
		}},
		{"canary from a task definition ARN", func(s *spec.Service) {
			s.Rollout = &spec.Rollout{Canary: &spec.Canary{Stable: "arn:aws:ecs:us-east-1:123456789012:task-definition/api-" + hash7("berth/parity/api") + ":7"}}
		}},
		{"canary percent 100", func(s *spec.Service) {
			s.Rollout = &spec.Rollout{Canary: &spec.Canary{Stable: "api-" + hash7("berth/parity/api") + "-00001-abc", Percent: intp(100)}}
		}},
		{"canary, maxInstances 1", func(s *spec.Service) {
			s.MaxInstances = intp(1)
			s.Rollout = &spec.Rollout{Canary: &spec.Canary{Stable: "api-" + hash7("berth/parity/api") + "-00001-abc"}}
		}},
	}},
}

func cpuProbes() []probe {
	var out []probe
	for _, c := range []struct {
		cpu    float64
		memory string
	}{{0.08, "512Mi"}, {0.25, "512Mi"}, {0.5, "1Gi"}, {1, "2Gi"}, {3, "4Gi"}, {6, "16Gi"}, {16, "32Gi"}} {
		label := spec.FormatCPU(c.cpu) + " with " + c.memory
		out = append(out, probe{label, func(s *spec.Service) { s.CPU = floatp(c.cpu); s.Memory = c.memory }})
	}
	return out
}

// Generate returns docs/parity.md.
func Generate() (string, error) {
	var b strings.Builder
	b.WriteString("# One service, two clouds\n\n")
	b.WriteString("Generated by `go test ./internal/parity -update` from the components themselves: what each field of\n")
	b.WriteString("`spec.Service` becomes (the provider properties that change with it), its default on each cloud, and\n")
	b.WriteString("which values each cloud accepts, with the component's own message for those it rejects. A test fails\n")
	b.WriteString("when this file no longer matches the code.\n\n")

	base := make([][]testkit.Resource, len(clouds))
	for i, c := range clouds {
		rs, err := c.run(spec.Service{})
		if err != nil {
			return "", fmt.Errorf("%s with the defaults: %w", c.name, err)
		}
		base[i] = rs
	}
	b.WriteString("## What each field becomes\n\n")
	fmt.Fprintf(&b, "| field | default on %s | on %s | default on %s | on %s |\n|---|---|---|---|---|\n",
		clouds[0].name, clouds[0].name, clouds[1].name, clouds[1].name)
	for _, f := range fields {
		row := []string{"`service." + f.name + "`"}
		for i, c := range clouds {
			becomes, err := becomes(c, f, base[i])
			if err != nil {
				return "", err
			}
			row = append(row, defaultOf(c, f.name), becomes)
		}
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}

	b.WriteString("\n## What each cloud accepts\n\n")
	b.WriteString("Each value is tried alone on the defaults (with the memory or instances named beside it).\n\n")
	for _, f := range fields {
		fmt.Fprintf(&b, "### `service.%s`\n\n| value | %s | %s |\n|---|---|---|\n", f.name, clouds[0].name, clouds[1].name)
		for _, p := range f.probes {
			row := []string{"`" + p.label + "`"}
			for _, c := range clouds {
				s := spec.Service{}
				p.set(&s)
				_, err := c.run(s)
				row = append(row, verdict(err))
			}
			b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}

// becomes lists the provider properties that change when f changes, as
// TYPE.path, with the value they take in the first accepted change.
func becomes(c cloud, f field, base []testkit.Resource) (string, error) {
	for _, change := range f.change {
		s := spec.Service{}
		change(&s)
		rs, err := c.run(s)
		if err != nil {
			continue
		}
		var out []string
		for _, d := range diff(base, rs) {
			out = append(out, "`"+d+"`")
		}
		if len(out) == 0 {
			return "nothing a provider receives", nil
		}
		if len(out) > 6 {
			out = append(out[:6], fmt.Sprintf("and %d more", len(out)-6))
		}
		return strings.Join(out, "<br>"), nil
	}
	return "", fmt.Errorf("%s: no change value of service.%s is accepted", c.name, f.name)
}

// diff lists the properties, by resource type and top-level input path,
// that differ between two recordings of the same component, and the
// resource types only one of them has.
func diff(a, b []testkit.Resource) []string {
	key := func(r testkit.Resource) string { return r.Type + " " + strings.TrimPrefix(r.Name, "api-") }
	index := func(rs []testkit.Resource) map[string]testkit.Resource {
		m := map[string]testkit.Resource{}
		for _, r := range rs {
			m[key(r)] = r
		}
		return m
	}
	ia, ib := index(a), index(b)
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(ib)) {
		rb := ib[k]
		ra, ok := ia[k]
		typ := shortType(rb.Type)
		if !ok {
			add("new " + typ)
			continue
		}
		for _, p := range changedPaths(resource.NewObjectProperty(ra.Inputs), resource.NewObjectProperty(rb.Inputs), "") {
			add(typ + "." + p)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(ia)) {
		if _, ok := ib[k]; !ok {
			add("no " + shortType(ia[k].Type))
		}
	}
	sort.Strings(out)
	return out
}

// changedPaths walks two values and returns the shallowest paths where they
// differ, list indexes as [0].
func changedPaths(a, b resource.PropertyValue, path string) []string {
	if a.DeepEquals(b) {
		return nil
	}
	if a.IsObject() && b.IsObject() {
		var out []string
		keys := map[resource.PropertyKey]bool{}
		for k := range a.ObjectValue() {
			keys[k] = true
		}
		for k := range b.ObjectValue() {
			keys[k] = true
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			sub := string(k)
			if path != "" {
				sub = path + "." + sub
			}
			out = append(out, changedPaths(a.ObjectValue()[k], b.ObjectValue()[k], sub)...)
		}
		return out
	}
	if a.IsArray() && b.IsArray() && len(a.ArrayValue()) == len(b.ArrayValue()) {
		var out []string
		for i := range a.ArrayValue() {
			out = append(out, changedPaths(a.ArrayValue()[i], b.ArrayValue()[i], fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	}
	if path == "" {
		return []string{"(whole)"}
	}
	return []string{path}
}

// shortType turns "aws:ecs/taskDefinition:TaskDefinition" into
// "ecs.TaskDefinition".
func shortType(token string) string {
	parts := strings.Split(token, ":")
	if len(parts) != 3 {
		return token
	}
	mod, _, _ := strings.Cut(parts[1], "/")
	return mod + "." + parts[2]
}

// defaultOf renders a field's default on a cloud, as spec.Resolve gives it.
func defaultOf(c cloud, name string) string {
	var ps validate.Problems
	r := spec.Resolve(spec.Service{}, "api", c.defaults, &ps)
	switch name {
	case "name":
		return "the component's name"
	case "port":
		return fmt.Sprint(r.Port)
	case "cpu":
		return spec.FormatCPU(r.CPU) + " vCPU"
	case "memory":
		return spec.FormatMiB(r.MemoryMiB)
	case "concurrency":
		return fmt.Sprint(r.Concurrency)
	case "minInstances":
		return fmt.Sprint(r.MinInstances)
	case "maxInstances":
		return fmt.Sprint(r.MaxInstances)
	case "timeout":
		return fmt.Sprintf("%ds", int(r.Timeout.Seconds()))
	case "healthPath":
		return r.HealthPath
	case "public":
		return fmt.Sprint(r.Public)
	case "env", "secrets":
		return "none"
	case "rollout":
		return r.Rollout.String()
	}
	panic("parity: no default for " + name)
}

// verdict renders a validation outcome: accepted, or the problems' lines.
func verdict(err error) string {
	if err == nil {
		return "accepted"
	}
	var verr *validate.Error
	if !errors.As(err, &verr) {
		return "error: " + markdown.Text(err.Error())
	}
	var lines []string
	for _, p := range verr.Problems {
		lines = append(lines, markdown.Text(p.String()))
	}
	return "**rejected**: " + strings.Join(lines, "<br>")
}

// specFields returns the config names of spec.Service's fields, for the
// completeness check.
func specFields() []string {
	var out []string
	t := reflect.TypeFor[spec.Service]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("pulumi"), ",")
		out = append(out, name)
	}
	return out
}
