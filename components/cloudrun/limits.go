package cloudrun

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// Cloud Run's CPU and memory rules, as pure functions.
//
// Sources: berth's gcp.md design notes ("Limits to validate before anything is
// created") and the Cloud Run documentation pages "Configure CPU limits"
// (https://cloud.google.com/run/docs/configuring/services/cpu) and "Configure
// memory limits"
// (https://cloud.google.com/run/docs/configuring/services/memory-limits).

const (
	// minFractionalCPU is the smallest CPU Cloud Run offers, 0.08, in
	// millicores; fractional CPUs go up in steps of 0.001 below 1.
	minFractionalCPU = 80
	// maxMemoryMiB is the most memory any Cloud Run instance can have, 32Gi.
	maxMemoryMiB = 32 * 1024
	// minMemoryGen1MiB and minMemoryGen2MiB are the smallest memory limits
	// of the two execution environments.
	minMemoryGen1MiB = 128
	minMemoryGen2MiB = 512
)

// wholeCPUs are the CPU counts of 1 and above that Cloud Run offers.
var wholeCPUs = []int{1, 2, 4, 6, 8}

// cpuProblem checks a CPU size in millicores against the ones Cloud Run
// offers: 0.08 up to below 1 in steps of 0.001, or 1, 2, 4, 6 or 8.
func cpuProblem(millis int) string {
	cpu := formatCPU(millis)
	if millis < minFractionalCPU {
		return fmt.Sprintf("%s vCPU is below Cloud Run's minimum of 0.08 (allowed: 0.08 to 0.999, or %s)", cpu, validate.OneOf(wholeCPUs...))
	}
	if millis < 1000 || slices.Contains(wholeCPUs, millis/1000) && millis%1000 == 0 {
		return ""
	}
	return fmt.Sprintf("%s vCPU is not a Cloud Run CPU size (allowed: 0.08 to 0.999, or %s)", cpu, validate.OneOf(wholeCPUs...))
}

// formatCPU renders millicores the way Cloud Run's documentation writes CPU
// limits: "1", "2", "0.5", "0.08".
func formatCPU(millis int) string {
	if millis%1000 == 0 {
		return strconv.Itoa(millis / 1000)
	}
	frac := strings.TrimRight(fmt.Sprintf("%03d", millis%1000), "0")
	return fmt.Sprintf("%d.%s", millis/1000, frac)
}

// memoryRange returns the smallest and largest memory, in MiB, that Cloud
// Run offers with cpu millicores (before the execution environment's own
// minimum):
//
//	cpu          memory
//	< 0.5        up to 512Mi
//	0.5 - < 1    up to 1Gi
//	1            up to 4Gi
//	2            up to 8Gi
//	4            2Gi - 16Gi
//	6            4Gi - 24Gi
//	8            4Gi - 32Gi
func memoryRange(cpuMillis int) (lo, hi int) {
	switch {
	case cpuMillis < 500:
		return 0, 512
	case cpuMillis < 1000:
		return 0, 1024
	case cpuMillis == 1000:
		return 0, 4 * 1024
	case cpuMillis == 2000:
		return 0, 8 * 1024
	case cpuMillis == 4000:
		return 2 * 1024, 16 * 1024
	case cpuMillis == 6000:
		return 4 * 1024, 24 * 1024
	default:
		return 4 * 1024, maxMemoryMiB
	}
}

// minCPUForMemory returns the smallest CPU, in millicores, that Cloud Run
// allows with mib of memory: more than 512Mi needs 0.5, more than 1Gi needs
// 1, more than 4Gi needs 2, more than 8Gi 4, more than 16Gi 6, more than
// 24Gi 8.
func minCPUForMemory(mib int) int {
	switch {
	case mib > 24*1024:
		return 8000
	case mib > 16*1024:
		return 6000
	case mib > 8*1024:
		return 4000
	case mib > 4*1024:
		return 2000
	case mib > 1024:
		return 1000
	case mib > 512:
		return 500
	default:
		return minFractionalCPU
	}
}

// memoryProblem checks a valid CPU and memory pair for execution
// environment gen and returns what is wrong, or "" when Cloud Run offers the
// combination. The message names the allowed memory range.
func memoryProblem(cpuMillis, mib int, gen ExecutionEnvironment) string {
	lo, hi := memoryRange(cpuMillis)
	envMin := minMemoryGen2MiB
	if gen == Gen1 {
		envMin = minMemoryGen1MiB
	}
	if lo < envMin {
		lo = envMin
	}
	cpu := formatCPU(cpuMillis)
	switch {
	case mib > maxMemoryMiB:
		return fmt.Sprintf("%s is above the Cloud Run maximum (allowed: %s to 32Gi with cpu %s)", spec.FormatMiB(mib), spec.FormatMiB(lo), cpu)
	case mib < envMin:
		return fmt.Sprintf("%s is below the %s minimum of %s (allowed: %s to %s with cpu %s)", spec.FormatMiB(mib), gen, spec.FormatMiB(envMin), spec.FormatMiB(lo), spec.FormatMiB(hi), cpu)
	case mib > hi:
		return fmt.Sprintf("%s needs at least cpu %s (allowed with cpu %s: %s to %s)", spec.FormatMiB(mib), formatCPU(minCPUForMemory(mib)), cpu, spec.FormatMiB(lo), spec.FormatMiB(hi))
	case mib < lo:
		return fmt.Sprintf("%s is below the minimum for cpu %s (allowed: %s to %s)", spec.FormatMiB(mib), cpu, spec.FormatMiB(lo), spec.FormatMiB(hi))
	}
	return ""
}
