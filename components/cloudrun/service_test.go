package cloudrun

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
)

// Provider type tokens of the children.
const (
	typeAccount      = "gcp:serviceaccount/account:Account"
	typeSecretMember = "gcp:secretmanager/secretIamMember:SecretIamMember"
	typeConnector    = "gcp:vpcaccess/connector:Connector"
	typeCloudRun     = "gcp:cloudrunv2/service:Service"
	typeInvoker      = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
	testImage        = "us-docker.pkg.dev/berth-mock-project/apps/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

var (
	// testAccountID is the derived account ID and service name of a
	// component "api" in project berth, stack test.
	testAccountID      = "api-" + hash7("berth/test/api")
	testServiceAccount = testAccountID + "@" + testkit.GCPProject + ".iam.gserviceaccount.com"
	// testConnector is the derived name of the connector of typicalArgs,
	// the same whatever the connector's settings.
	testConnector = "api-" + hash7("berth/test/api")
)

// hash7 is the hash naming.Physical appends for seed.
func hash7(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])[:7]
}

// typicalArgs is a service with a created connector, an env secret, a file
// secret, a plain variable and one invoker.
func typicalArgs() *ServiceArgs {
	return &ServiceArgs{
		Image: pulumi.String(testImage),
		Service: &spec.Service{
			Env: pulumi.ToStringMap(map[string]string{"LOG_LEVEL": "info"}),
			Secrets: []spec.Secret{
				{Ref: pulumi.String("db-url"), Version: pulumi.String("3"), Env: "DATABASE_URL"},
				{Ref: pulumi.String("projects/berth-mock-project/secrets/tls-key"), Version: pulumi.String("7"), Path: "/etc/secrets/tls/key.pem"},
			},
		},
		GCP: GCP{
			Region:   "us-central1",
			Invokers: []string{"serviceAccount:caller@berth-mock-project.iam.gserviceaccount.com"},
			VPC:      newConnectorVPC(),
		},
	}
}

// newConnectorVPC is a valid VPC that creates a connector.
func newConnectorVPC() *VPC {
	return &VPC{Connector: &Connector{Network: pulumi.String("default"), IPCIDRRange: "10.8.0.0/28"}}
}

// run creates one service named "api" under a fresh mock monitor.
func run(t *testing.T, args *ServiceArgs) (*testkit.Monitor, *Service) {
	t.Helper()
	return testkit.RunComponent(t, func(ctx *pulumi.Context) (*Service, error) {
		return NewService(ctx, "api", args)
	})
}

func assertEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n  %#v\nwant\n  %#v", what, got, want)
	}
}

func TestNewServiceCreatesTheCompleteResourceSet(t *testing.T) {
	t.Parallel()
	m, _ := run(t, typicalArgs())
	var got []string
	for _, r := range m.Resources() {
		got = append(got, r.Type+" "+r.Name)
	}
	want := []string{
		"berth:cloudrun:Service api",
		typeAccount + " api-sa",
		typeSecretMember + " api-secret-db-url-" + hash7("db-url"),
		typeSecretMember + " api-secret-tls-key-" + hash7("projects/berth-mock-project/secrets/tls-key"),
		typeConnector + " api-connector",
		typeCloudRun + " api-svc",
		typeInvoker + " api-invoker-serviceaccount-caller-berth-mock-project-" + hash7("serviceAccount:caller@berth-mock-project.iam.gserviceaccount.com"),
	}
	// Registration order depends on when each resource's inputs resolve.
	slices.Sort(got)
	slices.Sort(want)
	assertEqual(t, "resources", got, want)

	comp := m.One(t, "berth:cloudrun:Service")
	for _, r := range m.Resources() {
		if r.URN != comp.URN && r.Parent != comp.URN {
			t.Errorf("%s %s parent = %q, want the component", r.Type, r.Name, r.Parent)
		}
	}
}

