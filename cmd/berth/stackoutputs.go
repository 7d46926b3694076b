package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// maxStackOutputsFile bounds a --stack-outputs file: stack outputs are
// small documents, and a bound keeps a link to /dev/zero from exhausting
// memory.
const maxStackOutputsFile = 16 << 20

// stackOutputs reads --stack-outputs NAME=FILE values: the outputs of the
// stacks the program references (pulumi.NewStackReference(ctx, NAME, ...)),
// each FILE the JSON that `pulumi stack output --json` prints for that
// stack. A value that is the string "[secret]" (a secret output, as that
// command prints it without --show-secrets) is a secret the plan cannot
// know. It returns the lookup the plan engine takes.
func stackOutputs(command string, values []string) (func(string) (resource.PropertyMap, bool), error) {
	known := map[string]resource.PropertyMap{}
	for _, v := range values {
		name, file, ok := strings.Cut(v, "=")
		if !ok || name == "" || file == "" {
			return nil, usageErrorf(command, "--stack-outputs %q: must be NAME=FILE, the stack reference's name and the JSON of `pulumi stack output --json` for that stack", v)
		}
		if _, dup := known[name]; dup {
			return nil, usageErrorf(command, "--stack-outputs: stack %q given twice", name)
		}
		outs, err := readStackOutputs(file)
		if err != nil {
			return nil, usageErrorf(command, "--stack-outputs %s: %v", name, err)
		}
		known[name] = outs
	}
	return func(name string) (resource.PropertyMap, bool) {
		outs, ok := known[name]
		return outs, ok
	}, nil
}

// readStackOutputs reads one stack's outputs from a regular file.
func readStackOutputs(file string) (resource.PropertyMap, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", file)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxStackOutputsFile+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxStackOutputsFile {
		return nil, fmt.Errorf("%s is larger than %d MiB", file, maxStackOutputsFile>>20)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s is not the JSON object `pulumi stack output --json` prints: %v", file, err)
	}
	out := resource.PropertyMap{}
	for k, v := range doc {
		out[resource.PropertyKey(k)] = outputValue(v)
	}
	return out, nil
}

// outputValue is one output: "[secret]" is a secret of unknown content.
func outputValue(v any) resource.PropertyValue {
	switch v := v.(type) {
	case string:
		if v == "[secret]" {
			return resource.MakeSecret(resource.MakeComputed(resource.NewProperty("")))
		}
	case map[string]any:
		m := resource.PropertyMap{}
		for k, e := range v {
			m[resource.PropertyKey(k)] = outputValue(e)
		}
		return resource.NewProperty(m)
	case []any:
		a := make([]resource.PropertyValue, len(v))
		for i, e := range v {
			a[i] = outputValue(e)
		}
		return resource.NewProperty(a)
	}
	return resource.NewPropertyValue(v)
}
