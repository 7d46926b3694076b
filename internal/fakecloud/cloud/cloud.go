// Package cloud is the fake cloud's memory: what exists, which names and
// ranges are taken, the images in each registry and the scripted outcomes
// of deployments. The Pulumi CLI starts the provider plugins afresh for
// every command, and the aws, gcp and docker plugins run side by side, so
// the memory is a JSON file in a directory ($BERTH_FAKECLOUD_DIR), locked
// for each change.
package cloud

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"syscall"

	"github.com/berth-dev/berth/internal/providers"
)

// DirVar names the environment variable holding the fake cloud's
// directory; the plugins fail without it.
const DirVar = "BERTH_FAKECLOUD_DIR"

// Status values of a Record.
const (
	// Live is a resource that exists.
	Live = ""
	// Inactive is an ECS task definition revision that was deregistered:
	// it stays visible (DescribeTaskDefinition still answers) but no new
	// task may start from it.
	Inactive = "INACTIVE"
)

// Record is one resource in the fake cloud.
type Record struct {
	// Type is the Pulumi type token.
	Type string `json:"type"`
	// ID is the provider's ID.
	ID string `json:"id"`
	// Name is the Pulumi name of the resource that created it.
	Name string `json:"name"`
	// Status is Live or Inactive.
	Status string `json:"status,omitempty"`
	// State is the provider state, secrets in plain text (the cloud holds
	// them).
	State map[string]any `json:"state"`
	// Claims are the unique keys the resource holds.
	Claims []string `json:"claims,omitempty"`
}

// State is everything the fake cloud remembers.
type State struct {
	// Resources by Key.
	Resources map[string]*Record `json:"resources"`
	// Claims maps each unique key to the Key of the resource holding it, or
	// to a reason it stays taken after its resource is gone.
	Claims map[string]string `json:"claims"`
	// Sequences are the counters behind providers.IDs.Next.
	Sequences map[string]int `json:"sequences"`
	// Builds counts image builds, each a new digest.
	Builds int `json:"builds"`
	// Images maps repository (REGISTRY/PATH) to tag to digest.
	Images map[string]map[string]string `json:"images"`
	// Deployments scripts how the next deployments of an ECS service, by
	// service name, end.
	Deployments map[string]providers.DeploymentOutcome `json:"deployments"`
	// Operations scripts how the next operations on a Cloud Run service,
	// by service name, end.
	Operations map[string]providers.OperationOutcome `json:"operations"`
	// Revisions are the revisions of each Cloud Run service, by
	// "PROJECT/LOCATION/NAME", then by revision name: the fingerprint of
	// the template that made it (providers.CloudRunFingerprint). Cloud Run
	// keeps a service's revisions until the service is deleted.
	Revisions map[string]map[string]string `json:"revisions"`
	// Log lists every change, in order: "create TYPE ID", "update ...",
	// "delete ...", "deregister ...". Record appends to it.
	Log []string `json:"log"`
	// Steps pairs each change of Log with the endpoints that serve after
	// it (Serving).
	Steps []Step `json:"steps"`
}

// Key is the key of a resource in State.Resources.
func Key(typ, id string) string { return typ + " " + id }

// Live returns the live records, sorted by key: of the given types, or
// of every type when none is given.
func (s *State) Live(types ...string) []*Record {
	var out []*Record
	for _, r := range s.Resources {
		if r.Status == Live && (len(types) == 0 || slices.Contains(types, r.Type)) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return Key(out[i].Type, out[i].ID) < Key(out[j].Type, out[j].ID) })
	return out
}

// Remaining returns what a destroy must leave behind none of, sorted:
// "TYPE ID" of every live record and "image REPO:TAG" of every pushed
// image. Task definitions registered with skipDestroy are left out:
// components/fargate registers them so, so that a rollback target is
// never deregistered, and their deletion only leaves the state
// (terraform-provider-aws internal/service/ecs/task_definition.go
// resourceTaskDefinitionDelete; documented in components/fargate's doc.go).
func (s *State) Remaining() []string {
	var out []string
	for _, r := range s.Live() {
		if r.Type == "aws:ecs/taskDefinition:TaskDefinition" && r.State["skipDestroy"] == true {
			continue
		}
		out = append(out, r.Type+" "+r.ID)
	}
	for repo, tags := range s.Images {
		for tag := range tags {
			out = append(out, "image "+repo+":"+tag)
		}
	}
	sort.Strings(out)
	return out
}

// Claim gives the unique keys to the resource key owner, or returns the
// cloud's error for the first key another resource holds.
func (s *State) Claim(owner string, keys []providers.Key) error {
	return s.claim(owner, keys, false)
}

// ClaimNew gives the unique keys to a resource being created, or returns
// the cloud's error for the first key any resource holds.
func (s *State) ClaimNew(owner string, keys []providers.Key) error {
	return s.claim(owner, keys, true)
}

