package preview

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// repoRoot is this checkout.
var repoRoot, _ = filepath.Abs(filepath.Join("..", ".."))

var (
	buildOnce sync.Once
	berthBin  string
	buildErr  error
)

// berth builds cmd/berth once per test run.
func berth(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "berth-preview-")
		if err != nil {
			buildErr = err
			return
		}
		berthBin = filepath.Join(dir, "berth")
		cmd := exec.Command("go", "build", "-o", berthBin, "./cmd/berth")
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building berth: %v", buildErr)
	}
	return berthBin
}

// git runs git in dir and returns its output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// repo is a temporary git repository holding an adopter project in
// deploy/, with the base and head revisions checked out beside it.
type repo struct {
	base, head string // the project's directory in each checkout
	headSHA    string
}

// newRepo copies fixture into deploy/ of a new repository, commits it as
// the base, applies change, commits the head, and checks both out.
func newRepo(t *testing.T, fixture string, change func(project string)) repo {
	t.Helper()
	root := t.TempDir()
	work := filepath.Join(root, "work")
	project := filepath.Join(work, "deploy")
	if err := os.CopyFS(project, os.DirFS(filepath.Join("testdata", fixture))); err != nil {
		t.Fatal(err)
	}
	// A fixture that uses berth's components replaces berth by this
	// checkout, relative to where the fixture lives.
	mod := filepath.Join(project, "go.mod")
	b, err := os.ReadFile(mod)
	if err != nil {
		t.Fatal(err)
	}
	b = regexp.MustCompile(`(?m)^replace github.com/berth-dev/berth => .*$`).ReplaceAll(b, []byte("replace github.com/berth-dev/berth => "+repoRoot))
	if err := os.WriteFile(mod, b, 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, work, "init", "-q")
	git(t, work, "add", "-A")
	git(t, work, "commit", "-q", "-m", "base")
	baseSHA := git(t, work, "rev-parse", "HEAD")
	change(project)
	git(t, work, "add", "-A")
	git(t, work, "commit", "-q", "-m", "head")
	r := repo{headSHA: git(t, work, "rev-parse", "HEAD")}
	git(t, work, "worktree", "add", "-q", filepath.Join(root, "base"), baseSHA)
	git(t, work, "worktree", "add", "-q", "--detach", filepath.Join(root, "head"), r.headSHA)
	r.base, r.head = filepath.Join(root, "base", "deploy"), filepath.Join(root, "head", "deploy")
	return r
}

