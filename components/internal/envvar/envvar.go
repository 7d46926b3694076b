// Package envvar holds the environment variable rules every berth
// component applies: portable names, and secret variables that neither
// shadow a plain variable nor repeat.
package envvar

import (
	"fmt"
	"regexp"
)

// namePattern is a C identifier, what both Cloud Run and ECS accept as a
// variable name.
var namePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// NameProblem returns why name is not an environment variable name, or "".
func NameProblem(name string) string {
	if !namePattern.MatchString(name) {
		return fmt.Sprintf("%q is not an environment variable name (allowed: letters, digits and underscores, not starting with a digit)", name)
	}
	return ""
}

// SecretNames checks, secret by secret, the variables that secrets are
// exposed under: each passes the component's name rule, is not also a plain
// variable, and is used once. Create it with NewSecretNames.
type SecretNames struct {
	plain       map[string]string
	nameProblem func(string) string
	field       string
	seen        map[string]int
}

// NewSecretNames returns a checker against the plain variables. nameProblem
// is the component's name rule (NameProblem plus its platform's reserved
// names); field names the secret's variable field in messages ("env" or
// "name").
func NewSecretNames(plain map[string]string, nameProblem func(string) string, field string) *SecretNames {
	return &SecretNames{plain: plain, nameProblem: nameProblem, field: field, seen: map[string]int{}}
}

// Check returns the problem with name, the variable of secrets[i], or "".
func (n *SecretNames) Check(i int, name string) string {
	if msg := n.nameProblem(name); msg != "" {
		return msg
	}
	if _, clash := n.plain[name]; clash {
		return fmt.Sprintf("%q is also a plain variable in env (allowed: a name not in env)", name)
	}
	if j, dup := n.seen[name]; dup {
		return fmt.Sprintf("%q is already the %s of secrets[%d] (allowed: each name once)", name, n.field, j)
	}
	n.seen[name] = i
	return ""
}
