package cloudrun

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// validArgs is the smallest valid ServiceArgs.
func validArgs() *ServiceArgs {
	return &ServiceArgs{Image: pulumi.String(testImage), Region: "us-central1"}
}

// newConnectorVPC is a valid VPC that creates a connector.
func newConnectorVPC() *VPC {
	return &VPC{Connector: &Connector{Network: pulumi.String("default"), IPCIDRRange: "10.8.0.0/28"}}
}

// validate runs NewService under a fresh monitor and returns its error and
// how many resources were registered.
func validateArgs(t *testing.T, args *ServiceArgs) (*validate.Error, int) {
	t.Helper()
	return testkit.RunValidation(t, func(ctx *pulumi.Context) error {
		_, err := NewService(ctx, "api", args)
		return err
	})
}

// TestValidationNamesTheField has one case per rule: the error names exactly
// the offending field, says what is allowed, and nothing is registered.
func TestValidationNamesTheField(t *testing.T) {
	t.Parallel()
	manyLabels := map[string]string{}
	for i := range maxLabels {
		manyLabels[fmt.Sprintf("l%d", i)] = "x"
	}
	manyEnv := map[string]string{}
	for i := range maxEnvVars {
		manyEnv[fmt.Sprintf("V%d", i)] = "x"
	}
	envSecret := func(s Secret) []Secret {
		if s.Secret == nil {
			s.Secret = pulumi.String("db-url")
		}
		return []Secret{s}
	}
	fileSecret := func(path string) Secret {
		return Secret{Secret: pulumi.String("tls"), Version: pulumi.String("1"), Path: path}
	}

	tests := []struct {
		name    string
		mutate  func(a *ServiceArgs)
		field   string
		wantMsg string
	}{
		{"image is required", func(a *ServiceArgs) { a.Image = nil }, "image", "required"},
		{"image is not empty", func(a *ServiceArgs) { a.Image = pulumi.String(" ") }, "image", "must not be empty"},
		{"region is required", func(a *ServiceArgs) { a.Region = "" }, "region", "required"},
		{"region has a region's shape", func(a *ServiceArgs) { a.Region = "US Central" }, "region", "not a Google Cloud region"},
		{"project is a project ID", func(a *ServiceArgs) { a.Project = "My_Project" }, "project", "not a project ID"},
		{"service name characters", func(a *ServiceArgs) { a.ServiceName = "Api_Svc" }, "serviceName", "lowercase letter"},
		{"service name ends with a letter or digit", func(a *ServiceArgs) { a.ServiceName = "api-" }, "serviceName", "not ending with a hyphen"},
		{"service name at most 49", func(a *ServiceArgs) { a.ServiceName = strings.Repeat("a", 50) }, "serviceName", "at most 49"},
		{"account ID at least 6", func(a *ServiceArgs) { a.ServiceAccountID = "api" }, "serviceAccountId", "allowed: 6 to 30"},
		{"account ID at most 30", func(a *ServiceArgs) { a.ServiceAccountID = strings.Repeat("a", 31) }, "serviceAccountId", "allowed: 6 to 30"},
		{"account ID characters", func(a *ServiceArgs) { a.ServiceAccountID = "9api-runner" }, "serviceAccountId", "not a service account ID"},
		{"port range", func(a *ServiceArgs) { a.Port = 70000 }, "port", "allowed: 1 to 65535"},
		{"health path starts with a slash", func(a *ServiceArgs) { a.HealthPath = "healthz" }, "healthPath", "starting with \"/\""},
		{"cpu offered counts", func(a *ServiceArgs) { a.CPU = "3" }, "cpu", "allowed: 0.08 to 0.999"},
		{"cpu minimum", func(a *ServiceArgs) { a.CPU = "0.05" }, "cpu", "below the minimum of 0.08"},
		{"memory quantity format", func(a *ServiceArgs) { a.Memory = "512MB" }, "memory", "Mi or Gi"},
		{"memory within the cpu's range", func(a *ServiceArgs) { a.Memory = "8Gi" }, "memory", "needs at least cpu 2"},
		{"memory minimum for 4 cpu", func(a *ServiceArgs) { a.CPU = "4"; a.Memory = "1Gi" }, "memory", "allowed: 2Gi to 16Gi"},
		{"memory gen2 minimum", func(a *ServiceArgs) { a.ExecutionEnvironment = Gen2; a.Memory = "256Mi" }, "memory", "gen2 minimum of 512Mi"},
		{"memory maximum", func(a *ServiceArgs) { a.CPU = "8"; a.Memory = "64Gi" }, "memory", "above the Cloud Run maximum"},
		{"memory above 512Mi needs 0.5 cpu", func(a *ServiceArgs) { a.CPU = "0.25"; a.Memory = "1Gi" }, "memory", "needs at least cpu 0.5"},
		{"gen2 needs 1 cpu", func(a *ServiceArgs) { a.CPU = "0.5"; a.ExecutionEnvironment = Gen2 }, "executionEnvironment", "gen2 needs at least 1 CPU"},
		{"execution environment enum", func(a *ServiceArgs) { a.ExecutionEnvironment = "gen3" }, "executionEnvironment", `allowed: "gen1", "gen2"`},
		{"fractional cpu is idle outside requests", func(a *ServiceArgs) { a.CPU = "0.5"; a.CPUAlwaysAllocated = true }, "cpuAlwaysAllocated", "only during requests"},
		{"concurrency maximum", func(a *ServiceArgs) { a.Concurrency = 1001 }, "concurrency", "allowed: 1 to 1000"},
		{"concurrency positive", func(a *ServiceArgs) { a.Concurrency = -1 }, "concurrency", "allowed: 1 to 1000"},
		{"fractional cpu serves one request", func(a *ServiceArgs) { a.CPU = "0.5"; a.Concurrency = 2 }, "concurrency", "allowed below 1 CPU: 1"},
		{"min instances non-negative", func(a *ServiceArgs) { a.MinInstances = -1 }, "minInstances", "negative"},
		{"max instances non-negative", func(a *ServiceArgs) { a.MaxInstances = -1 }, "maxInstances", "negative"},
		{"min instances at most max", func(a *ServiceArgs) { a.MinInstances = 5; a.MaxInstances = 2 }, "minInstances", "above maxInstances 2"},
		{"min instances at most default max", func(a *ServiceArgs) { a.MinInstances = 101 }, "minInstances", "above maxInstances 100"},
		{"timeout maximum", func(a *ServiceArgs) { a.Timeout = 61 * time.Minute }, "timeout", "allowed: 1s to 1h0m0s"},
		{"timeout positive", func(a *ServiceArgs) { a.Timeout = -time.Second }, "timeout", "allowed: 1s to 1h0m0s"},
		{"timeout whole seconds", func(a *ServiceArgs) { a.Timeout = 1500 * time.Millisecond }, "timeout", "whole number of seconds"},
		{"ingress enum", func(a *ServiceArgs) { a.Ingress = "all" }, "ingress", `"INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_ONLY"`},
		{"allUsers needs allowUnauthenticated", func(a *ServiceArgs) { a.Invokers = []string{"allUsers"} }, "invokers[0]", "needs allowUnauthenticated"},
		{"allAuthenticatedUsers needs allowUnauthenticated", func(a *ServiceArgs) { a.Invokers = []string{"user:a@example.com", "allAuthenticatedUsers"} }, "invokers[1]", "needs allowUnauthenticated"},
		{"allUsers comes from allowUnauthenticated", func(a *ServiceArgs) { a.AllowUnauthenticated = true; a.Invokers = []string{"allUsers"} }, "invokers[0]", "already granted by allowUnauthenticated"},
		{"invoker is an IAM member", func(a *ServiceArgs) { a.Invokers = []string{"alice@example.com"} }, "invokers[0]", `"user:"`},
		{"invoker listed once", func(a *ServiceArgs) { a.Invokers = []string{"user:a@example.com", "user:a@example.com"} }, "invokers[1]", "already invokers[0]"},
		{"env name is an identifier", func(a *ServiceArgs) { a.Env = map[string]string{"1X": "v"} }, `env["1X"]`, "not an environment variable name"},
		{"env PORT is reserved", func(a *ServiceArgs) { a.Env = map[string]string{"PORT": "80"} }, `env["PORT"]`, "set by Cloud Run"},
		{"env K_SERVICE is reserved", func(a *ServiceArgs) { a.Env = map[string]string{"K_SERVICE": "x"} }, `env["K_SERVICE"]`, "set by Cloud Run"},
		{"env X_GOOGLE_ prefix is reserved", func(a *ServiceArgs) { a.Env = map[string]string{"X_GOOGLE_A": "x"} }, `env["X_GOOGLE_A"]`, "reserved prefix"},
		{"at most 1000 variables", func(a *ServiceArgs) {
			a.Env = manyEnv
			a.Secrets = envSecret(Secret{Version: pulumi.String("1"), Env: "DB"})
		}, "env", "at most 1000"},
		{"secret is required", func(a *ServiceArgs) { a.Secrets = []Secret{{Version: pulumi.String("1"), Env: "DB"}} }, "secrets[0].secret", "required"},
		{"secret is a secret ID", func(a *ServiceArgs) {
			a.Secrets = envSecret(Secret{Secret: pulumi.String("projects/p/secrets/db/versions/3"), Version: pulumi.String("3"), Env: "DB"})
		}, "secrets[0].secret", "put the version in version"},
		{"secret has env or path", func(a *ServiceArgs) { a.Secrets = envSecret(Secret{Version: pulumi.String("1")}) }, "secrets[0]", "neither env nor path"},
		{"secret has not both env and path", func(a *ServiceArgs) {
			a.Secrets = envSecret(Secret{Version: pulumi.String("1"), Env: "DB", Path: "/etc/db/url"})
		}, "secrets[0]", "both set"},
		{"secret env is an identifier", func(a *ServiceArgs) { a.Secrets = envSecret(Secret{Version: pulumi.String("1"), Env: "DB-URL"}) }, "secrets[0].env", "not an environment variable name"},
		{"secret env is not reserved", func(a *ServiceArgs) { a.Secrets = envSecret(Secret{Version: pulumi.String("1"), Env: "K_REVISION"}) }, "secrets[0].env", "set by Cloud Run"},
		{"secret env clashes with env", func(a *ServiceArgs) {
			a.Env = map[string]string{"DB": "x"}
			a.Secrets = envSecret(Secret{Version: pulumi.String("1"), Env: "DB"})
		}, "secrets[0].env", "also a plain variable"},
		{"secret env once", func(a *ServiceArgs) {
			a.Secrets = []Secret{
				{Secret: pulumi.String("a"), Version: pulumi.String("1"), Env: "DB"},
				{Secret: pulumi.String("b"), Version: pulumi.String("1"), Env: "DB"},
			}
		}, "secrets[1].env", "already the env of secrets[0]"},
		{"secret version required", func(a *ServiceArgs) { a.Secrets = envSecret(Secret{Env: "DB"}) }, "secrets[0].version", "required"},
		{"env secret pins a number", func(a *ServiceArgs) { a.Secrets = envSecret(Secret{Env: "DB", Version: pulumi.String("latest")}) }, "secrets[0].version", "read once per instance"},
		{"file secret latest needs allowLatest", func(a *ServiceArgs) {
			s := fileSecret("/etc/tls/key")
			s.Version = pulumi.String("latest")
			a.Secrets = []Secret{s}
		}, "secrets[0].version", "needs allowLatest"},
		{"secret version is a positive number", func(a *ServiceArgs) { a.Secrets = envSecret(Secret{Env: "DB", Version: pulumi.String("0")}) }, "secrets[0].version", "not a secret version"},
		{"secret version is not a name", func(a *ServiceArgs) { a.Secrets = envSecret(Secret{Env: "DB", Version: pulumi.String("v3")}) }, "secrets[0].version", "not a secret version"},
		{"allowLatest only for files", func(a *ServiceArgs) {
			a.Secrets = envSecret(Secret{Env: "DB", Version: pulumi.String("1"), AllowLatest: true})
		}, "secrets[0].allowLatest", "must pin a version"},
		{"mode only for files", func(a *ServiceArgs) {
			a.Secrets = envSecret(Secret{Env: "DB", Version: pulumi.String("1"), Mode: 0o400})
		}, "secrets[0].mode", "only file secrets"},
		{"mode at most 0777", func(a *ServiceArgs) {
			s := fileSecret("/etc/tls/key")
			s.Mode = 0o1777
			a.Secrets = []Secret{s}
		}, "secrets[0].mode", "allowed: 0o1 to 0o777"},
		{"mode not negative", func(a *ServiceArgs) {
			s := fileSecret("/etc/tls/key")
			s.Mode = -1
			a.Secrets = []Secret{s}
		}, "secrets[0].mode", "not a file mode"},
		{"path absolute", func(a *ServiceArgs) { a.Secrets = []Secret{fileSecret("etc/tls/key")} }, "secrets[0].path", "not absolute"},
		{"path without colon", func(a *ServiceArgs) { a.Secrets = []Secret{fileSecret("/etc/tls:x/key")} }, "secrets[0].path", `contains ":"`},
		{"path without dot-dot", func(a *ServiceArgs) { a.Secrets = []Secret{fileSecret("/etc/tls/../key")} }, "secrets[0].path", "not a clean file path"},
		{"path names a file", func(a *ServiceArgs) { a.Secrets = []Secret{fileSecret("/etc/tls/")} }, "secrets[0].path", "not a clean file path"},
		{"path not in root", func(a *ServiceArgs) { a.Secrets = []Secret{fileSecret("/key")} }, "secrets[0].path", `mount the secret on "/"`},
		{"path not in /dev", func(a *ServiceArgs) { a.Secrets = []Secret{fileSecret("/dev/key")} }, "secrets[0].path", "in /dev"},
		{"path not in /proc", func(a *ServiceArgs) { a.Secrets = []Secret{fileSecret("/proc/self/key")} }, "secrets[0].path", "in /proc"},
		{"path not in /sys", func(a *ServiceArgs) { a.Secrets = []Secret{fileSecret("/sys/key")} }, "secrets[0].path", "in /sys"},
		{"path not in /cloudsql", func(a *ServiceArgs) { a.Secrets = []Secret{fileSecret("/cloudsql/key")} }, "secrets[0].path", "in /cloudsql"},
		{"path directory once", func(a *ServiceArgs) {
			a.Secrets = []Secret{fileSecret("/etc/tls/key"), {Secret: pulumi.String("cert"), Version: pulumi.String("1"), Path: "/etc/tls/cert"}}
		}, "secrets[1].path", "already the directory of secrets[0]"},
		{"path directories not nested", func(a *ServiceArgs) {
			a.Secrets = []Secret{fileSecret("/etc/tls/key"), {Secret: pulumi.String("ca"), Version: pulumi.String("1"), Path: "/etc/tls/ca/cert"}}
		}, "secrets[1].path", "inside the directory of secrets[0]"},
		{"vpc sets one way", func(a *ServiceArgs) { a.VPC = &VPC{} }, "vpc", "no VPC access is set"},
		{"vpc sets only one way", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Network = pulumi.String("default")
		}, "vpc", "more than one VPC access"},
		{"vpc connector and connector ID exclusive", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.ConnectorID = pulumi.String("projects/p/locations/us-central1/connectors/c")
		}, "vpc", "more than one VPC access"},
		{"network tags need direct egress", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.NetworkTags = []string{"api"}
		}, "vpc.networkTags", "only with network or subnetwork"},
		{"network tag format", func(a *ServiceArgs) {
			a.VPC = &VPC{Network: pulumi.String("default"), NetworkTags: []string{"API"}}
		}, "vpc.networkTags[0]", "not a network tag"},
		{"connector name format", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Connector.Name = "Conn"
		}, "vpc.connector.name", "not a connector name"},
		{"connector name at most 25", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Connector.Name = strings.Repeat("c", 26)
		}, "vpc.connector.name", "allowed: 2 to 25"},
		{"connector range is a /28", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Connector.IPCIDRRange = "10.8.0.0/24"
		}, "vpc.connector.ipCidrRange", "is a /24"},
		{"connector range is a network address", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Connector.IPCIDRRange = "10.8.0.5/28"
		}, "vpc.connector.ipCidrRange", `the network address, "10.8.0.0/28"`},
		{"connector range is IPv4 CIDR", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Connector.IPCIDRRange = "10.8.0.0"
		}, "vpc.connector.ipCidrRange", "not an IPv4 CIDR range"},
		{"connector needs a range or subnet", func(a *ServiceArgs) {
			a.VPC = &VPC{Connector: &Connector{Network: pulumi.String("default")}}
		}, "vpc.connector.ipCidrRange", "required without subnet"},
		{"connector range needs a network", func(a *ServiceArgs) {
			a.VPC = &VPC{Connector: &Connector{IPCIDRRange: "10.8.0.0/28"}}
		}, "vpc.connector.network", "required with ipCidrRange"},
		{"connector subnet excludes range", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Connector.Subnet = pulumi.String("connector-subnet")
		}, "vpc.connector.subnet", "either subnet, or ipCidrRange with network"},
		{"connector min instances at least 2", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Connector.MinInstances = 1
		}, "vpc.connector.minInstances", "allowed: 2 to 9"},
		{"connector min instances at most 9", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Connector.MinInstances = 10
			a.VPC.Connector.MaxInstances = 10
		}, "vpc.connector.minInstances", "allowed: 2 to 9"},
		{"connector max instances at most 10", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Connector.MaxInstances = 11
		}, "vpc.connector.maxInstances", "allowed: 3 to 10"},
		{"connector max above min", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Connector.MinInstances = 5
			a.VPC.Connector.MaxInstances = 5
		}, "vpc.connector.maxInstances", "not above minInstances 5"},
		{"connector machine type enum", func(a *ServiceArgs) {
			a.VPC = newConnectorVPC()
			a.VPC.Connector.MachineType = "n1-standard-1"
		}, "vpc.connector.machineType", `"f1-micro", "e2-micro", "e2-standard-4"`},
		{"label namespace reserved", func(a *ServiceArgs) { a.Labels = map[string]string{"run.googleapis.com/x": "y"} }, `labels["run.googleapis.com/x"]`, "reserved by Cloud Run"},
		{"label knative namespace reserved", func(a *ServiceArgs) { a.Labels = map[string]string{"serving.knative.dev/x": "y"} }, `labels["serving.knative.dev/x"]`, "reserved by Cloud Run"},
		{"label key format", func(a *ServiceArgs) { a.Labels = map[string]string{"Team": "x"} }, `labels["Team"]`, "not a label key"},
		{"label value format", func(a *ServiceArgs) { a.Labels = map[string]string{"team": "Payments"} }, `labels["team"]`, "not a label value"},
		{"at most 64 labels", func(a *ServiceArgs) { a.Labels = manyLabels }, "labels", "at most 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := validArgs()
			tt.mutate(args)
			verr, registered := validateArgs(t, args)
			if verr == nil {
				t.Fatalf("NewService accepted the args, want a problem with %s", tt.field)
			}
			if registered != 0 {
				t.Errorf("%d resources registered after a validation error, want none", registered)
			}
			if got := verr.Fields(); !slices.Equal(got, []string{tt.field}) {
				t.Fatalf("fields = %q, want exactly [%q]; error:\n%v", got, tt.field, verr)
			}
			if !strings.Contains(verr.Problems[0].Message, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", verr.Problems[0].Message, tt.wantMsg)
			}
			if !strings.Contains(verr.Error(), tt.field+": ") {
				t.Errorf("error text does not name %s:\n%v", tt.field, verr)
			}
		})
	}
}

func TestValidationReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	args := &ServiceArgs{
		CPU:         "0.5",
		Concurrency: 10,
		Memory:      "2Gi",
		Timeout:     2 * time.Hour,
		Invokers:    []string{"allUsers"},
		Secrets:     []Secret{{Secret: pulumi.String("db"), Version: pulumi.String("latest"), Env: "PORT"}},
		VPC:         &VPC{Connector: &Connector{Name: "this-connector-name-is-too-long", IPCIDRRange: "10.8.0.0/27", Network: pulumi.String("default")}},
	}
	verr, registered := validateArgs(t, args)
	if verr == nil {
		t.Fatal("NewService accepted the args")
	}
	if registered != 0 {
		t.Errorf("%d resources registered, want none", registered)
	}
	want := []string{
		"concurrency", "image", "invokers[0]", "memory", "region", "secrets[0].env", "secrets[0].version",
		"timeout", "vpc.connector.ipCidrRange", "vpc.connector.name",
	}
	if got := verr.Fields(); !slices.Equal(got, want) {
		t.Errorf("fields =\n  %q\nwant\n  %q\nerror:\n%v", got, want, verr)
	}
	if !strings.HasPrefix(verr.Error(), `invalid arguments for berth:cloudrun:Service "api":`) {
		t.Errorf("error header: %v", verr)
	}
}

