// Command probe is a Pulumi program that exercises what berth plan's engine
// must handle; the stack setting probe:mode picks the behaviour.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type thing struct{ pulumi.CustomResourceState }

type group struct{ pulumi.ResourceState }

type provider struct{ pulumi.ProviderResourceState }

// account is a GCP service account with the output the probe reads.
type account struct {
	pulumi.CustomResourceState
	Email pulumi.StringOutput `pulumi:"email"`
}

// repository is an ECR repository with the outputs the probe reads.
type repository struct {
	pulumi.CustomResourceState
	RepositoryURL pulumi.StringOutput `pulumi:"repositoryUrl"`
	Arn           pulumi.StringOutput `pulumi:"arn"`
}

func main() {
	// Decided before pulumi.Run: a program that never talks to the engine.
	var config map[string]string
	_ = json.Unmarshal([]byte(os.Getenv("PULUMI_CONFIG")), &config)
	if config["probe:mode"] == "no-engine" {
		fmt.Println("not a Pulumi program after all")
		return
	}
	if config["probe:mode"] == "exit" {
		fmt.Fprintln(os.Stderr, "giving up")
		os.Exit(3)
	}
	pulumi.Run(run)
}

func run(ctx *pulumi.Context) error {
	mode, _ := ctx.GetConfig("probe:mode")
	switch mode {
	case "", "basic":
		return basic(ctx)
	case "secrets":
		return secrets(ctx)
	case "fail":
		return errors.Join(
			errors.New(`invalid configuration of stack "test":`+"\n  service.memory: 64Gi is too much (allowed: 512Mi to 32Gi)"),
			errors.New("  service.port: 70000 is out of range (allowed: 1-65535)"))
	case "panic":
		panic("probe: something impossible happened")
	case "hang":
		var t thing
		if err := ctx.RegisterResource("probe:index:Thing", "before-hang", pulumi.Map{}, &t); err != nil {
			return err
		}
		select {}
	case "exit-midway":
		// Exits 0 from a callback: the body has returned, the stack's
		// outputs may be registered, the second resource never is.
		var a thing
		if err := ctx.RegisterResource("probe:index:Thing", "first", pulumi.Map{}, &a); err != nil {
			return err
		}
		a.URN().ApplyT(func(pulumi.URN) error { os.Exit(0); return nil })
		return nil
	case "leave-child":
		// Leaves a process running that holds the program's output open.
		child := exec.Command("sleep", "300")
		child.Stdout, child.Stderr = os.Stdout, os.Stderr
		if err := child.Start(); err != nil {
			return err
		}
		os.WriteFile(os.Getenv("PROBE_CHILD_PID_FILE"), []byte(strconv.Itoa(child.Process.Pid)), 0o644)
		return basic(ctx)
	case "duplicate":
		var a, b thing
		if err := ctx.RegisterResource("probe:index:Thing", "twin", pulumi.Map{}, &a); err != nil {
			return err
		}
		return ctx.RegisterResource("probe:index:Thing", "twin", pulumi.Map{}, &b)
	case "invoke":
		var out map[string]any
		return ctx.Invoke("aws:ec2/getVpc:getVpc", map[string]any{"default": true}, &out)
	case "check":
		// An IAM role without its required assume-role policy. (Its name
		// is optional: pulumi-aws names it.)
		var role repository
		return ctx.RegisterResource("aws:iam/role:Role", "role", pulumi.Map{}, &role)
	case "order":
		return order(ctx)
	case "options":
		return options(ctx)
	case "read":
		var vpc thing
		if err := ctx.ReadResource("aws:ec2/vpc:Vpc", "existing", pulumi.ID("vpc-0123"), pulumi.Map{}, &vpc); err != nil {
			return err
		}
		ctx.Export("vpcArn", vpc.URN())
		return nil
	case "service":
		return service(ctx)
	case "transform":
		return transforms(ctx)
	case "escaped":
		return escaped(ctx)
	case "fail-format":
		format, _ := ctx.GetConfig("probe:format")
		password, _ := ctx.GetConfig("probe:password")
		return fmt.Errorf(format, password)
	case "fail-json":
		password, _ := ctx.GetConfig("probe:password")
		doc, _ := json.Marshal(map[string]string{"password": password})
		return fmt.Errorf("bad document %s, quoted %q", doc, doc)
	case "names":
		return names(ctx)
	case "where":
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		_, statErr := os.Stat(filepath.Join("..", "probe", "main.go"))
		ctx.Export("wd", pulumi.String(wd))
		ctx.Export("root", pulumi.String(ctx.RootDirectory()))
		ctx.Export("relativeFileFound", pulumi.Bool(statErr == nil))
		ctx.Export("dryRun", pulumi.Bool(ctx.DryRun()))
		ctx.Export("organization", pulumi.String(ctx.Organization()))
		_, hasPassphrase := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE")
		ctx.Export("sawPassphrase", pulumi.Bool(hasPassphrase))
		return nil
	}
	return fmt.Errorf("probe:mode %q is not a mode", mode)
}

