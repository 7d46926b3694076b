package cost

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/validate"
)

func TestParseAssumptionsFillsDefaultsForWhatTheStackDoesNotSet(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"", "{}", "  "} {
		a, problems := ParseAssumptions(raw)
		if len(problems) > 0 || a != Defaults() {
			t.Errorf("ParseAssumptions(%q) = %+v, %v; want the defaults", raw, a, problems)
		}
	}
	want := Assumptions{
		RequestsPerMonth:       1_000_000,
		RequestDuration:        Duration(100 * time.Millisecond),
		BytesPerRequest:        10_000,
		LogGBPerMonth:          1,
		ImageMB:                100,
		InstanceStartsPerMonth: 1_000,
	}
	if Defaults() != want {
		t.Errorf("Defaults() = %+v, want %+v (docs/cost.md lists these)", Defaults(), want)
	}
}

func TestParseAssumptionsReadsEverySetting(t *testing.T) {
	t.Parallel()
	raw := `{"requestsPerMonth": 0, "requestDuration": "250ms", "bytesPerRequest": 2048, "logGBPerMonth": 0.5,
		"imageMB": 12.5, "imagesKept": 3, "instanceStartsPerMonth": "40"}`
	a, problems := ParseAssumptions(raw)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := Assumptions{
		RequestsPerMonth:       0, // an explicit 0 is allowed here: an idle service
		RequestDuration:        Duration(250 * time.Millisecond),
		BytesPerRequest:        2048,
		LogGBPerMonth:          0.5,
		ImageMB:                12.5,
		ImagesKept:             3,
		InstanceStartsPerMonth: 40, // a number given as a string, as `pulumi config set --path` may store it
	}
	if a != want {
		t.Errorf("got %+v, want %+v", a, want)
	}
}

func TestParseAssumptionsRejectsEachBadSettingByName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		want []validate.Problem
	}{
		{"unknown key", `{"requests": 5}`, []validate.Problem{{Field: "cost.requests", Message: "unknown setting (allowed: requestsPerMonth, requestDuration, bytesPerRequest, logGBPerMonth, imageMB, imagesKept, instanceStartsPerMonth)"}}},
		{"not an object", `[1, 2]`, []validate.Problem{{Field: "cost", Message: "must be an object with the settings requestsPerMonth, requestDuration, bytesPerRequest, logGBPerMonth, imageMB, imagesKept, instanceStartsPerMonth"}}},
		{"explicit zero duration", `{"requestDuration": "0s"}`, []validate.Problem{{Field: "cost.requestDuration", Message: "0 is not allowed (allowed: 1ms-60m; remove the setting for the default)"}}},
		{"explicit zero image size", `{"imageMB": 0}`, []validate.Problem{{Field: "cost.imageMB", Message: "0 is not allowed (allowed: more than 0, at most 100000; remove the setting for the default)"}}},
		{"explicit zero images kept", `{"imagesKept": 0}`, []validate.Problem{{Field: "cost.imagesKept", Message: "0 is not allowed (allowed: 1-100000; remove the setting for the default)"}}},
		{"explicit zero bytes", `{"bytesPerRequest": 0}`, []validate.Problem{{Field: "cost.bytesPerRequest", Message: "0 is not allowed (allowed: 1-1000000000; remove the setting for the default)"}}},
		{"boolean for a count", `{"requestsPerMonth": true}`, []validate.Problem{{Field: "cost.requestsPerMonth", Message: "must be a whole number, got a boolean"}}},
		{"fraction for a count", `{"instanceStartsPerMonth": 1.5}`, []validate.Problem{{Field: "cost.instanceStartsPerMonth", Message: "must be a whole number, got the number 1.5"}}},
		{"number for a duration", `{"requestDuration": 100}`, []validate.Problem{{Field: "cost.requestDuration", Message: "must be a duration such as 100ms or 2s, got the number 100"}}},
		{"word for a duration", `{"requestDuration": "fast"}`, []validate.Problem{{Field: "cost.requestDuration", Message: `"fast" is not a duration (allowed: such as 100ms or 2s)`}}},
		{"string for a volume", `{"logGBPerMonth": "lots"}`, []validate.Problem{{Field: "cost.logGBPerMonth", Message: `must be a number, got the string "lots"`}}},
		{"negative volume", `{"logGBPerMonth": -1}`, []validate.Problem{{Field: "cost.logGBPerMonth", Message: "-1 is out of range (allowed: 0-1000000)"}}},
		{"duration too long", `{"requestDuration": "2h"}`, []validate.Problem{{Field: "cost.requestDuration", Message: "2h is out of range (allowed: 1ms-60m)"}}},
		{"every problem at once", `{"requestsPerMonth": -3, "imageMB": "big", "typo": 1}`, []validate.Problem{
			{Field: "cost.imageMB", Message: `must be a number, got the string "big"`},
			{Field: "cost.requestsPerMonth", Message: "-3 is out of range (allowed: 0-1000000000000)"},
			{Field: "cost.typo", Message: "unknown setting (allowed: requestsPerMonth, requestDuration, bytesPerRequest, logGBPerMonth, imageMB, imagesKept, instanceStartsPerMonth)"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, got := ParseAssumptions(tt.raw)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", lines(got), lines(tt.want))
			}
		})
	}
}

func lines(ps []validate.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}
