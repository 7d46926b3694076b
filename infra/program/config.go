package program

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/components/cloudrun"
	"github.com/berth-dev/berth/components/fargate"
	"github.com/berth-dev/berth/settings"
	"github.com/berth-dev/berth/spec"
	"github.com/berth-dev/berth/validate"
)

// Config is the stack configuration under the project namespace `berth:`,
// decoded into the neutral component's own types, so that a config path
// (`service.memory`, `aws.certificateArn`) is the component's field path.
// Components never read configuration; only this package does.
type Config struct {
	// Cloud is `berth:cloud`: "gcp" or "aws". Required.
	Cloud berth.Cloud
	// Service is `berth:service`, the cloud-neutral spec.Service.
	Service spec.Service
	// GCP is `berth:gcp`, cloudrun.GCP without region and project, which
	// come from the provider settings gcp:region and gcp:project.
	GCP *cloudrun.GCP
	// AWS is `berth:aws`, fargate.AWS.
	AWS *fargate.AWS
	// AWSRegion is the provider setting `aws:region`.
	AWSRegion string
}

// Keys are the keys of the project namespace, as Pulumi.yaml declares
// them: this program reads all but cost, which `berth cost` reads.
var Keys = []string{"cloud", "service", "gcp", "aws", "cost"}

// LoadConfig reads the stack configuration. It records every problem in p,
// each naming its config path, and returns what it could read, so that the
// component can still check the rest: one run reports every problem.
func LoadConfig(ctx *pulumi.Context, p *validate.Problems) *Config {
	checkNamespace(ctx, p)
	cfg := &Config{}
	if cloud, ok := ctx.GetConfig("berth:cloud"); ok {
		cfg.Cloud = berth.Cloud(cloud)
	}
	readObject(ctx, "service", &cfg.Service, p)
	if readObject(ctx, "gcp", &cfg.GCP, p) && cfg.GCP != nil {
		// One place for each setting: the Google provider's own.
		if cfg.GCP.Region != "" {
			p.Addf("gcp.region", "set in berth:gcp (allowed: gcp:region, the provider's setting: `pulumi config set gcp:region %s`)", cfg.GCP.Region)
		}
		if cfg.GCP.Project != "" {
			p.Addf("gcp.project", "set in berth:gcp (allowed: gcp:project, the provider's setting: `pulumi config set gcp:project %s`)", cfg.GCP.Project)
		}
	}
	readObject(ctx, "aws", &cfg.AWS, p)
	if cfg.Cloud == berth.GCP {
		if cfg.GCP == nil {
			cfg.GCP = &cloudrun.GCP{}
		}
		cfg.GCP.Region, _ = ctx.GetConfig("gcp:region")
		cfg.GCP.Project, _ = ctx.GetConfig("gcp:project")
	}
	cfg.AWSRegion, _ = ctx.GetConfig("aws:region")
	if cfg.Cloud == berth.AWS && cfg.AWSRegion == "" {
		p.Addf("aws:region", "required for cloud aws (set it with `pulumi config set aws:region us-east-1`)")
	}
	for i, s := range cfg.Service.Secrets {
		if s.Value != nil && !ctx.IsConfigSecret("berth:service") {
			path := validate.Index("service.secrets", i)
			p.Addf(path+".value", "is stored in plain text; set it with `pulumi config set --secret --path 'berth:%s.value'`", path)
		}
	}
	return cfg
}

// readObject decodes the JSON object config key berth:<key> into dst and
// reports whether the key is set. An empty object is Pulumi.yaml's default
// for the cloud blocks (a declared key without a default is required): it
// counts as not set.
func readObject(ctx *pulumi.Context, key string, dst any, p *validate.Problems) bool {
	raw, ok := ctx.GetConfig("berth:" + key)
	if !ok {
		return false
	}
	v, err := settings.ParseJSON(raw)
	if err != nil {
		p.Addf(key, "must be an object (set it in Pulumi.%s.yaml or with `pulumi config set --path`)", ctx.Stack())
		return true
	}
	if obj, isObject := v.(map[string]any); isObject && len(obj) == 0 {
		return false
	}
	settings.Decode(key, v, dst, ctx.IsConfigSecret("berth:"+key), p)
	return true
}

// checkNamespace rejects keys of the berth namespace that this program does
// not read, which would otherwise be dropped in silence (`berth:servce`).
// The Go SDK reads its configuration from PULUMI_CONFIG, which the language
// host and `berth plan` set; under the SDK's mocks it is absent and nothing
// is checked.
func checkNamespace(ctx *pulumi.Context, p *validate.Problems) {
	raw := os.Getenv("PULUMI_CONFIG")
	if raw == "" {
		return
	}
	var all map[string]any
	if err := json.Unmarshal([]byte(raw), &all); err != nil {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(all)) {
		name, ok := strings.CutPrefix(k, "berth:")
		if !ok || slices.Contains(Keys, name) {
			continue
		}
		p.Addf("berth:"+name, "unknown setting%s (allowed: %s)", settings.Nearest(name, Keys), "berth:"+strings.Join(Keys, ", berth:"))
	}
}