func TestServiceAccountGetsOnlyPerSecretBindings(t *testing.T) {
	t.Parallel()
	m, _ := run(t, typicalArgs())
	sa := m.One(t, typeAccount)
	assertEqual(t, "accountId", testkit.Prop(t, sa, "accountId"), testAccountID)

	for _, r := range m.Resources() {
		if strings.Contains(strings.ToLower(r.Type), "iam") && r.Type != typeSecretMember && r.Type != typeInvoker {
			t.Errorf("unexpected IAM resource %s %s", r.Type, r.Name)
		}
	}
	var got []map[string]any
	for _, r := range m.ByType(typeSecretMember) {
		got = append(got, r.Inputs.Mappable())
	}
	slices.SortFunc(got, func(a, b map[string]any) int { return strings.Compare(a["secretId"].(string), b["secretId"].(string)) })
	want := []map[string]any{
		{"secretId": "db-url", "role": "roles/secretmanager.secretAccessor", "member": "serviceAccount:" + testServiceAccount},
		{"secretId": "projects/berth-mock-project/secrets/tls-key", "role": "roles/secretmanager.secretAccessor", "member": "serviceAccount:" + testServiceAccount},
	}
	assertEqual(t, "secret bindings", got, want)
	// The invokers bind on the service, never the service account.
	for _, r := range m.ByType(typeInvoker) {
		if strings.Contains(fmt.Sprint(testkit.Prop(t, r, "member")), testAccountID) {
			t.Errorf("service account is an invoker: %v", r.Inputs)
		}
	}
}

func TestCloudRunServiceDependsOnEverySecretBinding(t *testing.T) {
	t.Parallel()
	m, _ := run(t, typicalArgs())
	svc := m.One(t, typeCloudRun)
	bindings := m.ByType(typeSecretMember)
	if len(bindings) != 2 {
		t.Fatalf("want 2 bindings, got %d", len(bindings))
	}
	for _, b := range bindings {
		if !slices.Contains(svc.Dependencies, b.URN) {
			t.Errorf("service dependencies %v lack binding %s", svc.Dependencies, b.URN)
		}
	}
	connector := m.One(t, typeConnector)
	if !slices.Contains(svc.Dependencies, connector.URN) {
		t.Errorf("service dependencies %v lack the connector", svc.Dependencies)
	}
}

func TestSecretsLandInEnvAndVolumesWithPinnedVersions(t *testing.T) {
	t.Parallel()
	m, _ := run(t, typicalArgs())
	svc := m.One(t, typeCloudRun)
	container := []any{"template", "containers", 0}

	assertEqual(t, "envs", testkit.Prop(t, svc, append(container, "envs")...), []any{
		map[string]any{"name": "DATABASE_URL", "valueSource": map[string]any{
			"secretKeyRef": map[string]any{"secret": "db-url", "version": "3"},
		}},
		map[string]any{"name": "LOG_LEVEL", "value": "info"},
	})
	volume := "secret-tls-" + hash7("volume:/etc/secrets/tls")
	assertEqual(t, "volumes", testkit.Prop(t, svc, "template", "volumes"), []any{
		map[string]any{"name": volume, "secret": map[string]any{
			"secret":      "projects/berth-mock-project/secrets/tls-key",
			"defaultMode": float64(0o444),
			"items": []any{
				map[string]any{"path": "key.pem", "version": "7", "mode": float64(0o444)},
			},
		}},
	})
	assertEqual(t, "volumeMounts", testkit.Prop(t, svc, append(container, "volumeMounts")...), []any{
		map[string]any{"name": volume, "mountPath": "/etc/secrets/tls"},
	})
}

