// The etcd server, built from the published modules at a pinned version: etcd's own
// module cannot be installed with `go install` (its go.mod has replace directives).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
