package diff

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/berth-dev/berth/internal/cost"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// The diff document's identity. docs/plan-format.md describes the format.
const (
	// Format is the value of a diff's "format" field.
	Format = "berth-diff"
	// SchemaVersion is the version of the diff format this package writes.
	SchemaVersion = 3
)

// Op is what happens to a resource.
type Op string

// The operations, in the order summaries list them.
const (
	// Create is a resource only in the head plan.
	Create Op = "create"
	// Update is a resource in both plans whose inputs or options change,
	// in place.
	Update Op = "update"
	// Replace is a resource that is deleted and re-created: a
	// replace-on-change input or its logical name changed.
	Replace Op = "replace"
	// Delete is a resource only in the base plan.
	Delete Op = "delete"
)

// Change is one resource that differs between the plans.
type Change struct {
	// URN is the resource's URN in the head plan, or in the base plan when
	// it is deleted.
	URN string `json:"urn"`
	// Type is the resource's Pulumi type token.
	Type string `json:"type"`
	// Name is the logical name (the new one when it changed).
	Name string `json:"name"`
	// Op is what happens to it.
	Op Op `json:"op"`
	// Component is the URN of the parent resource, empty for children of
	// the stack; changes are grouped by it.
	Component string `json:"component,omitempty"`
	// OldURN is the base plan's URN of a resource whose URN changed: a new
	// logical name (replaced) or an alias (the same resource). Empty
	// otherwise.
	OldURN string `json:"oldUrn,omitempty"`
	// Because says why a replaced resource is replaced, one entry per
	// cause, such as `accountId` or `logical name a -> b`.
	Because []string `json:"because,omitempty"`
	// DeleteFirst says a replaced resource is deleted before its
	// replacement is created, so that it is missing meanwhile: the
	// program's deleteBeforeReplace option, or the provider's rule.
	DeleteFirst bool `json:"deleteFirst,omitempty"`
	// Paths lists the changed input paths, sorted: every input of a
	// created resource, none of a deleted one. Never nil.
	Paths []string `json:"paths"`
	// Values holds the old and new value of each path in Paths. Never nil.
	Values []Value `json:"values"`
	// Options holds the lifecycle options (and dependencies) that change,
	// or, for a created resource, those that are set. Never nil.
	Options []Value `json:"options"`
}

// Value is the old and new value of one changed input path or option.
// Secrets are plan.Secret.
type Value struct {
	// Path is the input path, such as `template.scaling.maxInstanceCount`,
	// or the option's name, such as `protect`.
	Path string
	// Old is the base value; meaningful when HasOld.
	Old any
	// New is the head value; meaningful when HasNew.
	New any
	// HasOld and HasNew say whether the path exists in each plan.
	HasOld, HasNew bool
	// Ignored says that the head resource's ignoreChanges covers the
	// path: Pulumi keeps the old value, and the change neither updates
	// nor replaces the resource.
	Ignored bool
	// Kept says that the program drops an input the provider computes
	// when it is absent: the cloud's value stays, and nothing changes.
	Kept bool

	// droppedAt is, for a value the head drops, the path of the input
	// the head no longer gives: the value's own, or a block's that held
	// it.
	droppedAt string
}

// Kind is the kind of a risk flag.
type Kind string

// The flag kinds, in the order results list them.
const (
	// KindReplace flags a replaced resource.
	KindReplace Kind = "replace"
	// KindDelete flags a deleted stateful or hard-to-recreate resource.
	KindDelete Kind = "delete"
	// KindIAM flags widened permissions.
	KindIAM Kind = "iam"
	// KindExposure flags widened network exposure or weakened transport
	// security (HTTPS listeners, TLS policies).
	KindExposure Kind = "exposure"
	// KindSecret flags a secret reference added, removed or re-pointed.
	KindSecret Kind = "secret"
	// KindCapacity flags changed instance counts, CPU, memory,
	// concurrency or autoscaling targets.
	KindCapacity Kind = "capacity"
	// KindDowntime flags what interrupts traffic: a serving resource
	// replaced delete-first or at a new address, a listener forwarding to a
	// target group before it has healthy targets, a port closed in place.
	KindDowntime Kind = "downtime"
	// KindRollout flags a weaker guard on releases: deployment alarms or
	// the circuit breaker turned off, an alarm that fires on other terms,
	// and on a production stack a split that sends requests to a release
	// no canary observed.
	KindRollout Kind = "rollout"
	// KindCost flags a monthly cost estimate that rises by more than the
	// threshold (see AddCost).
	KindCost Kind = "cost"
)