func TestDefaultsReachTheTemplateExplicitly(t *testing.T) {
	t.Parallel()
	m, _ := run(t, &ServiceArgs{Image: pulumi.String(testImage), GCP: GCP{Region: "europe-west4"}})
	svc := m.One(t, typeCloudRun)
	want := map[string]any{
		"name":        testAccountID,
		"location":    "europe-west4",
		"ingress":     "INGRESS_TRAFFIC_ALL",
		"launchStage": "GA",
		"labels":      map[string]any{"managed-by": "berth"},
		"traffics":    []any{map[string]any{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": float64(100)}},
		"template": map[string]any{
			"serviceAccount":                testServiceAccount,
			"maxInstanceRequestConcurrency": float64(80),
			"scaling":                       map[string]any{"minInstanceCount": float64(0), "maxInstanceCount": float64(10)},
			"timeout":                       "60s",
			"executionEnvironment":          "EXECUTION_ENVIRONMENT_GEN2",
			"sessionAffinity":               false,
			"containers": []any{map[string]any{
				"image": testImage,
				"ports": []any{map[string]any{"name": "http1", "containerPort": float64(8080)}},
				"resources": map[string]any{
					"limits":          map[string]any{"cpu": "1", "memory": "512Mi"},
					"cpuIdle":         true,
					"startupCpuBoost": false,
				},
				"startupProbe": map[string]any{
					"httpGet":             map[string]any{"path": "/healthz", "port": float64(8080)},
					"initialDelaySeconds": float64(0),
					"periodSeconds":       float64(1),
					"timeoutSeconds":      float64(1),
					"failureThreshold":    float64(10),
				},
				"livenessProbe": map[string]any{
					"httpGet":             map[string]any{"path": "/healthz", "port": float64(8080)},
					"initialDelaySeconds": float64(0),
					"periodSeconds":       float64(10),
					"timeoutSeconds":      float64(1),
					"failureThreshold":    float64(3),
				},
			}},
		},
	}
	got := svc.Inputs.Mappable()
	// The revision's name is a hash of the template (rollout_test.go).
	if rev, _ := got["template"].(map[string]any)["revision"].(string); !revisionOf(testAccountID).MatchString(rev) {
		t.Errorf("template.revision = %q, want %s-HASH", rev, testAccountID)
	}
	delete(got["template"].(map[string]any), "revision")
	assertEqual(t, "service inputs", got, want)
	if n := len(m.ByType(typeInvoker)); n != 0 {
		t.Errorf("default service has %d invokers, want none", n)
	}
	if n := len(m.ByType(typeSecretMember)); n != 0 {
		t.Errorf("default service has %d secret bindings, want none", n)
	}
}

func TestKnobsReachTheTemplateFields(t *testing.T) {
	t.Parallel()
	m, _ := run(t, &ServiceArgs{
		Image: pulumi.String(testImage),
		Service: &spec.Service{
			Name:         "orders",
			CPU:          cpu(2),
			Memory:       "4Gi",
			Concurrency:  n(250),
			MinInstances: n(1),
			MaxInstances: n(20),
			Timeout:      "15m",
			Port:         n(9000),
			HealthPath:   "/livez",
		},
		GCP: GCP{
			Region:             "us-central1",
			Project:            "other-project",
			CPUAlwaysAllocated: true,
			StartupCPUBoost:    true,
			Ingress:            IngressInternalAndCloudLoadBalancing,
			Labels:             map[string]string{"team": "payments", "managed-by": "platform"},
			VPC:                &VPC{ConnectorID: pulumi.String("projects/net/locations/us-central1/connectors/shared"), Egress: EgressAllTraffic},
		},
	})
	svc := m.One(t, typeCloudRun)
	checks := []struct {
		path []any
		want any
	}{
		{[]any{"name"}, "orders-" + hash7("berth/test/orders")},
		{[]any{"project"}, "other-project"},
		{[]any{"ingress"}, "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"},
		{[]any{"labels"}, map[string]any{"team": "payments", "managed-by": "platform"}},
		{[]any{"template", "containers", 0, "resources"}, map[string]any{
			"limits": map[string]any{"cpu": "2", "memory": "4Gi"}, "cpuIdle": false, "startupCpuBoost": true,
		}},
		{[]any{"template", "maxInstanceRequestConcurrency"}, float64(250)},
		{[]any{"template", "scaling"}, map[string]any{"minInstanceCount": float64(1), "maxInstanceCount": float64(20)}},
		{[]any{"template", "timeout"}, "900s"},
		{[]any{"template", "executionEnvironment"}, "EXECUTION_ENVIRONMENT_GEN2"},
		{[]any{"template", "containers", 0, "ports", 0, "containerPort"}, float64(9000)},
		{[]any{"template", "containers", 0, "startupProbe", "httpGet"}, map[string]any{"path": "/livez", "port": float64(9000)}},
		{[]any{"template", "containers", 0, "livenessProbe", "httpGet"}, map[string]any{"path": "/livez", "port": float64(9000)}},
		{[]any{"template", "vpcAccess"}, map[string]any{
			"connector": "projects/net/locations/us-central1/connectors/shared", "egress": "ALL_TRAFFIC",
		}},
	}
	for _, c := range checks {
		assertEqual(t, fmt.Sprint(c.path), testkit.Prop(t, svc, c.path...), c.want)
	}
	if n := len(m.ByType(typeConnector)); n != 0 {
		t.Errorf("existing connector created %d connectors", n)
	}
	assertEqual(t, "account project", testkit.Prop(t, m.One(t, typeAccount), "project"), "other-project")
}

func TestFractionalCPUPicksGen1AndConcurrencyOne(t *testing.T) {
	t.Parallel()
	m, _ := run(t, &ServiceArgs{Image: pulumi.String(testImage), GCP: GCP{Region: "us-central1"}, Service: &spec.Service{CPU: cpu(0.5), Memory: "256Mi"}})
	svc := m.One(t, typeCloudRun)
	assertEqual(t, "executionEnvironment", testkit.Prop(t, svc, "template", "executionEnvironment"), "EXECUTION_ENVIRONMENT_GEN1")
	assertEqual(t, "concurrency", testkit.Prop(t, svc, "template", "maxInstanceRequestConcurrency"), float64(1))
	assertEqual(t, "resources", testkit.Prop(t, svc, "template", "containers", 0, "resources"), map[string]any{
		"limits": map[string]any{"cpu": "0.5", "memory": "256Mi"}, "cpuIdle": true, "startupCpuBoost": false,
	})
}

func TestCreatedConnectorIsExplicitAndUsedWithPrivateEgress(t *testing.T) {
	t.Parallel()
	m, svc := run(t, typicalArgs())
	conn := m.One(t, typeConnector)
	assertEqual(t, "connector inputs", conn.Inputs.Mappable(), map[string]any{
		"name":          testConnector,
		"region":        "us-central1",
		"network":       "default",
		"ipCidrRange":   "10.8.0.0/28",
		"minInstances":  float64(2),
		"maxInstances":  float64(3),
		"minThroughput": float64(200),
		"maxThroughput": float64(300),
		"machineType":   "e2-micro",
	})
	if dbr := conn.Options.DeleteBeforeReplace; dbr == nil || !*dbr {
		t.Error("connector is replaced create-before-delete: the new one would collide with the old name and /28")
	}
	wantID := "projects/" + testkit.GCPProject + "/locations/us-central1/connectors/" + testConnector
	assertEqual(t, "vpcAccess", testkit.Prop(t, m.One(t, typeCloudRun), "template", "vpcAccess"), map[string]any{
		"connector": wantID, "egress": "PRIVATE_RANGES_ONLY",
	})
	if svc.Connector == nil {
		t.Fatal("Service.Connector is nil")
	}
}

// TestConnectorThroughputMatchesWhatTheAPIReportsForEverySize: the provider
// defaults throughput to 200/300 and replaces the connector when the API
// reports anything else, which it does for every size but 2 to 3 instances
// (see newConnector); berth sets the reported value, 100 Mbps per instance.
func TestConnectorThroughputMatchesWhatTheAPIReportsForEverySize(t *testing.T) {
	t.Parallel()
	for minInstances := 2; minInstances <= 9; minInstances++ {
		for maxInstances := minInstances + 1; maxInstances <= 10; maxInstances++ {
			for _, machine := range connectorMachineTypes {
				a := typicalArgs()
				a.GCP.VPC.Connector.MinInstances, a.GCP.VPC.Connector.MaxInstances, a.GCP.VPC.Connector.MachineType = n(minInstances), n(maxInstances), machine
				m, _ := run(t, a)
				conn := m.One(t, typeConnector)
				got := []any{testkit.Prop(t, conn, "minThroughput"), testkit.Prop(t, conn, "maxThroughput"), testkit.Prop(t, conn, "name")}
				want := []any{float64(100 * minInstances), float64(100 * maxInstances), testConnector}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %d-%d: throughput and name %v, want %v", machine, minInstances, maxInstances, got, want)
				}
			}
		}
	}
}

func TestDirectVPCEgressUsesTheNetworkInterface(t *testing.T) {
	t.Parallel()
	args := &ServiceArgs{Image: pulumi.String(testImage), GCP: GCP{Region: "us-central1", VPC: &VPC{DirectVPC: &DirectVPC{
		Network: pulumi.String("default"), Subnetwork: pulumi.String("run-egress"), NetworkTags: []string{"api"},
	}}}}
	m, _ := run(t, args)
	assertEqual(t, "vpcAccess", testkit.Prop(t, m.One(t, typeCloudRun), "template", "vpcAccess"), map[string]any{
		"egress": "PRIVATE_RANGES_ONLY",
		"networkInterfaces": []any{map[string]any{
			"network": "default", "subnetwork": "run-egress", "tags": []any{"api"},
		}},
	})
	if n := len(m.ByType(typeConnector)); n != 0 {
		t.Errorf("direct egress created %d connectors", n)
	}
}

func TestInvokersAreExactAndAllUsersOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		invokers    []string
		allowPublic bool
		want        []string
	}{
		{name: "none by default", want: nil},
		{name: "listed members only", invokers: []string{"user:ops@example.com", "group:eng@example.com"}, want: []string{"user:ops@example.com", "group:eng@example.com"}},
		{name: "allUsers with public", invokers: []string{"user:ops@example.com"}, allowPublic: true, want: []string{"user:ops@example.com", "allUsers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, _ := run(t, &ServiceArgs{Image: pulumi.String(testImage), Service: &spec.Service{Public: tt.allowPublic}, GCP: GCP{Region: "us-central1", Invokers: tt.invokers}})
			svc := m.One(t, typeCloudRun)
			var got []string
			for _, r := range m.ByType(typeInvoker) {
				assertEqual(t, r.Name+" inputs", r.Inputs.Mappable(), map[string]any{
					"name":     testAccountID,
					"location": "us-central1",
					"role":     "roles/run.invoker",
					"member":   testkit.Prop(t, r, "member"),
				})
				if !slices.Contains(r.Dependencies, svc.URN) {
					t.Errorf("%s does not depend on the service", r.Name)
				}
				got = append(got, testkit.Prop(t, r, "member").(string))
			}
			slices.Sort(got)
			slices.Sort(tt.want)
			assertEqual(t, "members", got, tt.want)
		})
	}
}

