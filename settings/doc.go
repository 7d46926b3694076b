// Package settings reads berth's settings from a stack's configuration,
// strictly: the decoder berth's own program (infra/) uses, public so that
// a platform team's stacks read theirs without writing one.
//
// A setting is decoded into berth's own types, so a configuration path is
// the field path of the component's arguments ("service.memory",
// "aws.certificateArn"). Every problem is recorded at its path, all at
// once: an unknown key with the nearest known one ("memroy: unknown
// setting (did you mean \"memory\"?)"), a value of the wrong type, an
// explicit empty string. A secure value belongs in a field tagged
// provider:"secret" (spec.Secret.Value), which is decoded as a Pulumi
// secret; no message quotes a value of a key that holds a secure value.
//
// Values that come from other stacks are Pulumi outputs, not
// configuration: pass them to the components' input fields
// (fargate.AWS.VPCID, spec.Service.Env values) directly.
package settings
