package preview

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// call is one thing comment.js did, as the harness prints it.
type call struct {
	Call    string `json:"call"`
	Number  int    `json:"number"`
	ID      int    `json:"id"`
	Length  int    `json:"length"`
	Body    string `json:"body"`
	Message string `json:"message"`
}

// postComment runs comment.js under the harness on an artifact holding
// body for pull request 42 at sha "head"; prSHA is where the pull request
// is now and existing the body of the comment berth posted before ("" for
// none).
func postComment(t *testing.T, body, prSHA, existing string) []call {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{"comment.md": body, "pr-number": "42\n", "head-sha": "head\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script := filepath.Join(repoRoot, ".github", "actions", "comment", "comment.js")
	out, err := exec.Command("node", filepath.Join("testdata", "comment-harness.js"), script, dir, "head", prSHA, existing).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var calls []call
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var c call
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("harness line %q: %v", line, err)
		}
		calls = append(calls, c)
	}
	return calls
}

func TestTheCommentIsPostedOnlyForTheCommitTheRunBuilt(t *testing.T) {
	t.Parallel()
	calls := postComment(t, "<!-- berth-plan-diff -->\nhello", "newer", "")
	if len(calls) != 2 || calls[1].Call != "setFailed" || calls[1].Message != "pull request #42 is at newer, the run built head" {
		t.Errorf("calls = %+v", calls)
	}
}

func TestTheCommentUpdatesBerthsOwnCommentOrCreatesOne(t *testing.T) {
	t.Parallel()
	created := postComment(t, "## changes", "head", "")
	if last := created[len(created)-1]; last.Call != "createComment" || last.Number != 42 || last.Body != "<!-- berth-plan-diff -->\n## changes" {
		t.Errorf("without berth's comment: %+v", created)
	}
	updated := postComment(t, "<!-- berth-plan-diff -->\n## changes", "head", "<!-- berth-plan-diff -->\nold")
	if last := updated[len(updated)-1]; last.Call != "updateComment" || last.ID != 7 {
		t.Errorf("with berth's comment: %+v", updated)
	}
}

// bigDiff writes two plans of stack whose diff has 150 updated log groups
// and 10 deleted ones (10 delete flags), and returns berth diff's
// Markdown of them, as the preview action writes a section.
func bigDiff(t *testing.T, stack string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(file string, n int, label string) string {
		var rs []any
		for i := range n {
			rs = append(rs, map[string]any{
				"urn":  fmt.Sprintf("urn:pulumi:%s::shop::aws:cloudwatch/logGroup:LogGroup::logs-%03d", stack, i),
				"type": "aws:cloudwatch/logGroup:LogGroup", "name": fmt.Sprintf("logs-%03d", i), "custom": true,
				"parent": "", "dependsOn": []string{}, "options": map[string]any{},
				"inputs": map[string]any{"retentionInDays": 30, "tags": map[string]any{"tier": label, "team": "storefront-" + label}},
			})
		}
		raw, err := json.Marshal(map[string]any{"format": "berth-plan", "schemaVersion": 3, "project": "shop", "stack": stack, "outputs": map[string]any{}, "resources": rs})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, file)
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	out, err := exec.Command(berth(t), "diff", write("base.json", 160, "standard"), write("head.json", 150, "premium"), "--format", "markdown").Output()
	if err != nil {
		t.Fatalf("berth diff: %v", err)
	}
	return "\n" + string(out) + "\n<details><summary>Resource graph of <code>" + stack + "</code> (head)</summary>\n\n" + strings.Repeat("  r0 --> r1\n", 3000) + "\n</details>\n"
}

