package image

import (
	"bufio"
	"bytes"
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
)

// TagLength is the number of hex characters of the content hash that make an
// image tag. Twelve (48 bits), as in short Git commit IDs, keep a collision
// between two builds pushed to one repository out of reach while the tag
// stays readable.
const TagLength = 12

// tagVersion is hashed first so that a change to what the tag covers yields
// new tags instead of reusing old ones for different content.
const tagVersion = "berth-image-tag/v2"

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
	ignoreFile := filepath.Join(b.context, dockerignoreName(b.dockerfile))
	ignore, err := readDockerignore(ignoreFile)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", ignoreFile, err)
	}
	if err := hashContext(h, b.context, ignore); err != nil {
		return "", fmt.Errorf("hashing build context: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:TagLength], nil
}

// hashContext writes every file of the context dir that ignore keeps, in
// lexical order, into h.
func hashContext(h hash.Hash, dir string, ignore *dockerignore) error {
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
		excluded := ignore.excludes(rel)
		if d.IsDir() {
			if excluded && !ignore.mayInclude(rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if excluded {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return hashEntry(h, rel, path, info.Mode())
	})
}

// hashEntry writes one file into h: its name, its mode and the hash of its
// content, or of its target when it is a symbolic link.
func hashEntry(h hash.Hash, name, path string, mode fs.FileMode) error {
	content := sha256.New()
	switch {
	case mode&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			return err
		}
		io.WriteString(content, target)
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

// dockerignoreName is the ignore file for a Dockerfile: `.dockerignore`, or
// `NAME.dockerignore` for a Dockerfile named otherwise
// (https://docs.docker.com/build/concepts/context/#filename-and-location).
// It is looked for at the root of the context, as the Docker provider's
// change detection does (BuildKit itself reads `NAME.dockerignore` next to
// the Dockerfile).
func dockerignoreName(dockerfile string) string {
	if base := filepath.Base(dockerfile); base != "Dockerfile" {
		return base + ".dockerignore"
	}
	return ".dockerignore"
}

// dockerignore holds the patterns of a .dockerignore file with Docker's
// semantics (moby/patternmatcher MatchesOrParentMatches): the last pattern
// that matches a path or one of its parent directories decides, `!` patterns
// re-include, `*` and `?` stay within one path segment, `**` spans any
// number of segments.
type dockerignore struct {
	patterns []ignorePattern
}

// ignorePattern is one compiled line of a .dockerignore file.
type ignorePattern struct {
	re *regexp.Regexp
	// include is true for `!` patterns, which re-include what they match.
	include bool
	// literal is the pattern up to its first wildcard or escape: every path
	// the pattern matches starts with it.
	literal string
}

// readDockerignore reads and compiles the ignore file at path; a missing
// file ignores nothing.
func readDockerignore(path string) (*dockerignore, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &dockerignore{}, nil
	}
	if err != nil {
		return nil, err
	}
	return parseDockerignore(data)
}

// parseDockerignore compiles the lines of a .dockerignore file the way
// moby/buildkit's dockerignore.ReadAll and moby/patternmatcher do.
func parseDockerignore(data []byte) (*dockerignore, error) {
	var ig dockerignore
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})))
	for line := 1; sc.Scan(); line++ {
		p := sc.Text()
		if strings.HasPrefix(p, "#") {
			continue
		}
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		include := p[0] == '!'
		if include {
			p = strings.TrimSpace(p[1:])
			if p == "" {
				return nil, fmt.Errorf("line %d: illegal exclusion pattern \"!\"", line)
			}
		}
		p = filepath.ToSlash(filepath.Clean(p))
		if len(p) > 1 && p[0] == '/' {
			p = p[1:]
		}
		if _, err := filepath.Match(p, "."); err != nil {
			return nil, fmt.Errorf("line %d: pattern %q: %w", line, p, err)
		}
		re, err := regexp.Compile(patternRegexp(p))
		if err != nil {
			return nil, fmt.Errorf("line %d: pattern %q: %w", line, p, err)
		}
		literal := p
		if i := strings.IndexAny(p, `*?[\`); i >= 0 {
			literal = p[:i]
		}
		ig.patterns = append(ig.patterns, ignorePattern{re: re, include: include, literal: literal})
	}
	return &ig, sc.Err()
}

// patternRegexp translates a cleaned pattern into an anchored regular
// expression, as moby/patternmatcher does.
func patternRegexp(p string) string {
	var b strings.Builder
	b.WriteByte('^')
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		switch ch := rs[i]; {
		case ch == '*' && i+1 < len(rs) && rs[i+1] == '*':
			i++
			if i+1 < len(rs) && rs[i+1] == '/' {
				i++
			}
			if i+1 == len(rs) {
				b.WriteString(".*")
			} else {
				b.WriteString("(.*/)?")
			}
		case ch == '*':
			b.WriteString("[^/]*")
		case ch == '?':
			b.WriteString("[^/]")
		case strings.ContainsRune(".+()|{}$", ch):
			b.WriteByte('\\')
			b.WriteRune(ch)
		case ch == '\\':
			if i+1 < len(rs) {
				i++
				b.WriteByte('\\')
				b.WriteRune(rs[i])
			} else {
				b.WriteString(`\\`)
			}
		default:
			b.WriteRune(ch)
		}
	}
	b.WriteByte('$')
	return b.String()
}

// excludes reports whether Docker leaves the slash-separated context path
// rel out of the build context.
func (ig *dockerignore) excludes(rel string) bool {
	excluded := false
	var parents []string
	for dir := rel; ; {
		i := strings.LastIndexByte(dir, '/')
		if i < 0 {
			break
		}
		dir = dir[:i]
		parents = append(parents, dir)
	}
	for _, p := range ig.patterns {
		// A pattern can only flip the current state: exclusions matter while
		// included, re-inclusions while excluded.
		if p.include != excluded {
			continue
		}
		match := p.re.MatchString(rel)
		for _, dir := range parents {
			if match {
				break
			}
			match = p.re.MatchString(dir)
		}
		if match {
			excluded = !p.include
		}
	}
	return excluded
}

// mayInclude reports whether some `!` pattern could re-include a path under
// the excluded directory dir, so that the walk must descend into it. It errs
// towards true: hashing a file Docker ignores costs at most one extra
// rebuild, while skipping one Docker sends would keep the tag when the
// content changed.
func (ig *dockerignore) mayInclude(dir string) bool {
	dirSlash := dir + "/"
	for _, p := range ig.patterns {
		if p.include && (strings.HasPrefix(dirSlash, p.literal) || strings.HasPrefix(p.literal, dirSlash)) {
			return true
		}
	}
	return false
}
