package stackrefs

import (
	"bytes"
	"compress/gzip"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// checkpoint is a version-3 checkpoint whose root stack has a plain
// output, a list, an object holding a secret, and a secret, stored as the
// CLI stores them (sig.Key and sig.Secret with the ciphertext). A
// component's outputs (a child resource) must not be read.
const checkpoint = `{"version":3,"checkpoint":{"stack":"organization/network/dev","latest":{
 "manifest":{"time":"2026-12-01T00:00:00Z","magic":"","version":"v3.274.1"},
 "secrets_providers":{"type":"passphrase","state":{"salt":"v1:x"}},
 "resources":[
  {"urn":"urn:pulumi:dev::network::pulumi:providers:aws::default","custom":true,"type":"pulumi:providers:aws","outputs":{"vpcId":"not-this"}},
  {"urn":"urn:pulumi:dev::network::pulumi:pulumi:Stack::network-dev","custom":false,"type":"pulumi:pulumi:Stack",
   "outputs":{"vpcId":"vpc-0abc","subnets":["subnet-a","subnet-b"],"count":2,
    "db":{"host":"db.internal","password":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","ciphertext":"v1:AAAA"}},
    "token":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","ciphertext":"v1:BBBB"}}},
  {"urn":"urn:pulumi:dev::network::pkg:index:Thing$pulumi:pulumi:Stack::inner","custom":false,"type":"pulumi:pulumi:Stack",
   "parent":"urn:pulumi:dev::network::pkg:index:Thing::t","outputs":{"vpcId":"not-this-either"}}
 ]}}}`

// wantOutputs is what the checkpoint's stack outputs read as: the secrets
// secret and unknown, never their ciphertext.
func wantOutputs() resource.PropertyMap {
	return resource.PropertyMap{
		"vpcId":   resource.NewProperty("vpc-0abc"),
		"subnets": resource.NewProperty([]resource.PropertyValue{resource.NewProperty("subnet-a"), resource.NewProperty("subnet-b")}),
		"count":   resource.NewProperty(2.0),
		"db": resource.NewProperty(resource.PropertyMap{
			"host":     resource.NewProperty("db.internal"),
			"password": unknownSecret(),
		}),
		"token": unknownSecret(),
	}
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func gzipped(t *testing.T, data string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func lookup(t *testing.T, root, project, name string) (resource.PropertyMap, bool, error) {
	t.Helper()
	return fileBackendAt("file://"+root, "", project)(name)
}

func TestBackendProjectLayout(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, filepath.Join(root, ".pulumi", "meta.yaml"), []byte("version: 1\n"))
	write(t, filepath.Join(root, ".pulumi", "stacks", "network", "dev.json"), []byte(checkpoint))
	for _, name := range []string{"organization/network/dev", "dev", "organization/dev", "/dev", "/network/dev"} {
		outs, ok, err := lookup(t, root, "network", name)
		if err != nil || !ok {
			t.Fatalf("%s: ok %v, err %v", name, ok, err)
		}
		if !outs.DeepEquals(wantOutputs()) {
			t.Errorf("%s: outputs\n%v\nwant\n%v", name, outs, wantOutputs())
		}
	}
	// From another project the short forms name that project's stack.
	if _, _, err := lookup(t, root, "app", "dev"); err == nil || !strings.Contains(err.Error(), `unknown stack "dev": no `+filepath.Join(root, ".pulumi", "stacks", "app", "dev")+".json") {
		t.Errorf("dev from project app: err = %v, want unknown stack", err)
	}
	for name, want := range map[string]string{
		"acme/network/dev":          "organization name must be 'organization'",
		"organization/a/b/c":        "must be <stack>, organization/<stack> or organization/<project>/<stack>",
		"organization/net work/dev": "project names may only contain alphanumerics, hyphens, underscores, and periods",
	} {
		if _, _, err := lookup(t, root, "network", name); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", name, err, want)
		}
	}
}

func TestBackendLegacyLayout(t *testing.T) {
	// No meta.yaml and a stack file at the top: the legacy layout, which
	// the CLI refuses unless told to read it.
	root := t.TempDir()
	write(t, filepath.Join(root, ".pulumi", "stacks", "dev.json"), []byte(checkpoint))
	t.Setenv("PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR", "")
	if _, _, err := lookup(t, root, "anything", "dev"); err == nil || !strings.Contains(err.Error(), "legacy layout, which the pinned Pulumi CLI refuses") {
		t.Errorf("legacy without the override: err = %v", err)
	}
	t.Setenv("PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR", "true")
	// There a reference is the plain stack name.
	outs, ok, err := lookup(t, root, "anything", "dev")
	if err != nil || !ok || !outs.DeepEquals(wantOutputs()) {
		t.Fatalf("legacy: %v %v %v", outs, ok, err)
	}
	if _, _, err := lookup(t, root, "anything", "organization/network/dev"); err == nil || !strings.Contains(err.Error(), "the backend's legacy layout takes a plain stack name") {
		t.Errorf("qualified name in a legacy backend: err = %v", err)
	}
	// meta.yaml version 0 is legacy too, even with no stack files.
	root0 := t.TempDir()
	write(t, filepath.Join(root0, ".pulumi", "meta.yaml"), []byte("version: 0\n"))
	if _, _, err := lookup(t, root0, "p", "dev"); err == nil || !strings.Contains(err.Error(), filepath.Join(root0, ".pulumi", "stacks", "dev")+".json") {
		t.Errorf("version 0: err = %v, want the legacy path", err)
	}
	// A file that is no stack's (a backup, an invalid name) does not make
	// the layout legacy; PULUMI_DIY_BACKEND_LEGACY_LAYOUT does.
	rootB := t.TempDir()
	write(t, filepath.Join(rootB, ".pulumi", "stacks", "dev.json.bak"), []byte(checkpoint))
	write(t, filepath.Join(rootB, ".pulumi", "stacks", "bad name.json"), []byte(checkpoint))
	write(t, filepath.Join(rootB, ".pulumi", "stacks", "p", "dev.json"), []byte(checkpoint))
	if _, ok, err := lookup(t, rootB, "p", "dev"); !ok || err != nil {
		t.Errorf("project layout beside stray files: %v %v", ok, err)
	}
	t.Setenv("PULUMI_DIY_BACKEND_LEGACY_LAYOUT", "1")
	if _, _, err := lookup(t, rootB, "p", "dev"); err == nil || !strings.Contains(err.Error(), filepath.Join(rootB, ".pulumi", "stacks", "dev")+".json") {
		t.Errorf("PULUMI_DIY_BACKEND_LEGACY_LAYOUT: err = %v, want the legacy path", err)
	}
	t.Setenv("PULUMI_DIY_BACKEND_LEGACY_LAYOUT", "")
	for meta, want := range map[string]string{"version: 2\n": "version 2 is not one the pinned Pulumi CLI reads", "{}\n": "has no version"} {
		r := t.TempDir()
		write(t, filepath.Join(r, ".pulumi", "meta.yaml"), []byte(meta))
		if _, _, err := lookup(t, r, "p", "dev"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("meta %q: err = %v, want %q", meta, err, want)
		}
	}
}

func TestBackendNewestCompressedCheckpoint(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, filepath.Join(root, ".pulumi", "meta.yaml"), []byte("version: 1\n"))
	base := filepath.Join(root, ".pulumi", "stacks", "network", "dev")
	stale := strings.Replace(checkpoint, "vpc-0abc", "vpc-stale", 1)
	write(t, base+".json", []byte(stale))
	write(t, base+".json.gz", gzipped(t, checkpoint))
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(base+".json", old, old); err != nil {
		t.Fatal(err)
	}
	outs, ok, err := lookup(t, root, "network", "dev")
	if err != nil || !ok || outs["vpcId"].StringValue() != "vpc-0abc" {
		t.Fatalf("want the newer gzip checkpoint: %v %v %v", outs, ok, err)
	}
}

