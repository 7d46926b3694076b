// Package stackrefs answers a program's stack references
// (pulumi.NewStackReference) offline: the outputs of the stacks it names,
// from the JSON `pulumi stack output --json` prints (Files, berth plan
// --stack-outputs) or from their state in a local file backend (Backend),
// read where and as the Pulumi CLI's diy backend reads it. Secret outputs
// stay secret and unknown: berth never decrypts another stack's state.
// Stacks in other backends (Pulumi Cloud, object stores) cannot be read
// offline; their outputs are unknown in a plan.
package stackrefs

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// Lookup returns the outputs of the stack a reference names. ok is false
// when the outputs cannot be known here; err says why a stack that should
// be readable is not (a real preview fails on it too).
type Lookup func(name string) (outputs resource.PropertyMap, ok bool, err error)

// First asks each lookup in turn and answers with the first that knows
// the stack or fails.
func First(lookups ...Lookup) Lookup {
	return func(name string) (resource.PropertyMap, bool, error) {
		for _, l := range lookups {
			if l == nil {
				continue
			}
			if outs, ok, err := l(name); ok || err != nil {
				return outs, ok, err
			}
		}
		return nil, false, nil
	}
}
