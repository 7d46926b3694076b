package cloudrun

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

// validArgs is the smallest valid ServiceArgs.
func validArgs() *ServiceArgs {
	return &ServiceArgs{Image: pulumi.String(testImage), Service: &spec.Service{}, GCP: GCP{Region: "us-central1"}}
}

// cpu and n make the pointers of optional numbers.
func cpu(v float64) *float64 { return &v }
func n(v int) *int           { return &v }

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
	envSecret := func(s spec.Secret) []spec.Secret {
		if s.Ref == nil && s.Value == nil {
			s.Ref = pulumi.String("db-url")
		}
		return []spec.Secret{s}
	}
	fileSecret := func(path string) spec.Secret {
		return spec.Secret{Ref: pulumi.String("tls"), Version: pulumi.String("1"), Path: path}
	}

	tests := []struct {
		name    string
		mutate  func(a *ServiceArgs)
		field   string
		wantMsg string
	}{
		{"image is required", func(a *ServiceArgs) { a.Image = nil }, "image", "required"},
		{"image is not empty", func(a *ServiceArgs) { a.Image = pulumi.String(" ") }, "image", `" " is not an image reference`},
		// The godoc says by digest (issue 19: "nginx:latest" passed).
		{"image by digest", func(a *ServiceArgs) { a.Image = pulumi.String("nginx:latest") }, "image",
			`"nginx:latest" is not by digest (allowed: REPOSITORY@sha256: and 64 hex digits, such as an image.Image's Ref: a tag may point at another image later, which the service would not notice)`},
		{"image digest of sha256", func(a *ServiceArgs) { a.Image = pulumi.String("repo/app@sha256:abc") }, "image", "is not an image reference"},
		{"region is required", func(a *ServiceArgs) { a.GCP.Region = "" }, "gcp.region", "required"},
		{"region has a region's shape", func(a *ServiceArgs) { a.GCP.Region = "US Central" }, "gcp.region", "not a Google Cloud region"},
		{"project is a project ID", func(a *ServiceArgs) { a.GCP.Project = "My_Project" }, "gcp.project", "not a project ID"},
		{"service name characters", func(a *ServiceArgs) { a.Service.Name = "Api_Svc" }, "service.name", "lowercase letter"},
		{"service name at most 40", func(a *ServiceArgs) { a.Service.Name = strings.Repeat("a", 41) }, "service.name", "at most 40"},
		{"an explicit port of 0 is an error", func(a *ServiceArgs) { a.Service.Port = n(0) }, "service.port", "allowed: 1 to 65535"},
		{"port range", func(a *ServiceArgs) { a.Service.Port = n(70000) }, "service.port", "allowed: 1 to 65535"},
		{"health path starts with a slash", func(a *ServiceArgs) { a.Service.HealthPath = "healthz" }, "service.healthPath", "starting with \"/\""},
		{"cpu offered counts", func(a *ServiceArgs) { a.Service.CPU = cpu(3) }, "service.cpu", "3 vCPU is not a Cloud Run CPU size (allowed: 0.08 to 0.999"},
		{"cpu in steps of 0.001", func(a *ServiceArgs) { a.Service.CPU = cpu(0.0835) }, "service.cpu", "0.0835 vCPU is not a Cloud Run CPU size"},
		{"cpu minimum", func(a *ServiceArgs) { a.Service.CPU = cpu(0.05) }, "service.cpu", "below Cloud Run's minimum of 0.08"},
		{"an explicit cpu of 0 is an error", func(a *ServiceArgs) { a.Service.CPU = cpu(0) }, "service.cpu", "0 vCPU is not a CPU size"},
		{"memory quantity format", func(a *ServiceArgs) { a.Service.Memory = "512MB" }, "service.memory", "Mi or Gi"},
		{"memory within the cpu's range", func(a *ServiceArgs) { a.Service.Memory = "8Gi" }, "service.memory", "8Gi needs at least cpu 2"},
		{"memory minimum for 4 cpu", func(a *ServiceArgs) { a.Service.CPU = cpu(4); a.Service.Memory = "1Gi" }, "service.memory", "allowed: 2Gi to 16Gi"},
		{"memory gen2 minimum", func(a *ServiceArgs) { a.GCP.ExecutionEnvironment = Gen2; a.Service.Memory = "256Mi" }, "service.memory", "gen2 minimum of 512Mi"},
		{"memory maximum", func(a *ServiceArgs) { a.Service.CPU = cpu(8); a.Service.Memory = "64Gi" }, "service.memory", "above the Cloud Run maximum"},
		{"memory above 512Mi needs 0.5 cpu", func(a *ServiceArgs) { a.Service.CPU = cpu(0.25); a.Service.Memory = "1Gi" }, "service.memory", "needs at least cpu 0.5"},
		{"gen2 needs 1 cpu", func(a *ServiceArgs) { a.Service.CPU = cpu(0.5); a.GCP.ExecutionEnvironment = Gen2 }, "gcp.executionEnvironment", "gen2 needs at least 1 vCPU"},
		{"execution environment enum", func(a *ServiceArgs) { a.GCP.ExecutionEnvironment = "gen3" }, "gcp.executionEnvironment", `allowed: "gen1", "gen2"`},
		{"fractional cpu is idle outside requests", func(a *ServiceArgs) { a.Service.CPU = cpu(0.5); a.GCP.CPUAlwaysAllocated = true }, "gcp.cpuAlwaysAllocated", "only during requests"},
		{"concurrency maximum", func(a *ServiceArgs) { a.Service.Concurrency = n(1001) }, "service.concurrency", "allowed: 1 to 1000"},
		{"an explicit concurrency of 0 is an error", func(a *ServiceArgs) { a.Service.Concurrency = n(0) }, "service.concurrency", "0 is not a concurrency"},
		{"fractional cpu serves one request", func(a *ServiceArgs) { a.Service.CPU = cpu(0.5); a.Service.Concurrency = n(2) }, "service.concurrency", "allowed below 1 vCPU: 1"},
		{"min instances non-negative", func(a *ServiceArgs) { a.Service.MinInstances = n(-1) }, "service.minInstances", "negative"},
		{"an explicit max instances of 0 is an error", func(a *ServiceArgs) { a.Service.MaxInstances = n(0) }, "service.maxInstances", "0 is not an instance count"},
		{"min instances at most max", func(a *ServiceArgs) { a.Service.MinInstances = n(5); a.Service.MaxInstances = n(2) }, "service.maxInstances", "minInstances 5 above maxInstances 2"},
		{"min instances at most default max", func(a *ServiceArgs) { a.Service.MinInstances = n(11) }, "service.minInstances", "above maxInstances 10"},
		{"timeout maximum", func(a *ServiceArgs) { a.Service.Timeout = "61m" }, "service.timeout", `"61m" is longer than Cloud Run allows (allowed: 1s to 1h)`},
		{"timeout is a duration", func(a *ServiceArgs) { a.Service.Timeout = "soon" }, "service.timeout", "not a duration"},
		{"timeout whole seconds", func(a *ServiceArgs) { a.Service.Timeout = "1500ms" }, "service.timeout", "whole number of seconds"},
		{"ingress enum", func(a *ServiceArgs) { a.GCP.Ingress = "INGRESS_TRAFFIC_ALL" }, "gcp.ingress", `"all", "internal", "internal-and-cloud-load-balancing"`},
		{"allUsers needs public", func(a *ServiceArgs) { a.GCP.Invokers = []string{"allUsers"} }, "gcp.invokers[0]", "needs service.public"},
		{"allAuthenticatedUsers needs public", func(a *ServiceArgs) { a.GCP.Invokers = []string{"user:a@example.com", "allAuthenticatedUsers"} }, "gcp.invokers[1]", "needs service.public"},
		{"allUsers comes from public", func(a *ServiceArgs) { a.Service.Public = true; a.GCP.Invokers = []string{"allUsers"} }, "gcp.invokers[0]", "already granted by service.public"},
		{"invoker is an IAM member", func(a *ServiceArgs) { a.GCP.Invokers = []string{"alice@example.com"} }, "gcp.invokers[0]", `"user:"`},
		// A prefix alone is not a member: an email, a domain or an
		// identity must follow (issue 19: "user:bob" passed).
		{"user without an email", func(a *ServiceArgs) { a.GCP.Invokers = []string{"user:bob"} }, "gcp.invokers[0]",
			`"user:bob" is not an IAM member (allowed: "user:", "serviceAccount:" or "group:" followed by an email address, "domain:" followed by a domain, "principal://" or "principalSet://" followed by an identity)`},
		{"group without a domain", func(a *ServiceArgs) { a.GCP.Invokers = []string{"group:ops@localhost"} }, "gcp.invokers[0]", "is not an IAM member"},
		{"domain that is an email", func(a *ServiceArgs) { a.GCP.Invokers = []string{"domain:a@example.com"} }, "gcp.invokers[0]", "is not an IAM member"},
		{"invoker listed once", func(a *ServiceArgs) { a.GCP.Invokers = []string{"user:a@example.com", "user:a@example.com"} }, "gcp.invokers[1]", "already gcp.invokers[0]"},
		{"env name is an identifier", func(a *ServiceArgs) { a.Service.Env = pulumi.ToStringMap(map[string]string{"1X": "v"}) }, `service.env["1X"]`, "not an environment variable name"},
		{"env PORT is reserved", func(a *ServiceArgs) { a.Service.Env = pulumi.ToStringMap(map[string]string{"PORT": "80"}) }, `service.env["PORT"]`, "set from port"},
		{"env K_SERVICE is reserved", func(a *ServiceArgs) { a.Service.Env = pulumi.ToStringMap(map[string]string{"K_SERVICE": "x"}) }, `service.env["K_SERVICE"]`, "set by Cloud Run"},
		{"env X_GOOGLE_ prefix is reserved", func(a *ServiceArgs) { a.Service.Env = pulumi.ToStringMap(map[string]string{"X_GOOGLE_A": "x"}) }, `service.env["X_GOOGLE_A"]`, "reserved prefix"},
		{"at most 1000 variables", func(a *ServiceArgs) {
			a.Service.Env = pulumi.ToStringMap(manyEnv)
			a.Service.Secrets = envSecret(spec.Secret{Version: pulumi.String("1"), Env: "DB"})
		}, "service.env", "at most 1000"},
		{"secret needs ref or value", func(a *ServiceArgs) {
			a.Service.Secrets = []spec.Secret{{Version: pulumi.String("1"), Env: "DB"}}
		}, "service.secrets[0]", "neither ref nor value"},
		{"secret is a secret ID", func(a *ServiceArgs) {
			a.Service.Secrets = envSecret(spec.Secret{Ref: pulumi.String("projects/p/secrets/db/versions/3"), Version: pulumi.String("3"), Env: "DB"})
		}, "service.secrets[0].ref", "put the version in version"},
		{"secret has env or path", func(a *ServiceArgs) { a.Service.Secrets = envSecret(spec.Secret{Version: pulumi.String("1")}) }, "service.secrets[0]", "neither env nor path"},
		{"secret has not both env and path", func(a *ServiceArgs) {
			a.Service.Secrets = envSecret(spec.Secret{Version: pulumi.String("1"), Env: "DB", Path: "/etc/db/url"})
		}, "service.secrets[0].path", "set together with env"},
		{"secret env is an identifier", func(a *ServiceArgs) {
			a.Service.Secrets = envSecret(spec.Secret{Version: pulumi.String("1"), Env: "DB-URL"})
		}, "service.secrets[0].env", "not an environment variable name"},
		{"secret env is not reserved", func(a *ServiceArgs) {
			a.Service.Secrets = envSecret(spec.Secret{Version: pulumi.String("1"), Env: "K_REVISION"})
		}, "service.secrets[0].env", "set by Cloud Run"},
		{"secret env clashes with env", func(a *ServiceArgs) {
			a.Service.Env = pulumi.ToStringMap(map[string]string{"DB": "x"})
			a.Service.Secrets = envSecret(spec.Secret{Version: pulumi.String("1"), Env: "DB"})
		}, "service.secrets[0].env", "also a plain variable"},
		{"secret env once", func(a *ServiceArgs) {
			a.Service.Secrets = []spec.Secret{
				{Ref: pulumi.String("a"), Version: pulumi.String("1"), Env: "DB"},
				{Ref: pulumi.String("b"), Version: pulumi.String("1"), Env: "DB"},
			}
		}, "service.secrets[1].env", "already the env of secrets[0]"},
		{"secret key is an AWS feature", func(a *ServiceArgs) {
			a.Service.Secrets = envSecret(spec.Secret{Version: pulumi.String("1"), Env: "DB", Key: "url"})
		}, "service.secrets[0].key", "JSON keys are an AWS Secrets Manager feature"},
		{"secret version required with ref", func(a *ServiceArgs) { a.Service.Secrets = envSecret(spec.Secret{Env: "DB"}) }, "service.secrets[0].version", "required with ref"},
		{"env secret pins a number", func(a *ServiceArgs) {
			a.Service.Secrets = envSecret(spec.Secret{Env: "DB", Version: pulumi.String("latest")})
		}, "service.secrets[0].version", "read once per instance"},
		{"file secret latest needs allowLatest", func(a *ServiceArgs) {
			s := fileSecret("/etc/tls/key")
			s.Version = pulumi.String("latest")
			a.Service.Secrets = []spec.Secret{s}
		}, "service.secrets[0].version", "needs allowLatest"},
		{"secret version is a positive number", func(a *ServiceArgs) {
			a.Service.Secrets = envSecret(spec.Secret{Env: "DB", Version: pulumi.String("0")})
		}, "service.secrets[0].version", "not a secret version"},
		{"secret version is not a name", func(a *ServiceArgs) {
			a.Service.Secrets = envSecret(spec.Secret{Env: "DB", Version: pulumi.String("v3")})
		}, "service.secrets[0].version", "not a secret version"},
		{"a value takes no version", func(a *ServiceArgs) {
			a.Service.Secrets = []spec.Secret{{Env: "DB", Value: pulumi.String("v"), Version: pulumi.String("1")}}
		}, "service.secrets[0].version", "only with ref"},
		{"no alarms on Cloud Run", func(a *ServiceArgs) { a.Service.Rollout = &spec.Rollout{Alarms: spec.AlarmsOn} },
			"service.rollout.alarms", `"on" is not available on Cloud Run: it has no deployment alarms to roll a revision back (allowed on Cloud Run: "off", or leave it out)`},
		{"no alarm tuning on Cloud Run", func(a *ServiceArgs) { a.Service.Rollout = &spec.Rollout{Period: "2m"} },
			"service.rollout.period", "tunes the alarms, which Cloud Run does not have (allowed on Cloud Run: leave it out, or errorRate with a canary as its error budget)"},
		{"allowLatest only for files", func(a *ServiceArgs) {
			a.Service.Secrets = envSecret(spec.Secret{Env: "DB", Version: pulumi.String("1"), AllowLatest: true})
		}, "service.secrets[0].allowLatest", "only for a file secret"},
		{"mode only for files", func(a *ServiceArgs) {
			a.Service.Secrets = envSecret(spec.Secret{Env: "DB", Version: pulumi.String("1"), Mode: n(0o400)})
		}, "service.secrets[0].mode", "only for a file secret"},
		{"mode at most 0777", func(a *ServiceArgs) {
			s := fileSecret("/etc/tls/key")
			s.Mode = n(0o1777)
			a.Service.Secrets = []spec.Secret{s}
		}, "service.secrets[0].mode", "allowed: 01 to 0777"},
		{"an explicit mode of 0 is an error", func(a *ServiceArgs) {
			s := fileSecret("/etc/tls/key")
			s.Mode = n(0)
			a.Service.Secrets = []spec.Secret{s}
		}, "service.secrets[0].mode", "not a file mode"},
		{"path absolute", func(a *ServiceArgs) { a.Service.Secrets = []spec.Secret{fileSecret("etc/tls/key")} }, "service.secrets[0].path", "not a clean absolute file path"},
		{"path without colon", func(a *ServiceArgs) { a.Service.Secrets = []spec.Secret{fileSecret("/etc/tls:x/key")} }, "service.secrets[0].path", `contains ":"`},
		{"path without dot-dot", func(a *ServiceArgs) { a.Service.Secrets = []spec.Secret{fileSecret("/etc/tls/../key")} }, "service.secrets[0].path", "not a clean absolute file path"},
		{"path not in root", func(a *ServiceArgs) { a.Service.Secrets = []spec.Secret{fileSecret("/key")} }, "service.secrets[0].path", `mount the secret on "/"`},
		{"path not in /dev", func(a *ServiceArgs) { a.Service.Secrets = []spec.Secret{fileSecret("/dev/key")} }, "service.secrets[0].path", "in /dev"},
		{"path not in /proc", func(a *ServiceArgs) { a.Service.Secrets = []spec.Secret{fileSecret("/proc/self/key")} }, "service.secrets[0].path", "in /proc"},
		{"path not in /sys", func(a *ServiceArgs) { a.Service.Secrets = []spec.Secret{fileSecret("/sys/key")} }, "service.secrets[0].path", "in /sys"},
		{"path not in /cloudsql", func(a *ServiceArgs) { a.Service.Secrets = []spec.Secret{fileSecret("/cloudsql/key")} }, "service.secrets[0].path", "in /cloudsql"},
		{"path directory once", func(a *ServiceArgs) {
			a.Service.Secrets = []spec.Secret{fileSecret("/etc/tls/key"), {Ref: pulumi.String("cert"), Version: pulumi.String("1"), Path: "/etc/tls/cert"}}
		}, "service.secrets[1].path", "already the directory of service.secrets[0]"},
		{"path directories not nested", func(a *ServiceArgs) {
			a.Service.Secrets = []spec.Secret{fileSecret("/etc/tls/key"), {Ref: pulumi.String("ca"), Version: pulumi.String("1"), Path: "/etc/tls/ca/cert"}}
		}, "service.secrets[1].path", "inside the directory of service.secrets[0]"},
		{"two values for one name", func(a *ServiceArgs) {
			a.Service.Secrets = []spec.Secret{{Env: "API_TOKEN", Value: pulumi.String("a")}, {Path: "/etc/api/api-token", Value: pulumi.String("b")}}
		}, "service.secrets[1].value", "named like the one of secrets[0]"},
		{"vpc sets one way", func(a *ServiceArgs) { a.GCP.VPC = &VPC{} }, "gcp.vpc", "no VPC access is set"},
		{"vpc sets only one way", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.DirectVPC = &DirectVPC{Network: pulumi.String("default")}
		}, "gcp.vpc", "more than one VPC access"},
		{"vpc connector and connector ID exclusive", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.ConnectorID = pulumi.String("projects/p/locations/us-central1/connectors/c")
		}, "gcp.vpc", "more than one VPC access"},
		{"egress enum", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Egress = "ALL_TRAFFIC"
		}, "gcp.vpc.egress", `"private-ranges-only", "all-traffic"`},
		{"direct VPC needs a network or subnetwork", func(a *ServiceArgs) {
			a.GCP.VPC = &VPC{DirectVPC: &DirectVPC{NetworkTags: []string{"api"}}}
		}, "gcp.vpc.directVpc", "neither network nor subnetwork"},
		{"network tag format", func(a *ServiceArgs) {
			a.GCP.VPC = &VPC{DirectVPC: &DirectVPC{Network: pulumi.String("default"), NetworkTags: []string{"API"}}}
		}, "gcp.vpc.directVpc.networkTags[0]", "not a network tag"},
		{"connector name format", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.Name = "Conn"
		}, "gcp.vpc.connector.name", "not a connector name"},
		{"connector name at most 25", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.Name = strings.Repeat("c", 26)
		}, "gcp.vpc.connector.name", "allowed: 2 to 25"},
		{"connector range is a /28", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.IPCIDRRange = "10.8.0.0/24"
		}, "gcp.vpc.connector.ipCidrRange", "is a /24"},
		{"connector range is a network address", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.IPCIDRRange = "10.8.0.5/28"
		}, "gcp.vpc.connector.ipCidrRange", `the network address, "10.8.0.0/28"`},
		{"connector range is IPv4 CIDR", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.IPCIDRRange = "10.8.0.0"
		}, "gcp.vpc.connector.ipCidrRange", "not an IPv4 CIDR range"},
		{"connector needs a range or subnet", func(a *ServiceArgs) {
			a.GCP.VPC = &VPC{Connector: &Connector{Network: pulumi.String("default")}}
		}, "gcp.vpc.connector.ipCidrRange", "required without subnet"},
		{"connector range needs a network", func(a *ServiceArgs) {
			a.GCP.VPC = &VPC{Connector: &Connector{IPCIDRRange: "10.8.0.0/28"}}
		}, "gcp.vpc.connector.network", "required with ipCidrRange"},
		{"connector subnet excludes range", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.Subnet = pulumi.String("connector-subnet")
		}, "gcp.vpc.connector.subnet", "either subnet, or ipCidrRange with network"},
		{"connector min instances at least 2", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.MinInstances = n(1)
		}, "gcp.vpc.connector.minInstances", "allowed: 2 to 9"},
		{"an explicit connector min of 0 is an error", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.MinInstances = n(0)
		}, "gcp.vpc.connector.minInstances", "allowed: 2 to 9"},
		{"connector min instances at most 9", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.MinInstances = n(10)
			a.GCP.VPC.Connector.MaxInstances = n(10)
		}, "gcp.vpc.connector.minInstances", "allowed: 2 to 9"},
		{"connector max instances at most 10", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.MaxInstances = n(11)
		}, "gcp.vpc.connector.maxInstances", "allowed: 3 to 10"},
		{"connector max above min", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.MinInstances = n(5)
			a.GCP.VPC.Connector.MaxInstances = n(5)
		}, "gcp.vpc.connector.maxInstances", "not above minInstances 5"},
		{"connector machine type enum", func(a *ServiceArgs) {
			a.GCP.VPC = newConnectorVPC()
			a.GCP.VPC.Connector.MachineType = "n1-standard-1"
		}, "gcp.vpc.connector.machineType", `"f1-micro", "e2-micro", "e2-standard-4"`},
		{"label namespace reserved", func(a *ServiceArgs) { a.GCP.Labels = map[string]string{"run.googleapis.com/x": "y"} }, `gcp.labels["run.googleapis.com/x"]`, "reserved by Cloud Run"},
		{"label knative namespace reserved", func(a *ServiceArgs) { a.GCP.Labels = map[string]string{"serving.knative.dev/x": "y"} }, `gcp.labels["serving.knative.dev/x"]`, "reserved by Cloud Run"},
		{"label key format", func(a *ServiceArgs) { a.GCP.Labels = map[string]string{"Team": "x"} }, `gcp.labels["Team"]`, "not a label key"},
		{"label value format", func(a *ServiceArgs) { a.GCP.Labels = map[string]string{"team": "Payments"} }, `gcp.labels["team"]`, "not a label value"},
		{"at most 64 labels", func(a *ServiceArgs) { a.GCP.Labels = manyLabels }, "gcp.labels", "at most 64"},
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
		Service: &spec.Service{
			CPU:         cpu(0.5),
			Concurrency: n(10),
			Memory:      "2Gi",
			Timeout:     "2h",
			Secrets:     []spec.Secret{{Ref: pulumi.String("db"), Version: pulumi.String("latest"), Env: "K_SERVICE"}},
		},
		GCP: GCP{
			Invokers: []string{"allUsers"},
			VPC:      &VPC{Connector: &Connector{Name: "this-connector-name-is-too-long", IPCIDRRange: "10.8.0.0/27", Network: pulumi.String("default")}},
		},
	}
	verr, registered := validateArgs(t, args)
	if verr == nil {
		t.Fatal("NewService accepted the args")
	}
	if registered != 0 {
		t.Errorf("%d resources registered, want none", registered)
	}
	want := []string{
		"gcp.invokers[0]", "gcp.region", "gcp.vpc.connector.ipCidrRange", "gcp.vpc.connector.name", "image",
		"service.concurrency", "service.memory", "service.secrets[0].env", "service.secrets[0].version", "service.timeout",
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
		"maxInstances": {p.maxInstances, 10},
		"timeout":      {p.timeout, "60s"},
		"port":         {p.port, 8080},
		"healthPath":   {p.healthPath, "/healthz"},
		"ingress":      {p.ingress, IngressAll},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %v, want %v", name, c[0], c[1])
		}
	}
	if len(p.invokers) != 0 || p.vpc != nil || len(p.secrets) != 0 {
		t.Errorf("default plan has invokers %v, vpc %v, secrets %v", p.invokers, p.vpc, p.secrets)
	}
}

