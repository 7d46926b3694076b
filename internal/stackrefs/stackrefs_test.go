package stackrefs

import (
	"bytes"
	"compress/gzip"
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
	for _, name := range []string{"organization/network/dev", "dev", "organization/dev"} {
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
	t.Parallel()
	// No meta.yaml and a stack file at the top: the legacy layout, where a
	// reference is the plain stack name.
	root := t.TempDir()
	write(t, filepath.Join(root, ".pulumi", "stacks", "dev.json"), []byte(checkpoint))
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
	write(t, filepath.Join(stacks, "junk.json"), []byte(`not json`))
	outs, ok, err := lookup(t, root, "p", "new")
	if err != nil || !ok || len(outs) != 0 {
		t.Errorf("a stack never updated has no outputs: %v %v %v", outs, ok, err)
	}
	for name, want := range map[string]string{"old": "checkpoint version 2 is older than Pulumi v3 writes", "junk": "is not a Pulumi checkpoint"} {
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
		"file:///var/state":              "/var/state",
		"file:///var/state?no_tmp_dir=1": "/var/state",
		"file://~":                       home,
		"file://~/state":                 filepath.Join(home, "state"),
		"file://state":                   filepath.Join(wd, "project", "state"),
	} {
		got, err := fileRoot(url, "project")
		if err != nil || got != want {
			t.Errorf("fileRoot(%q) = %q, %v; want %q", url, got, err, want)
		}
	}
}

func TestFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "net.json")
	write(t, good, []byte(`{"vpcId":"vpc-1","token":"[secret]","db":{"password":"[secret]","port":5432}}`))
	l, err := Files([]string{"organization/net/dev=" + good})
	if err != nil {
		t.Fatal(err)
	}
	outs, ok, err := l("organization/net/dev")
	want := resource.PropertyMap{
		"vpcId": resource.NewProperty("vpc-1"),
		"token": unknownSecret(),
		"db":    resource.NewProperty(resource.PropertyMap{"password": unknownSecret(), "port": resource.NewProperty(5432.0)}),
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
		{[]string{"a=/dev/null"}, "a: /dev/null is not a regular file"},
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
