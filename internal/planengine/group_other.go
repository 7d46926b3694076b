//go:build !unix

package planengine

import "os/exec"

// ownGroup leaves cmd as it is: process groups are a Unix notion, and
// exec.CommandContext kills the program itself.
func ownGroup(*exec.Cmd) {}

// killGroup does nothing where there are no process groups.
func killGroup(*exec.Cmd) error { return nil }
