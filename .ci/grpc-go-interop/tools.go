//go:build tools

// Package tools pins grpc-go's interop client and server (google.golang.org/grpc/interop/client and .../server)
// with every module they import; .ci/run builds both into target/tools/grpc-go-interop/ from this directory, and
// GrpcGoInteropProcessTest runs the client's test cases through two h2splice sidecars against the server.
package tools

import (
	_ "golang.org/x/oauth2"
	_ "google.golang.org/grpc/balancer/rls"
	_ "google.golang.org/grpc/credentials/alts"
	_ "google.golang.org/grpc/credentials/google"
	_ "google.golang.org/grpc/interop"
	_ "google.golang.org/grpc/xds/googledirectpath"
)
