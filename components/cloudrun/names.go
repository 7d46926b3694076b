package cloudrun

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Google Cloud's name rules for the resources this package creates, as pure
// functions that return what is wrong ("" when the name is valid).
//
// Sources: berth's gcp.md design notes; Cloud Run "Service name" rules
// (https://cloud.google.com/run/docs/deploying#service); IAM "Creating service
// accounts" (https://cloud.google.com/iam/docs/service-accounts-create);
// Serverless VPC Access "Create a connector"
// (https://cloud.google.com/vpc/docs/configure-serverless-vpc-access); Resource
// Manager "Labels" (https://cloud.google.com/resource-manager/docs/labels-overview).

const (
	// maxServiceName is Cloud Run's service name limit.
	maxServiceName = 49
	// minAccountID and maxAccountID bound a service account ID.
	minAccountID = 6
	maxAccountID = 30
	// maxConnectorName is the Serverless VPC Access connector name limit.
	maxConnectorName = 25
	// maxLabels is the number of labels a resource may carry.
	maxLabels = 64
	// maxSecretID is Secret Manager's secret ID limit.
	maxSecretID = 255
)

var (
	serviceNamePattern   = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	accountIDPattern     = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])$`)
	connectorNamePattern = regexp.MustCompile(`^[a-z][-a-z0-9]{0,23}[a-z0-9]$`)
	projectIDPattern     = regexp.MustCompile(`^[a-z][-a-z0-9]{4,28}[a-z0-9]$`)
	regionPattern        = regexp.MustCompile(`^[a-z]+(-[a-z]+)+[0-9]+$`)
	labelKeyPattern      = regexp.MustCompile(`^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$`)
	labelValuePattern    = regexp.MustCompile(`^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$`)
)

// reservedLabelNamespaces are the label prefixes Cloud Run keeps for itself.
var reservedLabelNamespaces = []string{
	"run.googleapis.com", "cloud.googleapis.com", "serving.knative.dev", "autoscaling.knative.dev",
}

// serviceNameProblem checks a Cloud Run service name: a lowercase letter
// first, then lowercase letters, digits and hyphens, not ending with a
// hyphen, at most 49 characters.
func serviceNameProblem(s string) string {
	if len(s) > maxServiceName {
		return fmt.Sprintf("%q is %d characters long (allowed: at most %d)", s, len(s), maxServiceName)
	}
	if !serviceNamePattern.MatchString(s) {
		return fmt.Sprintf("%q is not a Cloud Run service name (allowed: a lowercase letter, then lowercase letters, digits and hyphens, not ending with a hyphen)", s)
	}
	return ""
}

// accountIDProblem checks a service account ID: 6 to 30 characters, a
// lowercase letter first, lowercase letters, digits and hyphens, ending with
// a letter or digit.
func accountIDProblem(s string) string {
	if len(s) < minAccountID || len(s) > maxAccountID {
		return fmt.Sprintf("%q is %d characters long (allowed: %d to %d)", s, len(s), minAccountID, maxAccountID)
	}
	if !accountIDPattern.MatchString(s) {
		return fmt.Sprintf("%q is not a service account ID (allowed: a lowercase letter, then lowercase letters, digits and hyphens, ending with a letter or digit)", s)
	}
	return ""
}

// connectorNameProblem checks a Serverless VPC Access connector name:
// ^[a-z][-a-z0-9]{0,23}[a-z0-9]$, that is 2 to 25 characters.
func connectorNameProblem(s string) string {
	if len(s) > maxConnectorName {
		return fmt.Sprintf("%q is %d characters long (allowed: 2 to %d)", s, len(s), maxConnectorName)
	}
	if !connectorNamePattern.MatchString(s) {
		return fmt.Sprintf("%q is not a connector name (allowed: 2 to 25 characters, a lowercase letter, then lowercase letters, digits and hyphens, ending with a letter or digit)", s)
	}
	return ""
}

// projectIDProblem checks a Google Cloud project ID: 6 to 30 characters, a
// lowercase letter first, lowercase letters, digits and hyphens, not ending
// with a hyphen.
func projectIDProblem(s string) string {
	if !projectIDPattern.MatchString(s) {
		return fmt.Sprintf("%q is not a project ID (allowed: 6 to 30 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen)", s)
	}
	return ""
}

// regionProblem checks the shape of a Google Cloud region such as
// "us-central1" or "europe-west4". It does not check that the region exists.
func regionProblem(s string) string {
	if s == "" {
		return "required (for example \"us-central1\")"
	}
	if !regionPattern.MatchString(s) {
		return fmt.Sprintf("%q is not a Google Cloud region (for example \"us-central1\" or \"europe-west4\")", s)
	}
	return ""
}

// labelProblems checks one label: keys start with a lowercase letter and
// hold at most 63 lowercase letters, digits, underscores and hyphens; values
// hold at most 63 of the same and may be empty; the Cloud Run namespaces are
// reserved.
func labelProblems(key, value string) (keyProblem, valueProblem string) {
	for _, ns := range reservedLabelNamespaces {
		if strings.HasPrefix(key, ns) {
			return fmt.Sprintf("the %s namespace is reserved by Cloud Run (allowed: any other key)", ns), ""
		}
	}
	if !labelKeyPattern.MatchString(key) {
		keyProblem = fmt.Sprintf("%q is not a label key (allowed: 1 to 63 lowercase letters, digits, underscores and hyphens, starting with a lowercase letter)", key)
	}
	if utf8.RuneCountInString(value) > 63 || !labelValuePattern.MatchString(value) {
		valueProblem = fmt.Sprintf("%q is not a label value (allowed: 0 to 63 lowercase letters, digits, underscores and hyphens)", value)
	}
	return keyProblem, valueProblem
}
