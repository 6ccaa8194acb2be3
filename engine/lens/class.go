package lens

// The storage class and tier names, in the S3 Tables vocabulary.
const (
	ClassStandard = "STANDARD"
	TierStandard  = "STANDARD"
)

// StorageClass returns the storage class and tier an object is kept in.
// Every object is STANDARD until tiering lands: this is the one place a
// tiering-aware warehouse will answer from its object metadata.
func StorageClass(name string) (class, tier string) {
	return ClassStandard, TierStandard
}
