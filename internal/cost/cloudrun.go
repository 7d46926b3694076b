package cost

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// cloudRunService prices a Cloud Run service by its billing mode
// (https://cloud.google.com/run/docs/configuring/billing-settings):
//
//   - request-based (resources.cpuIdle true, CPU only during requests):
//     vCPU-seconds and GiB-seconds while a request is in flight, minimum
//     instances' idle time at the idle rates, and each request;
//   - instance-based (cpuIdle false): vCPU-seconds and GiB-seconds of each
//     instance's whole life, and no request fee.
//
// Busy time is RequestsPerMonth x RequestDuration rounded up to Cloud Run's
// 100 ms billing step: requests are assumed not to overlap, which is the
// most a request-based service bills for them (overlapping requests share
// an instance's billed time). The minimum is the minimum instances plus
// that load; the maximum is every instance up to maxInstanceCount busy all
// month. The free tier is added up over the plan and shown apart.
func (e *estimator) cloudRunService(r *plan.Resource) {
	region := e.gcpRegion(r, "location")
	a := e.in.Assumptions

	minInst, ok := number(r.Inputs, "template", "scaling", "minInstanceCount")
	if !ok {
		minInst = 0 // Cloud Run's default: scale to zero
	}
	// Revision-level minimum instances start for every revision the
	// traffic names or tags, even at 0% (Cloud Run docs, "Set minimum
	// instances", revisions and minimum instances), and the template's
	// maximum bounds each revision ([TPGB] crv2:534-541): under a canary
	// the stable revision and the tagged latest one each have both.
	revisions := servingRevisions(r)
	minInst *= revisions
	maxInst, okMax := number(r.Inputs, "template", "scaling", "maxInstanceCount")
	maxInst *= revisions
	cpu, mem, cpuIdle, okRes := cloudRunResources(r)
	mode := "instance-based"
	if cpuIdle {
		mode = "request-based"
	}
	cpuLine := line(r, fmt.Sprintf("Cloud Run vCPU (%s, %s)", mode, region))
	memLine := line(r, fmt.Sprintf("Cloud Run memory (%s, %s)", mode, region))
	switch {
	case !okMax:
		e.unpriced(cpuLine, "vCPU-second", "the service's maxInstanceCount is not known in the plan")
		e.unpriced(memLine, "GiB-second", "the service's maxInstanceCount is not known in the plan")
		return
	case !okRes:
		e.unpriced(cpuLine, "vCPU-second", "the containers' cpu or memory limits are not known in the plan")
		e.unpriced(memLine, "GiB-second", "the containers' cpu or memory limits are not known in the plan")
		return
	}

	full := maxInst * secondsPerMonth // instance-seconds at the maximum
	billed := math.Ceil(a.RequestDuration.Seconds()*10-1e-9) / 10
	busy := min(float64(a.RequestsPerMonth)*billed, full)
	requests := float64(a.RequestsPerMonth)
	if cpuIdle {
		cpuLine.Quantity = fmt.Sprintf("%s vCPU x %s s busy (%s requests x %s s); at most %s x %d h", plain(cpu), plain(busy), plain(requests), plain(billed), countRange(maxInst, maxInst, "instance", "instances"), HoursPerMonth)
		memLine.Quantity = fmt.Sprintf("%s GiB x the same time", plain(mem))
		e.lookup(cpuLine, runRequestVCPUSecond, region, "vCPU-second", busy*cpu, full*cpu)
		e.lookup(memLine, runRequestGiBSecond, region, "GiB-second", busy*mem, full*mem)
		if idle := max(minInst*secondsPerMonth-busy, 0); idle > 0 {
			idleCPU := line(r, fmt.Sprintf("Cloud Run idle minimum instances vCPU (%s)", region))
			idleMem := line(r, fmt.Sprintf("Cloud Run idle minimum instances memory (%s)", region))
			idleCPU.Quantity = fmt.Sprintf("%s vCPU x %s idle s (%s x %d h less busy time%s)", plain(cpu), plain(idle), countRange(minInst, minInst, "instance", "instances"), HoursPerMonth, canaryNote(revisions))
			idleMem.Quantity = fmt.Sprintf("%s GiB x the same time", plain(mem))
			e.lookup(idleCPU, runIdleVCPUSecond, region, "vCPU-second", idle*cpu, 0)
			e.lookup(idleMem, runIdleGiBSecond, region, "GiB-second", idle*mem, 0)
		}
		reqLine := line(r, fmt.Sprintf("Cloud Run requests (%s)", region))
		reqLine.Quantity = plain(requests) + " requests"
		e.lookup(reqLine, runRequest, region, "request", requests, requests)
		e.runFree.reqCPU.add(busy*cpu, full*cpu)
		e.runFree.reqMem.add(busy*mem, full*mem)
		e.runFree.requests.add(requests, requests)
	} else {
		lo := max(minInst*secondsPerMonth, busy)
		inst := countRange(minInst, maxInst, "instance", "instances")
		cpuLine.Quantity = fmt.Sprintf("%s vCPU x %s to %s instance-seconds (%s x %d h, at least the busy time of %s requests x %s s%s)", plain(cpu), plain(lo), plain(full), inst, HoursPerMonth, plain(requests), plain(billed), canaryNote(revisions))
		memLine.Quantity = fmt.Sprintf("%s GiB x the same time", plain(mem))
		e.lookup(cpuLine, runInstanceVCPUSecond, region, "vCPU-second", lo*cpu, full*cpu)
		e.lookup(memLine, runInstanceGiBSecond, region, "GiB-second", lo*mem, full*mem)
		e.runFree.instCPU.add(lo*cpu, full*cpu)
		e.runFree.instMem.add(lo*mem, full*mem)
	}
	e.cloudRunSecrets(r)
}

