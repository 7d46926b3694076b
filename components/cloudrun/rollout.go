package cloudrun

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// Revision names and traffic. Sources, at pulumi-gcp v7.38.0 (terraform-
// provider-google-beta v5.42.0, google-beta/services/cloudrunv2/
// resource_cloud_run_v2_service.go, "crv2"):
//
//   - template.revision is Optional, not Computed, sent verbatim
//     (crv2:525-529, 3232-3237). The API refuses a name already used by a
//     revision with another template: "Error 409: Revision named 'X' with
//     different configuration already exists" (googleapis/google-cloud-
//     python#14259, hashicorp/terraform-provider-google#14569), and
//     requires the service's name and a hyphen in front (knative/
//     serving#3562: "The name must be prefixed by the name of the
//     enclosing Service or Configuration with a trailing -"). So the name
//     is SERVICE-HASH of the whole template: a new template is a new name,
//     the same template the same name, and a rebuilt image (a new digest)
//     never reuses one. That the same name with the same template is
//     accepted (a traffic-only change, a revert) follows from the
//     provider sending the template from config on every update without
//     an update mask (crv2:1525-1572); it is modelled, not verified live.
//   - traffic is an Optional+Computed list compared by position
//     (crv2:888-919); type, revision, percent and tag are sent only when
//     not empty (crv2:4581-4622), so every entry names its type and the
//     order is fixed. A traffic target naming a revision that does not
//     exist fails the operation ("Revision 'X' does not exist or is
//     deleted", terraform-google-modules/terraform-docs-samples#269), so
//     the stable entry names a revision that served (config, written by
//     `berth rollout promote` from latestRevision), and the new release is
//     the LATEST entry: Cloud Run's latest ready revision, the previous
//     one while a new revision is not ready.
const (
	trafficLatest   = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
	trafficRevision = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"
	// CanaryTag is the traffic tag of the new release under a canary: it
	// answers at its own URL, https://canary---SERVICE-HASH-REGION.a.run.app,
	// the trafficStatuses entry with this tag.
	CanaryTag = "canary"
	// revisionHashLength hex characters (40 bits) follow the service name:
	// a 49-character service name leaves 13 of a revision name's 63.
	revisionHashLength = 10
	// maxRevisionName is a revision name's limit, a DNS label (knative
	// serving's route validation rejects 64).
	maxRevisionName = 63
	// maxTaggedServiceName bounds the service name under a canary: the
	// tag, "---" and the service's URL label form one DNS label of at most
	// 63 characters, which leaves tag plus service at most 46
	// (PolicyEngine/policyengine-api#3730 reports the API's refusal).
	maxTaggedServiceName = 46 - len(CanaryTag)
)

var revisionPattern = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

// plannedCanary is a canary with its stable revision checked.
type plannedCanary struct {
	stable string
	share  int
}

// resolveCanary checks the canary's stable revision against the service's
// name, recording problems in ps.
func resolveCanary(c *spec.ResolvedCanary, p *plan, ps *validate.Problems) {
	if c == nil {
		return
	}
	if n := len(p.serviceName); n > maxTaggedServiceName {
		// naming.Physical appends a hyphen and seven hex characters.
		ps.Addf("service.name", "makes the Cloud Run service name %q, %d characters, too long for the canary's tagged URL (allowed with rollout.canary: a name of at most %d characters, which makes a service name of at most %d)", p.serviceName, n, maxTaggedServiceName-8, maxTaggedServiceName)
	}
	if c.Stable != "" {
		prefix := p.serviceName + "-"
		if !strings.HasPrefix(c.Stable, prefix) || len(c.Stable) > maxRevisionName || !revisionPattern.MatchString(c.Stable) {
			ps.Addf("service.rollout.canary.stable", "%q is not a revision of the Cloud Run service %s (allowed: a revision name that starts with %q, lowercase letters, digits and hyphens, at most %d characters: the service's latestRevision output)", c.Stable, p.serviceName, prefix, maxRevisionName)
		}
	}
	p.canary = &plannedCanary{stable: c.Stable, share: c.Share()}
}

// traffics routes every request to the latest ready revision, or under a
// canary, the rest to the stable revision and the share to the latest
// ready one under CanaryTag. The order is fixed: the provider compares the
// list by position.
func (p *plan) traffics() cloudrunv2.ServiceTrafficArray {
	if p.canary == nil {
		return cloudrunv2.ServiceTrafficArray{
			cloudrunv2.ServiceTrafficArgs{Type: pulumi.String(trafficLatest), Percent: pulumi.Int(100)},
		}
	}
	return cloudrunv2.ServiceTrafficArray{
		cloudrunv2.ServiceTrafficArgs{Type: pulumi.String(trafficRevision), Revision: pulumi.String(p.canary.stable), Percent: pulumi.Int(100 - p.canary.share)},
		cloudrunv2.ServiceTrafficArgs{Type: pulumi.String(trafficLatest), Percent: pulumi.Int(p.canary.share), Tag: pulumi.String(CanaryTag)},
	}
}

// revisionName is the name of the revision template makes: the service's
// name, a hyphen and the first revisionHashLength hex characters of a
// SHA-256 over the template's JSON, known as soon as every value of the
// template is (the image digest among them). It is secret when a value of
// the template is.
func revisionName(service string, template *cloudrunv2.ServiceTemplateArgs) pulumi.StringOutput {
	return template.ToServiceTemplateOutput().ApplyT(func(t cloudrunv2.ServiceTemplate) (string, error) {
		t.Revision = nil
		b, err := json.Marshal(t)
		if err != nil {
			return "", fmt.Errorf("hashing the revision template: %w", err)
		}
		sum := sha256.Sum256(b)
		return service + "-" + hex.EncodeToString(sum[:])[:revisionHashLength], nil
	}).(pulumi.StringOutput)
}
