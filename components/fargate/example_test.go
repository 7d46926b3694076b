package fargate_test

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
)

// ExampleNewService deploys an image from ECR behind HTTPS with one secret
// read as an environment variable. Outside tests the program runs under
// `pulumi up`; here it runs against berth's recording mock monitor and
// lists what it would create.
func ExampleNewService() {
	program := func(ctx *pulumi.Context) error {
		svc, err := fargate.NewService(ctx, "api", &fargate.ServiceArgs{
			Image: pulumi.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
			Service: &spec.Service{
				Public: true,
				Secrets: []spec.Secret{
					{Env: "DATABASE_URL", Ref: pulumi.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf")},
				},
			},
			AWS: fargate.AWS{
				VPCID:                 pulumi.String("vpc-0123456789abcdef0"),
				LoadBalancerSubnetIDs: pulumi.ToStringArray([]string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"}),
				TaskSubnetIDs:         pulumi.ToStringArray([]string{"subnet-0cccccccccccccccc", "subnet-0dddddddddddddddd"}),
				CertificateARN:        pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"),
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("url", svc.URL)
		return nil
	}

	m := testkit.New("berth", "prod")
	if err := m.Run(program); err != nil {
		fmt.Println(err)
		return
	}
	count := map[string]int{}
	for _, r := range m.Resources() {
		count[r.Type]++
	}
	var types []string
	for typ := range count {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		fmt.Println(count[typ], typ)
	}
	// Output:
	// 2 aws:appautoscaling/policy:Policy
	// 1 aws:appautoscaling/target:Target
	// 1 aws:cloudwatch/logGroup:LogGroup
	// 2 aws:cloudwatch/metricAlarm:MetricAlarm
	// 2 aws:ec2/securityGroup:SecurityGroup
	// 1 aws:ecs/cluster:Cluster
	// 1 aws:ecs/service:Service
	// 1 aws:ecs/taskDefinition:TaskDefinition
	// 2 aws:iam/role:Role
	// 1 aws:iam/rolePolicy:RolePolicy
	// 2 aws:lb/listener:Listener
	// 1 aws:lb/loadBalancer:LoadBalancer
	// 1 aws:lb/targetGroup:TargetGroup
	// 3 aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule
	// 5 aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule
	// 1 berth:fargate:Service
}
