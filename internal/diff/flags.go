package diff

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/plan"
)

// A rule finds the flags of one kind in a change and returns their
// reasons. Each kind's rule lives in its own file (flag_KIND.go).
type rule func(c *change) []string

// rules maps each kind a change can raise to its rule, in the order
// results list the kinds (the cost flag is the stack's: see AddCost).
var rules = []struct {
	kind Kind
	find rule
}{
	{KindReplace, replaceFindings},
	{KindDelete, deleteFindings},
	{KindIAM, iamRule},
	{KindExposure, exposureRule},
	{KindSecret, secretRule},
	{KindCapacity, capacityRule},
	{KindRollout, rolloutFindings},
	{KindDowntime, downtimeFindings},
}

// change is what the rules read of one change.
type change struct {
	*Change
	// old is nil for a created resource, new for a deleted one.
	old, new *plan.Resource
	// oldIn and newIn are their inputs: newIn as the engine sends them to
	// the provider, with what ignoreChanges covers kept from oldIn. nil
	// for a side that does not exist.
	oldIn, newIn map[string]any
	// head describes the head plan's load balancers, for listener rules.
	head *lbIndex
	// users are the head plan's resources whose inputs come from this
	// one (a listener of its target group), by logical name, sorted.
	users []string
	// production says the stack is a production one (see production).
	production bool
}

// flags returns the risk flags of one change. old is nil for a created
// resource, new for a deleted one; component says whether the resource is a
// component, which has no cloud resource of its own, so it raises none.
func flags(c *change, component bool) []Flag {
	if component {
		return nil
	}
	if c.old != nil {
		c.oldIn = c.old.Inputs
	}
	if c.new != nil {
		c.newIn = effectiveInputs(c.oldIn, c.new.Inputs, c.new.Options.IgnoreChanges)
	}
	var out []Flag
	for _, r := range rules {
		for _, reason := range r.find(c) {
			out = append(out, Flag{Kind: r.kind, URN: c.URN, Reason: reason})
		}
	}
	return out
}

// iamRule raises iam for the permissions a created, updated or replaced
// resource widens.
func iamRule(c *change) []string {
	if c.Op == Delete {
		return nil
	}
	return iamFindings(c.Type, c.oldIn, c.newIn)
}

// exposureRule raises exposure for widened network exposure, and for a
// deleted HTTPS listener or redirect.
func exposureRule(c *change) []string {
	if c.Op == Delete {
		return exposureFindings(c.Type, c.oldIn, nil, c.head)
	}
	return exposureFindings(c.Type, c.oldIn, c.newIn, c.head)
}

// secretRule raises secret for secret references added, removed or
// re-pointed.
func secretRule(c *change) []string {
	if c.Op == Delete {
		return nil
	}
	return secretFindings(c.Type, c.oldIn, c.newIn)
}

// capacityRule raises capacity for a changed size of an existing resource.
func capacityRule(c *change) []string {
	if c.old == nil || c.Op == Delete {
		return nil
	}
	return capacityFindings(c.Type, c.newIn, applied(c.Values))
}

// --- text helpers the rules share ---

// added returns the elements of b not in a, sorted and unique.
func added(a, b []string) []string {
	in := make(map[string]bool, len(a))
	for _, s := range a {
		in[s] = true
	}
	var out []string
	for _, s := range b {
		if !in[s] {
			in[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// appendNew appends s to list unless list holds it.
func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// sorted returns list sorted, in place.
func sorted(list []string) []string {
	sort.Strings(list)
	return list
}

// sortedFold returns list sorted case-insensitively, in place, with case
// duplicates removed: IAM action names are case-insensitive.
func sortedFold(list []string) []string {
	sort.Slice(list, func(i, j int) bool { return strings.ToLower(list[i]) < strings.ToLower(list[j]) })
	return slices.CompactFunc(list, strings.EqualFold)
}

// quoteList quotes up to six items and counts the rest.
func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return capList(q)
}

// capList joins up to six items and counts the rest, to keep a reason on
// one readable line.
func capList(items []string) string {
	const shown = 6
	if len(items) > shown {
		return strings.Join(items[:shown], ", ") + fmt.Sprintf(", and %d more", len(items)-shown)
	}
	return strings.Join(items, ", ")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
