package fargate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// secretKind says where a secret's value lives.
type secretKind int

const (
	secretsManager secretKind = iota + 1
	parameterStore
)

// parsedValueFrom is a valueFrom split into the parts the IAM grant needs.
type parsedValueFrom struct {
	kind secretKind
	// arn is the secret's ARN without the ":jsonKey:stage:version" suffix,
	// or the parameter's ARN; "" for a parameter given by name.
	arn string
	// suffix is the ":jsonKey:versionStage:versionId" part, "" without.
	suffix string
	// partial is set for a secret ARN without the random suffix.
	partial bool
	// parameter is the parameter name when given by name.
	parameter string
}

var (
	completeSecretName = regexp.MustCompile(`-[A-Za-z0-9]{6}$`)
	parameterName      = regexp.MustCompile(`^/?[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$`)
	accountID          = regexp.MustCompile(`^[0-9]{12}$`)
)

// parseValueFrom classifies a secrets[].valueFrom. Its errors read as
// validation messages.
func parseValueFrom(v string) (parsedValueFrom, error) {
	const allowed = `allowed: a Secrets Manager secret ARN, optionally followed by ":jsonKey:versionStage:versionId", an SSM parameter name or an SSM parameter ARN`
	if v == "" {
		return parsedValueFrom{}, fmt.Errorf("must not be empty (%s)", allowed)
	}
	if !strings.HasPrefix(v, "arn:") {
		if strings.Contains(v, ":") || !parameterName.MatchString(v) {
			return parsedValueFrom{}, fmt.Errorf("%q is neither an ARN nor an SSM parameter name (%s)", v, allowed)
		}
		if reservedParameter(v) {
			return parsedValueFrom{}, fmt.Errorf("%q starts with \"aws\" or \"ssm\", which SSM reserves (%s)", v, allowed)
		}
		return parsedValueFrom{kind: parameterStore, parameter: v}, nil
	}
	parts := strings.Split(v, ":")
	if len(parts) < 6 || parts[1] == "" || parts[3] == "" || !accountID.MatchString(parts[4]) {
		return parsedValueFrom{}, fmt.Errorf("%q is not an ARN with partition, Region and 12-digit account (%s)", v, allowed)
	}
	switch parts[2] {
	case "secretsmanager":
		if parts[5] != "secret" || len(parts) < 7 || parts[6] == "" {
			return parsedValueFrom{}, fmt.Errorf("%q is not a secret ARN, arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME (%s)", v, allowed)
		}
		p := parsedValueFrom{kind: secretsManager, arn: strings.Join(parts[:7], ":")}
		switch len(parts) {
		case 7:
		case 10:
			p.suffix = ":" + strings.Join(parts[7:], ":")
			if parts[8] != "" && parts[9] != "" {
				return parsedValueFrom{}, fmt.Errorf("%q sets both a version stage and a version ID (allowed: at most one of them)", v)
			}
		default:
			return parsedValueFrom{}, fmt.Errorf("%q has %d parts after the secret name (allowed: none, or \":jsonKey:versionStage:versionId\" with every colon present, such as \"%s:password::\")", v, len(parts)-7, p.arn)
		}
		p.partial = !completeSecretName.MatchString(parts[6])
		return p, nil
	case "ssm":
		if len(parts) != 6 || !strings.HasPrefix(parts[5], "parameter/") || len(parts[5]) == len("parameter/") {
			return parsedValueFrom{}, fmt.Errorf("%q is not a parameter ARN, arn:PARTITION:ssm:REGION:ACCOUNT:parameter/NAME (%s)", v, allowed)
		}
		return parsedValueFrom{kind: parameterStore, arn: v}, nil
	default:
		return parsedValueFrom{}, fmt.Errorf("%q is a %s ARN (%s)", v, parts[2], allowed)
	}
}

// reservedParameter reports whether an SSM parameter name uses a prefix SSM
// keeps for itself ("aws", "ssm", case-insensitive, at the root or the first
// path level).
func reservedParameter(name string) bool {
	first := strings.ToLower(strings.TrimPrefix(name, "/"))
	return strings.HasPrefix(first, "aws") || strings.HasPrefix(first, "ssm")
}

// grant returns the IAM resource that lets the execution role read the
// value: the secret ARN without its suffix ("-??????" appended to a partial
// ARN), or the parameter ARN, built for a name from the service's
// partition, Region and account.
func (p parsedValueFrom) grant(partition, region, account string) string {
	switch {
	case p.kind == secretsManager && p.partial:
		return p.arn + "-??????"
	case p.kind == secretsManager:
		return p.arn
	case p.arn != "":
		return p.arn
	}
	// A hierarchical name already starts with "/": parameter/app/db.
	return fmt.Sprintf("arn:%s:ssm:%s:%s:parameter/%s", partition, region, account, strings.TrimPrefix(p.parameter, "/"))
}

// plannedSecret is one validated secret: its variable, its value reference
// and the ":jsonKey:versionStage:versionId" suffix composed from key and
// version.
type plannedSecret struct {
	name      string
	valueFrom pulumi.StringInput
	suffix    string
	// value is the secret's value when the component creates the secret;
	// key names it (spec.SecretKey). valueFrom is set when it is created.
	value pulumi.StringInput
	key   string
}

