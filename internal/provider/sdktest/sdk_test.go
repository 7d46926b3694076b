package sdktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"

	"github.com/berth-dev/berth/internal/ci"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/berth-dev/berth/internal/provider/sdkgen"
	"github.com/berth-dev/berth/internal/pulumicli"
)

// root is the module root, from this package's directory.
const root = "../../.."

// tmp holds what the tests build, shared by the tests of one run.
var tmp string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "berth-sdktest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tmp = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// need skips t, or fails it under CI=true, when a tool is missing.
func need(t *testing.T, what string, err error) {
	t.Helper()
	ci.Require(t, what, err)
}

// run runs name with args in dir and returns its output; a failure fails t.
func run(t *testing.T, dir string, env []string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s\n%s", name, strings.Join(args, " "), err, out, stderr.Bytes())
	}
	t.Logf("%s %s: %s", filepath.Base(name), strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	return out
}

// once runs a step of the shared set-up once per test run.
type once struct {
	sync.Once
	err error
}

var (
	pluginOnce, schemaOnce, sdkOnce once
	// plugin is the built pulumi-resource-berth; cli the Pulumi CLI.
	plugin, cli string
	// schemaJSON is the schema the CLI read from the plugin.
	schemaJSON []byte
)

// step runs f once and fails t with its error, then and on later calls.
func (o *once) step(t *testing.T, f func(t *testing.T) error) {
	t.Helper()
	o.Do(func() { o.err = f(t) })
	if o.err != nil {
		t.Fatal(o.err)
	}
}

// buildPlugin builds pulumi-resource-berth into tmp/bin.
func buildPlugin(t *testing.T) string {
	t.Helper()
	pluginOnce.step(t, func(t *testing.T) error {
		plugin = filepath.Join(tmp, "bin", "pulumi-resource-berth")
		run(t, root, nil, "go", "build", "-o", plugin, "./cmd/pulumi-resource-berth")
		return nil
	})
	return plugin
}

// cliSchema returns the schema that `pulumi package get-schema` reads from
// the built plugin.
func cliSchema(t *testing.T) []byte {
	t.Helper()
	c, err := pulumicli.Find(root)
	need(t, "the Pulumi CLI", err)
	bin := buildPlugin(t)
	schemaOnce.step(t, func(t *testing.T) error {
		cli = c
		schemaJSON = run(t, tmp, cliEnv(), cli, "package", "get-schema", bin)
		return nil
	})
	return schemaJSON
}

// cliEnv isolates the CLI from the machine's Pulumi home.
func cliEnv() []string {
	return []string{
		"PULUMI_HOME=" + filepath.Join(tmp, "pulumi-home"),
		"PULUMI_SKIP_UPDATE_CHECK=true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true",
	}
}

