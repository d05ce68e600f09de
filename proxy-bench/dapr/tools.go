//go:build tools

// Package tools pins Dapr's Sentry (cmd/sentry) with daprd's module; build.sh builds it with
// `go build github.com/dapr/dapr/cmd/sentry`.
package tools

import (
	_ "github.com/dapr/dapr/cmd/sentry/app"
)