// versionIDPattern matches a Secrets Manager version ID; any other version
// is a staging label such as AWSCURRENT.
var versionIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// resolveSecrets checks what ECS adds to spec's secret rules: values reach
// the container as variables only, valueFroms of the forms ECS reads, and
// versions that Secrets Manager names by label or ID.
func resolveSecrets(secrets []spec.Secret, ps *validate.Problems) []plannedSecret {
	var out []plannedSecret
	for i, s := range secrets {
		field := validate.Index("service.secrets", i)
		at := func(sub string) string { return validate.Join(field, sub) }
		q := plannedSecret{name: s.Env, valueFrom: s.Ref, value: s.Value}
		if s.Path != "" {
			ps.Addf(at("path"), "ECS injects secrets as environment variables only (allowed on Fargate: env)")
		}
		if s.Value != nil {
			q.key = spec.SecretKey(s)
			out = append(out, q)
			continue
		}

		stage, id := "", ""
		if s.Version != nil {
			version, known := validate.Known(s.Version)
			switch {
			case !known:
				ps.Addf(at("version"), "is another resource's output (allowed on Fargate: a plain staging label such as \"AWSPREVIOUS\" or a version ID)")
			case version == "":
				ps.Addf(at("version"), "empty (allowed: a staging label such as \"AWSPREVIOUS\", a version ID, or leave it out for the current version)")
			case versionIDPattern.MatchString(version):
				id = version
			case allDigits(version):
				ps.Addf(at("version"), "%q is a Secret Manager version number; Secrets Manager names versions by staging label or ID (allowed on Fargate: AWSCURRENT, AWSPREVIOUS, another label, or a version ID)", version)
			case strings.Contains(version, ":"):
				ps.Addf(at("version"), "%q contains \":\" (allowed: a staging label or version ID without colons)", version)
			default:
				stage = version
			}
		}
		composed := s.Key != "" || stage != "" || id != ""
		if composed {
			q.suffix = ":" + s.Key + ":" + stage + ":" + id
		}
		if v, ok := validate.Known(s.Ref); ok && v != "" {
			p, err := parseValueFrom(v)
			switch {
			case err != nil:
				ps.Addf(at("ref"), "%v", err)
			case composed && p.kind != secretsManager:
				ps.Addf(at("ref"), "%q is an SSM parameter, which has no JSON key or version (allowed with key or version: a Secrets Manager secret ARN)", v)
			case composed && p.suffix != "":
				ps.Addf(at("ref"), "%q already ends with %q (allowed: the suffix in ref or key and version, not both)", v, p.suffix)
			}
		}
		out = append(out, q)
	}
	return out
}

// allDigits reports whether s is a non-empty run of decimal digits.
func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// fullValueFrom returns the valueFrom ECS reads: the given value plus the
// composed suffix.
func (s plannedSecret) fullValueFrom(v string) string { return v + s.suffix }

// newValueSecrets creates a Secrets Manager secret holding the value of
// every secret given as a value, and points the planned secret at its ARN
// once the value is stored, so that no task starts reading an empty secret.
// The value stays a Pulumi secret.
func (c *Service) newValueSecrets(ctx *pulumi.Context, name string, p *plan, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
	for i := range p.secrets {
		s := &p.secrets[i]
		if s.value == nil {
			continue
		}
		secret, err := secretsmanager.NewSecret(ctx, name+"-"+s.key, &secretsmanager.SecretArgs{
			Name: pulumi.String(naming.Physical(p.name+"-"+s.key, p.seed+"/secret/"+s.key, maxSecretName)),
			// Deleted at once, not after a 30-day recovery window that would
			// block creating the same name again: the value lives in the
			// program's configuration.
			RecoveryWindowInDays: pulumi.Int(0),
			Tags:                 tags,
		}, pulumi.Parent(c), naming.CreateFirst, c.kids.Stateful())
		if err != nil {
			return err
		}
		version, err := secretsmanager.NewSecretVersion(ctx, name+"-"+s.key, &secretsmanager.SecretVersionArgs{
			SecretId:     secret.ID(),
			SecretString: pulumi.ToSecret(s.value).(pulumi.StringOutput),
		}, parent)
		if err != nil {
			return err
		}
		s.valueFrom = pulumi.All(secret.Arn, version.VersionId).ApplyT(func(v []any) string {
			return v[0].(string)
		}).(pulumi.StringOutput)
		c.Secrets = append(c.Secrets, secret)
		c.SecretVersions = append(c.SecretVersions, version)
	}
	return nil
}

// resolve parses a secret's resolved valueFrom (an output's value is only
// known now) and returns it with the full valueFrom ECS reads.
func (s plannedSecret) resolve(i int, v string) (parsedValueFrom, string, error) {
	parsed, err := parseValueFrom(v)
	if err == nil && s.suffix != "" && (parsed.kind != secretsManager || parsed.suffix != "") {
		err = fmt.Errorf("%q takes no key or version (allowed with them: a plain Secrets Manager secret ARN)", v)
	}
	if err != nil {
		return parsedValueFrom{}, "", fmt.Errorf("service.secrets[%d].ref: %w", i, err)
	}
	return parsed, s.fullValueFrom(v), nil
}
