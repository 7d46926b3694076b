package iamdoc

import (
	"reflect"
	"testing"
)

func TestCovers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"*", "arn:aws:s3:::b/*", true},
		{"s3:*", "s3:getobject", true},
		{"s3:get*", "s3:getobject", true},
		{"s3:get*", "s3:*", false},
		{"s3:ge?", "s3:get", true},
		{"s3:ge?", "s3:ge?", true},
		{"s3:ge?", "s3:ge*", false},
		{"s3:ge?", "s3:gets", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::c/x", false},
		{"arn:aws:s3:::b/x", "arn:aws:s3:::b/*", false},
		{"a*b*c", "aXbYbZc", true},
		{"", "", true},
		{"", "x", false},
	}
	for _, tt := range tests {
		if got := Covers(tt.p, tt.s); got != tt.want {
			t.Errorf("Covers(%q, %q) = %v, want %v", tt.p, tt.s, got, tt.want)
		}
	}
}

func TestParseReadsOneStatementOrAListAndStringOrListElements(t *testing.T) {
	t.Parallel()
	one, ok := Parse(`{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Principal": "*"}}`)
	want := []Statement{{Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::b/*"}, Principal: "*"}}
	if !ok || !reflect.DeepEqual(one, want) {
		t.Errorf("one statement = %#v, %v; want %#v", one, ok, want)
	}
	list, ok := Parse(`{"Version": "2012-10-17", "Statement": [
		{"Effect": "Deny", "NotAction": ["iam:*"], "NotResource": []},
		"not a statement",
		{"Effect": "Allow", "Action": ["a:B", 5, "a:C"], "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}}]}`)
	want = []Statement{
		{Effect: "Deny", NotAction: []string{"iam:*"}, NotResource: []string{}},
		{Effect: "Allow", Action: []string{"a:B", "a:C"}, NotPrincipal: map[string]any{"AWS": "arn:aws:iam::1:root"}},
	}
	if !ok || !reflect.DeepEqual(list, want) {
		t.Errorf("list = %#v, %v; want %#v", list, ok, want)
	}
	for _, doc := range []string{"", "not json", "[1]"} {
		if _, ok := Parse(doc); ok {
			t.Errorf("Parse(%q) ok", doc)
		}
	}
}
