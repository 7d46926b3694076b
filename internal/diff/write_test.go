package diff

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
)

func TestValuePaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		old, new map[string]any
		want     string
	}{
		{"nested key", map[string]any{"a": map[string]any{"b": 1.0}}, map[string]any{"a": map[string]any{"b": 2.0}}, "a.b: 1 -> 2"},
		{"key with dots", map[string]any{"labels": map[string]any{"a.b/c": "x"}}, map[string]any{"labels": map[string]any{"a.b/c": "y"}}, `labels["a.b/c"]: "x" -> "y"`},
		{"list by index", map[string]any{"l": []any{"a", "b"}}, map[string]any{"l": []any{"a", "c", "d"}}, `l[1]: "b" -> "c"; l[2]: (none) -> "d"`},
		{"named elements match by name", map[string]any{"envs": []any{map[string]any{"name": "A", "value": "1"}, map[string]any{"name": "B", "value": "2"}}},
			map[string]any{"envs": []any{map[string]any{"name": "B", "value": "2"}}}, `envs[name=A].name: "A" -> (none); envs[name=A].value: "1" -> (none)`},
		{"JSON document compared as a document", map[string]any{"policy": `{"Statement":[{"Action":["a:B"]}]}`},
			map[string]any{"policy": `{"Statement": [{"Action": ["a:C"]}]}`}, `policy.Statement[0].Action[0]: "a:B" -> "a:C"`},
		{"JSON reformatted is no change", map[string]any{"policy": `{"a":1}`}, map[string]any{"policy": `{ "a": 1 }`}, ""},
		{"two secrets are equal", map[string]any{"s": plan.Secret{}}, map[string]any{"s": plan.Secret{}}, ""},
		{"empty object appears", map[string]any{}, map[string]any{"auto": map[string]any{}}, "auto: (none) -> {}"},
		{"type change", map[string]any{"v": "1"}, map[string]any{"v": 1.0}, `v: "1" -> 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, v := range compareValues(tt.old, tt.new, true, true, "") {
				got = append(got, v.Path+": "+render(v.Old, v.HasOld)+" -> "+render(v.New, v.HasNew))
			}
			if s := strings.Join(got, "; "); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

func TestMarkdownEscapesPlanValues(t *testing.T) {
	t.Parallel()
	base := plnOf(res("test:index:Thing", "t", "", map[string]any{"v": "a|b"}))
	head := plnOf(res("test:index:Thing", "t", "", map[string]any{"v": "`x` | <img src=x> @team"}))
	r := compare(t, base, head)
	r.Flags = append(r.Flags, Flag{Kind: KindIAM, URN: r.Changes[0].URN, Reason: "grants *x* to [y](z) | <b> @org/team"})
	var md strings.Builder
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	for _, want := range []string{
		"<!-- berth-plan-diff stack=test -->\n",
		"### berth diff, stack `test`: 0 to create, 1 to update, 0 to replace, 0 to delete\n",
		"| **iam** | `t` | grants \\*x\\* to \\[y\\](z) \\| &lt;b&gt; &#64;org/team |\n",
		"| `v` | `\"a\\|b\"` | ``\"`x` \\| <img src=x> @team\"`` |\n",
		"<details><summary><code>stack</code>: 1 change</summary>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestJSONShape(t *testing.T) {
	t.Parallel()
	base := cloudRun("api", nil)
	head := cloudRun("web", nil)
	var b strings.Builder
	if err := compare(t, base, head).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Changes []map[string]any `json:"changes"`
		Flags   []map[string]any `json:"flags"`
	}
	if err := json.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	for _, c := range doc.Changes {
		for _, k := range []string{"urn", "type", "op", "paths", "oldUrn"} {
			if _, ok := c[k]; !ok {
				t.Errorf("change %v lacks %q", c, k)
			}
		}
	}
	for _, f := range doc.Flags {
		if len(f) != 3 || f["kind"] == nil || f["urn"] == nil || f["reason"] == nil {
			t.Errorf("flag %v, want exactly kind, urn, reason", f)
		}
	}
}

// TestEveryChangeSaysItsOrder: a replacement says whether it creates or
// deletes first, as the engine will, and a dropped resource that it goes
// last, in text and markdown.
func TestEveryChangeSaysItsOrder(t *testing.T) {
	t.Parallel()
	named := func(vpc string, dbr *bool) plan.Resource {
		r := res("aws:lb/targetGroup:TargetGroup", "tg", "", map[string]any{"name": "tg", "port": 80.0, "protocol": "HTTP", "vpcId": vpc})
		r.Options.DeleteBeforeReplace = dbr
		return r
	}
	gone := res("aws:cloudwatch/logGroup:LogGroup", "old-logs", "", map[string]any{"name": "/old"})
	for _, tt := range []struct {
		dbr        *bool
		text, cell string
	}{
		{nil, "+- tg  aws:lb/targetGroup:TargetGroup  (replace, delete first)", "| replace, delete first | `tg` |"},
		{boolPtr(false), "+- tg  aws:lb/targetGroup:TargetGroup  (replace, create first)", "| replace, create first | `tg` |"},
	} {
		out := allFormats(t, compare(t, plnOf(named("vpc-1", tt.dbr), gone), plnOf(named("vpc-2", tt.dbr))))
		for format, want := range map[string]string{"text": tt.text, "markdown": tt.cell} {
			if !strings.Contains(out[format], want) {
				t.Errorf("%s lacks %q:\n%s", format, want, out[format])
			}
		}
		if !strings.Contains(out["text"], "-  old-logs  aws:cloudwatch/logGroup:LogGroup  (delete, last)") {
			t.Errorf("text lacks the deletion going last:\n%s", out["text"])
		}
	}
}
