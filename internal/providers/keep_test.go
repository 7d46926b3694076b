package providers

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// TestAnUpdateKeepsWhatTheCloudAssignedOnCreate applies each type's create
// and then an update of the same inputs against the created state, with a
// second IDs source that would draw other identifiers: ARNs with random
// suffixes, unique IDs, DNS names and URLs stay as they were, prefixes
// included (an update returns the resource the cloud already has).
func TestAnUpdateKeepsWhatTheCloudAssignedOnCreate(t *testing.T) {
	t.Parallel()
	aws := Config{"region": "eu-west-1", "account": "111122223333"}
	gcp := Config{"project": "acme-prod", "region": "europe-west1", "zone": ""}
	s := func(v string) resource.PropertyValue { return resource.NewProperty(v) }
	tests := []struct {
		typ  string
		cfg  Config
		in   resource.PropertyMap
		keep []string
	}{
		{IAMRole, aws, resource.PropertyMap{"name": s("api-task"), "path": s("/")}, []string{"uniqueId", "arn"}},
		{IAMPolicy, aws, resource.PropertyMap{"name": s("api-read"), "path": s("/")}, []string{"policyId", "arn"}},
		{SecurityGroupRule, aws, resource.PropertyMap{"type": s("ingress"), "securityGroupId": s("sg-1")}, []string{"securityGroupRuleId"}},
		{LoadBalancer, aws, resource.PropertyMap{"name": s("api-lb")}, []string{"arn", "arnSuffix", "dnsName"}},
		{TargetGroup, aws, resource.PropertyMap{"name": s("api-tg")}, []string{"arn", "arnSuffix"}},
		{Listener, aws, resource.PropertyMap{"loadBalancerArn": s("arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/api-lb/0123456789abcdef"), "port": s("443")}, []string{"arn"}},
		{ListenerRule, aws, resource.PropertyMap{"listenerArn": s("arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/api-lb/0123456789abcdef/fedcba9876543210")}, []string{"arn"}},
		{ScalingTarget, aws, resource.PropertyMap{"resourceId": s("service/c/api")}, []string{"arn"}},
		{ScalingPolicy, aws, resource.PropertyMap{"name": s("cpu"), "resourceId": s("service/c/api"), "serviceNamespace": s("ecs")}, []string{"arn"}},
		{SecretsManagerSecret, aws, resource.PropertyMap{"name": s("db-url")}, []string{"arn"}},
		{SecretsManagerVersion, aws, resource.PropertyMap{"secretId": s("arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-url-AbCdEf")}, []string{"versionId"}},
		{ServiceAccount, gcp, resource.PropertyMap{"accountId": s("api-runtime")}, []string{"uniqueId", "email"}},
		{CloudRunService, gcp, resource.PropertyMap{"name": s("api"), "location": s("europe-west1")}, []string{"uri", "uid"}},
		{SecretManagerVersion, gcp, resource.PropertyMap{"secret": s("projects/acme-prod/secrets/db-url")}, []string{"version", "name"}},
		{SecretManagerIAMMember, gcp, resource.PropertyMap{"secretId": s("db-url"), "role": s("roles/secretmanager.secretAccessor"), "member": s("serviceAccount:a@b")}, []string{"etag"}},
		{ProjectIAMMember, gcp, resource.PropertyMap{"project": s("acme-prod"), "role": s("roles/logging.logWriter"), "member": s("serviceAccount:a@b")}, []string{"etag"}},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			t.Parallel()
			typ, ok := Lookup(tc.typ)
			if !ok {
				t.Fatalf("%s is not in the model", tc.typ)
			}
			seqs := &Sequences{}
			id, created := typ.Apply(&Ctx{In: tc.in, Config: tc.cfg, IDs: NewFake("create", seqs)})
			_, updated := typ.Apply(&Ctx{In: tc.in, Old: created, ID: id.StringValue(), Config: tc.cfg, IDs: NewFake("update", seqs)})
			for _, k := range tc.keep {
				key := resource.PropertyKey(k)
				if !created[key].IsString() || created[key].StringValue() == "" {
					t.Fatalf("%s: create gave %v", k, created[key])
				}
				if !updated[key].DeepEquals(created[key]) {
					t.Errorf("%s: update changed it from %v to %v", k, created[key].V, updated[key].V)
				}
			}
		})
	}
}
