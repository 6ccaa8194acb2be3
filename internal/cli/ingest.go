package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine/ingest"
)

type ingestFlags struct {
	from, format, keys string
	interval           time.Duration
	maxRows            int
	follow             bool

	kafka, topic, group     string
	sasl, saslUser, kafkaCA string
	kafkaTLS                bool
	kafkaTimeout            time.Duration
}

func newIngestCmd(g *globals) *cobra.Command {
	var f ingestFlags
	cmd := &cobra.Command{
		Use:   "ingest lake.SCHEMA.TABLE [flags]",
		Short: "Apply a change stream (Debezium JSON, JSON lines, CSV) to a lake table",
		Long: `Apply a change stream to a lake table in micro-batches, each one commit.

Debezium JSON change events (op c/u/d/r with before/after, with or without
the schema block, optionally wrapped as {"key": ..., "value": ...}) are
applied by primary key: --key, else the table's identifier fields, else the
Debezium key. The last event per key in a batch wins; old rows go by
deletion vectors (v3 tables), position-delete files (v2 merge-on-read) or
rewrites (copy-on-write). Plain JSON lines and CSV (with a header) are
appended, or upserted when --key is given.

--from is a file, a directory (its files in name order; --follow waits for
new files and appended lines) or "-" for standard input. --kafka
host:port[,host:port] --topic T reads every partition of a Kafka topic
instead (without --follow up to the end offsets it had at start); the
partitions' offsets are committed with the table's snapshot, and with
--group they are also committed to that consumer group afterwards, as a
hint for lag monitoring (the snapshot is what a restart resumes from).
SASL: --kafka-sasl plain|scram-sha-256|scram-sha-512 --kafka-user U with
the password in $FLOE_KAFKA_PASSWORD; --kafka-tls, --kafka-ca FILE.
The position read up to is committed in each snapshot's summary
(floe.ingest.position), so a restarted ingest resumes after the last
commit: no event is applied twice or lost. A table that does not exist is created from the first event's
schema (format v3); new source columns are added at the end; a type change
Iceberg cannot promote holds the batch with a warning.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.ingest(cmd, args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.from, "from", "-", "input: a file, a directory of files, or - for standard input")
	fl.StringVar(&f.format, "format", ingest.FormatDebezium, "input format: debezium, jsonl or csv")
	fl.StringVar(&f.keys, "key", "", "key columns, comma separated (default: identifier fields, then the Debezium key)")
	fl.DurationVar(&f.interval, "commit-interval", 5*time.Second, "longest an event waits for its batch's commit")
	fl.IntVar(&f.maxRows, "max-rows", 10000, "most events in one batch (one commit)")
	fl.BoolVar(&f.follow, "follow", false, "keep reading: wait for appended lines and new files (or new Kafka records)")
	fl.StringVar(&f.kafka, "kafka", "", "read a Kafka topic from these brokers, host:port[,host:port]")
	fl.StringVar(&f.topic, "topic", "", "the Kafka topic to read (with --kafka)")
	fl.StringVar(&f.group, "group", "", "consumer group to commit the applied offsets to, as a hint for monitoring (with --kafka)")
	fl.StringVar(&f.sasl, "kafka-sasl", "", "SASL mechanism: plain, scram-sha-256 or scram-sha-512 (password in $FLOE_KAFKA_PASSWORD)")
	fl.StringVar(&f.saslUser, "kafka-user", "", "SASL user name (with --kafka-sasl)")
	fl.BoolVar(&f.kafkaTLS, "kafka-tls", false, "connect to the Kafka brokers over TLS")
	fl.StringVar(&f.kafkaCA, "kafka-ca", "", "PEM file of the CA that signed the brokers' certificates (implies --kafka-tls)")
	fl.DurationVar(&f.kafkaTimeout, "kafka-timeout", 30*time.Second, "how long the Kafka brokers may be unreachable before ingest fails")
	return cmd
}

// splitTableName reads lake.ns.t or ns.t.
func splitTableName(s string) (string, string, error) {
	parts := strings.Split(s, ".")
	if len(parts) == 3 && strings.EqualFold(parts[0], "lake") {
		parts = parts[1:]
	}
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", fmt.Errorf("%q is not a table name: give lake.SCHEMA.TABLE", s)
	}
	return parts[0], parts[1], nil
}

func (g *globals) ingest(cmd *cobra.Command, name string, f ingestFlags) error {
	ns, tbl, err := splitTableName(name)
	if err != nil {
		return err
	}
	if f.kafka == "" && (f.topic != "" || f.group != "" || f.sasl != "" || f.kafkaTLS || f.kafkaCA != "") {
		return fmt.Errorf("ingest: --topic, --group and the --kafka-* flags go with --kafka host:port")
	}
	if f.kafka != "" {
		if cmd.Flags().Changed("from") {
			return fmt.Errorf("ingest: give --from or --kafka, not both")
		}
		if f.topic == "" {
			return fmt.Errorf("ingest: --kafka needs --topic")
		}
		if f.sasl != "" && f.saslUser == "" {
			return fmt.Errorf("ingest: --kafka-sasl needs --kafka-user (and the password in $FLOE_KAFKA_PASSWORD)")
		}
	} else if f.follow && f.from == "-" {
		return fmt.Errorf("ingest: --follow reads a file or directory; standard input is followed anyway until it ends")
	}
	var keys []string
	for _, k := range strings.Split(f.keys, ",") {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	ctx := cmd.Context()
	sess, closeAll, err := g.openSession(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	ing, err := ingest.New(ctx, sess, ns, tbl, ingest.Options{Format: f.format, Keys: keys,
		CommitInterval: f.interval, MaxRows: f.maxRows, Log: g.stderr, GuardSource: f.from == "-" && f.kafka == ""})
	if err != nil {
		return err
	}
	pos, resume := ing.Applied()
	var src ingest.Source
	if f.kafka != "" {
		var brokers []string
		for _, b := range strings.Split(f.kafka, ",") {
			if b = strings.TrimSpace(b); b != "" {
				brokers = append(brokers, b)
			}
		}
		src, err = ingest.OpenKafka(ctx, ingest.KafkaOptions{Brokers: brokers, Topic: f.topic, Group: f.group,
			SASL: f.sasl, User: f.saslUser, Password: os.Getenv("FLOE_KAFKA_PASSWORD"),
			TLS: f.kafkaTLS, CAFile: f.kafkaCA, Follow: f.follow, Timeout: f.kafkaTimeout,
			WrapKey: f.format == "" || f.format == ingest.FormatDebezium}, pos, resume)
		if err != nil {
			return err
		}
	} else if f.from == "-" {
		src = ingest.NewReaderSource(g.stdin, "stdin", "-")
	} else {
		if src, err = ingest.OpenFile(f.from, f.follow, pos, resume); err != nil {
			return err
		}
	}
	defer src.Close()
	if resume {
		fmt.Fprintf(g.stderr, "ingest: %s holds position %s\n", ing.Ident(), pos)
		if f.kafka != "" {
			if pos.Stream != ingest.KafkaStream(f.topic) {
				fmt.Fprintf(g.stderr, "ingest: that position is in another stream; reading topic %s from its start\n", f.topic)
			}
		} else if abs, err := filepath.Abs(f.from); f.from != "-" && err == nil && abs != pos.Stream {
			fmt.Fprintf(g.stderr, "ingest: that position is in another stream; reading %s from its start\n", f.from)
		}
	}
	err = ing.Run(ctx, src)
	st := ing.Stats()
	fmt.Fprintf(g.stderr, "ingest: %s: %d events (%d skipped as already applied), %d upserts, %d deletes, %d commits, %d schema commits\n",
		ing.Ident(), st.Events, st.Skipped, st.Upserts, st.Deletes, st.Commits, st.SchemaCommits)
	if err != nil && ctx.Err() != nil && f.follow {
		return nil // stopped by a signal
	}
	return err
}