func TestBackendStackWithoutUpdateAndBadCheckpoints(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, filepath.Join(root, ".pulumi", "meta.yaml"), []byte("version: 1\n"))
	stacks := filepath.Join(root, ".pulumi", "stacks", "p")
	write(t, filepath.Join(stacks, "new.json"), []byte(`{"version":3,"checkpoint":{"stack":"organization/p/new"}}`))
	write(t, filepath.Join(stacks, "old.json"), []byte(`{"version":2,"checkpoint":{}}`))
	write(t, filepath.Join(stacks, "future.json"), []byte(`{"version":5,"checkpoint":{}}`))
	write(t, filepath.Join(stacks, "featured.json"), []byte(`{"version":4,"features":["views","teleport"],"checkpoint":{}}`))
	write(t, filepath.Join(stacks, "views.json"), []byte(`{"version":4,"features":["views"],"checkpoint":{}}`))
	write(t, filepath.Join(stacks, "junk.json"), []byte(`not json`))
	outs, ok, err := lookup(t, root, "p", "new")
	if err != nil || !ok || len(outs) != 0 {
		t.Errorf("a stack never updated has no outputs: %v %v %v", outs, ok, err)
	}
	if _, ok, err := lookup(t, root, "p", "views"); !ok || err != nil {
		t.Errorf("version 4 with a supported feature: %v %v", ok, err)
	}
	for name, want := range map[string]string{
		"old":      "checkpoint version 2 predates the version 3 and 4 that berth reads",
		"future":   "unsupported checkpoint version 5",
		"featured": "this stack's deployment needs support for the following features: teleport",
		"junk":     "is not a Pulumi checkpoint",
	} {
		if _, _, err := lookup(t, root, "p", name); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", name, err, want)
		}
	}
}

