package plan

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

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
		{"another version", `{"format": "berth-plan", "schemaVersion": 1}`, ErrSchemaVersion, "the plan has schema version 1, this berth reads version 2"},
		{"unknown field", `{"format": "berth-plan", "schemaVersion": 2, "project": "p", "stack": "s", "resources": [], "outputs": {}, "extra": 1}`, nil, `unknown field "extra"`},
		{"a URN twice", `{"format": "berth-plan", "schemaVersion": 2, "project": "p", "stack": "s", "outputs": {}, "resources": [` +
			`{"urn": "urn:x", "type": "t", "name": "n", "custom": true, "parent": "", "dependsOn": [], "options": {}, "inputs": {}},` +
			`{"urn": "urn:x", "type": "t", "name": "n", "custom": true, "parent": "", "dependsOn": [], "options": {}, "inputs": {}}]}`,
			nil, "resource URN urn:x is listed twice"},
		{"a malformed marker", `{"format": "berth-plan", "schemaVersion": 2, "project": "p", "stack": "s", "resources": [], "outputs": {"x": {"$secret": "yes"}}}`,
			nil, `outputs.x: malformed $secret marker`},
		{"an unescaped dollar key", `{"format": "berth-plan", "schemaVersion": 2, "project": "p", "stack": "s", "resources": [], "outputs": {"x": {"$secret": true, "y": 1}}}`,
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
