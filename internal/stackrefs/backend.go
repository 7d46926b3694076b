package stackrefs

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/encoding"
	"github.com/pulumi/pulumi/sdk/v3/go/common/env"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"gopkg.in/yaml.v3"

	"github.com/berth-dev/berth/internal/fileread"
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
	if u := env.BackendURL.Value(); u != "" {
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
	b, err := openFileBackend(url, cwd, project)
	if err != nil {
		return func(string) (resource.PropertyMap, bool, error) {
			return nil, false, fmt.Errorf("the file backend %s: %w", url, err)
		}
	}
	return b.outputs
}

// openFileBackend finds the state's directory and its layout, once for
// every stack reference.
func openFileBackend(url, cwd, project string) (*fileBackend, error) {
	root, err := fileRoot(url, cwd)
	if err != nil {
		return nil, err
	}
	b := &fileBackend{url: url, root: root, stacks: filepath.Join(root, ".pulumi", "stacks"), project: project}
	if b.legacy, err = b.legacyLayout(); err != nil {
		return nil, err
	}
	return b, nil
}

// fileRoot is the directory of a file:// URL as the CLI opens it: [PKG]
// backend/diy/backend.go massageBlobPath 620-691 drops the query, expands
// a leading ~ and makes a relative path absolute; gocloud.dev's fileblob
// (v0.46.1-0.20260810195832-b5401c07b5f1, blob/fileblob/fileblob.go
// OpenBucketURL 148-159) then opens the URL's decoded path, refusing query
// parameters it does not know (forParams 181-186); blob/blob.go
// applyPrefixParam 1581-1604 roots the bucket at ?prefix=. ?key= (a
// single-object bucket) cannot hold a backend's state.
func fileRoot(rawURL, cwd string) (string, error) {
	path, query, _ := strings.Cut(strings.TrimPrefix(rawURL, "file://"), "?")
	params, err := url.ParseQuery(query)
	if err != nil {
		return "", err
	}
	for k := range params {
		switch k {
		case "prefix", "create_dir", "base_url", "secret_key_path", "metadata", "no_tmp_dir", "dir_file_mode":
		default:
			return "", fmt.Errorf("invalid query parameter %q", k)
		}
	}
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
		if path, err = filepath.Abs(filepath.Join(cwd, path)); err != nil {
			return "", err
		}
	}
	u, err := url.Parse("file://" + filepath.ToSlash(path))
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.FromSlash(u.Path), filepath.FromSlash(params.Get("prefix"))), nil
}

// organization is the only organization a file backend has ([PKG]
// backend/diy/store.go ParseReference 165-174).
const organization = "organization"

type fileBackend struct {
	// url is the backend's URL, root its directory, stacks the directory
	// of the stacks' checkpoints.
	url, root, stacks string
	// project is the current project.
	project string
	// legacy says the state is in the legacy layout (see stackBase).
	legacy bool
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
	if b.legacy {
		// [PKG] store.go legacyReferenceStore.ParseReference 362-368: the
		// whole reference is the stack's name.
		stack, err := tokens.ParseStackName(name)
		if err != nil {
			return "", fmt.Errorf("the backend's legacy layout takes a plain stack name: %w", err)
		}
		return filepath.Join(b.stacks, stack.String()), nil
	}
	project, stack, err := b.parseReference(name)
	if err != nil {
		return "", err
	}
	return filepath.Join(b.stacks, project, stack), nil
}

