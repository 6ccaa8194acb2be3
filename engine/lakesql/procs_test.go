package lakesql

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSessionProcedures: procedures belong to the session they are given
// to. The built-in ones are always there; one given with WithProcedure
// runs only in that session; a CALL of a procedure the session lacks says
// so and lists what it has; DuckDB's own table functions still answer
// CALL.
func TestSessionProcedures(t *testing.T) {
	f := openLake(t)
	ctx := context.Background()
	echo := func(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
		return NewRows([]string{"n"}, []string{"BIGINT"}, [][]any{{int64(len(args.Positional))}}), nil
	}
	withEcho, err := Open(ctx, f.wh, WithProcedure("Echo", echo))
	if err != nil {
		t.Fatal(err)
	}
	defer withEcho.Close()

	builtin := []string{"apply_tiering", "expire_snapshots", "maintenance_policy", "register_table", "remove_orphan_files", "replicate", "rewrite_data_files", "rewrite_manifests", "rewrite_position_delete_files", "run_maintenance", "set_clock", "storage_class"}
	if diff := cmp.Diff(builtin, f.s.Procedures()); diff != "" {
		t.Errorf("plain session's procedures (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(append([]string{builtin[0], "echo"}, builtin[1:]...), withEcho.Procedures()); diff != "" {
		t.Errorf("procedures with echo (-want +got):\n%s", diff)
	}

	rows, err := withEcho.Query(ctx, "CALL echo(1, 2, 3)")
	if err != nil {
		t.Fatal(err)
	}
	got, err := rows.All()
	if err != nil || len(got) != 1 || got[0][0] != int64(3) {
		t.Errorf("CALL echo(1, 2, 3) = %v, %v; want 3", got, err)
	}

	for _, tc := range []struct{ call, name string }{
		{"CALL echo(1)", "echo"},
		{"CALL synthesize('crm.customers', epsilon => 1)", "synthesize"},
		{"CALL system.Synthesize('x')", "synthesize"},
	} {
		call := tc.call
		err := f.fails(call)
		want := tc.name + " is not available in this session; it has " + strings.Join(builtin, ", ")
		if !errors.Is(err, ErrNoSuchProcedure) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want ErrNoSuchProcedure saying %q", call, err, want)
		}
	}

	// DuckDB's table functions are not floe procedures.
	if rows := f.rows("CALL pragma_version()"); len(rows) != 1 {
		t.Errorf("CALL pragma_version() returned %v", rows)
	}

	// A name given twice, or a built-in one, is refused at Open.
	for _, opts := range [][]Option{
		{WithProcedure("echo", echo), WithProcedure("ECHO", echo)},
		{WithProcedure("rewrite_data_files", echo)},
		{WithProcedure("register_table", echo)},
	} {
		s, err := Open(ctx, f.wh, opts...)
		if err == nil {
			s.Close()
			t.Errorf("Open with a duplicate procedure succeeded")
		} else if !errors.Is(err, ErrDuplicateProcedure) {
			t.Errorf("Open with a duplicate procedure: err = %v, want ErrDuplicateProcedure", err)
		}
	}
}
