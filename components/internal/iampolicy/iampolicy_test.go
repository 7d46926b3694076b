package iampolicy

import (
	"reflect"
	"testing"
)

func TestMarshalFillsDefaultsAndWritesArrays(t *testing.T) {
	t.Parallel()
	got, err := Marshal(Document{Statement: []Statement{
		{Action: []string{"logs:PutLogEvents"}, Resource: []string{"arn:aws:logs:us-east-1:123456789012:log-group:app:*"}},
		{
			Effect:    Allow,
			Principal: &Principal{Service: []string{"ecs-tasks.amazonaws.com"}},
			Action:    []string{"sts:AssumeRole"},
			Condition: map[string]map[string][]string{"StringEquals": {"aws:SourceAccount": {"123456789012"}}},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":["logs:PutLogEvents"],"Resource":["arn:aws:logs:us-east-1:123456789012:log-group:app:*"]},` +
		`{"Effect":"Allow","Principal":{"Service":["ecs-tasks.amazonaws.com"]},"Action":["sts:AssumeRole"],"Condition":{"StringEquals":{"aws:SourceAccount":["123456789012"]}}}]}`
	if got != want {
		t.Errorf("Marshal =\n  %s\nwant\n  %s", got, want)
	}
}

func TestMarshalRejectsAStatementWithoutAction(t *testing.T) {
	t.Parallel()
	if _, err := Marshal(Document{Statement: []Statement{{Resource: []string{"*"}}}}); err == nil {
		t.Fatal("Marshal accepted a statement without action")
	}
}

func TestParseReadsWhatMarshalWrites(t *testing.T) {
	t.Parallel()
	d := Document{Version: Version, Statement: []Statement{
		{Sid: "Pull", Effect: Deny, Action: []string{"ecr:BatchGetImage"}, Resource: []string{"arn:aws:ecr:us-east-1:123456789012:repository/app"}},
	}}
	s, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("Parse(Marshal(d)) = %#v, want %#v", got, d)
	}
	if _, err := Parse("{"); err == nil {
		t.Error("Parse accepted invalid JSON")
	}
}