// generateSDKs writes the TypeScript SDK to tmp/sdk/nodejs and the Python
// SDK to tmp/sdk/python, generated from the CLI's schema as the language
// hosts generate them for `pulumi package add` (a local SDK).
func generateSDKs(t *testing.T) (nodeDir, pythonDir string) {
	t.Helper()
	data := cliSchema(t)
	nodeDir, pythonDir = filepath.Join(tmp, "sdk", "nodejs"), filepath.Join(tmp, "sdk", "python")
	sdkOnce.step(t, func(t *testing.T) error {
		start := time.Now()
		node, err := sdkgen.Generate(data, "nodejs")
		if err != nil {
			return fmt.Errorf("generating the TypeScript SDK: %w", err)
		}
		py, err := sdkgen.Generate(data, "python")
		if err != nil {
			return fmt.Errorf("generating the Python SDK: %w", err)
		}
		t.Logf("generating both SDKs: %s", time.Since(start).Round(time.Millisecond))
		for dir, files := range map[string]map[string][]byte{nodeDir: node, pythonDir: py} {
			for name, content := range files {
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(path, content, 0o644); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return nodeDir, pythonDir
}

// inProcessSchema is the schema the provider serves in process.
func inProcessSchema(t *testing.T) []byte {
	t.Helper()
	prov, err := provider.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := integration.NewServer(t.Context(), provider.Name, semver.MustParse(provider.Version), integration.WithProvider(prov))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.GetSchema(p.GetSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(resp.Schema)
}

func TestThePluginServesTheSchemaOfTheInProcessProvider(t *testing.T) {
	t.Parallel()
	var fromCLI, inProcess any
	if err := json.Unmarshal(cliSchema(t), &fromCLI); err != nil {
		t.Fatalf("reading the CLI's schema: %v", err)
	}
	if err := json.Unmarshal(inProcessSchema(t), &inProcess); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromCLI, inProcess) {
		t.Errorf("pulumi package get-schema returned a schema other than the in-process provider's:\n%s", cliSchema(t))
	}
}

func TestTypeScriptSDKAndTheREADMEProgramCompile(t *testing.T) {
	t.Parallel()
	_, err := exec.LookPath("npm")
	need(t, "npm", err)
	nodeDir, _ := generateSDKs(t)
	// The SDK's package.json asks for @pulumi/pulumi and TypeScript by
	// range; the test pins exact versions and skips the postinstall build,
	// which it runs itself.
	run(t, nodeDir, nil, "npm", "install", "--ignore-scripts", "--no-save", "--no-audit", "--no-fund",
		"typescript@"+sdkgen.TypeScriptVersion, "@pulumi/pulumi@"+sdkgen.PulumiNodeVersion, "@types/node@"+sdkgen.NodeTypesVersion)
	for pkg, want := range map[string]string{"typescript": sdkgen.TypeScriptVersion, "@pulumi/pulumi": sdkgen.PulumiNodeVersion} {
		if got, err := sdkgen.InstalledVersion(nodeDir, pkg); err != nil || got != want {
			t.Fatalf("npm installed %s %q (%v), want %s", pkg, got, err, want)
		}
	}
	tsc := filepath.Join(nodeDir, "node_modules", ".bin", "tsc")
	run(t, nodeDir, nil, tsc, "-p", ".") // the SDK's own build: "build": "tsc"
	if _, err := os.Stat(filepath.Join(nodeDir, "bin", "index.d.ts")); err != nil {
		t.Fatalf("the SDK build wrote no declarations: %v", err)
	}

	// The README's program, importing the SDK by its package name as a
	// project does after `pulumi package add`.
	link := filepath.Join(nodeDir, "node_modules", "@berth-dev", "berth")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(nodeDir, link); err != nil {
		t.Fatal(err)
	}
	program := filepath.Join(nodeDir, "program")
	write(t, filepath.Join(program, "index.ts"), readmeBlock(t, "typescript", "typescript"))
	write(t, filepath.Join(program, "tsconfig.json"), `{
    "compilerOptions": {
        "target": "ES2022", "module": "nodenext", "moduleResolution": "nodenext",
        "strict": true, "noEmit": true, "types": ["node"]
    },
    "files": ["index.ts"]
}
`)
	run(t, program, nil, tsc, "-p", ".")

	// An output where the Go field is plain does not compile: the schema
	// marks those fields plain, and the SDK types them without Input. The
	// image, an input, takes the same output.
	refused := filepath.Join(nodeDir, "refused")
	write(t, filepath.Join(refused, "index.ts"), `import * as pulumi from "@pulumi/pulumi";
import * as berth from "@berth-dev/berth";

const other = pulumi.output("from-another-resource");
new berth.Service("orders", {
    cloud: berth.Cloud.GCP,
    image: other,
    service: { memory: other },
    gcp: { region: "europe-west1", labels: { team: other } },
});
`)
	copyFile(t, filepath.Join(program, "tsconfig.json"), filepath.Join(refused, "tsconfig.json"))
	cmd := exec.Command(tsc, "-p", ".")
	cmd.Dir = refused
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("tsc compiled a program with outputs in plain fields")
	}
	var errs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.HasPrefix(line, "index.ts(") {
			errs = append(errs, strings.Join(strings.SplitN(line, ":", 3)[:2], ":")) // "index.ts(L,C): error TSN"
		}
	}
	want := []string{"index.ts(8,16): error TS2322", "index.ts(9,46): error TS2322"}
	if !slices.Equal(errs, want) {
		t.Errorf("tsc reported %q, want the memory and the label only, %q:\n%s", errs, want, out)
	}
}

// copyFile copies the file from to to.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, string(data))
}

func TestPythonSDKAndTheREADMEProgramCompile(t *testing.T) {
	t.Parallel()
	py, err := exec.LookPath("python3")
	need(t, "python3", err)
	_, pythonDir := generateSDKs(t)
	run(t, pythonDir, nil, py, "-m", "compileall", "-q", ".")
	program := filepath.Join(t.TempDir(), "__main__.py")
	write(t, program, readmeBlock(t, "python", "python"))
	run(t, pythonDir, nil, py, "-m", "py_compile", program)
	// pulumi is not on PyPI here: the names the program uses are checked
	// against the SDK's source instead of by importing it.
	checker, err := filepath.Abs(filepath.Join("testdata", "check_python.py"))
	if err != nil {
		t.Fatal(err)
	}
	run(t, pythonDir, nil, py, checker, filepath.Join(pythonDir, "pulumi_berth"), program)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
