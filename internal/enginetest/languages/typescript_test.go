package languages

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/berth-dev/berth/internal/ci"
	"github.com/berth-dev/berth/internal/provider/sdkgen"
)

// tsCase is the README's TypeScript program on one cloud, told by its
// stack configuration.
type tsCase struct {
	name   string
	config map[string]string
	// created is every resource the first up creates, "create TYPE NAME".
	created []string
	// change sets config keys; changed is what the up then does.
	change  map[string]string
	changed []string
	// invalid sets config keys to values berth rejects; wantError is the
	// engine's error diagnostic, word for word.
	invalid   map[string]string
	wantError string
	urlPrefix string
}

var tsCases = []tsCase{
	{
		name: "cloudrun",
		config: map[string]string{
			"gcp:project":            "berth-test-467312",
			"orders:cloud":           "gcp",
			"orders:dbSecret":        "orders-db-url",
			"orders:dbSecretVersion": "3",
		},
		// The SDK asks for the plugin at its version, 0.1.0.
		created: created("cloudrun", "default_0_1_0"),
		change:  map[string]string{"orders:dbSecretVersion": "4"},
		changed: []string{"update gcp:cloudrunv2/service:Service orders-svc"},
		invalid: map[string]string{"orders:dbSecretVersion": "latest"},
		wantError: "berth:index:Service resource 'orders' has a problem: invalid arguments for berth:index:Service \"orders\"\n" +
			"\t\t- property service.secrets[0].version with value \"latest\" has a problem: \"latest\" is not allowed for an environment secret, which is read once per instance (allowed: a version number such as \"1\")\n",
		urlPrefix: "https://orders-",
	},
	{
		name: "fargate",
		config: map[string]string{
			"aws:region":              "us-east-1",
			"orders:cloud":            "aws",
			"orders:dbSecret":         "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf",
			"orders:vpcId":            "vpc-0a1b2c3d4e5f60718",
			"orders:publicSubnetIds":  `["subnet-0a1b2c3d4e5f60718","subnet-1a2b3c4d5e6f70819"]`,
			"orders:privateSubnetIds": `["subnet-2a3b4c5d6e7f8091a","subnet-3a4b5c6d7e8f90a1b"]`,
			"orders:certificateArn":   "arn:aws:acm:us-east-1:123456789012:certificate/8b1f0c3e-5d2a-4c6b-9e7f-0a1b2c3d4e5f",
		},
		created: created("fargate", "default_0_1_0"),
		// The certificate is the HTTPS listener's alone.
		change:  map[string]string{"orders:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"},
		changed: []string{"update aws:lb/listener:Listener orders-https"},
		invalid: map[string]string{"orders:certificateArn": "not-an-arn"},
		wantError: "berth:index:Service resource 'orders' has a problem: invalid arguments for berth:index:Service \"orders\"\n" +
			"\t\t- property aws.certificateArn with value \"not-an-arn\" has a problem: \"not-an-arn\" is not a certificate ARN (allowed: arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID)\n",
		urlPrefix: "https://internal-orders-",
	},
}

