package languages

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/berth-dev/berth/internal/ci"
	"github.com/berth-dev/berth/internal/fakecloud/cloud"
	"github.com/berth-dev/berth/internal/pulumicli"
)

// passphrase encrypts the test stacks' secrets.
const passphrase = "berth-languages"

// cliVersion is the Pulumi CLI version the tests expect, that of
// tools/pulumi/go.mod.
var cliVersion = semver.MustParse("3.274.1")

var (
	// repoRoot is the repository checkout.
	repoRoot string
	// fakeBin holds the fake-cloud plugins (pulumi-resource-aws, -gcp,
	// -docker), first on the engine's PATH.
	fakeBin string
	// berthPlugin is the built pulumi-resource-berth, in a directory of its
	// own that is not on PATH: each test makes it available the way the
	// README tells adopters to.
	berthPlugin string
	// cliRoot holds bin/pulumi, the CLI as the Automation APIs find it.
	cliRoot string
	// cliErr says why there is no CLI; yamlHostErr why there is no
	// pulumi-language-yaml; buildErr why the plugins did not build.
	cliErr, yamlHostErr, buildErr error
	// yamlHostDir holds pulumi-language-yaml.
	yamlHostDir string
)

func TestMain(m *testing.M) {
	code := func() int {
		tmp, err := os.MkdirTemp("", "berth-languages-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(tmp)
		setup(tmp)
		return m.Run()
	}()
	os.Exit(code)
}

// setup finds the CLI and the YAML host and builds the plugins into tmp.
func setup(tmp string) {
	wd, err := os.Getwd()
	if err != nil {
		buildErr = err
		return
	}
	repoRoot = filepath.Clean(filepath.Join(wd, "..", "..", ".."))
	if cli, err := pulumicli.Find(repoRoot); err != nil {
		cliErr = err
	} else {
		// The Automation APIs run ROOT/bin/pulumi; $BERTH_PULUMI_CLI may be
		// anywhere, so ROOT is a folder of links.
		cliRoot = filepath.Join(tmp, "cli")
		if err := os.MkdirAll(filepath.Join(cliRoot, "bin"), 0o755); err == nil {
			err = os.Symlink(cli, filepath.Join(cliRoot, "bin", "pulumi"))
			cliErr = err
		} else {
			cliErr = err
		}
	}
	if host, err := pulumicli.FindYAMLHost(); err != nil {
		yamlHostErr = err
	} else {
		yamlHostDir = filepath.Dir(host)
	}
	fakeBin = filepath.Join(tmp, "bin")
	berthPlugin = filepath.Join(tmp, "berth", "pulumi-resource-berth")
	for _, build := range [][]string{
		{"go", "build", "-o", fakeBin + string(os.PathSeparator),
			"./internal/fakecloud/cmd/pulumi-resource-aws",
			"./internal/fakecloud/cmd/pulumi-resource-gcp",
			"./internal/fakecloud/cmd/pulumi-resource-docker"},
		{"go", "build", "-o", berthPlugin, "./cmd/pulumi-resource-berth"},
	} {
		cmd := exec.Command(build[0], build[1:]...)
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%s: %v\n%s", strings.Join(build, " "), err, out)
			return
		}
	}
}

// requireEngine skips t, or fails it under CI=true, without the CLI; a
// plugin that did not build fails it.
func requireEngine(t *testing.T) {
	t.Helper()
	if buildErr != nil {
		t.Fatalf("building the plugins: %v", buildErr)
	}
	ci.Require(t, "the Pulumi CLI (scripts/setup.sh builds it)", cliErr)
}

// world is one test's fake cloud, file backend and Pulumi home.
type world struct {
	t     *testing.T
	dir   string
	cloud *cloud.Cloud
	// vars is the environment of the CLI and the plugins it starts.
	vars map[string]string
}

// newWorld makes a fresh world for t; path is prepended to the fake
// plugins on the CLI's PATH.
func newWorld(t *testing.T, path ...string) *world {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"home", "state", "cloud"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	c, err := cloud.Open(filepath.Join(dir, "cloud"))
	if err != nil {
		t.Fatal(err)
	}
	path = append(path, fakeBin, os.Getenv("PATH"))
	return &world{t: t, dir: dir, cloud: c, vars: map[string]string{
		"PULUMI_HOME":                                 filepath.Join(dir, "home"),
		"PULUMI_BACKEND_URL":                          "file://" + filepath.Join(dir, "state"),
		"PULUMI_CONFIG_PASSPHRASE":                    passphrase,
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_SKIP_CONFIRMATIONS":                   "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		cloud.DirVar:                                  filepath.Join(dir, "cloud"),
		"PATH":                                        strings.Join(path, string(os.PathListSeparator)),
	}}
}

