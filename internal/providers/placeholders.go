package providers

import (
	"crypto/sha256"
	"encoding/binary"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// placeholderLen is the shortest placeholder Placeholders makes. A
// placeholder is told apart from real text by its characters alone, so it
// must be long enough never to occur by chance: sixteen characters of even
// the smallest alphabet (ten digits) are 53 bits. A shorter identifier the
// cloud would make (six characters of a Secrets Manager suffix, three of a
// UUID group) is made this long instead; nothing berth plans checks their
// length.
const placeholderLen = 16

// placeholderNumbers are where placeholder sequence numbers start: fifteen
// digits, which a float64 holds exactly, and which no real revision or
// version count reaches.
const placeholderNumbers = 100_000_000_000_000

// Placeholders is the IDs source of an offline plan that shows what it can
// of values the cloud completes: where the cloud invents part of a value
// (the random suffix of an ARN, an image digest, a revision), the model
// gets a placeholder in that part's alphabet, so that the value keeps the
// form programs parse (a digest stays 64 hex digits), and everything built
// from it, up to a JSON container definition, is computed with its known
// parts. Split finds the placeholders in the strings the program then
// registers, so that a plan marks them as unknown and never shows one as a
// value. Create it with NewPlaceholders; it is safe for concurrent use.
type Placeholders struct {
	mu sync.Mutex
	// from holds every placeholder made, with where it comes from.
	from map[string]origin
	// config holds the placeholder of each configuration key, so that
	// every ARN of one plan holds the same account.
	config map[string]string
	n      uint64
}

// origin is where a placeholder comes from.
type origin struct {
	// urn is the resource whose value it stands for, "" for provider
	// configuration.
	urn string
	// stable says the value stays when the resource is updated (an ARN's
	// suffix, an ID); otherwise each update makes a new one (an image
	// digest, a revision number).
	stable bool
}

// NewPlaceholders returns an empty placeholder source for one plan.
func NewPlaceholders() *Placeholders {
	return &Placeholders{from: map[string]origin{}, config: map[string]string{}}
}

// For returns the IDs source of the resource urn. What it generates is new
// on each update unless Ctx.Keep or Ctx.NewID asks for it (see
// Piece.Stable).
func (p *Placeholders) For(urn string) IDs { return placeholderIDs{p: p, o: origin{urn: urn}} }

// configPlaceholders are the provider configuration keys whose missing
// value Placeholders stands in for, with the alphabet and length of the
// real value: an AWS account ID is twelve digits. Other keys (a region, a
// project) decide more than text, such as DNS suffixes, and stay unknown.
var configPlaceholders = map[string]struct {
	alphabet string
	n        int
}{"account": {Digits, 12}}

// draw returns a new placeholder of n characters of alphabet (at least
// placeholderLen), recorded as standing for a value of urn.
func (p *Placeholders) draw(o origin, alphabet string, n int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.drawLocked(o, alphabet, max(n, placeholderLen))
}

// drawLocked returns a new placeholder of exactly n characters of alphabet,
// recorded for urn. The characters come from a counter's hash, so that a
// plan is the same on every run. p.mu must be held.
func (p *Placeholders) drawLocked(o origin, alphabet string, n int) string {
	for {
		out := make([]byte, n)
		for i := range out {
			out[i] = alphabet[p.nextLocked()%uint64(len(alphabet))]
		}
		if s := string(out); p.record(s, o) {
			return s
		}
	}
}

// nextLocked returns the next pseudo-random number. p.mu must be held.
func (p *Placeholders) nextLocked() uint64 {
	p.n++
	sum := sha256.Sum256([]byte("berth placeholder\x00" + strconv.FormatUint(p.n, 10)))
	return binary.BigEndian.Uint64(sum[:8])
}

// record keeps s as a placeholder of o unless it is one already. p.mu
// must be held.
func (p *Placeholders) record(s string, o origin) bool {
	if _, dup := p.from[s]; dup {
		return false
	}
	p.from[s] = o
	return true
}

// Derive records s, a value a program computed from the placeholder hole
// in a way Split cannot see through (a hash), as a placeholder of the same
// resource, new on each update: a plan then shows s as unknown, wherever
// it appears, instead of a value that exists only because of the
// placeholder.
func (p *Placeholders) Derive(s string, hole Piece) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.record(s, origin{urn: hole.From})
}