// parseReference is [PKG] store.go projectReferenceStore.ParseReference
// 138-199: <stack>, <org>/<stack> or <org>/<project>/<stack>; the
// organization must be "organization" (an empty one means it); the
// project defaults to the current one.
func (b *fileBackend) parseReference(name string) (project, stack string, err error) {
	org := organization
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
	if org != organization && org != "" {
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

// legacyLayout reads .pulumi/meta.yaml; without one the layout is legacy
// when legacy stack files exist (.pulumi/stacks/<stack> with a
// marshaler's extension, .json, .yaml or .yml, maybe .gz or .zst, and a
// valid stack name: [PKG] store.go legacyReferenceStore.ListReferences
// 377-416) or PULUMI_DIY_BACKEND_LEGACY_LAYOUT is set ([PKG] meta.go
// 85-102). The CLI refuses a legacy layout unless
// PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR is set ([PKG]
// backend/diy/backend.go 362-375), and so does berth.
func (b *fileBackend) legacyLayout() (bool, error) {
	legacy, err := b.layoutIsLegacy()
	if err != nil || !legacy {
		return false, err
	}
	if !env.DIYBackendIgnoreDeprecationError.Value() {
		return false, errors.New("its state is in the legacy layout, which the pinned Pulumi CLI refuses (run 'pulumi state upgrade', or set PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR=1)")
	}
	return true, nil
}

func (b *fileBackend) layoutIsLegacy() (bool, error) {
	meta := filepath.Join(b.root, ".pulumi", "meta.yaml")
	raw, err := fileread.Read(meta, fileread.MaxStackBytes)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		entries, err := os.ReadDir(b.stacks)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, err
		}
		for _, e := range entries {
			n := strings.TrimSuffix(strings.TrimSuffix(e.Name(), encoding.GZIPExt), encoding.ZSTDExt)
			ext := filepath.Ext(n)
			if _, ok := encoding.Marshalers[ext]; !ok || e.IsDir() {
				continue
			}
			if _, err := tokens.ParseStackName(strings.TrimSuffix(n, ext)); err == nil {
				return true, nil
			}
		}
		return env.DIYBackendLegacyLayout.Value(), nil
	case err != nil:
		return false, err
	}
	// [PKG] meta.go readPulumiMeta 116-148: a version is required.
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
// Checkpoint versions 3 and 4 are read, 4 only with the features the
// pinned CLI supports ([PKG] resource/stack/checkpoint.go 38-101); the CLI
// also migrates versions 0 to 2, which old CLIs wrote; berth asks for
// the stack to be rewritten instead.
func checkpointOutputs(file string) (resource.PropertyMap, error) {
	raw, err := fileread.Read(file, fileread.MaxStateBytes)
	if err != nil {
		return nil, err
	}
	m := encoding.Compress(encoding.JSON, encoding.DetectCompression(raw))
	var vc apitype.VersionedCheckpoint
	if err := m.Unmarshal(raw, &vc); err != nil {
		return nil, fmt.Errorf("%s is not a Pulumi checkpoint: %v", file, err)
	}
	switch {
	case vc.Version < 3:
		return nil, fmt.Errorf("%s: checkpoint version %d predates the version 3 and 4 that berth reads; 'pulumi stack export | pulumi stack import' rewrites it", file, vc.Version)
	case vc.Version > 4:
		return nil, fmt.Errorf("%s: unsupported checkpoint version %d", file, vc.Version)
	}
	// Only version 4 declares features ([PKG] checkpoint.go 79-97).
	var unsupported []string
	for _, f := range vc.Features {
		if vc.Version == 4 && !supportedFeatures[f] {
			unsupported = append(unsupported, f)
		}
	}
	if len(unsupported) > 0 {
		return nil, fmt.Errorf("%s: this stack's deployment needs support for the following features: %s", file, strings.Join(unsupported, ", "))
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
				pv, err := decode(v, stored)
				if err != nil {
					return nil, fmt.Errorf("%s: output %s: %w", file, k, err)
				}
				out[resource.PropertyKey(k)] = pv
			}
			break
		}
	}
	return out, nil
}

// supportedFeatures are the checkpoint features the pinned CLI reads
// ([PKG] resource/stack/deployment.go supportedFeatures 132-143, names at
// 74-81).
var supportedFeatures = map[string]bool{
	"refreshBeforeUpdate": true, "views": true, "hooks": true, "taint": true,
	"replaceWith": true, "snippets-prototype": true, "extensionParameterization": true, "byteString": true,
}

// floatSig marks a NaN or infinite number in a checkpoint ([PKG]
// resource/stack/deployment.go floatSignature, line 71).
const floatSig = "8ad145fe-0d11-4827-bfd7-1abcbf086f5c"

// form is how an output reached berth.
type form int

const (
	// stored: in a checkpoint, where the unknown placeholder
	// (sig.UnknownStringValue) is an unknown value.
	stored form = iota
	// printed: by `pulumi stack output --json`, where "[secret]" is a
	// secret it did not show ([PKG] backend/display/json.go 49-53).
	printed
)

