// Package english writes the counts berth prints: "1 flag", "2 flags".
package english

import "strconv"

// Count returns n and noun, with an "s" unless n is 1: the nouns berth
// counts (flag, change, line, resource) are regular.
func Count(n int, noun string) string {
	if n != 1 {
		noun += "s"
	}
	return strconv.Itoa(n) + " " + noun
}