func TestBackendOtherURLsAnswerNothing(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"", "https://api.pulumi.com", "s3://bucket", "gs://bucket"} {
		if outs, ok, err := fileBackendAt(url, "", "p")("organization/p/dev"); ok || err != nil || outs != nil {
			t.Errorf("%q: %v %v %v, want unknown", url, outs, ok, err)
		}
	}
}

func TestFileRoot(t *testing.T) {
	t.Parallel()
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for url, want := range map[string]string{
		"file:///var/state":                           "/var/state",
		"file:///var/state?no_tmp_dir=1":              "/var/state",
		"file:///var/state?prefix=team/a&no_tmp_dir=": "/var/state/team/a",
		"file:///var/my%20state":                      "/var/my state",
		"file:///var/state#x":                         "/var/state",
		"file://~":                                    home,
		"file://~/state":                              filepath.Join(home, "state"),
		"file://state":                                filepath.Join(wd, "project", "state"),
	} {
		got, err := fileRoot(url, "project")
		if err != nil || got != want {
			t.Errorf("fileRoot(%q) = %q, %v; want %q", url, got, err, want)
		}
	}
	for _, url := range []string{"file:///var/state?key=x", "file:///var/state?region=x"} {
		if _, err := fileRoot(url, ""); err == nil {
			t.Errorf("fileRoot(%q) accepted a parameter the file bucket refuses", url)
		}
	}
}

func TestFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "net.json")
	write(t, good, []byte(`{"vpcId":"vpc-1","token":"[secret]","db":{"password":"[secret]","port":5432},`+
		`"bucket":{"4dabf18193072939515e22adb298388d":"5cf8f73096256a8f31e491e813e4eb8e","urn":"urn:pulumi:dev::p::aws:s3/bucket:Bucket::b","id":"b-1"}}`))
	l, err := Files([]string{"organization/net/dev=" + good})
	if err != nil {
		t.Fatal(err)
	}
	outs, ok, err := l("organization/net/dev")
	want := resource.PropertyMap{
		"vpcId":  resource.NewProperty("vpc-1"),
		"token":  unknownSecret(),
		"db":     resource.NewProperty(resource.PropertyMap{"password": unknownSecret(), "port": resource.NewProperty(5432.0)}),
		"bucket": resource.MakeCustomResourceReference("urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", "b-1", ""),
	}
	if err != nil || !ok || !outs.DeepEquals(want) {
		t.Errorf("outputs %v %v %v, want %v", outs, ok, err, want)
	}
	if _, ok, _ := l("other"); ok {
		t.Error("a name not given is known")
	}
	for _, tc := range []struct {
		values []string
		want   string
	}{
		{[]string{"acme/net"}, `"acme/net": must be NAME=FILE`},
		{[]string{"a=" + good, "a=" + good}, `stack "a" given twice`},
		{[]string{"a=/dev/null"}, "a: /dev/null is a character device, not a regular file: berth reads only regular files"},
		{[]string{"a=" + filepath.Join(dir, "missing.json")}, "no such file or directory"},
	} {
		if _, err := Files(tc.values); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Files(%q): err = %v, want %q", tc.values, err, tc.want)
		}
	}
}

func TestFirst(t *testing.T) {
	t.Parallel()
	known := func(v string) Lookup {
		return func(string) (resource.PropertyMap, bool, error) {
			return resource.PropertyMap{"v": resource.NewProperty(v)}, true, nil
		}
	}
	none := func(string) (resource.PropertyMap, bool, error) { return nil, false, nil }
	outs, ok, _ := First(nil, none, known("b"), known("c"))("x")
	if !ok || outs["v"].StringValue() != "b" {
		t.Errorf("First = %v %v, want the first that knows", outs, ok)
	}
	if _, ok, _ := First(none)("x"); ok {
		t.Error("no lookup knows, yet First does")
	}
}

