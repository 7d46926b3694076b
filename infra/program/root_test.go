package program

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/testkit"
)

// buildContextOf runs findBuildContext under a mock engine that, like the
// Automation API's inline runtime, gives no root directory.
func buildContextOf(t *testing.T) (buildContext, error) {
	t.Helper()
	var got buildContext
	var findErr error
	err := testkit.New("berth", "dev").Run(func(ctx *pulumi.Context) error {
		got, findErr = findBuildContext(ctx)
		return nil
	}, func(info *pulumi.RunInfo) { info.RootDirectory = "" })
	if err != nil {
		t.Fatal(err)
	}
	return got, findErr
}

func TestBuildContextWithoutRootDirectoryIsFoundFromTheWorkingDirectory(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"Pulumi.yaml", filepath.Join("app", "Dockerfile")} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), []byte("name: berth\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "infra"), 0o755); err != nil {
		t.Fatal(err)
	}

	// As `pulumi up` runs the program: from infra/.
	t.Chdir(filepath.Join(root, "infra"))
	got, err := buildContextOf(t)
	if err != nil {
		t.Fatal(err)
	}
	if want := (buildContext{dir: "..", dockerfile: filepath.Join("..", "app", "Dockerfile")}); got != want {
		t.Errorf("from infra/: build context %+v, want %+v (the paths `pulumi up` uses)", got, want)
	}

	// As `berth plan` runs it: from the root.
	t.Chdir(root)
	got, err = buildContextOf(t)
	if err != nil {
		t.Fatal(err)
	}
	if want := (buildContext{dir: ".", dockerfile: filepath.Join("app", "Dockerfile")}); got != want {
		t.Errorf("from the root: build context %+v, want %+v", got, want)
	}
}

func TestBuildContextWithoutRootDirectoryOrProjectFails(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := buildContextOf(t)
	if err == nil {
		t.Fatal("found a project root in a directory tree without Pulumi.yaml")
	}
	const want = "finding the project root: the engine gave no root directory and "
	if got := err.Error(); len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("error %q, want it to start with %q", got, want)
	}
}
