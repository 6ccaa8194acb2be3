// Package historyview is the query history browser: the SQL run in every
// session, newest first and one line each, filtered fuzzily as the user
// types, with the whole statement of the selected one below. Choosing one
// sends InsertMsg.
package historyview
