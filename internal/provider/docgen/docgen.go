// Command docgen writes internal/provider/docs.go: the godoc of every type,
// field and enum constant of the packages the provider serves, turned into
// schema descriptions, so that each text has one place, its godoc.
//
// A description is the godoc with the subject dropped ("Port is the
// container port" becomes "The container port") and Go names that differ
// from the schema's replaced: a field by its property name (`certificateArn`
// for CertificateARN), a string constant by its value (`"all"` for
// IngressAll), and nil by unset. Only names with an inner capital or digit are replaced, so
// that words such as Service or VPC stay words.
//
// Usage, from internal/provider (go generate does this):
//
//	go run ./docgen -root ../.. -out docs.go
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/doc"
	"go/format"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Packages are the directories, relative to the module root, whose types
// the provider serves.
var Packages = []string{".", "spec", "components/cloudrun", "components/fargate", "components/image"}

func main() {
	root := flag.String("root", ".", "the module root")
	out := flag.String("out", "docs.go", "the file to write")
	flag.Parse()
	src, err := Generate(*root)
	if err == nil {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "docgen: %v\n", err)
		os.Exit(1)
	}
}

// enumValue is one constant of an enum type.
type enumValue struct {
	name, value, doc string
}

// pkgInfo is what one package contributes.
type pkgInfo struct {
	path    string
	doc     *doc.Package
	structs map[string]*ast.StructType
	// names maps a Go name of this package (field or string constant) to
	// its schema spelling.
	names map[string]string
}

// Generate returns the source of docs.go for the module at root.
func Generate(root string) ([]byte, error) {
	module, err := modulePath(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, err
	}
	var pkgs []*pkgInfo
	global := map[string]string{}
	for _, dir := range Packages {
		importPath := module
		if dir != "." {
			importPath = module + "/" + dir
		}
		pi, err := load(filepath.Join(root, dir), importPath)
		if err != nil {
			return nil, err
		}
		for k, v := range pi.names {
			if prev, ok := global[k]; ok && prev != v {
				// Ambiguous across packages: only the package's own table
				// may replace it.
				global[k] = ""
				continue
			}
			global[k] = v
		}
		pkgs = append(pkgs, pi)
	}

	docs := map[string]string{}
	enums := map[string][]enumValue{}
	for _, pi := range pkgs {
		text := func(subject, raw string) string { return describe(subject, raw, pi.names, global) }
		for _, t := range pi.doc.Types {
			key := pi.path + "." + t.Name
			if st, ok := pi.structs[t.Name]; ok {
				if !hasTags(st) {
					continue
				}
				docs[key] = text(t.Name, t.Doc)
				for _, f := range st.Fields.List {
					if len(f.Names) != 1 || !f.Names[0].IsExported() || tagName(f) == "" {
						continue
					}
					docs[key+"."+f.Names[0].Name] = text(f.Names[0].Name, f.Doc.Text())
				}
				continue
			}
			values := typedStrings(t)
			if len(values) == 0 {
				continue
			}
			docs[key] = text(t.Name, t.Doc)
			for _, v := range values {
				v.doc = text(v.name, v.doc)
				v.name = strings.TrimPrefix(v.name, t.Name)
				enums[key] = append(enums[key], v)
			}
		}
	}
	return render(docs, enums)
}

// modulePath reads the module line of a go.mod file.
func modulePath(goMod string) (string, error) {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return "", fmt.Errorf("reading go.mod: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.TrimSpace(rest), nil
		}
	}
	return "", fmt.Errorf("reading go.mod: no module line in %s", goMod)
}

// load parses the package in dir, without its tests.
func load(dir, importPath string) (*pkgInfo, error) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", name, err)
		}
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, importPath, doc.PreserveAST)
	if err != nil {
		return nil, fmt.Errorf("reading the godoc of %s: %w", importPath, err)
	}
	pi := &pkgInfo{path: importPath, doc: pkg, structs: map[string]*ast.StructType{}, names: map[string]string{}}
	for _, t := range pkg.Types {
		for _, spec := range t.Decl.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			pi.structs[ts.Name.Name] = st
			for _, f := range st.Fields.List {
				if len(f.Names) == 1 && tagName(f) != "" {
					pi.names[f.Names[0].Name] = "`" + tagName(f) + "`"
				}
			}
		}
		for _, v := range typedStrings(t) {
			pi.names[v.name] = "`" + strconv.Quote(v.value) + "`"
		}
	}
	// Untyped string constants, such as the TLS policies.
	for _, c := range pkg.Consts {
		for _, spec := range c.Decl.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i < len(vs.Values) {
					if s, ok := stringLit(vs.Values[i]); ok && n.IsExported() {
						pi.names[n.Name] = "`" + strconv.Quote(s) + "`"
					}
				}
			}
		}
	}
	return pi, nil
}

