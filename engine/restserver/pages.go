package restserver

import (
	"net/http"
	"slices"
	"strconv"
)

// page cuts a sorted list of names to the page a list request asks for
// (the spec's pageToken and pageSize query parameters). The token is the
// last name of the previous page, so tables made or dropped between pages
// neither repeat nor hide the others. next is the token of the following
// page, "" on the last one; without pageSize everything is one page.
func page(r *http.Request, names []string) (out []string, next string, err error) {
	q := r.URL.Query()
	size := 0
	if v := q.Get("pageSize"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 {
			return nil, "", badRequest("pageSize must be a positive integer, not %q", v)
		}
	}
	if tok := q.Get("pageToken"); tok != "" {
		i, _ := slices.BinarySearch(names, tok)
		if i < len(names) && names[i] == tok {
			i++
		}
		names = names[i:]
	}
	if size == 0 || len(names) <= size {
		return names, "", nil
	}
	return names[:size], names[size-1], nil
}
