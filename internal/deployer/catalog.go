package deployer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Catalog is one cloud's deployer data: what the provider calls for each
// resource type and invoke berth uses.
type Catalog struct {
	// Cloud is "aws" or "gcp".
	Cloud string `json:"cloud"`
	// Provenance names the provider versions the calls were read from.
	Provenance Provenance `json:"provenance"`
	// Docs maps a key to a cloud documentation reference that a Call with
	// Basis "doc" cites.
	Docs map[string]string `json:"docs"`
	// Scopes maps a scope key to where its actions are granted.
	Scopes map[string]Scope `json:"scopes"`
	// Roles lists predefined roles that cover the permissions (GCP only).
	Roles []Role `json:"roles,omitempty"`
	// Configure holds the calls the provider makes when it is configured.
	Configure Entry `json:"configure"`
	// Resources maps a Pulumi resource type token, such as
	// providers.ECSService, to its calls.
	Resources map[string]Entry `json:"resources"`
	// Invokes maps a Pulumi invoke token, such as
	// providers.GetCallerIdentity, to its calls.
	Invokes map[string]Entry `json:"invokes"`
}

// Provenance says where the calls come from.
type Provenance struct {
	// PulumiSDK is the Pulumi SDK module and version berth pins.
	PulumiSDK string `json:"pulumiSDK"`
	// Upstream is the provider release that SDK is built on.
	Upstream string `json:"upstream"`
	// UpstreamEvidence says how Upstream was established.
	UpstreamEvidence string `json:"upstreamEvidence"`
	// Versions maps a key that a Call's Version names to the source tree it
	// was read in.
	Versions map[string]string `json:"versions"`
	// Method says how the calls were collected.
	Method string `json:"method"`
}

// Scope is where a group of actions is granted.
type Scope struct {
	// Resources are the AWS resource ARN patterns of the policy statement;
	// "{prefix}" stands for the name prefix given to Policy. Empty for the
	// "none" scope and on GCP.
	Resources []string `json:"resources,omitempty"`
	// Condition is the AWS policy statement's condition block, if any.
	Condition map[string]map[string]any `json:"condition,omitempty"`
	// Wildcard is "required" when AWS documents that the actions take no
	// resource-level permission, or "unverified" when that was not checked
	// and the actions stay on "*". Empty when Resources are scoped.
	Wildcard string `json:"wildcard,omitempty"`
	// Doc is the Docs key that supports a "required" wildcard.
	Doc string `json:"doc,omitempty"`
	// Grant is where a GCP permission is granted: "project" or "none".
	Grant string `json:"grant,omitempty"`
	// Why explains the scope.
	Why string `json:"why"`
}

// Role is a GCP predefined role that covers some of the catalog.
type Role struct {
	// Role is the role name, such as "roles/run.admin".
	Role string `json:"role"`
	// For lists the resource type tokens the role is needed for.
	For []string `json:"for"`
	// Why says why this is the smallest predefined role for them.
	Why string `json:"why"`
}

// Entry is what the provider calls for one resource type or invoke.
type Entry struct {
	// Terraform is the upstream resource or data source name, if bridged.
	Terraform string `json:"terraform,omitempty"`
	// Provider names a native (not bridged) provider, if any.
	Provider string `json:"provider,omitempty"`
	// File is the provider source file that implements it.
	File string `json:"file"`
	// Create, Read, Update and Delete list the calls of each operation. An
	// invoke only has Read.
	Create []Call `json:"create,omitempty"`
	Read   []Call `json:"read"`
	Update []Call `json:"update,omitempty"`
	Delete []Call `json:"delete,omitempty"`
	// Note records what was left out and why.
	Note string `json:"note,omitempty"`
}

// Call is one cloud API call and the IAM action or permission it needs.
type Call struct {
	// Action is the IAM action ("ecs:DescribeServices") or GCP permission
	// ("run.services.get").
	Action string `json:"action"`
	// Scope is the key of the Scope it is granted on.
	Scope string `json:"scope"`
	// From is the function chain in Entry.File that makes the call.
	From string `json:"from"`
	// Basis is "source" (read in the provider source), "doc" (a cloud
	// authorization rule from Docs) or "inferred" (not confirmed; Note says
	// what is missing).
	Basis string `json:"basis"`
	// Version names the Provenance.Versions tree the call was read in, when
	// it is not the catalog's main one.
	Version string `json:"version,omitempty"`
	// When says when the call happens, if not always.
	When string `json:"when,omitempty"`
	// Doc is the Docs key a "doc" Basis cites.
	Doc string `json:"doc,omitempty"`
	// Note adds what a reviewer needs to know.
	Note string `json:"note,omitempty"`
	// Optional marks a call that is documented but not granted: best effort
	// (the provider ignores its failure), or made only for a setting berth
	// never sets. Note says which.
	Optional bool `json:"optional,omitempty"`
}

// Operations returns the entry's calls by operation name, in CRUD order.
func (e Entry) Operations() []struct {
	Name  string
	Calls []Call
} {
	return []struct {
		Name  string
		Calls []Call
	}{{"create", e.Create}, {"read", e.Read}, {"update", e.Update}, {"delete", e.Delete}}
}

