package cost

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/providers"

	"github.com/berth-dev/berth/internal/iamdoc"
	"github.com/berth-dev/berth/internal/plan"
)

// Secrets are priced where a stack creates them (a secret or version that
// exists all month) and where a service reads them (one read of each
// secret at each instance start, InstanceStartsPerMonth starts a month).
// Secrets a service reads but the stack does not create are named under
// not included: their storage is billed to whoever created them.

// secretsManagerSecret prices a Secrets Manager secret for the month.
func (e *estimator) secretsManagerSecret(r *plan.Resource) {
	region := e.awsRegion(r)
	l := line(r, fmt.Sprintf("Secrets Manager secret (%s)", region))
	l.Quantity = "1 secret"
	e.lookup(l, secretsManagerSecretMonth, region, "secret-month", 1, 1)
}

// ssmParameter prices an SSM parameter the stack creates: nothing in the
// standard tier (the default), no figure in berth's table otherwise.
func (e *estimator) ssmParameter(r *plan.Resource) {
	region := e.awsRegion(r)
	tier, ok := str(r.Inputs, "tier")
	if !ok {
		tier = "Standard" // Parameter Store's default tier
	}
	l := line(r, fmt.Sprintf("SSM parameter (%s tier, %s)", tier, region))
	l.Quantity = "1 parameter"
	if tier != "Standard" {
		e.unpriced(l, "parameter-month", "no price for %s parameters in berth's price table", tier)
		return
	}
	e.lookup(l, ssmStandard, region, "parameter-month", 1, 1)
}

// taskSecrets prices the secret reads of an ECS task definition's
// containers: Secrets Manager API calls, and SSM Parameter Store reads,
// which cost nothing for standard parameters at standard throughput.
func (e *estimator) taskSecrets(td *plan.Resource) {
	region := e.awsRegion(td)
	raw, present := td.Inputs["containerDefinitions"]
	if !present {
		return
	}
	var note string
	sm, ssm, ok := containerSecrets(raw)
	if !ok {
		// A preview knows the container definitions only when every value
		// in them is known, and the image digest is not until the push.
		// The execution role is what reads the secrets, so its grants
		// count them instead.
		if sm, ssm, ok = e.executionRoleSecrets(td); !ok {
			e.unpriced(line(td, fmt.Sprintf("secret reads (%s)", region)), "10,000 API calls", "neither the container definitions nor the execution role's policies are known in the plan, so neither are the secrets the tasks read")
			return
		}
		note = "counted from the execution role's grants: the container definitions are not known in the plan"
	}
	starts := float64(e.in.Assumptions.InstanceStartsPerMonth)
	if len(sm) > 0 {
		l := line(td, fmt.Sprintf("Secrets Manager API calls (%s)", region))
		calls := starts * float64(len(sm))
		l.Quantity = fmt.Sprintf("%s task starts x %s", plain(starts), countRange(float64(len(sm)), float64(len(sm)), "secret", "secrets"))
		l.Note = note
		e.lookup(l, secretsManagerPer10kCalls, region, "10,000 API calls", calls/10000, calls/10000)
		for _, ref := range sm {
			if !e.createdSecretsManagerSecret(ref) {
				e.extra = append(e.extra, fmt.Sprintf("Secrets Manager secret %s, which the tasks read but this stack does not create", secretName(ref)))
			}
		}
	}
	if len(ssm) > 0 {
		l := line(td, fmt.Sprintf("SSM Parameter Store reads (standard tier, %s)", region))
		l.Quantity = fmt.Sprintf("%s task starts x %s", plain(starts), countRange(float64(len(ssm)), float64(len(ssm)), "parameter", "parameters"))
		l.Note = "standard parameters and standard throughput have no charge; an advanced parameter or higher throughput has one that berth's table does not have"
		reads := starts * float64(len(ssm))
		e.lookup(l, ssmStandard, region, "read", reads, reads)
	}
}

// containerSecrets returns the Secrets Manager and SSM references of the
// containers' secrets, and false when the definitions are not known.
func containerSecrets(raw any) (sm, ssm []string, ok bool) {
	// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html
	var containers []struct {
		Secrets []struct {
			ValueFrom string `json:"valueFrom"`
		} `json:"secrets"`
	}
	// Partly known definitions (the image digest unknown offline) are
	// read as documents: the secrets' references are known.
	doc, isDoc := plan.Document(raw)
	if !isDoc {
		return nil, nil, false
	}
	b, err := json.Marshal(doc)
	if err != nil || json.Unmarshal(b, &containers) != nil {
		return nil, nil, false
	}
	for _, c := range containers {
		for _, s := range c.Secrets {
			if strings.Contains(s.ValueFrom, ":secretsmanager:") {
				sm = append(sm, s.ValueFrom)
			} else {
				ssm = append(ssm, s.ValueFrom)
			}
		}
	}
	return sm, ssm, true
}