// edit rewrites a file of the project with replacements (old, new, ...).
func edit(t *testing.T, path string, pairs ...string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("%s has no %q", path, pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// planDiff runs the action's script and returns its exit status, the
// comment and the files it wrote.
func planDiff(t *testing.T, r repo, stacks, failOn string) (int, string, string) {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command(filepath.Join(repoRoot, ".github", "actions", "plan-diff", "plan-diff.sh"))
	cmd.Env = append(os.Environ(),
		"BERTH="+berth(t), "BASE_DIR="+r.base, "HEAD_DIR="+r.head, "STACKS="+stacks,
		"OUT="+out, "PR_NUMBER=42", "HEAD_SHA="+r.headSHA, "FAIL_ON="+failOn,
		"BERTH_CACHE_DIR="+filepath.Join(out, "cache"))
	log, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	comment, err := os.ReadFile(filepath.Join(out, "comment.md"))
	if err != nil {
		t.Fatalf("no comment.md (exit %d):\n%s", code, log)
	}
	for file, want := range map[string]string{"pr-number": "42\n", "head-sha": r.headSHA + "\n"} {
		if b, _ := os.ReadFile(filepath.Join(out, file)); string(b) != want {
			t.Errorf("%s = %q, want %q", file, b, want)
		}
	}
	return code, string(comment), string(log)
}

// wantLines fails t for each line that comment lacks.
func wantLines(t *testing.T, comment string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(comment, l) {
			t.Errorf("comment lacks %q", l)
		}
	}
	if t.Failed() {
		t.Logf("comment:\n%s", comment)
	}
}

func TestThePreviewCommentsOnTwoRevisionsOfAnAdoptersProject(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "shop", func(project string) {
		edit(t, filepath.Join(project, "Pulumi.staging.yaml"),
			"    - ecr:GetDownloadUrlForLayer\n", "    - ecr:GetDownloadUrlForLayer\n    - s3:*\n",
			"shop:secretId: shop-db", "shop:secretId: shop-database\n  shop:retentionDays: 30")
		// A stack the pull request adds.
		b, err := os.ReadFile(filepath.Join(project, "Pulumi.staging.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		prod := strings.ReplaceAll(strings.ReplaceAll(string(b), "shop-staging", "shop-prod"), "eu-west-1", "eu-central-1")
		if err := os.WriteFile(filepath.Join(project, "Pulumi.prod.yaml"), []byte(prod), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	code, comment, log := planDiff(t, r, "staging prod qa", "")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, log)
	}
	if !strings.HasPrefix(comment, "<!-- berth-plan-diff -->\n## Infrastructure changes\n\nOffline plans of the base branch and of this pull request merged into it (head "+r.headSHA+")") {
		t.Errorf("comment does not start with the marker and header:\n%s", comment)
	}
	wantLines(t, comment,
		"<!-- berth-plan-diff stack=staging -->\n### berth diff, stack `staging`: 0 to create, 2 to update, 2 to replace, 0 to delete\n",
		"| **iam** | `app-read` | policy allows wildcard actions: \"s3:\\*\" |",
		"| **replace** | `db` | replaced (secretId \"shop-db\" -&gt; \"shop-database\"): the provider deletes the old one first (it replaces every gcp:secretmanager/secret:Secret delete-first), so it is missing until the new one exists; Secret Manager secret: every version of it is destroyed |",
		"| `retentionInDays` | `7` | `30` |",
		"<!-- berth-plan-diff stack=prod -->\n### berth diff, stack `prod`: 7 to create, 0 to update, 0 to replace, 0 to delete\n",
		"_The base revision has no stack prod; everything below is new._",
		"<details><summary>Resource graph of <code>staging</code> (head)</summary>\n\n```mermaid\nflowchart LR\n",
		"| **replace** | `ci-reads-db` | replaced (secretId \"shop-db\" -&gt; \"shop-database\"): Pulumi creates the new one and deletes the old one |",
		"| **iam** | `ci-reads-db` | grants roles/secretmanager.secretAccessor to serviceAccount:shop-ci&#64;shop-staging.iam.gserviceaccount.com on secretId=shop-database |",
	)
	if strings.Contains(comment, "stack=qa") || !strings.Contains(log, "berth: stack qa has no Pulumi.qa.yaml on the head revision; skipped") {
		t.Errorf("stack qa, which neither revision has, is not skipped:\n%s", log)
	}
	if strings.Index(comment, "stack=staging") > strings.Index(comment, "stack=prod") {
		t.Error("sections are not in the order of STACKS")
	}

	// A gate on iam flags: the comment is written, the step fails.
	code, gated, _ := planDiff(t, r, "staging", "iam")
	if code != 3 || !strings.Contains(gated, "policy allows wildcard actions") {
		t.Errorf("--fail-on iam: exit %d, want 3 with the comment written:\n%s", code, gated)
	}
	if code, _, _ := planDiff(t, r, "staging", "exposure"); code != 0 {
		t.Errorf("--fail-on exposure: exit %d, want 0: nothing is exposed", code)
	}
}

func TestAHeadThatDoesNotPlanGetsASectionSayingWhy(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "shop", func(project string) {
		edit(t, filepath.Join(project, "Pulumi.staging.yaml"), "shop:secretId: shop-db", "shop:secretid: shop-db")
	})
	code, comment, _ := planDiff(t, r, "staging", "")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	wantLines(t, comment,
		"### berth diff, stack `staging`: the head revision does not plan\n\n<pre>",
		`invalid configuration of stack &quot;staging&quot;:`,
		"shop:secretId: required (Pulumi.yaml declares it with type string and no default); set it in Pulumi.staging.yaml",
		"shop:secretid: not declared in Pulumi.yaml&apos;s config (did you mean shop:secretId?",
	)
}

func TestThePreviewCommentsOnAProjectThatUsesBerthsComponents(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "shop-berth", func(project string) {
		edit(t, filepath.Join(project, "Pulumi.staging.yaml"), "gcp:region: europe-west1", "gcp:region: europe-west1\n  orders:memory: 1Gi")
	})
	code, comment, log := planDiff(t, r, "staging", "")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, log)
	}
	wantLines(t, comment,
		"### berth diff, stack `staging`: 0 to create, 1 to update, 0 to replace, 0 to delete\n",
		"| **capacity** | `orders-svc` | memory \"512Mi\" -&gt; \"1Gi\" (template.containers\\[0\\].resources.limits.memory) |",
		"<details><summary><code>berth:cloudrun:Service orders</code>: 1 change</summary>",
	)
}

// TestStacksThatAreNotStackNamesAreRefused runs the action's script with a
// stack name that would close the comment marker and leave the directory.
func TestStacksThatAreNotStackNamesAreRefused(t *testing.T) {
	t.Parallel()
	for _, stack := range []string{"--->", "../../etc", "dev<img>"} {
		out := t.TempDir()
		cmd := exec.Command(filepath.Join(repoRoot, ".github", "actions", "plan-diff", "plan-diff.sh"))
		cmd.Env = append(os.Environ(), "BERTH=/bin/false", "BASE_DIR="+out, "HEAD_DIR="+out, "STACKS=dev "+stack,
			"OUT="+out, "PR_NUMBER=42", "HEAD_SHA=0")
		log, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("STACKS=%q: %v, want exit 2", stack, err)
		}
		want := fmt.Sprintf("berth: STACKS holds %s, which is not a stack name (allowed: letters, digits, -, _ and ., at most 100)\n", shellQuote(stack))
		if string(log) != want {
			t.Errorf("STACKS=%q: log %q, want %q", stack, log, want)
		}
		if _, err := os.Stat(filepath.Join(out, "comment.md")); err == nil {
			t.Errorf("STACKS=%q: a comment was written", stack)
		}
	}
}

// shellQuote is bash's printf %q of the names above.
func shellQuote(s string) string {
	return map[string]string{"--->": `---\>`, "../../etc": "../../etc", "dev<img>": `dev\<img\>`}[s]
}
