// Command floe is a terminal and notebook analytics workbench over a
// lakehouse of Iceberg tables it runs itself.
package main

import (
	"os"

	"github.com/floehq/floe/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
