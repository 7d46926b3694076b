package stackrefs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/encoding"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"gopkg.in/yaml.v3"
)

// The rules below are those of the Pulumi CLI's diy backend at the pinned
// engine, github.com/pulumi/pulumi/pkg/v3 v3.274.1 (cited as [PKG]).

// Backend answers stack references from the state of the backend the
// Pulumi CLI would use for the project (backendURL), when that is a local
// file backend. projectURL is Pulumi.yaml's backend.url (may be empty),
// cwd the directory relative file:// paths are resolved against ("" is
// the process's; berth's --dir is pulumi's --cwd), project the current
// project, which a reference without one means. Any other backend answers
// nothing (ok false): its state is not readable offline. The backend is
// found at the first lookup, so a program without stack references never
// reads the user's credentials.
func Backend(projectURL, cwd, project string) Lookup {
	var once sync.Once
	var l Lookup
	return func(name string) (resource.PropertyMap, bool, error) {
		once.Do(func() { l = fileBackendAt(backendURL(projectURL), cwd, project) })
		return l(name)
	}
}

// backendURL is the backend the Pulumi CLI uses for a project ([PKG]
// workspace/creds.go GetCurrentCloudURLWithSource 55-77):
// PULUMI_BACKEND_URL, else Pulumi.yaml's backend.url, else the account
// the user is logged in to (credentials.json under PULUMI_HOME).
// Unreadable credentials count as none.
func backendURL(projectURL string) string {
	if u := os.Getenv("PULUMI_BACKEND_URL"); u != "" {
		return u
	}
	if projectURL != "" {
		return projectURL
	}
	creds, err := workspace.GetStoredCredentials()
	if err != nil {
		return ""
	}
	return creds.Current
}

// fileBackendAt answers from the file backend at url, or nothing when url
// is not a file:// URL.
func fileBackendAt(url, cwd, project string) Lookup {
	if !strings.HasPrefix(url, "file://") {
		return func(string) (resource.PropertyMap, bool, error) { return nil, false, nil }
	}
	root, err := fileRoot(url, cwd)
	if err != nil {
		return func(string) (resource.PropertyMap, bool, error) {
			return nil, false, fmt.Errorf("backend %s: %w", url, err)
		}
	}
	b := &fileBackend{url: url, root: root, project: project}
	return b.outputs
}

// fileRoot is the directory of a file:// URL ([PKG] backend/diy/backend.go
// massageBlobPath 620-691): the query is dropped, a leading ~ is the
// user's home, a relative path is made absolute.
func fileRoot(url, cwd string) (string, error) {
	path, _, _ := strings.Cut(strings.TrimPrefix(url, "file://"), "?")
	if strings.HasPrefix(path, "~") {
		u, err := user.Current()
		if err != nil {
			return "", fmt.Errorf("resolving ~: %w", err)
		}
		if path == "~" {
			path = u.HomeDir
		} else {
			path = filepath.Join(u.HomeDir, path[2:])
		}
	}
	if !filepath.IsAbs(path) {
		return filepath.Abs(filepath.Join(cwd, path))
	}
	return filepath.Clean(path), nil
}

type fileBackend struct {
	url, root, project string
}

// outputs reads the outputs of the stack name refers to, as the engine's
// stack reference reads them ([PKG] backend/backend.go GetStackOutputs
// 446-475): a stack that does not exist is an error ("unknown stack"); one
// never updated has no outputs ([PKG] backend/diy/state.go
// getSnapshotStackOutputs 175-196).
func (b *fileBackend) outputs(name string) (resource.PropertyMap, bool, error) {
	base, err := b.stackBase(name)
	if err != nil {
		return nil, false, fmt.Errorf("the file backend %s: %w", b.url, err)
	}
	file, ok, err := newestCheckpoint(base)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, fmt.Errorf("unknown stack %q: no %s.json in the file backend %s; run its pulumi up first, or give its outputs with --stack-outputs", name, base, b.url)
	}
	outs, err := checkpointOutputs(file)
	if err != nil {
		return nil, false, fmt.Errorf("stack %q: %w", name, err)
	}
	return outs, true, nil
}

// stackBase is the path of a stack's checkpoint without its extension.
// The layout is the state's: .pulumi/meta.yaml version 1 is
// project-scoped, .pulumi/stacks/<project>/<stack>; version 0 is the
// legacy .pulumi/stacks/<stack> ([PKG] backend/diy/backend.go 339-360,
// store.go StackBasePath 122-126 and 347-350). Without meta.yaml the
// layout is legacy when legacy stack files exist, else project-scoped
// ([PKG] backend/diy/meta.go ensurePulumiMeta 65-112).
func (b *fileBackend) stackBase(name string) (string, error) {
	stacks := filepath.Join(b.root, ".pulumi", "stacks")
	legacy, err := b.legacyLayout(stacks)
	if err != nil {
		return "", err
	}
	if legacy {
		// [PKG] store.go legacyReferenceStore.ParseReference 362-368: the
		// whole reference is the stack's name.
		stack, err := tokens.ParseStackName(name)
		if err != nil {
			return "", fmt.Errorf("the backend's legacy layout takes a plain stack name: %w", err)
		}
		return filepath.Join(stacks, stack.String()), nil
	}
	project, stack, err := b.parseReference(name)
	if err != nil {
		return "", err
	}
	return filepath.Join(stacks, project, stack), nil
}

