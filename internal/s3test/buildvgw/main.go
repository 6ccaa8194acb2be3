// Command buildvgw builds and caches the versitygw binary the S3 tests run
// (package s3test), so the first test package does not pay for the build;
// .ci/run runs it before go test. It prints the binary's path.
package main

import (
	"fmt"
	"os"

	"github.com/floehq/floe/internal/s3test"
)

func main() {
	bin, err := s3test.Binary()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(bin)
}
