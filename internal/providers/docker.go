package providers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/berth-dev/berth/internal/fileread"
)

// The Docker provider's Image (DockerImage) follows pulumi-docker 4.11.2's
// own code (provider/provider.go, image.go), not a bridged Terraform
// schema, so its rules are functions here instead of a Type.

// DockerIgnorePatterns returns the .dockerignore patterns the Docker
// provider applies to a build, in its lookup order: DOCKERFILE.dockerignore
// beside the Dockerfile (the path as given plus ".dockerignore") first, then
// CONTEXT/.dockerignore; the first that exists wins; none ignores nothing
// (provider/provider.go getIgnorePatterns). The file is parsed with
// moby/patternmatcher's ignorefile, as the provider does.
func DockerIgnorePatterns(context, dockerfile string) ([]string, error) {
	for _, p := range []string{dockerfile + ".dockerignore", filepath.Join(context, ".dockerignore")} {
		// Bounded, and only a regular file: a link to /dev/zero or a FIFO
		// would stall the plan.
		b, err := fileread.Read(p, fileread.MaxProjectBytes)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading %q: %w", p, err)
		}
		patterns, err := ignorefile.ReadAll(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("unable to parse %q: %w", p, err)
		}
		return patterns, nil
	}
	return nil, nil
}

// DockerContextDigest is the digest the Docker provider's Check stores as
// build.contextDigest and so decides rebuilds by: a SHA-256 over the
// Dockerfile's content under the fixed name "Dockerfile", then every file
// of the context the ignore patterns keep, in walk order, each as its
// slash-separated relative path, its mode and the SHA-256 of its content
// (of its resolved target path for a symbolic link)
// (provider/provider.go hashContext, contextHashAccumulator.hashPath). The
// provider walks with tonistiigi/fsutil, which skips an excluded directory
// unless an exclusion ("!") pattern may re-include something below it; so
// does this walk. The value need not equal the provider's byte for byte:
// what matters, and what this follows, is which edits change it.
func DockerContextDigest(context, dockerfile string) (string, error) {
	patterns, err := DockerIgnorePatterns(context, dockerfile)
	if err != nil {
		return "", err
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return "", fmt.Errorf("parsing ignore patterns: %w", err)
	}
	var acc bytes.Buffer
	if err := hashPath(&acc, dockerfile, "Dockerfile", 0); err != nil {
		return "", fmt.Errorf("error hashing dockerfile %q: %w", dockerfile, err)
	}
	err = filepath.WalkDir(context, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(context, p)
		if err != nil || rel == "." {
			return err
		}
		excluded, err := pm.MatchesOrParentMatches(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		if d.IsDir() {
			if excluded && !pm.Exclusions() {
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
		return hashPath(&acc, p, rel, info.Mode())
	})
	if err != nil {
		return "", fmt.Errorf("unable to hash build context: %w", err)
	}
	sum := sha256.Sum256(acc.Bytes())
	return hex.EncodeToString(sum[:]), nil
}

// hashPath adds one file to the accumulator: name, mode, content hash.
func hashPath(acc *bytes.Buffer, file, name string, mode fs.FileMode) error {
	h := sha256.New()
	switch {
	case mode.Type() == fs.ModeSymlink:
		target, err := filepath.EvalSymlinks(file)
		if err != nil {
			return err
		}
		io.WriteString(h, filepath.ToSlash(filepath.Clean(target)))
	case mode.IsRegular():
		// The Dockerfile's mode is not looked up (0): fileread.Open
		// refuses a device or FIFO in its place.
		f, err := fileread.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
	}
	acc.WriteString(filepath.ToSlash(path.Clean(filepath.ToSlash(name))))
	acc.WriteString(mode.String())
	acc.Write(h.Sum(nil))
	acc.WriteByte(0)
	return nil
}

// DockerImageCheck applies the Docker provider's Check to an Image's
// inputs: build.context defaults to ".", build.dockerfile to "Dockerfile"
// inside the context, the Dockerfile must exist (relative to the working
// directory), build.contextDigest is added when the Dockerfile is known,
// build.platform defaults to the host's linux platform and buildOnPreview
// to false (provider/provider.go Check, image.go
// marshalBuildAndApplyDefaults).
func DockerImageCheck(news resource.PropertyMap, hostPlatform string) (resource.PropertyMap, error) {
	in := news.Copy()
	if v := in["buildOnPreview"]; !v.IsBool() {
		in["buildOnPreview"] = resource.NewProperty(false)
	}
	build := resource.PropertyMap{}
	if b := Unsecret(in["build"]); b.IsObject() {
		build = b.ObjectValue().Copy()
	}
	ctx := Unsecret(build["context"])
	if ctx.IsNull() {
		ctx = resource.NewProperty(".")
		build["context"] = ctx
	}
	df := Unsecret(build["dockerfile"])
	if df.IsNull() && ctx.IsString() {
		df = resource.NewProperty(filepath.Join(ctx.StringValue(), "Dockerfile"))
		build["dockerfile"] = df
	}
	if df.IsString() && ctx.IsString() {
		if _, err := os.Stat(df.StringValue()); err != nil {
			return nil, fmt.Errorf("could not open dockerfile at relative path %q: %v", df.StringValue(), err)
		}
		digest, err := DockerContextDigest(ctx.StringValue(), df.StringValue())
		if err != nil {
			return nil, err
		}
		build["contextDigest"] = resource.NewProperty(digest)
	}
	if build["platform"].IsNull() {
		build["platform"] = resource.NewProperty(hostPlatform)
	}
	in["build"] = resource.NewProperty(build)
	return in, nil
}

// DockerImageDiff compares an Image's old inputs (the state's __inputs)
// with the new ones: every changed top-level input is an update, none a
// replacement, and a change of the registry's username or password alone
// is no change, as they rotate (provider/provider.go Diff, diffUpdates).
func DockerImageDiff(oldState, news resource.PropertyMap) DiffResult {
	olds := resource.PropertyMap{}
	if in := Unsecret(oldState["__inputs"]); in.IsObject() {
		olds = in.ObjectValue()
	}
	var changed []string
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	for k := range keys {
		o, n := Unsecret(olds[k]), Unsecret(news[k])
		if k == "registry" && o.IsObject() && n.IsObject() {
			o = Unsecret(o.ObjectValue()["server"])
			n = Unsecret(n.ObjectValue()["server"])
		}
		if o.IsNull() && n.IsNull() {
			continue
		}
		if n.ContainsUnknowns() || !n.DeepEquals(o) {
			changed = append(changed, string(k))
		}
	}
	sort.Strings(changed)
	return DiffResult{Changed: changed}
}

// DockerImageState is the Image's state after a build and push: the
// outputs of provider/image.go dockerBuild plus the inputs under
// "__inputs", marked secret (provider/provider.go checkpointObject).
// repoDigest is REPOSITORY@sha256:..., the registry's digest of the push.
func DockerImageState(inputs resource.PropertyMap, repoDigest string) resource.PropertyMap {
	build := Unsecret(inputs["build"]).ObjectValue()
	imageName := Unsecret(inputs["imageName"]).StringValue()
	server := ""
	if r := Unsecret(inputs["registry"]); r.IsObject() {
		if s := Unsecret(r.ObjectValue()["server"]); s.IsString() {
			server = s.StringValue()
		}
	}
	ctx := Unsecret(build["context"]).StringValue()
	dockerfile := Unsecret(build["dockerfile"]).StringValue()
	// dockerfile in the outputs is relative to the context (docker/cli
	// build.GetContextFromLocalDir).
	if rel, err := filepath.Rel(ctx, dockerfile); err == nil {
		dockerfile = rel
	}
	return resource.PropertyMap{
		"baseImageName":  resource.NewProperty(imageName),
		"context":        resource.NewProperty(ctx),
		"dockerfile":     resource.NewProperty(dockerfile),
		"imageName":      resource.NewProperty(imageName),
		"platform":       build["platform"],
		"registryServer": resource.NewProperty(server),
		"repoDigest":     resource.NewProperty(repoDigest),
		"__inputs":       resource.MakeSecret(resource.NewProperty(inputs)),
	}
}

// SplitImageName splits REGISTRY/PATH:TAG into repository (REGISTRY/PATH)
// and tag; a missing tag is "latest" (distribution/reference).
func SplitImageName(name string) (repository, tag string) {
	slash := strings.LastIndex(name, "/")
	if colon := strings.LastIndex(name, ":"); colon > slash {
		return name[:colon], name[colon+1:]
	}
	return name, "latest"
}

// ImageDigest is the digest a registry gives a pushed image. Builds are
// not reproducible (the image config holds the build's creation time, and
// a fresh runner does not share the old layers), so each build is a new
// digest: build is a per-build nonce.
func ImageDigest(contextDigest, build string) string {
	sum := sha256.Sum256([]byte(contextDigest + "\x00" + build))
	return "sha256:" + hex.EncodeToString(sum[:])
}
