package planengine

import (
	"container/heap"
	"sort"

	"github.com/berth-dev/berth/internal/monitor"
)

// order returns the records in the plan's order: every resource after its
// parent, its explicit provider and the resources it depends on, and among
// those free to go next the smallest URN first.
//
// The order of the RegisterResource calls cannot serve: the Go SDK makes
// each one from its own goroutine once the resource's inputs resolve, so
// it changes from run to run. Parents, dependencies and URNs do not. The
// result is the order in which the engine could create the resources, and
// parents precede their children, as the text plan's tree needs.
func order(records map[string]*monitor.Resource, stackURN string) []*monitor.Resource {
	indegree := make(map[string]int, len(records))
	next := map[string][]string{}
	for urn, r := range records {
		indegree[urn] += 0
		edges := append([]string{r.Parent, r.Provider}, r.Dependencies...)
		seen := map[string]bool{}
		for _, from := range edges {
			if from == "" || from == stackURN || from == urn || seen[from] {
				continue
			}
			if _, ok := records[from]; !ok {
				continue
			}
			seen[from] = true
			next[from] = append(next[from], urn)
			indegree[urn]++
		}
	}
	ready := &urnHeap{}
	for urn, n := range indegree {
		if n == 0 {
			heap.Push(ready, urn)
		}
	}
	out := make([]*monitor.Resource, 0, len(records))
	for ready.Len() > 0 {
		urn := heap.Pop(ready).(string)
		out = append(out, records[urn])
		for _, n := range next[urn] {
			if indegree[n]--; indegree[n] == 0 {
				heap.Push(ready, n)
			}
		}
	}
	if len(out) < len(records) {
		// A cycle, which the SDK cannot register: keep the rest by URN.
		var rest []string
		for urn, n := range indegree {
			if n > 0 {
				rest = append(rest, urn)
			}
		}
		sort.Strings(rest)
		for _, urn := range rest {
			out = append(out, records[urn])
		}
	}
	return out
}

type urnHeap []string

func (h urnHeap) Len() int           { return len(h) }
func (h urnHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h urnHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *urnHeap) Push(x any)        { *h = append(*h, x.(string)) }
func (h *urnHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
