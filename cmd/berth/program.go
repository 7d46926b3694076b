package main

import "github.com/berth-dev/berth/infra/program"

// infraProgram is the program berth plan runs: the same Deploy that
// `pulumi up` runs through infra/main.go.
var infraProgram = program.Deploy
