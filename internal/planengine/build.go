package planengine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// buildVersion changes whenever the build command or the manifest changes,
// so that binaries of an older berth are not reused.
const buildVersion = "berth-build-1"

// goEnvKeys are the `go env` settings that change what `go build` makes.
var goEnvKeys = []string{
	"GOVERSION", "GOOS", "GOARCH", "GOFLAGS", "CGO_ENABLED", "GOEXPERIMENT", "GOTOOLCHAIN",
	"GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM",
	"CC", "CXX", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS",
	"GOMOD", "GOWORK", "GOROOT", "GOMODCACHE",
}

// BuildError is a program that does not compile.
type BuildError struct {
	// Project is the project's name.
	Project string
	// Dir is the directory of the program's main package.
	Dir string
	// Output is what `go build` printed.
	Output string
}

// Error names the project and quotes the compiler.
func (e *BuildError) Error() string {
	return fmt.Sprintf("project %q: compiling the program in %s failed:\n%s", e.Project, e.Dir, strings.TrimRight(e.Output, "\n"))
}

// manifest lists what a cached binary was built from: the files of every
// package outside the module cache and GOROOT (the program's own module,
// local replacements, a vendor directory), the names in their directories,
// and the module files. Packages in the module cache are immutable and
// pinned by the go.mod and go.sum listed here.
type manifest struct {
	Files map[string]string   `json:"files"` // path -> SHA-256
	Dirs  map[string][]string `json:"dirs"`  // directory -> sorted entry names
}

// buildProgram returns the binary of the Go main package in dir, built as
// the Pulumi Go language host builds it (`go build -buildvcs=false
// -trimpath -ldflags "-w -s"`, pulumi-language-go compileProgram), and
// whether it had to be built. A binary is reused while `go env`, the
// program's local sources and its module files are unchanged: cacheDir
// holds one entry per program directory and Go environment, with the
// manifest it was built from. progress, when not nil, hears that a
// compilation starts.
func buildProgram(ctx context.Context, project, dir, cacheDir string, progress io.Writer) (string, bool, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", false, fmt.Errorf("project %q: berth plan compiles the program with the go command, which is not on PATH", project)
	}
	env, vars, err := goEnv(ctx, goBin, dir)
	if err != nil {
		return "", false, fmt.Errorf("project %q: %w", project, err)
	}
	sum := sha256.Sum256([]byte(buildVersion + "\x00" + dir + "\x00" + env))
	entry := filepath.Join(cacheDir, "programs", hex.EncodeToString(sum[:16]))
	if err := os.MkdirAll(entry, 0o755); err != nil {
		return "", false, fmt.Errorf("creating the program cache: %w", err)
	}
	unlock, err := lock(filepath.Join(entry, "lock"))
	if err != nil {
		return "", false, fmt.Errorf("locking the program cache: %w", err)
	}
	defer unlock()

	bin := filepath.Join(entry, "program")
	if m, err := readManifest(filepath.Join(entry, "manifest.json")); err == nil && m.current() {
		if _, err := os.Stat(bin); err == nil {
			return bin, false, nil
		}
	}
	if progress != nil {
		fmt.Fprintf(progress, "berth: compiling the program of project %q in %s (later plans reuse it until its sources change)\n", project, dir)
	}
	// The manifest is taken before the build: a file edited during the
	// build then differs from it, and the next plan builds again.
	m, err := listSources(ctx, goBin, dir, vars)
	if err != nil {
		return "", false, &BuildError{Project: project, Dir: dir, Output: err.Error()}
	}
	tmp := bin + ".tmp"
	cmd := exec.CommandContext(ctx, goBin, "build", "-buildvcs=false", "-trimpath", "-ldflags", "-w -s", "-o", tmp, ".")
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", false, fmt.Errorf("project %q: compiling the program: %w", project, ctx.Err())
		}
		if out.Len() == 0 {
			out.WriteString(err.Error())
		}
		return "", false, &BuildError{Project: project, Dir: dir, Output: out.String()}
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", false, fmt.Errorf("caching the program: %w", err)
	}
	if err := writeManifest(filepath.Join(entry, "manifest.json"), m); err != nil {
		return "", false, err
	}
	return bin, true, nil
}

