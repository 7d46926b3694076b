package cloudrun

import (
	"fmt"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// DefaultSecretFileMode is the mode of a secret file: read-only, readable by
// the container's non-root user. Cloud Run's secret files are owned by root,
// so 0400 would leave them unreadable to a non-root process.
const DefaultSecretFileMode = 0o444

// plannedSecret is one validated secret entry.
type plannedSecret struct {
	// secret and version name the Secret Manager secret version; for a
	// secret created from value they are set when it is created.
	secret  pulumi.StringInput
	version pulumi.StringInput
	// value is the secret's value when the component creates the secret;
	// key names it (spec.SecretKey).
	value pulumi.StringInput
	key   string
	env   string
	// mountDir, file and mode are set for file secrets.
	mountDir, file string
	mode           int
	volume         string
}

// plannedBinding is one roles/secretmanager.secretAccessor grant on one
// secret.
type plannedBinding struct {
	// key names the binding's logical name: the secret's known ID, the
	// created secret's key, or the first entry's env or path when the ID is
	// an output.
	key    string
	secret pulumi.StringInput
}

var (
	versionPattern  = regexp.MustCompile(`^[1-9][0-9]*$`)
	secretIDPattern = regexp.MustCompile(`^(projects/[^/]+/secrets/)?[A-Za-z0-9_-]{1,255}$`)
)

// forbiddenMountDirs are directories Cloud Run keeps for itself; a secret
// may not be mounted on them or below them.
var forbiddenMountDirs = []string{"/dev", "/proc", "/sys", "/cloudsql"}

// resolveSecrets checks what Cloud Run adds to spec's secret rules: its
// reserved variable names, mount directories, secret IDs and pinned
// versions.
func resolveSecrets(secrets []spec.Secret, ps *validate.Problems) []plannedSecret {
	var out []plannedSecret
	type mount struct {
		dir   string
		index int
	}
	var mounts []mount
	for i, s := range secrets {
		field := validate.Index("service.secrets", i)
		at := func(sub string) string { return validate.Join(field, sub) }
		q := plannedSecret{secret: s.Ref, version: s.Version, value: s.Value, env: s.Env}

		if s.Key != "" {
			ps.Addf(at("key"), "JSON keys are an AWS Secrets Manager feature (allowed on Cloud Run: no key; store the value in a secret of its own)")
		}
		if id, ok := validate.Known(s.Ref); ok {
			checkSecretID(id, at("ref"), ps)
		}
		switch {
		case s.Env != "" && s.Path == "":
			if msg := envNameProblem(s.Env); msg != "" {
				ps.Addf(at("env"), "%s", msg)
			}
		case s.Path != "" && s.Env == "":
			q.mountDir, q.file = path.Split(s.Path)
			q.mountDir = path.Clean(q.mountDir)
			if msg := secretPathProblem(s.Path); msg != "" {
				ps.Addf(at("path"), "%s", msg)
			} else {
				for _, m := range mounts {
					if msg := mountClash(q.mountDir, m.dir); msg != "" {
						ps.Addf(at("path"), "directory %s %s of service.secrets[%d] (Cloud Run mounts one secret per directory; allowed: a directory of its own)", q.mountDir, msg, m.index)
						break
					}
				}
				mounts = append(mounts, mount{q.mountDir, i})
			}
			q.mode = DefaultSecretFileMode
			if s.Mode != nil {
				q.mode = *s.Mode
			}
			q.volume = naming.Physical("secret-"+path.Base(q.mountDir), "volume:"+q.mountDir, 63)
		}

		if s.Value != nil {
			q.key = spec.SecretKey(s)
			q.version = nil
		} else if s.Ref != nil {
			checkVersion(s, at("version"), ps)
		}
		out = append(out, q)
	}
	return out
}

// checkVersion checks the version of a secret given by reference: a pinned
// number, or "latest" for a file secret with allowLatest.
func checkVersion(s spec.Secret, field string, ps *validate.Problems) {
	version, known := validate.Known(s.Version)
	switch {
	case s.Version == nil:
		ps.Addf(field, "required with ref (allowed: a version number such as \"1\"%s)", latestHint(s))
	case known:
		checkVersionValue(s, version, field, ps)
	}
	// An output is checked when it resolves (ServiceArgs.PendingChecks).
}

// checkSecretID checks a secret's ID or name, known now or resolved.
func checkSecretID(id, field string, ps *validate.Problems) {
	if id == "" || secretIDPattern.MatchString(id) {
		return
	}
	hint := ""
	if strings.Contains(id, "/versions/") {
		hint = "; put the version in version"
	}
	ps.Addf(field, "%q is not a secret ID (allowed: 1 to 255 letters, digits, hyphens and underscores, optionally after \"projects/P/secrets/\")%s", id, hint)
}

// checkVersionValue checks a secret version, known now or resolved.
func checkVersionValue(s spec.Secret, version, field string, ps *validate.Problems) {
	switch {
	case version == "":
		ps.Addf(field, "required with ref (allowed: a version number such as \"1\"%s)", latestHint(s))
	case version == "latest" && s.Env != "":
		ps.Addf(field, "\"latest\" is not allowed for an environment secret, which is read once per instance (allowed: a version number such as \"1\")")
	case version == "latest" && !s.AllowLatest:
		ps.Addf(field, "\"latest\" needs allowLatest (allowed: a version number such as \"1\", or \"latest\" with allowLatest)")
	case version != "latest" && !versionPattern.MatchString(version):
		ps.Addf(field, "%q is not a secret version (allowed: a version number such as \"1\"%s)", version, latestHint(s))
	}
}

// latestHint completes an allowed-values list for secret versions.
func latestHint(s spec.Secret) string {
	if s.Path != "" {
		return ", or \"latest\" with allowLatest"
	}
	return ""
}

// secretPathProblem checks a secret file path: absolute, clean, without ":",
// in a directory Cloud Run lets a volume be mounted on.
func secretPathProblem(p string) string {
	const allowed = "allowed: an absolute file path such as \"/etc/secrets/db/password\""
	switch {
	case !strings.HasPrefix(p, "/"):
		return fmt.Sprintf("%q is not absolute (%s)", p, allowed)
	case strings.Contains(p, ":"):
		return fmt.Sprintf("%q contains \":\" (%s)", p, allowed)
	case path.Clean(p) != p || strings.HasSuffix(p, "/"):
		return fmt.Sprintf("%q is not a clean file path (%s, without \"..\", \".\", \"//\" or a trailing \"/\")", p, allowed)
	}
	dir := path.Dir(p)
	if dir == "/" {
		return fmt.Sprintf("%q would mount the secret on \"/\" (%s, in a directory of its own)", p, allowed)
	}
	for _, f := range forbiddenMountDirs {
		if dir == f || strings.HasPrefix(dir, f+"/") {
			return fmt.Sprintf("%q is in %s, which Cloud Run reserves (allowed: any directory outside %s)", p, f, strings.Join(forbiddenMountDirs, ", "))
		}
	}
	return ""
}

// mountClash says how directory a conflicts with directory b, or "" when
// they are independent.
func mountClash(a, b string) string {
	switch {
	case a == b:
		return "is already the directory"
	case strings.HasPrefix(a, b+"/"):
		return "is inside the directory"
	case strings.HasPrefix(b, a+"/"):
		return "contains the directory"
	}
	return ""
}

// planBindings returns the accessor grants the secrets need, one per
// distinct secret: entries that refer to the same secret (the same plain
// string, or the very same output) share one binding, since deleting one of
// two bindings of the same grant would revoke both.
func planBindings(secrets []plannedSecret) []plannedBinding {
	var bindings []plannedBinding
next:
	for _, s := range secrets {
		key, known := validate.Known(s.secret)
		switch {
		case s.key != "":
			key = "value:" + s.key
		case !known:
			key = "env:" + s.env
			if s.file != "" {
				key = "path:" + path.Join(s.mountDir, s.file)
			}
		}
		for _, b := range bindings {
			if sameInput(b.secret, s.secret) {
				continue next
			}
		}
		bindings = append(bindings, plannedBinding{key: key, secret: s.secret})
	}
	return bindings
}

// sameInput reports whether two inputs are the same plain string or the same
// output value.
func sameInput(a, b pulumi.StringInput) bool {
	if a == nil || b == nil {
		return false
	}
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	return ta == tb && ta.Comparable() && a == b
}

// countEnvSecrets counts the secrets exposed as environment variables.
func countEnvSecrets(secrets []spec.Secret) int {
	n := 0
	for _, s := range secrets {
		if s.Env != "" {
			n++
		}
	}
	return n
}

// bindingName is the logical name suffix of a binding: readable, unique per
// key and stable when entries are reordered.
func bindingName(key string) string {
	base := key
	if i := strings.LastIndexAny(base, "/:"); i >= 0 {
		base = base[i+1:]
	}
	return naming.Physical(base, key, 40)
}

// containerEnv returns the container's environment: plain variables and
// secret variables (by reference, with their pinned version), sorted by
// name so that the order never causes a diff.
func (p *plan) containerEnv() cloudrunv2.ServiceTemplateContainerEnvArray {
	type entry struct {
		name string
		env  cloudrunv2.ServiceTemplateContainerEnvArgs
	}
	var entries []entry
	for name, value := range p.plainEnv {
		entries = append(entries, entry{name, cloudrunv2.ServiceTemplateContainerEnvArgs{
			Name:  pulumi.String(name),
			Value: value,
		}})
	}
	for _, s := range p.secrets {
		if s.env == "" {
			continue
		}
		entries = append(entries, entry{s.env, cloudrunv2.ServiceTemplateContainerEnvArgs{
			Name: pulumi.String(s.env),
			ValueSource: &cloudrunv2.ServiceTemplateContainerEnvValueSourceArgs{
				SecretKeyRef: &cloudrunv2.ServiceTemplateContainerEnvValueSourceSecretKeyRefArgs{
					Secret:  s.secret,
					Version: s.version,
				},
			},
		}})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	out := make(cloudrunv2.ServiceTemplateContainerEnvArray, len(entries))
	for i, e := range entries {
		out[i] = e.env
	}
	return out
}

// secretVolumes returns one secret volume per file secret, holding one
// read-only file, and the matching container mounts.
func (p *plan) secretVolumes() (cloudrunv2.ServiceTemplateVolumeArray, cloudrunv2.ServiceTemplateContainerVolumeMountArray) {
	var volumes cloudrunv2.ServiceTemplateVolumeArray
	var mounts cloudrunv2.ServiceTemplateContainerVolumeMountArray
	for _, s := range p.secrets {
		if s.file == "" {
			continue
		}
		volumes = append(volumes, cloudrunv2.ServiceTemplateVolumeArgs{
			Name: pulumi.String(s.volume),
			Secret: &cloudrunv2.ServiceTemplateVolumeSecretArgs{
				Secret:      s.secret,
				DefaultMode: pulumi.Int(s.mode),
				Items: cloudrunv2.ServiceTemplateVolumeSecretItemArray{
					cloudrunv2.ServiceTemplateVolumeSecretItemArgs{
						Path:    pulumi.String(s.file),
						Version: s.version,
						Mode:    pulumi.Int(s.mode),
					},
				},
			},
		})
		mounts = append(mounts, cloudrunv2.ServiceTemplateContainerVolumeMountArgs{
			Name:      pulumi.String(s.volume),
			MountPath: pulumi.String(s.mountDir),
		})
	}
	return volumes, mounts
}

// PendingChecks returns the checks of the secret references and versions
// that are outputs (a stack reference's, another resource's), with the
// messages NewService gives the same values known at construction.
// NewService gates the component, and so every child, on them
// (validate.Gate): a "latest" version of an environment secret from a
// stack reference fails before anything is created. The image is left out,
// as on Fargate: gating on it would hold every child until the build.
func (a *ServiceArgs) PendingChecks() []validate.Pending {
	if a == nil || a.Service == nil {
		return nil
	}
	var out []validate.Pending
	for i, s := range a.Service.Secrets {
		field := validate.Index("service.secrets", i)
		if s.Value != nil || s.Ref == nil {
			continue
		}
		if _, known := validate.Known(s.Ref); !known {
			out = append(out, validate.Pending{Input: s.Ref.ToStringOutput(), Check: func(v any, ps *validate.Problems) {
				checkSecretID(v.(string), validate.Join(field, "ref"), ps)
			}})
		}
		if _, known := validate.Known(s.Version); s.Version != nil && !known {
			out = append(out, validate.Pending{Input: s.Version.ToStringOutput(), Check: func(v any, ps *validate.Problems) {
				checkVersionValue(s, v.(string), validate.Join(field, "version"), ps)
			}})
		}
	}
	return out
}
