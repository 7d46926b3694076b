package cloudrun

import (
	"strings"
	"testing"
)

func TestParseCPUAcceptsOnlyOfferedCounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int
		wantErr string
	}{
		{in: "1", want: 1000},
		{in: "2", want: 2000},
		{in: "4", want: 4000},
		{in: "6", want: 6000},
		{in: "8", want: 8000},
		{in: "0.5", want: 500},
		{in: "0.08", want: 80},
		{in: "0.999", want: 999},
		{in: "1.0", want: 1000},
		{in: "0.079", wantErr: "below the minimum of 0.08"},
		{in: "0", wantErr: "below the minimum"},
		{in: "3", wantErr: "not a CPU count Cloud Run offers"},
		{in: "1.5", wantErr: "not a CPU count Cloud Run offers"},
		{in: "16", wantErr: "not a CPU count Cloud Run offers"},
		{in: "0.0005", wantErr: "not a CPU count"},
		{in: "1000m", wantErr: "not a CPU count"},
		{in: "-1", wantErr: "not a CPU count"},
		{in: "", wantErr: "not a CPU count"},
		{in: "99999999999999999999", wantErr: "not a CPU count Cloud Run offers"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseCPU(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseCPU(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("parseCPU(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatCPURoundTrips(t *testing.T) {
	t.Parallel()
	for millis, want := range map[int]string{1000: "1", 8000: "8", 500: "0.5", 80: "0.08", 125: "0.125", 999: "0.999"} {
		if got := formatCPU(millis); got != want {
			t.Errorf("formatCPU(%d) = %q, want %q", millis, got, want)
		}
		if back, err := parseCPU(want); err != nil || back != millis {
			t.Errorf("parseCPU(%q) = %d, %v, want %d", want, back, err, millis)
		}
	}
}

func TestParseMemoryAcceptsMiAndGi(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{in: "512Mi", want: 512},
		{in: "128Mi", want: 128},
		{in: "2Gi", want: 2048},
		{in: "32Gi", want: 32768},
		{in: "1536Mi", want: 1536},
		{in: "512M", wantErr: true},
		{in: "1G", wantErr: true},
		{in: "512", wantErr: true},
		{in: "0Mi", wantErr: true},
		{in: "0512Mi", wantErr: true},
		{in: "1.5Gi", wantErr: true},
		{in: "512mi", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseMemory(tt.in)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "Mi or Gi") {
					t.Fatalf("parseMemory(%q) error = %v, want one listing the allowed units", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("parseMemory(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestMemoryProblemFollowsTheCloudRunTable walks the CPU/memory table of
// gcp.md at its edges.
func TestMemoryProblemFollowsTheCloudRunTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cpu     string
		memory  string
		gen     ExecutionEnvironment
		wantErr string // "" means the pair is allowed
	}{
		{name: "0.08 cpu with 512Mi on gen1", cpu: "0.08", memory: "512Mi", gen: Gen1},
		{name: "0.08 cpu with 128Mi on gen1", cpu: "0.08", memory: "128Mi", gen: Gen1},
		{name: "0.08 cpu with 513Mi needs 0.5", cpu: "0.08", memory: "513Mi", gen: Gen1, wantErr: "needs at least cpu 0.5"},
		{name: "gen1 minimum 128Mi", cpu: "0.08", memory: "127Mi", gen: Gen1, wantErr: "below the gen1 minimum of 128Mi"},
		{name: "0.5 cpu with 1Gi", cpu: "0.5", memory: "1Gi", gen: Gen1},
		{name: "0.5 cpu with more than 1Gi needs 1", cpu: "0.5", memory: "1025Mi", gen: Gen1, wantErr: "needs at least cpu 1"},
		{name: "1 cpu with 4Gi", cpu: "1", memory: "4Gi", gen: Gen2},
		{name: "1 cpu with more than 4Gi needs 2", cpu: "1", memory: "5Gi", gen: Gen2, wantErr: "needs at least cpu 2 (allowed with cpu 1: 512Mi to 4Gi)"},
		{name: "gen2 minimum 512Mi", cpu: "1", memory: "256Mi", gen: Gen2, wantErr: "below the gen2 minimum of 512Mi"},
		{name: "1 cpu with 256Mi on gen1", cpu: "1", memory: "256Mi", gen: Gen1},
		{name: "2 cpu with 8Gi", cpu: "2", memory: "8Gi", gen: Gen2},
		{name: "2 cpu with 9Gi needs 4", cpu: "2", memory: "9Gi", gen: Gen2, wantErr: "needs at least cpu 4"},
		{name: "4 cpu needs at least 2Gi", cpu: "4", memory: "1Gi", gen: Gen2, wantErr: "below the minimum for cpu 4 (allowed: 2Gi to 16Gi)"},
		{name: "4 cpu with 2Gi", cpu: "4", memory: "2Gi", gen: Gen2},
		{name: "4 cpu with 16Gi", cpu: "4", memory: "16Gi", gen: Gen2},
		{name: "4 cpu with 17Gi needs 6", cpu: "4", memory: "17Gi", gen: Gen2, wantErr: "needs at least cpu 6"},
		{name: "6 cpu needs at least 4Gi", cpu: "6", memory: "3Gi", gen: Gen2, wantErr: "below the minimum for cpu 6"},
		{name: "6 cpu with 24Gi", cpu: "6", memory: "24Gi", gen: Gen2},
		{name: "6 cpu with 25Gi needs 8", cpu: "6", memory: "25Gi", gen: Gen2, wantErr: "needs at least cpu 8"},
		{name: "8 cpu with 32Gi", cpu: "8", memory: "32Gi", gen: Gen2},
		{name: "8 cpu needs at least 4Gi", cpu: "8", memory: "2Gi", gen: Gen2, wantErr: "below the minimum for cpu 8"},
		{name: "nothing above 32Gi", cpu: "8", memory: "33Gi", gen: Gen2, wantErr: "above the Cloud Run maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cpu, err := parseCPU(tt.cpu)
			if err != nil {
				t.Fatal(err)
			}
			mib, err := parseMemory(tt.memory)
			if err != nil {
				t.Fatal(err)
			}
			got := memoryProblem(cpu, mib, tt.gen)
			if tt.wantErr == "" {
				if got != "" {
					t.Fatalf("memoryProblem(%s, %s, %s) = %q, want allowed", tt.cpu, tt.memory, tt.gen, got)
				}
				return
			}
			if !strings.Contains(got, tt.wantErr) {
				t.Fatalf("memoryProblem(%s, %s, %s) = %q, want it to contain %q", tt.cpu, tt.memory, tt.gen, got, tt.wantErr)
			}
		})
	}
}
