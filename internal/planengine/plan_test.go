package planengine

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
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
  "schemaVersion": 3,
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
      "$partial": [
        {
          "$unknown": {
            "from": "provider configuration"
          }
        },
        ".dkr.ecr.us-east-1.amazonaws.com/orders"
      ]
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
	back, err := plan.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Errorf("plan.Read(plan.WriteJSON(p)) = %+v, want %+v", back, p)
	}
	a := back.Resources[2].Inputs
	if a["$ref"] != "a user key that starts with $" || a["label"] != `{"$secret": true}` {
		t.Errorf("user keys and strings that look like markers did not come back as written: %v", a)
	}
	if (back.Resources[3].Inputs["token"] != plan.Secret{}) || (back.Outputs["id"] != plan.Unknown{}) {
		t.Errorf("markers did not come back as markers: %v, %v", back.Resources[3].Inputs, back.Outputs)
	}
}
