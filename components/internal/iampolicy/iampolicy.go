// Package iampolicy builds AWS IAM policy documents from typed Go values and
// marshals them to JSON in one place, so that no component writes a policy
// as a string template.
//
// Every list (Action, Resource, principal services, condition values) is
// marshalled as a JSON array, even with one element, and keys are written
// in a fixed order, so the same Document always gives the same JSON and a
// deployment never shows a policy diff from formatting alone.
//
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
package iampolicy

import (
	"encoding/json"
	"fmt"
)

// Version is the current IAM policy language version. Policies without it
// fall back to the 2008 language, which lacks policy variables.
const Version = "2012-10-17"

// Effects of a statement.
const (
	// Allow grants the statement's actions on its resources.
	Allow = "Allow"
	// Deny refuses them, overriding any Allow.
	Deny = "Deny"
)

// Document is an IAM policy document: an identity policy (attached to a
// role) or a trust policy (who may assume the role).
type Document struct {
	// Version is the policy language version. Default: "2012-10-17".
	Version string `json:"Version"`
	// Statement lists the statements, in order.
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document.
type Statement struct {
	// Sid is an optional statement ID: letters and digits only.
	// Default: "", none.
	Sid string `json:"Sid,omitempty"`
	// Effect is Allow or Deny. Default: "" means Allow.
	Effect string `json:"Effect"`
	// Principal names who the statement applies to; only in trust and
	// resource policies. Default: nil, none.
	Principal *Principal `json:"Principal,omitempty"`
	// Action lists the actions, "service:Action", wildcards allowed.
	// Default: none; identity policies need at least one.
	Action []string `json:"Action"`
	// Resource lists the resource ARNs the actions apply to, wildcards
	// allowed; empty in trust policies. Default: none.
	Resource []string `json:"Resource,omitempty"`
	// Condition maps a condition operator ("StringEquals", "ArnLike") to
	// condition keys and their allowed values. Default: nil, no condition.
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// Principal is the Principal element of a trust policy statement.
type Principal struct {
	// Service lists AWS service principals such as
	// "ecs-tasks.amazonaws.com".
	Service []string `json:"Service,omitempty"`
	// AWS lists account, role or user ARNs.
	AWS []string `json:"AWS,omitempty"`
}

// Marshal returns the document as compact JSON, with Version and every
// empty Effect filled in ("2012-10-17" and Allow). It fails when a statement
// has no action, since IAM rejects such a statement.
func Marshal(d Document) (string, error) {
	out := Document{Version: d.Version, Statement: make([]Statement, len(d.Statement))}
	if out.Version == "" {
		out.Version = Version
	}
	for i, s := range d.Statement {
		if s.Effect == "" {
			s.Effect = Allow
		}
		if len(s.Action) == 0 {
			return "", fmt.Errorf("marshalling policy: statement %d has no action", i)
		}
		out.Statement[i] = s
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("marshalling policy: %w", err)
	}
	return string(b), nil
}

// Parse reads a JSON policy document as Marshal writes it. Tests use it to
// compare a recorded policy with an expected Document.
func Parse(s string) (Document, error) {
	var d Document
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return Document{}, fmt.Errorf("parsing policy: %w", err)
	}
	return d, nil
}