// cloudRunResources sums the cpu (vCPU) and memory (GiB) limits of a
// service's containers and reads its billing mode. cpuIdle defaults to
// true, request-based billing, as the provider documents for
// resources.cpuIdle.
func cloudRunResources(r *plan.Resource) (cpu, mem float64, cpuIdle, ok bool) {
	containers, _ := list(r.Inputs, "template", "containers")
	if len(containers) == 0 {
		return 0, 0, true, false
	}
	cpuIdle = true
	for _, c := range containers {
		cm, _ := c.(map[string]any)
		cs, okC := str(cm, "resources", "limits", "cpu")
		ms, okM := str(cm, "resources", "limits", "memory")
		if !okC {
			cs = "1" // Cloud Run's default limit
		}
		if !okM {
			ms = "512Mi" // Cloud Run's default limit
		}
		c, okC := parseCPU(cs)
		m, okM := parseMemory(ms)
		if !okC || !okM {
			return 0, 0, true, false
		}
		cpu += c
		mem += m
		if idle, set := boolean(cm, "resources", "cpuIdle"); set && !idle {
			cpuIdle = false
		}
	}
	return cpu, mem, cpuIdle, true
}

// parseCPU reads a Kubernetes-style CPU quantity: "1", "0.5", "1000m".
func parseCPU(s string) (float64, bool) {
	if m, ok := strings.CutSuffix(s, "m"); ok {
		f, err := strconv.ParseFloat(m, 64)
		return f / 1000, err == nil && f > 0
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && f > 0
}

// parseMemory reads a memory quantity ("512Mi", "1Gi", "2G", "1024M") as
// GiB.
func parseMemory(s string) (float64, bool) {
	units := []struct {
		suffix string
		bytes  float64
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}}
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(n, 64)
			return f * u.bytes / (1 << 30), err == nil && f > 0
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f / (1 << 30), err == nil && f > 0
}

// gcpRegion returns a resource's region input (key), or the stack's
// gcp:region.
func (e *estimator) gcpRegion(r *plan.Resource, key string) string {
	if s, ok := str(r.Inputs, key); ok && s != "" {
		return s
	}
	return e.in.GCPRegion
}

// servingRevisions is how many revisions of a Cloud Run service keep their
// minimum instances: 2 under berth's canary (the stable revision by name
// and the latest ready one under a tag), else 1.
func servingRevisions(r *plan.Resource) float64 {
	list, _ := r.Inputs["traffics"].([]any)
	named, tagged := false, false
	for _, t := range list {
		m, _ := t.(map[string]any)
		if m["type"] == providers.CloudRunTrafficRevision {
			named = true
		}
		if _, ok := m["tag"]; ok && m["type"] == providers.CloudRunTrafficLatest {
			tagged = true
		}
	}
	if named && tagged {
		return 2
	}
	return 1
}

// canaryNote explains a doubled minimum in a quantity.
func canaryNote(revisions float64) string {
	if revisions > 1 {
		return "; the canary's stable and latest revisions each keep the minimum"
	}
	return ""
}
