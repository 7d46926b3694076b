package settings_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/settings"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// ExampleRead reads a service from the stack setting shop:orders, as a
// program does before it calls berth.NewService; a typo is named with the
// setting it means, before anything is created.
func ExampleRead() {
	config := map[string]string{"shop:orders": `{"memroy": "2Gi", "maxInstances": 20}`}
	err := testkit.New("shop", "prod", testkit.WithConfig(config)).Run(func(ctx *pulumi.Context) error {
		var p validate.Problems
		var orders spec.Service
		settings.Read(ctx, "shop:orders", &orders, &p)
		if err := p.Err(validate.StackConfig, ctx.Stack()); err != nil {
			return err
		}
		fmt.Println("maxInstances:", *orders.MaxInstances)
		return nil
	})
	fmt.Println(err)
	// Output:
	// 1 error occurred:
	// 	* invalid configuration of stack "prod":
	//   orders.memroy: unknown setting (did you mean "memory"?) (allowed: name, port, cpu, memory, concurrency, minInstances, maxInstances, timeout, healthPath, public, env, secrets, rollout)
}
