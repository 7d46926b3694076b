package fargate

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

func TestParseValueFromAndGrant(t *testing.T) {
	t.Parallel()
	const sm = "arn:aws:secretsmanager:us-east-1:123456789012:secret:"
	tests := []struct {
		name      string
		valueFrom string
		kind      secretKind
		grant     string
	}{
		{"whole secret", sm + "db-AbCdEf", secretsManager, sm + "db-AbCdEf"},
		{"path-like name", sm + "prod/db-AbCdEf", secretsManager, sm + "prod/db-AbCdEf"},
		{"json key", sm + "db-AbCdEf:password::", secretsManager, sm + "db-AbCdEf"},
		{"version stage", sm + "db-AbCdEf::AWSPREVIOUS:", secretsManager, sm + "db-AbCdEf"},
		{"version ID", sm + "db-AbCdEf:::0f1e2d3c-aaaa-bbbb-cccc-0123456789ab", secretsManager, sm + "db-AbCdEf"},
		{"partial ARN", sm + "db", secretsManager, sm + "db-??????"},
		{"partial ARN with key", sm + "db:password::", secretsManager, sm + "db-??????"},
		{"other partition", "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf", secretsManager, "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf"},
		{"parameter name", "db-url", parameterStore, "arn:aws:ssm:us-east-1:123456789012:parameter/db-url"},
		{"hierarchical parameter", "/app/prod/db-url", parameterStore, "arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/db-url"},
		{"parameter ARN", "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db-url", parameterStore, "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db-url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := parseValueFrom(tt.valueFrom)
			if err != nil {
				t.Fatal(err)
			}
			if p.kind != tt.kind {
				t.Errorf("kind = %v, want %v", p.kind, tt.kind)
			}
			if got := p.grant("aws", "us-east-1", "123456789012"); got != tt.grant {
				t.Errorf("grant = %q, want %q", got, tt.grant)
			}
		})
	}
}

func TestParseValueFromRejects(t *testing.T) {
	t.Parallel()
	const sm = "arn:aws:secretsmanager:us-east-1:123456789012:secret:"
	tests := []struct{ valueFrom, want string }{
		{"", "must not be empty"},
		{"db url", "neither an ARN nor an SSM parameter name"},
		{"ssm/db", "SSM reserves"},
		{"arn:aws:secretsmanager:us-east-1:1234:secret:db", "12-digit account"},
		{"arn:aws:secretsmanager:us-east-1:123456789012:db", "not a secret ARN"},
		{sm + "db-AbCdEf:password", "every colon present"},
		{sm + "db-AbCdEf:password:AWSCURRENT:0f1e", "at most one of them"},
		{"arn:aws:ssm:us-east-1:123456789012:document/x", "not a parameter ARN"},
		{"arn:aws:kms:us-east-1:123456789012:key/x", "is a kms ARN"},
	}
	for _, tt := range tests {
		_, err := parseValueFrom(tt.valueFrom)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseValueFrom(%q) = %v, want an error containing %q", tt.valueFrom, err, tt.want)
		}
	}
}

func TestComposedSuffixKeepsEveryColon(t *testing.T) {
	t.Parallel()
	const id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	tests := []struct {
		s    spec.Secret
		want string
	}{
		{spec.Secret{Key: "password"}, ":password::"},
		{spec.Secret{Version: pulumi.String("AWSPREVIOUS")}, "::AWSPREVIOUS:"},
		{spec.Secret{Key: "k", Version: pulumi.String(id)}, ":k::" + id},
		{spec.Secret{}, ""},
	}
	for _, tt := range tests {
		tt.s.Env, tt.s.Ref = "X", pulumi.String(testDBARN)
		var ps validate.Problems
		got := resolveSecrets([]spec.Secret{tt.s}, &ps)
		if !ps.Empty() || got[0].suffix != tt.want {
			t.Errorf("suffix of %+v = %q (problems %v), want %q", tt.s, got[0].suffix, ps.List(), tt.want)
		}
	}
}
