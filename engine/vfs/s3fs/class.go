package s3fs

import (
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// StorageClass returns the storage class of the object name (STANDARD when
// the server reports none, as S3 does for STANDARD objects).
func (f *FS) StorageClass(name string) (string, error) {
	bucket, key, err := f.split("stat", name)
	if err != nil {
		return "", err
	}
	out, err := f.head("stat", bucket, key)
	if err != nil {
		return "", err
	}
	if out.StorageClass == "" {
		return string(types.StorageClassStandard), nil
	}
	return string(out.StorageClass), nil
}

// SetStorageClass changes the storage class of the object name in place:
// a CopyObject of the object onto itself with x-amz-storage-class, as S3
// documents for changing the class of an existing object. The contents and
// metadata stay; only the class (and the object's ETag and modification
// time) change.
func (f *FS) SetStorageClass(name, class string) error {
	bucket, key, err := f.split("set storage class of", name)
	if err != nil {
		return err
	}
	// REPLACE with the object's own metadata: S3 takes COPY with a new
	// class too, but some S3-compatible servers (versitygw) refuse a copy
	// onto itself that does not replace the metadata.
	head, err := f.head("set storage class of", bucket, key)
	if err != nil {
		return err
	}
	_, err = f.client.CopyObject(ctx(), &s3.CopyObjectInput{
		Bucket:            aws.String(bucket),
		Key:               aws.String(key),
		CopySource:        aws.String(bucket + "/" + url.PathEscape(key)),
		StorageClass:      types.StorageClass(class),
		MetadataDirective: types.MetadataDirectiveReplace,
		Metadata:          head.Metadata,
		ContentType:       head.ContentType,
	})
	if err != nil {
		return f.fail("set storage class of", bucket, key, err)
	}
	return nil
}
