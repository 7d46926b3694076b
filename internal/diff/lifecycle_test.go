package diff

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
)

// withOptions returns r with options o.
func withOptions(r plan.Resource, o plan.Options) plan.Resource {
	r.Options = o
	return r
}

func account(id string) plan.Resource {
	return res("gcp:serviceaccount/account:Account", "sa", "", map[string]any{"accountId": id, "description": "d"})
}

func TestLifecycleOptionsDecideWhatAChangeDoes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		base, head  plan.Resource
		wantOp      Op
		wantIgnored []string
		flags       []string
	}{
		{
			name: "ignoreChanges keeps a replacing input from replacing",
			base: account("a-1"), head: withOptions(account("a-2"), plan.Options{IgnoreChanges: []string{"accountId"}}),
			wantOp: Update, wantIgnored: []string{"accountId"},
		},
		{
			name: "replaceOnChanges makes an in-place input replace",
			base: account("a-1"), head: withOptions(func() plan.Resource { r := account("a-1"); r.Inputs["description"] = "e"; return r }(),
				plan.Options{ReplaceOnChanges: []string{"description"}}),
			wantOp: Replace,
			flags: []string{`replace: replaced (description "d" -> "e"): Pulumi creates the new one and deletes the old one; ` +
				`service account: an account re-created with the same ID is a new identity; grants made outside this stack are lost`},
		},
		{
			name: "deleteBeforeReplace says the resource is missing in between",
			base: account("a-1"), head: withOptions(account("a-2"), plan.Options{DeleteBeforeReplace: boolPtr(true)}),
			wantOp: Replace,
			flags: []string{`replace: replaced (accountId "a-1" -> "a-2"): deleteBeforeReplace: Pulumi deletes the old one first, so it is missing until the new one exists; ` +
				`service account: an account re-created with the same ID is a new identity; grants made outside this stack are lost`},
		},
		{
			name: "a protected resource that would be replaced fails the deploy",
			base: withOptions(account("a-1"), plan.Options{Protect: true}), head: withOptions(account("a-2"), plan.Options{Protect: true}),
			wantOp: Replace,
			flags:  []string{`replace: replaced (accountId "a-1" -> "a-2"): it is protected, so pulumi up fails until a run with protect removed`},
		},
		{
			name: "retainOnDelete keeps the old one of a replacement",
			base: account("a-1"), head: withOptions(account("a-2"), plan.Options{RetainOnDelete: true}),
			wantOp: Replace,
			flags: []string{`replace: replaced (accountId "a-1" -> "a-2"): Pulumi creates the new one and deletes the old one; ` +
				`retainOnDelete: the old one stays in the cloud, no longer managed`},
		},
		{
			name: "an option alone is an update",
			base: account("a-1"), head: withOptions(account("a-1"), plan.Options{Protect: true}),
			wantOp: Update,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := compare(t, plnOf(tt.base), plnOf(tt.head))
			if len(r.Changes) != 1 || r.Changes[0].Op != tt.wantOp {
				t.Fatalf("changes = %+v, want one %s", r.Changes, tt.wantOp)
			}
			var ignored []string
			for _, v := range r.Changes[0].Values {
				if v.Ignored {
					ignored = append(ignored, v.Path)
				}
			}
			if !reflect.DeepEqual(ignored, tt.wantIgnored) {
				t.Errorf("ignored = %v, want %v", ignored, tt.wantIgnored)
			}
			if got := flagLines(r); !reflect.DeepEqual(got, tt.flags) && !(len(got) == 0 && len(tt.flags) == 0) {
				t.Errorf("flags:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.flags, "\n"))
			}
		})
	}
}

func TestDeleteFlagsNameProtectAndRetainOnDelete(t *testing.T) {
	t.Parallel()
	repo := res("aws:ecr/repository:Repository", "repo", "", map[string]any{"name": "r"})
	tests := []struct {
		opts plan.Options
		want string
	}{
		{plan.Options{}, "delete: ECR repository repo is deleted: the images in it are deleted with it"},
		{plan.Options{Protect: true}, "delete: repo is deleted but protected: pulumi up fails until a run with protect removed"},
		{plan.Options{RetainOnDelete: true}, "delete: ECR repository repo is deleted with retainOnDelete: Pulumi stops managing it and it stays in the cloud"},
	}
	for _, tt := range tests {
		got := flagLines(compare(t, plnOf(withOptions(repo, tt.opts)), plnOf()))
		if !reflect.DeepEqual(got, []string{tt.want}) {
			t.Errorf("options %+v: flags %q, want %q", tt.opts, got, tt.want)
		}
	}
}

