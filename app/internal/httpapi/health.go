package httpapi

import (
	"net/http"

	"github.com/berth-dev/berth/app/internal/platform"
)

type statusResponse struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// healthz is the liveness probe: it depends on nothing external, so a
// database outage never makes the platform restart healthy instances. It
// answers 200 for as long as the process serves, draining included.
func (a *API) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, statusResponse{Status: "ok"})
}

// readyz is the readiness probe: 200 only when started, not draining and
// the configured database is reachable and migrated. It reads state kept by
// the background checker and never touches the database itself. The reason
// is one of lifecycle's fixed Reason strings, such as "database
// unavailable": the probe may be reachable by anyone, so why the database
// is down (its host, user and name) is only logged, by the checker.
func (a *API) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if ok, reason := a.opts.Readiness.Ready(); !ok {
		writeJSON(w, http.StatusServiceUnavailable, statusResponse{Status: "not ready", Reason: reason})
		return
	}
	writeJSON(w, http.StatusOK, statusResponse{Status: "ready"})
}

type rootResponse struct {
	Service  string            `json:"service"`
	Revision string            `json:"revision,omitempty"`
	Instance platform.Identity `json:"instance"`
}

// root describes the service and the instance that answered.
func (a *API) root(w http.ResponseWriter, r *http.Request) {
	id := a.opts.Identity()
	writeJSON(w, http.StatusOK, rootResponse{Service: a.opts.ServiceName, Revision: id.Revision, Instance: id})
}