// goEnv returns the build-relevant `go env` of dir, as its JSON text and
// by name.
func goEnv(ctx context.Context, goBin, dir string) (string, map[string]string, error) {
	cmd := exec.CommandContext(ctx, goBin, append([]string{"env", "-json"}, goEnvKeys...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", nil, fmt.Errorf("reading go env in %s: %v: %s", dir, err, strings.TrimSpace(stderr.String()))
	}
	vars := map[string]string{}
	if err := json.Unmarshal(out, &vars); err != nil {
		return "", nil, fmt.Errorf("reading go env in %s: %w", dir, err)
	}
	return string(out), vars, nil
}

// listedPackage is the part of `go list -json` that says which files a
// package is built from.
type listedPackage struct {
	Dir      string
	Standard bool
	Module   *struct {
		GoMod string
	}
	GoFiles, CgoFiles, CFiles, CXXFiles, MFiles, HFiles, FFiles, SFiles []string
	SwigFiles, SwigCXXFiles, SysoFiles, EmbedFiles                      []string
	IgnoredGoFiles, IgnoredOtherFiles                                   []string
	Error                                                               *struct{ Err string }
	DepsErrors                                                          []*struct{ Err string }
}

// listSources returns the manifest of the program in dir: every file of
// its packages outside the module cache and GOROOT, their directory
// listings, and the go.mod, go.sum, go.work and go.work.sum files.
func listSources(ctx context.Context, goBin, dir string, vars map[string]string) (manifest, error) {
	m := manifest{Files: map[string]string{}, Dirs: map[string][]string{}}
	immutable := []string{vars["GOMODCACHE"], vars["GOROOT"]}
	cmd := exec.CommandContext(ctx, goBin, "list", "-deps", "-json", ".")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return m, fmt.Errorf("%s", strings.TrimSpace(stderr.String()))
	}
	var modFiles []string
	if w := vars["GOWORK"]; w != "" && w != "off" {
		modFiles = append(modFiles, w, w+".sum")
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return m, fmt.Errorf("reading go list: %w", err)
		}
		if p.Error != nil {
			return m, errors.New(p.Error.Err)
		}
		if p.Standard || p.Dir == "" || under(p.Dir, immutable) {
			continue
		}
		if p.Module != nil && p.Module.GoMod != "" && !under(p.Module.GoMod, immutable) {
			modFiles = append(modFiles, p.Module.GoMod, strings.TrimSuffix(p.Module.GoMod, ".mod")+".sum")
		}
		names, err := listDir(p.Dir)
		if err != nil {
			return m, err
		}
		m.Dirs[p.Dir] = names
		for _, group := range [][]string{p.GoFiles, p.CgoFiles, p.CFiles, p.CXXFiles, p.MFiles, p.HFiles, p.FFiles, p.SFiles,
			p.SwigFiles, p.SwigCXXFiles, p.SysoFiles, p.EmbedFiles, p.IgnoredGoFiles, p.IgnoredOtherFiles} {
			for _, f := range group {
				if err := m.add(filepath.Join(p.Dir, f)); err != nil {
					return m, err
				}
			}
		}
	}
	for _, f := range modFiles {
		if err := m.add(f); err != nil {
			return m, err
		}
	}
	return m, nil
}

// under reports whether path is inside one of dirs.
func under(path string, dirs []string) bool {
	for _, d := range dirs {
		if d != "" && (path == d || strings.HasPrefix(path, d+string(filepath.Separator))) {
			return true
		}
	}
	return false
}

// add records a file's hash; a missing file is recorded as missing, so
// that creating it invalidates the manifest.
func (m manifest) add(path string) error {
	h, err := hashFile(path)
	if err != nil {
		return err
	}
	m.Files[path] = h
	return nil
}

func hashFile(path string) (string, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "missing", nil
	}
	if err != nil {
		return "", err
	}
	// A device among the sources would be read forever, and opening a
	// FIFO blocks: what is not a regular file is never current.
	if !info.Mode().IsRegular() {
		return "not a regular file", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func listDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, nil
}

// current reports whether every file and directory is as the manifest
// recorded.
func (m manifest) current() bool {
	if len(m.Files) == 0 {
		return false
	}
	for dir, names := range m.Dirs {
		got, err := listDir(dir)
		if err != nil || !slices.Equal(got, names) {
			return false
		}
	}
	for path, want := range m.Files {
		if got, err := hashFile(path); err != nil || got != want {
			return false
		}
	}
	return true
}

func readManifest(path string) (manifest, error) {
	var m manifest
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(b, &m)
}

func writeManifest(path string, m manifest) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("caching the program: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("caching the program: %w", err)
	}
	return nil
}

// DefaultCacheDir is where compiled programs are kept: $BERTH_CACHE_DIR,
// else berth/ under the user's cache directory (os.UserCacheDir: on Linux
// $XDG_CACHE_HOME or ~/.cache). Deleting it is always safe.
func DefaultCacheDir() (string, error) {
	if d := os.Getenv("BERTH_CACHE_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding a cache directory (set BERTH_CACHE_DIR): %w", err)
	}
	return filepath.Join(d, "berth"), nil
}