func TestResolvePicksGen1ForSmallInstances(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cpu    float64
		memory string
		want   ExecutionEnvironment
	}{
		{"fractional cpu", 0.5, "512Mi", Gen1},
		{"memory below the gen2 minimum", 1, "256Mi", Gen1},
		{"one cpu", 1, "512Mi", Gen2},
		{"eight cpus", 8, "32Gi", Gen2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := validArgs()
			a.Service.CPU, a.Service.Memory = cpu(tt.cpu), tt.memory
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
	a.GCP.VPC = newConnectorVPC()
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
		okErr = (&ServiceArgs{GCP: GCP{Region: "us-central1"}, Service: &spec.Service{Rollout: &spec.Rollout{Alarms: spec.AlarmsOff}}}).Validate(ctx, "api")
		badErr = (&ServiceArgs{GCP: GCP{Region: "us-central1"}, Service: &spec.Service{Memory: "3Gi", CPU: cpu(1), Concurrency: n(2000)}}).Validate(ctx, "api")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if okErr != nil {
		t.Errorf("Validate without image, alarms off by name = %v, want nil", okErr)
	}
	var verr *validate.Error
	if !errors.As(badErr, &verr) {
		t.Fatalf("Validate = %v, want a *validate.Error", badErr)
	}
	if got, want := verr.Fields(), []string{"service.concurrency"}; !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
	if n := len(m.Resources()); n != 0 {
		t.Errorf("%d resources registered, want 0", n)
	}
}