func TestResolveAppliesDefaults(t *testing.T) {
	t.Parallel()
	p, err := validArgs().resolve("berth", "test", "api")
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]any{
		"serviceName":  {p.serviceName, testAccountID},
		"accountID":    {p.accountID, testAccountID},
		"cpu":          {p.cpu, "1"},
		"memory":       {p.memory, "512Mi"},
		"env":          {p.env, Gen2},
		"cpuIdle":      {p.cpuIdle, true},
		"concurrency":  {p.concurrency, 80},
		"minInstances": {p.minInstances, 0},
		"maxInstances": {p.maxInstances, 100},
		"timeout":      {p.timeout, "300s"},
		"port":         {p.port, 8080},
		"healthPath":   {p.healthPath, "/healthz"},
		"ingress":      {p.ingress, IngressAll},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %v, want %v", name, c[0], c[1])
		}
	}
	if len(p.invokers) != 0 || p.vpc != nil || len(p.bindings) != 0 {
		t.Errorf("default plan has invokers %v, vpc %v, bindings %v", p.invokers, p.vpc, p.bindings)
	}
}

func TestResolvePicksGen1ForSmallInstances(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, cpu, memory string
		want              ExecutionEnvironment
	}{
		{"fractional cpu", "0.5", "512Mi", Gen1},
		{"memory below the gen2 minimum", "1", "256Mi", Gen1},
		{"one cpu", "1", "512Mi", Gen2},
		{"eight cpus", "8", "32Gi", Gen2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := validArgs()
			a.CPU, a.Memory = tt.cpu, tt.memory
			p, err := a.resolve("berth", "test", "api")
			if err != nil {
				t.Fatal(err)
			}
			if p.env != tt.want {
				t.Errorf("env = %s, want %s", p.env, tt.want)
			}
		})
	}
}