// Kinds lists every flag kind, in the order results list them.
var Kinds = []Kind{KindReplace, KindDelete, KindDowntime, KindIAM, KindExposure, KindSecret, KindCapacity, KindRollout, KindCost}

// Flag is a change that deserves a careful look.
type Flag struct {
	// Kind is the kind of risk.
	Kind Kind `json:"kind"`
	// URN is the resource the flag is about.
	URN string `json:"urn"`
	// Reason is one line that says what changed, without secret values.
	Reason string `json:"reason"`
}

// Counts says how many resources each operation affects, and how many are
// the same in both plans.
type Counts struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Replace int `json:"replace"`
	Delete  int `json:"delete"`
	Same    int `json:"same"`
}

// Result is the difference between two plans of one stack.
type Result struct {
	// Project and Stack name the plans' project and stack.
	Project string
	Stack   string
	// Counts counts the changes by operation.
	Counts Counts
	// Changes lists the resources that differ, sorted by component, then
	// URN. Never nil.
	Changes []Change
	// Flags lists the risk flags, sorted by kind, URN and reason. Never
	// nil.
	Flags []Flag
	// Cost is the change in the monthly cost estimate; nil when neither
	// plan carries one.
	Cost *cost.Delta
	// Rollouts lists the changes of how services split requests between
	// releases, in the order of Changes. Never nil.
	Rollouts []Rollout

	// names maps the URNs of both plans to "type name", for group
	// headings.
	names map[string]string
}

// ErrDifferentStacks is returned, wrapped, when the plans belong to
// different projects or stacks: every URN would differ, and the result would
// say that everything is replaced.
var ErrDifferentStacks = errors.New("plans of different stacks")

