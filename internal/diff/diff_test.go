package diff

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
)

// cloudRun is a small Cloud Run stack: a component with a service account
// and a service.
func cloudRun(name string, mutate func(svc map[string]any)) *plan.Plan {
	comp := res("berth:cloudrun:Service", name, "", nil)
	sa := res("gcp:serviceaccount/account:Account", name+"-sa", comp.URN, map[string]any{"accountId": name + "-1a2b3c4", "project": "p"})
	svc := map[string]any{
		"name":     name + "-1a2b3c4",
		"location": "us-central1",
		"ingress":  "INGRESS_TRAFFIC_INTERNAL_ONLY",
		"template": map[string]any{
			"containers": []any{map[string]any{
				"image": "img@sha256:1",
				"envs": []any{
					map[string]any{"name": "LOG_LEVEL", "value": "info"},
					map[string]any{"name": "DB", "valueSource": map[string]any{"secretKeyRef": map[string]any{"secret": "db", "version": "1"}}},
					map[string]any{"name": "TOKEN", "value": plan.Secret{}},
				},
				"resources": map[string]any{"limits": map[string]any{"cpu": "1", "memory": "512Mi"}},
			}},
			"scaling": map[string]any{"minInstanceCount": 0.0, "maxInstanceCount": 3.0},
		},
	}
	if mutate != nil {
		mutate(svc)
	}
	return plnOf(comp, sa, res("gcp:cloudrunv2/service:Service", name+"-svc", comp.URN, svc))
}

// sgRule is an aws:vpc ingress rule for TCP port on the security group
// named sg, whose ID is unknown, with source inputs added.
func sgRule(name, sg string, port float64, source map[string]any) plan.Resource {
	in := map[string]any{"securityGroupId": plan.Unknown{}, "ipProtocol": "tcp", "fromPort": port, "toPort": port, "description": "listener"}
	for k, v := range source {
		in[k] = v
	}
	r := res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, "", in)
	r.InputDependencies = map[string][]string{"securityGroupId": {stackPrefix + "aws:ec2/securityGroup:SecurityGroup::" + sg}}
	r.DependsOn = r.InputDependencies["securityGroupId"]
	return r
}

func TestEqualPlansGiveEmptyListsNotNull(t *testing.T) {
	t.Parallel()
	r := compare(t, cloudRun("api", nil), cloudRun("api", nil))
	out := allFormats(t, r)
	want := `{
  "format": "berth-diff",
  "schemaVersion": 3,
  "project": "berth",
  "stack": "test",
  "counts": {
    "create": 0,
    "update": 0,
    "replace": 0,
    "delete": 0,
    "same": 3
  },
  "changes": [],
  "flags": [],
  "rollouts": []
}
`
	if out["json"] != want {
		t.Errorf("json = %q, want %q", out["json"], want)
	}
	if !strings.Contains(out["text"], "No changes.") || !strings.Contains(out["markdown"], "No changes.") {
		t.Errorf("text/markdown do not say No changes:\n%s\n%s", out["text"], out["markdown"])
	}
}

func TestTwoSecretsCompareEqualAndSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	base := cloudRun("api", nil)
	head := cloudRun("api", func(svc map[string]any) {
		c := svc["template"].(map[string]any)["containers"].([]any)[0].(map[string]any)
		// LOG_LEVEL becomes a secret: the change shows as the marker.
		c["envs"].([]any)[0].(map[string]any)["value"] = plan.Secret{}
	})
	r := compare(t, base, head)
	if len(r.Changes) != 1 || !reflect.DeepEqual(r.Changes[0].Paths, []string{"template.containers[0].envs[name=LOG_LEVEL].value"}) {
		t.Fatalf("changes = %+v, want only LOG_LEVEL (TOKEN is [secret] on both sides)", r.Changes)
	}
	if v := r.Changes[0].Values[0]; v.Old != "info" || (v.New != plan.Secret{}) {
		t.Errorf("value = %+v", v)
	}
}

