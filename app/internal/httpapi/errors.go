package httpapi

import (
	"encoding/json"
	"net/http"
)

// errorResponse is the body of every error: {"error":{"code","message"}},
// plus "fields" naming each invalid field on 422.
type errorResponse struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []fieldError `json:"fields,omitempty"`
}

// fieldError names one invalid field of a request body or query.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	// Every answer is application/json with nosniff: escaping < > & for
	// HTML would only make notes larger (six bytes for each "<").
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		// The client went away; there is no one to tell.
		clientClosed(w)
	}
}

func writeError(w http.ResponseWriter, status int, code, message string, fields ...fieldError) {
	writeJSON(w, status, errorResponse{Error: errorDetail{Code: code, Message: message, Fields: fields}})
}
