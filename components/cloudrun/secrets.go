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

	"github.com/berth-dev/berth/components/internal/envvar"
	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/validate"
)

// DefaultSecretFileMode is the mode of a secret file: read-only, readable by
// the container's non-root user. Cloud Run's secret files are owned by root,
// so 0400 would leave them unreadable to a non-root process.
const DefaultSecretFileMode = 0o444

// Secret exposes one version of a Secret Manager secret to the container,
// either as an environment variable (Env) or as a read-only file (Path).
// Set exactly one of Env and Path.
//
// A file secret is mounted as its own volume: the directory of Path is the
// mount path and its base name the file. Cloud Run mounts one secret per
// directory, so every file secret needs its own directory, and no mount
// directory may contain another.
type Secret struct {
	// Secret names the secret: its ID in the service's project
	// ("db-password") or its full name ("projects/P/secrets/S"), for example
	// a secretmanager.Secret's ID(). Refer to one secret the same way in
	// every entry: entries with the same plain string share one IAM binding.
	// Default: none, required.
	Secret pulumi.StringInput

	// Version is the secret version to read, a positive number such as "3",
	// or the Version output of a secretmanager.SecretVersion, which follows
	// the version when the value is replaced. "latest" is allowed only for a
	// file secret with AllowLatest. Default: none, required.
	Version pulumi.StringInput

	// Env is the environment variable that receives the secret's value once,
	// when an instance starts. Same rules as ServiceArgs.Env names.
	// Default: "", not an environment variable.
	Env string

	// Path is the absolute path of the file that holds the secret's value,
	// for example "/etc/secrets/db/password". Its directory may not be "/",
	// /dev, /proc, /sys, /cloudsql or below them, and may not contain a ":".
	// Default: "", not a file.
	Path string

	// Mode is the file's permission bits, 0o1 to 0o777; only with Path.
	// Default: 0o444 (DefaultSecretFileMode).
	Mode int

	// AllowLatest lets a file secret use Version "latest": Cloud Run then
	// reads the newest version whenever the file is read, so rotating the
	// secret needs no deployment, but deployments stop being reproducible.
	// Environment secrets are read once per instance and must pin a number.
	// Default: false, versions are pinned.
	AllowLatest bool
}

// plannedSecret is one validated secret entry.
type plannedSecret struct {
	secret  pulumi.StringInput
	version pulumi.StringInput
	env     string
	// mountDir, file and mode are set for file secrets.
	mountDir, file string
	mode           int
	volume         string
}

// plannedBinding is one roles/secretmanager.secretAccessor grant on one
// secret.
type plannedBinding struct {
	// key names the binding's logical name: the secret's known ID, or the
	// first entry's env or path when the ID is an output.
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

// resolveSecrets checks every secret entry and plans their IAM bindings.
// env is the plain environment, which secret variables may not clash with.
func resolveSecrets(secrets []Secret, env map[string]string, ps *validate.Problems) ([]plannedSecret, []plannedBinding) {
	var out []plannedSecret
	var bindings []plannedBinding
	envNames := envvar.NewSecretNames(env, envNameProblem, "env")
	type mount struct {
		dir   string
		index int
	}
	var mounts []mount
	for i, s := range secrets {
		field := validate.Index("secrets", i)
		q := plannedSecret{secret: s.Secret, version: s.Version, env: s.Env}

		if s.Secret == nil {
			ps.Addf(validate.Join(field, "secret"), "required (a secret ID such as \"db-password\" or \"projects/P/secrets/S\")")
		} else if id, ok := validate.Known(s.Secret); ok && !secretIDPattern.MatchString(id) {
			hint := ""
			if strings.Contains(id, "/versions/") {
				hint = "; put the version in version"
			}
			ps.Addf(validate.Join(field, "secret"), "%q is not a secret ID (allowed: 1 to 255 letters, digits, hyphens and underscores, optionally after \"projects/P/secrets/\")%s", id, hint)
		}

		switch {
		case s.Env != "" && s.Path != "":
			ps.Addf(field, "env and path are both set (allowed: exactly one of them)")
		case s.Env == "" && s.Path == "":
			ps.Addf(field, "neither env nor path is set (allowed: exactly one of them)")
		case s.Env != "":
			if msg := envNames.Check(i, s.Env); msg != "" {
				ps.Addf(validate.Join(field, "env"), "%s", msg)
			}
			if s.Mode != 0 {
				ps.Addf(validate.Join(field, "mode"), "only file secrets have a mode (allowed: 0 with env)")
			}
			if s.AllowLatest {
				ps.Addf(validate.Join(field, "allowLatest"), "environment secrets are read once per instance and must pin a version (allowed: false with env)")
			}
		default:
			q.mountDir, q.file = path.Split(s.Path)
			q.mountDir = path.Clean(q.mountDir)
			if msg := secretPathProblem(s.Path); msg != "" {
				ps.Addf(validate.Join(field, "path"), "%s", msg)
			} else {
				for _, m := range mounts {
					if msg := mountClash(q.mountDir, m.dir); msg != "" {
						ps.Addf(validate.Join(field, "path"), "directory %s %s of secrets[%d] (Cloud Run mounts one secret per directory; allowed: a directory of its own)", q.mountDir, msg, m.index)
						break
					}
				}
				mounts = append(mounts, mount{q.mountDir, i})
			}
			q.mode = s.Mode
			if q.mode == 0 {
				q.mode = DefaultSecretFileMode
			} else if q.mode < 0 || q.mode > 0o777 {
				ps.Addf(validate.Join(field, "mode"), "%#o is not a file mode (allowed: 0o1 to 0o777)", s.Mode)
			}
			q.volume = naming.Physical("secret-"+path.Base(q.mountDir), "volume:"+q.mountDir, 63)
		}

		version, known := validate.Known(s.Version)
		switch {
		case s.Version == nil || known && version == "":
			ps.Addf(validate.Join(field, "version"), "required (allowed: a version number such as \"1\"%s)", latestHint(s))
		case !known:
			// An output, such as a SecretVersion's version: always a number.
		case version == "latest" && s.Env != "":
			ps.Addf(validate.Join(field, "version"), "\"latest\" is not allowed for an environment secret, which is read once per instance (allowed: a version number such as \"1\")")
		case version == "latest" && !s.AllowLatest:
			ps.Addf(validate.Join(field, "version"), "\"latest\" needs allowLatest (allowed: a version number such as \"1\", or \"latest\" with allowLatest)")
		case version != "latest" && !versionPattern.MatchString(version):
			ps.Addf(validate.Join(field, "version"), "%q is not a secret version (allowed: a version number such as \"1\"%s)", version, latestHint(s))
		}

		out = append(out, q)
		if s.Secret != nil {
			bindings = addBinding(bindings, s)
		}
	}
	return out, bindings
}

// latestHint completes an allowed-values list for secret versions.
func latestHint(s Secret) string {
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

// addBinding adds the accessor grant s needs unless an earlier entry refers
// to the same secret (the same plain string, or the very same output), so
// that no two bindings hold the same grant: deleting one would revoke both.
func addBinding(bindings []plannedBinding, s Secret) []plannedBinding {
	key, known := validate.Known(s.Secret)
	if !known {
		key = "env:" + s.Env
		if s.Path != "" {
			key = "path:" + s.Path
		}
	}
	for _, b := range bindings {
		if sameInput(b.secret, s.Secret) {
			return bindings
		}
	}
	return append(bindings, plannedBinding{key: key, secret: s.Secret})
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
func countEnvSecrets(secrets []Secret) int {
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
			Value: pulumi.String(value),
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