func TestTypeScriptProgramOfTheREADMERunsUnderTheEngine(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	_, err := exec.LookPath("npm")
	ci.Require(t, "npm", err)
	_, err = exec.LookPath("node")
	ci.Require(t, "node", err)

	// One Node.js project for both clouds: the README's program, the SDK
	// and @pulumi/pulumi, installed once.
	project := filepath.Join(t.TempDir(), "orders")
	installSDK(t, project)
	writeFile(t, filepath.Join(project, "index.ts"), readmeProgram(t, "typescript", "typescript"))
	// The README names the nested types' TypeScript path: this fails to
	// compile when the SDK has no such type.
	writeFile(t, filepath.Join(project, "types.ts"), `import * as berth from "@berth-dev/berth";
export const service: berth.types.input.spec.ServiceArgs = { memory: "1Gi" };
`)
	writeFile(t, filepath.Join(project, "tsconfig.json"), `{
    "compilerOptions": {
        "target": "ES2022", "module": "commonjs", "strict": true,
        "outDir": "out", "types": ["node"]
    },
    "files": ["index.ts", "types.ts"]
}
`)
	runIn(t, project, nil, filepath.Join(project, "node_modules", ".bin", "tsc"), "-p", ".")
	appContext(t, project)
	// The driver goes into the project, where Node resolves its
	// @pulumi/pulumi: the same module instance the program uses.
	script, err := os.ReadFile(filepath.Join("testdata", "automation.js"))
	if err != nil {
		t.Fatal(err)
	}
	driver := filepath.Join(project, "automation.js")
	writeFile(t, driver, string(script))

	for _, tc := range tsCases {
		t.Run(tc.name, func(t *testing.T) {
			// Not parallel: the two clouds share the project's directory,
			// which holds the stack's configuration file.
			if err := os.RemoveAll(filepath.Join(project, "Pulumi.dev.yaml")); err != nil {
				t.Fatal(err)
			}
			w := newWorld(t)
			// The README's second way: the plugin in Pulumi's plugin cache
			// (PULUMI_HOME), at the version the SDK asks for (its
			// package.json's pulumi.version).
			w.pulumi(project, "plugin", "install", "resource", "berth", "0.1.0", "--file", berthPlugin)
			runTS(t, w, project, driver, tc)
		})
	}
}

// runTS runs the program of tc through its steps.
func runTS(t *testing.T, w *world, project, driver string, tc tsCase) {
	config := maps(tc.config)
	op := func(name string, config map[string]string) tsResult {
		t.Helper()
		file := filepath.Join(w.dir, "config.json")
		writeFile(t, file, mustJSON(t, config))
		env := append(w.environ(), "BERTH_CLI_ROOT="+cliRoot)
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, "node", driver, name, file)
		cmd.Dir = project
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("node automation.js %s: %v\n%s", name, err, stderr.Bytes())
		}
		var r tsResult
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("reading what automation.js %s printed: %v\n%s", name, err, out)
		}
		return r
	}

	first := op("up", config)
	if first.Error != "" {
		t.Fatalf("pulumi up: %s", first.Error)
	}
	if got := first.steps(); !slices.Equal(got, tc.created) {
		t.Errorf("the first up did\n  %q\nwant\n  %q", got, tc.created)
	}
	if url, _ := first.Outputs["url"].(string); !strings.HasPrefix(url, tc.urlPrefix) {
		t.Errorf("url = %v, want it to start with %s", first.Outputs["url"], tc.urlPrefix)
	}
	deployed := w.live()
	if len(deployed) == 0 {
		t.Fatal("after pulumi up the fake cloud holds nothing")
	}

	preview := op("preview", config)
	if preview.Error != "" {
		t.Fatalf("a preview of the unchanged program: %s", preview.Error)
	}
	if got := preview.steps(); len(got) != 0 || preview.same() != len(tc.created) {
		t.Errorf("the preview of the unchanged program did %q and left %d unchanged, want nothing and %d", got, preview.same(), len(tc.created))
	}

	for k, v := range tc.change {
		config[k] = v
	}
	changed := op("up", config)
	if changed.Error != "" {
		t.Fatalf("pulumi up after %v: %s", tc.change, changed.Error)
	}
	if got := changed.steps(); !slices.Equal(got, tc.changed) {
		t.Errorf("the up after %v did\n  %q\nwant\n  %q", tc.change, got, tc.changed)
	}
	deployed = w.live()

	invalidConfig := maps(config)
	for k, v := range tc.invalid {
		invalidConfig[k] = v
	}
	invalid := op("up", invalidConfig)
	if invalid.Error == "" {
		t.Fatalf("pulumi up with %v succeeded, want berth's validation error", tc.invalid)
	}
	if got := invalid.errors(); !slices.Equal(got, []string{tc.wantError}) {
		t.Errorf("pulumi up with %v reported\n  %q\nwant\n  %q", tc.invalid, got, tc.wantError)
	}
	if got := w.live(); !slices.Equal(got, deployed) {
		t.Errorf("the failed up changed the cloud:\n  before %q\n  after  %q", deployed, got)
	}

	if destroyed := op("destroy", config); destroyed.Error != "" {
		t.Fatalf("pulumi destroy: %s", destroyed.Error)
	}
	if got := w.live(); len(got) != 0 {
		t.Errorf("after pulumi destroy the cloud holds %q", got)
	}
}