// basic registers a component with one child, a resource that depends on
// the child, an explicit AWS provider with a repository, and an ECR
// repository under the default provider.
func basic(ctx *pulumi.Context) error {
	var g group
	if err := ctx.RegisterComponentResource("probe:index:Group", "g", &g); err != nil {
		return err
	}
	var a thing
	if err := ctx.RegisterResource("probe:index:Thing", "a", pulumi.Map{
		"size":  pulumi.Int(3),
		"tags":  pulumi.StringArray{pulumi.String("x")},
		"$ref":  pulumi.String("a user key that starts with $"),
		"label": pulumi.String(`{"$secret": true}`),
	}, &a, pulumi.Parent(&g)); err != nil {
		return err
	}
	var b thing
	if err := ctx.RegisterResource("probe:index:Thing", "b", pulumi.Map{
		"from":  a.ID(),
		"token": pulumi.ToSecret(pulumi.String("s3cr3t-token")),
	}, &b); err != nil {
		return err
	}
	if err := ctx.RegisterResourceOutputs(&g, pulumi.Map{}); err != nil {
		return err
	}
	var eu provider
	if err := ctx.RegisterResource("pulumi:providers:aws", "eu", pulumi.Map{
		"region":            pulumi.String("eu-west-1"),
		"allowedAccountIds": pulumi.String(`["111122223333"]`),
	}, &eu); err != nil {
		return err
	}
	var euRepo, repo repository
	if err := ctx.RegisterResource("aws:ecr/repository:Repository", "eu-repo", pulumi.Map{"name": pulumi.String("orders")}, &euRepo, pulumi.Provider(&eu)); err != nil {
		return err
	}
	if err := ctx.RegisterResource("aws:ecr/repository:Repository", "repo", pulumi.Map{"name": pulumi.String("orders")}, &repo); err != nil {
		return err
	}
	ctx.Export("id", b.ID())
	ctx.Export("count", pulumi.Int(2))
	ctx.Export("secret", pulumi.ToSecret(pulumi.String("s3cr3t-output")))
	ctx.Export("names", pulumi.StringArray{pulumi.String("a"), pulumi.String("b")})
	ctx.Export("euRepoUrl", euRepo.RepositoryURL)
	ctx.Export("euRepoArn", euRepo.Arn)
	ctx.Export("repoUrl", repo.RepositoryURL)
	return nil
}

// secrets passes a secure value on three ways: as a secret, as a plain
// string (as config.Get returns it) and inside a larger string.
func secrets(ctx *pulumi.Context) error {
	plain, _ := ctx.GetConfig("probe:password")
	pw := pulumi.String(plain).ToStringOutput()
	if ctx.IsConfigSecret("probe:password") {
		pw = pulumi.ToSecret(pw).(pulumi.StringOutput)
	}
	var v thing
	if err := ctx.RegisterResource("probe:index:SecretVersion", "db-v", pulumi.Map{"secretData": pw}, &v); err != nil {
		return err
	}
	var leak thing
	if err := ctx.RegisterResource("probe:index:Thing", "leak", pulumi.Map{
		"plain":  pulumi.String(plain),
		"header": pulumi.String("Bearer " + plain),
		"name":   pulumi.String("api"),
	}, &leak); err != nil {
		return err
	}
	ctx.Export("password", pw)
	ctx.Export("leaked", pulumi.String(plain))
	if plain != "" {
		ctx.Log.Warn("the password starts with "+plain[:3]+"... and is "+plain, nil)
	}
	return nil
}

// order registers a chain whose inputs resolve late and a resource that
// resolves at once.
func order(ctx *pulumi.Context) error {
	prev := pulumi.StringOutput(pulumi.String("start").ToStringOutput())
	for _, name := range []string{"chain-1", "chain-2", "chain-3"} {
		var t thing
		if err := ctx.RegisterResource("probe:index:Thing", name, pulumi.Map{"after": prev}, &t); err != nil {
			return err
		}
		prev = t.ID().ToStringOutput()
	}
	var late, early thing
	if err := ctx.RegisterResource("probe:index:Thing", "late", pulumi.Map{"after": prev}, &late); err != nil {
		return err
	}
	return ctx.RegisterResource("probe:index:Thing", "early", pulumi.Map{}, &early)
}

// options registers resources with every lifecycle option berth records.
func options(ctx *pulumi.Context) error {
	var base, db, cache thing
	if err := ctx.RegisterResource("probe:index:Thing", "base", pulumi.Map{}, &base); err != nil {
		return err
	}
	if err := ctx.RegisterResource("probe:index:Thing", "cache", pulumi.Map{}, &cache, pulumi.DeleteBeforeReplace(false)); err != nil {
		return err
	}
	return ctx.RegisterResource("probe:index:Thing", "db", pulumi.Map{"size": pulumi.Int(1)}, &db,
		pulumi.Protect(true),
		pulumi.DeleteBeforeReplace(true),
		pulumi.RetainOnDelete(true),
		pulumi.IgnoreChanges([]string{"tags", "size"}),
		pulumi.ReplaceOnChanges([]string{"zone"}),
		pulumi.DeletedWith(&base),
		pulumi.DependsOn([]pulumi.Resource{&base}),
		pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("old-db")}}),
		pulumi.AdditionalSecretOutputs([]string{"password"}),
		pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "30m"}),
	)
}

