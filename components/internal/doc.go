// Package internal holds what berth components share and only components
// use: naming derives physical cloud names that always fit a cloud's length
// and character rules and never change between runs; iampolicy holds the
// typed AWS IAM policy documents, marshalled to JSON in one place. The
// rules every cloud shares for a service's settings (environment names,
// secrets, units) live in the public spec package.
//
// What callers of the components use too is public instead: the module's
// validate package (the Problems collector and the Error every component
// returns, all problems at once, which callers inspect with errors.As) and
// testkit (the recording Pulumi mock monitor of the component tests, for
// adopters' unit tests too).
package internal