// Compare returns what changes from base to head. Both plans must be of the
// same project and stack.
//
// The head resource's lifecycle options decide what a change does, as they
// do for the engine: a change under one of its ignoreChanges paths is shown
// as ignored and changes nothing; one under a replaceOnChanges path
// replaces it; deleteBeforeReplace, protect and retainOnDelete are named in
// the replace and delete flags they affect. A resource whose alias is a
// base URN is that base resource, updated in place.
func Compare(base, head *plan.Plan) (*Result, error) {
	if base == nil || head == nil {
		return nil, errors.New("comparing plans: nil plan")
	}
	if base.Project != head.Project || base.Stack != head.Stack {
		return nil, fmt.Errorf("%w: base is %s/%s, head is %s/%s", ErrDifferentStacks, base.Project, base.Stack, head.Project, head.Stack)
	}
	r := &Result{Project: head.Project, Stack: head.Stack, Changes: []Change{}, Flags: []Flag{}, Rollouts: []Rollout{}, names: map[string]string{}}
	for _, p := range []*plan.Plan{base, head} {
		for _, res := range p.Resources {
			r.names[res.URN] = res.Type + " " + res.Name
		}
	}
	baseComp := components(base)
	headComp := components(head)
	pairs, oldToNew := match(base, head)
	mapNew := func(u string) string { return u }
	mapOld := func(u string) string {
		if n, ok := oldToNew[u]; ok {
			return n
		}
		return u
	}

	lbs := newLBIndex(head)
	users := usersOf(head)
	// changed holds the operation on each changed resource, by head URN:
	// an unknown that comes from a created or replaced one is a new value,
	// and so is one that each update makes anew (an image digest) when
	// its source is updated. Pairs come in head order, dependencies first,
	// so a resource's sources are settled before it.
	changed := map[string]Op{}
	for _, p := range pairs {
		var old, new *plan.Resource
		if p.old != nil {
			old = annotated(p.old, mapOld, nil)
		}
		if p.new != nil {
			new = annotated(p.new, mapNew, changed)
		}
		var c Change
		switch {
		case old == nil:
			c = Change{URN: new.URN, Type: new.Type, Name: new.Name, Op: Create, Component: new.Parent}
			c.Values = compareValues(nil, new.Inputs, false, true, new.Type)
			c.Options = compareOptions(nil, new, mapOld)
		case new == nil:
			c = Change{URN: old.URN, Type: old.Type, Name: old.Name, Op: Delete, Component: old.Parent}
		default:
			c = Change{URN: new.URN, Type: new.Type, Name: new.Name, Op: Update, Component: new.Parent}
			c.Values = compareValues(old.Inputs, new.Inputs, true, true, new.Type)
			markIgnored(c.Values, new.Options.IgnoreChanges)
			markKept(c.Values, new.Type)
			c.Options = compareOptions(old, new, mapOld)
			if old.URN != new.URN {
				c.OldURN = old.URN
				if !p.aliased {
					c.Because = append(c.Because, "logical name "+old.Name+" -> "+new.Name)
				}
			}
			changed := applied(c.Values)
			c.Because = append(c.Because, replaceCauses(c.Type, changed, new.Options.ReplaceOnChanges, old.Inputs, effectiveInputs(old.Inputs, new.Inputs, new.Options.IgnoreChanges))...)
			switch {
			case len(c.Because) > 0:
				c.Op = Replace
				c.DeleteFirst = deletesFirst(new)
			case len(changed) == 0 && len(c.Options) == 0 && c.OldURN == "":
				r.Counts.Same++
				continue
			}
		}
		c.Paths = make([]string, len(c.Values))
		for i, v := range c.Values {
			c.Paths[i] = v.Path
		}
		if c.Options == nil {
			c.Options = []Value{}
		}
		component := (old != nil && baseComp[old.URN]) || (new != nil && headComp[new.URN])
		ch := &change{Change: &c, old: old, new: new, head: lbs, users: users[c.URN], production: production(head.Stack)}
		r.Flags = append(r.Flags, flags(ch, component)...)
		if ro, ok := rolloutOf(ch); ok && !component {
			r.Rollouts = append(r.Rollouts, ro)
		}
		r.Changes = append(r.Changes, c)
		changed[c.URN] = c.Op
		switch c.Op {
		case Create:
			r.Counts.Create++
		case Update:
			r.Counts.Update++
		case Replace:
			r.Counts.Replace++
		case Delete:
			r.Counts.Delete++
		}
	}

	sort.SliceStable(r.Changes, func(i, j int) bool {
		a, b := r.Changes[i], r.Changes[j]
		if a.Component != b.Component {
			return a.Component < b.Component
		}
		return a.URN < b.URN
	})
	sort.SliceStable(r.Rollouts, func(i, j int) bool { return r.Rollouts[i].URN < r.Rollouts[j].URN })
	r.Flags = append(r.Flags, newLaneFindings(r)...)
	r.Flags = append(r.Flags, abortedPromotionFindings(r, base)...)
	sort.SliceStable(r.Flags, func(i, j int) bool {
		a, b := r.Flags[i], r.Flags[j]
		if a.Kind != b.Kind {
			return slices.Index(Kinds, a.Kind) < slices.Index(Kinds, b.Kind)
		}
		if a.URN != b.URN {
			return a.URN < b.URN
		}
		return a.Reason < b.Reason
	})
	return r, nil
}

// AddCost records the change in the plans' cost estimates, and a cost flag
// on the stack when it rises by more than its threshold. A nil d (neither
// plan has an estimate) changes nothing.
func (r *Result) AddCost(d *cost.Delta) {
	if d == nil {
		return
	}
	r.Cost = d
	if reason, ok := d.Exceeded(); ok {
		// Flags sort by kind first and cost ranks last, so appending keeps
		// the order.
		r.Flags = append(r.Flags, Flag{Kind: KindCost, URN: stackURN(r.Project, r.Stack), Reason: reason})
	}
}

// stackURN is the URN of a stack's root resource, what a cost flag is
// about.
func stackURN(project, stack string) string {
	return "urn:pulumi:" + stack + "::" + project + "::pulumi:pulumi:Stack::" + project + "-" + stack
}

// Raised returns the flags of the given kinds.
func (r *Result) Raised(kinds ...Kind) []Flag {
	var out []Flag
	for _, f := range r.Flags {
		if slices.Contains(kinds, f.Kind) {
			out = append(out, f)
		}
	}
	return out
}

// applied returns the values that change the resource: neither ignored nor
// kept.
func applied(values []Value) []Value {
	var out []Value
	for _, v := range values {
		if !v.Ignored && !v.Kept {
			out = append(out, v)
		}
	}
	return out
}

