package plan

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestWriteJSONHasTheDocumentedShape(t *testing.T) {
	t.Parallel()
	dir := probe(t, "config:\n  probe:mode: basic\n  aws:region: us-east-1\n")
	p := mustPlan(t, load(t, dir))
	var buf bytes.Buffer
	if err := p.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	want := `{
  "format": "berth-plan",
  "schemaVersion": 1,
  "project": "probe",
  "stack": "test",
  "resources": [
    {
      "urn": "urn:pulumi:test::probe::aws:ecr/repository:Repository::repo",
      "type": "aws:ecr/repository:Repository",
      "name": "repo",
      "custom": true,
      "parent": "",
      "dependsOn": [],
      "options": {},
      "inputs": {
        "name": "orders"
      }
    },
    {
      "urn": "urn:pulumi:test::probe::probe:index:Group::g",
      "type": "probe:index:Group",
      "name": "g",
      "custom": false,
      "parent": "",
      "dependsOn": [],
      "options": {},
      "inputs": {}
    },
    {
      "urn": "urn:pulumi:test::probe::probe:index:Group$probe:index:Thing::a",
      "type": "probe:index:Thing",
      "name": "a",
      "custom": true,
      "parent": "urn:pulumi:test::probe::probe:index:Group::g",
      "dependsOn": [],
      "options": {},
      "inputs": {
        "$$ref": "a user key that starts with $",
        "label": "{\"$secret\": true}",
        "size": 3,
        "tags": [
          "x"
        ]
      }
    },
    {
      "urn": "urn:pulumi:test::probe::probe:index:Thing::b",
      "type": "probe:index:Thing",
      "name": "b",
      "custom": true,
      "parent": "",
      "dependsOn": [
        "urn:pulumi:test::probe::probe:index:Group$probe:index:Thing::a"
      ],
      "inputDependencies": {
        "from": [
          "urn:pulumi:test::probe::probe:index:Group$probe:index:Thing::a"
        ]
      },
      "options": {},
      "inputs": {
        "from": {
          "$unknown": true
        },
        "token": {
          "$secret": true
        }
      }
    },
    {
      "urn": "urn:pulumi:test::probe::pulumi:providers:aws::eu",
      "type": "pulumi:providers:aws",
      "name": "eu",
      "custom": true,
      "parent": "",
      "dependsOn": [],
      "options": {},
      "inputs": {
        "allowedAccountIds": "[\"111122223333\"]",
        "region": "eu-west-1"
      }
    },
    {
      "urn": "urn:pulumi:test::probe::aws:ecr/repository:Repository::eu-repo",
      "type": "aws:ecr/repository:Repository",
      "name": "eu-repo",
      "custom": true,
      "parent": "",
      "provider": "urn:pulumi:test::probe::pulumi:providers:aws::eu",
      "dependsOn": [],
      "options": {},
      "inputs": {
        "name": "orders"
      }
    }
  ],
  "outputs": {
    "count": 2,
    "euRepoArn": "arn:aws:ecr:eu-west-1:111122223333:repository/orders",
    "euRepoUrl": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders",
    "id": {
      "$unknown": true
    },
    "names": [
      "a",
      "b"
    ],
    "repoUrl": {
      "$unknown": true
    },
    "secret": {
      "$secret": true
    }
  }
}
`
	if got := buf.String(); got != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(buf.String(), "s3cr3t") {
		t.Errorf("a secret leaked into the plan")
	}
	back, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Errorf("Read(WriteJSON(p)) = %+v, want %+v", back, p)
	}
	a := back.Resources[2].Inputs
	if a["$ref"] != "a user key that starts with $" || a["label"] != `{"$secret": true}` {
		t.Errorf("user keys and strings that look like markers did not come back as written: %v", a)
	}
	if (back.Resources[3].Inputs["token"] != Secret{}) || (back.Outputs["id"] != Unknown{}) {
		t.Errorf("markers did not come back as markers: %v, %v", back.Resources[3].Inputs, back.Outputs)
	}
}

func TestMarkersAndUserValuesRoundTrip(t *testing.T) {
	t.Parallel()
	values := map[string]any{
		"secret":   Secret{},
		"unknown":  Unknown{},
		"file":     Asset{Path: "app/main.go"},
		"text":     Asset{SHA256: "0123456789ab", Bytes: 12},
		"archive":  Archive{Assets: []string{"a.txt", "b.txt"}},
		"ref":      Ref{URN: "urn:pulumi:dev::berth::x:y:Z::n"},
		"$secret":  true,
		"$$double": "two dollars",
		"nested":   map[string]any{"$unknown": map[string]any{"$asset": "not an asset"}},
		"list":     []any{Secret{}, "[secret]", map[string]any{"$secret": true}},
	}
	p := &Plan{Project: "p", Stack: "s", Outputs: values}
	var buf bytes.Buffer
	if err := p.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Outputs, values) {
		t.Errorf("round trip:\n%#v\nwant\n%#v", back.Outputs, values)
	}
}

func TestReadRejectsWhatIsNotAPlanOfThisSchema(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc string
		is        error
		want      string
	}{
		{"not JSON", "berth", ErrNotAPlan, "not a JSON object"},
		{"a list", "[]", ErrNotAPlan, "not a JSON object"},
		{"another document", `{"changes": [], "flags": []}`, ErrNotAPlan, `no "format": "berth-plan" field`},
		{"the unversioned plan of an earlier berth", `{"project": "berth", "stack": "dev", "resources": [], "outputs": {}}`, ErrNotAPlan, `no "format"`},
		{"another format", `{"format": "berth-diff", "schemaVersion": 1}`, ErrNotAPlan, `"format" is "berth-diff", not "berth-plan"`},
		{"no version", `{"format": "berth-plan"}`, ErrNotAPlan, `no "schemaVersion"`},
		{"another version", `{"format": "berth-plan", "schemaVersion": 2}`, ErrSchemaVersion, "the plan has schema version 2, this berth reads version 1"},
		{"unknown field", `{"format": "berth-plan", "schemaVersion": 1, "project": "p", "stack": "s", "resources": [], "outputs": {}, "extra": 1}`, nil, `unknown field "extra"`},
		{"a URN twice", `{"format": "berth-plan", "schemaVersion": 1, "project": "p", "stack": "s", "outputs": {}, "resources": [` +
			`{"urn": "urn:x", "type": "t", "name": "n", "custom": true, "parent": "", "dependsOn": [], "options": {}, "inputs": {}},` +
			`{"urn": "urn:x", "type": "t", "name": "n", "custom": true, "parent": "", "dependsOn": [], "options": {}, "inputs": {}}]}`,
			nil, "resource URN urn:x is listed twice"},
		{"a malformed marker", `{"format": "berth-plan", "schemaVersion": 1, "project": "p", "stack": "s", "resources": [], "outputs": {"x": {"$secret": "yes"}}}`,
			nil, `outputs.x: malformed $secret marker`},
		{"an unescaped dollar key", `{"format": "berth-plan", "schemaVersion": 1, "project": "p", "stack": "s", "resources": [], "outputs": {"x": {"$secret": true, "y": 1}}}`,
			nil, `key "$secret": a marker must be the only key of its object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Read(strings.NewReader(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
			if tt.is == ErrNotAPlan && !strings.Contains(err.Error(), MakeHint) {
				t.Errorf("err = %v, want it to say how to make a plan", err)
			}
		})
	}
}