// tsResult is what testdata/automation.js prints.
type tsResult struct {
	Events  []apitype.EngineEvent `json:"events"`
	Outputs map[string]any        `json:"outputs"`
	Error   string                `json:"error"`
}

func (r tsResult) steps() []string  { return outcome{events: r.Events}.steps() }
func (r tsResult) same() int        { return outcome{events: r.Events}.same() }
func (r tsResult) errors() []string { return outcome{events: r.Events}.errors() }

// maps returns a copy of m.
func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// installSDK makes project a Node.js project that depends on the SDK as an
// adopter's does after `pulumi package add`: the SDK generated from the
// plugin's schema into sdks/berth (a local SDK, as the Node.js language
// host generates it), a file: dependency on it, and npm install, which
// runs the SDK's postinstall script (tsc, then a copy of package.json into
// bin/, which main names; pkg/v3 v3.274.1 codegen/nodejs/gen.go
// genNPMPackageMetadata and genPostInstallScript). Without that script the
// package has no bin/index.js and does not load.
func installSDK(t *testing.T, project string) {
	t.Helper()
	schema := w0pulumi(t, "package", "get-schema", berthPlugin)
	files, err := sdkgen.Generate([]byte(schema), "nodejs")
	if err != nil {
		t.Fatalf("generating the TypeScript SDK: %v", err)
	}
	sdk := filepath.Join(project, "sdks", "berth")
	for name, content := range files {
		writeFile(t, filepath.Join(sdk, name), string(content))
	}
	writeFile(t, filepath.Join(project, "package.json"), fmt.Sprintf(`{
    "name": "orders",
    "private": true,
    "dependencies": {
        "@berth-dev/berth": "file:sdks/berth",
        "@pulumi/pulumi": %q
    },
    "devDependencies": {
        "@types/node": %q,
        "typescript": %q
    }
}
`, sdkgen.PulumiNodeVersion, sdkgen.NodeTypesVersion, sdkgen.TypeScriptVersion))
	runIn(t, project, nil, "npm", "install", "--no-audit", "--no-fund")

	for dir, want := range map[string]map[string]string{
		project: {"@pulumi/pulumi": sdkgen.PulumiNodeVersion, "typescript": sdkgen.TypeScriptVersion, "@types/node": sdkgen.NodeTypesVersion},
		sdk:     {"typescript": sdkgen.SDKTypeScriptVersion},
	} {
		for name, version := range want {
			if got, err := sdkgen.InstalledVersion(dir, name); err != nil || got != version {
				t.Errorf("npm installed %s %q (%v) in %s, want %s", name, got, err, dir, version)
			}
		}
	}
	// One @pulumi/pulumi, the project's, that the SDK and the program share.
	if _, err := os.Stat(filepath.Join(sdk, "node_modules", "@pulumi", "pulumi")); err == nil {
		t.Errorf("npm installed a second @pulumi/pulumi for the SDK")
	}
	for _, built := range []string{"bin/index.js", "bin/package.json"} {
		if _, err := os.Stat(filepath.Join(sdk, built)); err != nil {
			t.Errorf("the SDK's postinstall did not write %s: %v", built, err)
		}
	}
}

// w0pulumi runs the CLI outside any world, for what needs no stack.
func w0pulumi(t *testing.T, args ...string) string {
	t.Helper()
	home := t.TempDir()
	w := &world{t: t, vars: map[string]string{"PULUMI_HOME": home, "PULUMI_SKIP_UPDATE_CHECK": "true"}}
	return w.pulumi(home, args...)
}

// runIn runs name with args in dir; a failure fails t.
func runIn(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	t.Logf("%s %s: %s", filepath.Base(name), strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
}
