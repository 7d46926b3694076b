package diff

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/berth-dev/berth/internal/cost"
	"github.com/berth-dev/berth/internal/plan"
)

// Op is what happens to a resource.
type Op string

// The operations, in the order summaries list them.
const (
	// Create is a resource only in the head plan.
	Create Op = "create"
	// Update is a resource in both plans whose inputs change in place.
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
	// Op is what happens to it.
	Op Op `json:"op"`
	// Paths lists the changed input paths, sorted: every input of a created
	// resource, none of a deleted one. Never nil.
	Paths []string `json:"paths"`
	// OldURN is the base plan's URN of a resource whose logical name
	// changed; empty otherwise.
	OldURN string `json:"oldUrn,omitempty"`

	// Name is the logical name (the new one when it changed).
	Name string `json:"-"`
	// Component is the URN of the parent resource, empty for children of
	// the stack; changes are grouped by it.
	Component string `json:"-"`
	// Values holds the old and new value of each path in Paths.
	Values []Value `json:"-"`
	// Because says why a replaced resource is replaced, one entry per
	// cause, such as `accountId` or `logical name`.
	Because []string `json:"-"`
}

// Value is the old and new value of one changed input path. Secrets are
// plan.SecretMarker.
type Value struct {
	// Path is the input path, such as `template.scaling.maxInstanceCount`.
	Path string
	// Old is the base value; meaningful when HasOld.
	Old any
	// New is the head value; meaningful when HasNew.
	New any
	// HasOld and HasNew say whether the path exists in each plan.
	HasOld, HasNew bool
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
	// KindCost flags a monthly cost estimate that rises by more than the
	// threshold (see AddCost).
	KindCost Kind = "cost"
)

var kindRank = map[Kind]int{KindReplace: 0, KindDelete: 1, KindIAM: 2, KindExposure: 3, KindSecret: 4, KindCapacity: 5, KindCost: 6}

// Flag is a change that deserves a careful look.
type Flag struct {
	// Kind is the kind of risk.
	Kind Kind `json:"kind"`
	// URN is the resource the flag is about.
	URN string `json:"urn"`
	// Reason is one line that says what changed, without secret values.
	Reason string `json:"reason"`
}

