package strictjson

import (
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"
)

func TestStringKeepsTextExactlyOrSaysWhy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		raw         string
		want        string
		wantProblem int
		wantValue   string
	}{
		{"plain", `"hello"`, "hello", 0, ""},
		{"escapes", `"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t", 0, ""},
		{"unicode escape", `"\u00e9\u4e2d"`, "é中", 0, ""},
		{"surrogate pair", `"\ud83d\ude00"`, "😀", 0, ""},
		{"U+FFFD sent as such stays", `"\ufffd` + "\uFFFD" + `"`, "\uFFFD\uFFFD", 0, ""},
		{"invalid UTF-8", "\"a\xffb\"", "", InvalidUTF8, ""},
		{"truncated UTF-8", "\"\xe4\xb8\"", "", InvalidUTF8, ""},
		{"encoded surrogate", "\"\xed\xa0\x80\"", "", InvalidUTF8, ""},
		{"lone high surrogate", `"\ud800"`, "", LoneSurrogate, ""},
		{"lone low surrogate", `"x\udc00"`, "", LoneSurrogate, ""},
		{"high then not low", `"\ud800\u0041"`, "", LoneSurrogate, ""},
		{"big integer is echoed exactly", `9223372036854775807`, "", NotString, "9223372036854775807"},
		{"null", `null`, "", NotString, "null"},
		{"object", `{"a":1}`, "", NotString, `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := String([]byte(tt.raw))
			var te *TextError
			switch {
			case tt.wantProblem == 0 && (err != nil || got != tt.want):
				t.Fatalf("String(%s) = %q, %v; want %q", tt.raw, got, err, tt.want)
			case tt.wantProblem != 0 && (!errors.As(err, &te) || te.Problem != tt.wantProblem || te.Value != tt.wantValue):
				t.Fatalf("String(%s) = %q, %#v; want problem %d with value %q", tt.raw, got, err, tt.wantProblem, tt.wantValue)
			}
		})
	}
}

func TestObjectRefusesDuplicatesAndNonObjects(t *testing.T) {
	t.Parallel()
	m, err := Object([]byte(` {"title" : "a", "Title":"b","n":[1,{"x":"]}"}],"body":"\"}"} `))
	if err != nil || len(m) != 4 || m[0].Name != "title" || m[1].Name != "Title" || string(m[2].Raw) != `[1,{"x":"]}"}]` || string(m[3].Raw) != `"\"}"` {
		t.Fatalf("Object = %q, %v", m, err)
	}
	var de *DuplicateError
	if _, err := Object([]byte(`{"title":"a","title":"b"}`)); !errors.As(err, &de) || de.Name != "title" {
		t.Fatalf("duplicate: %v, want a DuplicateError naming title", err)
	}
	// An escaped name is the same name.
	if _, err := Object([]byte(`{"title":"a","\u0074itle":"b"}`)); !errors.As(err, &de) || de.Name != "title" {
		t.Fatalf("escaped duplicate: %v, want a DuplicateError naming title", err)
	}
	if _, err := Object([]byte(`[1]`)); err != ErrNotObject {
		t.Fatalf("array: %v, want ErrNotObject", err)
	}
	if _, err := Object([]byte(" \n")); err != ErrEmpty {
		t.Fatalf("blank: %v, want ErrEmpty", err)
	}
	var se *SyntaxError
	if _, err := Object([]byte(`{"a":}`)); !errors.As(err, &se) || se.Offset != 6 {
		t.Fatalf("syntax: %#v, want a SyntaxError at byte 6", err)
	}
}

// FuzzString checks String against encoding/json: where the input is a
// JSON string whose text survives encoding/json unchanged, both agree;
// where String refuses it, encoding/json would have changed it.
func FuzzString(f *testing.F) {
	for _, s := range []string{`"a"`, `"\ud800"`, "\"\xff\"", `"\ud83d\ude00"`, `"\ufffd"`, `1`, `"\\u0041"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if !json.Valid([]byte(raw)) {
			return
		}
		got, err := String([]byte(raw))
		var std any
		json.Unmarshal([]byte(raw), &std)
		s, isString := std.(string)
		if err != nil {
			var te *TextError
			if !errors.As(err, &te) {
				t.Fatalf("String(%q) error %v is not a TextError", raw, err)
			}
			if te.Problem != NotString && !isString {
				t.Fatalf("String(%q) = %v for a non-string", raw, err)
			}
			return
		}
		if !isString || got != s || !utf8.ValidString(got) {
			t.Fatalf("String(%q) = %q; encoding/json reads %q", raw, got, s)
		}
	})
}

// FuzzObject checks that Object never panics on any input and that the
// members it returns are the ones encoding/json sees.
func FuzzObject(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":{"b":["}"]},"c":1}`, `{}`, `[]`, `{"a":1,"a":2}`, ` `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		m, err := Object([]byte(data))
		if err != nil {
			return
		}
		var std map[string]json.RawMessage
		if err := json.Unmarshal([]byte(data), &std); err != nil {
			t.Fatalf("Object(%q) succeeded where encoding/json fails: %v", data, err)
		}
		if len(std) != len(m) {
			t.Fatalf("Object(%q) has %d members; encoding/json %d", data, len(m), len(std))
		}
		for _, mem := range m {
			if !json.Valid(mem.Raw) {
				t.Fatalf("Object(%q): member %q value %q is not JSON", data, mem.Name, mem.Raw)
			}
		}
	})
}
