// compose-check loads a Compose file with compose-go, the library behind `docker compose config`:
// interpolation (including `${VAR:?message}`), the Compose Specification JSON schema, and the
// semantic checks (depends_on targets, networks, volumes). It prints the resolved project as JSON
// on stdout, or the loader's error on stderr with exit code 1. The environment is taken from the
// process only (no .env file), so a test controls exactly which variables are set.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <compose file>")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(
		[]string{os.Args[1]},
		cli.WithOsEnv,
		cli.WithName("compose-check"),
		cli.WithInterpolation(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := json.Marshal(project)
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
