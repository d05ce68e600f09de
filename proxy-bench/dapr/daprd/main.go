// daprd for the benchmark and the mixed-mesh tests: Dapr's own daprd (github.com/dapr/dapr/cmd/daprd/app, the module
// pinned in ../go.mod), built as Dapr's release build does it with its stable components (-tags stablecomponents, see
// build.sh), plus one component that Dapr's build registers only under the tag allcomponents: the SQLite name
// resolver, with which several daprd and h2splice sidecars on one host find each other without multicast. Building
// all components instead would take most of the build time for components nothing here uses.
package main

import (
	"github.com/dapr/components-contrib/nameresolution/sqlite"
	"github.com/dapr/dapr/cmd/daprd/app"
	nameresolution "github.com/dapr/dapr/pkg/components/nameresolution"
)

func main() {
	nameresolution.DefaultRegistry.RegisterComponent(sqlite.NewResolver, "sqlite")
	app.Run()
}
