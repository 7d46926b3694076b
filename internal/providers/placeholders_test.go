package providers

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestPlaceholdersKeepTheFormOfWhatTheyStandFor(t *testing.T) {
	t.Parallel()
	p := NewPlaceholders()
	ids := p.For("urn:a")
	for _, tt := range []struct {
		alphabet string
		n, want  int
	}{{Hex, 64, 64}, {Hex, 3, placeholderLen}, {Alnum, 6, placeholderLen}, {Digits, 26, 26}} {
		s, ok := ids.Generate(tt.alphabet, tt.n)
		if !ok || len(s) != tt.want || strings.Trim(s, tt.alphabet) != "" {
			t.Errorf("Generate(%q, %d) = %q, %v; want %d characters of the alphabet", tt.alphabet, tt.n, s, ok, tt.want)
		}
	}
	n, ok := ids.Next("seq")
	if !ok || n < placeholderNumbers || float64(n) != float64(int64(float64(n))) {
		t.Errorf("Next = %d, %v; want a fifteen-digit number a float64 holds", n, ok)
	}
}

func TestSplitFindsEachPlaceholderWithItsSourceAndNothingElse(t *testing.T) {
	t.Parallel()
	p := NewPlaceholders()
	suffix, _ := p.For("urn:secret").Generate(Alnum, 6)
	c := &Ctx{In: resource.PropertyMap{}, IDs: p.For("urn:role")}
	kept := c.Keep("uniqueId", func() resource.PropertyValue { return S(c.Gen(UpperAlnum, 17)) }).StringValue()
	account, _ := c.Cfg("account").Known()
	if len(account) != 12 || strings.Trim(account, Digits) != "" {
		t.Fatalf("account placeholder %q, want twelve digits", account)
	}
	if again, _ := (&Ctx{IDs: p.For("urn:other")}).Cfg("account").Known(); again != account {
		t.Errorf("a second resource got account %q, want the plan's one placeholder %q", again, account)
	}

	s := `{"Resource":"arn:aws:secretsmanager:us-east-1:` + account + `:secret:db-` + suffix + `","Id":"` + kept + `"}`
	want := []Piece{
		{Text: `{"Resource":"arn:aws:secretsmanager:us-east-1:`},
		{Text: account, Hole: true, Stable: true},
		{Text: `:secret:db-`},
		{Text: suffix, Hole: true, From: "urn:secret"},
		{Text: `","Id":"`},
		{Text: kept, Hole: true, From: "urn:role", Stable: true},
		{Text: `"}`},
	}
	if got := p.Split(s); !reflect.DeepEqual(got, want) {
		t.Errorf("Split =\n%+v\nwant\n%+v", got, want)
	}
	if got := p.Split("sha256:0123456789abcdef0123456789abcdef"); len(got) != 1 || got[0].Hole {
		t.Errorf("Split of text without placeholders = %+v, want it whole", got)
	}
	if got := p.Split(""); got != nil {
		t.Errorf("Split(\"\") = %+v, want nothing", got)
	}
}

func TestPlaceholderNumbersAreHolesAndOtherNumbersAreNot(t *testing.T) {
	t.Parallel()
	p := NewPlaceholders()
	n, _ := p.For("urn:taskdef").Next("ecs-task-definition/x")
	if got, ok := p.Number(float64(n)); !ok || got.From != "urn:taskdef" || got.Stable {
		t.Errorf("Number(%d) = %+v, %v; want a hole of urn:taskdef, new on each update", n, got, ok)
	}
	for _, f := range []float64{0, 7, 8080, placeholderNumbers, float64(n) + 0.5} {
		if _, ok := p.Number(f); ok {
			t.Errorf("Number(%v) is a hole, want a number", f)
		}
	}
}

func TestAnOfflineAnswerShowsWhatItKnowsAroundThePlaceholders(t *testing.T) {
	t.Parallel()
	p := NewPlaceholders()
	urn := "urn:pulumi:prod::berth::aws:secretsmanager/secret:Secret::db"
	res, err := Answer(Request{
		Type: "aws:secretsmanager/secret:Secret", Name: "db", Custom: true,
		Inputs: resource.PropertyMap{},
		Config: Config{"region": "us-east-1"}, IDs: p.For(urn),
	})
	if err != nil {
		t.Fatal(err)
	}
	name := res.State["name"].StringValue()
	pieces := p.Split(name)
	if len(pieces) != 2 || pieces[0] != (Piece{Text: "db-"}) || !pieces[1].Hole || pieces[1].From != urn || !pieces[1].Stable || len(pieces[1].Text) != placeholderLen {
		t.Errorf("autoname %q splits into %+v, want \"db-\" and a stable hole of the secret", name, pieces)
	}
	arn := p.Split(res.State["arn"].StringValue())
	var texts []string
	for _, pc := range arn {
		if pc.Hole {
			texts = append(texts, "HOLE")
		} else {
			texts = append(texts, pc.Text)
		}
	}
	if got := strings.Join(texts, ""); got != "arn:aws:secretsmanager:us-east-1:HOLE:secret:db-HOLE-HOLE" {
		t.Errorf("arn reads %q, want the region, the name and a hole for each cloud-made part", got)
	}
}
