// Package doccheck holds the test that keeps berth's godoc true to its
// code: every Go identifier a package's documentation names exists.
package doccheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// packages are the packages whose documentation adopters read, and the
// packages whose identifiers their documentation may name besides their
// own.
var packages = map[string][]string{
	".":                   {"spec", "validate", "components/image", "components/cloudrun", "components/fargate", "components/child"},
	"components/child":    {".", "components/cloudrun", "components/fargate"},
	"settings":            {".", "spec", "validate", "components/cloudrun", "components/fargate"},
	"components/cloudrun": {"spec", "validate", "components/image"},
	"components/fargate":  {"spec", "validate", "components/image"},
	"components/image":    {"spec", "validate"},
	"spec":                {"validate", "components/cloudrun", "components/fargate"},
	"validate":            {"."},
	"testkit":             {".", "spec", "validate", "components/cloudrun", "components/fargate"},
}

// external are names the documentation uses that are not Go identifiers of
// berth: cloud API operations, fields and metrics, and terms of other
// projects. A name here must be one the cloud or project spells so.
var external = []string{
	// AWS APIs, fields and metrics.
	"AmazonECS", "CloudWatch", "GetAuthorizationToken", "GetParameters", "GetSecretValue", "ValueFrom",
	"VersionID", "VersionStage", "ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization",
	"UnHealthyHostCount", "RequestCount", "DescribeServices", "PutMetricAlarm", "TargetGroupAssociationLimit",
	"RegisterTaskDefinition", "AmazonECSTaskExecutionRolePolicy", "MiB", "GiB",
	"GetObject", "StringEquals", "RepositoryNotEmptyException", "RuntimePlatform",
	// Google Cloud and Pulumi terms.
	"PlanResourceChange", "GetClientConfig", "ArtifactRegistry", "CloudRun",
	// Go, the Pulumi SDK and the standard library.
	"RunFunc", "StringInput", "StringOutput", "ResourceOption", "ComponentResource", "IntRef",
	"DeleteBeforeReplace", "DryRun", "NewPropertyValue", "NewStackReference", "RegisterResourceTransform",
	"WithMocks", "UseNumber", "StringMap", "StringArrayInput", "DependsOnInputs", "CustomTimeouts", "IgnoreChanges",
	"ResourceTransform", "ResourceTransformArgs", "ResourceTransformResult", "RequireObject",
	// Names in code samples.
	"TestOrdersService",
}

// camel matches a CamelCase word of at least two humps, the form of the
// identifiers documentation names.
var camel = regexp.MustCompile(`\b[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+\b`)

func TestDocumentationNamesOnlyIdentifiersThatExist(t *testing.T) {
	root := filepath.Join("..", "..")
	idents := map[string]map[string]bool{}
	docs := map[string]string{}
	for dir := range packages {
		idents[dir], docs[dir] = read(t, filepath.Join(root, dir))
	}
	for _, deps := range packages {
		for _, d := range deps {
			if idents[d] == nil {
				idents[d], _ = read(t, filepath.Join(root, d))
			}
		}
	}
	for _, dir := range slices.Sorted(maps.Keys(packages)) {
		known := map[string]bool{}
		for _, d := range append([]string{dir}, packages[dir]...) {
			for n := range idents[d] {
				known[n] = true
			}
		}
		for _, n := range external {
			known[n] = true
		}
		var unknown []string
		for _, w := range camel.FindAllString(docs[dir], -1) {
			if !known[w] && !slices.Contains(unknown, w) {
				unknown = append(unknown, w)
			}
		}
		sort.Strings(unknown)
		if len(unknown) > 0 {
			t.Errorf("%s: the documentation names %s, which are neither its identifiers, its imports' nor listed in external", dir, strings.Join(unknown, ", "))
		}
	}
}

// read returns the package in dir's identifiers (top-level names, struct
// fields, methods) and its documentation: the package comment and the
// comments of its exported declarations and fields.
func read(t *testing.T, dir string) (map[string]bool, string) {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	var doc strings.Builder
	for _, p := range pkgs {
		for _, f := range p.Files {
			if f.Doc != nil {
				doc.WriteString(f.Doc.Text())
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncDecl:
					names[n.Name.Name] = true
					if n.Name.IsExported() && n.Doc != nil {
						doc.WriteString(n.Doc.Text())
					}
				case *ast.TypeSpec:
					names[n.Name.Name] = true
				case *ast.GenDecl:
					if n.Doc != nil && exported(n) {
						doc.WriteString(n.Doc.Text())
					}
				case *ast.ValueSpec:
					for _, id := range n.Names {
						names[id.Name] = true
					}
					if n.Doc != nil && n.Names[0].IsExported() {
						doc.WriteString(n.Doc.Text())
					}
				case *ast.Field:
					for _, id := range n.Names {
						names[id.Name] = true
						if id.IsExported() && n.Doc != nil {
							doc.WriteString(n.Doc.Text())
						}
					}
				}
				return true
			})
		}
	}
	return names, doc.String()
}

func exported(g *ast.GenDecl) bool {
	for _, s := range g.Specs {
		switch s := s.(type) {
		case *ast.TypeSpec:
			return s.Name.IsExported()
		case *ast.ValueSpec:
			return s.Names[0].IsExported()
		}
	}
	return false
}
