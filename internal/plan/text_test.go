package plan

import (
	"bytes"
	"testing"
)

func TestWriteTextShowsTheTreeInputsAndOutputs(t *testing.T) {
	t.Parallel()
	p := &Plan{
		Project: "berth",
		Stack:   "dev",
		Resources: []Resource{
			{URN: "urn:c", Type: "berth:cloudrun:Service", Name: "api", Inputs: map[string]any{}},
			{URN: "urn:sa", Type: "gcp:serviceaccount/account:Account", Name: "api-sa", Parent: "urn:c",
				Inputs: map[string]any{"accountId": "api-1a2b3c4", "disabled": false}},
			{URN: "urn:iam", Type: "aws:iam/rolePolicy:RolePolicy", Name: "api-policy", Parent: "urn:c",
				DependsOn: []string{"urn:sa", "urn:elsewhere"},
				Inputs: map[string]any{
					"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`,
					"token":  SecretMarker,
					"containers": []any{map[string]any{
						"image": "us-docker.pkg.dev/berth-mock-project/berth/api@sha256:0123456789abcdef",
						"env":   []any{map[string]any{"name": "MODE", "value": "prod"}},
					}},
				}},
			{URN: "urn:top", Type: "test:index:Thing", Name: "other", Inputs: map[string]any{"size": 3.0}},
			{URN: "urn:top2", Type: "test:index:Other", Name: "other", DependsOn: []string{"urn:top"}},
		},
		Outputs: map[string]any{"url": "${api-svc.uri}", "password": SecretMarker},
	}
	var buf bytes.Buffer
	if err := p.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	want := `Plan for berth/dev: 5 resources

api  berth:cloudrun:Service
  api-sa  gcp:serviceaccount/account:Account
    accountId: "api-1a2b3c4"
    disabled: false
  api-policy  aws:iam/rolePolicy:RolePolicy
    depends on: api-sa, urn:elsewhere
    containers:
      [0]:
        env: [{"name":"MODE","value":"prod"}]
        image: "us-docker.pkg.dev/berth-mock-project/berth/api@sha256:0123456789abcdef"
    policy: (JSON)
      {
        "Version": "2012-10-17",
        "Statement": [
          {
            "Effect": "Allow",
            "Action": "s3:GetObject"
          }
        ]
      }
    token: [secret]

other  test:index:Thing
  size: 3

other  test:index:Other
  depends on: other (test:index:Thing)

Outputs:
  password: [secret]
  url: "${api-svc.uri}"
`
	if got := buf.String(); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
}
