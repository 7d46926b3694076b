package fargate

import (
	"strings"
	"testing"
)

// TestFargateSizeTable checks every row of aws.md's CPU and memory table at
// its edges and one step outside them.
func TestFargateSizeTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cpu, memory int
		ok          bool
	}{
		{256, 512, true}, {256, 1024, true}, {256, 2048, true}, {256, 1536, false}, {256, 3072, false}, {256, 256, false},
		{512, 1024, true}, {512, 2048, true}, {512, 4096, true}, {512, 512, false}, {512, 5120, false}, {512, 1536, false},
		{1024, 2048, true}, {1024, 8192, true}, {1024, 1024, false}, {1024, 9216, false},
		{2048, 4096, true}, {2048, 16384, true}, {2048, 3072, false}, {2048, 17408, false},
		{4096, 8192, true}, {4096, 30720, true}, {4096, 7168, false}, {4096, 31744, false},
		{8192, 16384, true}, {8192, 20480, true}, {8192, 61440, true}, {8192, 17408, false}, {8192, 65536, false},
		{16384, 32768, true}, {16384, 40960, true}, {16384, 122880, true}, {16384, 36864, false}, {16384, 131072, false},
	}
	for _, tt := range tests {
		msg := memoryProblem(tt.cpu, tt.memory)
		if (msg == "") != tt.ok {
			t.Errorf("memoryProblem(%d, %d) = %q, want ok=%v", tt.cpu, tt.memory, msg, tt.ok)
		}
	}
	for _, cpu := range []float64{0.25, 0.5, 1, 2, 4, 8, 16} {
		if msg := cpuProblem(cpu); msg != "" {
			t.Errorf("cpuProblem(%g) = %q", cpu, msg)
		}
	}
	for _, cpu := range []float64{0, 0.08, 0.125, 0.3, 1.5, 3, 32, 0.2500001} {
		if msg := cpuProblem(cpu); !strings.Contains(msg, "vCPU is not a Fargate task size (allowed: 0.25, 0.5, 1, 2, 4, 8, 16)") {
			t.Errorf("cpuProblem(%g) = %q, want the allowed sizes in vCPU", cpu, msg)
		}
	}
}

func TestRetentionAcceptsOnlyCloudWatchValues(t *testing.T) {
	t.Parallel()
	for _, d := range []int{1, 30, 365, 3653} {
		if msg := retentionProblem(d); msg != "" {
			t.Errorf("retentionProblem(%d) = %q", d, msg)
		}
	}
	for _, d := range []int{0, 2, 31, 366, 3654} {
		if retentionProblem(d) == "" {
			t.Errorf("retentionProblem(%d) accepted it", d)
		}
	}
}

func TestMatcher(t *testing.T) {
	t.Parallel()
	tests := []struct {
		m  string
		ok bool
	}{
		{"200", true}, {"200,204", true}, {"200-299", true}, {"200-499", true}, {"499", true},
		{"", false}, {"199", false}, {"500", false}, {"200-500", false}, {"299-200", false}, {"2xx", false}, {"200,", false},
	}
	for _, tt := range tests {
		if msg := matcherProblem(tt.m); (msg == "") != tt.ok {
			t.Errorf("matcherProblem(%q) = %q, want ok=%v", tt.m, msg, tt.ok)
		}
	}
}

func TestLoadBalancerNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		lb   bool
		ok   bool
	}{
		{"api", true, true},
		{"API-prod-1", true, true},
		{strings.Repeat("a", 32), true, true},
		{strings.Repeat("a", 33), true, false},
		{"", true, false},
		{"-api", true, false},
		{"api-", false, false},
		{"api_1", false, false},
		{"internal-api", true, false},
		{"internal-api", false, true},
	}
	for _, tt := range tests {
		if msg := lbNameProblem(tt.name, tt.lb); (msg == "") != tt.ok {
			t.Errorf("lbNameProblem(%q, %v) = %q, want ok=%v", tt.name, tt.lb, msg, tt.ok)
		}
	}
}
