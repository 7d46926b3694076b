package diff

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/berth-dev/berth/internal/providers"
)

// capacityPath is an input path whose change is a capacity change; `[*]`
// matches any list element.
type capacityPath struct {
	pattern, label string
	re             *regexp.Regexp
}

// capacityPaths lists, per type, the inputs that size a service.
var capacityPaths = compileCapacity(map[string][]capacityPath{
	providers.CloudRunService: {
		{pattern: "template.scaling.minInstanceCount", label: "min instances"},
		{pattern: "template.scaling.maxInstanceCount", label: "max instances"},
		{pattern: "scaling.minInstanceCount", label: "service min instances"},
		{pattern: "template.containers[*].resources.limits.cpu", label: "CPU"},
		{pattern: "template.containers[*].resources.limits.memory", label: "memory"},
		{pattern: "template.maxInstanceRequestConcurrency", label: "concurrency"},
	},
	providers.VPCAccessConnector: {
		{pattern: "minInstances", label: "connector min instances"},
		{pattern: "maxInstances", label: "connector max instances"},
		{pattern: "machineType", label: "connector machine type"},
	},
	providers.ECSTaskDefinition: {
		{pattern: "cpu", label: "task CPU units"},
		{pattern: "memory", label: "task memory (MiB)"},
		{pattern: "containerDefinitions[*].cpu", label: "container CPU units"},
		{pattern: "containerDefinitions[*].memory", label: "container memory (MiB)"},
		{pattern: "containerDefinitions[*].memoryReservation", label: "container memory reservation (MiB)"},
	},
	providers.ECSService: {
		{pattern: "desiredCount", label: "desired task count"},
	},
	providers.ScalingTarget: {
		{pattern: "minCapacity", label: "min capacity"},
		{pattern: "maxCapacity", label: "max capacity"},
	},
	// A target tracking policy scales out when its metric passes the target:
	// a lower target (requests per task, CPU percent) runs more tasks.
	providers.ScalingPolicy: {
		{pattern: "targetTrackingScalingPolicyConfiguration.targetValue", label: "scaling target"},
	},
})

func compileCapacity(m map[string][]capacityPath) map[string][]capacityPath {
	for _, ps := range m {
		for i := range ps {
			q := regexp.QuoteMeta(ps[i].pattern)
			q = strings.ReplaceAll(q, `\[\*\]`, `\[[^\]]*\]`)
			ps[i].re = regexp.MustCompile("^" + q + "$")
		}
	}
	return m
}

// capacityFindings lists the capacity changes among the changed values of
// a resource whose new inputs are in.
func capacityFindings(typ string, in map[string]any, values []Value) []string {
	var out []string
	for _, v := range values {
		for _, p := range capacityPaths[typ] {
			if p.re.MatchString(v.Path) {
				label := p.label
				if m := scalingMetric(typ, in); m != "" {
					label += " (" + m + ")"
				}
				out = append(out, fmt.Sprintf("%s %s -> %s (%s)", label, render(v.Old, v.HasOld), render(v.New, v.HasNew), v.Path))
			}
		}
	}
	return out
}

// scalingMetric names the metric of an autoscaling policy's target
// tracking, such as ALBRequestCountPerTarget, or "" for other resources.
func scalingMetric(typ string, in map[string]any) string {
	if typ != providers.ScalingPolicy {
		return ""
	}
	cfg := valueMap(in, "targetTrackingScalingPolicyConfiguration")
	if m := str(cfg, "predefinedMetricSpecification", "predefinedMetricType"); m != "" {
		return m
	}
	if m := str(cfg, "customizedMetricSpecification", "metricName"); m != "" {
		return m
	}
	return ""
}
