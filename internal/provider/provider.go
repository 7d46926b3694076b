// Package provider serves berth's components to every Pulumi language: it is
// the component provider behind the plugin pulumi-resource-berth, built with
// pulumi-go-provider's infer package from the same constructors Go programs
// call (berth.NewService, cloudrun.NewService, fargate.NewService,
// image.NewImage).
//
// The components' own packages do not import pulumi-go-provider, so that a
// Go program using them compiles none of it. What infer cannot read from the
// Go types, this package adds to the schema it serves: each type's and
// field's godoc as its description (generated into docs.go by
// internal/provider/docgen), the enum types of the modes, the explicit type
// tokens of the nested types, and plain inputs wherever the Go field is a
// plain value. Validation errors become InputPropertiesError, so that the
// engine prints each problem under the property path it concerns, and so do
// inputs that do not fit their Go fields: a value of another type, or a
// secret or another resource's output where the field is plain (inputs.go),
// all reported at once before the constructor runs.
package provider

//go:generate go run ./docgen -root ../.. -out docs.go

import (
	"context"
	"errors"
	"fmt"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil/rpcerror"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/propertyprint"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	perrors "github.com/pulumi/pulumi/sdk/v3/go/pulumi/errors"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/components/image"
	"github.com/berth-dev/berth/validate"
)

// Name is the Pulumi package name, the first part of every type token.
const Name = "berth"

// Version is the package version the plugin reports and the SDKs carry.
const Version = "0.1.0"

// Repository is where the source of the package lives; `pulumi package add`
// builds the plugin from it.
const Repository = "https://github.com/berth-dev/berth"

// New returns the provider serving berth:index:Service,
// berth:cloudrun:Service, berth:fargate:Service and berth:image:Image.
func New() (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithComponents(
			infer.ComponentF(withPropertyErrors(berth.NewService)),
			infer.ComponentF(withPropertyErrors(cloudrun.NewService)),
			infer.ComponentF(withPropertyErrors(fargate.NewService)),
			infer.ComponentF(withPropertyErrors(image.NewImage)),
		).
		// The root package berth is the schema's index module: its
		// Service is berth:index:Service.
		WithModuleMap(map[tokens.ModuleName]tokens.ModuleName{"berth": "index"}).
		WithDisplayName("berth").
		WithDescription("A stateless HTTP service from source to production on Google Cloud Run or Amazon ECS Fargate: one cloud-neutral service spec, every rule of each cloud checked before anything is created.").
		WithKeywords("kind/component", "category/cloud", "aws", "gcp", "fargate", "cloud-run").
		WithHomepage(Repository).
		WithRepository(Repository).
		WithLicense("Apache-2.0").
		WithLanguageMap(languages).
		Build()
	if err != nil {
		return p.Provider{}, fmt.Errorf("building the provider: %w", err)
	}
	inner := prov.GetSchema
	prov.GetSchema = func(ctx context.Context, req p.GetSchemaRequest) (p.GetSchemaResponse, error) {
		resp, err := inner(ctx, req)
		if err != nil {
			return resp, err
		}
		resp.Schema, err = annotate(resp.Schema)
		return resp, err
	}
	construct := prov.Construct
	prov.Construct = func(ctx context.Context, req p.ConstructRequest) (p.ConstructResponse, error) {
		if err := checkConstruct(req); err != nil {
			return p.ConstructResponse{}, printable(err, req.Inputs)
		}
		resp, err := construct(ctx, req)
		return resp, printable(err, req.Inputs)
	}
	return prov, nil
}

// checkConstruct reports every input of req that does not fit its
// component's Go arguments (checkInputs) as one InputPropertiesError,
// before the Go SDK copies the inputs and so before the constructor creates
// anything. The error is the gRPC status the SDK itself sends for an
// InputPropertiesError (rpcerror.WrapDetailedError, sdk/v3 v3.274.1
// go/common/util/rpcutil/rpcerror/rpcerror.go:158-174, as pulumi.construct
// does, go/pulumi/provider.go:209-211), since go-provider returns a
// Construct error to the engine as it is (provider.go:1764-1766, v1.5.0).
func checkConstruct(req p.ConstructRequest) error {
	token := req.Urn.Type().String()
	for _, c := range components {
		if c.token != token {
			continue
		}
		problems := checkInputs(req.Inputs, c.args)
		if len(problems) == 0 {
			return nil
		}
		return rpcerror.WrapDetailedError(perrors.NewInputPropertiesError(
			fmt.Sprintf("invalid arguments for %s %q", token, req.Urn.Name()), problems...))
	}
	return nil
}

