package validate

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestKnownTellsPlainStringsFromOutputs(t *testing.T) {
	t.Parallel()
	if v, ok := Known(pulumi.String("x")); !ok || v != "x" {
		t.Errorf("Known(String) = %q, %v", v, ok)
	}
	if _, ok := Known(pulumi.String("x").ToStringOutput()); ok {
		t.Error("Known(StringOutput) reported known")
	}
	if _, ok := Known(nil); ok {
		t.Error("Known(nil) reported known")
	}
}

func TestMissingArgsNamesArgs(t *testing.T) {
	t.Parallel()
	var verr *Error
	if err := MissingArgs("berth:x:Y", "api", "image"); !errors.As(err, &verr) || verr.Problems[0].String() != "args: required (at least image)" {
		t.Fatalf("MissingArgs = %v", err)
	}
}
