package deployer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// DefaultPrefix is the name prefix of the shipped AWS policy: the sample
// stacks' service is "berth-app", and every physical name berth derives from a
// component name starts with that name (components/internal/naming Physical).
const DefaultPrefix = "berth-"

// PolicyDocument is an AWS IAM policy document.
type PolicyDocument struct {
	// Version is the policy language version, always "2012-10-17".
	Version string `json:"Version"`
	// Statement lists one statement per scope, sorted by Sid.
	Statement []Statement `json:"Statement"`
}

// Statement is one IAM policy statement.
type Statement struct {
	// Sid is the scope key with its first letter upper-cased.
	Sid string `json:"Sid"`
	// Effect is always "Allow".
	Effect string `json:"Effect"`
	// Action lists the actions, sorted and without duplicates.
	Action []string `json:"Action"`
	// Resource lists the scope's ARN patterns with the prefix filled in.
	Resource []string `json:"Resource"`
	// Condition is the scope's condition block, if any.
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// prefixPattern is what a name prefix may be: the start of a name
// naming.Physical derives.
var prefixPattern = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// Policy builds the deployer's IAM policy from an AWS catalog: one statement
// per scope that a granted call uses, with "{prefix}" in the scope's
// resources replaced by prefix (such as DefaultPrefix). It fails on a GCP
// catalog or a prefix that is not the start of a berth name.
func Policy(c *Catalog, prefix string) (*PolicyDocument, error) {
	if c.Cloud != "aws" {
		return nil, fmt.Errorf("building policy: catalog is for %q (allowed: aws)", c.Cloud)
	}
	if !prefixPattern.MatchString(prefix) {
		return nil, fmt.Errorf("building policy: prefix %q is not the start of a berth name (allowed: a lowercase letter, then lowercase letters, digits and hyphens)", prefix)
	}
	actions := map[string]map[string]bool{}
	for _, call := range c.granted() {
		if actions[call.Scope] == nil {
			actions[call.Scope] = map[string]bool{}
		}
		actions[call.Scope][call.Action] = true
	}
	doc := &PolicyDocument{Version: "2012-10-17"}
	for _, key := range sortedKeys(actions) {
		scope := c.Scopes[key]
		st := Statement{
			Sid:       strings.ToUpper(key[:1]) + key[1:],
			Effect:    "Allow",
			Action:    sortedKeys(actions[key]),
			Condition: scope.Condition,
		}
		for _, r := range scope.Resources {
			st.Resource = append(st.Resource, strings.ReplaceAll(r, "{prefix}", prefix))
		}
		doc.Statement = append(doc.Statement, st)
	}
	sort.Slice(doc.Statement, func(i, j int) bool { return doc.Statement[i].Sid < doc.Statement[j].Sid })
	return doc, nil
}

// MaxManagedPolicySize is the most characters, not counting white space, an
// IAM customer managed policy may have (IAM quotas: "Managed policy size
// 6,144 characters"; white space is not counted).
const MaxManagedPolicySize = 6144

// Size returns the document's length in characters without white space, as
// IAM counts it against MaxManagedPolicySize.
func (d *PolicyDocument) Size() (int, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return 0, fmt.Errorf("marshalling policy: %w", err)
	}
	return len(b), nil
}

// Marshal returns the document as indented JSON with a final newline, the
// form of deploy/aws-deployer-policy.json.
func (d *PolicyDocument) Marshal() ([]byte, error) {
	return marshalIndent(d)
}

// CustomRole is a GCP custom role definition in the form
// `gcloud iam roles create --file` reads (JSON is valid YAML).
type CustomRole struct {
	// Title is the role's title.
	Title string `json:"title"`
	// Description says what the role is for.
	Description string `json:"description"`
	// Stage is the launch stage, "GA".
	Stage string `json:"stage"`
	// IncludedPermissions lists the permissions, sorted and without
	// duplicates.
	IncludedPermissions []string `json:"includedPermissions"`
}

// RoleFor builds the deployer's GCP custom role from a GCP catalog: every
// granted permission, once.
func RoleFor(c *Catalog) (*CustomRole, error) {
	if c.Cloud != "gcp" {
		return nil, errors.New("building custom role: catalog is not for gcp")
	}
	perms := map[string]bool{}
	for _, call := range c.granted() {
		perms[call.Action] = true
	}
	return &CustomRole{
		Title:               "berth deployer",
		Description:         "What pulumi up needs for berth's Cloud Run stack; generated from deploy/gcp-deployer.json, see docs/deployer.md",
		Stage:               "GA",
		IncludedPermissions: sortedKeys(perms),
	}, nil
}

// Marshal returns the role as indented JSON with a final newline, the form
// of deploy/gcp-deployer-role.json.
func (r *CustomRole) Marshal() ([]byte, error) {
	return marshalIndent(r)
}

func marshalIndent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("marshalling: %w", err)
	}
	return buf.Bytes(), nil
}
