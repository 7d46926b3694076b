package providers

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"sync"
)

// Unknown is the IDs source of an offline plan: nothing the cloud invents
// can be known.
type Unknown struct{}

var _ IDs = Unknown{}

// Generate reports that no new identifier can be known.
func (Unknown) Generate(string, int) (string, bool) { return "", false }

// Next reports that no sequence number can be known.
func (Unknown) Next(string) (int, bool) { return 0, false }

// Sequences numbers the sequences the cloud keeps (task definition
// revisions per family, secret versions per secret) for every Fake of one
// run. The zero value is ready to use and safe for concurrent use.
type Sequences struct {
	mu   sync.Mutex
	next map[string]int
}

func (s *Sequences) advance(seq string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next == nil {
		s.next = map[string]int{}
	}
	s.next[seq]++
	return s.next[seq]
}

// Fake is a deterministic IDs source for one resource: its identifiers are
// drawn from a hash of the seed (the resource's URN), so that the same
// program gets the same values whatever order its registrations arrive in.
// Create it with NewFake; it is not safe for concurrent use.
type Fake struct {
	seed string
	n    int
	seqs *Sequences
}

var _ IDs = (*Fake)(nil)

// NewFake returns the IDs source of the resource seed (its URN). seqs is
// shared by the resources of one run; nil starts every sequence at 1.
func NewFake(seed string, seqs *Sequences) *Fake {
	if seqs == nil {
		seqs = &Sequences{}
	}
	return &Fake{seed: seed, seqs: seqs}
}

// Generate returns the next n characters of alphabet for the seed.
func (f *Fake) Generate(alphabet string, n int) (string, bool) {
	out := make([]byte, n)
	for i := range out {
		f.n++
		sum := sha256.Sum256([]byte(f.seed + "\x00" + strconv.Itoa(f.n)))
		out[i] = alphabet[binary.BigEndian.Uint64(sum[:8])%uint64(len(alphabet))]
	}
	return string(out), true
}

// Next returns the next number of seq.
func (f *Fake) Next(seq string) (int, bool) { return f.seqs.advance(seq), true }
