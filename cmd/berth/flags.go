package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// outputFormat is one value of a command's --format flag and its writer.
type outputFormat[T any] struct {
	name  string
	write func(T, io.Writer) error
}

// pickFormat returns the writer that --format value names; "" means the
// first format. An unknown value is a usage error listing the formats.
func pickFormat[T any](command, value string, formats ...outputFormat[T]) (func(T, io.Writer) error, error) {
	if value == "" {
		return formats[0].write, nil
	}
	names := make([]string, len(formats))
	for i, f := range formats {
		if f.name == value {
			return f.write, nil
		}
		names[i] = f.name
	}
	allowed := strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	return nil, usageErrorf(command, "--format %q: must be %s", value, allowed)
}

// writeOut writes v to stdout with write, all or nothing: a writer that
// fails halfway leaves stdout empty, so that a pipe never gets half a
// document.
func writeOut[T any](write func(T, io.Writer) error, v T, stdout io.Writer) error {
	var buf bytes.Buffer
	if err := write(v, &buf); err != nil {
		return err
	}
	_, err := stdout.Write(buf.Bytes())
	return err
}

// doubleDash rewrites the flag package's messages, which name flags with one
// dash ("flag needs an argument: -stack"), to the two-dash form the usage
// text shows.
func doubleDash(msg string) string {
	for _, prefix := range []string{"flag needs an argument: -", "flag provided but not defined: -", "for flag -"} {
		if i := strings.Index(msg, prefix); i >= 0 && !strings.HasPrefix(msg[i+len(prefix):], "-") {
			return msg[:i+len(prefix)] + "-" + msg[i+len(prefix):]
		}
	}
	return msg
}

// onceString is a string flag that may be given once.
type onceString struct {
	value string
	set   bool
}

func (o *onceString) String() string { return o.value }

func (o *onceString) Set(v string) error {
	if o.set {
		return fmt.Errorf("given twice (%q and %q)", o.value, v)
	}
	o.value, o.set = v, true
	return nil
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, " ") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}