func TestCompareRejectsPlansOfDifferentStacks(t *testing.T) {
	t.Parallel()
	other := cloudRun("api", nil)
	other.Stack = "prod"
	if _, err := Compare(cloudRun("api", nil), other); !errors.Is(err, ErrDifferentStacks) || !strings.Contains(err.Error(), "berth/test") {
		t.Errorf("error = %v, want ErrDifferentStacks naming both", err)
	}
}

func TestOperations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		base  *plan.Plan
		head  *plan.Plan
		want  []string // "op name paths..."
		flags []string
	}{
		{
			name: "update in place",
			base: cloudRun("api", nil),
			head: cloudRun("api", func(svc map[string]any) {
				svc["template"].(map[string]any)["containers"].([]any)[0].(map[string]any)["image"] = "img@sha256:2"
			}),
			want: []string{"update api-svc template.containers[0].image"},
		},
		{
			name: "physical name change replaces",
			base: cloudRun("api", nil),
			head: cloudRun("api", func(svc map[string]any) { svc["name"] = "api-9z8y7x6" }),
			want: []string{"replace api-svc name"},
			flags: []string{
				`replace: replaced (name "api-1a2b3c4" -> "api-9z8y7x6"): the provider deletes the old one first (the program sets name, and the provider replaces a resource the program names delete-first), so it is missing until the new one exists`,
				`downtime: api-svc is deleted before its replacement exists: its URL answers nothing until the new one is ready (the provider waits up to 20 minutes for it)`,
			},
		},
		{
			name: "component rename pairs every child",
			base: cloudRun("api", nil),
			head: cloudRun("web", nil),
			want: []string{
				"replace web ",
				"replace web-svc name",
				"replace web-sa accountId",
			},
			flags: []string{
				`replace: replaced (logical name api-svc -> web-svc; name "api-1a2b3c4" -> "web-1a2b3c4"): the provider deletes the old one first (the program sets name, and the provider replaces a resource the program names delete-first), so it is missing until the new one exists`,
				`replace: replaced (logical name api-sa -> web-sa; accountId "api-1a2b3c4" -> "web-1a2b3c4"): Pulumi creates the new one and deletes the old one; service account: an account re-created with the same ID is a new identity; grants made outside this stack are lost`,
				`downtime: web-svc is deleted before its replacement exists: its URL answers nothing until the new one is ready (the provider waits up to 20 minutes for it)`,
			},
		},
		{
			name:  "created and deleted",
			base:  plnOf(res("gcp:artifactregistry/repository:Repository", "old-repo", "", map[string]any{"repositoryId": "old"})),
			head:  plnOf(res("gcp:vpcaccess/connector:Connector", "conn", "", map[string]any{"name": "c", "minInstances": 2.0})),
			want:  []string{"delete old-repo ", "create conn minInstances name"},
			flags: []string{"delete: Artifact Registry repository old-repo is deleted: the images in it are deleted with it"},
		},
		{
			name: "deleting a stateless resource raises no flag",
			base: plnOf(res("gcp:cloudrunv2/serviceIamMember:ServiceIamMember", "inv", "", map[string]any{"member": "group:g@example.com", "role": "roles/run.invoker"})),
			head: plnOf(),
			want: []string{"delete inv "},
		},
		{
			name: "renamed security group rules pair only on equal ports",
			base: plnOf(
				sgRule("lb-in-443-ipv6-xx-0", "lb-sg", 443, map[string]any{"cidrIpv6": "::/0"}),
				sgRule("lb-in-80-0-0-0-0-0", "lb-sg", 80, map[string]any{"cidrIpv4": "0.0.0.0/0"}),
			),
			head: plnOf(sgRule("lb-in-80-10-0-0-0-8", "lb-sg", 80, map[string]any{"cidrIpv4": "10.0.0.0/8"})),
			want: []string{
				"delete lb-in-443-ipv6-xx-0 ",
				"replace lb-in-80-10-0-0-0-8 cidrIpv4",
			},
			flags: []string{`replace: replaced (logical name lb-in-80-0-0-0-0-0 -> lb-in-80-10-0-0-0-8): Pulumi creates the new one and deletes the old one`},
		},
		{
			name: "a rule on another port is a delete and a create, not a rename",
			base: plnOf(sgRule("lb-in-443", "lb-sg", 443, map[string]any{"cidrIpv4": "10.0.0.0/8"})),
			head: plnOf(sgRule("lb-in-80", "lb-sg", 80, map[string]any{"cidrIpv4": "10.0.0.0/8"})),
			want: []string{
				"delete lb-in-443 ",
				"create lb-in-80 cidrIpv4 description fromPort ipProtocol securityGroupId toPort",
			},
		},
		{
			name: "a rule renamed with its security group stays paired",
			base: plnOf(
				res("aws:ec2/securityGroup:SecurityGroup", "api-sg", "", map[string]any{"vpcId": "vpc-1"}),
				sgRule("api-in", "api-sg", 443, map[string]any{"cidrIpv4": "10.0.0.0/8"}),
			),
			head: plnOf(
				res("aws:ec2/securityGroup:SecurityGroup", "web-sg", "", map[string]any{"vpcId": "vpc-1"}),
				sgRule("web-in", "web-sg", 443, map[string]any{"cidrIpv4": "10.0.0.0/8"}),
			),
			want: []string{
				"replace web-sg ",
				"replace web-in securityGroupId",
			},
			flags: []string{
				`replace: replaced (logical name api-sg -> web-sg): Pulumi creates the new one and deletes the old one`,
				`replace: replaced (logical name api-in -> web-in; securityGroupId [unknown, from api-sg] -> [unknown: new, from web-sg]): Pulumi creates the new one and deletes the old one`,
			},
		},
		{
			name: "ECS task definition revisions replace without a flag",
			base: plnOf(res("aws:ecs/taskDefinition:TaskDefinition", "td", "", map[string]any{"family": "api", "containerDefinitions": `[{"name":"app","image":"a:1"}]`})),
			head: plnOf(res("aws:ecs/taskDefinition:TaskDefinition", "td", "", map[string]any{"family": "api", "containerDefinitions": `[{"name":"app","image":"a:2"}]`})),
			want: []string{"replace td containerDefinitions[name=app].image"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := compare(t, tt.base, tt.head)
			var got []string
			for _, c := range r.Changes {
				got = append(got, string(c.Op)+" "+c.Name+" "+strings.Join(c.Paths, " "))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if got := flagLines(r); !reflect.DeepEqual(got, tt.flags) && !(len(got) == 0 && len(tt.flags) == 0) {
				t.Errorf("flags:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.flags, "\n"))
			}
		})
	}
}

func TestRenamesPairByTypeParentAndSimilarity(t *testing.T) {
	t.Parallel()
	member := func(name, secret string) plan.Resource {
		return res("gcp:secretmanager/secretIamMember:SecretIamMember", name, "", map[string]any{"secretId": secret, "member": "serviceAccount:sa", "role": "roles/secretmanager.secretAccessor"})
	}
	base := plnOf(member("m-a", "a"), member("m-b", "b"))
	head := plnOf(member("m-b2", "b"), member("m-a2", "a"))
	r := compare(t, base, head)
	got := map[string]string{}
	for _, c := range r.Changes {
		got[nameOf(c.OldURN)] = c.Name
		if c.Op != Replace || len(c.Paths) != 0 {
			t.Errorf("change %+v, want a replace with no input change", c)
		}
	}
	if want := map[string]string{"m-a": "m-a2", "m-b": "m-b2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("pairs = %v, want %v", got, want)
	}
}

func TestOrderIsDeterministic(t *testing.T) {
	t.Parallel()
	base := cloudRun("api", nil)
	head := cloudRun("web", func(svc map[string]any) { svc["ingress"] = "INGRESS_TRAFFIC_ALL" })
	first := allFormats(t, compare(t, base, head))
	for range 20 {
		if again := allFormats(t, compare(t, base, head)); !reflect.DeepEqual(again, first) {
			t.Fatalf("outputs differ between runs")
		}
	}
}