func TestIgnoredChangesRaiseNoFlagAndShowAsIgnored(t *testing.T) {
	t.Parallel()
	svc := func(memory string, opts plan.Options) plan.Resource {
		r := res("gcp:cloudrunv2/service:Service", "svc", "", map[string]any{"name": "s", "template": map[string]any{
			"containers": []any{map[string]any{"resources": map[string]any{"limits": map[string]any{"memory": memory}}}}}})
		r.Options = opts
		return r
	}
	r := compare(t, plnOf(svc("512Mi", plan.Options{})), plnOf(svc("1Gi", plan.Options{IgnoreChanges: []string{"template.containers"}})))
	if len(r.Flags) != 0 {
		t.Errorf("flags = %v, want none for an ignored change", flagLines(r))
	}
	out := allFormats(t, r)
	if !strings.Contains(out["text"], `template.containers[0].resources.limits.memory: "512Mi" -> "1Gi" (ignored: ignoreChanges keeps the old value)`) {
		t.Errorf("text:\n%s", out["text"])
	}
	if !strings.Contains(out["markdown"], "| `template.containers[0].resources.limits.memory` (ignored) |") {
		t.Errorf("markdown:\n%s", out["markdown"])
	}
	if !strings.Contains(out["json"], `"ignored": true`) || !strings.Contains(out["text"], `option ignoreChanges: [] -> ["template.containers"]`) {
		t.Errorf("json:\n%s\ntext:\n%s", out["json"], out["text"])
	}
}

func TestAnAliasedResourceIsTheSameResource(t *testing.T) {
	t.Parallel()
	old := res("gcp:serviceaccount/account:Account", "api-sa", "", map[string]any{"accountId": "a"})
	renamed := res("gcp:serviceaccount/account:Account", "orders-sa", "", map[string]any{"accountId": "a"})
	renamed.Options.Aliases = []string{old.URN}
	r := compare(t, plnOf(old), plnOf(renamed))
	if len(r.Changes) != 1 || r.Changes[0].Op != Update || r.Changes[0].OldURN != old.URN || len(r.Flags) != 0 {
		t.Errorf("changes %+v, flags %v; want an update of the same resource, no flag", r.Changes, flagLines(r))
	}
}

func TestAnUnknownFromAReplacedResourceIsANewValue(t *testing.T) {
	t.Parallel()
	sg := func(desc string) plan.Resource {
		return res("aws:ec2/securityGroup:SecurityGroup", "lb-sg", "", map[string]any{"description": desc, "vpcId": "vpc-1"})
	}
	rule := sgRule("lb-in", "lb-sg", 443, map[string]any{"cidrIpv4": "10.0.0.0/8"})
	same := compare(t, plnOf(sg("a"), rule), plnOf(sg("a"), rule))
	if len(same.Changes) != 0 {
		t.Errorf("unchanged plans: %+v", same.Changes)
	}
	r := compare(t, plnOf(sg("a"), rule), plnOf(sg("b"), rule))
	var got []string
	for _, c := range r.Changes {
		got = append(got, string(c.Op)+" "+c.Name+" "+strings.Join(c.Paths, " "))
	}
	// The group's description forces a new group, with a new ID: the rule
	// follows it (securityGroupId replaces a rule).
	if want := []string{"replace lb-sg description", "replace lb-in securityGroupId"}; !reflect.DeepEqual(got, want) {
		t.Errorf("changes = %v, want %v", got, want)
	}
	if !strings.Contains(allFormats(t, r)["text"], "securityGroupId: [unknown, from lb-sg] -> [unknown: new, from lb-sg]") {
		t.Errorf("text:\n%s", allFormats(t, r)["text"])
	}
}

func TestJSONValuesUseThePlanMarkers(t *testing.T) {
	t.Parallel()
	base := plnOf(res("test:index:Thing", "t", "", map[string]any{"token": "plain", "gone": 1.0, "$key": "x"}))
	head := plnOf(res("test:index:Thing", "t", "", map[string]any{"token": plan.Secret{}, "new": plan.Unknown{}, "$key": "y"}))
	out := allFormats(t, compare(t, base, head))["json"]
	for _, want := range []string{
		`"path": "[\"$key\"]",` + "\n" + `          "old": "x",` + "\n" + `          "new": "y"`,
		`"path": "gone",` + "\n" + `          "old": 1`,
		`"path": "new",` + "\n" + `          "new": {` + "\n" + `            "$unknown": true`,
		`"old": "plain",` + "\n" + `          "new": {` + "\n" + `            "$secret": true`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("json lacks %s:\n%s", want, out)
		}
	}
}

