// Package internal holds what two or more berth components share. Its
// subpackages are the one place for each piece of shared logic:
//
//   - validate: the Problems collector and the Error every component returns
//     when its Args break a rule, all problems at once.
//   - naming: physical names that always fit a cloud's length and character
//     rules and never change between runs.
//   - mocks: the recording Pulumi mock monitor used by component tests and by
//     the offline `berth plan`.
package internal