// number returns a new placeholder sequence number of o.
func (p *Placeholders) number(o origin) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		n := placeholderNumbers + int(p.nextLocked()%(9*placeholderNumbers))
		if p.record(strconv.Itoa(n), o) {
			return n
		}
	}
}

// configValue returns the placeholder of provider configuration key, when
// the key has a form to stand in for: the same one for every resource.
func (p *Placeholders) configValue(key string) (string, bool) {
	f, ok := configPlaceholders[key]
	if !ok {
		return "", false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.config[key]
	if !ok {
		s = p.drawLocked(origin{stable: true}, f.alphabet, f.n)
		p.config[key] = s
	}
	return s, true
}

// Piece is a part of a string that Split cuts: known text, or a
// placeholder.
type Piece struct {
	// Text is the piece's text: the placeholder itself for a hole.
	Text string
	// Hole says the piece is a placeholder, not a value.
	Hole bool
	// From is the URN of the resource whose value the hole stands for, ""
	// for provider configuration.
	From string
	// Stable says the value stays when that resource is updated.
	Stable bool
}

// Split cuts s into known text and the placeholders it holds, in order; a
// string without placeholders is one piece, and "" none.
func (p *Placeholders) Split(s string) []Piece {
	if s == "" {
		return nil
	}
	type span struct {
		at, end int
		from    origin
	}
	var spans []span
	p.mu.Lock()
	for ph, from := range p.from {
		for i := 0; ; {
			j := strings.Index(s[i:], ph)
			if j < 0 {
				break
			}
			spans = append(spans, span{i + j, i + j + len(ph), from})
			i += j + len(ph)
		}
	}
	p.mu.Unlock()
	if len(spans) == 0 {
		return []Piece{{Text: s}}
	}
	// The longest placeholder at a position wins; one that overlaps an
	// earlier one joins it (a number placeholder is a substring of the
	// digits it was made from).
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].at != spans[j].at {
			return spans[i].at < spans[j].at
		}
		return spans[i].end > spans[j].end
	})
	var out []Piece
	at := 0
	for i := 0; i < len(spans); i++ {
		sp := spans[i]
		for i+1 < len(spans) && spans[i+1].at < sp.end {
			sp.end = max(sp.end, spans[i+1].end)
			i++
		}
		if sp.at > at {
			out = append(out, Piece{Text: s[at:sp.at]})
		}
		out = append(out, Piece{Text: s[sp.at:sp.end], Hole: true, From: sp.from.urn, Stable: sp.from.stable})
		at = sp.end
	}
	if at < len(s) {
		out = append(out, Piece{Text: s[at:]})
	}
	return out
}

// Number reports whether f is a placeholder sequence number, and returns
// it as the hole it is.
func (p *Placeholders) Number(f float64) (Piece, bool) {
	if f < placeholderNumbers || f != float64(int64(f)) {
		return Piece{}, false
	}
	s := strconv.FormatInt(int64(f), 10)
	p.mu.Lock()
	defer p.mu.Unlock()
	o, ok := p.from[s]
	return Piece{Text: s, Hole: true, From: o.urn, Stable: o.stable}, ok
}

// placeholderIDs is the IDs source of one resource of a Placeholders.
type placeholderIDs struct {
	p *Placeholders
	o origin
}

var _ IDs = placeholderIDs{}

// Generate returns a placeholder of at least n characters of alphabet.
func (s placeholderIDs) Generate(alphabet string, n int) (string, bool) {
	return s.p.draw(s.o, alphabet, n), true
}

// Next returns a placeholder sequence number.
func (s placeholderIDs) Next(string) (int, bool) { return s.p.number(s.o), true }

// stable returns the source of values that stay when the resource is
// updated.
func (s placeholderIDs) stable() placeholderIDs {
	s.o.stable = true
	return s
}

// mark records v as a placeholder: a value computed from placeholders
// alone, such as an image digest hashed from a build nonce.
func (s placeholderIDs) mark(v string) {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	s.p.from[v] = s.o
}

// configValue stands in for a provider configuration value the plan lacks.
func (s placeholderIDs) configValue(key string) (string, bool) { return s.p.configValue(key) }
