package image

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// repoDockerignore is the repository's own .dockerignore: ignore everything,
// then re-include the module files and the service.
const repoDockerignore = `# The image needs the module files and the service's source, nothing else.
*
!go.mod
!go.sum
!app/
app/**/*_test.go
app/**/testdata/
app/Dockerfile
Dockerfile
container_test.go
internal
`

func TestDockerignoreExcludesLikeDocker(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		patterns string
		path     string
		want     bool
	}{
		{"no patterns keep everything", "", "a/b.go", false},
		{"star ignores top-level files", repoDockerignore, "README.md", true},
		{"star ignores whole directories", repoDockerignore, ".git/HEAD", true},
		{"negation re-includes a file", repoDockerignore, "go.mod", false},
		{"negated directory re-includes its files", repoDockerignore, "app/main.go", false},
		{"negated directory re-includes nested files", repoDockerignore, "app/internal/store/store.go", false},
		{"double star matches zero directories", repoDockerignore, "app/main_test.go", true},
		{"double star matches nested directories", repoDockerignore, "app/internal/store/store_test.go", true},
		{"directory pattern ignores its files", repoDockerignore, "app/internal/store/testdata/x.sql", true},
		{"later pattern wins", repoDockerignore, "app/Dockerfile", true},
		{"pattern without slash is anchored at the root", repoDockerignore, "app/internal/x.go", false},
		{"star stays within one segment", "*.log", "logs/a.log", false},
		{"star matches at the root", "*.log", "a.log", true},
		{"leading slash is the root", "/tmp", "tmp/x", true},
		{"question mark is one character", "?.txt", "a.txt", true},
		{"question mark does not match a slash", "a?b", "a/b", false},
		{"dot is literal", "a.b", "axb", false},
		{"trailing double star", "build/**", "build/x/y", true},
		{"leading double star", "**/node_modules", "web/node_modules/x/index.js", true},
		{"comment lines are ignored", "# *.go\n", "main.go", false},
		{"negation of a file inside an ignored directory", "vendor\n!vendor/keep.go", "vendor/keep.go", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ig, err := parseDockerignore([]byte(tc.patterns))
			if err != nil {
				t.Fatal(err)
			}
			if got := ig.excludes(tc.path); got != tc.want {
				t.Errorf("excludes(%q) with %q = %v, want %v", tc.path, tc.patterns, got, tc.want)
			}
		})
	}
}

func TestDockerignoreRejectsBarePatternNegation(t *testing.T) {
	t.Parallel()
	if _, err := parseDockerignore([]byte("*\n!\n")); err == nil {
		t.Fatal("want an error for a lone \"!\"")
	}
}

func TestMayIncludeSkipsOnlyDirectoriesNoNegationReaches(t *testing.T) {
	t.Parallel()
	ig, err := parseDockerignore([]byte(repoDockerignore))
	if err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]bool{
		".git":         false,
		"infra":        false,
		"app":          true,
		"application":  true, // shares the literal prefix "app": walked, never wrongly skipped
		"components/x": false,
	} {
		if got := ig.mayInclude(dir); got != want {
			t.Errorf("mayInclude(%q) = %v, want %v", dir, got, want)
		}
	}
}

// TestContentTagIsStable pins the tag of a known context, given by a
// relative path as the tag hashes the paths too. If it fails, the tag's
// recipe changed: every image of every stack would be rebuilt and pushed
// under a new tag once. Change tagVersion together with the recipe.
func TestContentTagIsStable(t *testing.T) {
	t.Parallel()
	if got, want := tagOf(t, filepath.Join("testdata", "app"), PlatformAMD64), "adaf19e3532b"; got != want {
		t.Errorf("tag = %q, want %q", got, want)
	}
}

