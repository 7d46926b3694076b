package main_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// These tests run the built berth binary on copies of the repository's
// stack files. status and promote-by-verdict run the berthfake build,
// which answers from a script instead of a cloud (rollout_fake.go); the
// real infra program is planned to find the service.

var (
	fakeOnce sync.Once
	fakePath string
	fakeErr  error
)

// fakeBinary builds cmd/berth with the berthfake tag once per test run.
func fakeBinary(t *testing.T) string {
	t.Helper()
	fakeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "berth-e2e-fake-")
		if err != nil {
			fakeErr = err
			return
		}
		fakePath = filepath.Join(dir, "berth")
		out, err := exec.Command("go", "build", "-tags", "berthfake", "-o", fakePath, ".").CombinedOutput()
		if err != nil {
			fakeErr = &buildError{err: err, out: string(out)}
		}
	})
	if fakeErr != nil {
		t.Fatalf("building berth with berthfake: %v", fakeErr)
	}
	return fakePath
}

// stacksCopy copies Pulumi.yaml, with main pointing at the repository's
// infra/, both stack files and .dockerignore into a new directory, the
// stack files with mode 0600 to see it kept; app/, which the program builds, is a link to
// the repository's.
func stacksCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(dir, filepath.Join(root, "infra"))
	if err != nil {
		t.Fatal(err)
	}
	proj := strings.Replace(read(t, filepath.Join(root, "Pulumi.yaml")), "main: infra/\n", "main: "+rel+"/\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(proj), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "app"), filepath.Join(dir, "app")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"Pulumi.dev.yaml", "Pulumi.prod.yaml", ".dockerignore"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(read(t, filepath.Join(root, f))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// runIn runs bin in dir with env added.
func runIn(t *testing.T, bin, dir string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return o.String(), e.String(), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return o.String(), e.String(), 0
}

// withCanary is the stack file with lines inserted below "  berth:service:".
func withCanary(file string, lines ...string) string {
	return strings.Replace(file, "  berth:service:\n", "  berth:service:\n"+strings.Join(lines, "\n")+"\n", 1)
}

func TestRolloutAbortAndPromoteReleaseWriteOnlyTheCanaryLines(t *testing.T) {
	t.Parallel()
	dir := stacksCopy(t)
	prod := filepath.Join(dir, "Pulumi.prod.yaml")
	original := read(t, prod)
	const arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/berth-app-da1ef50:7"

	stdout, stderr, code := runIn(t, berthBinary(t), dir, nil, "rollout", "abort", "--stack", "prod")
	if code != 0 || stdout != "wrote berth:service.rollout.canary.abort: true in Pulumi.prod.yaml\nreview it in a pull request; 'berth plan --stack prod' shows what it deploys\n" {
		t.Fatalf("abort: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if got, want := read(t, prod), withCanary(original, "    rollout:", "      canary:", "        abort: true"); got != want {
		t.Errorf("after abort:\n%s\nwant:\n%s", got, want)
	}

	stdout, stderr, code = runIn(t, berthBinary(t), dir, nil, "rollout", "promote", "--stack", "prod", "--release", arn)
	if code != 0 || stdout != "wrote berth:service.rollout.canary.stable: "+arn+" in Pulumi.prod.yaml\nreview it in a pull request; 'berth plan --stack prod' shows what it deploys\n" {
		t.Fatalf("promote: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if got, want := read(t, prod), withCanary(original, "    rollout:", "      canary:", "        stable: "+arn); got != want {
		t.Errorf("after promote:\n%s\nwant:\n%s", got, want)
	}
	info, err := os.Stat(prod)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the stack file's mode is %v (%v), want 0600", info.Mode().Perm(), err)
	}

	stdout, _, code = runIn(t, berthBinary(t), dir, nil, "rollout", "promote", "--stack", "prod", "--release", arn)
	if code != 0 || stdout != "Pulumi.prod.yaml already holds berth:service.rollout.canary.stable: "+arn+"; nothing written\n" {
		t.Errorf("a second promote: exit %d, stdout %q", code, stdout)
	}
}

func TestRolloutRefusesKeysItCannotEditAndNamesThem(t *testing.T) {
	t.Parallel()
	dir := stacksCopy(t)
	dev := filepath.Join(dir, "Pulumi.dev.yaml")
	// A secure value of another namespace, which the project's schema does
	// not govern.
	secure := read(t, dev) + "  app:token:\n    secure: v1:2Kj4OTSYgtv4Jz+m:5+Y21Zd9W267LY0W3msVQ/Ky3mQHbBop9U7wLDHBAK/znXh1PXymo7wsjLspkgU=\n"
	if err := os.WriteFile(dev, []byte(secure), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args       []string
		code       int
		wantStderr string
	}{
		{[]string{"abort", "--stack", "dev", "--key", "app:token"}, 1,
			"berth: Pulumi.dev.yaml: app:token holds a secure value, not a map of settings; berth does not edit secrets: edit the file by hand\n"},
		{[]string{"abort", "--stack", "dev", "--key", "cloud"}, 1,
			"berth: Pulumi.dev.yaml: berth:cloud is a single value, not a map of settings\n"},
		{[]string{"promote", "--stack", "dev", "--release", "a", "--force"}, 2,
			"berth rollout promote: --release writes the release without a plan or a verdict: --force, --set and --timeout do not go with it\nRun 'berth rollout promote -h' for usage.\n"},
		{[]string{"abort", "--stack", "dev", "--release", "a"}, 2,
			"berth rollout abort: flag provided but not defined: --release\nRun 'berth rollout abort -h' for usage.\n"},
		{[]string{"undo", "--stack", "dev"}, 2,
			"berth rollout: unknown command \"undo\" (commands: status, promote, abort)\nRun 'berth rollout -h' for usage.\n"},
	}
	for _, tt := range tests {
		stdout, stderr, code := runIn(t, berthBinary(t), dir, nil, append([]string{"rollout"}, tt.args...)...)
		if code != tt.code || stderr != tt.wantStderr || stdout != "" {
			t.Errorf("berth rollout %s: exit %d, want %d\nstdout: %q\nstderr: %q\nwant:   %q", strings.Join(tt.args, " "), code, tt.code, stdout, stderr, tt.wantStderr)
		}
	}
	if read(t, dev) != secure {
		t.Error("a refused edit changed the stack file")
	}
}

// script writes a fake cloud's answer: the canary, 10% since 18:00, and
// the stable release.
func script(t *testing.T, now string, canaryRequests, canaryErrors int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "metrics.json")
	s := `{"now": "` + now + `", "canarySince": "2026-12-07T18:00:00Z",
 "stable": {"name": "berth-app-8c6beed-a1b2c3d4", "percent": 90, "requests": 13770, "errors": 41},
 "canary": {"name": "berth-app-8c6beed-e5f6a7b8", "percent": 10, "requests": ` + strconv.Itoa(canaryRequests) + `, "errors": ` + strconv.Itoa(canaryErrors) + `}}`
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRolloutStatusJudgesTheCanaryAndPromoteWritesItOnlyOnAPromoteVerdict(t *testing.T) {
	t.Parallel()
	dir := stacksCopy(t)
	dev := filepath.Join(dir, "Pulumi.dev.yaml")
	original := read(t, dev)
	bin := fakeBinary(t)

	// Enable the canary: the stable release is the one serving now.
	if _, stderr, code := runIn(t, bin, dir, nil, "rollout", "promote", "--stack", "dev", "--release", "berth-app-8c6beed-a1b2c3d4"); code != 0 {
		t.Fatalf("promote --release: exit %d: %s", code, stderr)
	}
	enabled := read(t, dev)
	const service = "Cloud Run service berth-app-8c6beed (project berth-dev-467312, region us-central1)\n"
	const budget = "budget: at most 5% 5xx over at least 100 requests, observed for 30m\n"
	tests := []struct {
		name     string
		args     []string
		script   string
		code     int
		stdout   string
		stderr   string
		wantFile string
	}{
		{"status: too few requests wait", []string{"status"}, script(t, "2026-12-07T18:06:00Z", 12, 0), 3,
			service +
				"  stable   90%  13,770 requests    0.3% 5xx  berth-app-8c6beed-a1b2c3d4\n" +
				"  canary   10%      12 requests    0.0% 5xx  berth-app-8c6beed-e5f6a7b8, serving for 6m\n" +
				budget + "wait: 12 of 100 requests in 6m of 30m, 0.0% 5xx so far\n", "", enabled},
		{"status: a failing canary aborts", []string{"status"}, script(t, "2026-12-07T18:06:00Z", 1204, 86), 4,
			service +
				"  stable   90%  13,770 requests    0.3% 5xx  berth-app-8c6beed-a1b2c3d4\n" +
				"  canary   10%   1,204 requests    7.1% 5xx  berth-app-8c6beed-e5f6a7b8, serving for 6m\n" +
				budget + "abort: 7.1% of 1,204 requests answered 5xx, above the 5% budget\n", "", enabled},
		{"promote refuses a wait verdict and writes nothing", []string{"promote"}, script(t, "2026-12-07T18:06:00Z", 12, 0), 3,
			service +
				"  stable   90%  13,770 requests    0.3% 5xx  berth-app-8c6beed-a1b2c3d4\n" +
				"  canary   10%      12 requests    0.0% 5xx  berth-app-8c6beed-e5f6a7b8, serving for 6m\n" +
				budget + "wait: 12 of 100 requests in 6m of 30m, 0.0% 5xx so far\n",
			"berth: not promoted, nothing written: the verdict is wait (--force promotes anyway)\n", enabled},
		{"promote writes the canary on a promote verdict", []string{"promote"}, script(t, "2026-12-07T18:30:00Z", 1530, 6), 0,
			service +
				"  stable   90%  13,770 requests    0.3% 5xx  berth-app-8c6beed-a1b2c3d4\n" +
				"  canary   10%   1,530 requests    0.4% 5xx  berth-app-8c6beed-e5f6a7b8, serving for 30m\n" +
				budget + "promote: 0.4% 5xx over 1,530 requests in 30m, within the 5% budget\n" +
				"wrote berth:service.rollout.canary.stable: berth-app-8c6beed-e5f6a7b8 in Pulumi.dev.yaml\n" +
				"review it in a pull request; 'berth plan --stack dev' shows what it deploys\n", "",
			withCanary(original, "    rollout:", "      canary:", "        stable: berth-app-8c6beed-e5f6a7b8")},
	}
	for _, tt := range tests {
		stdout, stderr, code := runIn(t, bin, dir, []string{"BERTH_FAKE_METRICS=" + tt.script}, append([]string{"rollout"}, append(tt.args, "--stack", "dev")...)...)
		if code != tt.code || stdout != tt.stdout || stderr != tt.stderr {
			t.Errorf("%s: exit %d, want %d\nstdout:\n%s\nwant:\n%s\nstderr: %q\nwant:   %q", tt.name, code, tt.code, stdout, tt.stdout, stderr, tt.stderr)
		}
		if got := read(t, dev); got != tt.wantFile {
			t.Errorf("%s: the stack file:\n%s\nwant:\n%s", tt.name, got, tt.wantFile)
		}
	}

	// Aborted, the canary has nothing to judge.
	if _, _, code := runIn(t, bin, dir, nil, "rollout", "abort", "--stack", "dev"); code != 0 {
		t.Fatalf("abort: exit %d", code)
	}
	_, stderr, code := runIn(t, bin, dir, []string{"BERTH_FAKE_METRICS=" + script(t, "2026-12-07T18:30:00Z", 1530, 6)}, "rollout", "status", "--stack", "dev")
	if code != 1 || stderr != "berth: nothing to judge: berth:service.rollout.canary.abort is true: the canary serves no requests\n" {
		t.Errorf("status of an aborted canary: exit %d, stderr %q", code, stderr)
	}
}

// TestRolloutStatusFindsTheFargateLanesInTheProdPlan: on the prod stack
// (Fargate) berth plans the program offline and finds both lanes, their
// cluster and the region, then judges the scripted counts; without
// aws:allowedAccountIds the plan does not know the account in the
// cluster's ARN, and the cluster is found by name.
func TestRolloutStatusFindsTheFargateLanesInTheProdPlan(t *testing.T) {
	t.Parallel()
	dir := stacksCopy(t)
	prod := filepath.Join(dir, "Pulumi.prod.yaml")
	noAccount := strings.Replace(read(t, prod), "  aws:allowedAccountIds:\n    - \"123456789012\"\n", "", 1)
	if noAccount == read(t, prod) {
		t.Fatal("Pulumi.prod.yaml no longer pins aws:allowedAccountIds as this test expects")
	}
	if err := os.WriteFile(prod, []byte(noAccount), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := fakeBinary(t)
	stable := "arn:aws:ecs:us-east-1:123456789012:task-definition/berth-app-da1ef50:7"
	if _, stderr, code := runIn(t, bin, dir, nil, "rollout", "promote", "--stack", "prod", "--release", stable); code != 0 {
		t.Fatalf("promote --release: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := runIn(t, bin, dir, []string{"BERTH_FAKE_METRICS=" + script(t, "2026-12-07T18:06:00Z", 1204, 86)}, "rollout", "status", "--stack", "prod")
	const want = "Fargate service berth-app-da1ef50 with canary lane berth-app-canary-da1ef50 (cluster berth-app-da1ef50, region us-east-1)\n"
	if code != 4 || !strings.HasPrefix(stdout, want) || !strings.HasSuffix(stdout, "abort: 7.1% of 1,204 requests answered 5xx, above the 5% budget\n") {
		t.Errorf("status on prod: exit %d, want 4\nstdout:\n%s\nwant it to start with %q and end with the abort verdict\nstderr: %s", code, stdout, want, stderr)
	}
}
