package restserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/floehq/floe/engine"
)

// apiError is an error with the HTTP status and the ErrorModel type the
// REST spec gives it.
type apiError struct {
	status int
	typ    string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

// Constructors for the spec's error responses.
func badRequest(format string, a ...any) error {
	return &apiError{http.StatusBadRequest, "BadRequestException", fmt.Sprintf(format, a...)}
}

func unsupported(format string, a ...any) error {
	return &apiError{http.StatusNotAcceptable, "UnsupportedOperationException", fmt.Sprintf(format, a...)}
}

func unprocessable(format string, a ...any) error {
	return &apiError{http.StatusUnprocessableEntity, "UnprocessableEntityException", fmt.Sprintf(format, a...)}
}

// errorModel is the spec's ErrorModel inside its IcebergErrorResponse.
type errorModel struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    int    `json:"code"`
}

// classify maps an error to its status and ErrorModel type.
func classify(err error) (int, string) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.typ
	case errors.Is(err, catalog.ErrNoSuchTable):
		return http.StatusNotFound, "NoSuchTableException"
	case errors.Is(err, catalog.ErrNoSuchNamespace):
		return http.StatusNotFound, "NoSuchNamespaceException"
	case errors.Is(err, catalog.ErrTableAlreadyExists), errors.Is(err, catalog.ErrNamespaceAlreadyExists):
		return http.StatusConflict, "AlreadyExistsException"
	case errors.Is(err, catalog.ErrNamespaceNotEmpty):
		return http.StatusConflict, "NamespaceNotEmptyException"
	case errors.Is(err, table.ErrCommitFailed):
		return http.StatusConflict, "CommitFailedException"
	case errors.Is(err, engine.ErrInvalidName):
		return http.StatusBadRequest, "BadRequestException"
	case errors.Is(err, engine.ErrReadOnly):
		// A replica (or a table floe only reads): the message names its
		// source.
		return http.StatusForbidden, "ForbiddenException"
	}
	return http.StatusInternalServerError, "InternalServerError"
}

// writeError sends err in the spec's error model. Server errors are logged
// with the request; client errors are the client's to read.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, typ := classify(err)
	if status >= 500 {
		slog.Error("rest catalog request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, map[string]errorModel{"error": {Message: err.Error(), Type: typ, Code: status}})
}

// writeJSON sends v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(map[string]errorModel{"error": {
			Message: "encode response: " + err.Error(), Type: "InternalServerError", Code: status}})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// decodeBody decodes a JSON request body into v; what names the request
// in the error, which says where the body breaks.
func decodeBody(r *http.Request, what string, v any) error {
	const limit = 64 << 20
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, limit))
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &syn):
			return badRequest("malformed JSON in the %s request body at byte %d: %v", what, syn.Offset, err)
		case errors.As(err, &typ):
			return badRequest("invalid %s request body: field %q at byte %d must be %s, not JSON %s", what, typ.Field, typ.Offset, typ.Type, typ.Value)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return badRequest("malformed JSON in the %s request body: it ends before its JSON value does", what)
		case errors.As(err, &mbe):
			return badRequest("the %s request body is larger than %d bytes", what, limit)
		case errors.Is(err, io.EOF):
			return badRequest("the %s request needs a JSON body; it was empty", what)
		}
		return badRequest("invalid %s request body: %v", what, err)
	}
	if dec.More() {
		return badRequest("the %s request body holds more than one JSON value", what)
	}
	return nil
}

// qualified names a table as users write it.
func qualified(ident table.Identifier) string { return "lake." + strings.Join(ident, ".") }
