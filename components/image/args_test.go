package image

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/testkit"
	"github.com/berth-dev/berth/validate"
)

func TestNewImageRejectsInvalidArgsBeforeRegisteringAnything(t *testing.T) {
	t.Parallel()
	ar := func(mod func(a *ArtifactRegistryArgs)) func(args *ImageArgs) {
		return func(args *ImageArgs) {
			a := &ArtifactRegistryArgs{Location: "us-central1"}
			mod(a)
			args.ArtifactRegistry = a
		}
	}
	ecrArgs := func(mod func(e *ECRArgs)) func(args *ImageArgs) {
		return func(args *ImageArgs) {
			e := &ECRArgs{}
			mod(e)
			args.ArtifactRegistry = nil
			args.ECR = e
		}
	}
	generic := func(mod func(r *RegistryArgs)) func(args *ImageArgs) {
		return func(args *ImageArgs) {
			r := &RegistryArgs{
				Repository: pulumi.String("ghcr.io/acme/app"),
				Server:     pulumi.String("ghcr.io"),
				Username:   pulumi.String("acme"),
				Password:   pulumi.String("pat"),
			}
			mod(r)
			args.ArtifactRegistry = nil
			args.Registry = r
		}
	}
	for _, tc := range []struct {
		name      string
		mod       func(args *ImageArgs)
		wantField string
		wantMsg   string
	}{
		{"platform outside the enum", func(a *ImageArgs) { a.Platform = "linux/386" },
			"platform", `"linux/386" is not a supported platform (allowed: "linux/amd64", "linux/arm64")`},
		{"required platform outside the enum", func(a *ImageArgs) { a.RequiredPlatform = "windows/amd64" },
			"requiredPlatform", `(allowed: "linux/amd64", "linux/arm64")`},
		{"platform differs from the service's", func(a *ImageArgs) {
			a.Platform = PlatformARM64
			a.RequiredPlatform = CloudRunPlatform
		}, "platform", `"linux/arm64" differs from "linux/amd64", the platform the service runs`},
		{"missing context", func(a *ImageArgs) { a.Build.Context = filepath.Join(a.Build.Context, "nope"); a.Build.Dockerfile = "" },
			"build.context", "cannot be read: no such file or directory"},
		{"context is a file", func(a *ImageArgs) {
			a.Build.Dockerfile = filepath.Join(a.Build.Context, "Dockerfile")
			a.Build.Context = filepath.Join(a.Build.Context, "hello.txt")
		}, "build.context", "is not a directory"},
		{"missing dockerfile", func(a *ImageArgs) { a.Build.Dockerfile = filepath.Join(a.Build.Context, "Nope") },
			"build.dockerfile", "cannot be read: no such file or directory"},
		{"dockerfile is a directory", func(a *ImageArgs) { a.Build.Dockerfile = a.Build.Context },
			"build.dockerfile", "is not a regular file"},
		{"empty build argument name", func(a *ImageArgs) { a.Build.Args = map[string]string{"": "x"} },
			`build.args[""]`, `must not be empty or contain "=" or whitespace`},
		{"build argument name with =", func(a *ImageArgs) { a.Build.Args = map[string]string{"A=B": "x"} },
			`build.args["A=B"]`, `must not be empty or contain "=" or whitespace`},
		{"target not a stage name", func(a *ImageArgs) { a.Build.Target = "1st stage" },
			"build.target", `"1st stage" is not a stage name`},
		{"no registry", func(a *ImageArgs) { a.ArtifactRegistry = nil },
			"registry", "one of registry, artifactRegistry and ecr is required"},
		{"two registries", func(a *ImageArgs) { a.ECR = &ECRArgs{} },
			"ecr", "conflicts with artifactRegistry"},
		{"registry without repository", generic(func(r *RegistryArgs) { r.Repository = nil }),
			"registry.repository", "required"},
		{"registry without server", generic(func(r *RegistryArgs) { r.Server = nil }),
			"registry.server", "required"},
		{"registry user without password", generic(func(r *RegistryArgs) { r.Password = nil }),
			"registry.password", "set username and password together"},
		{"registry password without user", generic(func(r *RegistryArgs) { r.Username = nil }),
			"registry.username", "set username and password together"},
		{"artifact registry without location", ar(func(a *ArtifactRegistryArgs) { a.Location = "" }),
			"artifactRegistry.location", "required"},
		{"artifact registry location malformed", ar(func(a *ArtifactRegistryArgs) { a.Location = "US Central" }),
			"artifactRegistry.location", `"US Central" is not a location`},
		{"artifact registry project malformed", ar(func(a *ArtifactRegistryArgs) { a.Project = "Proj" }),
			"artifactRegistry.project", `"Proj" is not a project ID (6-30`},
		{"artifact registry repository id malformed", ar(func(a *ArtifactRegistryArgs) { a.RepositoryID = "Images" }),
			"artifactRegistry.repositoryId", `"Images" is not a repository ID (1-63`},
		{"artifact registry repository id too long", ar(func(a *ArtifactRegistryArgs) { a.RepositoryID = "a" + strings.Repeat("b", 63) }),
			"artifactRegistry.repositoryId", "is not a repository ID (1-63"},
		{"artifact registry image name malformed", ar(func(a *ArtifactRegistryArgs) { a.ImageName = "App//x" }),
			"artifactRegistry.imageName", `"App//x" is not an image name`},
		{"artifact registry keep count negative", ar(func(a *ArtifactRegistryArgs) { a.KeepCount = n(-1) }),
			"artifactRegistry.keepCount", "-1 is not allowed (allowed: 1 or more; leave it out for 10)"},
		{"artifact registry untagged expiry negative", ar(func(a *ArtifactRegistryArgs) { a.UntaggedExpiryDays = n(-3) }),
			"artifactRegistry.untaggedExpiryDays", "-3 is not allowed (allowed: 1 or more; leave it out for 7)"},
		{"ecr repository name malformed", ecrArgs(func(e *ECRArgs) { e.RepositoryName = "App" }),
			"ecr.repositoryName", `"App" is not a repository name (2-256`},
		{"ecr repository name too short", ecrArgs(func(e *ECRArgs) { e.RepositoryName = "a" }),
			"ecr.repositoryName", `"a" is not a repository name (2-256`},
		{"ecr keep count negative", ecrArgs(func(e *ECRArgs) { e.KeepCount = n(-1) }),
			"ecr.keepCount", "-1 is not allowed (allowed: 1 or more; leave it out for 10)"},
		{"ecr untagged expiry negative", ecrArgs(func(e *ECRArgs) { e.UntaggedExpiryDays = n(-1) }),
			"ecr.untaggedExpiryDays", "-1 is not allowed (allowed: 1 or more; leave it out for 7)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := &ImageArgs{
				Build:            &Build{Context: newContext(t)},
				ArtifactRegistry: &ArtifactRegistryArgs{Location: "us-central1"},
			}
			tc.mod(args)
			m := testkit.New("berth", "test")
			var validateErr error
			err := m.Run(func(ctx *pulumi.Context) error {
				validateErr = args.Validate(ctx, "app")
				_, err := NewImage(ctx, "app", args)
				return err
			})
			if validateErr == nil || err == nil || !strings.Contains(err.Error(), validateErr.Error()) {
				t.Errorf("Validate = %v, want the error NewImage returns, %v", validateErr, err)
			}
			var verr *validate.Error
			if !errors.As(err, &verr) {
				t.Fatalf("err = %v, want a *validate.Error", err)
			}
			if got := verr.Fields(); !reflect.DeepEqual(got, []string{tc.wantField}) {
				t.Errorf("fields = %q, want [%q]\n%v", got, tc.wantField, verr)
			}
			if !strings.Contains(err.Error(), tc.wantField+": ") || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tc.wantMsg)
			}
			if verr.Component != TypeToken || verr.Name != "app" {
				t.Errorf("error names %s %q, want %s \"app\"", verr.Component, verr.Name, TypeToken)
			}
			if rs := m.Resources(); len(rs) != 0 {
				t.Errorf("registered %d resources, want none", len(rs))
			}
		})
	}
}

func TestNewImageReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := NewImage(ctx, "app", &ImageArgs{
			Build:    &Build{Context: filepath.Join(t.TempDir(), "missing")},
			Platform: "linux/s390x",
			ECR:      &ECRArgs{KeepCount: n(0), UntaggedExpiryDays: n(-1)},
		})
		return err
	})
	var verr *validate.Error
	if !errors.As(err, &verr) {
		t.Fatalf("err = %v, want a *validate.Error", err)
	}
	want := []string{"build.context", "ecr.keepCount", "ecr.untaggedExpiryDays", "platform"}
	if got := verr.Fields(); !reflect.DeepEqual(got, want) {
		t.Errorf("fields = %q, want %q", got, want)
	}
	if rs := m.Resources(); len(rs) != 0 {
		t.Errorf("registered %d resources, want none", len(rs))
	}
}

func TestNewImageRejectsNilArgs(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := NewImage(ctx, "app", nil)
		return err
	})
	var verr *validate.Error
	if !errors.As(err, &verr) || !reflect.DeepEqual(verr.Fields(), []string{"args"}) {
		t.Fatalf("err = %v, want a *validate.Error naming args", err)
	}
}

func TestValidateAcceptsWhatNewImageAccepts(t *testing.T) {
	t.Parallel()
	m := testkit.New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		return (&ImageArgs{Build: &Build{Context: newContext(t)}, ECR: &ECRArgs{}}).Validate(ctx, "app")
	})
	if err != nil {
		t.Fatalf("Validate = %v, want nil", err)
	}
	if rs := m.Resources(); len(rs) != 0 {
		t.Errorf("Validate registered %d resources, want none", len(rs))
	}
}

