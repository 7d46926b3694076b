package safetext

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestStringEscapesWhatATerminalActsOn(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"api\tv2\n":                        "api\tv2\n",
		"ok\x1b[2K\rreplace  none":         `ok\u001b[2K\u000dreplace  none`,
		"\x1b]8;;http://x\x07link":         `\u001b]8;;http://x\u0007link`,
		"admin\u202eetad\u202c":            `admin\u202eetad\u202c`,
		"a\u2066b\u2069\u200f\u061c":       `a\u2066b\u2069\u200f\u061c`,
		"del\x7f c1\u0085 é 日本 \U0001F680": `del\u007f c1\u0085 é 日本 ` + "\U0001F680",
		"bad \xff\xfe utf8":                `bad \xff\xfe utf8`,
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJSONStaysValidAndMeansTheSame(t *testing.T) {
	t.Parallel()
	in := map[string]string{"name": "a\u202eb\x1b\u0085\x7f"}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]string
	if err := json.Unmarshal([]byte(String(string(raw))), &out); err != nil {
		t.Fatalf("escaped JSON does not parse: %v", err)
	}
	if out["name"] != in["name"] {
		t.Errorf("escaped JSON reads %q, want %q", out["name"], in["name"])
	}
}

func TestWriterJoinsCharactersSplitBetweenWrites(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	text := []byte("x\u202ey日\x1bz\xe6")
	for i := range text {
		if n, err := w.Write(text[i : i+1]); n != 1 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := `x\u202ey日\u001bz\xe6`; buf.String() != want {
		t.Errorf("wrote %q, want %q", buf.String(), want)
	}
}
