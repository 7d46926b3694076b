package cost

import (
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/providers"

	"github.com/berth-dev/berth/internal/plan"
)

// fargateService prices the tasks of an ECS service on Fargate: vCPU-hours
// and GB-hours of its task definition, by architecture and region, for the
// minimum and the maximum task count all month. Fargate bills per second
// from image pull to task stop (https://aws.amazon.com/fargate/pricing/), so
// tasks that run all month bill HoursPerMonth hours each.
//
// The task count comes from the service's Application Auto Scaling target
// (minCapacity, maxCapacity), or from desiredCount when it has none.
// Ephemeral storage above the free 20 GB is not priced; berth's task
// definitions request none.
func (e *estimator) fargateService(r *plan.Resource) {
	if lt, _ := str(r.Inputs, "launchType"); lt != "FARGATE" {
		e.extra = append(e.extra, fmt.Sprintf("the EC2 or external capacity of ECS service %s (launch type %q), which berth does not price", r.Name, lt))
		return
	}
	cpuLine := line(r, "Fargate vCPU")
	memLine := line(r, "Fargate memory")
	td := e.dependency(r, providers.ECSTaskDefinition)
	if td == nil {
		td = e.familyTaskDefinition(r)
	}
	if td == nil {
		e.unpriced(cpuLine, "vCPU-hour", "the service's task definition is not in the plan")
		e.unpriced(memLine, "GB-hour", "the service's task definition is not in the plan")
		return
	}
	arch, ok := str(td.Inputs, "runtimePlatform", "cpuArchitecture")
	if !ok {
		arch = "X86_64" // ECS's default when runtimePlatform is unset
	}
	region := e.awsRegion(r)
	cpuLine.Item = fmt.Sprintf("Fargate vCPU (%s, %s)", arch, region)
	memLine.Item = fmt.Sprintf("Fargate memory (%s, %s)", arch, region)

	// Task-level cpu is in CPU units (1,024 per vCPU) and memory in MiB,
	// which Fargate bills as GB (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html).
	cpuUnits, okCPU := number(td.Inputs, "cpu")
	memMiB, okMem := number(td.Inputs, "memory")
	lo, hi, okCount := e.taskCount(r)
	if !okCount {
		e.unpriced(cpuLine, "vCPU-hour", "the task count is not known in the plan")
		e.unpriced(memLine, "GB-hour", "the task count is not known in the plan")
		return
	}
	tasks := countRange(lo, hi, "task", "tasks")
	if !okCPU {
		e.unpriced(cpuLine, "vCPU-hour", "the task definition's cpu is not known in the plan")
	} else {
		vcpu := cpuUnits / 1024
		cpuLine.Quantity = fmt.Sprintf("%s x %s vCPU x %d h", tasks, plain(vcpu), HoursPerMonth)
		e.lookup(cpuLine, fargateVCPUHour[arch], region, "vCPU-hour", lo*vcpu*HoursPerMonth, hi*vcpu*HoursPerMonth)
	}
	if !okMem {
		e.unpriced(memLine, "GB-hour", "the task definition's memory is not known in the plan")
	} else {
		gb := memMiB / 1024
		memLine.Quantity = fmt.Sprintf("%s x %s GB x %d h", tasks, plain(gb), HoursPerMonth)
		e.lookup(memLine, fargateGBHour[arch], region, "GB-hour", lo*gb*HoursPerMonth, hi*gb*HoursPerMonth)
	}
}

// familyTaskDefinition returns the task definition in the plan of the
// family the service's taskDefinition ARN names
// ("arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION"), nil for
// none. A Fargate canary's stable lane runs a revision pinned by ARN
// (components/fargate, service.rollout.canary.stable), registered by an
// earlier deployment of the family this plan registers: it is priced at
// this registration's size, which is its size unless the releases between
// changed service.cpu or service.memory.
func (e *estimator) familyTaskDefinition(svc *plan.Resource) *plan.Resource {
	arn, ok := str(svc.Inputs, "taskDefinition")
	_, rest, found := strings.Cut(arn, ":task-definition/")
	if !ok || !found {
		return nil
	}
	family := rest
	if i := strings.LastIndex(rest, ":"); i >= 0 {
		family = rest[:i]
	}
	for i := range e.plan.Resources {
		td := &e.plan.Resources[i]
		if f, _ := str(td.Inputs, "family"); td.Type == providers.ECSTaskDefinition && f == family {
			return td
		}
	}
	return nil
}

// taskCount returns the minimum and maximum task count of an ECS service.
func (e *estimator) taskCount(svc *plan.Resource) (lo, hi float64, ok bool) {
	for _, t := range e.dependents(svc, providers.ScalingTarget) {
		if dim, _ := str(t.Inputs, "scalableDimension"); dim != "ecs:service:DesiredCount" {
			continue
		}
		lo, okLo := number(t.Inputs, "minCapacity")
		hi, okHi := number(t.Inputs, "maxCapacity")
		return lo, hi, okLo && okHi
	}
	n, ok := number(svc.Inputs, "desiredCount")
	return n, n, ok
}

// countRange renders "2-10 tasks", or "2 tasks" when lo equals hi.
func countRange(lo, hi float64, one, many string) string {
	unit := many
	if hi == 1 {
		unit = one
	}
	if lo == hi {
		return plain(lo) + " " + unit
	}
	return plain(lo) + "-" + plain(hi) + " " + unit
}
