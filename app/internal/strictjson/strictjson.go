// Package strictjson reads a JSON object of string members exactly as it
// was sent, for APIs that must store text verbatim or refuse it.
//
// encoding/json is lenient where a store of record must not be: it
// replaces invalid UTF-8 and lone UTF-16 surrogate escapes ("\ud800") with
// U+FFFD, matches member names case-insensitively, and keeps the last of
// duplicate members. [Object] splits one object into its members in order
// and refuses duplicate names; [String] returns a member's string value
// byte for byte, or says what is wrong with it, so that the caller can
// name the field in its error.
package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Member is one member of a JSON object: its name, decoded exactly, and
// its value as sent.
type Member struct {
	// Name is the member name, decoded by the same rules as [String].
	Name string
	// Raw is the member's value exactly as it appears in the input.
	Raw []byte
}

// Errors of [Object].
var (
	// ErrNotObject means the input is valid JSON but not an object.
	ErrNotObject = errors.New("not a JSON object")
	// ErrEmpty means the input holds nothing but white space.
	ErrEmpty = errors.New("empty input")
)

// SyntaxError is invalid JSON, with the byte offset where it was found.
type SyntaxError struct {
	// Offset is the number of bytes read before the error was found.
	Offset int64
	// Msg describes the error, as encoding/json does.
	Msg string
}

func (e *SyntaxError) Error() string { return e.Msg + " at byte " + strconv.FormatInt(e.Offset, 10) }

// DuplicateError names a member that appears more than once.
type DuplicateError struct{ Name string }

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("member %q appears more than once", e.Name)
}

// Object returns the members of data, which must be exactly one JSON
// object with nothing but white space around it, in the order they
// appear. A name that appears twice is a *DuplicateError; a name that is
// not valid text (see [String]) is a *TextError.
func Object(data []byte) ([]Member, error) {
	if !json.Valid(data) {
		i := skipSpace(data, 0)
		if i == len(data) {
			return nil, ErrEmpty
		}
		// Only on this error path: encoding/json finds the offset.
		var se *json.SyntaxError
		if err := json.Unmarshal(data, new(json.RawMessage)); errors.As(err, &se) {
			return nil, &SyntaxError{Offset: se.Offset, Msg: se.Error()}
		}
		return nil, &SyntaxError{Offset: int64(len(data)), Msg: "invalid JSON"}
	}
	// data is valid JSON from here on, so the scan below needs to find
	// only where each part ends, not check it.
	i := skipSpace(data, 0)
	if data[i] != '{' {
		return nil, ErrNotObject
	}
	var members []Member
	seen := map[string]bool{}
	i = skipSpace(data, i+1)
	for data[i] != '}' {
		end := skipValue(data, i)
		name, err := String(data[i:end])
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, &DuplicateError{Name: name}
		}
		seen[name] = true
		i = skipSpace(data, end)
		i = skipSpace(data, i+1) // the colon
		end = skipValue(data, i)
		members = append(members, Member{Name: name, Raw: data[i:end]})
		i = skipSpace(data, end)
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return members, nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the valid JSON value starting at data[i].
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		for i++; ; i++ {
			switch data[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch data[i] {
			case '"':
				i = skipValue(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
	default:
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// Problems a [TextError] reports.
const (
	// NotString: the value is valid JSON of another kind.
	NotString = iota + 1
	// InvalidUTF8: the string holds bytes that are not UTF-8.
	InvalidUTF8
	// LoneSurrogate: the string holds a \uXXXX escape of a UTF-16
	// surrogate (D800 to DFFF) that is not half of a pair, which no
	// Unicode text can hold.
	LoneSurrogate
)

// TextError says why a JSON value is not text that can be kept exactly.
type TextError struct {
	// Problem is NotString, InvalidUTF8 or LoneSurrogate.
	Problem int
	// Offset is the byte offset of the problem within the value as sent.
	Offset int
	// Value is the value as sent when Problem is NotString and it is
	// short (at most 64 bytes), else empty: a number is echoed exactly
	// as the client wrote it, never rounded through a float.
	Value string
}

func (e *TextError) Error() string {
	switch e.Problem {
	case NotString:
		if e.Value != "" {
			return "is not a JSON string but " + e.Value
		}
		return "is not a JSON string"
	case InvalidUTF8:
		return "is not valid UTF-8 (byte " + strconv.Itoa(e.Offset) + " of the value)"
	default:
		return "holds a lone UTF-16 surrogate escape (byte " + strconv.Itoa(e.Offset) + " of the value), which is not a character"
	}
}

// maxEchoed bounds what a TextError repeats of a value.
const maxEchoed = 64

// String returns the string that raw, one valid JSON value, holds, byte
// for byte as sent once its escapes are undone. It returns a *TextError
// when raw is not a string, holds invalid UTF-8, or escapes a lone
// surrogate; encoding/json would turn the last two into U+FFFD.
func String(raw []byte) (string, error) {
	raw = raw[skipSpace(raw, 0):]
	for len(raw) > 0 && skipSpace(raw, len(raw)-1) == len(raw) {
		raw = raw[:len(raw)-1]
	}
	if len(raw) < 2 || raw[0] != '"' {
		e := &TextError{Problem: NotString}
		if len(raw) <= maxEchoed {
			e.Value = string(raw)
		}
		return "", e
	}
	s := raw[1 : len(raw)-1]
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			if c < utf8.RuneSelf {
				out = append(out, c)
				i++
				continue
			}
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				return "", &TextError{Problem: InvalidUTF8, Offset: i + 1}
			}
			out = append(out, s[i:i+size]...)
			i += size
			continue
		}
		// A valid JSON string has a character after each backslash.
		switch s[i+1] {
		case '"', '\\', '/':
			out = append(out, s[i+1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(s[i+2 : i+6])
			if utf16.IsSurrogate(r) {
				// A high surrogate followed by an escaped low one is one
				// character; anything else is a lone surrogate.
				if r < 0xDC00 && i+12 <= len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
					if lo := hex4(s[i+8 : i+12]); lo >= 0xDC00 && lo <= 0xDFFF {
						out = utf8.AppendRune(out, utf16.DecodeRune(r, lo))
						i += 12
						continue
					}
				}
				return "", &TextError{Problem: LoneSurrogate, Offset: i + 1}
			}
			out = utf8.AppendRune(out, r)
			i += 6
			continue
		}
		i += 2
	}
	return string(out), nil
}

// hex4 decodes four hexadecimal digits, which valid JSON guarantees.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}
