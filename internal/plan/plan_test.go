package plan

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// smallProgram registers a component with one child, and a second resource
// that depends on the child through an input.
func smallProgram(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
	var g group
	if err := ctx.RegisterComponentResource("berth:test:Group", "g", &g); err != nil {
		return nil, err
	}
	var a thing
	if err := ctx.RegisterResource("test:index:Thing", "a", pulumi.Map{
		"size": pulumi.Int(3),
		"tags": pulumi.StringArray{pulumi.String("x")},
	}, &a, pulumi.Parent(&g)); err != nil {
		return nil, err
	}
	var b thing
	if err := ctx.RegisterResource("test:index:Thing", "b", pulumi.Map{
		"from":  a.ID(),
		"token": pulumi.ToSecret(pulumi.String("s3cr3t-token")),
	}, &b); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(&g, pulumi.Map{}); err != nil {
		return nil, err
	}
	return map[string]pulumi.Output{
		"id":     b.ID().ToStringOutput(),
		"count":  pulumi.Int(2).ToIntOutput(),
		"secret": pulumi.ToSecret(pulumi.String("s3cr3t-output")),
		"names":  pulumi.StringArray{pulumi.String("a"), pulumi.String("b")}.ToStringArrayOutput(),
	}, nil
}

func TestWriteJSONHasTheDocumentedShape(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.test.yaml": "config: {}\n"})
	p, err := Run(context.Background(), load(t, dir), smallProgram)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	want := `{
  "project": "berth",
  "stack": "test",
  "resources": [
    {
      "urn": "urn:pulumi:test::berth::berth:test:Group::g",
      "type": "berth:test:Group",
      "name": "g",
      "parent": "",
      "dependsOn": [],
      "inputs": {}
    },
    {
      "urn": "urn:pulumi:test::berth::berth:test:Group$test:index:Thing::a",
      "type": "test:index:Thing",
      "name": "a",
      "parent": "urn:pulumi:test::berth::berth:test:Group::g",
      "dependsOn": [],
      "inputs": {
        "size": 3,
        "tags": [
          "x"
        ]
      }
    },
    {
      "urn": "urn:pulumi:test::berth::test:index:Thing::b",
      "type": "test:index:Thing",
      "name": "b",
      "parent": "",
      "dependsOn": [
        "urn:pulumi:test::berth::berth:test:Group$test:index:Thing::a"
      ],
      "inputs": {
        "from": "${a.id}",
        "token": "[secret]"
      }
    }
  ],
  "outputs": {
    "count": 2,
    "id": "${b.id}",
    "names": [
      "a",
      "b"
    ],
    "secret": "[secret]"
  }
}
`
	if got := buf.String(); got != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(buf.String(), "s3cr3t") {
		t.Errorf("a secret leaked into the plan")
	}

	back, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Errorf("Read(WriteJSON(p)) = %+v, want %+v", back, p)
	}
}

// orderProgram registers resources whose inputs resolve in a different
// order than the program registers them: "late" waits on a chain of
// resources, "early" on nothing.
func orderProgram(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
	prev := pulumi.IDOutput(pulumi.ID("start").ToIDOutput())
	for _, name := range []string{"chain-1", "chain-2", "chain-3"} {
		sa, err := serviceaccount.NewAccount(ctx, name, &serviceaccount.AccountArgs{
			AccountId:   pulumi.String(name + "-abcd123"),
			Description: prev.ToStringOutput(),
		})
		if err != nil {
			return nil, err
		}
		prev = sa.ID()
	}
	var late, early thing
	if err := ctx.RegisterResource("test:index:Thing", "late", pulumi.Map{"after": prev}, &late); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResource("test:index:Thing", "early", pulumi.Map{}, &early); err != nil {
		return nil, err
	}
	return nil, nil
}

func TestRunListsResourcesInProgramOrder(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.test.yaml": ""})
	want := []string{"chain-1", "chain-2", "chain-3", "late", "early"}
	for range 10 {
		p, err := Run(context.Background(), load(t, dir), orderProgram)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range p.Resources {
			got = append(got, r.Name)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("order = %v, want %v", got, want)
		}
		late := p.Resources[3]
		if len(late.DependsOn) != 1 || late.DependsOn[0] != p.Resources[2].URN {
			t.Errorf("late.dependsOn = %v, want [%s]", late.DependsOn, p.Resources[2].URN)
		}
		if got := late.Inputs["after"]; got != "projects/berth-mock-project/serviceAccounts/chain-3-abcd123@berth-mock-project.iam.gserviceaccount.com" {
			t.Errorf("late.inputs.after = %v", got)
		}
	}
}

func TestRunReturnsTheProgramErrorUnchanged(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.test.yaml": ""})
	problems := "service.memory: must be at least 512Mi (allowed: 512Mi-32Gi)\nservice.port: must be 1-65535"
	_, err := Run(context.Background(), load(t, dir), func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		return nil, errorString(problems)
	})
	var pe *ProgramError
	if !errors.As(err, &pe) || err.Error() != problems {
		t.Errorf("error = %#v, want a *ProgramError reading %q", err, problems)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestRunShowsAssetsArchivesAndUnknownsBriefly(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.test.yaml": ""})
	p, err := Run(context.Background(), load(t, dir), func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		var x thing
		err := ctx.RegisterResource("test:index:Thing", "x", pulumi.Map{
			"file":    pulumi.NewFileAsset("app/main.go"),
			"text":    pulumi.NewStringAsset("hello"),
			"archive": pulumi.NewFileArchive("dist"),
			"bundle":  pulumi.NewAssetArchive(map[string]any{"b.txt": pulumi.NewStringAsset("b"), "a.txt": pulumi.NewStringAsset("a")}),
		}, &x)
		return nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"file":    "[asset file app/main.go]",
		"text":    "[asset text, 5 bytes, sha256 2cf24dba5fb0]",
		"archive": "[archive file dist]",
		"bundle":  "[archive of a.txt, b.txt]",
	}
	if got := p.Resources[0].Inputs; !reflect.DeepEqual(got, want) {
		t.Errorf("inputs = %v, want %v", got, want)
	}
}

func TestRunTurnsAPanicIntoAnError(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.test.yaml": ""})
	_, err := Run(context.Background(), load(t, dir), func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		var m map[string]int
		m["boom"] = 1
		return nil, nil
	})
	var pe *ProgramError
	if err == nil || errors.As(err, &pe) || !strings.Contains(err.Error(), "program panicked: assignment to entry in nil map") {
		t.Errorf("error = %v, want a plain error reporting the panic", err)
	}
}

func TestRunStopsWaitingWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	dir := writeProject(t, map[string]string{"Pulumi.yaml": testProject, "Pulumi.test.yaml": ""})
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	defer close(release)
	_, err := Run(ctx, load(t, dir), func(*pulumi.Context) (map[string]pulumi.Output, error) {
		cancel()
		<-release
		return nil, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}
