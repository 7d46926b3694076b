package plan

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestMarkersAndUserValuesRoundTrip(t *testing.T) {
	t.Parallel()
	values := map[string]any{
		"secret":   Secret{},
		"unknown":  Unknown{},
		"from":     Unknown{From: "urn:pulumi:dev::berth::aws:ec2/securityGroup:SecurityGroup::sg"},
		"digest":   Unknown{From: "urn:pulumi:dev::berth::docker:index/image:Image::img", NewOnUpdate: true},
		"partial":  Partial{"sg-", Unknown{From: "urn:x"}},
		"account":  Partial{"arn:aws:iam::", Unknown{From: FromConfig}, ":role/r"},
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
		{"another version", `{"format": "berth-plan", "schemaVersion": 1}`, ErrSchemaVersion, "the plan has schema version 1, this berth reads version 3"},
		{"unknown field", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "resources": [], "outputs": {}, "extra": 1}`, nil, `unknown field "extra"`},
		{"a URN twice", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "outputs": {}, "resources": [` +
			`{"urn": "urn:x", "type": "t", "name": "n", "custom": true, "parent": "", "dependsOn": [], "options": {}, "inputs": {}},` +
			`{"urn": "urn:x", "type": "t", "name": "n", "custom": true, "parent": "", "dependsOn": [], "options": {}, "inputs": {}}]}`,
			nil, "resource URN urn:x is listed twice"},
		{"a malformed marker", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "resources": [], "outputs": {"x": {"$secret": "yes"}}}`,
			nil, `outputs.x: malformed $secret marker`},
		{"a partial without an unknown part", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "resources": [], "outputs": {"x": {"$partial": ["a"]}}}`,
			nil, `outputs.x: malformed $partial marker`},
		{"a partial with two texts in a row", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "resources": [], "outputs": {"x": {"$partial": ["a", "b", {"$unknown": true}]}}}`,
			nil, `outputs.x: malformed $partial marker`},
		{"a partial holding a secret", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "resources": [], "outputs": {"x": {"$partial": ["a", {"$secret": true}]}}}`,
			nil, `outputs.x: malformed $partial marker`},
		{"an unknown from nowhere", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "resources": [], "outputs": {"x": {"$unknown": {"from": ""}}}}`,
			nil, `outputs.x: malformed $unknown marker`},
		{"an unknown with another field", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "resources": [], "outputs": {"x": {"$unknown": {"from": "urn:x", "extra": 1}}}}`,
			nil, `outputs.x: malformed $unknown marker`},
		{"a fractional version", `{"format": "berth-plan", "schemaVersion": 1.5}`, ErrSchemaVersion, `"schemaVersion" is 1.5, not a version number (this berth reads version 3)`},
		{"a version as a string", `{"format": "berth-plan", "schemaVersion": "3"}`, ErrSchemaVersion, `"schemaVersion" is "3", not a version number`},
		{"a version too large", `{"format": "berth-plan", "schemaVersion": 99999999999999999999}`, ErrSchemaVersion, "not a version number"},
		{"null resources", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "resources": null, "outputs": {}}`, nil, `"resources" is missing or null`},
		{"no resources", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "outputs": {}}`, nil, `"resources" is missing or null`},
		{"an empty URN", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "outputs": {}, "resources": [` +
			`{"urn": "", "type": "t", "name": "n", "custom": true, "parent": "", "dependsOn": [], "options": {}, "inputs": {}}]}`, nil, "resources[0] has no URN"},
		{"a parent not in the plan", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "outputs": {}, "resources": [` +
			`{"urn": "urn:x", "type": "t", "name": "n", "custom": true, "parent": "urn:gone", "dependsOn": [], "options": {}, "inputs": {}}]}`, nil, "resource urn:x: its parent urn:gone is not in the plan"},
		{"a resource depending on itself", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "outputs": {}, "resources": [` +
			`{"urn": "urn:x", "type": "t", "name": "n", "custom": true, "parent": "", "dependsOn": ["urn:x"], "options": {}, "inputs": {}}]}`, nil, "resource urn:x: its dependsOn[0] is itself"},
		{"a key twice", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "outputs": {}, "resources": [` +
			`{"urn": "urn:x", "type": "t", "name": "n", "custom": true, "parent": "", "dependsOn": [], "options": {}, "inputs": {"a": 1, "a": 2}}]}`, nil, `resources[0].inputs: key "a" appears twice (allowed: each key once)`},
		{"an unescaped dollar key", `{"format": "berth-plan", "schemaVersion": 3, "project": "p", "stack": "s", "resources": [], "outputs": {"x": {"$secret": true, "y": 1}}}`,
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

func TestDocumentReadsJSONWithUnknownPartsWhereTheySit(t *testing.T) {
	t.Parallel()
	digest := Unknown{From: "urn:img", NewOnUpdate: true}
	rev := Unknown{From: "urn:td"}
	v := Partial{`[{"image":"repo@sha256:`, digest, `","env":[{"name":"A","value":"1"}],"arn":"`, rev, `"}]`}
	doc, ok := Document(v)
	if !ok {
		t.Fatalf("Document(%v) is not a document", v)
	}
	want := []any{map[string]any{
		"image": Partial{"repo@sha256:", digest},
		"env":   []any{map[string]any{"name": "A", "value": "1"}},
		"arn":   rev,
	}}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("Document = %#v, want %#v", doc, want)
	}
	plain, ok := Document(`{"a": [1, "x"]}`)
	if !ok || !reflect.DeepEqual(plain, map[string]any{"a": []any{float64(1), "x"}}) {
		t.Errorf("Document of a plain string = %#v, %v", plain, ok)
	}
	for _, notDoc := range []any{"arn:aws:x", Partial{`{"n": `, rev, `}`}, Partial{"sg-", rev}, float64(1), Unknown{}} {
		if d, ok := Document(notDoc); ok {
			t.Errorf("Document(%#v) = %#v, want no document", notDoc, d)
		}
	}
}

func TestAPartialPrintsItsKnownTextAndMarksTheRest(t *testing.T) {
	t.Parallel()
	if got, want := Inline(Partial{"sg-", Unknown{From: "urn:x"}, `"q"`}), `"sg-"+[unknown]+"\"q\""`; got != want {
		t.Errorf("Inline = %s, want %s", got, want)
	}
	p := &Plan{Project: "p", Stack: "s", Outputs: map[string]any{}, Resources: []Resource{{
		URN: "urn:pulumi:s::p::aws:ecs/taskDefinition:TaskDefinition::td", Type: "aws:ecs/taskDefinition:TaskDefinition", Name: "td", Custom: true,
		Inputs: map[string]any{"containerDefinitions": Partial{`[{"image":"repo@sha256:`, Unknown{From: "urn:img"}, `"}]`}},
	}}}
	var buf bytes.Buffer
	if err := p.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	want := "  containerDefinitions: (JSON)\n    [\n      {\n        \"image\": \"repo@sha256:\"+[unknown]\n      }\n    ]\n"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("text:\n%s\nwant it to hold:\n%s", buf.String(), want)
	}
}

func TestReadRefusesInputOverItsLimit(t *testing.T) {
	t.Parallel()
	_, err := Read(io.LimitReader(zeros{}, MaxBytes+10))
	if err == nil || !strings.Contains(err.Error(), "larger than 128 MiB (allowed: at most 128 MiB)") {
		t.Errorf("err = %v", err)
	}
}

// zeros reads as endless spaces.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