func TestDerivedNamesFitTheirLimitsForLongComponentNames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("checkout-service-", 5)
	a := validArgs()
	a.VPC = newConnectorVPC()
	p, err := a.resolve("berth", "production", long)
	if err != nil {
		t.Fatalf("a long component name broke validation: %v", err)
	}
	if msg := serviceNameProblem(p.serviceName); msg != "" {
		t.Error(msg)
	}
	if msg := accountIDProblem(p.accountID); msg != "" {
		t.Error(msg)
	}
	if msg := connectorNameProblem(p.vpc.connector.name); msg != "" {
		t.Error(msg)
	}
}

// TestValidateAcceptsMissingImage checks the pre-flight used by programs that
// build the image in the same deployment: the image may be missing, every
// other rule still applies, and nothing is registered.
func TestValidateAcceptsMissingImage(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test")
	var okErr, badErr error
	err := m.Run(func(ctx *pulumi.Context) error {
		okErr = (&ServiceArgs{Region: "us-central1"}).Validate(ctx, "api")
		badErr = (&ServiceArgs{Region: "us-central1", Memory: "3Gi", CPU: "1", Concurrency: 2000}).Validate(ctx, "api")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if okErr != nil {
		t.Errorf("Validate without image = %v, want nil", okErr)
	}
	var verr *validate.Error
	if !errors.As(badErr, &verr) {
		t.Fatalf("Validate = %v, want a *validate.Error", badErr)
	}
	if got, want := verr.Fields(), []string{"concurrency"}; !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
	if n := len(m.Resources()); n != 0 {
		t.Errorf("%d resources registered, want 0", n)
	}
}
