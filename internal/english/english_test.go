package english

import "testing"

func TestCount(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0 resources", 1: "1 resource", 2: "2 resources", 21: "21 resources"} {
		if got := Count(n, "resource"); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}
