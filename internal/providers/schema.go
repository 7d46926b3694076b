package providers

import (
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Flag says how a provider treats one property. Flags combine: a
// Terraform attribute that is Optional, Computed and ForceNew is
// Computed|ForceNew.
type Flag uint16

// Property flags. Their meaning is the Terraform schema's, as the bridge
// passes it on (pulumi-terraform-bridge pkg/tfbridge/schema.go
// MakeTerraformInputs, and the provider's plan, which decides the diff).
const (
	// Required: the provider's Check fails without a value. A Required
	// property the provider autonames is not Required in Pulumi (bridge
	// v3.89.1 pkg/tfbridge/info/autonaming.go:31-32, 72-73; tfgen
	// isOptional): such types leave Required off and set Autoname.
	Required Flag = 1 << iota
	// Computed: Optional+Computed (or computed only). When the inputs leave
	// it out, the state's value stands and nothing changes (OpenTofu
	// objchange.ProposedNew, vendored in the bridge: proposed_new.go
	// proposedNewAttributes keeps the prior value of a computed attribute
	// whose config is null). A plain Optional property that the inputs
	// drop is a change: its planned value is null.
	Computed
	// ForceNew: a change of the property, or of anything inside it,
	// replaces the resource.
	ForceNew
	// Sensitive: the provider marks the value secret in the state whether
	// or not the program passed it as a secret (bridge schema.go
	// MakeTerraformOutput wraps Sensitive values with MakeSecret).
	Sensitive
	// Set: a TypeSet, whose element order is no change (cty sets are
	// unordered; bridge v3.110.0 detailed_diff.go makeSetDiff).
	Set
	// Output: computed only, set by the cloud and never an input.
	Output
	// CheckDefault: the Default is the Pulumi provider's own (a
	// tfbridge.DefaultInfo in its resources.go), which the bridge's Check
	// writes into the inputs and lists under DefaultsKey. Without it, the
	// Default is Terraform's, which Check leaves out (the bridge checks
	// with DisableTFDefaults: v3.89.1 pkg/tfbridge/provider.go:971-974,
	// v3.110.0 :1021-1024) and the provider's plan applies: it is in the
	// state, and a dropped input is compared as its default.
	CheckDefault
)

// Prop is one property's rules. The zero Prop is a plain Optional
// property: it may be left out, and leaving it out after giving it is a
// change.
type Prop struct {
	// Flags are the property's flags.
	Flags Flag
	// Default is the property's default when the inputs leave it out:
	// Terraform's schema Default, or with CheckDefault the Pulumi
	// provider's. Null for none.
	Default resource.PropertyValue
	// Elem holds the properties of a nested block: of the object itself
	// (a MaxItems=1 block, which the bridge flattens to one object) or of
	// each element of a list or set. Nil for scalars, maps and lists of
	// scalars.
	Elem Schema
	// Equal compares a new value with the state's when the provider
	// suppresses differences of form (a DiffSuppressFunc: JSON documents,
	// case-insensitive names); in are the resource's checked new inputs,
	// for rules that depend on a sibling (an ECS task's network mode). Nil
	// compares values.
	Equal func(news, olds resource.PropertyValue, in resource.PropertyMap) bool
	// State is the provider's StateFunc: the value the state holds for a
	// given input (normalised JSON). Nil keeps the input.
	State func(resource.PropertyValue) resource.PropertyValue
	// Validate is the provider's ValidateFunc, run by Check: the reason a
	// known value is rejected, or "". Nil accepts every value.
	Validate func(resource.PropertyValue) string
}

// Is reports whether p has every flag of f.
func (p *Prop) Is(f Flag) bool { return p != nil && p.Flags&f == f }

// Schema is a set of properties by their Pulumi (camelCase) name: the
// bridge's names, with list blocks pluralised (`env` is `envs`) and
// MaxItems=1 blocks flattened to one object (bridge pkg/tfbridge/names.go
// 153-177).
type Schema map[string]*Prop

// at returns the rules of the property at path (property names; list
// indexes left out) and of every property on the way to it, outermost
// first. A property the schema does not list is a plain Optional one
// (nil in the result).
func (s Schema) at(path []string) []*Prop {
	var out []*Prop
	cur := s
	for _, k := range path {
		p := cur[k]
		out = append(out, p)
		if p == nil {
			cur = nil
			continue
		}
		cur = p.Elem
	}
	return out
}

// Autoname is how the bridge names a resource whose program gives no
// name: the resource's logical name, an optional transform, a separator
// and seven random lowercase hex characters drawn from the engine's seed
// (bridge v3.89.1 pkg/tfbridge/info/autonaming.go AutoName 94-109,
// ComputeAutoNameDefault 127-170; sdk go/common/resource/resource_id.go
// NewUniqueName: default charset 0123456789abcdef).
type Autoname struct {
	// Prop is the property the name fills, usually "name".
	Prop string
	// MaxLen is the longest name allowed. A logical name too long to take
	// the separator and the suffix within it is an error, never cut
	// (NewUniqueName: "name '%s' plus %d random chars is longer than
	// maximum length %d").
	MaxLen int
	// Lower lowercases the logical name first (tfbridge.AutoNameTransform
	// with strings.ToLower).
	Lower bool
	// ConflictsWith lists properties whose presence turns the autoname off
	// (bridge schema.go applyDefaults skips a default whose ConflictsWith
	// sibling is set: namePrefix).
	ConflictsWith []string
	// Suffix adds to the generated name from the inputs (a PostTransform:
	// ".fifo" for FIFO queues). Nil adds nothing.
	Suffix func(in resource.PropertyMap) string
}

// randLen is the length of an autoname's random part
// (tfbridge.AutoName: Randlen 7).
const randLen = 7

// Key is one thing the cloud keeps unique, with the error the cloud returns
// when a second resource claims it.
type Key struct {
	// Key names the scope and the value, such as
	// "ecr-repository/123456789012/us-east-1/berth-app-1a2b3c4".
	Key string
	// Err is the cloud's error for a duplicate, such as
	// "RepositoryAlreadyExistsException: ...".
	Err string
}

// Failure is a Check failure: the property path and the provider's reason.
type Failure struct {
	Property string
	Reason   string
}

// Type holds one resource type's rules.
type Type struct {
	// Token is the Pulumi type token.
	Token string
	// Provider is the package that serves the type.
	Provider *Provider
	// Resource is the Terraform resource the bridge maps, such as
	// "aws_ecs_service"; empty for a native provider's type.
	Resource string
	// Source names where the schema was read: file and function at the
	// provider's pinned version.
	Source string
	// Schema holds the inputs' rules; outputs that never are inputs may be
	// left out.
	Schema Schema
	// Autoname says how a missing name is made; nil when the type is not
	// autonamed.
	Autoname *Autoname
	// DeleteBeforeReplace is the provider's ResourceInfo.DeleteBeforeReplace:
	// every replacement deletes the old resource first.
	DeleteBeforeReplace bool
	// Framework marks a Plugin Framework resource, for which the bridge
	// decides the order of a replacement by DeleteBeforeReplace alone
	// (bridge pf/tfbridge/provider_diff.go).
	Framework bool
	// Waits says the provider's Create records the resource's ID and then
	// waits for the cloud (an operation, a steady state): a wait that fails
	// leaves a resource behind. Provider.RecordsPartialCreate says whether
	// Pulumi's state learns of it.
	Waits bool
	// CreateTimeout is the provider's default create timeout: how long its
	// Create may wait for the cloud before it fails. Zero when the model
	// does not hold it.
	CreateTimeout time.Duration
	// Outputs computes the ID and the outputs the provider adds to the
	// inputs on create (Ctx.Old nil) or update.
	Outputs func(c *Ctx) (id resource.PropertyValue, out resource.PropertyMap)
	// Unique returns what the resource claims in the cloud; nil for none.
	Unique func(c *Ctx) []Key
	// Blockers are what makes the cloud refuse to delete the resource: live
	// resources of other types that still use it. Nil for none.
	Blockers []Blocker
	// Replaces returns the top-level properties that a provider's
	// CustomizeDiff forces to replace beyond the schema's ForceNew flags
	// (an NLB's shrinking subnets), given the old state and the checked
	// new inputs. Nil for none.
	Replaces func(olds, news resource.PropertyMap) []string
}

// Blocker is a kind of live resource whose use of another makes the cloud
// refuse to delete that one, after the provider's retries run out.
type Blocker struct {
	// Type is the using resource's type token.
	Type string
	// Uses reports whether the state of a resource of Type uses the target
	// resource, given the target's state.
	Uses func(user, target resource.PropertyMap) bool
	// Err is the provider's error once it stops retrying.
	Err func(target resource.PropertyMap) string
}

// Provider is one provider package at its pinned version.
type Provider struct {
	// Package is the Pulumi package name: "aws", "gcp" or "docker".
	Package string
	// Version is the plugin version the pinned SDK asks the engine for.
	Version string
	// Upstream names what the provider is built on, with the evidence.
	Upstream string
	// Bridge is the pulumi-terraform-bridge version, with the evidence;
	// empty for a native provider.
	Bridge string
	// RecordsPartialCreate says whether a Create that fails after the
	// resource got its ID reaches the engine as a partial failure (the
	// engine keeps the resource with initErrors and the next `up` updates
	// it) or as a plain error (the state never learns of the resource,
	// which is left in the cloud).
	RecordsPartialCreate bool
}

// Lookup returns the rules of the type token.
func Lookup(token string) (*Type, bool) {
	t, ok := registry[token]
	return t, ok
}

var registry = func() map[string]*Type {
	out := map[string]*Type{}
	for _, list := range [][]*Type{awsTypes(), gcpTypes()} {
		for _, t := range list {
			if _, dup := out[t.Token]; dup {
				panic("providers: " + t.Token + " modelled twice")
			}
			out[t.Token] = t
		}
	}
	return out
}()

// Package returns the provider package of a type or function token: "aws"
// for "aws:ecr/repository:Repository", "aws" for "pulumi:providers:aws".
func Package(token string) string {
	if p, ok := strings.CutPrefix(token, "pulumi:providers:"); ok {
		return p
	}
	pkg, _, _ := strings.Cut(token, ":")
	return pkg
}

// Providers are the modelled provider packages, by name.
var Providers = map[string]*Provider{"aws": AWS, "gcp": GCP, "docker": Docker}

// String names the type for messages.
func (t *Type) String() string { return t.Token }

// requiredReason is the message the Terraform plugin SDK gives a missing
// required argument, which the bridge passes on as a Check failure
// (terraform-plugin-sdk/v2 helper/schema schemaMap.validate).
func requiredReason(name string) string {
	return fmt.Sprintf("Missing required argument. The argument %q is required, but no definition was found.", name)
}