func (s *State) claim(owner string, keys []providers.Key, fresh bool) error {
	for _, k := range keys {
		if holder, ok := s.Claims[k.Key]; ok && (fresh || holder != owner) {
			return errors.New(k.Err)
		}
	}
	for _, k := range keys {
		s.Claims[k.Key] = owner
	}
	return nil
}

// Remove deletes the resource key and frees the unique keys it holds.
func (s *State) Remove(key string) {
	if r, ok := s.Resources[key]; ok {
		s.Release(key, r.Claims)
		delete(s.Resources, key)
	}
}

// Release frees the keys the resource key owner holds.
func (s *State) Release(owner string, keys []string) {
	for _, k := range keys {
		if s.Claims[k] == owner {
			delete(s.Claims, k)
		}
	}
}

// Cloud is the fake cloud in a directory.
type Cloud struct {
	dir string
}

// FromEnv opens the fake cloud named by $BERTH_FAKECLOUD_DIR.
func FromEnv() (*Cloud, error) {
	dir := os.Getenv(DirVar)
	if dir == "" {
		return nil, fmt.Errorf("%s is not set: the fake cloud needs a directory to keep its state in", DirVar)
	}
	return Open(dir)
}

// Open opens (creating it if needed) the fake cloud in dir.
func Open(dir string) (*Cloud, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating fake cloud directory: %w", err)
	}
	return &Cloud{dir: dir}, nil
}

// Read returns a snapshot of the state.
func (c *Cloud) Read() (*State, error) {
	var s *State
	err := c.Update(func(st *State) error { s = st; return errSkipWrite })
	return s, err
}

var errSkipWrite = errors.New("skip write")

// Update runs fn on the state under an exclusive lock and saves what fn
// changed unless it fails.
func (c *Cloud) Update(fn func(*State) error) error {
	lock, err := os.OpenFile(filepath.Join(c.dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("opening fake cloud lock: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("locking fake cloud: %w", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)

	path := filepath.Join(c.dir, "state.json")
	s := &State{}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("reading fake cloud state: %w", err)
	default:
		if err := json.Unmarshal(data, s); err != nil {
			return fmt.Errorf("decoding fake cloud state: %w", err)
		}
	}
	if s.Resources == nil {
		s.Resources = map[string]*Record{}
	}
	if s.Claims == nil {
		s.Claims = map[string]string{}
	}
	if s.Sequences == nil {
		s.Sequences = map[string]int{}
	}
	if s.Images == nil {
		s.Images = map[string]map[string]string{}
	}
	if s.Deployments == nil {
		s.Deployments = map[string]providers.DeploymentOutcome{}
	}
	if s.Revisions == nil {
		s.Revisions = map[string]map[string]string{}
	}
	if s.Operations == nil {
		s.Operations = map[string]providers.OperationOutcome{}
	}
	if err := fn(s); err != nil {
		if errors.Is(err, errSkipWrite) {
			return nil
		}
		return err
	}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding fake cloud state: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out, 0o600); err != nil {
		return fmt.Errorf("writing fake cloud state: %w", err)
	}
	return os.Rename(tmp, path)
}

// AnyService in a script stands for every service the script does not
// name.
const AnyService = "*"

// Deployment is how the next deployment of the ECS service named service
// ends, as scripted.
func (s *State) Deployment(service string) providers.DeploymentOutcome {
	return scripted(s.Deployments, service)
}

// Operation is how the next operation on the Cloud Run service named
// service ends, as scripted.
func (s *State) Operation(service string) providers.OperationOutcome {
	return scripted(s.Operations, service)
}

// scripted is the outcome script gives service: its own, else
// AnyService's.
func scripted[O any](script map[string]O, service string) O {
	if o, ok := script[service]; ok {
		return o
	}
	return script[AnyService]
}

// ScriptDeployments makes the next deployments of the ECS service named
// service (or AnyService) end with outcome, until scripted otherwise.
func (c *Cloud) ScriptDeployments(service string, outcome providers.DeploymentOutcome) error {
	return c.Update(func(s *State) error {
		s.Deployments[service] = outcome
		return nil
	})
}

// ScriptOperations makes the next operations on the Cloud Run service named
// service (or AnyService) end with outcome, until scripted otherwise.
func (c *Cloud) ScriptOperations(service string, outcome providers.OperationOutcome) error {
	return c.Update(func(s *State) error {
		s.Operations[service] = outcome
		return nil
	})
}

// IDs makes fresh identifiers and counts sequences in s.
type IDs struct{ S *State }

var _ providers.IDs = IDs{}

// Generate returns n random characters of alphabet.
func (ids IDs) Generate(alphabet string, n int) (string, bool) {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		r, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand does not fail on Linux
		}
		b[i] = alphabet[r.Int64()]
	}
	return string(b), true
}

// Next returns the next number of seq.
func (ids IDs) Next(seq string) (int, bool) {
	ids.S.Sequences[seq]++
	return ids.S.Sequences[seq], true
}
