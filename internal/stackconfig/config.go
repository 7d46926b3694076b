package stackconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/encoding"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/berth-dev/berth/internal/fileread"
)

// BlindedSecret is the string a program gets for a secure config value that
// cannot be decrypted (the Pulumi SDK's blinding decrypter writes it); a
// plan treats any string that carries it as a secret.
const BlindedSecret = "[secret]"

// ErrStackNotFound is returned, wrapped, when the stack has no
// Pulumi.<stack>.yaml file. The message lists the stacks that do.
var ErrStackNotFound = errors.New("stack not found")

// LoadOptions tells LoadConfig which project and stack to read.
type LoadOptions struct {
	// Dir is where the search for Pulumi.yaml starts; it goes upwards, as
	// the Pulumi CLI's does. Default: the current directory.
	Dir string
	// Stack is the stack name; Pulumi.<Stack>.yaml must exist next to
	// Pulumi.yaml (or in its stackConfigDir). Required.
	Stack string
	// Overrides are applied after the stack's values, in order. Default:
	// none.
	Overrides []Override
	// Passphrase decrypts the stack's secure values with the passphrase
	// secrets provider. Default: nil, and secure values stand in as the
	// string "[secret]" (still secret to the program).
	Passphrase *string
}

// Config is a stack's configuration, ready for the program.
type Config struct {
	// Project is the project name from Pulumi.yaml.
	Project string
	// Stack is the stack name.
	Stack string
	// RootDirectory is the directory that holds Pulumi.yaml.
	RootDirectory string
	// ProgramDirectory is the directory of the program's main package,
	// Pulumi.yaml's `main` under RootDirectory (RootDirectory without
	// one). The program is built and runs there, as the Pulumi CLI runs
	// it.
	ProgramDirectory string
	// Binary is Pulumi.yaml's `runtime.options.binary` under
	// RootDirectory: a program built beforehand, which berth plan runs
	// instead of building one. Default: empty, build the program.
	Binary string
	// BackendURL is Pulumi.yaml's backend.url, where the project keeps
	// its state. Default: empty, the backend the user is logged in to.
	BackendURL string
	// StackFile is the path of the stack's settings, Pulumi.<stack>.yaml
	// (in Pulumi.yaml's stackConfigDir when it sets one).
	StackFile string
	// Values maps each full key ("namespace:name") to its value as the
	// Pulumi engine passes it to programs: strings as they are, objects and
	// lists as JSON. Secure values are decrypted or "[secret]".
	Values map[string]string
	// SecretKeys lists the keys whose value is or contains a secure value,
	// sorted; the program's config getters return them as secrets.
	SecretKeys []string

	// secrets holds the decrypted plaintexts of secure values, which the
	// plan redacts wherever they appear.
	secrets []string
}

// ConfigError lists every problem found in the configuration, one per line,
// each naming the config key.
type ConfigError struct {
	// Problems lists one problem per item, each naming its config key.
	Problems []string
}

// Error returns the problems, one per line.
func (e *ConfigError) Error() string { return strings.Join(e.Problems, "\n") }

// Secrets returns the plaintexts of the stack's secure values, longest
// first: what a plan must redact wherever it appears.
func (c *Config) Secrets() []string { return c.secrets }

//go:generate go run ./keygen -root ../.. -out providerkeys.go

// autonamingKey is the stack setting of Pulumi's autonaming configuration.
var autonamingKey = config.MustParseKey("pulumi:autonaming")

