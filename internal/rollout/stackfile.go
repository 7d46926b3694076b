package rollout

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/berth-dev/berth/internal/fileread"
)

// Edit is a change of KEY.rollout.canary in a stack file: what promote and
// abort write.
type Edit struct {
	// Stable, when not empty, becomes rollout.canary.stable, and
	// rollout.canary.abort is removed: a promotion.
	Stable string
	// Abort sets rollout.canary.abort to true.
	Abort bool
}

// EditStack applies e to the service settings under key (a full config
// key, "berth:service") of the stack file data (Pulumi.<stack>.yaml) and
// returns the new file.
//
// The file is parsed with yaml.v3 only to find where the settings are;
// the change is spliced into the original bytes, so that every other
// byte, comments, blank lines, order and `secure:` values included, stays
// as it was. New keys go first in their map (rollout under key, canary
// under rollout, stable or abort under canary), indented as the file
// indents. It refuses, naming the setting, when key is missing, holds a
// secure value or is not a map, when a setting on the way is not a map
// written in block style, or when a value to replace spans lines.
func EditStack(data []byte, key string, e Edit) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parsing the stack file: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the stack file is not a map of settings")
	}
	_, config := lookup(doc.Content[0], "config")
	if config == nil || config.Kind != yaml.MappingNode {
		return nil, errors.New("the stack file has no config: map")
	}
	keyNode, svc := lookup(config, key)
	if svc == nil {
		return nil, fmt.Errorf("the stack has no %s setting", key)
	}
	f := &splicer{lines: splitLines(data)}
	path := key
	if err := blockMap(path, svc, keyNode); err != nil {
		return nil, err
	}
	parentKey, parent := keyNode, svc
	for _, name := range []string{"rollout", "canary"} {
		path += "." + name
		k, v := lookup(parent, name)
		if v == nil {
			// Everything below is new: write it whole.
			step := parent.Content[0].Column - parentKey.Column
			return f.finish(f.insertFirst(parentKey, parent, newTree(name, step, e)))
		}
		if err := blockMap(path, v, k); err != nil {
			return nil, err
		}
		parentKey, parent = k, v
	}
	// parent is rollout.canary. Each edit applies at a line; they apply
	// from the last line up, so that earlier line numbers hold.
	type edit struct {
		line  int
		apply func() error
	}
	var edits []edit
	insert := func(entry string) {
		edits = append(edits, edit{parentKey.Line, func() error { return f.insertFirst(parentKey, parent, []string{entry}) }})
	}
	if e.Stable != "" {
		if k, v := lookup(parent, "stable"); v == nil {
			insert("stable: " + scalar(e.Stable))
		} else {
			edits = append(edits, edit{k.Line, func() error { return f.replace(path+".stable", k, v, scalar(e.Stable)) }})
		}
		if k, v := lookup(parent, "abort"); v != nil {
			edits = append(edits, edit{k.Line, func() error { return f.remove(path+".abort", k, v) }})
		}
	}
	if e.Abort {
		if k, v := lookup(parent, "abort"); v != nil {
			edits = append(edits, edit{k.Line, func() error { return f.replace(path+".abort", k, v, "true") }})
		} else {
			insert("abort: true")
		}
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].line > edits[j].line })
	for _, ed := range edits {
		if err := ed.apply(); err != nil {
			return nil, err
		}
	}
	return f.finish(nil)
}

// newTree is the YAML, unindented, of the settings from name (a missing
// key, rollout or canary) down to the edit, indented by step spaces a
// level.
func newTree(name string, step int, e Edit) []string {
	if step < 1 {
		step = 2
	}
	lines := []string{name + ":"}
	depth := 1
	if name == "rollout" {
		lines = append(lines, strings.Repeat(" ", step)+"canary:")
		depth = 2
	}
	indent := strings.Repeat(" ", depth*step)
	if e.Stable != "" {
		lines = append(lines, indent+"stable: "+scalar(e.Stable))
	}
	if e.Abort {
		lines = append(lines, indent+"abort: true")
	}
	return lines
}

// scalar writes s as a YAML scalar: plain when YAML reads it back as the
// same string, quoted otherwise.
func scalar(s string) string {
	b, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// lookup returns the key and value nodes of name in the mapping m, nil
// when absent.
func lookup(m *yaml.Node, name string) (*yaml.Node, *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == name {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// blockMap checks that v, the value of setting path, is a map of settings
// written in block style below its key.
func blockMap(path string, v, k *yaml.Node) error {
	switch {
	case v.Kind == yaml.AliasNode || v.Anchor != "":
		return fmt.Errorf("%s uses a YAML anchor or alias; berth does not edit those: edit the file by hand", path)
	case v.Kind == yaml.MappingNode && len(v.Content) == 2 && v.Content[0].Value == "secure":
		return fmt.Errorf("%s holds a secure value, not a map of settings; berth does not edit secrets: edit the file by hand", path)
	case v.Kind != yaml.MappingNode:
		return fmt.Errorf("%s is %s, not a map of settings", path, kindName(v))
	case v.Style&yaml.FlowStyle != 0:
		return fmt.Errorf("%s is written in flow style ({...}); berth edits block-style maps only: edit the file by hand", path)
	case len(v.Content) > 0 && v.Content[0].Line <= k.Line:
		return fmt.Errorf("%s starts on its key's line; berth edits block-style maps only: edit the file by hand", path)
	}
	return nil
}

func kindName(v *yaml.Node) string {
	switch v.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return "empty"
		}
		return "a single value"
	default:
		return "not a map"
	}
}

// splicer edits a file by lines, each with its line ending.
type splicer struct {
	lines [][]byte
}

// splitLines splits data after each "\n", keeping it.
func splitLines(data []byte) [][]byte {
	var lines [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, data)
			break
		}
		lines = append(lines, data[:i+1])
		data = data[i+1:]
	}
	return lines
}

