package platform

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDetectCloudRun(t *testing.T) {
	t.Parallel()
	m := Detect(env(map[string]string{"K_SERVICE": "notes", "K_REVISION": "notes-00001-abc", "K_CONFIGURATION": "notes"}))
	id := m.Identity()
	if id.Platform != CloudRun || id.Service != "notes" || id.Revision != "notes-00001-abc" || id.Configuration != "notes" {
		t.Fatalf("Identity() = %+v", id)
	}
	if err := m.Fetch(context.Background()); err != nil {
		t.Fatalf("Fetch() off ECS = %v", err)
	}
	<-m.Fetched()
}

func TestDetectLocalFallsBackToHostname(t *testing.T) {
	t.Parallel()
	id := Detect(env(nil)).Identity()
	if id.Platform != Local || id.Hostname == "" {
		t.Fatalf("Identity() = %+v", id)
	}
}

func TestFetchECSTaskMetadata(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v4/abc/task" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"Cluster":"c","TaskARN":"arn:aws:ecs:eu-west-1:123456789012:task/c/abc","Family":"notes","Revision":"7","AvailabilityZone":"eu-west-1a","Containers":[]}`))
	}))
	defer srv.Close()
	m := Detect(env(map[string]string{"ECS_CONTAINER_METADATA_URI_V4": srv.URL + "/v4/abc"}))
	if id := m.Identity(); id.Platform != ECS || id.TaskARN != "" {
		t.Fatalf("before Fetch: %+v", id)
	}
	if err := m.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-m.Fetched()
	id := m.Identity()
	if id.TaskARN != "arn:aws:ecs:eu-west-1:123456789012:task/c/abc" || id.Family != "notes" || id.Revision != "7" || id.AvailabilityZone != "eu-west-1a" {
		t.Fatalf("Identity() = %+v", id)
	}
}

func TestFetchFailureKeepsHostname(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	defer srv.Close()
	m := Detect(env(map[string]string{"ECS_CONTAINER_METADATA_URI_V4": srv.URL}))
	if err := m.Fetch(context.Background()); err == nil {
		t.Fatal("Fetch() succeeded on a 500")
	}
	if id := m.Identity(); id.Hostname == "" || id.TaskARN != "" {
		t.Fatalf("Identity() = %+v", id)
	}
}
