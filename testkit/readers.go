package testkit

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/berth-dev/berth/internal/iamdoc"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// Container is one container of a Cloud Run service or an ECS task
// definition, as its resource's inputs hold it.
type Container struct {
	// Name is the container's name; Cloud Run containers may have none.
	Name string
	// Image is the image reference.
	Image string
	// Env maps each plain environment variable to its value.
	Env map[string]string
	// Secrets maps each environment variable that comes from a secret to
	// the secret it reads.
	Secrets map[string]SecretRef
}

// SecretRef is where a secret environment variable comes from.
type SecretRef struct {
	// Secret is the Secret Manager secret (Cloud Run), or the ARN ECS
	// reads with its JSON key and version suffix, if any (valueFrom).
	Secret string
	// Version is the Secret Manager version (Cloud Run); empty on ECS.
	Version string
}

// Containers returns the containers of r, a Cloud Run v2 service or an ECS
// task definition, and fails t for any other type or a value it cannot
// read (an unknown or secret container definition).
func Containers(t testing.TB, r Resource) []Container {
	t.Helper()
	switch r.Type {
	case providers.CloudRunService:
		var out []Container
		for _, c := range list(Prop(t, r, "template", "containers")) {
			cm, _ := c.(map[string]any)
			out = append(out, container(cm, "envs", "value", func(e map[string]any) (SecretRef, bool) {
				found, _ := plan.Lookup(e, "valueSource", "secretKeyRef")
				ref, ok := found.(map[string]any)
				if !ok {
					return SecretRef{}, false
				}
				s, _ := ref["secret"].(string)
				v, _ := ref["version"].(string)
				return SecretRef{Secret: s, Version: v}, true
			}))
		}
		return out
	case providers.ECSTaskDefinition:
		doc, ok := r.Inputs["containerDefinitions"]
		if !ok || !doc.IsString() {
			t.Fatalf("%s %s: containerDefinitions is %v, not a known document", r.Type, r.Name, doc)
		}
		var defs []map[string]any
		if err := json.Unmarshal([]byte(doc.StringValue()), &defs); err != nil {
			t.Fatalf("%s %s: containerDefinitions: %v", r.Type, r.Name, err)
		}
		var out []Container
		for _, d := range defs {
			c := container(d, "environment", "value", nil)
			for _, s := range list(d["secrets"]) {
				sm, _ := s.(map[string]any)
				name, _ := sm["name"].(string)
				from, _ := sm["valueFrom"].(string)
				c.Secrets[name] = SecretRef{Secret: from}
			}
			out = append(out, c)
		}
		return out
	}
	t.Fatalf("Containers: %s %s is neither a Cloud Run service nor an ECS task definition", r.Type, r.Name)
	return nil
}

// container reads a container's name, image and the variables of its
// envKey list: plain under valueKey, or from a secret as secretOf says.
func container(c map[string]any, envKey, valueKey string, secretOf func(map[string]any) (SecretRef, bool)) Container {
	out := Container{Env: map[string]string{}, Secrets: map[string]SecretRef{}}
	out.Name, _ = c["name"].(string)
	out.Image, _ = c["image"].(string)
	for _, e := range list(c[envKey]) {
		em, _ := e.(map[string]any)
		name, _ := em["name"].(string)
		if secretOf != nil {
			if ref, ok := secretOf(em); ok {
				out.Secrets[name] = ref
				continue
			}
		}
		out.Env[name], _ = em[valueKey].(string)
	}
	return out
}

// Statement is one statement of an AWS IAM policy document.
type Statement = iamdoc.Statement

// Statements returns the statements of the IAM policy document that r's
// input prop holds (a role policy's "policy", a role's
// "assumeRolePolicy"), and fails t when it is not a known JSON document.
func Statements(t testing.TB, r Resource, prop string) []Statement {
	t.Helper()
	v, ok := r.Inputs[resource.PropertyKey(prop)]
	if v = providers.Unsecret(v); !ok || !v.IsString() {
		t.Fatalf("%s %s: %s is %v, not a known policy document", r.Type, r.Name, prop, v)
	}
	st, ok := iamdoc.Parse(v.StringValue())
	if !ok {
		t.Fatalf("%s %s: %s is not a JSON policy document: %s", r.Type, r.Name, prop, v.StringValue())
	}
	return st
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}
