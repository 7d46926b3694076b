// Package sdkgen generates berth's TypeScript and Python SDKs from the
// plugin's schema as the language hosts generate a local SDK for
// `pulumi package add`, and names the npm versions they are built and run
// with: the one place for the tests that compile the SDKs
// (internal/provider/sdktest) and run programs with them
// (internal/enginetest/languages).
package sdkgen

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// Versions from npm, exact. @pulumi/pulumi 3.274.1, the CLI's version, is
// not published there; 3.270.0 is the newest release below it.
const (
	// PulumiNodeVersion is @pulumi/pulumi.
	PulumiNodeVersion = "3.270.0"
	// TypeScriptVersion is the TypeScript programs are compiled with.
	TypeScriptVersion = "5.9.3"
	// NodeTypesVersion is @types/node.
	NodeTypesVersion = "20.19.43"
	// SDKTypeScriptVersion is the TypeScript npm picks for the range the
	// generator writes into the SDK's package.json ("^4.7.0", pkg/v3
	// v3.274.1 codegen/nodejs MinimumTypescriptVersion): the last
	// TypeScript 4 release.
	SDKTypeScriptVersion = "4.9.5"
)

// Generate binds schema (what `pulumi package get-schema` prints) and
// returns the files of its SDK for language, "nodejs" or "python", by
// path.
func Generate(schema []byte, language string) (map[string][]byte, error) {
	var spec pschema.PackageSpec
	if err := json.Unmarshal(schema, &spec); err != nil {
		return nil, fmt.Errorf("reading the schema: %w", err)
	}
	pkg, diags, err := pschema.BindSpec(spec, noLoader{}, pschema.ValidationOptions{})
	if err != nil || diags.HasErrors() {
		return nil, fmt.Errorf("binding the schema: %v %v", err, diags)
	}
	switch language {
	case "nodejs":
		return nodejs.GeneratePackage("pulumi-language-nodejs", pkg, nil, nil, true, noLoader{})
	case "python":
		return python.GeneratePackage("pulumi-language-python", pkg, nil, noLoader{})
	}
	return nil, fmt.Errorf("no SDK for language %q (allowed: nodejs, python)", language)
}

// InstalledVersion is the version of the npm package pkg under dir's
// node_modules.
func InstalledVersion(dir, pkg string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "node_modules", pkg, "package.json"))
	if err != nil {
		return "", err
	}
	var meta struct{ Version string }
	if err := json.Unmarshal(data, &meta); err != nil {
		return "", fmt.Errorf("reading %s's package.json: %w", pkg, err)
	}
	return meta.Version, nil
}

// noLoader refuses to load packages: berth's schema refers to no other.
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*pschema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %s", pkg)
}

func (noLoader) LoadPackageV2(_ context.Context, d *pschema.PackageDescriptor) (*pschema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %s", d.Name)
}

func (noLoader) LoadPackageReference(pkg string, _ *semver.Version) (pschema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %s", pkg)
}

func (noLoader) LoadPackageReferenceV2(_ context.Context, d *pschema.PackageDescriptor) (pschema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %s", d.Name)
}
