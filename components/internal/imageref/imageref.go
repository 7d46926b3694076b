// Package imageref reads image references in the standard grammar
// (github.com/distribution/reference), for the services that deploy an
// image by digest and the component that builds one.
package imageref

import (
	"fmt"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
)

// Placeholder is a digest reference that stands for an image built later,
// where a component's arguments are checked before the image exists.
const Placeholder = "image-built-later@sha256:0000000000000000000000000000000000000000000000000000000000000000"

// Digest returns the sha256 digest ("sha256:HEX") that ref names, and
// whether ref is a reference by such a digest.
func Digest(ref string) (string, bool) {
	r, err := reference.Parse(ref)
	if err != nil {
		return "", false
	}
	d, ok := r.(reference.Digested)
	if !ok || d.Digest().Algorithm() != digest.SHA256 || d.Digest().Validate() != nil {
		return "", false
	}
	return d.Digest().String(), true
}

// Problem says why ref is not an image reference by sha256 digest, or
// returns "" when it is one.
func Problem(ref string) string {
	if _, ok := Digest(ref); ok {
		return ""
	}
	if _, err := reference.Parse(ref); err != nil {
		return fmt.Sprintf("%q is not an image reference: %v (allowed: REPOSITORY@sha256:DIGEST, such as an image.Image's Ref)", ref, err)
	}
	return fmt.Sprintf("%q is not by digest (allowed: REPOSITORY@sha256: and 64 hex digits, such as an image.Image's Ref: a tag may point at another image later, which the service would not notice)", ref)
}
