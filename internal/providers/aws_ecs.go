package providers

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"time"
)

func ecsTypes() []*Type {
	return []*Type{
		{
			Token:    ECSCluster,
			Resource: "aws_ecs_cluster",
			Source:   "[TPA] internal/service/ecs/cluster.go resourceCluster (index commit 00a35305, index id 6130509556); [SDKA] ecs/cluster.go:251-259,347",
			// name is Required and ForceNew in Terraform, autonamed by
			// pulumi-aws ([PA] aws_ecs_cluster has no Fields).
			Autoname: awsName(),
			// Create sets the ID (the ARN), then waits for ACTIVE.
			Waits: true,
			Schema: with(Schema{
				"name":                   {Flags: ForceNew},
				"configuration":          {},
				"serviceConnectDefaults": {},
				"settings":               {Flags: Computed | Set},
				"arn":                    {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				arn := c.arn("ecs", true, Lit("cluster/"), c.Str("name"))
				return arn, resource.PropertyMap{"arn": arn}
			},
			// ECS CreateCluster returns the existing cluster of the same
			// name instead of failing (ECS API reference, CreateCluster):
			// no uniqueness key.
			//
			// Delete retries DeleteCluster for 10 minutes while ECS answers
			// ClusterContainsServicesException (or tasks, instances), then
			// fails ([TPA] cluster.go resourceClusterDelete).
			Blockers: []Blocker{{
				Type: ECSService,
				Uses: func(user, target resource.PropertyMap) bool {
					c, _ := KnownString(user["cluster"])
					arn, _ := KnownString(target["arn"])
					name, _ := KnownString(target["name"])
					return c != "" && (c == arn || c == name)
				},
				Err: func(target resource.PropertyMap) string {
					name, _ := KnownString(target["name"])
					return "deleting ECS Cluster (" + name + "): ClusterContainsServicesException: The Cluster cannot be deleted while Services are active."
				},
			}},
		},
		{
			Token:    ECSService,
			Resource: "aws_ecs_service",
			Source:   "[TPA] internal/service/ecs/service.go resourceService (index id 6687224974; flags equal at index commit 00a919d1); [SDKA] ecs/service.go:307-320,597",
			// name is Required and ForceNew in Terraform, autonamed by
			// pulumi-aws; [SDKA] NewService checks no argument.
			Autoname: awsName(),
			// Create sets the ID (the ARN) and then waits for ACTIVE or,
			// with waitForSteadyState, for the steady state; a failed wait
			// returns "waiting for ECS Service (...) create" with the ID
			// set.
			Waits: true,
			// Timeouts create 20 min ([TPA] service.go resourceService Timeouts).
			CreateTimeout: 20 * time.Minute,
			Schema: with(Schema{
				"name": {Flags: ForceNew},
				// suppress-missing-block: dropping it keeps the cloud's.
				"alarms": {Flags: Computed, Elem: Schema{
					"alarmNames": {Flags: Required | Set},
					"enable":     {Flags: Required},
					"rollback":   {Flags: Required},
				}},
				"availabilityZoneRebalancing": {Default: str("DISABLED")},
				"capacityProviderStrategies":  {Flags: Set},
				"cluster":                     {Flags: Computed | ForceNew},
				"deploymentCircuitBreaker": {Elem: Schema{
					"enable":   {Flags: Required},
					"rollback": {Flags: Required},
				}},
				"deploymentController":            {Elem: Schema{"type": {Flags: ForceNew, Default: str("ECS")}}},
				"deploymentMaximumPercent":        {Default: num(200)},
				"deploymentMinimumHealthyPercent": {Default: num(100)},
				// Optional, no default, not Computed: Create sends 0 when
				// it is left out.
				"desiredCount":                  {},
				"enableEcsManagedTags":          {Default: boolean(false)},
				"enableExecuteCommand":          {Default: boolean(false)},
				"forceDelete":                   {},
				"forceNewDeployment":            {},
				"healthCheckGracePeriodSeconds": {},
				"iamRole":                       {Flags: Computed | ForceNew},
				"launchType":                    {Flags: Computed | ForceNew},
				"loadBalancers": {Flags: Set, Elem: Schema{
					"containerName": {Flags: Required},
					"containerPort": {Flags: Required},
				}},
				"networkConfiguration": {Elem: Schema{
					"assignPublicIp": {Default: boolean(false)},
					"securityGroups": {Flags: Set},
					"subnets":        {Flags: Required | Set},
				}},
				"orderedPlacementStrategies":  {},
				"placementConstraints":        {Flags: Set},
				"platformVersion":             {Flags: Computed},
				"propagateTags":               {},
				"schedulingStrategy":          {Flags: ForceNew, Default: str("REPLICA")},
				"serviceConnectConfiguration": {},
				"serviceRegistries":           {},
				"taskDefinition":              {},
				"triggers":                    {Flags: Computed},
				"waitForSteadyState":          {Default: boolean(false)},
				"volumeConfiguration":         {},
				"vpcLatticeConfigurations":    {Flags: Set},
			}, tags),
			// CustomizeDiff: a change of capacity provider strategy
			// replaces the service unless forceNewDeployment is true and
			// neither the old nor the new strategy is empty.
			Replaces: func(olds, news resource.PropertyMap) []string {
				o, n := arrayOf(olds["capacityProviderStrategies"]), arrayOf(news["capacityProviderStrategies"])
				if sameSet(news, nil, n, o) {
					return nil
				}
				if f := Unsecret(news["forceNewDeployment"]); f.IsBool() && f.BoolValue() && len(o) > 0 && len(n) > 0 {
					return nil
				}
				return []string{"capacityProviderStrategies"}
			},
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				cluster, _ := c.Str("cluster").Known()
				clusterName := lastSegment(cluster)
				id := c.arn("ecs", true, Lit("service/"+clusterName+"/"), c.Str("name"))
				if c.ID != "" {
					id = resource.NewProperty(c.ID)
				} else if c.In["cluster"].ContainsUnknowns() {
					// The ARN holds the cluster's name, not yet known.
					id = unknown()
				}
				return id, resource.PropertyMap{}
			},
			// ECS CreateService: a second ACTIVE service of the same name
			// in the cluster fails.
			Unique: func(c *Ctx) []Key {
				return []Key{{"ecs-service/" + c.str("cluster") + "/" + c.str("name"), "InvalidParameterException: Creation of service was not idempotent."}}
			},
		},
		{
			Token:    ECSTaskDefinition,
			Resource: "aws_ecs_task_definition",
			Source:   "[TPA] internal/service/ecs/task_definition.go (index id 4453944302), container_definitions.go (index id 3812440585); [SDKA] ecs/taskDefinition.go:480-491",
			// Every argument but skipDestroy, trackLatest and tags is
			// ForceNew: a change registers a new revision. No name, so no
			// autoname; family must be given.
			Schema: with(Schema{
				"family":                  {Flags: Required | ForceNew},
				"containerDefinitions":    {Flags: Required | ForceNew, Equal: equalContainerDefinitions, State: normalizeContainerDefinitions},
				"cpu":                     {Flags: ForceNew},
				"memory":                  {Flags: ForceNew},
				"enableFaultInjection":    {Flags: Computed | ForceNew},
				"ephemeralStorage":        {Flags: ForceNew},
				"executionRoleArn":        {Flags: ForceNew},
				"taskRoleArn":             {Flags: ForceNew},
				"inferenceAccelerators":   {Flags: Set | ForceNew},
				"ipcMode":                 {Flags: ForceNew},
				"pidMode":                 {Flags: ForceNew},
				"networkMode":             {Flags: Computed | ForceNew},
				"placementConstraints":    {Flags: Set | ForceNew},
				"proxyConfiguration":      {Flags: ForceNew},
				"requiresCompatibilities": {Flags: Set | ForceNew},
				"runtimePlatform":         {Flags: ForceNew},
				"volumes":                 {Flags: Set | ForceNew},
				"skipDestroy":             {Default: boolean(false)},
				"trackLatest":             {Default: boolean(false)},
				"arn":                     {Flags: Output},
				"arnWithoutRevision":      {Flags: Output},
				"revision":                {Flags: Output},
			}, tags),
			Outputs: func(c *Ctx) (resource.PropertyValue, resource.PropertyMap) {
				// Revisions count up per family for the account and Region
				// and are never reused (ECS API, RegisterTaskDefinition).
				rev, revision := Part{}, resource.MakeComputed(resource.NewProperty(0.0))
				if n, ok := c.IDs.Next("ecs-task-definition/" + c.Config["account"] + "/" + c.Config["region"] + "/" + c.str("family")); ok {
					rev, revision = Lit(itoa(n)), num(float64(n))
				}
				base := c.arn("ecs", true, Lit("task-definition/"), c.Str("family"))
				// ID = the family (d.SetId(Family)).
				return S(c.Str("family")), resource.PropertyMap{
					"arn":                c.arn("ecs", true, Lit("task-definition/"), c.Str("family"), Lit(":"), rev),
					"arnWithoutRevision": base,
					"revision":           revision,
				}
			},
		},
	}
}
