package validate

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Known returns the value of in when it is a plain string known before
// deployment (pulumi.String), so that it can be validated now. Outputs of
// other resources are not known yet: validation skips them, as the AWS CDK
// skips unresolved tokens.
func Known(in pulumi.StringInput) (string, bool) {
	if s, ok := in.(pulumi.String); ok {
		return string(s), true
	}
	return "", false
}

// MissingArgs is the error a component constructor returns for nil args:
// one problem at `args` naming what is required.
func MissingArgs(component, name, required string) error {
	var p Problems
	p.Addf("args", "required (at least %s)", required)
	return p.Err(component, name)
}
