package image

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type tokens of the resources an Image registers.
const (
	dockerImageType = "docker:index/image:Image"
	arRepoType      = "gcp:artifactregistry/repository:Repository"
	ecrRepoType     = "aws:ecr/repository:Repository"
	ecrPolicyType   = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
)

// writeFiles creates files (slash-separated names) with mode 0644 under dir.
// The mode is set explicitly so that hashes do not depend on the umask.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newContext returns a fresh build context holding a Dockerfile, one source
// file and a .dockerignore that leaves out logs.
func newContext(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile":    "FROM scratch\nCOPY hello.txt /hello.txt\n",
		"hello.txt":     "hello\n",
		".dockerignore": "*.log\n",
	})
	return dir
}

// tagOf returns the content tag of the default build of dir for platform.
func tagOf(t testing.TB, dir, platform string) string {
	t.Helper()
	tag, err := contentTag(build{context: dir, dockerfile: filepath.Join(dir, "Dockerfile"), platform: platform})
	if err != nil {
		t.Fatal(err)
	}
	return tag
}

// sinkType is the type of the test-only component that records outputs.
const sinkType = "test:index/sink:Sink"

type sinkResource struct{ pulumi.ResourceState }

// sink registers a resource whose inputs are values, the way a service takes
// an image's outputs, so that the mock records them once they resolve. The
// engine waits for every registration, so the values are there when the
// program's run returns; no test waits inside an ApplyT.
func sink(ctx *pulumi.Context, values pulumi.Map) error {
	var r sinkResource
	return ctx.RegisterResource(sinkType, "sink", values, &r)
}

// str returns the string at the dotted path of a property map, failing the
// test when it is missing or not a plain string.
func str(t testing.TB, m resource.PropertyMap, path string) string {
	t.Helper()
	v := lookup(t, m, path)
	if !v.IsString() {
		t.Fatalf("%s = %v, want a plain string", path, v)
	}
	return v.StringValue()
}

// lookup returns the value at the dotted path of a property map.
func lookup(t testing.TB, m resource.PropertyMap, path string) resource.PropertyValue {
	t.Helper()
	keys := strings.Split(path, ".")
	v := resource.NewObjectProperty(m)
	for _, k := range keys {
		if !v.IsObject() {
			t.Fatalf("%s: %v is not an object", path, v)
		}
		var ok bool
		v, ok = v.ObjectValue()[resource.PropertyKey(k)]
		if !ok {
			t.Fatalf("%s: no key %q in %v", path, k, m)
		}
	}
	return v
}

// n makes the pointer of an optional number.
func n(v int) *int { return &v }