// decode decodes an output as [PKG] resource/stack/deployment.go
// DeserializePropertyValue 1139-1294 does, but for secrets: those stay
// secret and unknown, since berth does not decrypt other stacks' state.
// Assets, archives, resource references, byte strings and non-finite
// numbers are rebuilt from their signature objects, which `pulumi stack
// output --json` prints too; an unknown signature is an error.
func decode(v any, f form) (resource.PropertyValue, error) {
	switch v := v.(type) {
	case nil:
		return resource.NewNullProperty(), nil
	case string:
		switch {
		case f == stored && v == sig.UnknownStringValue:
			return resource.MakeComputed(resource.NewProperty("")), nil
		case f == printed && v == blinded:
			return unknownSecret(), nil
		}
		return resource.NewProperty(v), nil
	case []any:
		a := make([]resource.PropertyValue, len(v))
		for i, e := range v {
			var err error
			if a[i], err = decode(e, f); err != nil {
				return resource.PropertyValue{}, err
			}
		}
		return resource.NewProperty(a), nil
	case map[string]any:
		if s, ok := v[sig.Key]; ok {
			return signedValue(s, v)
		}
		m := resource.PropertyMap{}
		for k, e := range v {
			pv, err := decode(e, f)
			if err != nil {
				return resource.PropertyValue{}, err
			}
			m[resource.PropertyKey(k)] = pv
		}
		return resource.NewProperty(m), nil
	}
	return resource.NewPropertyValue(v), nil
}

// signedValue decodes an object that carries a signature.
func signedValue(s any, v map[string]any) (resource.PropertyValue, error) {
	str := func(k string) (string, bool) { x, ok := v[k].(string); return x, ok }
	switch s {
	case sig.Secret:
		// Exactly one of them, not empty ([PKG] deployment.go 1187-1200,
		// deserializeSecret 1104-1116); a plaintext is the value's JSON
		// (secretPropertyValueFromPlaintext 1296-1302).
		c, cipher := str("ciphertext")
		p, plain := str("plaintext")
		if cipher == plain || cipher && c == "" || plain && p == "" {
			return resource.PropertyValue{}, errors.New("malformed secret value: exactly one of `ciphertext` or `plaintext` must be supplied")
		}
		if plain && !json.Valid([]byte(p)) {
			return resource.PropertyValue{}, errors.New("malformed secret value: its plaintext is not JSON")
		}
		return unknownSecret(), nil
	case asset.AssetSig:
		a, _, err := asset.Deserialize(v)
		if err != nil {
			return resource.PropertyValue{}, err
		}
		return resource.NewProperty(a), nil
	case archive.ArchiveSig:
		a, _, err := archive.Deserialize(v)
		if err != nil {
			return resource.PropertyValue{}, err
		}
		return resource.NewProperty(a), nil
	case sig.ResourceReference:
		urn, ok := str("urn")
		if !ok {
			return resource.PropertyValue{}, errors.New("malformed resource reference: missing urn")
		}
		version, _ := str("packageVersion")
		switch id := v["id"].(type) {
		case nil:
			return resource.MakeComponentResourceReference(resource.URN(urn), version), nil
		case string:
			return resource.MakeCustomResourceReference(resource.URN(urn), resource.ID(id), version), nil
		case map[string]any:
			// An ID stored as a property value: none for a component, a
			// string, or unknown (the empty ID).
			switch inner := id["V"].(type) {
			case nil:
				return resource.MakeComponentResourceReference(resource.URN(urn), version), nil
			case string:
				return resource.MakeCustomResourceReference(resource.URN(urn), resource.ID(inner), version), nil
			case map[string]any:
				return resource.MakeCustomResourceReference(resource.URN(urn), "", version), nil
			}
		}
		return resource.PropertyValue{}, errors.New("malformed resource reference: id must be a string")
	case sig.ByteString:
		enc, ok := str("value")
		if !ok {
			return resource.PropertyValue{}, errors.New("malformed byte string: missing or non-string 'value' field")
		}
		b, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return resource.PropertyValue{}, fmt.Errorf("malformed byte string: %w", err)
		}
		return resource.NewProperty(string(b)), nil
	case floatSig:
		hex, ok := str("value")
		if !ok {
			return resource.PropertyValue{}, errors.New("malformed float value: missing or non-string 'value' field")
		}
		bits, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			return resource.PropertyValue{}, fmt.Errorf("malformed float value: %w", err)
		}
		return resource.NewProperty(math.Float64frombits(bits)), nil
	}
	return resource.PropertyValue{}, fmt.Errorf("unrecognized signature '%v' in property map", s)
}
