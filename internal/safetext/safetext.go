// Package safetext escapes what a terminal would act on in text that
// comes from plans, programs and files, so that a name or value printed
// by berth cannot move the cursor, rewrite a flag line, or reorder what a
// reader sees. berth's standard output and standard error go through a
// Writer, whatever the format.
package safetext

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// escaped reports whether r is written as \uXXXX: control characters other
// than newline and tab (carriage return and escape rewrite what the
// terminal shows), DEL, the C1 controls, and the Unicode bidirectional
// controls (the "Trojan Source" characters, which reorder text on
// screen).
func escaped(r rune) bool {
	switch {
	case r == '\n', r == '\t':
		return false
	case r < 0x20, r == 0x7f, 0x80 <= r && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069:
		return true
	}
	return false
}

// String returns s with each escaped rune written as \uXXXX and each byte
// that is not UTF-8 as \xNN. Inside a JSON string the \u form is the
// same character, so JSON stays valid and means the same.
func String(s string) string { return string(appendSafe(nil, []byte(s))) }

func appendSafe(out, b []byte) []byte {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n == 1:
			out = fmt.Appendf(out, `\x%02x`, b[0])
		case escaped(r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// Line is String for text printed within one line of berth's text output
// (a name, a type, a path, a reason): newlines and tabs are escaped too,
// so that a name cannot forge lines of its own ("No changes").
func Line(s string) string {
	return lineBreaks.Replace(String(s))
}

var lineBreaks = strings.NewReplacer("\n", `\u000a`, "\t", `\u0009`)

// Writer escapes what it writes to an underlying writer as String does.
// A character split between two writes is held until the next; Flush
// writes what is held.
type Writer struct {
	w       io.Writer
	pending []byte
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p and writes it, holding back an incomplete UTF-8
// sequence at its end. It returns len(p) unless the write fails.
func (w *Writer) Write(p []byte) (int, error) {
	buf := append(w.pending, p...)
	cut := len(buf)
	// A UTF-8 sequence is at most 4 bytes: look at the last 3 for one
	// that has started and not ended.
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-3; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				cut = i
			}
			break
		}
	}
	w.pending = append([]byte(nil), buf[cut:]...)
	if _, err := w.w.Write(appendSafe(nil, buf[:cut])); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held back, escaped.
func (w *Writer) Flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	_, err := w.w.Write(appendSafe(nil, w.pending))
	w.pending = nil
	return err
}
