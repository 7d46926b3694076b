package provider

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil/rpcerror"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	perrors "github.com/pulumi/pulumi/sdk/v3/go/pulumi/errors"
	"google.golang.org/grpc/codes"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/components/fargate"
)

// otherURN is a resource whose outputs the tests pass.
const otherURN = "urn:pulumi:test::berth::berth:image:Image::other"

// output is a known output of another resource, as an SDK sends
// ${other.ref} once other exists.
func output(v any) resource.PropertyValue {
	return resource.NewProperty(resource.Output{Element: resource.NewPropertyValue(v), Known: true, Dependencies: []resource.URN{otherURN}})
}

// unknown is an output of another resource in a preview, before it exists.
func unknown() resource.PropertyValue {
	return resource.NewProperty(resource.Output{Element: resource.NewProperty(""), Known: false, Dependencies: []resource.URN{otherURN}})
}

// gcpInputs are valid berth:index:Service inputs on Cloud Run, with
// service and gcp changed by edit.
func gcpInputs(edit func(service, gcp map[string]any)) map[string]any {
	service := map[string]any{
		"memory": "1Gi",
		"env":    map[string]any{"LOG_LEVEL": "debug"},
		"secrets": []any{
			map[string]any{"env": "DATABASE_URL", "ref": "orders-db-url", "version": "3"},
		},
	}
	gcp := map[string]any{"region": "europe-west1"}
	edit(service, gcp)
	return map[string]any{"cloud": "gcp", "service": service, "image": testImage, "gcp": gcp}
}

// problem is one line of an InputPropertiesError.
type problem = perrors.InputPropertyErrorDetails