// TestDroppedInputsKeptOnlyWhereTheProviderKeepsThem drops target group
// inputs three ways. The provider keeps a Computed input the program
// stops giving (healthCheck.path), and a Computed block dropped whole
// (healthCheck): the resource stays the same. An input with a default
// inside a block the program still gives goes back to its default
// (healthCheck.interval -> 30): an update.
func TestDroppedInputsKeptOnlyWhereTheProviderKeepsThem(t *testing.T) {
	t.Parallel()
	tg := func(hc map[string]any) plan.Resource {
		in := map[string]any{"name": "api", "port": 8080.0, "protocol": "HTTP", "vpcId": "vpc-1"}
		if hc != nil {
			in["healthCheck"] = hc
		}
		return res("aws:lb/targetGroup:TargetGroup", "api", "", in)
	}
	full := map[string]any{"path": "/healthz", "interval": 10.0, "matcher": "200"}
	for name, head := range map[string]map[string]any{
		"a Computed input dropped":   {"interval": 10.0, "matcher": "200"},
		"the Computed block dropped": nil,
	} {
		if r := compare(t, plnOf(tg(full)), plnOf(tg(head))); len(r.Changes) != 0 || r.Counts.Same != 1 {
			t.Errorf("%s: changes %+v, want the target group the same", name, r.Changes)
		}
	}
	r := compare(t, plnOf(tg(full)), plnOf(tg(map[string]any{"path": "/healthz", "matcher": "200"})))
	if len(r.Changes) != 1 || r.Changes[0].Op != Update || len(r.Changes[0].Values) != 1 {
		t.Fatalf("an input with a default dropped: changes %+v, want one update", r.Changes)
	}
	if v := r.Changes[0].Values[0]; v.Path != "healthCheck.interval" || v.Kept {
		t.Errorf("value %+v, want healthCheck.interval dropped and not kept", v)
	}
}

// TestPartlyKnownValuesCompareByTheirKnownPartsAndSources runs the cases
// the plan's placeholders make: a container definition document with the
// image digest unknown where it sits, compared field by field; an unknown
// part of an updated resource that each update makes anew (a digest) is a
// new value, one the provider keeps (an ARN's suffix) is the same value.
func TestPartlyKnownValuesCompareByTheirKnownPartsAndSources(t *testing.T) {
	t.Parallel()
	img := res("docker:index/image:Image", "img", "", map[string]any{"imageName": "repo:aaa"})
	tg := res("aws:lb/targetGroup:TargetGroup", "tg", "", map[string]any{"name": "tg", "port": 80.0, "protocol": "HTTP", "vpcId": "vpc-1", "tags": map[string]any{"a": "1"}})
	digest := plan.Unknown{From: img.URN, NewOnUpdate: true}
	arnSuffix := plan.Unknown{From: tg.URN}
	taskdef := func(env string) plan.Resource {
		return res("aws:ecs/taskDefinition:TaskDefinition", "td", "", map[string]any{
			"family": "f",
			"containerDefinitions": plan.Partial{
				`[{"name":"app","image":"repo@sha256:`, digest,
				`","environment":[{"name":"LOG_LEVEL","value":"` + env + `"}],"secrets":[{"name":"DB","valueFrom":"arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:url::"}]}]`,
			},
		})
	}
	listener := res("aws:lb/listener:Listener", "l", "", map[string]any{"port": 443.0, "defaultActions": []any{map[string]any{
		"type": "forward", "targetGroupArn": plan.Partial{"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/", arnSuffix},
	}}})
	lines := func(r *Result) []string {
		var out []string
		for _, c := range r.Changes {
			for _, v := range c.Values {
				out = append(out, string(c.Op)+" "+c.Name+" "+v.Path+": "+render(v.Old, v.HasOld)+" -> "+render(v.New, v.HasNew))
			}
		}
		return out
	}

	same := compare(t, plnOf(img, tg, taskdef("info"), listener), plnOf(img, tg, taskdef("info"), listener))
	if len(same.Changes) != 0 {
		t.Errorf("identical partly known plans: %v", lines(same))
	}

	env := compare(t, plnOf(img, tg, taskdef("info"), listener), plnOf(img, tg, taskdef("debug"), listener))
	want := []string{`replace td containerDefinitions[name=app].environment[name=LOG_LEVEL].value: "info" -> "debug"`}
	if got := lines(env); !reflect.DeepEqual(got, want) {
		t.Errorf("an env change inside the container definitions:\n%v\nwant\n%v", got, want)
	}

	// A new image (its content tag changes) updates the image resource:
	// its digest is new, so the task definition changes; the target
	// group's tags update in place and its ARN stays.
	img2 := img
	img2.Inputs = map[string]any{"imageName": "repo:bbb"}
	tg2 := tg
	tg2.Inputs = map[string]any{"name": "tg", "port": 80.0, "protocol": "HTTP", "vpcId": "vpc-1", "tags": map[string]any{"a": "2"}}
	r := compare(t, plnOf(img, tg, taskdef("info"), listener), plnOf(img2, tg2, taskdef("info"), listener))
	want = []string{
		`replace td containerDefinitions[name=app].image: "repo@sha256:"+[unknown, from img] -> "repo@sha256:"+[unknown: new, from img]`,
		`update tg tags.a: "1" -> "2"`,
		`update img imageName: "repo:aaa" -> "repo:bbb"`,
	}
	if got := lines(r); !reflect.DeepEqual(got, want) {
		t.Errorf("a new image and a target group update:\n%v\nwant\n%v", got, want)
	}

	// A secret reference changed inside the JSON raises the secret flag.
	moved := taskdef("info")
	moved.Inputs["containerDefinitions"] = plan.Partial{`[{"name":"app","image":"repo@sha256:`, digest,
		`","environment":[{"name":"LOG_LEVEL","value":"info"}],"secrets":[{"name":"DB","valueFrom":"arn:aws:secretsmanager:us-east-1:1:secret:other-XyZ123"}]}]`}
	r = compare(t, plnOf(img, tg, taskdef("info"), listener), plnOf(img, tg, moved, listener))
	if got := flagLines(r); !slices.ContainsFunc(got, func(l string) bool { return strings.HasPrefix(l, "secret: ") && strings.Contains(l, "other-XyZ123") }) {
		t.Errorf("flags %v, want a secret flag naming the new reference", got)
	}
}