// executionRoleSecrets returns the secrets and parameters that the inline
// policies of the task definition's execution role let it read: the
// resources of the statements that allow secretsmanager:GetSecretValue and
// ssm:GetParameters, the calls the ECS agent makes for a container's
// secrets (specifying-sensitive-data.html above). It returns false when
// the role is not in the plan or one of its policies is not known, or
// grants with a wildcard, since then the count is not known either.
func (e *estimator) executionRoleSecrets(td *plan.Resource) (sm, ssm []string, ok bool) {
	roles := td.InputDependencies["executionRoleArn"]
	if len(roles) != 1 {
		return nil, nil, false
	}
	role, found := e.byURN[roles[0]]
	if !found || role.Type != providers.IAMRole {
		return nil, nil, false
	}
	for _, p := range e.dependents(role, providers.IAMRolePolicy) {
		doc, _ := p.Inputs["policy"].(string)
		stmts, ok := iamdoc.Parse(doc)
		if !ok {
			return nil, nil, false
		}
		for _, st := range stmts {
			if st.Effect != "Allow" {
				continue
			}
			for _, a := range st.Action {
				var into *[]string
				switch a {
				case "secretsmanager:GetSecretValue":
					into = &sm
				case "ssm:GetParameters":
					into = &ssm
				default:
					continue
				}
				for _, r := range st.Resource {
					if strings.Contains(r, "*") {
						return nil, nil, false
					}
				}
				*into = append(*into, st.Resource...)
			}
		}
	}
	return sm, ssm, true
}

// createdSecretsManagerSecret reports whether a secret reference names a
// secret this plan creates.
func (e *estimator) createdSecretsManagerSecret(ref string) bool {
	for i := range e.plan.Resources {
		r := &e.plan.Resources[i]
		if r.Type != providers.SecretsManagerSecret {
			continue
		}
		if name, ok := str(r.Inputs, "name"); ok && name != "" && strings.Contains(ref, ":secret:"+name) {
			return true
		}
	}
	return false
}

// secretName returns the secret name of a Secrets Manager ARN
// (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX[:key::]), or
// the reference as it is.
func secretName(ref string) string {
	_, rest, ok := strings.Cut(ref, ":secret:")
	if !ok {
		return ref
	}
	name, _, _ := strings.Cut(rest, ":")
	return name
}

// secretVersion prices a Secret Manager secret version for the month, once
// per replica location of its secret (automatic replication is one
// location).
func (e *estimator) secretVersion(r *plan.Resource) {
	l := line(r, "Secret Manager active version")
	secret := e.dependency(r, providers.SecretManagerSecret)
	if secret == nil {
		e.unpriced(l, "version-month", "the version's secret is not in the plan, so its replica locations are not known")
		return
	}
	locations := 0.0
	if _, ok := object(secret.Inputs, "replication", "auto"); ok {
		locations = 1
	} else if replicas, ok := list(secret.Inputs, "replication", "userManaged", "replicas"); ok {
		locations = float64(len(replicas))
	}
	if locations == 0 {
		e.unpriced(l, "version-month", "the secret's replication is not known in the plan")
		return
	}
	l.Quantity = "1 version x " + countRange(locations, locations, "location", "locations")
	e.priced(l, smVersionMonth, "version-month", locations, locations)
	e.smVersions += locations
}

// cloudRunSecrets prices the Secret Manager access operations of a Cloud
// Run service: each env and volume secret is read at each instance start.
func (e *estimator) cloudRunSecrets(svc *plan.Resource) {
	var refs []string
	containers, _ := list(svc.Inputs, "template", "containers")
	for _, c := range containers {
		cm, _ := c.(map[string]any)
		envs, _ := list(cm, "envs")
		for _, env := range envs {
			em, _ := env.(map[string]any)
			if s, ok := str(em, "valueSource", "secretKeyRef", "secret"); ok {
				refs = append(refs, s)
			}
		}
	}
	volumes, _ := list(svc.Inputs, "template", "volumes")
	for _, v := range volumes {
		vm, _ := v.(map[string]any)
		if s, ok := str(vm, "secret", "secret"); ok {
			refs = append(refs, s)
		}
	}
	if len(refs) == 0 {
		return
	}
	starts := float64(e.in.Assumptions.InstanceStartsPerMonth)
	ops := starts * float64(len(refs))
	l := line(svc, "Secret Manager access operations")
	l.Quantity = fmt.Sprintf("%s instance starts x %s", plain(starts), countRange(float64(len(refs)), float64(len(refs)), "secret", "secrets"))
	e.priced(l, smPer10kAccesses, "10,000 operations", ops/10000, ops/10000)
	e.smAccesses += ops
	for _, ref := range refs {
		if !e.createdSecretManagerSecret(ref) {
			e.extra = append(e.extra, fmt.Sprintf("the versions of Secret Manager secret %s, which the service reads but this stack does not create", ref))
		}
	}
}

// createdSecretManagerSecret reports whether a Cloud Run secret reference
// (an ID or projects/P/secrets/ID) names a secret this plan creates.
func (e *estimator) createdSecretManagerSecret(ref string) bool {
	id := ref[strings.LastIndex(ref, "/")+1:]
	for i := range e.plan.Resources {
		r := &e.plan.Resources[i]
		if r.Type != providers.SecretManagerSecret {
			continue
		}
		if s, ok := str(r.Inputs, "secretId"); ok && s == id {
			return true
		}
	}
	return false
}
