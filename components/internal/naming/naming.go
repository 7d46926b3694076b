// Package naming derives physical cloud names that always satisfy the
// strictest common rule set: lowercase letters, digits and hyphens, starting
// with a letter, ending with a letter or digit, within a length limit.
//
// A derived name is the sanitized logical name, cut to fit, then a hyphen and
// a short hash of a seed (project, stack and logical name). The hash keeps
// names of the same component in two stacks apart and is stable, so a name
// never changes between runs (a change would replace the resource). Pulumi's
// random auto-name suffix is never used where a limit is short: it is what
// pushes names past ALB (32), VPC connector (25) and service account (30)
// limits in other tools.
package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CreateFirst replaces a resource by creating the new one before the old
// one is deleted. berth gives it to every resource whose derived name
// changes with each setting that forces its replacement (the service name,
// the Region, the load balancer's scheme, the VPC): the new one then never
// clashes with the old, and what serves keeps serving until the end of the
// update, when the old one goes. Without it the provider deletes the old one
// first, because the program names it (pulumi-terraform-bridge v3.110.0
// pkg/tfbridge/schema.go nameRequiresDeleteBeforeReplace, or the type's
// DeleteBeforeReplace), which leaves nothing to serve meanwhile and fails
// where the cloud refuses to delete what is in use (ELB and a target
// group a listener forwards to). An explicit false overrides the provider
// (pkg/v3 v3.274.1 resource/deploy/step_generator.go:2142-2145).
var CreateFirst = pulumi.DeleteBeforeReplace(false)

// HashLen is the number of hex characters of the seed hash in a derived name.
// Seven hex characters (28 bits) make a collision between two names with the
// same prefix in one account or project unlikely while leaving room for a
// readable prefix in a 25-character limit.
const HashLen = 7

// Seed joins the parts that make a name unique in an account or project,
// typically project, stack and the component's logical name.
func Seed(parts ...string) string { return strings.Join(parts, "/") }

// Physical returns a name of at most max characters (max must be at least
// HashLen+2) made of the sanitized base, a hyphen and the hash of seed. The
// result matches ^[a-z][a-z0-9-]*[a-z0-9]$ and has no double hyphens.
func Physical(base, seed string, max int) string {
	return physical(base, seed, max, false)
}

// Sibling is Physical for names that share a seed and differ only in their
// base, such as a service's execution and task roles ("api-exec",
// "api-task"): when base must be cut to fit, the hash covers base too, so
// that two bases cut to the same prefix still make two names. A base that
// fits gives the name Physical gives.
func Sibling(base, seed string, max int) string {
	return physical(base, seed, max, true)
}

func physical(base, seed string, max int, sibling bool) string {
	if max < HashLen+2 {
		panic("naming: max too small for a hashed name")
	}
	if sibling && len(Sanitize(base)) > max-HashLen-1 {
		seed += "\x00" + base
	}
	sum := sha256.Sum256([]byte(seed))
	hash := hex.EncodeToString(sum[:])[:HashLen]
	prefix := Sanitize(base)
	room := max - HashLen - 1
	if len(prefix) > room {
		prefix = strings.TrimRight(prefix[:room], "-")
	}
	if prefix == "" {
		// The hash may start with a digit; names must start with a letter.
		return "b" + hash
	}
	return prefix + "-" + hash
}

// Sanitize lowercases s, turns every run of characters other than letters and
// digits into one hyphen, trims hyphens at both ends and drops leading
// characters until the first letter. It may return "".
func Sanitize(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
	}
	out := b.String()
	i := strings.IndexFunc(out, func(r rune) bool { return r >= 'a' && r <= 'z' })
	if i < 0 {
		return ""
	}
	return strings.Trim(out[i:], "-")
}
