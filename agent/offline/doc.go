// Package offline answers questions without a language model: a
// deterministic planner that maps the words of a question onto the live
// catalog (table and column names, comments, and the distinct values the
// data actually holds) and writes one read-only SQL query.
//
// Schema linking works from names alone: camelCase, PascalCase and
// snake_case names read alike, common abbreviations meet the words they
// stand for (qty, amt, dept, emp, num, dt), a column named like a measure
// is that measure, and a question that asks for money without naming a
// column ("which customer spent the most") takes the table's one money
// column, ranked by the kind of money asked for, then by name, then by a
// decimal type. A 0/1 integer and Yes/No text are flags like booleans. A
// value match beats a name match only when the words are the whole value.
//
// It answers only when it is sure. Words that match nothing are ignored,
// and named in the explanation, when every part of the query is grounded
// without them ("orders placed in the south region"); a word that stands
// where it would change the answer (after "by" or "for", next to a column,
// a capitalized name or a number the data lacks) blocks the answer, and
// so do two columns or values the words fit equally. A refusal says what
// could not be mapped and offers the closest readings.
//
// What it understands: counts (also of distinct values); sum, average,
// median, minimum and maximum of a measure; grouping by one or two
// dimensions or by a date grain (day, week, month, quarter, year, weekday);
// top and bottom k; filters on values that occur in the data (matched
// case- and plural-insensitively), on boolean columns ("senior citizens",
// "customers who did not churn") and numeric comparisons ("tenure over 12");
// date ranges ("in 2024", "in March 2024", "Q1 2024", "since 2024-06-01",
// "between ... and ..."); rates and shares ("churn rate by contract" is the
// average of a boolean, "share of revenue by category" a fraction of the
// total; "percentage" multiplies by 100); and follow-ups that change one
// part of the previous question ("now only for 2024").
//
// Relative dates count back from the latest date in the data, not from the
// wall clock, so that answers over a fixed dataset do not drift: "last 30
// days" is the 30 days ending on the latest date in the column (inclusive);
// "last month", "last quarter", "last week" and "last year" are the previous
// calendar period before the one holding that date; "this year" and "year to
// date" run from the start of that date's year.
package offline
