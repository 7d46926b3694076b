package testkit

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/organizations"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type parentComponent struct{ pulumi.ResourceState }

func TestMonitorRecordsResourcesWithDerivedOutputs(t *testing.T) {
	t.Parallel()
	m := New("berth", "test")
	var email, token string
	err := m.Run(func(ctx *pulumi.Context) error {
		var c parentComponent
		if err := ctx.RegisterComponentResource("berth:test:Thing", "thing", &c); err != nil {
			return err
		}
		sa, err := serviceaccount.NewAccount(ctx, "thing-sa", &serviceaccount.AccountArgs{
			AccountId: pulumi.String("thing-abc1234"),
		}, pulumi.Parent(&c))
		if err != nil {
			return err
		}
		sa.Email.ApplyT(func(e string) string { email = e; return e })
		cfg, err := organizations.GetClientConfig(ctx)
		if err != nil {
			return err
		}
		token = cfg.AccessToken
		_, err = serviceaccount.NewAccount(ctx, "second", &serviceaccount.AccountArgs{
			AccountId: pulumi.String("second-abc1234"),
		}, pulumi.Parent(&c), pulumi.DependsOn([]pulumi.Resource{sa}))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "thing-abc1234@" + GCPProject + ".iam.gserviceaccount.com"; email != want {
		t.Errorf("email = %q, want %q", email, want)
	}
	if token != AccessToken {
		t.Errorf("client config access token = %q, want %q", token, AccessToken)
	}
	comp := m.One(t, "berth:test:Thing")
	if comp.Custom {
		t.Errorf("component recorded as custom")
	}
	sa := m.Named(t, "gcp:serviceaccount/account:Account", "thing-sa")
	if sa.Parent != comp.URN {
		t.Errorf("parent = %q, want %q", sa.Parent, comp.URN)
	}
	if want := "urn:pulumi:test::berth::berth:test:Thing$gcp:serviceaccount/account:Account::thing-sa"; sa.URN != want {
		t.Errorf("URN = %q, want %q", sa.URN, want)
	}
	second := m.Named(t, "gcp:serviceaccount/account:Account", "second")
	if len(second.Dependencies) != 1 || second.Dependencies[0] != sa.URN {
		t.Errorf("dependencies = %v, want [%s]", second.Dependencies, sa.URN)
	}
	if !strings.HasPrefix(sa.ID, "projects/"+GCPProject+"/serviceAccounts/") {
		t.Errorf("ID = %q", sa.ID)
	}
	if got := Out(t, sa, "uniqueId"); len(got.(string)) != 21 {
		t.Errorf("uniqueId = %v, want the cloud's 21 digits", got)
	}
}

func TestMonitorRejectsUnknownInvoke(t *testing.T) {
	t.Parallel()
	m := New("berth", "test")
	_, err := m.Call(pulumi.MockCallArgs{Token: "gcp:nope/nope:nope"})
	if err == nil || !strings.Contains(err.Error(), "gcp:nope/nope:nope") {
		t.Fatalf("err = %v, want one naming the token", err)
	}
}

func TestAnswersFollowTheConfiguredCloudsAndExplicitProviders(t *testing.T) {
	t.Parallel()
	m := New("berth", "test", WithAWS("111122223333", "eu-west-1"))
	var account, region string
	err := m.Run(func(ctx *pulumi.Context) error {
		id, err := aws.GetCallerIdentity(ctx, nil)
		if err != nil {
			return err
		}
		account = id.AccountId
		r, err := aws.GetRegion(ctx, nil)
		if err != nil {
			return err
		}
		region = r.Name
		if _, err := ecr.NewRepository(ctx, "default", &ecr.RepositoryArgs{Name: pulumi.String("a")}); err != nil {
			return err
		}
		tokyo, err := aws.NewProvider(ctx, "tokyo", &aws.ProviderArgs{Region: pulumi.String("ap-northeast-1"), AllowedAccountIds: pulumi.ToStringArray([]string{"444455556666"})})
		if err != nil {
			return err
		}
		_, err = ecr.NewRepository(ctx, "tokyo", &ecr.RepositoryArgs{Name: pulumi.String("b")}, pulumi.Provider(tokyo))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if account != "111122223333" || region != "eu-west-1" {
		t.Errorf("caller identity %q, region %q", account, region)
	}
	if got := Out(t, m.Named(t, "aws:ecr/repository:Repository", "default"), "repositoryUrl"); got != "111122223333.dkr.ecr.eu-west-1.amazonaws.com/a" {
		t.Errorf("default provider's repository URL = %v", got)
	}
	if got := Out(t, m.Named(t, "aws:ecr/repository:Repository", "tokyo"), "arn"); got != "arn:aws:ecr:ap-northeast-1:444455556666:repository/b" {
		t.Errorf("explicit provider's repository ARN = %v", got)
	}
}

func TestCloudMadeValuesAreDeterministicPerResource(t *testing.T) {
	t.Parallel()
	run := func() []Resource {
		m := New("berth", "test")
		err := m.Run(func(ctx *pulumi.Context) error {
			for _, name := range []string{"a", "b"} {
				if _, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{VpcId: pulumi.String("vpc-1")}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return m.ByType("aws:ec2/securityGroup:SecurityGroup")
	}
	first, second := run(), run()
	ids := map[string]string{}
	for _, r := range first {
		ids[r.Name] = r.ID
		if !strings.HasPrefix(r.ID, "sg-") || len(r.ID) != len("sg-")+17 {
			t.Errorf("%s ID = %q, want sg- and 17 hex characters", r.Name, r.ID)
		}
	}
	if ids["a"] == ids["b"] {
		t.Errorf("two groups got the same ID %s", ids["a"])
	}
	for _, r := range second {
		if r.ID != ids[r.Name] {
			t.Errorf("%s ID %s, then %s", r.Name, ids[r.Name], r.ID)
		}
	}
}

func TestCheckFailuresFailTheRegistration(t *testing.T) {
	t.Parallel()
	m := New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		var r struct{ pulumi.CustomResourceState }
		return ctx.RegisterResource("aws:iam/role:Role", "trustless", pulumi.Map{}, &r)
	})
	if err == nil || !strings.Contains(err.Error(), `aws:iam/role:Role resource 'trustless' has a problem: Missing required argument. The argument "assumeRolePolicy" is required`) {
		t.Errorf("err = %v", err)
	}
}

func TestUnnamedResourcesAreNamedAsTheProvidersNameThem(t *testing.T) {
	t.Parallel()
	// pulumi-aws names an ECR repository whose program gives none (its
	// provider-wide setAutonaming): the logical name and seven hex
	// characters, fixed per URN in the test kit.
	m := New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := ecr.NewRepository(ctx, "images", nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	repo := m.One(t, "aws:ecr/repository:Repository")
	name, _ := Out(t, repo, "name").(string)
	if !regexp.MustCompile(`^images-[0-9a-f]{7}$`).MatchString(name) {
		t.Errorf("name = %q, want images-<7 hex>", name)
	}
	if want := "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + name; Out(t, repo, "repositoryUrl") != want {
		t.Errorf("repositoryUrl = %v, want %s", Out(t, repo, "repositoryUrl"), want)
	}
}

func TestUnmodelledTypesAreRefusedUnlessScripted(t *testing.T) {
	t.Parallel()
	program := func(ctx *pulumi.Context) error {
		var r struct{ pulumi.CustomResourceState }
		return ctx.RegisterResource("aws:s3/bucketObject:BucketObject", "o", pulumi.Map{"key": pulumi.String("k")}, &r)
	}
	err := New("berth", "test").Run(program)
	if err == nil || !strings.Contains(err.Error(), `berth's provider model does not know aws:s3/bucketObject:BucketObject, so its outputs cannot be known; script them with Monitor.SetOutputs("aws:s3/bucketObject:BucketObject", ...)`) {
		t.Errorf("err = %v", err)
	}
	m := New("berth", "test")
	m.SetOutputs("aws:s3/bucketObject:BucketObject", map[string]any{"etag": "e1"})
	if err := m.Run(program); err != nil {
		t.Fatal(err)
	}
	if got := Out(t, m.One(t, "aws:s3/bucketObject:BucketObject"), "etag"); got != "e1" {
		t.Errorf("etag = %v", got)
	}
	if got := m.Unmodelled(); !reflect.DeepEqual(got, []string{"aws:s3/bucketObject:BucketObject"}) {
		t.Errorf("Unmodelled() = %v", got)
	}
}

func TestNoPlaintextFindsSecretsOutsideSecrets(t *testing.T) {
	t.Parallel()
	m := New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		var r struct{ pulumi.ResourceState }
		return ctx.RegisterResource("test:index:Thing", "t", pulumi.Map{
			"kept":   pulumi.ToSecret(pulumi.String("hunter2")),
			"leaked": pulumi.String("Bearer hunter2"),
		}, &r)
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{TB: t}
	m.NoPlaintext(rec, "hunter2")
	if len(rec.errors) != 2 || !strings.Contains(rec.errors[0], "leaked") || !strings.Contains(rec.errors[1], "leaked") {
		t.Errorf("errors = %q, want the leaked input and output, not the secret", rec.errors)
	}
}

// recorder keeps the errors a check reports instead of failing the test.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
