package image

import (
	"fmt"

	"github.com/berth-dev/berth/validate"
)

// Platforms an image can be built for. berth's deploy targets run Linux on
// 64-bit x86 or ARM, and the Docker provider builds one platform per image.
const (
	// PlatformAMD64 is 64-bit x86 Linux: Cloud Run and Fargate X86_64.
	PlatformAMD64 = "linux/amd64"
	// PlatformARM64 is 64-bit ARM Linux: Fargate ARM64 (Graviton).
	PlatformARM64 = "linux/arm64"
)

// DefaultPlatform is the platform built when neither ImageArgs.Platform nor
// ImageArgs.RequiredPlatform is set. It is linux/amd64 because that is what
// both Cloud Run and Fargate's default X86_64 architecture run.
const DefaultPlatform = PlatformAMD64

// CloudRunPlatform is the only platform Cloud Run runs
// (https://cloud.google.com/run/docs/container-contract#executables). Pass it
// as ImageArgs.RequiredPlatform for an image that a Cloud Run service deploys.
const CloudRunPlatform = PlatformAMD64

// platforms lists the allowed values of ImageArgs.Platform and
// ImageArgs.RequiredPlatform, in the order error messages list them.
var platforms = []string{PlatformAMD64, PlatformARM64}

// allowedPlatforms renders platforms for validation messages.
var allowedPlatforms = validate.OneOf(platforms...)

// validPlatform reports whether p is one of platforms.
func validPlatform(p string) bool {
	for _, q := range platforms {
		if p == q {
			return true
		}
	}
	return false
}

// ArchitecturePlatform returns the Docker platform for an ECS runtime
// platform CPU architecture: "X86_64" (and "", which ECS treats as X86_64)
// gives "linux/amd64", "ARM64" gives "linux/arm64"; any other value is an
// error that lists the allowed ones. Pass the result as
// ImageArgs.RequiredPlatform for an image that a Fargate service deploys.
//
// Source: ECS RuntimePlatform.cpuArchitecture
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RuntimePlatform.html).
func ArchitecturePlatform(architecture string) (string, error) {
	switch architecture {
	case "", "X86_64":
		return PlatformAMD64, nil
	case "ARM64":
		return PlatformARM64, nil
	}
	return "", fmt.Errorf("cpu architecture %q has no image platform (allowed: %s)", architecture, validate.OneOf("X86_64", "ARM64"))
}