// markKept marks the values the program drops where the provider keeps
// the cloud's value (providers.Type.KeptAt of the input it no longer
// gives).
func markKept(values []Value, typ string) {
	t, ok := providers.Lookup(typ)
	if !ok {
		return
	}
	for i := range values {
		if values[i].HasOld && !values[i].HasNew && t.KeptAt(values[i].droppedAt) {
			values[i].Kept = true
		}
	}
}

// markIgnored marks the values under an ignoreChanges path ("*" is every
// input).
func markIgnored(values []Value, ignore []string) {
	for i := range values {
		for _, p := range ignore {
			if p == "*" || covers(p, values[i].Path) {
				values[i].Ignored = true
			}
		}
	}
}

// compareOptions returns the options that differ between old and new (old
// nil for a created resource: the options it sets). Explicit and input
// dependencies are compared too, as `dependsOn`, base URNs mapped to head
// ones.
func compareOptions(old, new *plan.Resource, mapOld func(string) string) []Value {
	var oo, no plan.Options
	var od, nd []string
	if old != nil {
		oo, od = old.Options, mapAll(old.DependsOn, mapOld)
		oo.DeletedWith = mapOld(oo.DeletedWith)
		oo.ReplaceWith = mapAll(oo.ReplaceWith, mapOld)
	}
	if new != nil {
		no, nd = new.Options, new.DependsOn
	}
	var out []Value
	add := func(name string, o, n any) {
		if !equal(o, n) {
			out = append(out, Value{Path: name, Old: o, New: n, HasOld: old != nil, HasNew: true})
		}
	}
	add("protect", oo.Protect, no.Protect)
	add("deleteBeforeReplace", optBool(oo.DeleteBeforeReplace), optBool(no.DeleteBeforeReplace))
	add("retainOnDelete", oo.RetainOnDelete, no.RetainOnDelete)
	add("ignoreChanges", anyList(oo.IgnoreChanges), anyList(no.IgnoreChanges))
	add("replaceOnChanges", anyList(oo.ReplaceOnChanges), anyList(no.ReplaceOnChanges))
	add("deletedWith", oo.DeletedWith, no.DeletedWith)
	add("replaceWith", anyList(oo.ReplaceWith), anyList(no.ReplaceWith))
	if old != nil {
		// Provider SDKs set it on every resource of some types; only a
		// change is news (outputs stored in the clear, or no longer).
		add("additionalSecretOutputs", anyList(oo.AdditionalSecretOutputs), anyList(no.AdditionalSecretOutputs))
	}
	add("customTimeouts", timeouts(oo.CustomTimeouts), timeouts(no.CustomTimeouts))
	add("import", oo.Import, no.Import)
	add("hideDiffs", anyList(oo.HideDiffs), anyList(no.HideDiffs))
	if old != nil {
		// A created resource's dependencies are in the plan; a changed
		// one's are worth showing, since they change the order of work:
		// those it no longer has (old) and those it gains (new).
		if gone, came := added(nd, od), added(od, nd); len(gone)+len(came) > 0 {
			out = append(out, Value{Path: "dependsOn", Old: anyList(gone), New: anyList(came), HasOld: true, HasNew: true})
		}
	}
	return out
}

// optBool is an option that may be unset: nil, or its value.
func optBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func mapAll(urns []string, f func(string) string) []string {
	out := make([]string, len(urns))
	for i, u := range urns {
		out[i] = f(u)
	}
	sort.Strings(out)
	return out
}

func anyList(l []string) any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

func timeouts(t *plan.Timeouts) any {
	if t == nil {
		return nil
	}
	return map[string]any{"create": t.Create, "update": t.Update, "delete": t.Delete}
}

// components returns the URNs of a plan's component resources.
func components(p *plan.Plan) map[string]bool {
	out := map[string]bool{}
	for _, r := range p.Resources {
		if r.Parent != "" {
			out[r.Parent] = true
		}
		if !r.Custom {
			out[r.URN] = true
		}
	}
	return out
}

// pair is one resource as the base and the head plan see it; old or new is
// nil when it exists in only one. aliased says the head resource names the
// base one as an alias.
type pair struct {
	old, new *plan.Resource
	aliased  bool
}

