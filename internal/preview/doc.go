// Package preview tests the reusable pull request preview published from
// this repository (.github/actions/plan-diff and .github/actions/comment)
// by running the action's own scripts on two revisions of adopter projects
// in a temporary git repository and reading the comment they write. It has
// no code of its own.
package preview
