package testkit

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// dockerOutputs derives the outputs of the Docker provider's resources.
var dockerOutputs = map[string]typeOutputs{
	"docker:index/image:Image": {
		id: func(c computed) string { return c.str("imageName") },
		outputs: func(c computed) map[string]any {
			name := c.str("imageName")
			return map[string]any{
				"imageName":  name,
				"repoDigest": repository(name) + "@" + fakeDigest(name),
			}
		},
	},
}

// repository strips a tag (not a registry port) from an image reference.
func repository(ref string) string {
	slash := strings.LastIndex(ref, "/")
	if colon := strings.LastIndex(ref, ":"); colon > slash {
		return ref[:colon]
	}
	return ref
}

// fakeDigest is a stable sha256 digest derived from s, so that plans of the
// same inputs are equal.
func fakeDigest(s string) string {
	sum := sha256.Sum256([]byte("berth-mock:" + s))
	return "sha256:" + hex.EncodeToString(sum[:])
}