func TestConstructReportsEveryMistypedOrUnplainInputAtItsPath(t *testing.T) {
	t.Parallel()
	const mustWait = "must be a plain value, got an output of another resource (berth reads this field before it creates anything, so it cannot wait for another resource)"
	const mustShow = "must be a plain value, got a secret (a plain field would not keep it secret)"
	tests := []struct {
		name  string
		token string
		in    map[string]any
		want  []problem
	}{
		{
			name:  "a number for a string, in an array and in a map",
			token: berth.TypeToken,
			in: gcpInputs(func(service, gcp map[string]any) {
				service["secrets"].([]any)[0].(map[string]any)["version"] = 3
				gcp["labels"] = map[string]any{"team": "payments", "tier": 2}
			}),
			want: []problem{
				{PropertyPath: "service.secrets[0].version", Reason: "expected a string, got a number"},
				{PropertyPath: "gcp.labels.tier", Reason: "expected a string, got a number"},
			},
		},
		{
			name:  "unknown properties, with the one meant",
			token: berth.TypeToken,
			in: gcpInputs(func(service, gcp map[string]any) {
				service["maxInstance"] = 4
				gcp["regoin"] = "europe-west1"
			}),
			want: []problem{
				{PropertyPath: "service.maxInstance", Reason: `unknown property (did you mean "maxInstances"?) (allowed: name, port, cpu, memory, concurrency, minInstances, maxInstances, timeout, healthPath, public, env, secrets, rollout)`},
				{PropertyPath: "gcp.regoin", Reason: `unknown property (did you mean "region"?) (allowed: region, project, ingress, invokers, vpc, executionEnvironment, cpuAlwaysAllocated, startupCpuBoost, labels)`},
			},
		},
		{
			name:  "a number for a string, in a map of maps of arrays in an array",
			token: fargate.TypeToken,
			in: map[string]any{
				"image": ecrImage, "repositoryArn": repoARN,
				"aws": map[string]any{
					"vpcId": "vpc-0abc", "loadBalancerSubnetIds": []any{"subnet-pub1", "subnet-pub2"}, "taskSubnetIds": []any{"subnet-priv1", "subnet-priv2"},
					"certificateArn": certARN,
					"taskPolicy": []any{map[string]any{
						"actions": []any{"s3:GetObject"}, "resources": []any{"arn:aws:s3:::orders-bucket/*"},
						"conditions": map[string]any{"NumericLessThan": map[string]any{"aws:MultiFactorAuthAge": []any{3600}}},
					}},
				},
			},
			want: []problem{
				{PropertyPath: `aws.taskPolicy[0].conditions.NumericLessThan["aws:MultiFactorAuthAge"][0]`, Reason: "expected a string, got a number"},
			},
		},
		{
			name:  "a string for a number and for an integer, and a fraction for an integer",
			token: berth.TypeToken,
			in: gcpInputs(func(service, gcp map[string]any) {
				service["cpu"] = "1"
				service["port"] = "8080"
				service["maxInstances"] = 2.5
			}),
			want: []problem{
				{PropertyPath: "service.port", Reason: "expected an integer, got a string"},
				{PropertyPath: "service.cpu", Reason: "expected a number, got a string"},
				{PropertyPath: "service.maxInstances", Reason: "expected an integer, got a number with a fraction"},
			},
		},
		{
			name:  "a string for a boolean, and a number for an enum",
			token: berth.TypeToken,
			in: func() map[string]any {
				in := gcpInputs(func(service, gcp map[string]any) {
					service["public"] = "true"
					gcp["startupCpuBoost"] = 1
				})
				in["cloud"] = 1
				return in
			}(),
			want: []problem{
				{PropertyPath: "cloud", Reason: `expected a string, got a number (allowed: "gcp", "aws")`},
				{PropertyPath: "service.public", Reason: "expected a boolean, got a string"},
				{PropertyPath: "gcp.startupCpuBoost", Reason: "expected a boolean, got a number"},
			},
		},
		{
			name:  "an object for an array, and an array for an object",
			token: cloudrun.TypeToken,
			in: map[string]any{
				"image":   testImage,
				"service": []any{"orders"},
				"gcp":     map[string]any{"region": "europe-west1", "invokers": map[string]any{"user": "ops@example.com"}},
			},
			want: []problem{
				{PropertyPath: "service", Reason: "expected an object, got an array"},
				{PropertyPath: "gcp.invokers", Reason: "expected an array, got an object"},
			},
		},
		{
			name:  "a secret in a plain map and a plain string",
			token: berth.TypeToken,
			in: gcpInputs(func(service, gcp map[string]any) {
				gcp["labels"] = map[string]any{"team": secret("payments")}
				service["secrets"].([]any)[0].(map[string]any)["key"] = secret("url")
			}),
			want: []problem{
				{PropertyPath: "service.secrets[0].key", Reason: mustShow},
				{PropertyPath: "gcp.labels.team", Reason: mustShow},
			},
		},
		{
			name:  "another resource's output in a plain map and a plain object",
			token: berth.TypeToken,
			in: gcpInputs(func(service, gcp map[string]any) {
				gcp["labels"] = map[string]any{"image-tag": output("6806ecf261a8")}
				gcp["vpc"] = output(map[string]any{"connectorId": "projects/acme/locations/europe-west1/connectors/c"})
			}),
			want: []problem{
				{PropertyPath: "gcp.vpc", Reason: mustWait},
				{PropertyPath: `gcp.labels["image-tag"]`, Reason: mustWait},
			},
		},
		{
			name:  "a secret output in a plain field",
			token: berth.TypeToken,
			in: gcpInputs(func(service, gcp map[string]any) {
				service["healthPath"] = resource.MakeSecret(output("/ready"))
			}),
			want: []problem{
				{PropertyPath: "service.healthPath", Reason: "must be a plain value, got a secret output of another resource (berth reads this field before it creates anything, so it cannot wait for another resource; a plain field would not keep it secret)"},
			},
		},
		{
			name:  "several problems at once, in the order of the Go fields",
			token: berth.TypeToken,
			in: gcpInputs(func(service, gcp map[string]any) {
				service["memory"] = 1024
				service["secrets"] = []any{
					map[string]any{"env": "DATABASE_URL", "ref": "orders-db-url", "version": 3},
					map[string]any{"path": "/etc/key", "value": secret("k"), "mode": "0400"},
				}
				gcp["region"] = []any{"europe-west1"}
				gcp["labels"] = map[string]any{"b": secret("b"), "a": output("a"), "c": "plain"}
			}),
			want: []problem{
				{PropertyPath: "service.memory", Reason: "expected a string, got a number"},
				{PropertyPath: "service.secrets[0].version", Reason: "expected a string, got a number"},
				{PropertyPath: "service.secrets[1].mode", Reason: "expected an integer, got a string"},
				{PropertyPath: "gcp.region", Reason: "expected a string, got an array"},
				{PropertyPath: "gcp.labels.a", Reason: mustWait},
				{PropertyPath: "gcp.labels.b", Reason: mustShow},
			},
		},
		{
			name:  "a mistyped value inside an input, secret or not",
			token: fargate.TypeToken,
			in: map[string]any{
				"image": ecrImage,
				"aws": map[string]any{
					"vpcId": resource.MakeSecret(resource.NewProperty(7.0)), "loadBalancerSubnetIds": []any{"subnet-pub1", 2},
					"taskSubnetIds": output([]any{"subnet-priv1", true}), "certificateArn": certARN,
				},
			},
			want: []problem{
				{PropertyPath: "aws.vpcId", Reason: "expected a string, got a number"},
				{PropertyPath: "aws.loadBalancerSubnetIds[1]", Reason: "expected a string, got a number"},
				{PropertyPath: "aws.taskSubnetIds[1]", Reason: "expected a string, got a boolean"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, _, err := construct(t, tt.token, tt.in)
			if err == nil {
				t.Fatal("Construct accepted the inputs, want the problems")
			}
			rpcErr, ok := rpcerror.FromError(err)
			if !ok {
				t.Fatalf("Construct error %v (%T) is not a gRPC status", err, err)
			}
			if want := fmt.Sprintf("invalid arguments for %s %q", tt.token, "api"); rpcErr.Message() != want || rpcErr.Code() != codes.InvalidArgument {
				t.Errorf("error = %s %q, want InvalidArgument %q", rpcErr.Code(), rpcErr.Message(), want)
			}
			if got := rpcErr.InputPropertiesErrors(); !slices.Equal(got, tt.want) {
				t.Errorf("problems\n  %q\nwant\n  %q", got, tt.want)
			}
			if n := len(m.Resources()); n != 0 {
				t.Errorf("%d resources registered, want none", n)
			}
		})
	}
}

func TestConstructTakesSecretsAndOutputsWhereGoTakesInputs(t *testing.T) {
	t.Parallel()
	in := gcpInputs(func(service, gcp map[string]any) {
		service["secrets"] = []any{
			map[string]any{"env": "DATABASE_URL", "ref": output("orders-db-url"), "version": resource.MakeSecret(resource.NewProperty("3"))},
			map[string]any{"path": "/etc/orders/api-key", "value": resource.MakeSecret(output("s3cret-api-key"))},
		}
		gcp["vpc"] = map[string]any{"directVpc": map[string]any{"network": unknown(), "subnetwork": output("orders-subnet")}}
	})
	in["image"] = output(testImage)
	if problems := checkInputs(inputs(in), reflect.TypeFor[berth.ServiceArgs]()); len(problems) != 0 {
		t.Errorf("checkInputs reported %q, want nothing", problems)
	}
}

func TestConstructPrintsProblemsAtValuesTheEnginePrinterRefusesWithoutThem(t *testing.T) {
	t.Parallel()
	// The engine's printer panics on an unknown value or a resource
	// (propertyprint.Value, sdk/v3 v3.274.1 go/propertyprint/print.go:158),
	// so these lines are written as the engine would write them, and sent
	// without details.
	tests := []struct {
		name string
		in   map[string]any
		want string
	}{
		{
			name: "an unknown output in a plain field",
			in: gcpInputs(func(service, gcp map[string]any) {
				service["memory"] = 1024
				gcp["labels"] = map[string]any{"image": unknown(), "team": secret("payments")}
			}),
			want: "invalid arguments for berth:index:Service \"api\"\n" +
				"\t\t- property service.memory with value 1024 has a problem: expected a string, got a number\n" +
				"\t\t- property gcp.labels.image has a problem: must be a plain value, got an unknown output of another resource (berth reads this field before it creates anything, so it cannot wait for another resource)\n" +
				"\t\t- property gcp.labels.team with value <secret> has a problem: must be a plain value, got a secret (a plain field would not keep it secret)",
		},
		{
			// A resource reference is the other value the printer refuses.
			name: "a resource for a string",
			in: gcpInputs(func(service, gcp map[string]any) {
				service["name"] = resource.MakeCustomResourceReference(otherURN, "other-id", "")
			}),
			want: "invalid arguments for berth:index:Service \"api\"\n" +
				"\t\t- property service.name has a problem: expected a string, got a resource",
		},
		{
			// Validation's problems too: in a preview, a subnet list that
			// another resource produces holds unknown IDs.
			name: "a validation problem at a list holding an unknown",
			in: map[string]any{
				"cloud": "aws", "image": ecrImage,
				"service": map[string]any{"memory": "1Gi", "cpu": 1},
				"aws": map[string]any{
					"vpcId": "vpc-0abc", "loadBalancerSubnetIds": []any{unknown()}, "taskSubnetIds": []any{"subnet-priv1", "subnet-priv2"},
					"certificateArn": certARN,
				},
			},
			want: "invalid arguments for berth:index:Service \"api\"\n" +
				"\t\t- property aws.loadBalancerSubnetIds has a problem: 1 subnet (allowed: at least two subnets in different Availability Zones)\n" +
				"\t\t- property service.memory with value \"1Gi\" has a problem: 1Gi is not offered with cpu 1 on Fargate (allowed with cpu 1: 2Gi to 8Gi in steps of 1Gi)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, _, err := construct(t, berth.TypeToken, tt.in)
			rpcErr, ok := rpcerror.FromError(err)
			if !ok {
				t.Fatalf("Construct error %v (%T) is not a gRPC status", err, err)
			}
			if rpcErr.Message() != tt.want || rpcErr.Code() != codes.InvalidArgument || len(rpcErr.InputPropertiesErrors()) != 0 {
				t.Errorf("error = %s %q with %d details\nwant InvalidArgument %q without details", rpcErr.Code(), rpcErr.Message(), len(rpcErr.InputPropertiesErrors()), tt.want)
			}
			if n := len(m.Resources()); n != 0 {
				t.Errorf("%d resources registered, want none", n)
			}
		})
	}
}

