-- Every kind of token floe's SQL scanner knows (internal/sqltext).
SELECT a.id, "Quoted ""Name""", 'it''s', E'tab\t\'q\'', $$dollar 'x'; $$, $tag$ $$ nested $tag$,
       12, 3.5, .5, 1e-3, 2E+10, 1_000, x::INTEGER, y => 1, a <= b, a >= b, a <> b, a != b, 'a' || 'b',
       $1, t$files, naïve /* block ; comment */
FROM lake.ns."t$snapshots" AT (VERSION => 42) AS s; -- trailing
/* outer /* nested ; */ still a comment */ SELECT ?, ?2, $name, X'4A', b'01', list_transform(l, x -> x + 1), a=-1, 1.;