// Result is the difference between two plans of one stack.
type Result struct {
	// Project and Stack name the plans' project and stack.
	Project string `json:"-"`
	Stack   string `json:"-"`
	// Changes lists the resources that differ, sorted by component, then
	// URN. Never nil.
	Changes []Change `json:"changes"`
	// Flags lists the risk flags, sorted by kind, URN and reason. Never
	// nil.
	Flags []Flag `json:"flags"`
	// Cost is the change in the monthly cost estimate; nil when neither
	// plan carries one.
	Cost *cost.Delta `json:"cost,omitempty"`

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
func Compare(base, head *plan.Plan) (*Result, error) {
	if base == nil || head == nil {
		return nil, errors.New("comparing plans: nil plan")
	}
	if base.Project != head.Project || base.Stack != head.Stack {
		return nil, fmt.Errorf("%w: base is %s/%s, head is %s/%s", ErrDifferentStacks, base.Project, base.Stack, head.Project, head.Stack)
	}
	r := &Result{Project: head.Project, Stack: head.Stack, Changes: []Change{}, Flags: []Flag{}, names: map[string]string{}}
	baseComp := components(base)
	headComp := components(head)
	for _, res := range base.Resources {
		r.names[res.URN] = res.Type + " " + res.Name
	}
	for _, res := range head.Resources {
		r.names[res.URN] = res.Type + " " + res.Name
	}

	lbs := newLBIndex(head)
	for _, p := range match(base, head) {
		var c Change
		switch {
		case p.old == nil:
			c = Change{URN: p.new.URN, Type: p.new.Type, Op: Create, Name: p.new.Name, Component: p.new.Parent}
			c.Values = compareValues(nil, p.new.Inputs, false, true)
		case p.new == nil:
			c = Change{URN: p.old.URN, Type: p.old.Type, Op: Delete, Name: p.old.Name, Component: p.old.Parent}
		default:
			c = Change{URN: p.new.URN, Type: p.new.Type, Op: Update, Name: p.new.Name, Component: p.new.Parent}
			c.Values = compareValues(p.old.Inputs, p.new.Inputs, true, true)
			if p.old.URN != p.new.URN {
				c.OldURN = p.old.URN
				c.Because = append(c.Because, "logical name "+p.old.Name+" -> "+p.new.Name)
			}
			c.Because = append(c.Because, replaceCauses(c.Type, c.Values)...)
			if len(c.Because) > 0 {
				c.Op = Replace
			} else if len(c.Values) == 0 {
				continue
			}
		}
		c.Paths = make([]string, len(c.Values))
		for i, v := range c.Values {
			c.Paths[i] = v.Path
		}
		component := (p.old != nil && baseComp[p.old.URN]) || (p.new != nil && headComp[p.new.URN])
		r.Flags = append(r.Flags, flags(&c, p.old, p.new, component, lbs)...)
		r.Changes = append(r.Changes, c)
	}

	sort.SliceStable(r.Changes, func(i, j int) bool {
		a, b := r.Changes[i], r.Changes[j]
		if a.Component != b.Component {
			return a.Component < b.Component
		}
		return a.URN < b.URN
	})
	sort.SliceStable(r.Flags, func(i, j int) bool {
		a, b := r.Flags[i], r.Flags[j]
		if a.Kind != b.Kind {
			return kindRank[a.Kind] < kindRank[b.Kind]
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

// Counts returns how many resources each operation affects.
func (r *Result) Counts() map[Op]int {
	n := map[Op]int{}
	for _, c := range r.Changes {
		n[c.Op]++
	}
	return n
}

// components returns the URNs of a plan's component resources: those that
// parent another resource, and berth's own types.
func components(p *plan.Plan) map[string]bool {
	out := map[string]bool{}
	for _, r := range p.Resources {
		if r.Parent != "" {
			out[r.Parent] = true
		}
		if strings.HasPrefix(r.Type, "berth:") {
			out[r.URN] = true
		}
	}
	return out
}

// pair is one resource as the base and the head plan see it; old or new is
// nil when it exists in only one.
type pair struct{ old, new *plan.Resource }

// match pairs the resources of two plans: by URN first, then a deleted and
// a created resource of the same type under the same (matched) parent as one
// renamed resource. Pairs come in head order, then deletions in base order.
func match(base, head *plan.Plan) []pair {
	headByURN := make(map[string]int, len(head.Resources))
	for i, r := range head.Resources {
		headByURN[r.URN] = i
	}
	// oldToNew maps each base URN to its head URN, for parents.
	oldToNew := make(map[string]string, len(base.Resources))
	oldFor := make([]*plan.Resource, len(head.Resources))
	var unmatchedBase []int
	for i := range base.Resources {
		r := &base.Resources[i]
		if j, ok := headByURN[r.URN]; ok {
			oldFor[j] = r
			oldToNew[r.URN] = r.URN
		} else {
			unmatchedBase = append(unmatchedBase, i)
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
	// renamed maps the base logical name of each renamed resource to its
	// head name, so that a placeholder such as ${old-sg.id} in an identity
	// input matches ${new-sg.id}.
	renamed := map[string]string{}
	var deleted []*plan.Resource
	// Base order puts parents before children, so a parent's match is known
	// when its children look for theirs.
	for _, i := range unmatchedBase {
		r := &base.Resources[i]
		parent := r.Parent
		if np, ok := oldToNew[parent]; ok {
			parent = np
		}
		k := key{r.Type, parent}
		cands := candidates[k]
		if len(cands) == 0 {
			deleted = append(deleted, r)
			continue
		}
		best, bestScore := 0, -1
		for ci, j := range cands {
			if !sameIdentity(r.Type, r.Inputs, head.Resources[j].Inputs, renamed) {
				continue
			}
			if s := similarity(r.Inputs, head.Resources[j].Inputs); s > bestScore {
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
		renamed[r.Name] = head.Resources[j].Name
	}

	pairs := make([]pair, 0, len(head.Resources)+len(deleted))
	for j := range head.Resources {
		pairs = append(pairs, pair{old: oldFor[j], new: &head.Resources[j]})
	}
	for _, r := range deleted {
		pairs = append(pairs, pair{old: r})
	}
	return pairs
}

// identityInputs lists, per type, the inputs that say which thing a
// resource is, such as the ports of a security group rule. A renamed
// resource is paired with a new one only when these are equal: a rule for
// port 443 that disappears while one for port 80 appears is a deletion and a
// creation, not one rule renamed.
var identityInputs = map[string][]string{
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {"securityGroupId", "ipProtocol", "fromPort", "toPort"},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   {"securityGroupId", "ipProtocol", "fromPort", "toPort"},
	"aws:ec2/securityGroupRule:SecurityGroupRule":               {"securityGroupId", "type", "protocol", "fromPort", "toPort"},
	"aws:lb/listener:Listener":                                  {"port"},
}

// sameIdentity reports whether two resources of type typ agree on its
// identity inputs; a missing input agrees only with a missing one. renamed
// maps base logical names to head ones, for placeholders.
func sameIdentity(typ string, a, b map[string]any, renamed map[string]string) bool {
	for _, k := range identityInputs[typ] {
		v, okA := a[k]
		w, okB := b[k]
		if s, ok := v.(string); ok {
			v = renamePlaceholder(s, renamed)
		}
		if okA != okB || (okA && !equal(v, w)) {
			return false
		}
	}
	return true
}

// renamePlaceholder rewrites a placeholder `${NAME.prop}` of a renamed
// resource to its head name.
func renamePlaceholder(s string, renamed map[string]string) string {
	rest, ok := strings.CutPrefix(s, "${")
	if !ok {
		return s
	}
	i := strings.LastIndexByte(rest, '.')
	if i < 0 {
		return s
	}
	if n, ok := renamed[rest[:i]]; ok {
		return "${" + n + rest[i:]
	}
	return s
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
