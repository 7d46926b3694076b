package cloudrun

import (
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/internal/naming"
	"github.com/berth-dev/berth/validate"
)

// IAM roles this package grants, each on one resource, never on the project.
const (
	// RoleSecretAccessor lets the service account read one secret's
	// versions.
	RoleSecretAccessor = "roles/secretmanager.secretAccessor"
	// RoleInvoker lets a member call the service.
	RoleInvoker = "roles/run.invoker"
)

// Public IAM members.
const (
	allUsers              = "allUsers"
	allAuthenticatedUsers = "allAuthenticatedUsers"
)

// memberPrefixes are the IAM member forms Invokers accepts, besides the
// public members.
var memberPrefixes = []string{"user:", "serviceAccount:", "group:", "domain:", "principal://", "principalSet://"}

// resolveInvokers checks the invoker members and returns the members to
// grant roles/run.invoker, allUsers last when the service is public.
func resolveInvokers(invokers []string, allowUnauthenticated bool, ps *validate.Problems) []string {
	var out []string
	seen := map[string]int{}
	for i, m := range invokers {
		field := validate.Index("gcp.invokers", i)
		switch {
		case m == allUsers || m == allAuthenticatedUsers:
			if !allowUnauthenticated {
				ps.Addf(field, "%q makes the service public and needs service.public (allowed: a user, service account, group, domain or principal)", m)
				continue
			}
			if m == allUsers {
				ps.Addf(field, "%q is already granted by service.public (allowed: remove it)", m)
				continue
			}
		case !validMember(m):
			ps.Addf(field, "%q is not an IAM member (allowed: \"user:\", \"serviceAccount:\" or \"group:\" followed by an email address, \"domain:\" followed by a domain, \"principal://\" or \"principalSet://\" followed by an identity)", m)
			continue
		}
		if j, dup := seen[m]; dup {
			ps.Addf(field, "%q is already gcp.invokers[%d] (allowed: each member once)", m, j)
			continue
		}
		seen[m] = i
		out = append(out, m)
	}
	if allowUnauthenticated {
		out = append(out, allUsers)
	}
	return out
}

// validMember reports whether m is an IAM member of a form Invokers takes:
// an email address after "user:", "serviceAccount:" or "group:", a domain
// name after "domain:", or a workload or workforce identity after
// "principal://" or "principalSet://" (IAM, "Principal identifiers":
// user:{emailid}, serviceAccount:{emailid}, group:{emailid},
// domain:{domain}).
func validMember(m string) bool {
	if strings.ContainsAny(m, " \t\r\n") {
		return false
	}
	for _, p := range memberPrefixes {
		id, ok := strings.CutPrefix(m, p)
		if !ok || id == "" {
			continue
		}
		switch p {
		case "serviceAccount:":
			return emailPattern.MatchString(id) || workloadPattern.MatchString(id)
		case "user:", "group:":
			return emailPattern.MatchString(id)
		case "domain:":
			return domainPattern.MatchString(id)
		}
		return true
	}
	return false
}

// emailPattern and domainPattern are the address forms of IAM members:
// a local part, "@" and a domain with at least one dot.
var (
	domainPattern = regexp.MustCompile(`^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z]{2,}$`)
	emailPattern  = regexp.MustCompile(`^[^@]+@([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z]{2,}$`)
	// workloadPattern is a Kubernetes service account through Workload
	// Identity: PROJECT.svc.id.goog[NAMESPACE/KSA] (IAM, "Principal
	// identifiers").
	workloadPattern = regexp.MustCompile(`^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.svc\.id\.goog\[[^/\]]+/[^/\]]+\]$`)
)

// newServiceAccount creates the service's dedicated service account, which
// holds no role but the per-secret accessor bindings.
func newServiceAccount(ctx *pulumi.Context, name string, p *plan, opts ...pulumi.ResourceOption) (*serviceaccount.Account, error) {
	args := &serviceaccount.AccountArgs{
		AccountId:   pulumi.String(p.accountID),
		DisplayName: pulumi.String("Cloud Run service " + p.serviceName),
		Description: pulumi.String("Runs Cloud Run service " + p.serviceName + "; managed by berth."),
	}
	if p.project != "" {
		args.Project = pulumi.String(p.project)
	}
	return serviceaccount.NewAccount(ctx, name+"-sa", args, append(opts, naming.CreateFirst)...)
}

// newSecretAccessors grants member roles/secretmanager.secretAccessor on each
// planned secret, one binding per secret.
func newSecretAccessors(ctx *pulumi.Context, name string, p *plan, member pulumi.StringInput, opts ...pulumi.ResourceOption) ([]*secretmanager.SecretIamMember, error) {
	var out []*secretmanager.SecretIamMember
	for _, b := range p.bindings {
		args := &secretmanager.SecretIamMemberArgs{
			SecretId: b.secret,
			Role:     pulumi.String(RoleSecretAccessor),
			Member:   member,
		}
		if p.project != "" {
			args.Project = pulumi.String(p.project)
		}
		m, err := secretmanager.NewSecretIamMember(ctx, name+"-secret-"+bindingName(b.key), args, opts...)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// newInvokers grants roles/run.invoker on svc to each planned invoker.
func newInvokers(ctx *pulumi.Context, name string, p *plan, svc *cloudrunv2.Service, opts ...pulumi.ResourceOption) ([]*cloudrunv2.ServiceIamMember, error) {
	var out []*cloudrunv2.ServiceIamMember
	for _, member := range p.invokers {
		args := &cloudrunv2.ServiceIamMemberArgs{
			Name:     svc.Name,
			Location: svc.Location,
			Role:     pulumi.String(RoleInvoker),
			Member:   pulumi.String(member),
		}
		if p.project != "" {
			args.Project = pulumi.String(p.project)
		}
		// Its grant on the old service stays until the old service goes.
		m, err := cloudrunv2.NewServiceIamMember(ctx, name+"-invoker-"+naming.Physical(member, member, 48), args, append(opts, naming.CreateFirst)...)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
