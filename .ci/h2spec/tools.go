//go:build tools

// Package tools pins h2spec, the HTTP/2 conformance tool H2specConformanceTest runs; .ci/run builds it with
// `go build -o ../../target/tools/h2spec github.com/summerwind/h2spec/cmd/h2spec` from this directory.
package tools

import (
	_ "github.com/spf13/cobra" // cmd/h2spec's own dependency: pinned here too
	_ "github.com/summerwind/h2spec"
)