func TestPrintableLeavesOtherErrorsAlone(t *testing.T) {
	t.Parallel()
	values := inputs(map[string]any{"service": map[string]any{"memory": "3Gi", "healthPath": unknown()}})
	known := rpcerror.WrapDetailedError(perrors.NewInputPropertiesError("invalid", problem{PropertyPath: "service.memory", Reason: "too much"}))
	other := fmt.Errorf("registering the service: boom")
	for _, err := range []error{nil, known, other} {
		if got := printable(err, values); got != err {
			t.Errorf("printable(%v) = %v, want it unchanged", err, got)
		}
	}
}

// schemaLeaf is one property of the schema with the path of an input
// that reaches it, the value that has its type, and whether it is plain.
type schemaLeaf struct {
	path  []any // keys and indexes
	value any
	plain bool
}

// schemaLeaves lists every property reachable from props, following type
// references once per path.
func schemaLeaves(spec pschema.PackageSpec, props map[string]pschema.PropertySpec, prefix []any, seen map[string]bool) []schemaLeaf {
	var out []schemaLeaf
	for _, name := range slices.Sorted(maps.Keys(props)) {
		out = append(out, typeLeaves(spec, props[name].TypeSpec, append(slices.Clone(prefix), name), seen)...)
	}
	return out
}