// LoadConfig reads the project and stack files as the Pulumi CLI does and
// returns the configuration the program sees: Pulumi.yaml's `config:`
// defaults for keys the stack does not set, the stack's `config:` values,
// then opts.Overrides. Values of keys with a type in Pulumi.yaml's schema are
// checked against it; a *ConfigError lists every mismatch and every missing
// required value.
func LoadConfig(opts LoadOptions) (*Config, error) {
	if err := checkStackName(opts.Stack); err != nil {
		return nil, err
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	projPath, err := workspace.DetectProjectPathFrom(dir)
	if err != nil {
		return nil, err
	}
	proj, err := loadProject(projPath)
	if err != nil {
		return nil, fmt.Errorf("loading project: %w", err)
	}
	root := filepath.Dir(projPath)
	programDir, binary, err := program(root, proj)
	if err != nil {
		return nil, err
	}
	stackPath := workspace.ProjectStackPath(projPath, proj, tokens.QName(opts.Stack))
	if _, err := os.Stat(stackPath); err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("%w: no %s (stacks here: %s)", ErrStackNotFound, stackPath, stacksNear(stackPath))
		}
		return nil, fmt.Errorf("reading stack file: %w", err)
	}
	ps, err := loadStack(proj, stackPath)
	if err != nil {
		return nil, fmt.Errorf("loading stack %s: %w", opts.Stack, err)
	}
	m := ps.Config
	if m == nil {
		m = config.Map{}
	}

	project := string(proj.Name)
	var problems []string
	schema := map[config.Key]workspace.ProjectConfigType{}
	for name, typ := range proj.Config {
		key, err := projectKey(project, name)
		if err != nil {
			return nil, fmt.Errorf("loading project config schema: %w", err)
		}
		schema[key] = typ
		if _, set := m[key]; set {
			continue
		}
		def := typ.Value
		if def == nil {
			def = typ.Default
		}
		if def == nil {
			continue
		}
		v, err := plainValue(def)
		if err != nil {
			return nil, fmt.Errorf("loading default of %s: %w", key, err)
		}
		m[key] = v
	}

	for _, o := range opts.Overrides {
		if err := m.Set(o.key(project), o.Value, true); err != nil {
			return nil, fmt.Errorf("setting %s: %w", o.key(project), err)
		}
	}

	for key, typ := range schema {
		if _, set := m[key]; !set && typ.IsExplicitlyTyped() {
			problems = append(problems, fmt.Sprintf("%s: required (Pulumi.yaml declares it with type %s and no default); set it in %s",
				key, workspace.InferFullTypeName(typ.TypeName(), typ.Items), filepath.Base(stackPath)))
		}
	}
	problems = append(problems, checkTypes(m, schema)...)
	problems = append(problems, undeclared(project, m, schema)...)
	problems = append(problems, unknownProviderKeys(m)...)
	if _, set := m[autonamingKey]; set {
		problems = append(problems, autonamingKey.String()+": Pulumi's autonaming configuration is not modelled here: it changes the names the engine makes and, with a mode or pattern without random characters, makes every replacement delete first (pkg/v3 v3.274.1 resource/deploy/step_generator.go:1374-1380), so a plan would show both wrongly; preview this stack with pulumi preview")
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, &ConfigError{Problems: problems}
	}

	decrypter := config.Decrypter(config.NopDecrypter)
	var secrets []string
	if m.HasSecureValue() {
		switch {
		case opts.Passphrase == nil, ps.SecretsProvider != "" && ps.SecretsProvider != "passphrase":
			// The program gets "[secret]" for each secure value; the plan
			// shows any string that carries one as a secret.
			decrypter = config.NewBlindingDecrypter()
			secrets = append(secrets, BlindedSecret)
		case ps.EncryptionSalt == "":
			return nil, fmt.Errorf("decrypting configuration of stack %s: %s has secure values but no encryptionsalt", opts.Stack, filepath.Base(stackPath))
		default:
			decrypter, err = passphraseDecrypter(*opts.Passphrase, ps.EncryptionSalt)
			if err != nil {
				return nil, fmt.Errorf("decrypting configuration of stack %s: %w", opts.Stack, err)
			}
			for _, v := range m {
				pts, err := v.SecureValues(decrypter)
				if err != nil {
					return nil, fmt.Errorf("decrypting configuration of stack %s: %w", opts.Stack, err)
				}
				for _, pt := range pts {
					if pt != "" {
						secrets = append(secrets, pt)
					}
				}
			}
		}
	}
	plain, err := m.Decrypt(decrypter)
	if err != nil {
		return nil, fmt.Errorf("decrypting configuration of stack %s: %w", opts.Stack, err)
	}
	cfg := &Config{
		Project:          project,
		Stack:            opts.Stack,
		RootDirectory:    root,
		ProgramDirectory: programDir,
		Binary:           binary,
		BackendURL:       backendURL(proj),
		StackFile:        stackPath,
		Values:           make(map[string]string, len(plain)),
		secrets:          secrets,
	}
	for k, v := range plain {
		cfg.Values[k.String()] = v
	}
	for _, k := range m.SecureKeys() {
		cfg.SecretKeys = append(cfg.SecretKeys, k.String())
	}
	sort.Strings(cfg.SecretKeys)
	// Longest first, so that a secret containing another is redacted whole.
	sort.Slice(cfg.secrets, func(i, j int) bool { return len(cfg.secrets[i]) > len(cfg.secrets[j]) })
	return cfg, nil
}