// match pairs the resources of two plans: by URN first, then by a head
// resource's aliases, then a deleted and a created resource of the same
// type under the same (matched) parent as one renamed resource. Pairs come
// in head order, then deletions in base order. It also returns the head
// URN of each matched base URN.
func match(base, head *plan.Plan) ([]pair, map[string]string) {
	headByURN := make(map[string]int, len(head.Resources))
	for i, r := range head.Resources {
		headByURN[r.URN] = i
	}
	baseByURN := make(map[string]int, len(base.Resources))
	for i, r := range base.Resources {
		baseByURN[r.URN] = i
	}
	oldToNew := make(map[string]string, len(base.Resources))
	oldFor := make([]*plan.Resource, len(head.Resources))
	aliased := make([]bool, len(head.Resources))
	matched := make([]bool, len(base.Resources))
	for i := range base.Resources {
		r := &base.Resources[i]
		if j, ok := headByURN[r.URN]; ok {
			oldFor[j] = r
			oldToNew[r.URN] = r.URN
			matched[i] = true
		}
	}
	// A resource the URN does not match is looked up by its aliases, its
	// own and those it inherits from a parent that matched through one, as
	// the engine does (providers.InheritedAlias). Head order puts parents
	// first.
	aliasOf := map[string]string{}
	for j, r := range head.Resources {
		if oldFor[j] != nil {
			continue
		}
		for _, a := range aliasesOf(head, r, aliasOf) {
			if i, ok := baseByURN[a]; ok && !matched[i] {
				oldFor[j], aliased[j], matched[i] = &base.Resources[i], true, true
				oldToNew[a] = r.URN
				aliasOf[r.URN] = a
				break
			}
		}
	}

	type key struct{ typ, parent string }
	candidates := map[key][]int{}
	for j, r := range head.Resources {
		if oldFor[j] == nil {
			k := key{r.Type, r.Parent}
			candidates[k] = append(candidates[k], j)
		}
	}
	mapOld := func(u string) string {
		if n, ok := oldToNew[u]; ok {
			return n
		}
		return u
	}
	var deleted []*plan.Resource
	// Base order puts parents and dependencies first, so their matches are
	// known when a resource looks for its own.
	for i := range base.Resources {
		if matched[i] {
			continue
		}
		r := &base.Resources[i]
		k := key{r.Type, mapOld(r.Parent)}
		cands := candidates[k]
		old := annotated(r, mapOld, nil)
		best, bestScore := 0, -1
		for ci, j := range cands {
			nw := annotated(&head.Resources[j], func(u string) string { return u }, nil)
			if !sameIdentity(r.Type, old.Inputs, nw.Inputs) {
				continue
			}
			if s := similarity(old.Inputs, nw.Inputs); s > bestScore {
				best, bestScore = ci, s
			}
		}
		if bestScore < 0 {
			deleted = append(deleted, r)
			continue
		}
		j := cands[best]
		candidates[k] = append(cands[:best:best], cands[best+1:]...)
		oldFor[j] = r
		oldToNew[r.URN] = head.Resources[j].URN
	}

	pairs := make([]pair, 0, len(head.Resources)+len(deleted))
	for j := range head.Resources {
		pairs = append(pairs, pair{old: oldFor[j], new: &head.Resources[j], aliased: aliased[j]})
	}
	for _, r := range deleted {
		pairs = append(pairs, pair{old: r})
	}
	return pairs, oldToNew
}

// identityInputs lists, per type, the inputs that say which thing a
// resource is, such as the ports of a security group rule. A renamed
// resource is paired with a new one only when these are equal: a rule for
// port 443 that disappears while one for port 80 appears is a deletion and a
// creation, not one rule renamed.
var identityInputs = map[string][]string{
	providers.SecurityGroupIngressRule: {"securityGroupId", "ipProtocol", "fromPort", "toPort"},
	providers.SecurityGroupEgressRule:  {"securityGroupId", "ipProtocol", "fromPort", "toPort"},
	providers.SecurityGroupRule:        {"securityGroupId", "type", "protocol", "fromPort", "toPort"},
	providers.Listener:                 {"port"},
}

// usersOf returns, per URN of p, the logical names of the resources whose
// inputs come from it, sorted.
func usersOf(p *plan.Plan) map[string][]string {
	out := map[string][]string{}
	for _, r := range p.Resources {
		for _, deps := range r.InputDependencies {
			for _, d := range deps {
				out[d] = appendNew(out[d], r.Name)
			}
		}
	}
	for _, names := range out {
		sort.Strings(names)
	}
	return out
}

