// Package diff compares two plans of one stack, as `berth plan --format
// json` writes them, and says what would change and which changes deserve a
// careful look. docs/plan-format.md describes its JSON form.
//
//	base, _ := plan.Read(baseFile)
//	head, _ := plan.Read(headFile)
//	r, err := diff.Compare(base, head)
//	err = r.WriteMarkdown(os.Stdout) // or WriteText, WriteJSON
//
// # Changes
//
// Resources are matched by URN, then by the head resource's aliases (the
// same resource under a new URN: updated, not replaced). A resource only in
// head is created, one only in base is deleted, and one in both with
// different inputs or options is updated, or replaced when a changed input
// is one that the provider cannot change in place (see ReplaceProperties)
// or one of the resource's replaceOnChanges paths. A deleted and a created
// resource of the same type under the same parent (after the parent's own
// match) are one resource whose logical name changed: Pulumi deletes and
// re-creates it, so it is reported as replaced, with OldURN set. When
// several of one type and parent are renamed at once, each is paired with
// the candidate that shares the most inputs. Types with identity inputs
// pair only when those are equal (security group rules: group, protocol
// and ports; listeners: port), so a rule for port 443 that goes while one
// for port 80 comes is reported as a delete and a create.
//
// Inputs are compared leaf by leaf. Paths read `template.scaling.maxInstanceCount`;
// lists index by position (`ports[0]`) unless every element is an object
// with a distinct `name`, in which case they are matched by name
// (`envs[name=LOG_LEVEL]`), so that inserting one element does not show every
// later one as changed. Strings holding a JSON document (IAM policies, ECS
// container definitions) are compared as documents.
//
// A created resource lists every input leaf and the options it sets; a
// deleted one lists none.
//
// # Lifecycle options
//
// The head resource's options decide what its change does, as they do for
// the engine: a change under an ignoreChanges path is listed as ignored
// and neither updates nor replaces it, nor raises a flag (the engine sends
// the old value); a replaceOnChanges path replaces it; the replace flag
// says when deleteBeforeReplace leaves a gap, when retainOnDelete keeps the
// old one, and when protect (of either plan) makes `pulumi up` fail; the
// delete flag says when protect fails it or retainOnDelete keeps the cloud
// resource. Option changes themselves (and dependsOn) are listed with their
// old and new values.
//
// # Secrets and unknowns
//
// A plan shows secrets as plan.Secret and nothing else, so neither does a
// diff. A change between two secret values cannot be seen: two secrets
// compare equal, and a new secret value (a rotated password in the stack
// configuration) shows no change. Only a change to or from a secret shows,
// as the marker.
//
// Two unknowns compare equal when they come from the same resources (the
// input's dependencies, matched across renames) and none of those is
// created or replaced: a replaced security group has a new ID, so a rule's
// unknown securityGroupId is a new value, shown as
// `[unknown, from sg] -> [unknown: new, from sg]`.
//
// # Flags
//
// Flags point at changes that deserve a careful look; each has a Kind, the
// resource's URN and a one-line reason. Each kind's rule is in
// flag_KIND.go, and the rules table in flags.go maps kinds to rules:
//
//   - replace: a resource is replaced (a replace-on-change input or its
//     logical name changed). ECS task definition revisions and components
//     are exempt: a new revision per deployment is how ECS works, and a
//     component has no cloud resource of its own.
//   - delete: a stateful or hard-to-recreate resource is deleted: image
//     repositories, log groups, load balancers, service accounts, VPC
//     connectors, secrets and their versions.
//   - downtime: the update interrupts traffic: a resource that serves it
//     (a Cloud Run or ECS service, a load balancer, listener, listener
//     rule or target group, a VPC connector) is replaced delete-first, so
//     it is missing until the new one is ready (with the provider's create
//     timeout, and the resources that use it); a load balancer replaced
//     create-first gets a new DNS name; a listener forwards to a target
//     group created or replaced in the same update, before any target in
//     it is healthy; a security group rule changes its ports in place.
//   - iam: permissions widen. In IAM policy documents (`policy`,
//     `assumeRolePolicy`, `inlinePolicies[].policy`) the Allow statements
//     are read as (action, resource) pairs, and every pair that no base
//     pair covers (equal, or matched by a base wildcard such as `s3:*`) is
//     raised: new actions (wildcard ones, with `*` or `?`, apart), known
//     actions on new resources, new wildcard resources (`*`,
//     `arn:aws:s3:::*`), any new or changed NotAction or NotResource
//     statement (it allows everything it does not list), and new principals
//     (NotPrincipal included). Action names compare case-insensitively.
//     Also managed policies attached, and new (resource, role, member)
//     triples in GCP IAM member, binding and policy resources, so that a
//     grant moved to another secret or service counts as new. Not read:
//     Condition blocks and removed Deny statements.
//   - exposure: network exposure widens: ingress open to 0.0.0.0/0 or ::/0,
//     a load balancer that is or becomes internet-facing, Cloud Run ingress
//     widened (internal < internal and load balancer < all), an allUsers or
//     allAuthenticatedUsers grant, tasks given public IPs, ECS Exec enabled
//     on a service (a shell into running tasks; the permissions it needs are
//     raised by the iam rules where the stack grants them), and listener
//     changes that weaken transport security: an HTTPS or TLS listener
//     deleted or downgraded, a redirect to HTTPS replaced by a forward, a
//     new plain-HTTP listener that forwards to targets (both skipped on load
//     balancers the head plan shows as internal), or another `sslPolicy`.
//   - secret: a secret reference is added, removed, or points at another
//     secret or version (Cloud Run env and volume secrets, ECS container
//     secrets). Only names and versions are shown.
//   - capacity: instance counts, CPU, memory, concurrency or an autoscaling
//     target (requests per task, CPU percent) change on an existing
//     resource.
//   - rollout: what rolls a failing release back weakens: an ECS
//     service's deployment alarms (enable, rollback) or circuit breaker
//     turned off, or a CloudWatch metric alarm whose threshold, periods,
//     comparison or missing-data treatment changes; on a production stack
//     a split that sends requests to a release no canary observed (a
//     Cloud Run canary ending with a release, a promotion of a revision
//     or task definition that served no canary share); and a Fargate
//     canary that starts in the same change as a release.
//
// Rollouts say in words how a change moves requests between releases: a
// canary's start, a release under it, a promotion, an abort or its end,
// with the split before and after (Rollout).
//   - cost: the plans' monthly cost estimates (internal/cost, which `berth
//     plan --format json` embeds) rise by more than a threshold; raised on
//     the stack by AddCost, which also records the cost section that every
//     format writes.
//
// The result is deterministic: changes are sorted by component then URN,
// flags by kind then URN then reason.
package diff