// TestALongCommentKeepsEveryStacksCountsAndFlags shortens the comment of
// two stacks, each with 160 changes: the graphs, details and tables go,
// every stack's counts and every flag stay.
func TestALongCommentKeepsEveryStacksCountsAndFlags(t *testing.T) {
	t.Parallel()
	dev, prod := bigDiff(t, "dev"), bigDiff(t, "prod")
	body := "<!-- berth-plan-diff -->\n## Infrastructure changes\n" + dev + prod
	if len(body) < 2*60000 {
		t.Fatalf("the body is %d characters: too short to test shortening", len(body))
	}
	last := postComment(t, body, "head", "")[1]
	if last.Length > 60000 || !strings.HasSuffix(last.Body, "_Shortened: see the full diff in the artifacts of https://example.com/run/1_\n") {
		t.Errorf("%d characters, ending %q", last.Length, last.Body[max(0, len(last.Body)-120):])
	}
	for _, section := range []string{dev, prod} {
		for _, line := range strings.Split(section, "\n") {
			keep := strings.HasPrefix(line, "### berth diff, stack ") || strings.HasPrefix(line, "| **") || strings.HasPrefix(line, "<!-- berth-plan-diff stack=")
			if keep && !strings.Contains(last.Body, line+"\n") {
				t.Errorf("the shortened comment lacks %q", line)
			}
		}
	}
	if n := strings.Count(last.Body, "| **delete** |"); n != 20 {
		t.Errorf("%d delete flags, want 20", n)
	}
	if strings.Contains(last.Body, "Resource graph") || strings.Count(last.Body, "<details>") != strings.Count(last.Body, "</details>") {
		t.Error("a graph is kept, or a <details> is cut in half")
	}
}

// TestFlagsLoseTheirReasonsBeforeTheyGo shortens a comment whose flags
// alone are over the limit: each keeps its kind and resource.
func TestFlagsLoseTheirReasonsBeforeTheyGo(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("<!-- berth-plan-diff -->\n\n<!-- berth-plan-diff stack=dev -->\n### berth diff, stack `dev`: 0 to create, 0 to update, 0 to replace, 400 to delete\n\n| Flag | Resource | Reason |\n|---|---|---|\n")
	for i := range 400 {
		fmt.Fprintf(&b, "| **delete** | `r%03d \\| x` | %s &amp; %s |\n", i, strings.Repeat("gone ", 40), strings.Repeat("\\_", 20))
	}
	last := postComment(t, b.String(), "head", "")[1]
	if last.Length > 60000 {
		t.Errorf("%d characters", last.Length)
	}
	for i := range 400 {
		if !strings.Contains(last.Body, fmt.Sprintf("| **delete** | `r%03d \\| x` | ", i)) {
			t.Errorf("flag %d is gone", i)
		}
	}
	if strings.Contains(last.Body, "&amp… |") || strings.Contains(last.Body, "\\… |") {
		t.Error("a reason is cut inside an escape")
	}
}

// TestStacksThatDoNotPlanAreShortenedWithoutCuttingTheirBlocks: fifteen
// stacks whose output fills their <pre>, and one whose flags must stay.
func TestStacksThatDoNotPlanAreShortenedWithoutCuttingTheirBlocks(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("<!-- berth-plan-diff -->\n## Infrastructure changes\n")
	for i := range 15 {
		fmt.Fprintf(&b, "\n<!-- berth-plan-diff stack=s%d -->\n### berth diff, stack `s%d`: the head revision does not plan\n\n<pre>%s</pre>\n", i, i, strings.Repeat("error &amp; more ", 250))
	}
	b.WriteString("\n<!-- berth-plan-diff stack=prod -->\n### berth diff, stack `prod`: 0 to create, 1 to update, 0 to replace, 0 to delete\n\n**1 flag to review**\n\n| Flag | Resource | Reason |\n|---|---|---|\n| **iam** | `task` | the task role may now s3:* on * |\n")
	if b.Len() <= 60000 {
		t.Fatalf("the body is %d characters: too short to test shortening", b.Len())
	}
	last := postComment(t, b.String(), "head", "")[1]
	if last.Length > 60000 {
		t.Errorf("%d characters", last.Length)
	}
	if !strings.Contains(last.Body, "| **iam** | `task` | the task role may now s3:* on * |\n") {
		t.Error("the good stack's flag is gone")
	}
	if o, c := strings.Count(last.Body, "<pre>"), strings.Count(last.Body, "</pre>"); o != 15 || c != 15 {
		t.Errorf("%d <pre> and %d </pre>, want 15 of each", o, c)
	}
	if strings.Contains(last.Body, "&am…") || strings.Contains(last.Body, "&…") {
		t.Error("a block is cut inside an entity")
	}
}
