package preview

import (
	"encoding/json"
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

func TestALongCommentDropsGraphsThenWholeSections(t *testing.T) {
	t.Parallel()
	section := func(stack string, n int) string {
		return "\n<!-- berth-plan-diff stack=" + stack + " -->\n### berth diff, stack `" + stack + "`\n\n" + strings.Repeat("| x | y |\n", n) +
			"\n<details><summary>Resource graph of <code>" + stack + "</code> (head)</summary>\n\n" + strings.Repeat("  r0 --> r1\n", 3000) + "\n</details>\n"
	}
	// Graphs alone put it over the limit: they go, the sections stay.
	body := "<!-- berth-plan-diff -->\n## Infrastructure changes\n" + section("dev", 100) + section("prod", 100)
	last := postComment(t, body, "head", "")[1]
	if last.Length > 60000 || strings.Contains(last.Body, "Resource graph") || !strings.Contains(last.Body, "stack=prod") ||
		!strings.HasSuffix(last.Body, "_Shortened: see the full diff in the artifacts of https://example.com/run/1_\n") {
		t.Errorf("%d characters, graphs kept %v, prod kept %v:\n%s", last.Length, strings.Contains(last.Body, "Resource graph"), strings.Contains(last.Body, "stack=prod"), last.Body[len(last.Body)-200:])
	}
	// Sections that are too long alone: the last ones go whole.
	body = "<!-- berth-plan-diff -->\n## Infrastructure changes\n" + section("dev", 4000) + section("prod", 4000)
	last = postComment(t, body, "head", "")[1]
	if last.Length > 60000 || strings.Contains(last.Body, "stack=prod") || !strings.Contains(last.Body, "stack=dev") || strings.Count(last.Body, "| x | y |") != 4000 {
		t.Errorf("%d characters, dev kept %v, prod kept %v", last.Length, strings.Contains(last.Body, "stack=dev"), strings.Contains(last.Body, "stack=prod"))
	}
}
