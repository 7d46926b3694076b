package e2e

import (
	"context"
	"os"
	"os/exec"
)

// execApp returns a command for the binary with only env and PATH set.
func execApp(env ...string) *exec.Cmd {
	cmd := exec.Command(binary)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	return cmd
}

// withContext returns cmd's copy that is killed when ctx ends.
func withContext(ctx context.Context, cmd *exec.Cmd) *exec.Cmd {
	c := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	c.Env, c.Dir = cmd.Env, cmd.Dir
	return c
}
