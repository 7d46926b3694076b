package cost

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/berth-dev/berth/internal/providers"

	"github.com/berth-dev/berth/internal/plan"
)

// SchemaVersion is the version of the Estimate JSON document. It changes
// when a field changes meaning or is removed; readers refuse other versions.
const SchemaVersion = 1

// Currency is the currency of every figure.
const Currency = "USD"

// Estimate is what a plan costs per month, as a range from the minimum to
// the maximum instance count. Its JSON form is the output of `berth cost
// --format json` and the `cost` section of `berth plan --format json`.
type Estimate struct {
	// SchemaVersion is SchemaVersion when the estimate was made.
	SchemaVersion int `json:"schemaVersion"`
	// Project and Stack name the plan's project and stack.
	Project string `json:"project"`
	Stack   string `json:"stack"`
	// Currency is Currency.
	Currency string `json:"currency"`
	// PricesChecked is the date the price table was last read
	// (PricesChecked).
	PricesChecked string `json:"pricesChecked"`
	// HoursPerMonth is the month the figures are for (HoursPerMonth).
	HoursPerMonth int `json:"hoursPerMonth"`
	// Assumptions are the assumptions the estimate used, defaults filled in.
	Assumptions Assumptions `json:"assumptions"`
	// Lines lists one priced item per line, in plan order. A line without
	// a price has Priced false and says why in Note. Never nil.
	Lines []Line `json:"lines"`
	// FreeTier lists what the providers' free tiers would cover of the
	// lines above, per billing account. It is shown, never subtracted from
	// Total. Never nil.
	FreeTier []Line `json:"freeTier"`
	// NotIncluded names what the service needs but the estimate does not
	// price, such as NAT gateways and data transfer. Never nil.
	NotIncluded []string `json:"notIncluded"`
	// Total sums Lines.
	Total Range `json:"total"`
	// Complete is false when a line has no price: the total is then a lower
	// bound of what berth can price.
	Complete bool `json:"complete"`
}

// Range is a monthly amount from the minimum to the maximum instance count.
type Range struct {
	// Min is the amount at the minimum instance count and the assumed load.
	Min float64 `json:"min"`
	// Max is the amount with every service at its maximum instance count
	// all month.
	Max float64 `json:"max"`
}

// Line is one priced item of one resource.
type Line struct {
	// URN is the resource's URN.
	URN string `json:"urn"`
	// Resource is the resource's logical name.
	Resource string `json:"resource"`
	// Type is the resource's Pulumi type token.
	Type string `json:"type"`
	// Item says what is priced, such as `Fargate vCPU (X86_64, us-east-1)`.
	// It identifies the line within its resource.
	Item string `json:"item"`
	// Quantity says how much of it, such as `2-10 tasks x 0.5 vCPU x 730 h`.
	Quantity string `json:"quantity"`
	// UnitPrice is the price per Unit in USD; meaningful when Priced.
	UnitPrice float64 `json:"unitPrice"`
	// Unit is the priced unit, such as `vCPU-hour`.
	Unit string `json:"unit"`
	// Min and Max are the monthly amount in USD; zero when not Priced.
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	// Priced is false when berth's table has no price for the item (a
	// region, architecture or machine type it does not know) or an input it
	// needs is not known in the plan.
	Priced bool `json:"priced"`
	// Note explains an unpriced line or an assumption the line rests on.
	Note string `json:"note,omitempty"`
}

// key identifies a line across two estimates.
func (l Line) key() string { return l.URN + "\x00" + l.Item }

// Inputs is what Compute needs besides the plan.
type Inputs struct {
	// Assumptions are the load and usage assumptions, from the stack's
	// `berth:cost` configuration (see ParseAssumptions). Use Defaults()
	// when the stack sets none.
	Assumptions Assumptions
	// AWSRegion is the region of AWS resources, the stack's `aws:region`.
	// Default: none, and every AWS figure is unpriced.
	AWSRegion string
	// GCPRegion is the region of Google Cloud resources that name none in
	// their inputs, the stack's `gcp:region`. Default: none.
	GCPRegion string
}

// Compute prices every resource of p that berth's table knows. It reads
// only resource types and input property names; an input that is not of
// the expected type (unknown until the cloud computes it, or secret) makes
// its line unpriced, never zero.
func Compute(p *plan.Plan, in Inputs) *Estimate {
	e := newEstimator(p, in)
	for i := range p.Resources {
		r := &p.Resources[i]
		if price, ok := pricers[r.Type]; ok {
			price(e, r)
		}
	}
	return e.finish()
}

