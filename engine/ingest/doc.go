// Package ingest applies change streams to lake tables (change data
// capture): Debezium JSON change events, plain JSON lines and CSV, read
// from a file, a directory being appended to, standard input, an HTTP
// body (Handler, served by floe serve) or the partitions of a Kafka topic
// (OpenKafka, whose offsets are the position), in micro-batches of one commit
// each. Changes apply by primary key, the last event per key in a batch
// winning, through lakesql's ApplyChanges: deletion vectors on v3 tables,
// equality deletes on unpartitioned v2 merge-on-read tables (as Flink
// writes them), position deletes or rewrites otherwise. The stream
// position commits in the same snapshot's summary (floe.ingest.position),
// so a restarted ingest resumes exactly after the last batch committed.
// The same summary holds each stream's (each Kafka partition's) last exact
// Debezium source position applied, so duplicates Debezium itself writes
// at new offsets after a connector restart are skipped (see
// Ingester.guard for the rule, snapshot reads included).
// New source columns are added to the table in their own commit before
// the data that needs them; type changes Iceberg cannot promote hold the
// batch.
package ingest
