package plan

import (
	"bytes"
	"io"
	"reflect"
	"testing"
)

// fuzzSeeds are plans in the forms berth writes: unknowns, partial strings,
// secrets, options and dependencies.
var fuzzSeeds = []string{
	`{"format":"berth-plan","schemaVersion":3,"project":"p","stack":"dev","outputs":{"url":{"$unknown":true}},"resources":[
{"urn":"urn:pulumi:dev::p::berth:index:Service::api","type":"berth:index:Service","name":"api","custom":false,"parent":"","dependsOn":[],"options":{},"inputs":{}},
{"urn":"urn:pulumi:dev::p::berth:index:Service$gcp:cloudrunv2/service:Service::api","type":"gcp:cloudrunv2/service:Service","name":"api","custom":true,
 "parent":"urn:pulumi:dev::p::berth:index:Service::api","dependsOn":["urn:pulumi:dev::p::berth:index:Service::api"],
 "options":{"deleteBeforeReplace":false,"ignoreChanges":["client"],"customTimeouts":{"create":"20m"}},
 "inputs":{"location":"europe-west1","template":{"containers":[{"image":{"$partial":["europe-docker.pkg.dev/p/r/api@sha256:",{"$unknown":{"from":"urn:pulumi:dev::p::berth:index:Service::api","newOnUpdate":true}}]},
 "envs":[{"name":"TOKEN","value":{"$secret":true}}],"resources":{"limits":{"memory":"512Mi","cpu":"1"}}}],"scaling":{"maxInstanceCount":10}}}}]}`,
	`{"format":"berth-plan","schemaVersion":3,"project":"p","stack":"dev","outputs":{},"resources":[]}`,
}

func FuzzRead(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, write := range []func(io.Writer) error{p.WriteText, p.WriteMermaid} {
			if err := write(io.Discard); err != nil {
				t.Fatalf("writing a plan Read accepted: %v", err)
			}
		}
		// What Read accepts, berth writes and reads back the same.
		var buf bytes.Buffer
		if err := p.WriteJSON(&buf); err != nil {
			t.Fatalf("writing a plan Read accepted: %v", err)
		}
		q, err := Read(&buf)
		if err != nil {
			t.Fatalf("a plan Read accepted does not read back after WriteJSON: %v\n%s", err, buf.Bytes())
		}
		if a, b := p.Normalized(), q.Normalized(); !reflect.DeepEqual(a, b) {
			t.Fatalf("the plan changed in WriteJSON and Read:\n%#v\n%#v", a, b)
		}
	})
}

// TestTheFuzzSeedsRead keeps the seeds meaningful: each is a plan.
func TestTheFuzzSeedsRead(t *testing.T) {
	t.Parallel()
	for i, s := range fuzzSeeds {
		if _, err := Read(bytes.NewReader([]byte(s))); err != nil {
			t.Errorf("seed %d: %v", i, err)
		}
	}
}