// aliasesOf returns the old URNs the engine looks r up by after its own:
// its aliases, then, when its parent matched its old state through an
// alias (aliasOf), the aliases it inherits from that one.
func aliasesOf(p *plan.Plan, r plan.Resource, aliasOf map[string]string) []string {
	out := slices.Clone(r.Options.Aliases)
	parentAlias, ok := aliasOf[r.Parent]
	if !ok {
		return out
	}
	parentName := nameOf(r.Parent)
	out = append(out, providers.InheritedAlias(p.Stack, p.Project, r.Type, r.Name, parentName, parentAlias))
	for _, a := range r.Options.Aliases {
		u := resource.URN(a)
		out = append(out, providers.InheritedAlias(p.Stack, p.Project, string(u.Type()), u.Name(), parentName, parentAlias))
	}
	return out
}

// sameIdentity reports whether two resources of type typ agree on its
// identity inputs; a missing input agrees only with a missing one. Unknown
// values agree when they come from the same (matched) resources.
func sameIdentity(typ string, a, b map[string]any) bool {
	for _, k := range identityInputs[typ] {
		v, okA := a[k]
		w, okB := b[k]
		if okA != okB || (okA && !equal(v, w)) {
			return false
		}
	}
	return true
}

// similarity counts the top-level inputs two resources share.
func similarity(a, b map[string]any) int {
	n := 0
	for k, v := range a {
		if w, ok := b[k]; ok && equal(v, w) {
			n++
		}
	}
	return n
}

// unknownFrom is an unknown value of a plan with the resources it comes
// from (the input's dependencies): two unknowns are equal only when they
// come from the same resources, as head URNs, and neither is renewed (its
// source is created or replaced, so its value is new).
type unknownFrom struct {
	// urns are the sources' head URNs, sorted and comma-joined.
	urns string
	// names are the sources' logical names in their own plan, for people.
	names string
	// renewed says a source is created or replaced.
	renewed bool
}

// annotated returns a copy of r whose unknown inputs are unknownFrom
// values, their sources mapped to head URNs by mapURN: the resource an
// unknown part names (plan.Unknown.From), else the resources the input
// depends on. changed (nil for the base plan) holds the operation on each
// changed head resource.
func annotated(r *plan.Resource, mapURN func(string) string, changed map[string]Op) *plan.Resource {
	c := *r
	c.Inputs = make(map[string]any, len(r.Inputs))
	from := func(urns []string, newOnUpdate bool) unknownFrom {
		u := unknownFrom{urns: strings.Join(mapAll(urns, mapURN), ",")}
		names := make([]string, len(urns))
		for i, d := range urns {
			names[i] = nameOf(d)
			switch changed[d] {
			case Create, Replace:
				u.renewed = true
			case Update:
				u.renewed = u.renewed || newOnUpdate
			}
		}
		u.names = strings.Join(names, ", ")
		return u
	}
	for k, v := range r.Inputs {
		c.Inputs[k] = withSources(v, from(r.InputDependencies[k], false), from)
	}
	return &c
}

// withSources returns v with its unknowns as unknownFrom values: from of
// the resource an unknown names, else input (the input's sources).
func withSources(v any, input unknownFrom, from func([]string, bool) unknownFrom) any {
	switch v := v.(type) {
	case plan.Unknown:
		switch v.From {
		case "":
			return input
		case plan.FromConfig:
			return unknownFrom{urns: plan.FromConfig, names: plan.FromConfig}
		}
		return from([]string{v.From}, v.NewOnUpdate)
	case plan.Partial:
		out := make(plan.Partial, len(v))
		for i, e := range v {
			out[i] = withSources(e, input, from)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = withSources(e, input, from)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = withSources(e, input, from)
		}
		return out
	}
	return v
}

// planValue turns unknownFrom values back into plan.Unknown, for the JSON
// form.
func planValue(v any) any {
	switch v := v.(type) {
	case unknownFrom:
		if v.urns != "" && !strings.Contains(v.urns, ",") {
			return plan.Unknown{From: v.urns}
		}
		return plan.Unknown{}
	case plan.Partial:
		out := make(plan.Partial, len(v))
		for i, e := range v {
			out[i] = planValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = planValue(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = planValue(e)
		}
		return out
	}
	return v
}
