package fargate

import (
	"testing"
	"time"
)

func TestRepositoryFromImage(t *testing.T) {
	t.Parallel()
	tests := []struct{ ref, want string }{
		{"123456789012.dkr.ecr.us-east-1.amazonaws.com/api@sha256:abc", "arn:aws:ecr:us-east-1:123456789012:repository/api"},
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:v1", "arn:aws:ecr:eu-west-1:123456789012:repository/team/api"},
		{"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/api", "arn:aws-cn:ecr:cn-north-1:123456789012:repository/api"},
		{"123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/api:v1@sha256:abc", "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/api"},
		{"public.ecr.aws/nginx/nginx:latest", ""},
		{"ghcr.io/acme/api@sha256:abc", ""},
		{"nginx", ""},
		{"localhost:5000/api", ""},
	}
	for _, tt := range tests {
		if got := repositoryFromImage(tt.ref); got != tt.want {
			t.Errorf("repositoryFromImage(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}

// TestRequestTargetFollowsLittlesLaw checks the ALBRequestCountPerTarget
// target: 60 × concurrency / latency in seconds, per minute.
func TestRequestTargetFollowsLittlesLaw(t *testing.T) {
	t.Parallel()
	tests := []struct {
		concurrency int
		latency     time.Duration
		want        int
	}{
		{80, 200 * time.Millisecond, 16800}, // 0.7 × 60 × 80 / 0.2
		{1, time.Second, 42},
		{10, 50 * time.Millisecond, 8400},
		{3, 7 * time.Second, 18},
		{1, time.Minute, 1},
	}
	for _, tt := range tests {
		if got := requestsPerTargetPerMinute(tt.concurrency, tt.latency); got != tt.want {
			t.Errorf("requestsPerTargetPerMinute(%d, %s) = %d, want %d", tt.concurrency, tt.latency, got, tt.want)
		}
	}
}

func TestUniqueSorted(t *testing.T) {
	t.Parallel()
	got := uniqueSorted([]string{"b", "a", "b", "c", "a"})
	if len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Errorf("uniqueSorted = %v", got)
	}
	if uniqueSorted(nil) != nil {
		t.Error("uniqueSorted(nil) is not nil")
	}
}
