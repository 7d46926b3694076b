package main

import (
	"os"
	"strings"
	"testing"
)

func TestDocsAreCurrent(t *testing.T) {
	t.Parallel()
	want, err := Generate("../../..")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../docs.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("internal/provider/docs.go is stale: run go generate ./internal/provider")
	}
}

func TestDescribeDropsTheSubjectAndSpellsGoNamesAsTheSchemaDoes(t *testing.T) {
	t.Parallel()
	local := map[string]string{"CertificateARN": "`certificateArn`", "IngressAll": "`\"all\"`", "VPC": "`vpc`", "Service": "`service`"}
	tests := []struct{ subject, raw, want string }{
		{"Port", "Port is the container port,\n1 to 65535. Default: 8080.\n", "The container port, 1 to 65535. Default: 8080."},
		{"Public", "Public lets anyone call it.", "Lets anyone call it."},
		{"Secrets", "Secrets are the values. Default: none.", "The values. Default: none."},
		{"PlainHTTP", "PlainHTTP serves HTTP without CertificateARN. Default: nil.", "Serves HTTP without `certificateArn`. Default: unset."},
		{"Ingress", "Ingress is IngressAll.\n\nA VPC network, a Service.", "`\"all\"`.\n\nA VPC network, a Service."},
		{"Other", "Mentions Port first.", "Mentions Port first."},
	}
	for _, tt := range tests {
		if got := describe(tt.subject, tt.raw, local, nil); got != tt.want {
			t.Errorf("describe(%q, %q) = %q, want %q", tt.subject, tt.raw, got, tt.want)
		}
	}
}

func TestEveryFieldHasADescription(t *testing.T) {
	t.Parallel()
	src, err := Generate("../../..")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(src), `: "",`) {
		t.Errorf("docs.go has an empty description:\n%s", src)
	}
}