// projectKey returns the full key of a Pulumi.yaml `config:` entry: names
// without a namespace belong to the project.
func projectKey(project, name string) (config.Key, error) {
	if !strings.Contains(name, ":") {
		return config.MustMakeKey(project, name), nil
	}
	return config.ParseKey(name)
}

// plainValue turns a YAML value from Pulumi.yaml into a config value.
func plainValue(v any) (config.Value, error) {
	if s, ok := v.(string); ok {
		return config.NewValue(s), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return config.Value{}, err
	}
	return config.NewObjectValue(string(b)), nil
}

// checkTypes checks each configured value whose key has a type in the
// project's schema, as the CLI does before it runs a program. Secure values
// are not checked: their type is not known without decrypting them.
func checkTypes(m config.Map, schema map[config.Key]workspace.ProjectConfigType) []string {
	var problems []string
	for key, typ := range schema {
		v, set := m[key]
		if !set || !typ.IsExplicitlyTyped() || v.Secure() {
			continue
		}
		raw, err := v.Value(config.NopDecrypter)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", key, err))
			continue
		}
		var value any = raw
		if v.Object() {
			if err := json.Unmarshal([]byte(raw), &value); err != nil {
				problems = append(problems, fmt.Sprintf("%s: not valid JSON: %v", key, err))
				continue
			}
		}
		if !workspace.ValidateConfigValue(typ.TypeName(), typ.Items, value) {
			problems = append(problems, fmt.Sprintf("%s: must be of type %s, as Pulumi.yaml declares (got %s)",
				key, workspace.InferFullTypeName(typ.TypeName(), typ.Items), describe(value)))
		}
	}
	return problems
}

// describe names the JSON type of a value for messages, without the value.
func describe(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// stacksNear lists the stacks whose files sit next to stackPath.
func stacksNear(stackPath string) string {
	ext := filepath.Ext(stackPath)
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(stackPath), workspace.ProjectFile+".*"+ext))
	var names []string
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), workspace.ProjectFile+"."), ext)
		if name != "" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// backendURL is Pulumi.yaml's backend.url, if any.
func backendURL(proj *workspace.Project) string {
	if proj.Backend == nil {
		return ""
	}
	return proj.Backend.URL
}

// loadProject reads Pulumi.yaml as workspace.LoadProject does (sdk/v3
// v3.274.1 go/common/workspace/loaders.go:92-106: the UTF-8 byte order
// mark stripped, the marshaler of the file's extension), but only from a
// regular file of at most fileread.MaxProjectBytes: the CLI's own reader
// would read a link to /dev/zero until memory runs out.
func loadProject(path string) (*workspace.Project, error) {
	b, m, err := readSettings(path, fileread.MaxProjectBytes)
	if err != nil {
		return nil, err
	}
	return workspace.LoadProjectBytes(b, path, m)
}

// loadStack reads a stack file as workspace.LoadProjectStack does
// (loaders.go:151-170), bounded like loadProject.
func loadStack(proj *workspace.Project, path string) (*workspace.ProjectStack, error) {
	b, m, err := readSettings(path, fileread.MaxStackBytes)
	if err != nil {
		return nil, err
	}
	return workspace.LoadProjectStackBytes(nil, proj, b, path, m)
}

// readSettings reads a project or stack file and picks its marshaler by
// extension (workspace/project.go marshallerForPath 1384-1392).
func readSettings(path string, limit int64) ([]byte, encoding.Marshaler, error) {
	m, ok := encoding.Marshalers[filepath.Ext(path)]
	if !ok {
		return nil, nil, fmt.Errorf("%s: no marshaler for file format %q", path, filepath.Ext(path))
	}
	b, err := fileread.Read(path, limit)
	if err != nil {
		return nil, nil, err
	}
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), m, nil
}

// stackNamePattern is the CLI's stack name grammar (sdk/v3 v3.274.1
// go/common/tokens/stack_name.go:51-82): letters, digits, "-", "_" and ".",
// 1 to 100 of them.
var stackNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// checkStackName refuses a stack name the Pulumi CLI would refuse. It is
// berth's own check, not tokens.ParseStackName, which accepts anything
// when PULUMI_DISABLE_VALIDATION is set (stack_name.go:57-59): the name
// reaches file names, plans and pull request comments.
func checkStackName(name string) error {
	if !stackNamePattern.MatchString(name) {
		return fmt.Errorf("stack %q: not a stack name (allowed: letters, digits, -, _ and ., 1 to 100 of them)", name)
	}
	return nil
}
