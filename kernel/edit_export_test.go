package kernel

// SQLName exposes sqlName to the external tests.
var SQLName = sqlName
