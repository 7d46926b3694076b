package fargate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/envvar"
	"github.com/berth-dev/berth/validate"
)

// Secret exposes a Secrets Manager secret (whole, or one JSON key of it) or
// an SSM Parameter Store parameter to the container as an environment
// variable. ECS reads it when the task starts, with the execution role,
// which may read exactly the secrets the service declares.
//
// See https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar.html
type Secret struct {
	// Name is the environment variable that receives the value: letters,
	// digits and underscores, not starting with a digit, not also a key of
	// ServiceArgs.Env. Default: none, required.
	Name string

	// ValueFrom names the value, in one of these forms:
	//   - a Secrets Manager secret ARN,
	//     "arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf", for
	//     example a secretsmanager.Secret's Arn output;
	//   - the same ARN with a JSON key, version stage and version ID, every
	//     colon present even when a part is empty:
	//     "arn:...:secret:db-AbCdEf:password::" (or use JSONKey, VersionStage
	//     and VersionID below with the plain ARN);
	//   - an SSM parameter name in the service's Region, "db-url" or
	//     "/app/db-url", or its ARN,
	//     "arn:aws:ssm:REGION:ACCOUNT:parameter/app/db-url".
	// A Secrets Manager ARN without the 6-character random suffix (a partial
	// ARN) is granted as "NAME-??????". A name whose last hyphen-separated
	// part has exactly 6 letters or digits ("api-tokens") reads as complete:
	// pass the complete ARN for such a secret.
	// Default: none, required.
	ValueFrom pulumi.StringInput

	// JSONKey selects one key of a Secrets Manager secret that holds JSON;
	// only with a plain secret ARN in ValueFrom. No colons.
	// Default: "", the whole secret.
	JSONKey string

	// VersionStage selects a staging label such as "AWSCURRENT" or
	// "AWSPREVIOUS"; only with a plain secret ARN, not with VersionID.
	// Default: "", AWSCURRENT.
	VersionStage string

	// VersionID pins a version ID (a UUID); only with a plain secret ARN,
	// not with VersionStage. Default: "", the current version.
	VersionID string
}

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
// and the suffix composed from JSONKey, VersionStage and VersionID.
type plannedSecret struct {
	name      string
	valueFrom pulumi.StringInput
	suffix    string
}

// resolveSecrets checks every secret entry. env is the plain environment,
// which secret variables may not clash with.
func resolveSecrets(secrets []Secret, env map[string]string, ps *validate.Problems) []plannedSecret {
	var out []plannedSecret
	names := envvar.NewSecretNames(env, envvar.NameProblem, "name")
	for i, s := range secrets {
		field := validate.Index("secrets", i)
		q := plannedSecret{name: s.Name, valueFrom: s.ValueFrom}

		if msg := names.Check(i, s.Name); msg != "" {
			ps.Addf(validate.Join(field, "name"), "%s", msg)
		}

		for _, part := range []struct{ field, value string }{
			{"jsonKey", s.JSONKey}, {"versionStage", s.VersionStage}, {"versionId", s.VersionID},
		} {
			if strings.Contains(part.value, ":") {
				ps.Addf(validate.Join(field, part.field), "%q contains \":\" (allowed: any text without colons)", part.value)
			}
		}
		if s.VersionStage != "" && s.VersionID != "" {
			ps.Addf(validate.Join(field, "versionId"), "set together with versionStage (allowed: at most one of them)")
		}
		composed := s.JSONKey != "" || s.VersionStage != "" || s.VersionID != ""
		if composed {
			q.suffix = ":" + s.JSONKey + ":" + s.VersionStage + ":" + s.VersionID
		}

		if s.ValueFrom == nil {
			ps.Addf(validate.Join(field, "valueFrom"), "required (a Secrets Manager secret ARN, or an SSM parameter name or ARN)")
		} else if v, ok := validate.Known(s.ValueFrom); ok {
			p, err := parseValueFrom(v)
			switch {
			case err != nil:
				ps.Addf(validate.Join(field, "valueFrom"), "%v", err)
			case composed && p.kind != secretsManager:
				ps.Addf(validate.Join(field, "valueFrom"), "%q is an SSM parameter, which has no JSON key, version stage or version ID (allowed with jsonKey, versionStage or versionId: a Secrets Manager secret ARN)", v)
			case composed && p.suffix != "":
				ps.Addf(validate.Join(field, "valueFrom"), "%q already ends with %q (allowed: the suffix in valueFrom or jsonKey, versionStage and versionId, not both)", v, p.suffix)
			}
		}
		out = append(out, q)
	}
	return out
}

// fullValueFrom returns the valueFrom ECS reads: the given value plus the
// composed suffix.
func (s plannedSecret) fullValueFrom(v string) string { return v + s.suffix }