// parseReference is [PKG] store.go projectReferenceStore.ParseReference
// 138-199: <stack>, <org>/<stack> or <org>/<project>/<stack>; the
// organization must be "organization"; the project defaults to the
// current one.
func (b *fileBackend) parseReference(name string) (project, stack string, err error) {
	org := "organization"
	parts := strings.Split(name, "/")
	switch len(parts) {
	case 1:
		stack = parts[0]
	case 2:
		org, stack = parts[0], parts[1]
	case 3:
		org, project, stack = parts[0], parts[1], parts[2]
	default:
		return "", "", errors.New("must be <stack>, organization/<stack> or organization/<project>/<stack>")
	}
	if org != "organization" {
		return "", "", errors.New("organization name must be 'organization' (a file backend has no other)")
	}
	if project == "" {
		project = b.project
	}
	if err := tokens.ValidateProjectName(project); err != nil {
		return "", "", err
	}
	s, err := tokens.ParseStackName(stack)
	if err != nil {
		return "", "", err
	}
	return project, s.String(), nil
}

// legacyLayout reads .pulumi/meta.yaml, or without one looks for legacy
// stack files (.pulumi/stacks/<stack>.json[.gz|.zst]).
func (b *fileBackend) legacyLayout(stacks string) (bool, error) {
	meta := filepath.Join(b.root, ".pulumi", "meta.yaml")
	raw, err := os.ReadFile(meta)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		entries, err := os.ReadDir(stacks)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, err
		}
		for _, e := range entries {
			n := strings.TrimSuffix(strings.TrimSuffix(e.Name(), encoding.GZIPExt), encoding.ZSTDExt)
			if !e.IsDir() && strings.HasSuffix(n, ".json") {
				return true, nil
			}
		}
		return false, nil
	case err != nil:
		return false, err
	}
	// [PKG] meta.go readPulumiMeta 116-150: a version is required.
	var m struct {
		Version *int `yaml:"version"`
	}
	if err := yaml.Unmarshal(raw, &m); err != nil || m.Version == nil {
		return false, fmt.Errorf("corrupt store: %s has no version", meta)
	}
	switch *m.Version {
	case 0:
		return true, nil
	case 1:
		return false, nil
	}
	return false, fmt.Errorf("%s: version %d is not one the pinned Pulumi CLI reads (0 or 1)", meta, *m.Version)
}

// newestCheckpoint is the most recently modified of base.json,
// base.json.gz and base.json.zst ([PKG] backend/diy/state.go stackPath
// 523-571).
func newestCheckpoint(base string) (string, bool, error) {
	var best string
	var bestInfo fs.FileInfo
	for _, ext := range []string{"", encoding.GZIPExt, encoding.ZSTDExt} {
		p := base + ".json" + ext
		info, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", false, err
		}
		if bestInfo == nil || !info.ModTime().Before(bestInfo.ModTime()) {
			best, bestInfo = p, info
		}
	}
	return best, best != "", nil
}

// checkpointOutputs reads the outputs of a checkpoint's root stack
// resource (the pulumi:pulumi:Stack without a parent, [PKG]
// resource/stack/deployment.go DeserializeStackOutputs 520-543). The file
// may be gzip- or zstd-compressed ([PKG] state.go getCheckpoint 200-212).
// Checkpoint versions 3 and 4 are read ([PKG] resource/stack/checkpoint.go
// 38-101; Pulumi v3 writes no other).
func checkpointOutputs(file string) (resource.PropertyMap, error) {
	raw, err := readBounded(file)
	if err != nil {
		return nil, err
	}
	m := encoding.Compress(encoding.JSON, encoding.DetectCompression(raw))
	var vc apitype.VersionedCheckpoint
	if err := m.Unmarshal(raw, &vc); err != nil {
		return nil, fmt.Errorf("%s is not a Pulumi checkpoint: %v", file, err)
	}
	if vc.Version != 3 && vc.Version != 4 {
		return nil, fmt.Errorf("%s: checkpoint version %d is older than Pulumi v3 writes (3 or 4); run pulumi up on it with a current CLI", file, vc.Version)
	}
	var cp apitype.CheckpointV3
	if err := json.Unmarshal(vc.Checkpoint, &cp); err != nil {
		return nil, fmt.Errorf("%s is not a Pulumi checkpoint: %v", file, err)
	}
	out := resource.PropertyMap{}
	if cp.Latest == nil {
		return out, nil
	}
	for _, r := range cp.Latest.Resources {
		if r.Type == resource.RootStackType && r.Parent == "" {
			for k, v := range r.Outputs {
				out[resource.PropertyKey(k)] = stateValue(v)
			}
			break
		}
	}
	return out, nil
}

// stateValue is an output as a checkpoint stores it ([PKG]
// resource/stack/deployment.go SerializePropertyValue): objects whose
// signature key (sig.Key) names a secret are secrets, kept unknown here
// since berth does not decrypt other stacks' state; assets, archives and
// resource references cannot be rebuilt offline and are unknown too.
func stateValue(v any) resource.PropertyValue {
	switch v := v.(type) {
	case map[string]any:
		if s, ok := v[sig.Key].(string); ok {
			if s == sig.Secret {
				return unknownSecret()
			}
			return resource.MakeComputed(resource.NewProperty(""))
		}
		m := resource.PropertyMap{}
		for k, e := range v {
			m[resource.PropertyKey(k)] = stateValue(e)
		}
		return resource.NewProperty(m)
	case []any:
		a := make([]resource.PropertyValue, len(v))
		for i, e := range v {
			a[i] = stateValue(e)
		}
		return resource.NewProperty(a)
	}
	return resource.NewPropertyValue(v)
}
