package validate_test

import (
	"errors"
	"fmt"

	"github.com/berth-dev/berth/validate"
)

// ExampleError collects every problem of a component's arguments at its
// field path and returns them as one error, which a caller reads back with
// errors.As: berth's components return theirs this way.
func ExampleError() {
	var p validate.Problems
	p.Addf("service.memory", "%q is not a memory quantity (allowed: a whole number followed by Mi or Gi)", "1GB")
	p.Addf(validate.Index("service.secrets", 0)+".version", "required for an environment secret")
	err := p.Err("berth:index:Service", "orders")

	fmt.Println(err)
	var verr *validate.Error
	if errors.As(err, &verr) {
		for _, problem := range verr.Problems {
			fmt.Printf("%s | %s\n", problem.Field, problem.Message)
		}
	}
	// Output:
	// invalid arguments for berth:index:Service "orders":
	//   service.memory: "1GB" is not a memory quantity (allowed: a whole number followed by Mi or Gi)
	//   service.secrets[0].version: required for an environment secret
	// service.memory | "1GB" is not a memory quantity (allowed: a whole number followed by Mi or Gi)
	// service.secrets[0].version | required for an environment secret
}