func TestContentTagFollowsThePathsAsGiven(t *testing.T) {
	t.Parallel()
	dir := newContext(t)
	other := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(other, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	// Same content under another path: the provider rebuilds, so the tag
	// must change too.
	if a, b := tagOf(t, dir, PlatformAMD64), tagOf(t, other, PlatformAMD64); a == b {
		t.Errorf("tag %s is the same for two context paths", a)
	}
}

func TestContentTagChangesExactlyWhenTheBuildDoes(t *testing.T) {
	t.Parallel()
	base := func(t *testing.T) (string, string) {
		dir := newContext(t)
		return dir, tagOf(t, dir, PlatformAMD64)
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string) build
		same   bool
	}{
		{"nothing changed", func(t *testing.T, dir string) build { return defaultBuild(dir) }, true},
		{"modification time only", func(t *testing.T, dir string) build {
			future := time.Now().Add(time.Hour)
			if err := os.Chtimes(filepath.Join(dir, "hello.txt"), future, future); err != nil {
				t.Fatal(err)
			}
			return defaultBuild(dir)
		}, true},
		{"ignored file added", func(t *testing.T, dir string) build {
			writeFiles(t, dir, map[string]string{"debug.log": "noise"})
			return defaultBuild(dir)
		}, true},
		{"file edited", func(t *testing.T, dir string) build {
			writeFiles(t, dir, map[string]string{"hello.txt": "hello, world\n"})
			return defaultBuild(dir)
		}, false},
		{"file added", func(t *testing.T, dir string) build {
			writeFiles(t, dir, map[string]string{"sub/new.txt": "new"})
			return defaultBuild(dir)
		}, false},
		{"file renamed", func(t *testing.T, dir string) build {
			if err := os.Rename(filepath.Join(dir, "hello.txt"), filepath.Join(dir, "hi.txt")); err != nil {
				t.Fatal(err)
			}
			return defaultBuild(dir)
		}, false},
		{"file made executable", func(t *testing.T, dir string) build {
			if err := os.Chmod(filepath.Join(dir, "hello.txt"), 0o755); err != nil {
				t.Fatal(err)
			}
			return defaultBuild(dir)
		}, false},
		{"dockerfile edited", func(t *testing.T, dir string) build {
			writeFiles(t, dir, map[string]string{"Dockerfile": "FROM scratch\n"})
			return defaultBuild(dir)
		}, false},
		{"dockerignore stops ignoring", func(t *testing.T, dir string) build {
			writeFiles(t, dir, map[string]string{"debug.log": "noise"})
			writeFiles(t, dir, map[string]string{".dockerignore": "*.tmp\n"})
			return defaultBuild(dir)
		}, false},
		{"platform", func(t *testing.T, dir string) build {
			b := defaultBuild(dir)
			b.platform = PlatformARM64
			return b
		}, false},
		{"target", func(t *testing.T, dir string) build {
			b := defaultBuild(dir)
			b.target = "build"
			return b
		}, false},
		{"build argument", func(t *testing.T, dir string) build {
			b := defaultBuild(dir)
			b.args = map[string]string{"VERSION": "2"}
			return b
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, before := base(t)
			after, err := contentTag(tc.change(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			if same := after == before; same != tc.same {
				t.Errorf("tag before %q, after %q: same = %v, want %v", before, after, same, tc.same)
			}
		})
	}
}

func TestContentTagSeparatesBuildArguments(t *testing.T) {
	t.Parallel()
	dir := newContext(t)
	a := defaultBuild(dir)
	a.args = map[string]string{"A": "1B=2"}
	b := defaultBuild(dir)
	b.args = map[string]string{"A": "1", "B": "2"}
	ta, err := contentTag(a)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := contentTag(b)
	if err != nil {
		t.Fatal(err)
	}
	if ta == tb {
		t.Errorf("different build arguments gave the same tag %q", ta)
	}
}

func TestContentTagReadsTheDockerfileSpecificIgnoreFile(t *testing.T) {
	t.Parallel()
	dir := newContext(t)
	writeFiles(t, dir, map[string]string{
		"api.Dockerfile":              "FROM scratch\n",
		"api.Dockerfile.dockerignore": "secret.txt\n",
	})
	b := build{context: dir, dockerfile: filepath.Join(dir, "api.Dockerfile"), platform: PlatformAMD64}
	before, err := contentTag(b)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"secret.txt": "changed"})
	after, err := contentTag(b)
	if err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("a file ignored by api.Dockerfile.dockerignore changed the tag")
	}
}

func TestContentTagWithTheDockerfileOutsideTheContext(t *testing.T) {
	t.Parallel()
	dir := newContext(t)
	other := t.TempDir()
	writeFiles(t, other, map[string]string{"Dockerfile": "FROM scratch\nCOPY hello.txt /\n"})
	tag, err := contentTag(build{context: dir, dockerfile: filepath.Join(other, "Dockerfile"), platform: PlatformAMD64})
	if err != nil {
		t.Fatal(err)
	}
	if len(tag) != TagLength {
		t.Errorf("tag %q has %d characters, want %d", tag, len(tag), TagLength)
	}
}

func defaultBuild(dir string) build {
	return build{context: dir, dockerfile: filepath.Join(dir, "Dockerfile"), platform: PlatformAMD64}
}
