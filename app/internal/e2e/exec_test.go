package e2e

import (
	"os"
	"os/exec"
)

// execApp returns a command for the binary with only env and PATH set.
func execApp(env ...string) *exec.Cmd {
	cmd := exec.Command(binary)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	return cmd
}
