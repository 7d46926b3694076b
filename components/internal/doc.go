// Package internal holds what berth components share and only components
// use: naming derives physical cloud names that always fit a cloud's length
// and character rules and never change between runs; envvar holds the
// environment variable name rules; iampolicy holds the typed AWS IAM policy
// documents, marshalled to JSON in one place.
//
// What the program in infra/ and the CLI in cmd/berth share with the
// components lives in the module's top-level internal/ instead, because Go
// lets only packages under components/ import this folder: validate (the
// Problems collector and the Error every component returns, all problems at
// once) and mocks (the recording Pulumi mock monitor of the component tests
// and of `berth plan`).
package internal