func TestOutputsAreTypedFields(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test")
	var url, name, rev, email, connector, noConnector string
	err := m.Run(func(ctx *pulumi.Context) error {
		svc, err := NewService(ctx, "api", typicalArgs())
		if err != nil {
			return err
		}
		plain, err := NewService(ctx, "plain", &ServiceArgs{Image: pulumi.String(testImage), GCP: GCP{Region: "us-central1"}})
		if err != nil {
			return err
		}
		// Record the values; the assertions run after Run returns.
		svc.URL.ApplyT(func(s string) string { url = s; return s })
		svc.ServiceName.ApplyT(func(s string) string { name = s; return s })
		svc.LatestRevision.ApplyT(func(s string) string { rev = s; return s })
		svc.ServiceAccountEmail.ApplyT(func(s string) string { email = s; return s })
		svc.ConnectorID.ApplyT(func(s string) string { connector = s; return s })
		plain.ConnectorID.ApplyT(func(s string) string { noConnector = s; return s })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The service's URL and revision are the cloud's, as the monitor
	// answered them for the Cloud Run service.
	run := m.Named(t, typeCloudRun, "api-svc")
	if !strings.HasPrefix(url, "https://") || url != testkit.Out(t, run, "uri") {
		t.Errorf("URL = %q, want the service's uri %v", url, testkit.Out(t, run, "uri"))
	}
	assertEqual(t, "ServiceName", name, testAccountID)
	if rev == "" || rev != testkit.Out(t, run, "latestReadyRevision") {
		t.Errorf("LatestRevision = %q, want the service's latestReadyRevision %v", rev, testkit.Out(t, run, "latestReadyRevision"))
	}
	assertEqual(t, "ServiceAccountEmail", email, testServiceAccount)
	assertEqual(t, "ConnectorID", connector, "projects/"+testkit.GCPProject+"/locations/us-central1/connectors/"+testConnector)
	assertEqual(t, "ConnectorID without VPC", noConnector, "")
}

func TestNilArgsIsAnError(t *testing.T) {
	t.Parallel()
	verr, n := testkit.RunValidation(t, func(ctx *pulumi.Context) error {
		_, err := NewService(ctx, "api", nil)
		return err
	})
	if verr == nil || !slices.Equal(verr.Fields(), []string{"args"}) {
		t.Fatalf("err = %v, want a validation error naming args", verr)
	}
	if n != 0 {
		t.Errorf("registered %d resources", n)
	}
}

// TestSecretsFromValuesAreCreatedPinnedAndGranted: a secret given as a
// value becomes a Secret Manager secret and version of the service's own,
// the service pins that version, its account may read exactly that secret,
// and the value never appears in plain text.
func TestSecretsFromValuesAreCreatedPinnedAndGranted(t *testing.T) {
	t.Parallel()
	const canary = "canary-Zq9!secret-value"
	a := &ServiceArgs{
		Image: pulumi.String(testImage),
		Service: &spec.Service{Secrets: []spec.Secret{
			{Path: "/var/secrets/api-token/token", Value: pulumi.ToSecret(pulumi.String(canary)).(pulumi.StringOutput)},
			{Env: "WEBHOOK_KEY", Value: pulumi.String(canary + "-2")},
		}},
		GCP: GCP{Region: "us-central1", Labels: map[string]string{"stack": "test"}},
	}
	m, _ := run(t, a)
	secrets := m.ByType("gcp:secretmanager/secret:Secret")
	if len(secrets) != 2 {
		t.Fatalf("want 2 created secrets, got %d", len(secrets))
	}
	tokenID := "api-token-" + hash7("berth/test/api/secret/token")
	webhookID := "api-webhook-key-" + hash7("berth/test/api/secret/webhook-key")
	assertEqual(t, "token secret", testkit.Prop(t, m.Named(t, "gcp:secretmanager/secret:Secret", "api-token"), "secretId"), tokenID)
	assertEqual(t, "webhook secret", testkit.Prop(t, m.Named(t, "gcp:secretmanager/secret:Secret", "api-webhook-key"), "secretId"), webhookID)
	for _, s := range secrets {
		assertEqual(t, s.Name+" replication and labels", map[string]any{
			"replication": testkit.Prop(t, s, "replication"), "labels": testkit.Prop(t, s, "labels"),
		}, map[string]any{
			"replication": map[string]any{"auto": map[string]any{}},
			"labels":      map[string]any{"managed-by": "berth", "stack": "test"},
		})
	}
	for _, v := range m.ByType("gcp:secretmanager/secretVersion:SecretVersion") {
		if !v.Inputs["secretData"].IsSecret() {
			t.Errorf("%s secretData is not a secret: %v", v.Name, v.Inputs["secretData"])
		}
	}
	m.NoPlaintext(t, canary)

	var granted []string
	for _, b := range m.ByType(typeSecretMember) {
		granted = append(granted, testkit.Prop(t, b, "secretId").(string))
	}
	slices.Sort(granted)
	assertEqual(t, "granted secrets", granted, []string{tokenID, webhookID})

	svc := m.One(t, typeCloudRun)
	assertEqual(t, "env", testkit.Prop(t, svc, "template", "containers", 0, "envs"), []any{
		map[string]any{"name": "WEBHOOK_KEY", "valueSource": map[string]any{
			"secretKeyRef": map[string]any{"secret": webhookID, "version": "1"},
		}},
	})
	assertEqual(t, "volume secret", testkit.Prop(t, svc, "template", "volumes", 0, "secret", "secret"), tokenID)
	assertEqual(t, "volume version", testkit.Prop(t, svc, "template", "volumes", 0, "secret", "items", 0, "version"), "1")
}

// TestReplacementsAreCreateFirstExceptTheConnector: a new name, Region or
// project makes a new service, account, invoker grant and value secret
// beside the old ones (their names or scopes differ), so the old service
// serves until the end of the update; the connector is replaced
// delete-first, because its IP range or subnet is its own.
func TestReplacementsAreCreateFirstExceptTheConnector(t *testing.T) {
	t.Parallel()
	a := typicalArgs()
	a.Service.Secrets = append(a.Service.Secrets, spec.Secret{Env: "WEBHOOK_KEY", Value: pulumi.String("v")})
	m, _ := run(t, a)
	for typ, want := range map[string]bool{
		typeCloudRun: false, typeAccount: false, typeInvoker: false,
		"gcp:secretmanager/secret:Secret": false, typeConnector: true,
	} {
		rs := m.ByType(typ)
		if len(rs) == 0 {
			t.Errorf("no %s", typ)
		}
		for _, r := range rs {
			if d := r.Options.DeleteBeforeReplace; d == nil || *d != want {
				t.Errorf("%s %s: deleteBeforeReplace %v, want %v", typ, r.Name, d, want)
			}
		}
	}
}