// Load reads and checks a catalog file. Unknown keys are errors, and every
// problem is reported at once, each naming its path in the file.
func Load(path string) (*Catalog, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading catalog: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("decoding catalog %s: %w", path, err)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("checking catalog %s: %w", path, err)
	}
	return &c, nil
}

// Action name grammars: "service:Action" on AWS, "service.resource.verb" on
// GCP.
var (
	awsAction = regexp.MustCompile(`^[a-z0-9-]+:[A-Z][A-Za-z0-9]*$`)
	gcpAction = regexp.MustCompile(`^[a-z]+(\.[a-zA-Z]+){2}$`)
)

// check validates the catalog's internal references.
func (c *Catalog) check() error {
	var errs []error
	addf := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	action := awsAction
	switch c.Cloud {
	case "aws":
	case "gcp":
		action = gcpAction
	default:
		addf("cloud: %q is not a cloud (allowed: aws, gcp)", c.Cloud)
	}
	for _, key := range sortedKeys(c.Scopes) {
		s := c.Scopes[key]
		switch {
		case c.Cloud == "aws" && key != "none" && len(s.Resources) == 0:
			addf("scopes.%s.resources: required on aws (allowed: ARN patterns, or [\"*\"])", key)
		case c.Cloud == "gcp" && s.Grant != "project" && s.Grant != "none":
			addf("scopes.%s.grant: %q (allowed: project, none)", key, s.Grant)
		}
		if s.Wildcard != "" && s.Wildcard != "required" && s.Wildcard != "unverified" {
			addf("scopes.%s.wildcard: %q (allowed: required, unverified, or empty)", key, s.Wildcard)
		}
		if (len(s.Resources) == 1 && s.Resources[0] == "*") != (s.Wildcard != "") {
			addf("scopes.%s: resources [\"*\"] and wildcard go together (wildcard says why \"*\" is used)", key)
		}
		if s.Wildcard == "required" {
			if _, ok := c.Docs[s.Doc]; !ok {
				addf("scopes.%s.doc: %q is not a docs key (a required wildcard cites AWS documentation)", key, s.Doc)
			}
		}
		if s.Why == "" {
			addf("scopes.%s.why: required", key)
		}
	}
	checkEntry := func(path string, e Entry) {
		if e.File == "" {
			addf("%s.file: required (the provider source file)", path)
		}
		for _, op := range e.Operations() {
			for i, call := range op.Calls {
				p := fmt.Sprintf("%s.%s[%d]", path, op.Name, i)
				if !action.MatchString(call.Action) {
					addf("%s.action: %q is not a %s action name", p, call.Action, c.Cloud)
				}
				if _, ok := c.Scopes[call.Scope]; !ok {
					addf("%s.scope: %q is not a scope (allowed: %s)", p, call.Scope, strings.Join(sortedKeys(c.Scopes), ", "))
				}
				if call.From == "" {
					addf("%s.from: required (the function chain that makes the call)", p)
				}
				switch call.Basis {
				case "source", "inferred":
				case "doc":
					if _, ok := c.Docs[call.Doc]; !ok {
						addf("%s.doc: %q is not a docs key (basis doc cites one)", p, call.Doc)
					}
				default:
					addf("%s.basis: %q (allowed: source, doc, inferred)", p, call.Basis)
				}
				if call.Basis == "inferred" && call.Note == "" && call.Version != "schema" {
					addf("%s.note: required when basis is inferred (say what was not confirmed)", p)
				}
				if call.Version != "" {
					if _, ok := c.Provenance.Versions[call.Version]; !ok {
						addf("%s.version: %q is not a provenance.versions key", p, call.Version)
					}
				}
				if call.Optional && call.Note == "" {
					addf("%s.note: required when optional (say why the call is not granted)", p)
				}
			}
		}
	}
	checkEntry("configure", c.Configure)
	for _, t := range sortedKeys(c.Resources) {
		checkEntry("resources."+t, c.Resources[t])
	}
	for _, t := range sortedKeys(c.Invokes) {
		checkEntry("invokes."+t, c.Invokes[t])
	}
	for i, r := range c.Roles {
		for _, t := range r.For {
			if _, ok := c.Resources[t]; !ok {
				addf("roles[%d].for: %q is not a resource type of the catalog", i, t)
			}
		}
	}
	return errors.Join(errs...)
}

// granted returns every call that the policy or role must allow: not
// optional and not in the "none" scope, from the provider configuration,
// every resource and every invoke.
func (c *Catalog) granted() []Call {
	var out []Call
	add := func(e Entry) {
		for _, op := range e.Operations() {
			for _, call := range op.Calls {
				if !call.Optional && call.Scope != "none" {
					out = append(out, call)
				}
			}
		}
	}
	add(c.Configure)
	for _, t := range sortedKeys(c.Resources) {
		add(c.Resources[t])
	}
	for _, t := range sortedKeys(c.Invokes) {
		add(c.Invokes[t])
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
