package cloudrun

import (
	"math"
	"strings"
	"testing"

	"github.com/berth-dev/berth/spec"
)

func TestCPUProblemAcceptsOnlyOfferedSizes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		millis  int
		wantErr string
	}{
		{millis: 1000},
		{millis: 2000},
		{millis: 4000},
		{millis: 6000},
		{millis: 8000},
		{millis: 500},
		{millis: 80},
		{millis: 999},
		{millis: 79, wantErr: "0.079 vCPU is below Cloud Run's minimum of 0.08"},
		{millis: 3000, wantErr: "3 vCPU is not a Cloud Run CPU size"},
		{millis: 1500, wantErr: "1.5 vCPU is not a Cloud Run CPU size"},
		{millis: 16000, wantErr: "16 vCPU is not a Cloud Run CPU size"},
	}
	for _, tt := range tests {
		got := cpuProblem(tt.millis)
		if tt.wantErr == "" && got != "" || !strings.Contains(got, tt.wantErr) {
			t.Errorf("cpuProblem(%d) = %q, want %q", tt.millis, got, tt.wantErr)
		}
	}
}

func TestFormatCPU(t *testing.T) {
	t.Parallel()
	for millis, want := range map[int]string{1000: "1", 8000: "8", 500: "0.5", 80: "0.08", 125: "0.125", 999: "0.999"} {
		if got := formatCPU(millis); got != want {
			t.Errorf("formatCPU(%d) = %q, want %q", millis, got, want)
		}
	}
}

// TestMemoryProblemFollowsTheCloudRunTable walks the CPU/memory table of
// gcp.md at its edges.
func TestMemoryProblemFollowsTheCloudRunTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cpu     float64
		memory  string
		gen     ExecutionEnvironment
		wantErr string // "" means the pair is allowed
	}{
		{name: "0.08 cpu with 512Mi on gen1", cpu: 0.08, memory: "512Mi", gen: Gen1},
		{name: "0.08 cpu with 128Mi on gen1", cpu: 0.08, memory: "128Mi", gen: Gen1},
		{name: "0.08 cpu with 513Mi needs 0.5", cpu: 0.08, memory: "513Mi", gen: Gen1, wantErr: "needs at least cpu 0.5"},
		{name: "gen1 minimum 128Mi", cpu: 0.08, memory: "127Mi", gen: Gen1, wantErr: "below the gen1 minimum of 128Mi"},
		{name: "0.5 cpu with 1Gi", cpu: 0.5, memory: "1Gi", gen: Gen1},
		{name: "0.5 cpu with more than 1Gi needs 1", cpu: 0.5, memory: "1025Mi", gen: Gen1, wantErr: "needs at least cpu 1"},
		{name: "1 cpu with 4Gi", cpu: 1, memory: "4Gi", gen: Gen2},
		{name: "1 cpu with more than 4Gi needs 2", cpu: 1, memory: "5Gi", gen: Gen2, wantErr: "needs at least cpu 2 (allowed with cpu 1: 512Mi to 4Gi)"},
		{name: "gen2 minimum 512Mi", cpu: 1, memory: "256Mi", gen: Gen2, wantErr: "below the gen2 minimum of 512Mi"},
		{name: "1 cpu with 256Mi on gen1", cpu: 1, memory: "256Mi", gen: Gen1},
		{name: "2 cpu with 8Gi", cpu: 2, memory: "8Gi", gen: Gen2},
		{name: "2 cpu with 9Gi needs 4", cpu: 2, memory: "9Gi", gen: Gen2, wantErr: "needs at least cpu 4"},
		{name: "4 cpu needs at least 2Gi", cpu: 4, memory: "1Gi", gen: Gen2, wantErr: "below the minimum for cpu 4 (allowed: 2Gi to 16Gi)"},
		{name: "4 cpu with 2Gi", cpu: 4, memory: "2Gi", gen: Gen2},
		{name: "4 cpu with 16Gi", cpu: 4, memory: "16Gi", gen: Gen2},
		{name: "4 cpu with 17Gi needs 6", cpu: 4, memory: "17Gi", gen: Gen2, wantErr: "needs at least cpu 6"},
		{name: "6 cpu needs at least 4Gi", cpu: 6, memory: "3Gi", gen: Gen2, wantErr: "below the minimum for cpu 6"},
		{name: "6 cpu with 24Gi", cpu: 6, memory: "24Gi", gen: Gen2},
		{name: "6 cpu with 25Gi needs 8", cpu: 6, memory: "25Gi", gen: Gen2, wantErr: "needs at least cpu 8"},
		{name: "8 cpu with 32Gi", cpu: 8, memory: "32Gi", gen: Gen2},
		{name: "8 cpu needs at least 4Gi", cpu: 8, memory: "2Gi", gen: Gen2, wantErr: "below the minimum for cpu 8"},
		{name: "nothing above 32Gi", cpu: 8, memory: "33Gi", gen: Gen2, wantErr: "above the Cloud Run maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mib, err := spec.ParseMemory(tt.memory)
			if err != nil {
				t.Fatal(err)
			}
			got := memoryProblem(int(math.Round(tt.cpu*1000)), mib, tt.gen)
			if tt.wantErr == "" {
				if got != "" {
					t.Fatalf("memoryProblem(%g, %s, %s) = %q, want allowed", tt.cpu, tt.memory, tt.gen, got)
				}
				return
			}
			if !strings.Contains(got, tt.wantErr) {
				t.Fatalf("memoryProblem(%g, %s, %s) = %q, want it to contain %q", tt.cpu, tt.memory, tt.gen, got, tt.wantErr)
			}
		})
	}
}
