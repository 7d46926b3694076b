package plan

import (
	"bytes"
	"testing"
)

func TestWriteTextShowsTheTreeOptionsInputsAndOutputs(t *testing.T) {
	t.Parallel()
	p := &Plan{
		Project: "berth",
		Stack:   "dev",
		Resources: []Resource{
			{URN: "urn:c", Type: "berth:cloudrun:Service", Name: "api", Inputs: map[string]any{}},
			{URN: "urn:sa", Type: "gcp:serviceaccount/account:Account", Name: "api-sa", Parent: "urn:c", Custom: true,
				Options: Options{Protect: true, IgnoreChanges: []string{"description"}},
				Inputs:  map[string]any{"accountId": "api-1a2b3c4", "disabled": false}},
			{URN: "urn:iam", Type: "aws:iam/rolePolicy:RolePolicy", Name: "api-policy", Parent: "urn:c", Custom: true,
				DependsOn: []string{"urn:sa", "urn:elsewhere"},
				Inputs: map[string]any{
					"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`,
					"token":  Secret{},
					"role":   Unknown{},
					"label":  "[secret]",
					"containers": []any{map[string]any{
						"image": Unknown{},
						"env":   []any{map[string]any{"name": "MODE", "value": "prod"}},
					}},
				}},
			{URN: "urn:p", Type: "pulumi:providers:aws", Name: "eu", Custom: true, Inputs: map[string]any{"region": "eu-west-1"}},
			{URN: "urn:top", Type: "test:index:Thing", Name: "other", Custom: true, Provider: "urn:p", Inputs: map[string]any{"size": 3.0}},
			{URN: "urn:top2", Type: "test:index:Other", Name: "other", Custom: true, DependsOn: []string{"urn:top"}},
			{URN: "urn:vpc", Type: "aws:ec2/vpc:Vpc", Name: "shared", Custom: true, Read: true, ID: "vpc-1"},
		},
		Outputs: map[string]any{"url": Unknown{}, "password": Secret{}, "file": Asset{Path: "app/main.go"}},
	}
	var buf bytes.Buffer
	if err := p.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	want := `Plan for berth/dev: 7 resources

api  berth:cloudrun:Service
  api-sa  gcp:serviceaccount/account:Account
    options: protect; ignoreChanges [description]
    accountId: "api-1a2b3c4"
    disabled: false
  api-policy  aws:iam/rolePolicy:RolePolicy
    depends on: api-sa, urn:elsewhere
    containers: [{"env":[{"name":"MODE","value":"prod"}],"image":[unknown]}]
    label: "[secret]"
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
    role: [unknown]
    token: [secret]

eu  pulumi:providers:aws
  region: "eu-west-1"

other  test:index:Thing
  provider: eu
  size: 3

other  test:index:Other
  depends on: other (test:index:Thing)

shared  aws:ec2/vpc:Vpc
  read: "vpc-1" (an existing resource, not managed)

Outputs:
  file: [asset file app/main.go]
  password: [secret]
  url: [unknown]
`
	if got := buf.String(); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
}
