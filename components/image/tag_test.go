package image

import (
	"os"
	"path/filepath"
	"strings"
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

// TestDockerignoreDecidesWhatTheTagHashes edits one file of a context under
// a .dockerignore and checks that the tag changes exactly when Docker would
// send the file: the tag hashes what the provider's matcher keeps.
func TestDockerignoreDecidesWhatTheTagHashes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		patterns string
		path     string
		ignored  bool
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
		{"pattern without slash is anchored at the root", repoDockerignore, "app/internal/x.go", false},
		{"star stays within one segment", "*.log", "logs/a.log", false},
		{"star matches at the root", "*.log", "a.log", true},
		{"leading slash is the root", "/tmp", "tmp/x", true},
		{"question mark is one character", "?.txt", "a.txt", true},
		{"trailing double star", "build/**", "build/x/y", true},
		{"leading double star", "**/node_modules", "web/node_modules/x/index.js", true},
		{"comment lines are ignored", "# *.go\n", "main.go", false},
		{"negation of a file inside an ignored directory", "vendor\n!vendor/keep.go", "vendor/keep.go", false},
		{"ignored sibling of a re-included file", "vendor\n!vendor/keep.go", "vendor/drop.go", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"Dockerfile":    "FROM scratch\n",
				".dockerignore": tc.patterns,
				tc.path:         "one",
			})
			before := tagOf(t, dir, PlatformAMD64)
			writeFiles(t, dir, map[string]string{tc.path: "two"})
			if after := tagOf(t, dir, PlatformAMD64); (after == before) != tc.ignored {
				t.Errorf("editing %s under %q: tag %s -> %s, want ignored = %v", tc.path, tc.patterns, before, after, tc.ignored)
			}
		})
	}
}

func TestDockerignoreRejectsBarePatternNegation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM scratch\n", ".dockerignore": "*\n!\n"})
	if _, err := contentTag(defaultBuild(dir)); err == nil || !strings.Contains(err.Error(), ".dockerignore") {
		t.Fatalf("want an error naming .dockerignore for a lone \"!\", got %v", err)
	}
}

// TestContentTagReadsTheIgnoreFileTheProviderReads follows the Docker
// provider's lookup (pulumi-docker v4.11.2 provider/provider.go
// getIgnorePatterns): DOCKERFILE.dockerignore beside the Dockerfile first,
// else CONTEXT/.dockerignore. Each case edits a file that the provider's
// ignore file excludes, so the provider does not rebuild and the tag must
// not change either.
func TestContentTagReadsTheIgnoreFileTheProviderReads(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		files      map[string]string
		dockerfile string
		edit       string
	}{
		{
			name: "Dockerfile.dockerignore beside the Dockerfile wins over .dockerignore",
			files: map[string]string{
				"Dockerfile":              "FROM scratch\n",
				"Dockerfile.dockerignore": "*_test.go\n",
				".dockerignore":           "*.log\n",
				"main_test.go":            "package main\n",
			},
			dockerfile: "Dockerfile",
			edit:       "main_test.go",
		},
		{
			name: "a Dockerfile of another name falls back to the context's .dockerignore",
			files: map[string]string{
				"api.Dockerfile": "FROM scratch\n",
				".dockerignore":  ".git\nREADME.md\n",
				"README.md":      "docs\n",
				".git/HEAD":      "ref: refs/heads/main\n",
			},
			dockerfile: "api.Dockerfile",
			edit:       "README.md",
		},
		{
			name: "git metadata under the fallback .dockerignore",
			files: map[string]string{
				"api.Dockerfile": "FROM scratch\n",
				".dockerignore":  ".git\n",
				".git/HEAD":      "ref: refs/heads/main\n",
			},
			dockerfile: "api.Dockerfile",
			edit:       ".git/HEAD",
		},
		{
			name: "the ignore file beside a Dockerfile outside the context's root",
			files: map[string]string{
				"docker/api.Dockerfile":              "FROM scratch\n",
				"docker/api.Dockerfile.dockerignore": "notes.txt\n",
				"notes.txt":                          "draft\n",
			},
			dockerfile: "docker/api.Dockerfile",
			edit:       "notes.txt",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			b := build{context: dir, dockerfile: filepath.Join(dir, tc.dockerfile), platform: PlatformAMD64}
			before, err := contentTag(b)
			if err != nil {
				t.Fatal(err)
			}
			writeFiles(t, dir, map[string]string{tc.edit: "edited\n"})
			after, err := contentTag(b)
			if err != nil {
				t.Fatal(err)
			}
			if before != after {
				t.Errorf("editing %s, which the provider's ignore file excludes, changed the tag %s -> %s", tc.edit, before, after)
			}
		})
	}
}

// TestContentTagIsStable pins the tag of a known context, given by a
// relative path as the tag hashes the paths too. If it fails, the tag's
// recipe changed: every image of every stack would be rebuilt and pushed
// under a new tag once. Change tagVersion together with the recipe.
func TestContentTagIsStable(t *testing.T) {
	t.Parallel()
	if got, want := tagOf(t, filepath.Join("testdata", "app"), PlatformAMD64), "12696306ad53"; got != want {
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
