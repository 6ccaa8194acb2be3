package replica_test

// helperEnv makes the test binary a replicator process (see TestMain).
const helperEnv = "FLOE_REPLICA_TEST_REPLICATOR"

func replicatorProcess() int { return 2 }
