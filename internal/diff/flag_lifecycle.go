package diff

import (
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/providers"
)

// replaceFindings raises replace for a replaced resource, unless its
// replacement is routine (routineReplace) and it is not protected.
func replaceFindings(c *change) []string {
	if c.Op != Replace {
		return nil
	}
	if routineReplace[c.Type] && !c.old.Options.Protect && !c.new.Options.Protect {
		return nil
	}
	return []string{replaceReason(c.Change, c.old.Options, c.new.Options)}
}

// deleteFindings raises delete for a deleted stateful or protected
// resource.
func deleteFindings(c *change) []string {
	if c.Op != Delete {
		return nil
	}
	what, stateful := statefulTypes[c.Type]
	switch {
	case c.old.Options.Protect:
		return []string{fmt.Sprintf("%s is deleted but protected: pulumi up fails until a run with protect removed", c.old.Name)}
	case stateful && c.old.Options.RetainOnDelete:
		return []string{fmt.Sprintf("%s %s is deleted with retainOnDelete: Pulumi stops managing it and it stays in the cloud", what.name, c.old.Name)}
	case stateful:
		return []string{fmt.Sprintf("%s %s is deleted: %s", what.name, c.old.Name, what.loss)}
	}
	return nil
}

// stateful describes what is lost with a resource.
type stateful struct{ name, loss string }

// statefulTypes lists the resource types whose deletion loses data or is
// hard to undo, with what is lost. A delete flag is raised for each.
var statefulTypes = map[string]stateful{
	providers.ArtifactRegistryRepo:  {"Artifact Registry repository", "the images in it are deleted with it"},
	providers.ECRRepository:         {"ECR repository", "the images in it are deleted with it"},
	providers.LogGroup:              {"log group", "its logs are deleted with it"},
	providers.LoadBalancer:          {"load balancer", "a new one gets a new DNS name; DNS records pointing at it break"},
	providers.ServiceAccount:        {"service account", "an account re-created with the same ID is a new identity; grants made outside this stack are lost"},
	providers.VPCAccessConnector:    {"VPC connector", "services using it lose private egress; re-creating one takes minutes"},
	providers.SecretManagerSecret:   {"Secret Manager secret", "every version of it is destroyed"},
	providers.SecretManagerVersion:  {"secret version", "its value is destroyed"},
	providers.SecretsManagerSecret:  {"Secrets Manager secret", "it and its versions are scheduled for deletion"},
	providers.SecretsManagerVersion: {"secret version", "its value is no longer available"},
	providers.SSMParameter:          {"SSM parameter", "its value is destroyed"},
	providers.IAMRole:               {"IAM role", "a role re-created with the same name is a new principal; trust granted to it elsewhere is lost"},
	providers.ACMCertificate:        {"certificate", "a new one must be validated again"},
}

// replaceReason says why a resource is replaced, with old -> new values of
// plain replace-on-change inputs, and what its options make of it.
func replaceReason(c *Change, oldOpts, newOpts plan.Options) string {
	parts := make([]string, 0, len(c.Because))
	for _, b := range c.Because {
		if strings.HasPrefix(b, "logical name ") {
			parts = append(parts, b)
			continue
		}
		desc := b + " changes"
		for _, v := range c.Values {
			if v.Path == b {
				desc = b + " " + render(v.Old, v.HasOld) + " -> " + render(v.New, v.HasNew)
			}
		}
		parts = append(parts, desc)
	}
	reason := "replaced (" + strings.Join(parts, "; ") + "): "
	switch {
	case oldOpts.Protect || newOpts.Protect:
		return reason + "it is protected, so pulumi up fails until a run with protect removed"
	case c.DeleteFirst && newOpts.DeleteBeforeReplace != nil:
		reason += "deleteBeforeReplace: Pulumi deletes the old one first, so it is missing until the new one exists"
	case c.DeleteFirst:
		reason += "the provider deletes the old one first (" + deleteFirstWhy(c.Type) + "), so it is missing until the new one exists"
	default:
		reason += "Pulumi creates the new one and deletes the old one"
	}
	if newOpts.RetainOnDelete {
		return reason + "; retainOnDelete: the old one stays in the cloud, no longer managed"
	}
	if what, ok := statefulTypes[c.Type]; ok {
		reason += "; " + what.name + ": " + what.loss
	}
	return reason
}

// deleteFirstWhy says why the provider replaces a resource of type typ
// delete-first (Type.ReplacesDeleteFirst).
func deleteFirstWhy(typ string) string {
	t, ok := providers.Lookup(typ)
	switch {
	case ok && t.DeleteBeforeReplace:
		return "it replaces every " + typ + " delete-first"
	case ok && t.Autoname != nil:
		return "the program sets " + t.Autoname.Prop + ", and the provider replaces a resource the program names delete-first"
	}
	return "its rule for the type"
}
