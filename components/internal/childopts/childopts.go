// Package childopts gives a component's children the resource options the
// component was given, where the Pulumi SDK and engine do not already pass
// them on, and takes back the two that they pass on too widely.
//
// What a child inherits from its parent without help, at the pinned
// versions (sdk/v3 v3.274.1, pkg/v3 v3.274.1):
//
//   - protect: the SDK sends a child's own protect, else its parent's
//     (sdk go/pulumi/context.go:1950-1953); the engine does the same for a
//     child that sends none (pkg resource/deploy/source_eval.go:2133-2135).
//   - retainOnDelete, deletedWith and the provider: the engine copies the
//     parent's when the child sends none (source_eval.go:2127-2146,
//     called from RegisterResource at 2447-2453). The SDK sends none for a
//     child that was given none (context.go:2941).
//   - providers: merged from the parent in the SDK (context.go:2285-2291).
//   - transforms (pulumi.Transforms): the engine runs a resource's own,
//     then every ancestor's, then the stack's (source_eval.go:2635-2674);
//     transformations (pulumi.Transformations) run in the SDK, the
//     resource's own then its parent's collected list
//     (context.go:2250-2280).
//   - customTimeouts, ignoreChanges, replaceOnChanges, dependsOn,
//     deleteBeforeReplace, additionalSecretOutputs, hideDiffs, aliases:
//     not inherited; they are the resource's own (source_eval.go:2127
//     lists what is).
//
// So protect and retainOnDelete reach every child, and that is too wide for
// a service: a protected resource cannot be replaced (pkg
// resource/deploy/step_generator.go:2051-2062), and a Fargate task
// definition is replaced by every new image, so a protected Fargate
// component could never deploy again; a retained security group rule or
// IAM binding that the program replaced or removed stays in the cloud,
// still admitting what the program no longer admits. Options reads what
// the component was given and gives protect and retainOnDelete to the
// stateful children only (Stateful), setting them false on the others
// (Routine), which stops the inheritance; and it gives custom timeouts to
// the children whose operations are long (Long), which nothing else
// would.
package childopts

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Options is what a component's own resource options say about its
// children.
type Options struct {
	// Protect and RetainOnDelete are the component's own options.
	Protect, RetainOnDelete bool
	// Timeouts are the component's custom timeouts; nil without.
	Timeouts *pulumi.CustomTimeouts
}

// Read returns what opts, a component constructor's options, say about
// its children.
func Read(opts []pulumi.ResourceOption) Options {
	// NewResourceOptions never fails at v3.274.1 (resource.go:564-569).
	ro, err := pulumi.NewResourceOptions(opts...)
	if err != nil || ro == nil {
		return Options{}
	}
	return Options{Protect: ro.Protect, RetainOnDelete: ro.RetainOnDelete, Timeouts: ro.CustomTimeouts}
}

// Routine is the option of a child that the program recreates without
// loss: it is explicitly neither protected nor retained, which stops the
// SDK's and the engine's inheritance from the component and from any
// ancestor above it (a component given only pulumi.Parent of a protected
// one is protected through the SDK, context.go:1950-1953, and retained
// through the engine, source_eval.go:2136-2137, without an option of its
// own that Read could see). The explicit false reaches the engine: both
// are optional in the request (proto resource.pb.go:836, 856).
func (o Options) Routine() pulumi.ResourceOption {
	return pulumi.Composite(pulumi.Protect(false), pulumi.RetainOnDelete(false))
}

// Stateful is the option of a child whose deletion loses what the program
// cannot recreate (images, secret values, logs, a DNS name or an identity
// that others point at): it is protected and retained as the component
// is. Give it in place of Routine, never with it: without an option of
// the component's own it adds nothing, so the child inherits what its
// ancestors have, as the SDK and engine pass it on.
func (o Options) Stateful() pulumi.ResourceOption {
	var out []pulumi.ResourceOption
	if o.Protect {
		out = append(out, pulumi.Protect(true))
	}
	if o.RetainOnDelete {
		out = append(out, pulumi.RetainOnDelete(true))
	}
	return pulumi.Composite(out...)
}

// Long is the option of a child whose create, update or delete waits on
// the cloud for minutes (a service rollout, a load balancer, a connector):
// it takes the component's custom timeouts.
func (o Options) Long() pulumi.ResourceOption {
	if o.Timeouts == nil {
		return pulumi.Composite()
	}
	return pulumi.Timeouts(o.Timeouts)
}