func TestDockerfileHintWhenRelativeToTheContext(t *testing.T) {
	t.Parallel()
	dir := newContext(t)
	r := resolve(&ImageArgs{Build: &Build{Context: dir, Dockerfile: "Dockerfile"}, ECR: &ECRArgs{}}, "app", "seed")
	// The test's working directory has no Dockerfile; the context has one.
	p := r.validate()
	list := p.List()
	if len(list) != 1 || list[0].Field != "build.dockerfile" ||
		!strings.Contains(list[0].Message, "relative to the working directory, not to the context: set build.dockerfile to \""+filepath.Join(dir, "Dockerfile")+"\"") {
		t.Errorf("problems = %v, want one dockerfile problem with a hint", list)
	}
}

func TestBuildDefaultsLeaveTheCallersBuildAlone(t *testing.T) {
	t.Parallel()
	b := &Build{Target: "runtime"}
	r := resolve(&ImageArgs{Build: b, ECR: &ECRArgs{}}, "app", "seed")
	if !reflect.DeepEqual(*b, Build{Target: "runtime"}) {
		t.Errorf("resolve changed the caller's Build to %+v", *b)
	}
	want := Build{Context: DefaultContext, Dockerfile: "Dockerfile", Target: "runtime"}
	if got := *r.Build; !reflect.DeepEqual(got, want) {
		t.Errorf("resolved Build = %+v, want %+v", got, want)
	}
	r = resolve(&ImageArgs{ECR: &ECRArgs{}}, "app", "seed")
	if want := (Build{Context: DefaultContext, Dockerfile: "Dockerfile"}); !reflect.DeepEqual(*r.Build, want) {
		t.Errorf("resolved nil Build = %+v, want %+v", *r.Build, want)
	}
}