func typeLeaves(spec pschema.PackageSpec, ts pschema.TypeSpec, path []any, seen map[string]bool) []schemaLeaf {
	leaf := schemaLeaf{path: path, plain: ts.Plain}
	switch {
	case ts.Ref != "":
		tk := strings.TrimPrefix(ts.Ref, "#/types/")
		ty := spec.Types[tk]
		if len(ty.Enum) > 0 {
			leaf.value = fmt.Sprint(ty.Enum[0].Value)
			return []schemaLeaf{leaf}
		}
		leaf.value = map[string]any{}
		out := []schemaLeaf{leaf}
		if !seen[tk] {
			seen := maps.Clone(seen)
			seen[tk] = true
			out = append(out, schemaLeaves(spec, ty.Properties, path, seen)...)
		}
		return out
	case ts.Type == "array":
		leaf.value = []any{}
		return append([]schemaLeaf{leaf}, typeLeaves(spec, *ts.Items, append(slices.Clone(path), 0), seen)...)
	case ts.Type == "object":
		leaf.value = map[string]any{}
		return append([]schemaLeaf{leaf}, typeLeaves(spec, *ts.AdditionalProperties, append(slices.Clone(path), "k"), seen)...)
	case ts.Type == "string":
		leaf.value = "x"
	case ts.Type == "integer", ts.Type == "number":
		leaf.value = 1
	case ts.Type == "boolean":
		leaf.value = true
	}
	return []schemaLeaf{leaf}
}

