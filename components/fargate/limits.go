package fargate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/berth-dev/berth/spec"
)

// AWS limits this package checks before anything is created, as pure
// functions.
//
// Sources: berth's aws.md design notes ("Limits to validate before anything
// is created"); Amazon ECS Developer Guide, "Task CPU and memory"
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size)
// and "Container definition parameters" (stopTimeout, ephemeral storage);
// Elastic Load Balancing User Guide, "Health checks for your target groups"
// and "Target group attributes"; CloudWatch Logs API, PutRetentionPolicy.

// memoryStep is one row of the Fargate size table: with cpu units, memory
// from min to max MiB in steps of step, or exactly the values in list.
type memoryStep struct {
	cpu            int
	min, max, step int
	list           []int
}

// fargateSizes is the Fargate task size table (aws.md). The 8192 and 16384
// rows need platform version 1.4.0, which both allowed PlatformVersion
// values give.
var fargateSizes = []memoryStep{
	{cpu: 256, list: []int{512, 1024, 2048}},
	{cpu: 512, min: 1024, max: 4096, step: 1024},
	{cpu: 1024, min: 2048, max: 8192, step: 1024},
	{cpu: 2048, min: 4096, max: 16384, step: 1024},
	{cpu: 4096, min: 8192, max: 30720, step: 1024},
	{cpu: 8192, min: 16384, max: 61440, step: 4096},
	{cpu: 16384, min: 32768, max: 122880, step: 8192},
}

// fargateVCPUs lists the sizes Fargate offers in vCPU, for messages.
func fargateVCPUs() string {
	out := make([]string, len(fargateSizes))
	for i, s := range fargateSizes {
		out[i] = spec.FormatCPU(float64(s.cpu) / 1024)
	}
	return strings.Join(out, ", ")
}

// sizeFor returns the table row of cpu units.
func sizeFor(cpu int) (memoryStep, bool) {
	for _, s := range fargateSizes {
		if s.cpu == cpu {
			return s, true
		}
	}
	return memoryStep{}, false
}

// allowed renders the memory values of a row as quantities: "512Mi, 1Gi,
// 2Gi" or "2Gi to 8Gi in steps of 1Gi".
func (s memoryStep) allowed() string {
	if s.list != nil {
		parts := make([]string, len(s.list))
		for i, v := range s.list {
			parts[i] = spec.FormatMiB(v)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%s to %s in steps of %s", spec.FormatMiB(s.min), spec.FormatMiB(s.max), spec.FormatMiB(s.step))
}

// offers reports whether the row allows mib of memory.
func (s memoryStep) offers(mib int) bool {
	if s.list != nil {
		return slices.Contains(s.list, mib)
	}
	return mib >= s.min && mib <= s.max && (mib-s.min)%s.step == 0
}

// cpuProblem checks a task size in vCPU.
func cpuProblem(vcpu float64) string {
	units := vcpu * 1024
	if _, ok := sizeFor(int(units)); !ok || units != float64(int(units)) {
		return fmt.Sprintf("%s vCPU is not a Fargate task size (allowed: %s)", spec.FormatCPU(vcpu), fargateVCPUs())
	}
	return ""
}

// memoryProblem checks memory MiB against valid cpu units; "" when Fargate
// offers the pair. The message speaks vCPU and quantities.
func memoryProblem(cpu, mib int) string {
	s, ok := sizeFor(cpu)
	if !ok || s.offers(mib) {
		return ""
	}
	vcpu := spec.FormatCPU(float64(cpu) / 1024)
	return fmt.Sprintf("%s is not offered with cpu %s on Fargate (allowed with cpu %s: %s)", spec.FormatMiB(mib), vcpu, vcpu, s.allowed())
}

// logRetentionDays are the retention periods CloudWatch Logs accepts. Zero,
// "never expire", is left out on purpose: berth keeps logs for a finite time.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// retentionProblem checks a log retention in days.
func retentionProblem(days int) string {
	for _, d := range logRetentionDays {
		if d == days {
			return ""
		}
	}
	return fmt.Sprintf("%d days is not a CloudWatch Logs retention (allowed: %s)", days, joinInts(logRetentionDays))
}

// Target group and load balancer limits.
const (
	// minInterval and maxInterval bound the health check interval, seconds.
	minInterval, maxInterval = 5, 300
	// minTimeout and maxTimeout bound the health check timeout, seconds.
	minTimeout, maxTimeout = 2, 120
	// minThreshold and maxThreshold bound both health check thresholds.
	minThreshold, maxThreshold = 2, 10
	// maxDeregistrationDelay is the target group's longest drain, seconds.
	maxDeregistrationDelay = 3600
	// minIdleTimeout and maxIdleTimeout bound the ALB idle timeout, seconds.
	minIdleTimeout, maxIdleTimeout = 1, 4000
	// maxStopTimeout is the longest stopTimeout Fargate allows, seconds.
	maxStopTimeout = 120
	// minEphemeralGiB and maxEphemeralGiB bound Fargate ephemeral storage;
	// 20 GiB is what every task gets without asking.
	minEphemeralGiB, maxEphemeralGiB = 21, 200
	// maxLBName is the name limit of load balancers and target groups.
	maxLBName = 32
	// maxSecretName is the Secrets Manager name limit.
	maxSecretName = 512
	// maxGracePeriod is ECS's limit of the health check grace period.
	maxGracePeriod = 2147483647
)

// matcherProblem checks a target group success code matcher: codes from 200
// to 499 as "200", "200,204" or "200-299".
func matcherProblem(m string) string {
	const allowed = `allowed: HTTP codes from 200 to 499 as "200", "200,204" or "200-299"`
	if m == "" {
		return fmt.Sprintf("must not be empty (%s)", allowed)
	}
	for _, part := range strings.Split(m, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		a, errA := strconv.Atoi(lo)
		b, errB := strconv.Atoi(hi)
		if errA != nil || errB != nil || a < 200 || b > 499 || a > b {
			return fmt.Sprintf("%q is not a success code matcher (%s)", m, allowed)
		}
	}
	return ""
}

// lbNameProblem checks an ALB or target group name: at most 32 letters,
// digits and hyphens, no hyphen at either end; an ALB name must not begin
// with "internal-".
func lbNameProblem(name string, isLoadBalancer bool) string {
	const allowed = "allowed: 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen"
	if name == "" || len(name) > maxLBName {
		return fmt.Sprintf("%q is %d characters long (%s)", name, len(name), allowed)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Sprintf("%q has the character %q (%s)", name, r, allowed)
		}
	}
	if strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") {
		return fmt.Sprintf("%q starts or ends with a hyphen (%s)", name, allowed)
	}
	if isLoadBalancer && strings.HasPrefix(strings.ToLower(name), "internal-") {
		return fmt.Sprintf("%q begins with \"internal-\", which AWS reserves for internal load balancers' DNS names (%s)", name, allowed)
	}
	return ""
}

// joinInts renders ints comma separated.
func joinInts(v []int) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}