// printable returns err, an error of Construct, in a form the engine can
// print. The engine prints each problem of an InputPropertiesError with the
// value at its path (errorToMessage, pkg/v3 v3.274.1
// resource/deploy/source_eval.go:2393-2419), and its printer panics, ending
// the CLI, on an unknown value or a resource reference
// (propertyprint.Value, sdk/v3 v3.274.1 go/propertyprint/print.go:158), as
// an output of a resource not yet created is in a preview. When any
// problem's value holds one, printable writes the lines as the engine
// would, without the value where it cannot be printed, into the message of
// an error without details, which the engine prints as it is
// (source_eval.go:2396-2400); otherwise err is returned unchanged.
func printable(err error, inputs property.Map) error {
	rpcErr, ok := rpcerror.FromError(err)
	if err == nil || !ok || len(rpcErr.InputPropertiesErrors()) == 0 {
		return err
	}
	type line struct {
		perrors.InputPropertyErrorDetails
		value string
	}
	var lines []line
	rewrite := false
	for _, pe := range rpcErr.InputPropertiesErrors() {
		l := line{InputPropertyErrorDetails: pe}
		var path property.Path
		if path.UnmarshalText([]byte(pe.PropertyPath)) == nil {
			if v, err := path.Get(property.New(inputs)); err == nil {
				if !canPrint(v) {
					rewrite = true
				} else {
					var b strings.Builder
					if propertyprint.Value(&b, v, false) == nil {
						l.value = b.String()
					}
				}
			}
		}
		lines = append(lines, l)
	}
	if !rewrite {
		return err
	}
	var msg strings.Builder
	msg.WriteString(rpcErr.Message())
	for _, l := range lines {
		if l.value != "" {
			fmt.Fprintf(&msg, "\n\t\t- property %s with value %s has a problem: %s", l.PropertyPath, l.value, l.Reason)
		} else {
			fmt.Fprintf(&msg, "\n\t\t- property %s has a problem: %s", l.PropertyPath, l.Reason)
		}
	}
	return rpcerror.New(rpcErr.Code(), msg.String())
}

// canPrint reports whether propertyprint.Value prints v: it fails on an
// unknown value or a resource reference (print.go:29-158), inside a secret
// too when the user asked for --show-secrets.
func canPrint(v property.Value) bool {
	// A secret is looked into too: under --show-secrets the printer
	// prints what it holds (pkg v3.274.1 resource/deploy/source_eval.go
	// 3068 passes ShowSecrets), and an unknown inside it panics.
	switch {
	case v.IsComputed(), v.IsResourceReference():
		return false
	case v.IsArray():
		for _, e := range v.AsArray().All {
			if !canPrint(e) {
				return false
			}
		}
	case v.IsMap():
		for _, e := range v.AsMap().All {
			if !canPrint(e) {
				return false
			}
		}
	}
	return true
}

// languages is infer's default language section, with the npm package in
// berth's own scope rather than @pulumi's.
var languages = map[string]any{
	"nodejs": map[string]any{
		"packageName":          "@berth-dev/berth",
		"respectSchemaVersion": true,
	},
	"python": map[string]any{
		"respectSchemaVersion": true,
		"pyproject":            map[string]any{"enabled": true},
	},
	"csharp": map[string]any{
		"respectSchemaVersion": true,
	},
	"go": map[string]any{
		"importBasePath":                 "github.com/berth-dev/berth/sdk/go/berth",
		"generateResourceContainerTypes": true,
		"respectSchemaVersion":           true,
	},
}

// withPropertyErrors returns construct, with a *validate.Error turned into
// an InputPropertiesError: the Go SDK's provider sends that to the engine
// as gRPC details (rpcerror.WrapDetailedError in pulumi.construct), and the
// engine prints each property path and reason (errorToMessage in
// pkg/resource/deploy/source_eval.go, v3.274.1).
func withPropertyErrors[A any, O pulumi.ComponentResource](construct infer.ComponentFn[A, O]) infer.ComponentFn[A, O] {
	return func(ctx *pulumi.Context, name string, args A, opts ...pulumi.ResourceOption) (O, error) {
		c, err := construct(ctx, name, args, opts...)
		return c, propertyErrors(err)
	}
}

// propertyErrors maps each problem of a *validate.Error to an input
// property error at its path; other errors are returned as they are.
func propertyErrors(err error) error {
	var verr *validate.Error
	if !errors.As(err, &verr) {
		return err
	}
	details := make([]perrors.InputPropertyErrorDetails, len(verr.Problems))
	for i, pr := range verr.Problems {
		details[i] = perrors.InputPropertyErrorDetails{PropertyPath: pr.Field, Reason: pr.Message}
	}
	return perrors.NewInputPropertiesError(fmt.Sprintf("invalid arguments for %s %q", verr.Component, verr.Name), details...)
}