// pricers maps each priced resource type to the function that prices it.
// Each concept lives in its own file.
var pricers = map[string]func(*estimator, *plan.Resource){
	providers.ECSService:           (*estimator).fargateService,
	providers.LoadBalancer:         (*estimator).loadBalancer,
	providers.LogGroup:             (*estimator).logGroup,
	providers.ECRRepository:        (*estimator).ecrRepository,
	providers.SecretsManagerSecret: (*estimator).secretsManagerSecret,
	providers.SSMParameter:         (*estimator).ssmParameter,
	providers.ECSTaskDefinition:    (*estimator).taskSecrets,
	providers.CloudRunService:      (*estimator).cloudRunService,
	providers.VPCAccessConnector:   (*estimator).connector,
	providers.ArtifactRegistryRepo: (*estimator).artifactRegistry,
	providers.SecretManagerVersion: (*estimator).secretVersion,
	providers.MetricAlarm:          (*estimator).metricAlarm,
}

// estimator collects the lines of one estimate.
type estimator struct {
	plan   *plan.Plan
	in     Inputs
	byURN  map[string]*plan.Resource
	lines  []Line
	free   []Line
	clouds map[string]bool
	extra  []string // not-included items found in the plan, such as referenced secrets

	// Usage that free tiers cover, added up over the plan: they are per
	// billing account, not per resource.
	runFree      struct{ reqCPU, reqMem, requests, instCPU, instMem usage }
	arGB         usage
	smVersions   float64
	smAccesses   float64
	alarmMetrics float64
	// alarmPrice is the price of an alarm metric where the plan's alarms
	// are, 0 when none is priced.
	alarmPrice float64
}

// usage is a quantity at the minimum and at the maximum.
type usage struct{ min, max float64 }

func (u *usage) add(lo, hi float64) { u.min += lo; u.max += hi }

func newEstimator(p *plan.Plan, in Inputs) *estimator {
	e := &estimator{plan: p, in: in, byURN: make(map[string]*plan.Resource, len(p.Resources)), clouds: map[string]bool{}}
	for i := range p.Resources {
		r := &p.Resources[i]
		e.byURN[r.URN] = r
		if cloud, _, ok := strings.Cut(r.Type, ":"); ok {
			e.clouds[cloud] = true
		}
	}
	return e
}

// line starts a line of resource r.
func line(r *plan.Resource, item string) Line {
	return Line{URN: r.URN, Resource: r.Name, Type: r.Type, Item: item}
}

// priced adds a priced line: quantity at min and at max times the unit
// price.
func (e *estimator) priced(l Line, unitPrice float64, unit string, minQty, maxQty float64) {
	l.UnitPrice, l.Unit, l.Priced = unitPrice, unit, true
	l.Min, l.Max = minQty*unitPrice, maxQty*unitPrice
	e.lines = append(e.lines, l)
}

// unpriced adds a line without a price, saying why.
func (e *estimator) unpriced(l Line, unit, format string, args ...any) {
	l.Unit, l.Priced = unit, false
	l.Note = fmt.Sprintf(format, args...)
	e.lines = append(e.lines, l)
}

// lookup prices a line from a regional table, or adds it unpriced with the
// reason when the table has no figure for region.
func (e *estimator) lookup(l Line, table regional, region, unit string, minQty, maxQty float64) {
	if region == "" {
		e.unpriced(l, unit, "no region known: set the provider's region in the stack configuration")
		return
	}
	usd, ok := table.at(region)
	if !ok {
		e.unpriced(l, unit, "no price for region %s in berth's price table", region)
		return
	}
	e.priced(l, usd, unit, minQty, maxQty)
}

// round rounds f to digits decimal places, for quantities in messages.
func round(f float64, digits int) float64 {
	p := math.Pow10(digits)
	return math.Round(f*p) / p
}

// freeTier records what a free tier covers of a usage, valued at
// unitPrice: the allowance, or the usage when it is smaller. It adds
// nothing when the plan has no such usage.
func (e *estimator) freeTier(item, quantity string, unitPrice float64, unit string, allowance float64, u usage) {
	if u.max == 0 {
		return
	}
	e.free = append(e.free, Line{
		Resource: "billing account", Item: item, Quantity: quantity,
		UnitPrice: unitPrice, Unit: unit, Priced: true,
		Min: min(allowance, u.min) * unitPrice, Max: min(allowance, u.max) * unitPrice,
	})
}