// TestChildrenInheritTheirParentsAliases renames a component through an
// alias: its children, named after it or not, and their own children,
// are the same resources, as the engine finds them (pkg v3.274.1
// resource/deploy/step_generator.go generateAliases).
func TestChildrenInheritTheirParentsAliases(t *testing.T) {
	t.Parallel()
	tree := func(name string, aliases ...string) []plan.Resource {
		comp := res("berth:fargate:Service", name, "", nil)
		comp.Options.Aliases = aliases
		img := res("berth:image:Image", name, comp.URN, nil)
		return []plan.Resource{
			comp,
			res("aws:ecs/cluster:Cluster", name+"-cluster", comp.URN, map[string]any{"name": "berth-app-1"}),
			res("aws:cloudwatch/logGroup:LogGroup", "logs", comp.URN, map[string]any{"name": "/berth/app"}),
			img,
			res("aws:ecr/repository:Repository", name+"-repo", img.URN, map[string]any{"name": "berth-app-1"}),
		}
	}
	old := tree("app")
	r := compare(t, plnOf(old...), plnOf(tree("web", old[0].URN)...))
	var got []string
	for _, c := range r.Changes {
		got = append(got, string(c.Op)+" "+nameOf(c.OldURN)+" -> "+c.Name)
	}
	// The log group's URN holds its parent's type, not its name: it is
	// the same resource under the same URN, unchanged.
	want := []string{
		"update app -> web",
		"update app -> web",
		"update app-cluster -> web-cluster",
		"update app-repo -> web-repo",
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) || len(r.Flags) != 0 || r.Counts.Same != 1 {
		t.Errorf("changes %v, flags %v; want every resource the same one under its new URN, no flag:\n%v", got, flagLines(r), want)
	}
}

// TestDependsOnShowsTheDependenciesLostAndGained: a resource that moves
// from one rule to another shows the one it no longer waits for and the
// one it now waits for, by name in text and by URN in JSON.
func TestDependsOnShowsTheDependenciesLostAndGained(t *testing.T) {
	t.Parallel()
	a := res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "in-8080", "", map[string]any{"fromPort": 8080.0})
	b := res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "in-9090", "", map[string]any{"fromPort": 9090.0})
	keep := res("aws:ecs/cluster:Cluster", "cluster", "", map[string]any{"name": "c"})
	svc := func(rule plan.Resource) plan.Resource {
		r := res("aws:ecs/service:Service", "svc", "", map[string]any{"name": "s"})
		r.DependsOn = []string{keep.URN, rule.URN}
		return r
	}
	r := compare(t, plnOf(keep, a, svc(a)), plnOf(keep, b, svc(b)))
	var opts []Value
	for _, c := range r.Changes {
		if c.Name == "svc" {
			opts = c.Options
		}
	}
	want := []Value{{Path: "dependsOn", Old: []any{a.URN}, New: []any{b.URN}, HasOld: true, HasNew: true}}
	if !reflect.DeepEqual(opts, want) {
		t.Errorf("svc options = %+v, want %+v", opts, want)
	}
	if text := allFormats(t, r)["text"]; !strings.Contains(text, `option dependsOn: ["in-8080"] -> ["in-9090"]`) {
		t.Errorf("text:\n%s", text)
	}
}
