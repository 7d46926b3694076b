// Package platform finds out where the service runs and which instance it is.
//
// On Google Cloud Run the identity comes from the K_SERVICE, K_REVISION and
// K_CONFIGURATION variables
// (https://cloud.google.com/run/docs/container-contract#env-vars). On AWS
// Fargate it comes from the ECS task metadata endpoint v4
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4-fargate.html),
// ECS_CONTAINER_METADATA_URI_V4 + "/task", fetched once in the background
// with a short timeout so that start-up never waits for it. Elsewhere, and
// until the fetch completes, the hostname identifies the instance.
package platform

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// Names of the platforms that [Identity.Platform] reports.
const (
	// CloudRun is Google Cloud Run, detected by K_SERVICE.
	CloudRun = "cloudrun"
	// ECS is Amazon ECS (Fargate), detected by ECS_CONTAINER_METADATA_URI_V4.
	ECS = "ecs"
	// Local is anywhere else; the hostname identifies the instance.
	Local = "local"
)

// FetchTimeout bounds the one request to the ECS task metadata endpoint; the
// endpoint is link-local and answers in milliseconds when present.
const FetchTimeout = 2 * time.Second

// Identity describes the running instance. Empty fields are unknown.
type Identity struct {
	// Platform is one of CloudRun, ECS and Local.
	Platform string `json:"platform"`
	// Service is K_SERVICE on Cloud Run, the task family on ECS.
	Service string `json:"service,omitempty"`
	// Revision is K_REVISION on Cloud Run, the task definition revision on
	// ECS.
	Revision string `json:"revision,omitempty"`
	// Configuration is K_CONFIGURATION on Cloud Run.
	Configuration string `json:"configuration,omitempty"`
	// TaskARN is the task's ARN from the ECS task metadata endpoint.
	TaskARN string `json:"task_arn,omitempty"`
	// Family is the task definition family from the ECS task metadata
	// endpoint.
	Family string `json:"family,omitempty"`
	// AvailabilityZone is the task's zone from the ECS task metadata
	// endpoint.
	AvailabilityZone string `json:"availability_zone,omitempty"`
	// Hostname is the kernel's host name, the instance identity everywhere.
	Hostname string `json:"hostname,omitempty"`
}

// Metadata holds the instance identity; it is safe for concurrent use.
type Metadata struct {
	mu      sync.RWMutex
	id      Identity
	taskURL string
	fetched chan struct{}
	client  *http.Client
}

// Detect reads the platform variables through getenv. It does no network
// I/O; on ECS call [Metadata.Fetch] in a goroutine to complete the identity.
func Detect(getenv func(string) string) *Metadata {
	host, _ := os.Hostname()
	m := &Metadata{id: Identity{Platform: Local, Hostname: host}, fetched: make(chan struct{})}
	switch {
	case getenv("K_SERVICE") != "":
		m.id.Platform = CloudRun
		m.id.Service = getenv("K_SERVICE")
		m.id.Revision = getenv("K_REVISION")
		m.id.Configuration = getenv("K_CONFIGURATION")
	case getenv("ECS_CONTAINER_METADATA_URI_V4") != "":
		m.id.Platform = ECS
		m.taskURL = getenv("ECS_CONTAINER_METADATA_URI_V4") + "/task"
		m.client = &http.Client{Timeout: FetchTimeout}
	}
	if m.taskURL == "" {
		close(m.fetched)
	}
	return m
}

// Identity returns what is known about the instance so far.
func (m *Metadata) Identity() Identity {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.id
}

// Fetched is closed once the identity is complete (at once off ECS).
func (m *Metadata) Fetched() <-chan struct{} { return m.fetched }

// taskMetadata is the part of the ECS task metadata v4 response we use.
type taskMetadata struct {
	TaskARN          string `json:"TaskARN"`
	Family           string `json:"Family"`
	Revision         string `json:"Revision"`
	AvailabilityZone string `json:"AvailabilityZone"`
}

// Fetch requests the ECS task metadata once, bounded by [FetchTimeout] and
// ctx, and completes the identity. Off ECS it returns nil at once. On
// failure the hostname fallback stays in place and the error is returned
// for logging; it is never retried.
func (m *Metadata) Fetch(ctx context.Context) error {
	if m.taskURL == "" {
		return nil
	}
	defer close(m.fetched)
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.taskURL, nil)
	if err != nil {
		return fmt.Errorf("building task metadata request: %w", err)
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return fmt.Errorf("fetching task metadata: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching task metadata: status %s", resp.Status)
	}
	var tm taskMetadata
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tm); err != nil {
		return fmt.Errorf("decoding task metadata: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.id.TaskARN = tm.TaskARN
	m.id.Family = tm.Family
	m.id.Service = tm.Family
	m.id.Revision = tm.Revision
	m.id.AvailabilityZone = tm.AvailabilityZone
	return nil
}