// nest builds the input that holds v at path.
func nest(path []any, v resource.PropertyValue) map[string]any {
	var build func(i int) any
	build = func(i int) any {
		if i == len(path) {
			return v
		}
		if _, ok := path[i].(int); ok {
			return []any{build(i + 1)}
		}
		return map[string]any{path[i].(string): build(i + 1)}
	}
	return build(0).(map[string]any)
}

// pathText is path as the engine writes it.
func pathText(path []any) string {
	var p property.Path
	for _, s := range path {
		if i, ok := s.(int); ok {
			p = p.AppendIndex(i)
		} else {
			p = p.AppendKey(s.(string))
		}
	}
	text, _ := p.MarshalText()
	return string(text)
}

func TestConstructRefusesASecretExactlyWhereTheSchemaSaysPlain(t *testing.T) {
	t.Parallel()
	spec := schema(t)
	n := 0
	for _, c := range components {
		for _, leaf := range schemaLeaves(spec, spec.Resources[c.token].InputProperties, nil, map[string]bool{}) {
			n++
			in := nest(leaf.path, resource.MakeSecret(resource.NewPropertyValue(leaf.value)))
			got := checkInputs(inputs(in), c.args)
			want := []problem(nil)
			if leaf.plain {
				want = []problem{{PropertyPath: pathText(leaf.path), Reason: "must be a plain value, got a secret (a plain field would not keep it secret)"}}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %s (plain %v) secret: %q, want %q", c.token, pathText(leaf.path), leaf.plain, got, want)
			}
		}
	}
	if n < 150 {
		t.Errorf("only %d schema properties were tried, want every input of the four components", n)
	}
}

// TestASecretHoldingAnUnknownIsNotPrintable: under --show-secrets the
// engine's printer looks inside a secret and panics on an unknown there.
func TestASecretHoldingAnUnknownIsNotPrintable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v    property.Value
		want bool
	}{
		{property.New("db").WithSecret(true), true},
		{property.New(property.Computed).WithSecret(true), false},
		{property.New([]property.Value{property.New(property.Computed).WithSecret(true)}), false},
		{property.New(property.Computed), false},
	} {
		if got := canPrint(tt.v); got != tt.want {
			t.Errorf("canPrint(%v) = %v, want %v", tt.v, got, tt.want)
		}
	}
}