// freeTiers adds the free-tier lines of the usage the plan adds up to.
func (e *estimator) freeTiers() {
	f := e.runFree
	e.freeTier("Cloud Run vCPU (request-based)", "first 180,000 vCPU-seconds a month", runTier1RequestVCPUSecond, "vCPU-second", runRequestFreeVCPUSeconds, f.reqCPU)
	e.freeTier("Cloud Run memory (request-based)", "first 360,000 GiB-seconds a month", runTier1RequestGiBSecond, "GiB-second", runRequestFreeGiBSeconds, f.reqMem)
	e.freeTier("Cloud Run requests", "first 2,000,000 requests a month", runTier1Request, "request", runRequestFreeRequests, f.requests)
	e.freeTier("Cloud Run vCPU (instance-based)", "first 240,000 vCPU-seconds a month", runTier1InstanceVCPUSecond, "vCPU-second", runInstanceFreeVCPUSeconds, f.instCPU)
	e.freeTier("Cloud Run memory (instance-based)", "first 450,000 GiB-seconds a month", runTier1InstanceGiBSecond, "GiB-second", runInstanceFreeGiBSeconds, f.instMem)
	e.freeTier("Artifact Registry storage", "first 0.5 GB a month", arGBMonth, "GB-month", arFreeGB, e.arGB)
	e.freeTier("Secret Manager active versions", "first 6 versions a month", smVersionMonth, "version-month", smFreeVersions, usage{e.smVersions, e.smVersions})
	e.freeTier("Secret Manager access operations", "first 10,000 operations a month", smPer10kAccesses, "10,000 operations", smFreeAccesses/10000.0, usage{e.smAccesses / 10000, e.smAccesses / 10000})
	if e.alarmPrice > 0 {
		e.freeTier("CloudWatch alarm metrics", "first 10 alarm metrics a month", e.alarmPrice, "alarm metric-month", cloudWatchFreeAlarmMetrics, usage{e.alarmMetrics, e.alarmMetrics})
	}
}

// awsRegion is the Region of an AWS resource: its explicit provider's
// region when the program gives it one (a provider without a known region
// gives "", which prices nothing rather than guess), else the stack's
// aws:region, which configures the default provider.
func (e *estimator) awsRegion(r *plan.Resource) string {
	if r.Provider == "" {
		return e.in.AWSRegion
	}
	if p, ok := e.byURN[r.Provider]; ok {
		if region, ok := str(p.Inputs, "region"); ok {
			return region
		}
	}
	return ""
}

// dependency returns the first resource of type typ that r depends on.
func (e *estimator) dependency(r *plan.Resource, typ string) *plan.Resource {
	for _, urn := range r.DependsOn {
		if d, ok := e.byURN[urn]; ok && d.Type == typ {
			return d
		}
	}
	return nil
}

// dependents returns the resources of type typ that depend on r.
func (e *estimator) dependents(r *plan.Resource, typ string) []*plan.Resource {
	var out []*plan.Resource
	for i := range e.plan.Resources {
		d := &e.plan.Resources[i]
		if d.Type != typ {
			continue
		}
		for _, urn := range d.DependsOn {
			if urn == r.URN {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

func (e *estimator) finish() *Estimate {
	e.freeTiers()
	est := &Estimate{
		SchemaVersion: SchemaVersion,
		Project:       e.plan.Project,
		Stack:         e.plan.Stack,
		Currency:      Currency,
		PricesChecked: PricesChecked,
		HoursPerMonth: HoursPerMonth,
		Assumptions:   e.in.Assumptions,
		Lines:         e.lines,
		FreeTier:      e.free,
		NotIncluded:   notIncluded(e.clouds, e.extra),
		Complete:      true,
	}
	if est.Lines == nil {
		est.Lines = []Line{}
	}
	if est.FreeTier == nil {
		est.FreeTier = []Line{}
	}
	for _, l := range est.Lines {
		est.Total.Min += l.Min
		est.Total.Max += l.Max
		if !l.Priced {
			est.Complete = false
		}
	}
	return est
}

// Unpriced returns the lines without a price.
func (est *Estimate) Unpriced() []Line {
	var out []Line
	for _, l := range est.Lines {
		if !l.Priced {
			out = append(out, l)
		}
	}
	return out
}

// Marshal encodes est as the JSON document that Decode reads.
func Marshal(est *Estimate) (json.RawMessage, error) {
	b, err := json.Marshal(est)
	if err != nil {
		return nil, fmt.Errorf("encoding cost estimate: %w", err)
	}
	return b, nil
}

// ErrSchemaVersion is returned, wrapped, by Decode for an estimate of
// another schema version.
var ErrSchemaVersion = errors.New("cost estimate of another schema version")

// Decode reads an estimate that Marshal wrote. It returns nil and no error
// for an empty document (a plan written without an estimate).
func Decode(raw json.RawMessage) (*Estimate, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var probe struct {
		SchemaVersion int `json:"schemaVersion"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, fmt.Errorf("reading cost estimate: %w", err)
	}
	if probe.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("%w: %d (this berth reads %d; make both plans with the same berth)", ErrSchemaVersion, probe.SchemaVersion, SchemaVersion)
	}
	var est Estimate
	if err := json.Unmarshal(raw, &est); err != nil {
		return nil, fmt.Errorf("reading cost estimate: %w", err)
	}
	return &est, nil
}