// transforms registers a stack transform that labels every Thing and
// ignores changes to the label, then two Things, one with a transform of
// its own that resizes it.
func transforms(ctx *pulumi.Context) error {
	if err := ctx.RegisterResourceTransform(func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
		if a.Type != "probe:index:Thing" {
			return nil
		}
		a.Props["team"] = pulumi.String("platform")
		a.Opts.IgnoreChanges = append(a.Opts.IgnoreChanges, "team")
		return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
	}); err != nil {
		return err
	}
	var a, b thing
	if err := ctx.RegisterResource("probe:index:Thing", "a", pulumi.Map{"size": pulumi.Int(2)}, &a,
		pulumi.Transforms([]pulumi.ResourceTransform{func(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			args.Props["size"] = pulumi.Int(3)
			return &pulumi.ResourceTransformResult{Props: args.Props, Opts: args.Opts}
		}})); err != nil {
		return err
	}
	return ctx.RegisterResource("probe:index:Thing", "b", pulumi.Map{"size": pulumi.Int(2)}, &b)
}

// escaped passes the secret probe:password on escaped as Go's %q and %+q
// and JSON (with and without HTML escaping, and JSON inside JSON).
func escaped(ctx *pulumi.Context) error {
	secret, _ := ctx.GetConfig("probe:password")
	doc, _ := json.Marshal(map[string]string{"password": secret})
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]string{"password": secret})
	nested, _ := json.Marshal([]string{string(doc)})
	var leak thing
	if err := ctx.RegisterResource("probe:index:Thing", "leak", pulumi.Map{
		"goQuoted":  pulumi.String(fmt.Sprintf("value %q", secret)),
		"goASCII":   pulumi.String(fmt.Sprintf("value %+q", secret)),
		"json":      pulumi.String(string(doc)),
		"jsonPlain": pulumi.String(strings.TrimSpace(plain.String())),
		"nested":    pulumi.String(string(nested)),
		"keep":      pulumi.String("quo te"),
	}, &leak); err != nil {
		return err
	}
	ctx.Export("quoted", pulumi.String(fmt.Sprintf("%q", secret)))
	ctx.Export("doc", pulumi.String(string(doc)))
	return nil
}

// names gives resources names built from the secure values probe:tenant
// (long) and probe:short (three bytes).
func names(ctx *pulumi.Context) error {
	tenant, _ := ctx.GetConfig("probe:tenant")
	short, _ := ctx.GetConfig("probe:short")
	var g group
	if err := ctx.RegisterComponentResource("probe:index:Group", "grp-"+tenant, &g); err != nil {
		return err
	}
	var child, s, dep thing
	if err := ctx.RegisterResource("probe:index:Thing", tenant+"-child", pulumi.Map{}, &child, pulumi.Parent(&g)); err != nil {
		return err
	}
	if err := ctx.RegisterResource("probe:index:Thing", short, pulumi.Map{}, &s); err != nil {
		return err
	}
	return ctx.RegisterResource("probe:index:Thing", "dependent", pulumi.Map{}, &dep, pulumi.DependsOn([]pulumi.Resource{&child, &s}))
}

// service validates probe:service the way a real program validates its
// settings, every problem on its own line, then registers a component
// with a service account.
func service(ctx *pulumi.Context) error {
	raw, _ := ctx.GetConfig("probe:service")
	var svc struct {
		Name   string `json:"name"`
		Memory string `json:"memory"`
		Port   int    `json:"port"`
	}
	if err := json.Unmarshal([]byte(raw), &svc); err != nil {
		return fmt.Errorf("probe:service: must be an object: %v", err)
	}
	var problems []error
	switch svc.Memory {
	case "512Mi", "1Gi", "2Gi":
	default:
		problems = append(problems, fmt.Errorf("service.memory: %q is not supported (allowed: 512Mi, 1Gi, 2Gi)", svc.Memory))
	}
	if svc.Port < 1 || svc.Port > 65535 {
		problems = append(problems, fmt.Errorf("service.port: %d is out of range (allowed: 1-65535)", svc.Port))
	}
	if len(problems) > 0 {
		return errors.Join(problems...)
	}
	var c group
	if err := ctx.RegisterComponentResource("probe:index:Service", svc.Name, &c); err != nil {
		return err
	}
	var sa account
	if err := ctx.RegisterResource("gcp:serviceaccount/account:Account", svc.Name+"-sa", pulumi.Map{
		"accountId":   pulumi.String(svc.Name + "-1a2b3c4"),
		"description": pulumi.String("memory " + svc.Memory),
	}, &sa, pulumi.Parent(&c)); err != nil {
		return err
	}
	ctx.Export("email", sa.Email)
	if token, _ := ctx.GetConfig("probe:token"); ctx.IsConfigSecret("probe:token") {
		ctx.Export("token", pulumi.ToSecret(pulumi.String(token)))
	}
	return nil
}
