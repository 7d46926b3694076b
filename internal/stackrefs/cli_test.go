package stackrefs

// The decoder and the checkpoint reader held against the Pulumi CLI's own
// code at the pinned version (github.com/pulumi/pulumi/pkg/v3 v3.274.1
// resource/stack), so that what berth reads from a file backend does not
// rest on berth's reading of that code alone.

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/pkg/v3/resource/stack"
	"github.com/pulumi/pulumi/sdk/v3/go/common/encoding"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// fixedDecrypter decrypts every ciphertext to the JSON string "x".
type fixedDecrypter struct{}

func (fixedDecrypter) DecryptValue(context.Context, string) (string, error) { return `"x"`, nil }
func (fixedDecrypter) BatchDecrypt(_ context.Context, cs []string) ([]string, error) {
	out := make([]string, len(cs))
	for i := range out {
		out[i] = `"x"`
	}
	return out, nil
}

// blind is v with every secret a secret of unknown content: what berth
// reads where the CLI decrypts.
func blind(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return unknownSecret()
	case v.IsObject():
		m := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			m[k] = blind(e)
		}
		return resource.NewProperty(m)
	case v.IsArray():
		a := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			a[i] = blind(e)
		}
		return resource.NewProperty(a)
	}
	return v
}

func TestDecodeAgreesWithTheCLI(t *testing.T) {
	t.Parallel()
	const key = `"4dabf18193072939515e22adb298388d"`
	cases := []string{
		`"vpc-1"`, `3`, `true`, `null`, `["a", {"b": 1}]`, `{"a": {"b": [1, 2]}}`,
		`"04da6b54-80e4-46f7-96ec-b56ff0331ba9"`,
		`{` + key + `: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:AAAA"}`,
		`{` + key + `: "1b47061264138c4ac30d75fd1eb44270", "plaintext": "\"hunter2\""}`,
		`{"db": {` + key + `: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:AAAA"}}`,
		`{` + key + `: "1b47061264138c4ac30d75fd1eb44270"}`,
		`{` + key + `: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "a", "plaintext": "b"}`,
		`{` + key + `: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": ""}`,
		`{` + key + `: "1b47061264138c4ac30d75fd1eb44270", "plaintext": ""}`,
		`{` + key + `: "1b47061264138c4ac30d75fd1eb44270", "plaintext": "not json"}`,
		`{` + key + `: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": 7}`,
		`{` + key + `: "803fd3297a5875dc03ca845dda5d2a98", "value": "/w=="}`,
		`{` + key + `: "803fd3297a5875dc03ca845dda5d2a98", "value": "%%%"}`,
		`{` + key + `: "8ad145fe-0d11-4827-bfd7-1abcbf086f5c", "value": "7ff0000000000000"}`,
		`{` + key + `: "8ad145fe-0d11-4827-bfd7-1abcbf086f5c"}`,
		`{` + key + `: "c44067f5952c0a294b673a41bacd8c17", "text": "hi"}`,
		`{` + key + `: "c44067f5952c0a294b673a41bacd8c17", "path": "a.txt", "hash": "00"}`,
		`{` + key + `: "0def7320c3a5731c473e5ecbe6d01bc7", "assets": {"a": {` + key + `: "c44067f5952c0a294b673a41bacd8c17", "text": "hi"}}}`,
		`{` + key + `: "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", "id": "b-1", "packageVersion": "6.83.4"}`,
		`{` + key + `: "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:pulumi:dev::p::x:index:C::c"}`,
		`{` + key + `: "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", "id": {"V": {}}}`,
		`{` + key + `: "5cf8f73096256a8f31e491e813e4eb8e", "id": "b-1"}`,
		`{` + key + `: "5cf8f73096256a8f31e491e813e4eb8e", "urn": "u", "id": 7}`,
		`{` + key + `: "not-a-signature"}`,
	}
	for _, js := range cases {
		var v any
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		cli, cliErr := stack.DeserializePropertyValue(v, fixedDecrypter{})
		ours, err := decode(v, stored)
		switch {
		case (cliErr == nil) != (err == nil):
			t.Errorf("%s: berth's error %v, the CLI's %v", js, err, cliErr)
		case err == nil && !ours.DeepEquals(blind(cli)):
			t.Errorf("%s: berth reads %v, the CLI %v", js, ours, cli)
		}
	}
}

func TestCheckpointVersionsAgreeWithTheCLI(t *testing.T) {
	t.Parallel()
	for version := 0; version <= 5; version++ {
		for _, features := range [][]string{nil, {"views", "hooks", "byteString"}, {"teleport"}} {
			doc := map[string]any{"version": version, "checkpoint": map[string]any{"stack": "organization/p/dev"}}
			if features != nil {
				doc["features"] = features
			}
			raw, _ := json.Marshal(doc)
			_, _, _, cliErr := stack.UnmarshalVersionedCheckpointToLatestCheckpoint(encoding.JSON, raw)
			file := writeTemp(t, raw)
			_, err := checkpointOutputs(file)
			name := fmt.Sprintf("version %d, features %v", version, features)
			switch {
			case version < 3:
				// The one intended difference: the CLI migrates what old
				// CLIs wrote; berth asks for the stack to be rewritten.
				if err == nil {
					t.Errorf("%s: berth read it", name)
				}
			case (cliErr == nil) != (err == nil):
				t.Errorf("%s: berth's error %v, the CLI's %v", name, err, cliErr)
			}
		}
	}
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	f := t.TempDir() + "/c.json"
	write(t, f, data)
	return f
}
