// Package workflows_test checks who can reach what in the GitHub Actions
// workflows: which job runs in which environment, which secrets it reads,
// whether it may request an OIDC token, and which stacks the credentialed
// preview covers. A change that gives a pull request's code another secret
// or environment fails here first (docs/pull-requests.md, "Who can reach
// what").
package workflows_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"testing"

	"gopkg.in/yaml.v3"
)

// reach is what one job can reach.
type reach struct {
	Environment string
	Secrets     []string
	IDToken     bool
	// Stacks lists the job's matrix.stack values, nil without a matrix.
	Stacks []string
}

// want is the whole table: every job of every workflow.
var want = map[string]map[string]reach{
	"preview.yml": {
		"test":           {},
		"plan-diff":      {},
		"pulumi-preview": {Environment: "preview", Secrets: []string{"DEV_PULUMI_CONFIG_PASSPHRASE"}, IDToken: true, Stacks: []string{"dev"}},
	},
	"comment.yml": {
		"comment": {},
	},
	"deploy.yml": {
		"dev":  {Environment: "dev", Secrets: []string{"PULUMI_CONFIG_PASSPHRASE"}, IDToken: true},
		"prod": {Environment: "prod", IDToken: true},
	},
}

var secretRef = regexp.MustCompile(`secrets\.([A-Za-z_][A-Za-z0-9_]*)`)

type workflow struct {
	Jobs map[string]job `yaml:"jobs"`
}

type job struct {
	Environment yaml.Node         `yaml:"environment"`
	Permissions map[string]string `yaml:"permissions"`
	Strategy    struct {
		Matrix map[string]yaml.Node `yaml:"matrix"`
	} `yaml:"strategy"`
}

func TestEachJobReachesOnlyItsSecretsAndEnvironments(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", ".github", "workflows")
	files, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]reach{}
	for _, f := range files {
		got[filepath.Base(f)] = readJobs(t, f)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("jobs reach\n%#v\nwant\n%#v", got, want)
	}
}

// TestProdIsReachableOnlyFromItsDeployJob restates the rule the table
// encodes, so that a new job cannot get prod by being added to it.
func TestProdIsReachableOnlyFromItsDeployJob(t *testing.T) {
	t.Parallel()
	for file, jobs := range want {
		for name, r := range jobs {
			prodEnv := r.Environment == "prod"
			if prodEnv != (file == "deploy.yml" && name == "prod") {
				t.Errorf("%s %s runs in environment %q", file, name, r.Environment)
			}
			if r.Environment == "" && len(r.Secrets) > 0 {
				t.Errorf("%s %s reads secrets %v outside an environment: every same-repository pull request would get them", file, name, r.Secrets)
			}
			if r.IDToken && r.Environment == "" {
				t.Errorf("%s %s may request an OIDC token outside an environment", file, name)
			}
			if r.Secrets != nil && slices.Contains(r.Stacks, "prod") {
				t.Errorf("%s %s has secrets and covers prod", file, name)
			}
		}
	}
}

func readJobs(t *testing.T, path string) map[string]reach {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	raw := jobNodes(t, &root)
	out := map[string]reach{}
	for name, j := range w.Jobs {
		r := reach{IDToken: j.Permissions["id-token"] == "write"}
		switch j.Environment.Kind {
		case yaml.ScalarNode:
			r.Environment = j.Environment.Value
		case yaml.MappingNode:
			var env struct{ Name string }
			if err := j.Environment.Decode(&env); err != nil {
				t.Fatal(err)
			}
			r.Environment = env.Name
		}
		text, err := yaml.Marshal(raw[name])
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, m := range secretRef.FindAllStringSubmatch(string(text), -1) {
			if m[1] != "GITHUB_TOKEN" && !seen[m[1]] {
				seen[m[1]] = true
				r.Secrets = append(r.Secrets, m[1])
			}
		}
		sort.Strings(r.Secrets)
		if n, ok := j.Strategy.Matrix["stack"]; ok {
			if err := n.Decode(&r.Stacks); err != nil {
				t.Fatalf("%s %s: matrix.stack: %v", path, name, err)
			}
		}
		out[name] = r
	}
	return out
}

// jobNodes returns each job's YAML node, to search its whole text.
func jobNodes(t *testing.T, root *yaml.Node) map[string]*yaml.Node {
	t.Helper()
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "jobs" {
			jobs := doc.Content[i+1]
			out := map[string]*yaml.Node{}
			for j := 0; j+1 < len(jobs.Content); j += 2 {
				out[jobs.Content[j].Value] = jobs.Content[j+1]
			}
			return out
		}
	}
	t.Fatal("no jobs")
	return nil
}
