package stackrefs

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/berth-dev/berth/internal/fileread"
)

// maxOutputsFile bounds a --stack-outputs file: printed stack outputs are
// small documents. Checkpoints are bounded by fileread.MaxStateBytes.
const maxOutputsFile = 64 << 20

// blinded is how `pulumi stack output --json` prints a secret output
// without --show-secrets.
const blinded = "[secret]"

// Files reads NAME=FILE values (berth plan --stack-outputs): the outputs of
// the stack a program references by NAME (pulumi.NewStackReference(ctx,
// NAME, ...)), FILE the JSON `pulumi stack output --json` prints for it.
// A value that is the string "[secret]" (a secret output, as that command
// prints it without --show-secrets) stays secret and unknown. With
// --show-secrets the file holds secrets in plaintext and nothing marks
// them, so berth would show them: give the file printed without it. The lookup answers only the names given; the first bad value is the
// error.
func Files(values []string) (Lookup, error) {
	known := map[string]resource.PropertyMap{}
	for _, v := range values {
		name, file, ok := strings.Cut(v, "=")
		if !ok || name == "" || file == "" {
			return nil, fmt.Errorf("%q: must be NAME=FILE, the stack reference's name and the JSON of `pulumi stack output --json` for that stack", v)
		}
		if _, dup := known[name]; dup {
			return nil, fmt.Errorf("stack %q given twice", name)
		}
		outs, err := readOutputsFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		known[name] = outs
	}
	return func(name string) (resource.PropertyMap, bool, error) {
		outs, ok := known[name]
		return outs, ok, nil
	}, nil
}

// readOutputsFile reads one stack's outputs from a regular file.
func readOutputsFile(file string) (resource.PropertyMap, error) {
	raw, err := fileread.Read(file, maxOutputsFile)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s is not the JSON object `pulumi stack output --json` prints: %v", file, err)
	}
	out := resource.PropertyMap{}
	for k, v := range doc {
		pv, err := decode(v, printed)
		if err != nil {
			return nil, fmt.Errorf("%s: output %s: %w", file, k, err)
		}
		out[resource.PropertyKey(k)] = pv
	}
	return out, nil
}

// unknownSecret is a secret output whose value berth does not read.
func unknownSecret() resource.PropertyValue {
	return resource.MakeSecret(resource.MakeComputed(resource.NewProperty("")))
}
