package validate

import (
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// All is what a program that constructs several components returns, so
// that one run reports the problems of every component, not only of the
// first that failed:
//
//	api, apiErr := berth.NewService(ctx, "api", apiArgs)
//	worker, workerErr := fargate.NewService(ctx, "worker", workerArgs)
//	if err := validate.All(ctx, apiErr, workerErr); err != nil {
//		return err
//	}
//	ctx.Export("url", api.URL) // both are non-nil here
//
// A constructor that fails registers nothing, so the next one may run;
// only the components are nil until All says that none failed. All
// returns the errors joined (errors.Join; nil when all are nil), and logs
// each one as an error diagnostic first: a problem in a value that arrives
// as an output fails the component's registration (Gate), and when a
// registration failed, the Go SDK ends the run with the first failed
// registration's error instead of the program's (sdk/v3 v3.274.1
// go/pulumi/run.go:142-158 and context.go:3081-3087, which keeps the first
// only). The diagnostics make the engine show every component's problems
// either way.
func All(ctx *pulumi.Context, errs ...error) error {
	var out []error
	for _, err := range errs {
		if err == nil {
			continue
		}
		out = append(out, err)
		if ctx != nil {
			_ = ctx.Log.Error(err.Error(), nil)
		}
	}
	return errors.Join(out...)
}
