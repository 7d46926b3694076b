package cost

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/berth-dev/berth/validate"
)

// Assumptions are what the estimate cannot read from a plan: the load, the
// log volume and the image size. They are the stack's `berth:cost`
// configuration object; every field is optional and has a default, and each
// is printed with the estimate. The same values apply to each service and
// each repository of the plan.
type Assumptions struct {
	// RequestsPerMonth is the number of requests each service serves a
	// month, spread evenly over it. Default: 1,000,000. Allowed:
	// 0-1,000,000,000,000 (0: an idle service).
	RequestsPerMonth int64 `json:"requestsPerMonth"`
	// RequestDuration is the mean time a request takes, as a duration such
	// as 100ms. Default: 100ms. Allowed: 1ms-60m.
	RequestDuration Duration `json:"requestDuration"`
	// BytesPerRequest is the mean size of a request plus its response,
	// what a load balancer processes. Default: 10,000. Allowed:
	// 1-1,000,000,000.
	BytesPerRequest int64 `json:"bytesPerRequest"`
	// LogGBPerMonth is the log volume each service writes a month, in GB.
	// Default: 1. Allowed: 0-1,000,000.
	LogGBPerMonth float64 `json:"logGBPerMonth"`
	// ImageMB is the size of one image as a registry stores it
	// (compressed layers), in MB. Default: 100. Allowed: more than 0, at
	// most 100,000.
	ImageMB float64 `json:"imageMB"`
	// ImagesKept is how many images each repository holds. Default: 0,
	// meaning the count the repository's cleanup or lifecycle policy
	// keeps. Allowed: 1-100,000.
	ImagesKept int `json:"imagesKept,omitempty"`
	// InstanceStartsPerMonth is how many times instances (tasks) start a
	// month: deployments, scaling and replacements. Each start reads each
	// secret once. Default: 1,000. Allowed: 0-1,000,000,000.
	InstanceStartsPerMonth int64 `json:"instanceStartsPerMonth"`
}

// Defaults returns the assumptions used for keys a stack does not set.
func Defaults() Assumptions {
	return Assumptions{
		RequestsPerMonth:       1_000_000,
		RequestDuration:        Duration(100 * time.Millisecond),
		BytesPerRequest:        10_000,
		LogGBPerMonth:          1,
		ImageMB:                100,
		InstanceStartsPerMonth: 1_000,
	}
}

// Duration is a time.Duration written as a string such as "100ms".
type Duration time.Duration

// MarshalJSON writes d as a duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string: %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// String returns d as a duration string such as "100ms".
func (d Duration) String() string { return time.Duration(d).String() }

// Seconds returns d in seconds.
func (d Duration) Seconds() float64 { return time.Duration(d).Seconds() }

// assumptionKeys lists the settings of `berth:cost`, in the order messages
// list them.
var assumptionKeys = []string{"requestsPerMonth", "requestDuration", "bytesPerRequest", "logGBPerMonth", "imageMB", "imagesKept", "instanceStartsPerMonth"}

// ParseAssumptions reads the stack's `berth:cost` value, a JSON object as
// the Pulumi engine passes object config to programs, strictly: an unknown
// key, a value of the wrong type, a value out of range and an explicit zero
// where zero is not allowed are problems, all reported at once, each naming
// `cost.<key>`. raw "" means the stack sets nothing: the defaults.
func ParseAssumptions(raw string) (Assumptions, []validate.Problem) {
	a := Defaults()
	var p validate.Problems
	if strings.TrimSpace(raw) == "" {
		return a, nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		p.Addf("cost", "must be an object with the settings %s", strings.Join(assumptionKeys, ", "))
		return a, p.List()
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := obj[k]
		path := "cost." + k
		switch k {
		case "requestsPerMonth":
			if n, ok := wholeNumber(path, v, 0, 1e12, &p); ok {
				a.RequestsPerMonth = n
			}
		case "requestDuration":
			if d, ok := duration(path, v, time.Millisecond, time.Hour, &p); ok {
				a.RequestDuration = Duration(d)
			}
		case "bytesPerRequest":
			if n, ok := wholeNumber(path, v, 1, 1e9, &p); ok {
				a.BytesPerRequest = n
			}
		case "logGBPerMonth":
			if f, ok := realNumber(path, v, 0, false, 1e6, &p); ok {
				a.LogGBPerMonth = f
			}
		case "imageMB":
			if f, ok := realNumber(path, v, 0, true, 1e5, &p); ok {
				a.ImageMB = f
			}
		case "imagesKept":
			if n, ok := wholeNumber(path, v, 1, 1e5, &p); ok {
				a.ImagesKept = int(n)
			}
		case "instanceStartsPerMonth":
			if n, ok := wholeNumber(path, v, 0, 1e9, &p); ok {
				a.InstanceStartsPerMonth = n
			}
		default:
			p.Addf(path, "unknown setting (allowed: %s)", strings.Join(assumptionKeys, ", "))
		}
	}
	return a, p.List()
}

// numberOf reads a JSON number, or a string that holds one (as `pulumi
// config set --path` may store it).
func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

func wholeNumber(path string, v any, lo, hi float64, p *validate.Problems) (int64, bool) {
	f, ok := numberOf(v)
	if !ok || f != math.Trunc(f) {
		p.Addf(path, "must be a whole number, got %s", describe(v))
		return 0, false
	}
	if f == 0 && lo > 0 {
		p.Addf(path, "0 is not allowed (allowed: %s-%s; remove the setting for the default)", plain(lo), plain(hi))
		return 0, false
	}
	if f < lo || f > hi {
		p.Addf(path, "%s is out of range (allowed: %s-%s)", plain(f), plain(lo), plain(hi))
		return 0, false
	}
	return int64(f), true
}

func realNumber(path string, v any, lo float64, loExclusive bool, hi float64, p *validate.Problems) (float64, bool) {
	f, ok := numberOf(v)
	if !ok {
		p.Addf(path, "must be a number, got %s", describe(v))
		return 0, false
	}
	allowed := fmt.Sprintf("%s-%s", plain(lo), plain(hi))
	if loExclusive {
		allowed = fmt.Sprintf("more than %s, at most %s", plain(lo), plain(hi))
	}
	if f == 0 && loExclusive {
		p.Addf(path, "0 is not allowed (allowed: %s; remove the setting for the default)", allowed)
		return 0, false
	}
	if f < lo || (loExclusive && f == lo) || f > hi {
		p.Addf(path, "%s is out of range (allowed: %s)", plain(f), allowed)
		return 0, false
	}
	return f, true
}

func duration(path string, v any, lo, hi time.Duration, p *validate.Problems) (time.Duration, bool) {
	s, ok := v.(string)
	if !ok {
		p.Addf(path, "must be a duration such as 100ms or 2s, got %s", describe(v))
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		p.Addf(path, "%q is not a duration (allowed: such as 100ms or 2s)", s)
		return 0, false
	}
	allowed := shortDuration(lo) + "-" + shortDuration(hi)
	if d == 0 {
		p.Addf(path, "0 is not allowed (allowed: %s; remove the setting for the default)", allowed)
		return 0, false
	}
	if d < lo || d > hi {
		p.Addf(path, "%s is out of range (allowed: %s)", s, allowed)
		return 0, false
	}
	return d, true
}

// shortDuration writes whole minutes as "60m" rather than "1h0m0s".
func shortDuration(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// describe names a JSON value's kind for messages.
func describe(v any) string {
	switch x := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + x.String()
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// plain formats a number without exponent or trailing zeros.
func plain(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
