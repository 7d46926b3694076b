package diff

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/plan"
)

// fuzzBase and fuzzHead are two plans of one service: the head changes
// its memory, its image digest, a secret, an option and a dependency, and
// drops a log group.
const (
	fuzzBase = `{"format":"berth-plan","schemaVersion":3,"project":"p","stack":"prod","outputs":{},"resources":[
{"urn":"urn:pulumi:prod::p::aws:cloudwatch/logGroup:LogGroup::logs","type":"aws:cloudwatch/logGroup:LogGroup","name":"logs","custom":true,"parent":"","dependsOn":[],"options":{},"inputs":{"retentionInDays":30}},
{"urn":"urn:pulumi:prod::p::aws:ecs/taskDefinition:TaskDefinition::task","type":"aws:ecs/taskDefinition:TaskDefinition","name":"task","custom":true,"parent":"",
 "dependsOn":["urn:pulumi:prod::p::aws:cloudwatch/logGroup:LogGroup::logs"],"options":{"protect":true},
 "inputs":{"memory":"1024","cpu":"512","containerDefinitions":"[{\"name\":\"app\",\"image\":\"r/app@sha256:aaaa\",\"secrets\":[{\"name\":\"DB\",\"valueFrom\":\"arn:aws:ssm:eu-west-1:1:parameter/db\"}]}]"}}]}`
	fuzzHead = `{"format":"berth-plan","schemaVersion":3,"project":"p","stack":"prod","outputs":{},"resources":[
{"urn":"urn:pulumi:prod::p::aws:ecs/taskDefinition:TaskDefinition::task","type":"aws:ecs/taskDefinition:TaskDefinition","name":"task","custom":true,"parent":"",
 "dependsOn":[],"options":{"protect":false,"deleteBeforeReplace":true},
 "inputs":{"memory":"2048","cpu":"512","containerDefinitions":{"$partial":["[{\"name\":\"app\",\"image\":\"r/app@sha256:",{"$unknown":{"from":"urn:pulumi:prod::p::docker:index/image:Image::img","newOnUpdate":true}},"\",\"secrets\":[{\"name\":\"DB\",\"valueFrom\":{\"$secret\":true}}]}]"]}}}]}`
)

func FuzzCompare(f *testing.F) {
	f.Add([]byte(fuzzBase), []byte(fuzzHead))
	f.Add([]byte(fuzzHead), []byte(fuzzBase))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		base, err := plan.Read(bytes.NewReader(a))
		if err != nil {
			return
		}
		head, err := plan.Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		r, err := Compare(base, head)
		if err != nil {
			return
		}
		var text, md, js bytes.Buffer
		if err := r.WriteText(&text); err != nil {
			t.Fatal(err)
		}
		if err := r.WriteMarkdown(&md); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(md.String(), MarkdownMarker) || strings.Count(md.String(), "-->") != 1 {
			t.Fatalf("the Markdown's marker is not the one comment it opens:\n%s", md.String())
		}
		if err := r.WriteJSON(&js); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(js.Bytes()) {
			t.Fatalf("the JSON diff is not JSON:\n%s", js.String())
		}
		// A plan compared with itself has no changes.
		same, err := Compare(head, head)
		if err != nil {
			t.Fatalf("comparing a plan with itself: %v", err)
		}
		if len(same.Changes) != 0 || len(same.Flags) != 0 {
			t.Fatalf("a plan compared with itself has %d changes and %d flags", len(same.Changes), len(same.Flags))
		}
	})
}

// TestTheFuzzSeedsReachTheWriters keeps the seeds meaningful: both read,
// and their diff has changes and flags for the fuzzer to vary.
func TestTheFuzzSeedsReachTheWriters(t *testing.T) {
	t.Parallel()
	base, err := plan.Read(strings.NewReader(fuzzBase))
	if err != nil {
		t.Fatal(err)
	}
	head, err := plan.Read(strings.NewReader(fuzzHead))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Compare(base, head)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 2 || len(r.Flags) == 0 {
		t.Errorf("%d changes, %d flags: %+v", len(r.Changes), len(r.Flags), r.Flags)
	}
}
