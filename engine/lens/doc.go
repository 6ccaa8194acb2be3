// Package lens collects a warehouse's storage metrics (what S3 Storage
// Lens reports for buckets, per table and prefix) into Iceberg tables in
// lake.floe_lens, one day partition per collect: storage_daily,
// object_sizes_daily, table_health_daily, activity_daily and cost_daily.
//
// Collect walks the warehouse through its vfs.FS and reads every table's
// metadata and manifests with iceberg-go, so it works on whatever storage
// the warehouse is on. Each lens table gets one overwrite commit per run
// that replaces that day's partition: a second collect the same day
// replaces the first one's rows, and a collect that dies before its commit
// leaves every earlier row as it was. The lens tables' own files (and the
// activity objects under ActivityPrefix) are never counted, so re-runs
// cannot count themselves.
//
// Activity comes from floe's own I/O accounting: a process that opens its
// warehouse through Count keeps cheap in-memory counters per table and
// writes them as one small object per flush under ActivityPrefix; Collect
// sums the day's objects.
package lens