// eol is the file's line ending.
func (f *splicer) eol() string {
	if len(f.lines) > 0 && bytes.HasSuffix(f.lines[0], []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}

// insertFirst writes lines (unindented YAML) as the first entries of the
// block map m, whose key is k: right below k's line, indented as m's
// entries are, before any comment above m's first entry.
func (f *splicer) insertFirst(k, m *yaml.Node, lines []string) error {
	indent := strings.Repeat(" ", m.Content[0].Column-1)
	var add [][]byte
	for _, l := range lines {
		add = append(add, []byte(indent+l+f.eol()))
	}
	at := k.Line // the line after k's, 0-based
	if at > len(f.lines) {
		return errors.New("the stack file ends inside a setting")
	}
	if at == len(f.lines) && len(f.lines) > 0 && !bytes.HasSuffix(f.lines[at-1], []byte("\n")) {
		f.lines[at-1] = append(f.lines[at-1], f.eol()...)
	}
	f.lines = append(f.lines[:at], append(add, f.lines[at:]...)...)
	return nil
}

// replace writes text in place of the single-line scalar v, the value of
// setting path with key k, keeping what follows it on the line (a
// comment).
func (f *splicer) replace(path string, k, v *yaml.Node, text string) error {
	start, end, err := f.span(path, k, v)
	if err != nil {
		return err
	}
	line := f.lines[v.Line-1]
	f.lines[v.Line-1] = append(append(append([]byte(nil), line[:start]...), text...), line[end:]...)
	return nil
}

// remove deletes the line of setting path, key k and value v.
func (f *splicer) remove(path string, k, v *yaml.Node) error {
	if _, _, err := f.span(path, k, v); err != nil {
		return err
	}
	f.lines = append(f.lines[:k.Line-1], f.lines[k.Line:]...)
	return nil
}

// span finds the bytes of the scalar v on its line, which must be k's.
func (f *splicer) span(path string, k, v *yaml.Node) (start, end int, err error) {
	if v.Kind != yaml.ScalarNode || v.Line != k.Line || v.Line > len(f.lines) || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		if v.Kind == yaml.MappingNode && len(v.Content) == 2 && v.Content[0].Value == "secure" {
			return 0, 0, fmt.Errorf("%s holds a secure value; berth writes only plain values: edit the file by hand", path)
		}
		return 0, 0, fmt.Errorf("%s is not a single value on its key's line; berth does not edit it: edit the file by hand", path)
	}
	line := f.lines[v.Line-1]
	start = byteOffset(line, v.Column-1)
	rest := line[start:]
	var n int
	switch {
	case v.Style&yaml.DoubleQuotedStyle != 0:
		n = closingQuote(rest, '"', true)
	case v.Style&yaml.SingleQuotedStyle != 0:
		n = closingQuote(rest, '\'', false)
	default:
		n = len(bytes.TrimRight(rest, "\r\n"))
		if i := bytes.Index(rest, []byte(" #")); i >= 0 && i < n {
			n = i
		}
		n = len(bytes.TrimRight(rest[:n], " \t"))
	}
	if n <= 0 {
		return 0, 0, fmt.Errorf("%s spans lines; berth does not edit it: edit the file by hand", path)
	}
	return start, start + n, nil
}

// closingQuote returns the length of the quoted scalar at the start of b,
// quotes included, or 0 when it does not end on the line.
func closingQuote(b []byte, q byte, backslash bool) int {
	for i := 1; i < len(b); i++ {
		switch {
		case backslash && b[i] == '\\':
			i++
		case b[i] == q && !backslash && i+1 < len(b) && b[i+1] == q:
			i++ // '' is a quote inside single quotes
		case b[i] == q:
			return i + 1
		case b[i] == '\n':
			return 0
		}
	}
	return 0
}

// byteOffset converts a column in characters, as yaml.v3 counts, to a byte
// offset in line.
func byteOffset(line []byte, col int) int {
	off := 0
	for i := 0; i < col && off < len(line); i++ {
		_, size := utf8.DecodeRune(line[off:])
		off += size
	}
	return off
}

// finish applies a last insertion error, if any, and joins the lines.
func (f *splicer) finish(err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return bytes.Join(f.lines, nil), nil
}

// maxStackFile bounds the stack file EditStackFile reads.
const maxStackFile = fileread.MaxStackBytes

// EditStackFile applies e to the stack file at path (see EditStack) and
// replaces the file atomically: the new contents go to a temporary file in
// the same directory, with the file's mode, which is then renamed over it,
// so that a reader sees the old file or the new one, never half of one. It
// returns whether the file changed.
func EditStackFile(path, key string, e Edit) (bool, error) {
	old, err := fileread.Read(path, maxStackFile)
	if err != nil {
		return false, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	data, err := EditStack(old, key, e)
	if err != nil {
		return false, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if bytes.Equal(old, data) {
		return false, nil
	}
	return true, writeAtomic(path, data, info.Mode().Perm())
}

// writeAtomic writes data to path through a temporary file and a rename.
func writeAtomic(path string, data []byte, mode os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