// environ is the process environment with w's variables.
func (w *world) environ() []string {
	env := os.Environ()
	for k, v := range w.vars {
		env = append(env, k+"="+v)
	}
	return env
}

// pulumi runs the CLI with args in dir and returns its output.
func (w *world) pulumi(dir string, args ...string) string {
	w.t.Helper()
	cmd := exec.Command(filepath.Join(cliRoot, "bin", "pulumi"), args...)
	cmd.Dir = dir
	cmd.Env = w.environ()
	out, err := cmd.CombinedOutput()
	if err != nil {
		w.t.Fatalf("pulumi %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// command is the CLI for Go's Automation API, at the expected version.
func command(t *testing.T) auto.PulumiCommand {
	t.Helper()
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: cliRoot, Version: cliVersion})
	if err != nil {
		t.Fatalf("finding the Pulumi CLI: %v", err)
	}
	return cmd
}

// live returns what remains in the fake cloud (cloud.State.Remaining).
func (w *world) live() []string {
	w.t.Helper()
	s, err := w.cloud.Read()
	if err != nil {
		w.t.Fatal(err)
	}
	return s.Remaining()
}

// outcome is what one engine operation did, read from its engine events
// (the JSON lines of `pulumi --event-log`, which both Automation APIs
// stream).
type outcome struct {
	events []apitype.EngineEvent
}

// urnName is the last component of a URN.
func urnName(urn string) string {
	return urn[strings.LastIndex(urn, "::")+2:]
}

// steps returns "OP TYPE NAME" of every resource step that is not "same",
// sorted; a resource replaced shows each of its replacement steps.
func (o outcome) steps() []string {
	var out []string
	for _, ev := range o.events {
		if ev.ResourcePreEvent == nil {
			continue
		}
		m := ev.ResourcePreEvent.Metadata
		if m.Op != apitype.OpSame {
			out = append(out, fmt.Sprintf("%s %s %s", m.Op, m.Type, urnName(m.URN)))
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// same counts the resources the operation left unchanged.
func (o outcome) same() int {
	n := 0
	for _, ev := range o.events {
		if ev.ResourcePreEvent != nil && ev.ResourcePreEvent.Metadata.Op == apitype.OpSame {
			n++
		}
	}
	return n
}

// errors returns the engine's error diagnostics' messages, their colour
// directives removed, each once.
func (o outcome) errors() []string {
	var out []string
	for _, ev := range o.events {
		if d := ev.DiagnosticEvent; d != nil && d.Severity == "error" {
			msg := colorDirective.ReplaceAllString(d.Message, "")
			if !slices.Contains(out, msg) {
				out = append(out, msg)
			}
		}
	}
	return out
}

// colorDirective is the engine's markup for colours, <{%reset%}> and the
// like (sdk/go/common/diag/colors/colors.go), which an event's message
// keeps.
var colorDirective = regexp.MustCompile(`<\{%[a-z]*%\}>`)

// readmeProgram returns the code block of the README that follows the
// marker line "<!-- readme-program: NAME -->", fenced as lang. The marker
// keeps the test on the block a reader sees, wherever the section moves.
func readmeProgram(t *testing.T, name, lang string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)\n<!-- readme-program: " + regexp.QuoteMeta(name) + " -->\n```" + regexp.QuoteMeta(lang) + "\n(.*?)\n```\n")
	m := re.FindAllStringSubmatch(string(data), -1)
	if len(m) != 1 {
		t.Fatalf("README.md has %d %s blocks marked <!-- readme-program: %s -->, want 1", len(m), lang, name)
	}
	return m[0][1] + "\n"
}

// writeFile writes content to path, making its directory.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// appContext writes the ./app the programs build: a Dockerfile and a file.
// The fake docker plugin builds nothing; the image component hashes the
// context and the plugin models the build and push (internal/fakecloud/
// provider).
func appContext(t *testing.T, project string) {
	t.Helper()
	writeFile(t, filepath.Join(project, "app", "Dockerfile"), "FROM scratch\nCOPY hello /hello\n")
	writeFile(t, filepath.Join(project, "app", "hello"), "hello\n")
}

// setConfig sets the stack's configuration, values as they are given to
// `pulumi config set`.
func setConfig(t *testing.T, s auto.Stack, config map[string]string) {
	t.Helper()
	for k, v := range config {
		if err := s.SetConfig(context.Background(), k, auto.ConfigValue{Value: v}); err != nil {
			t.Fatalf("setting %s: %v", k, err)
		}
	}
}

// mustJSON is v as JSON.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
