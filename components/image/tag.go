package image

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// TagLength is the number of hex characters of the content hash that make an
// image tag. Twelve (48 bits), as in short Git commit IDs, keep a collision
// between two builds pushed to one repository out of reach while the tag
// stays readable.
const TagLength = 12

// tagVersion is hashed first so that a change to what the tag covers yields
// new tags instead of reusing old ones for different content.
const tagVersion = "berth-image-tag/v3"

// build is what makes an image: the inputs the Docker provider rebuilds on.
type build struct {
	context    string
	dockerfile string
	platform   string
	target     string
	args       map[string]string
}

// contentTag returns the image tag for b: the first TagLength hex characters
// of a SHA-256 over the platform, target, build arguments, the Dockerfile's
// content and every file of the build context that .dockerignore does not
// exclude (path, mode and content; a symbolic link's target instead of
// content).
//
// It covers everything the Docker provider's own change detection covers
// (its context digest plus the build inputs, paths included), so the tag
// changes whenever
// the provider would rebuild and stays the same whenever it would not. That
// keeps two promises at once: an unchanged context is neither rebuilt nor
// pushed, and a changed one is pushed under a new tag, which registries with
// immutable tags (ECR) require.
func contentTag(b build) (string, error) {
	h := sha256.New()
	field := func(k, v string) { fmt.Fprintf(h, "%s=%d:%s\x00", k, len(v), v) }
	field("version", tagVersion)
	// The provider also rebuilds when the context or Dockerfile path as
	// given changes (it compares its inputs), so the paths count too: else
	// a rebuild from another checkout path would push new bytes under the
	// old tag, which immutable ECR tags reject.
	field("context", b.context)
	field("dockerfile", b.dockerfile)
	field("platform", b.platform)
	field("target", b.target)
	for _, k := range slices.Sorted(maps.Keys(b.args)) {
		field("arg", k)
		field("value", b.args[k])
	}
	// The Dockerfile counts by content under a fixed name, wherever it lives,
	// as Docker and the provider see it.
	if err := hashEntry(h, "Dockerfile", b.dockerfile, 0); err != nil {
		return "", fmt.Errorf("hashing dockerfile: %w", err)
	}
	ignore, err := ignorePatterns(b.dockerfile, b.context)
	if err != nil {
		return "", err
	}
	if err := hashContext(h, b.context, ignore); err != nil {
		return "", fmt.Errorf("hashing build context: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:TagLength], nil
}

// hashContext writes every file of the context dir that ignore keeps, in
// lexical order, into h.
func hashContext(h hash.Hash, dir string, ignore *patternmatcher.PatternMatcher) error {
	return walkContext(dir, ignore, func(rel, path string, mode fs.FileMode) error {
		return hashEntry(h, rel, path, mode)
	})
}

// walkContext calls fn, in lexical order, for every file of the context
// dir that ignore keeps. Docker and the provider send and hash a file
// exactly when ignore does not match it or one of its parent directories
// (patternmatcher.MatchesUsingParentResults, which tonistiigi/fsutil's Walk
// uses for the provider's hashContext).
func walkContext(dir string, ignore *patternmatcher.PatternMatcher, fn func(rel, path string, mode fs.FileMode) error) error {
	parents := map[string]patternmatcher.MatchInfo{}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		excluded, info, err := ignore.MatchesUsingParentResults(rel, parents[parentDir(rel)])
		if err != nil {
			return fmt.Errorf("matching %s against .dockerignore: %w", rel, err)
		}
		if d.IsDir() {
			// Without `!` patterns nothing under an excluded directory can
			// come back; with them, walk it and decide file by file.
			if excluded && !ignore.Exclusions() {
				return filepath.SkipDir
			}
			parents[rel] = info
			return nil
		}
		if excluded {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		return fn(rel, path, fi.Mode())
	})
}

// strayPattern matches the paths of a build context that belong to the
// deployment, not the build: Pulumi's project and stack files (a `pulumi
// config set` edits a stack file), dependencies installed for the Pulumi
// program (node_modules), and version control and Pulumi's own
// directories.
var strayPattern = regexp.MustCompile(`(^|/)(Pulumi(\.[^/]+)?\.ya?ml|node_modules/.*|\.git/.*|\.pulumi/.*)$`)

// strays lists the files of b's context that .dockerignore keeps although
// they belong to the deployment (strayPattern), in lexical order, at most
// limit of them: each change to one rebuilds and redeploys the image.
func strays(b build, limit int) ([]string, error) {
	ignore, err := ignorePatterns(b.dockerfile, b.context)
	if err != nil {
		return nil, err
	}
	var out []string
	errEnough := errors.New("enough")
	err = walkContext(b.context, ignore, func(rel, _ string, _ fs.FileMode) error {
		if strayPattern.MatchString(rel) {
			out = append(out, rel)
			if len(out) == limit {
				return errEnough
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return out, nil
}

// parentDir is the slash-separated parent of rel, "" at the context root,
// the key of the parent's match results.
func parentDir(rel string) string {
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		return rel[:i]
	}
	return ""
}

// hashEntry writes one file into h: its name, its mode and the hash of its
// content, or of its target when it is a symbolic link.
func hashEntry(h hash.Hash, name, path string, mode fs.FileMode) error {
	content := sha256.New()
	switch {
	case mode&fs.ModeSymlink != 0:
		// The provider hashes where the link resolves to, not what it
		// points at (pulumi-docker v4.11.2 provider/provider.go hashPath).
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return err
		}
		io.WriteString(content, filepath.ToSlash(filepath.Clean(target)))
	case mode.IsRegular():
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		_, err = io.Copy(content, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(h, "file=%d:%s\x00%s\x00%x\x00", len(name), name, mode, content.Sum(nil))
	return nil
}

// ignorePatterns reads the .dockerignore the Docker provider uses for a
// Dockerfile and context, in the provider's order
// (pulumi-docker v4.11.2 provider/provider.go getIgnorePatterns):
// `DOCKERFILE.dockerignore` beside the Dockerfile first (the path as given
// plus ".dockerignore", as BuildKit also reads it), else
// `CONTEXT/.dockerignore`; none ignores nothing. The patterns are parsed by
// the provider's own parser and matcher (moby/patternmatcher v0.6.0), so
// the tag and the provider's rebuild decision cannot disagree.
func ignorePatterns(dockerfile, context string) (*patternmatcher.PatternMatcher, error) {
	for _, path := range []string{dockerfile + ".dockerignore", filepath.Join(context, ".dockerignore")} {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		patterns, err := ignorefile.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		pm, err := patternmatcher.New(patterns)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", path, err)
		}
		return pm, nil
	}
	return patternmatcher.New(nil)
}
