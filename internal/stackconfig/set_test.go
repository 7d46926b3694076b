package stackconfig

import (
	"reflect"
	"testing"
)

func TestParseOverridesKeepsTheOrderAndStopsAtTheFirstBadSetting(t *testing.T) {
	t.Parallel()
	got, err := ParseOverrides([]string{"service.memory=1Gi", "aws:region=eu-west-1"})
	if err != nil || len(got) != 2 {
		t.Fatalf("ParseOverrides = %v, %v", got, err)
	}
	for i, s := range []string{"service.memory=1Gi", "aws:region=eu-west-1"} {
		want, _ := ParseOverride(s)
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("override %d = %+v, want %+v", i, got[i], want)
		}
	}
	if _, err := ParseOverrides([]string{"a=1", "nothing", "also-nothing"}); err == nil || err.Error() != `the 2nd override: no "=" (want PATH=VALUE; the setting is not echoed, as it may be a secret)` {
		t.Errorf("error = %v, want the first bad setting's", err)
	}
}
