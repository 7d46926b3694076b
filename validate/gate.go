package validate

import (
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Pending is a check of an input whose value is not known when the
// component is constructed: an output of another resource or of a stack
// reference. Check records the problems of the resolved value, with the
// messages the check of a plain value records.
type Pending struct {
	// Input is the input to wait for: a pulumi.StringInput,
	// pulumi.StringArrayInput or any other input pulumi.All takes.
	Input any
	// Check records the problems of Input's resolved value, which has the
	// type pulumi.All resolves Input to (string, []string, ...).
	Check func(v any, ps *Problems)
}

// Gate runs every pending check once all their inputs are known and
// returns an output of no resources that fails with one *Error, listing
// every problem under component and name, when any check records one. A
// message about an input that is a secret does not quote its value.
//
// A component registers itself with pulumi.DependsOnInputs(gate): the SDK
// waits for the gate before it sends the registration and fails the
// registration with the gate's error (sdk/v3 v3.274.1 go/pulumi/resource.go
// 912-917, resourceArrayInputDependencySet.addDeps), so neither the
// component nor any child, whose registration waits for its parent's URN,
// reaches the engine. A gate of unknown values (a preview of resources not
// yet created) resolves to unknown, which adds no dependency and fails
// nothing: those values are checked when they are known, in the update.
// Stack reference outputs are known in a preview: the engine reads the
// referenced stack then.
//
// The gate's dependencies are those of the inputs, so that every child
// also waits for the resources that produce them; leave out of the gate
// inputs produced by resources the children should not wait for.
func Gate(component, name string, pending ...Pending) pulumi.ResourceArrayOutput {
	if len(pending) == 0 {
		return pulumi.ResourceArray{}.ToResourceArrayOutput()
	}
	inputs := make([]any, len(pending))
	outputs := make([]pulumi.Output, len(pending))
	for i, p := range pending {
		inputs[i] = p.Input
		outputs[i] = pulumi.ToOutput(p.Input)
	}
	return pulumi.All(inputs...).ApplyT(func(vs []any) ([]pulumi.Resource, error) {
		var ps Problems
		for i, p := range pending {
			// IsSecret awaits the output, which has resolved by now.
			if !pulumi.IsSecret(outputs[i]) {
				p.Check(vs[i], &ps)
				continue
			}
			var secret Problems
			p.Check(vs[i], &secret)
			for _, problem := range secret.List() {
				ps.Addf(problem.Field, "%s", redact(problem.Message, vs[i]))
			}
		}
		if err := ps.Err(component, name); err != nil {
			return nil, err
		}
		return []pulumi.Resource{}, nil
	}).(pulumi.ResourceArrayOutput)
}

// redact replaces a secret value, and each string of a secret list, in a
// check's message: a message quotes the value it rejects, and a secret
// stack output must not reach the log.
func redact(msg string, v any) string {
	var secrets []string
	switch x := v.(type) {
	case string:
		secrets = []string{x}
	case []string:
		secrets = x
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		msg = strings.ReplaceAll(msg, strconv.Quote(s), "[secret]")
		msg = strings.ReplaceAll(msg, s, "[secret]")
	}
	return msg
}