// TestBackendURL holds the CLI's order: PULUMI_BACKEND_URL, then
// Pulumi.yaml's backend.url, then the account logged in to.
func TestBackendURL(t *testing.T) {
	home := t.TempDir()
	write(t, filepath.Join(home, "credentials.json"), []byte(`{"current":"file:///from/login","accounts":{"file:///from/login":{}}}`))
	t.Setenv("PULUMI_HOME", home)
	t.Setenv("PULUMI_BACKEND_URL", "")
	if got := backendURL(""); got != "file:///from/login" {
		t.Errorf("logged in: %q", got)
	}
	if got := backendURL("file:///from/project"); got != "file:///from/project" {
		t.Errorf("Pulumi.yaml backend.url: %q", got)
	}
	t.Setenv("PULUMI_BACKEND_URL", "file:///from/env")
	if got := backendURL("file:///from/project"); got != "file:///from/env" {
		t.Errorf("PULUMI_BACKEND_URL: %q", got)
	}
	t.Setenv("PULUMI_BACKEND_URL", "")
	t.Setenv("PULUMI_HOME", t.TempDir())
	if got := backendURL(""); got != "" {
		t.Errorf("not logged in: %q", got)
	}
}

// TestStateValues decodes each kind of stored value as the CLI does, but
// for secrets, which stay secret and unknown.
func TestStateValues(t *testing.T) {
	t.Parallel()
	const key = "4dabf18193072939515e22adb298388d"
	values := map[string]any{
		"unknown":   "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
		"plainText": map[string]any{key: "1b47061264138c4ac30d75fd1eb44270", "plaintext": `"hunter2"`},
		"bytes":     map[string]any{key: "803fd3297a5875dc03ca845dda5d2a98", "value": "/w=="},
		"nan":       map[string]any{key: "8ad145fe-0d11-4827-bfd7-1abcbf086f5c", "value": "7ff8000000000001"},
		"asset":     map[string]any{key: "c44067f5952c0a294b673a41bacd8c17", "text": "hi", "hash": "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4"},
		"ref":       map[string]any{key: "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", "id": "b-123", "packageVersion": "6.83.4"},
		"component": map[string]any{key: "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:pulumi:dev::p::berth:index:Service::s"},
	}
	got := map[string]resource.PropertyValue{}
	for k, v := range values {
		pv, err := decode(v, stored)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		got[k] = pv
	}
	if !got["unknown"].IsComputed() {
		t.Errorf("unknown placeholder = %v", got["unknown"])
	}
	if p := got["plainText"]; !p.IsSecret() || !p.ContainsUnknowns() {
		t.Errorf("plaintext secret = %v, want secret and unknown", p)
	}
	if b := got["bytes"]; !b.IsString() || b.StringValue() != "\xff" {
		t.Errorf("byte string = %q", b.V)
	}
	if n := got["nan"]; !n.IsNumber() || !math.IsNaN(n.NumberValue()) {
		t.Errorf("NaN = %v", n)
	}
	if a := got["asset"]; !a.IsAsset() || a.AssetValue().Text != "hi" {
		t.Errorf("asset = %v", a)
	}
	if r := got["ref"]; !r.IsResourceReference() || r.ResourceReferenceValue().URN != "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b" || r.ResourceReferenceValue().ID.StringValue() != "b-123" {
		t.Errorf("resource reference = %v", r)
	}
	if r := got["component"]; !r.IsResourceReference() || func() bool { _, has := r.ResourceReferenceValue().IDString(); return has }() {
		t.Errorf("component reference = %v", r)
	}
	for want, v := range map[string]map[string]any{
		"unrecognized signature": {key: "nope"},
		"exactly one of":         {key: "1b47061264138c4ac30d75fd1eb44270"},
		"missing urn":            {key: "5cf8f73096256a8f31e491e813e4eb8e"},
		"malformed float value":  {key: "8ad145fe-0d11-4827-bfd7-1abcbf086f5c", "value": "zz"},
	} {
		if _, err := decode(map[string]any{"nested": v}, stored); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: err = %v, want %q", v, err, want)
		}
	}
}