// tagName is the property name in a field's pulumi tag, "" without one.
func tagName(f *ast.Field) string {
	if f.Tag == nil {
		return ""
	}
	tag, err := strconv.Unquote(f.Tag.Value)
	if err != nil {
		return ""
	}
	name, _, _ := strings.Cut(reflect.StructTag(tag).Get("pulumi"), ",")
	return name
}

// hasTags reports whether any field of st has a pulumi tag: only such
// structs are in the schema.
func hasTags(st *ast.StructType) bool {
	for _, f := range st.Fields.List {
		if tagName(f) != "" {
			return true
		}
	}
	return false
}

// typedStrings returns the string constants declared with type t, in
// source order.
func typedStrings(t *doc.Type) []enumValue {
	var out []enumValue
	for _, c := range t.Consts {
		for _, spec := range c.Decl.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				if s, ok := stringLit(vs.Values[i]); ok {
					out = append(out, enumValue{name: n.Name, value: s, doc: vs.Doc.Text()})
				}
			}
		}
	}
	return out
}

// stringLit returns the value of a string literal expression.
func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// goName matches a capitalized word; describe replaces only those that
// innerCapital accepts (CertificateARN, IngressAll, Gen1, TLS12And13), not
// words of one capital (Service) or of capitals only (VPC, ARM64).
var goName = regexp.MustCompile(`\b[A-Z][A-Za-z0-9_]*\b`)

// describe turns the godoc raw of subject into a schema description.
func describe(subject, raw string, local, global map[string]string) string {
	text := strings.TrimSpace(raw)
	if rest, ok := strings.CutPrefix(text, subject+" "); ok {
		for _, verb := range []string{"is ", "are "} {
			if r, ok := strings.CutPrefix(rest, verb); ok {
				rest = r
				break
			}
		}
		text = upperFirst(rest)
	}
	text = goName.ReplaceAllStringFunc(text, func(w string) string {
		if !innerCapital(w) {
			return w
		}
		if r, ok := local[w]; ok {
			return r
		}
		if r := global[w]; r != "" {
			return r
		}
		return w
	})
	// Go's nil reads as unset in every other language.
	text = nilWord.ReplaceAllString(text, "unset")
	return paragraphs(text)
}

var nilWord = regexp.MustCompile(`\bnil\b`)

// innerCapital reports whether w has a lowercase letter and, after its
// first letter, a capital or a digit.
func innerCapital(w string) bool {
	lower := strings.IndexFunc(w, unicode.IsLower) >= 0
	inner := strings.IndexFunc(w[1:], func(r rune) bool { return unicode.IsUpper(r) || unicode.IsDigit(r) }) >= 0
	return lower && inner
}

// upperFirst capitalizes the first letter of s.
func upperFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// paragraphs joins the lines of each paragraph of a godoc text, keeps
// blank lines between paragraphs and fences indented code blocks.
func paragraphs(text string) string {
	var out []string
	for _, para := range strings.Split(text, "\n\n") {
		lines := strings.Split(para, "\n")
		indented := true
		for _, l := range lines {
			if !strings.HasPrefix(l, "\t") && !strings.HasPrefix(l, "  ") {
				indented = false
			}
		}
		if indented {
			for i, l := range lines {
				lines[i] = strings.TrimPrefix(l, "\t")
			}
			out = append(out, "```\n"+strings.Join(lines, "\n")+"\n```")
			continue
		}
		for i, l := range lines {
			lines[i] = strings.TrimSpace(l)
		}
		out = append(out, strings.Join(lines, " "))
	}
	return strings.Join(out, "\n\n")
}

// render writes the Go source of docs.go.
func render(docs map[string]string, enums map[string][]enumValue) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by go run ./docgen; DO NOT EDIT.\n\npackage provider\n\n")
	b.WriteString("// docs holds the schema description of each type, field and constant\n")
	b.WriteString("// the provider serves, keyed by \"importpath.Type\" and\n")
	b.WriteString("// \"importpath.Type.Field\", derived from their godoc.\n")
	b.WriteString("var docs = map[string]string{\n")
	for _, k := range slices.Sorted(maps.Keys(docs)) {
		fmt.Fprintf(&b, "\t%q: %q,\n", k, docs[k])
	}
	b.WriteString("}\n\n")
	b.WriteString("// enums lists the constants of each string type, keyed by\n")
	b.WriteString("// \"importpath.Type\", in source order: the enum values of the schema.\n")
	b.WriteString("var enums = map[string][]enumValue{\n")
	for _, k := range slices.Sorted(maps.Keys(enums)) {
		fmt.Fprintf(&b, "\t%q: {\n", k)
		for _, v := range enums[k] {
			fmt.Fprintf(&b, "\t\t{Name: %q, Value: %q, Description: %q},\n", v.name, v.value, v.doc)
		}
		b.WriteString("\t},\n")
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting docs.go: %w", err)
	}
	return src, nil
}
