package image

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/testkit"
)

// outputs holds an Image's outputs as the mock recorded them.
type outputs struct {
	ref, imageName, repository, tag, repositoryArn, repositoryID string
}

// run registers one Image named "app", passes its outputs to a sink and
// returns the monitor and the outputs.
func run(t *testing.T, args *ImageArgs) (*testkit.Monitor, outputs) {
	t.Helper()
	m := testkit.New("berth", "test")
	err := m.Run(func(ctx *pulumi.Context) error {
		img, err := NewImage(ctx, "app", args)
		if err != nil {
			return err
		}
		return sink(ctx, pulumi.Map{
			"ref":           img.Ref,
			"imageName":     img.ImageName,
			"repository":    img.Repository,
			"tag":           img.Tag,
			"repositoryArn": img.RepositoryARN,
			"repositoryId":  img.RepositoryID,
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	in := m.One(t, sinkType).Inputs
	return m, outputs{
		ref:           str(t, in, "ref"),
		imageName:     str(t, in, "imageName"),
		repository:    str(t, in, "repository"),
		tag:           str(t, in, "tag"),
		repositoryArn: str(t, in, "repositoryArn"),
		repositoryID:  str(t, in, "repositoryId"),
	}
}

// assertParented fails unless every resource but the component is a child
// of the Image component.
func assertParented(t *testing.T, m *testkit.Monitor) {
	t.Helper()
	comp := m.One(t, TypeToken)
	for _, r := range m.Resources() {
		if r.Type != TypeToken && r.Type != sinkType && r.Parent != comp.URN {
			t.Errorf("%s %q has parent %q, want the image component", r.Type, r.Name, r.Parent)
		}
	}
}

// assertSecret fails unless the value at path is a secret holding want.
func assertSecret(t *testing.T, inputs resource.PropertyMap, path, want string) {
	t.Helper()
	v := lookup(t, inputs, path)
	if !v.IsSecret() {
		t.Fatalf("%s is not secret", path)
	}
	if got := v.SecretValue().Element; !got.IsString() || got.StringValue() != want {
		t.Errorf("%s = %v, want secret %q", path, got, want)
	}
}

func TestArtifactRegistryCreatesARepositoryAndPushesByDigest(t *testing.T) {
	t.Parallel()
	dir := newContext(t)
	m, out := run(t, &ImageArgs{
		Build:            &Build{Context: dir},
		RequiredPlatform: CloudRunPlatform,
		ArtifactRegistry: &ArtifactRegistryArgs{Location: "europe-west4"},
	})
	tag := tagOf(t, dir, PlatformAMD64)

	repo := m.One(t, arRepoType)
	if repo.Name != "app-repo" {
		t.Errorf("repository logical name = %q, want app-repo", repo.Name)
	}
	want := resource.NewPropertyMapFromMap(map[string]any{
		"format":              "DOCKER",
		"repositoryId":        "app-59888de",
		"location":            "europe-west4",
		"cleanupPolicyDryRun": false,
		"cleanupPolicies": []any{
			map[string]any{"id": "delete-tagged", "action": "DELETE", "condition": map[string]any{"tagState": "TAGGED"}},
			map[string]any{"id": "delete-untagged", "action": "DELETE", "condition": map[string]any{"tagState": "UNTAGGED", "olderThan": "604800s"}},
			map[string]any{"id": "keep-recent", "action": "KEEP", "mostRecentVersions": map[string]any{"keepCount": 10}},
		},
	})
	if !repo.Inputs.DeepEquals(want) {
		t.Errorf("repository inputs =\n%v\nwant\n%v", repo.Inputs.Mappable(), want.Mappable())
	}

	img := m.One(t, dockerImageType)
	repository := "europe-west4-docker.pkg.dev/" + testkit.GCPProject + "/app-59888de/app"
	if got, want := str(t, img.Inputs, "imageName"), repository+":"+tag; got != want {
		t.Errorf("imageName = %q, want %q", got, want)
	}
	for path, want := range map[string]string{
		"build.context":     dir,
		"build.dockerfile":  filepath.Join(dir, "Dockerfile"),
		"build.platform":    "linux/amd64",
		"registry.server":   "europe-west4-docker.pkg.dev",
		"registry.username": "oauth2accesstoken",
	} {
		if got := str(t, img.Inputs, path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	for _, absent := range []string{"args", "target"} {
		if _, set := img.Inputs["build"].ObjectValue()[resource.PropertyKey(absent)]; set {
			t.Errorf("build.%s is set, want it absent", absent)
		}
	}
	for _, flag := range []string{"skipPush", "buildOnPreview"} {
		if v := lookup(t, img.Inputs, flag); !v.IsBool() || v.BoolValue() {
			t.Errorf("%s = %v, want false", flag, v)
		}
	}
	assertSecret(t, img.Inputs, "registry.password", testkit.AccessToken)
	m.NoPlaintext(t, testkit.AccessToken)
	assertParented(t, m)
	if !contains(img.Dependencies, repo.URN) {
		t.Errorf("image dependencies %v do not include the repository", img.Dependencies)
	}

	digest := str(t, img.Outputs, "repoDigest")
	if out.ref != digest || !strings.HasPrefix(digest, repository+"@sha256:") {
		t.Errorf("Ref = %q, want the pushed repo digest %q of the form %s@sha256:...", out.ref, digest, repository)
	}
	for name, got := range map[string][2]string{
		"ImageName":     {out.imageName, repository + ":" + tag},
		"Repository":    {out.repository, repository},
		"Tag":           {out.tag, tag},
		"RepositoryARN": {out.repositoryArn, ""},
		"RepositoryID":  {out.repositoryID, "projects/" + testkit.GCPProject + "/locations/europe-west4/repositories/app-59888de"},
	} {
		if got[0] != got[1] {
			t.Errorf("%s = %q, want %q", name, got[0], got[1])
		}
	}
}

func TestArtifactRegistryHonoursExplicitNamesAndRetention(t *testing.T) {
	t.Parallel()
	dir := newContext(t)
	m, _ := run(t, &ImageArgs{
		Build: &Build{Context: dir},
		ArtifactRegistry: &ArtifactRegistryArgs{
			Location:           "us",
			Project:            "acme-prod",
			RepositoryID:       "images",
			ImageName:          "team/api",
			KeepCount:          n(3),
			UntaggedExpiryDays: n(1),
		},
	})
	repo := m.One(t, arRepoType)
	for path, want := range map[string]string{"project": "acme-prod", "repositoryId": "images", "location": "us"} {
		if got := str(t, repo.Inputs, path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	policies := lookup(t, repo.Inputs, "cleanupPolicies").ArrayValue()
	if got := policies[1].ObjectValue()["condition"].ObjectValue()["olderThan"].StringValue(); got != "86400s" {
		t.Errorf("untagged olderThan = %q, want 86400s", got)
	}
	if got := policies[2].ObjectValue()["mostRecentVersions"].ObjectValue()["keepCount"].NumberValue(); got != 3 {
		t.Errorf("keepCount = %v, want 3", got)
	}
	img := m.One(t, dockerImageType)
	if got, want := str(t, img.Inputs, "imageName"), "us-docker.pkg.dev/acme-prod/images/team/api:"+tagOf(t, dir, PlatformAMD64); got != want {
		t.Errorf("imageName = %q, want %q", got, want)
	}
}

func TestExistingRegistryPushesWithSecretPassword(t *testing.T) {
	t.Parallel()
	dir := newContext(t)
	const password = "ghp_plaintextPAT"
	m, out := run(t, &ImageArgs{
		Build:    &Build{Context: dir, Args: map[string]string{"VERSION": "1.2.3"}, Target: "runtime"},
		Platform: PlatformARM64,
		Registry: &RegistryArgs{
			Repository: pulumi.String("ghcr.io/acme/app"),
			Server:     pulumi.String("ghcr.io"),
			Username:   pulumi.String("acme-bot"),
			Password:   pulumi.String(password),
		},
	})
	tag, err := contentTag(build{
		context: dir, dockerfile: filepath.Join(dir, "Dockerfile"), platform: PlatformARM64,
		target: "runtime", args: map[string]string{"VERSION": "1.2.3"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range m.Resources() {
		if r.Type != TypeToken && r.Type != dockerImageType && r.Type != sinkType {
			t.Errorf("registered a %s; an existing registry needs only the docker image", r.Type)
		}
	}
	img := m.One(t, dockerImageType)
	for path, want := range map[string]string{
		"imageName":          "ghcr.io/acme/app:" + tag,
		"build.platform":     "linux/arm64",
		"build.target":       "runtime",
		"build.args.VERSION": "1.2.3",
		"registry.server":    "ghcr.io",
		"registry.username":  "acme-bot",
	} {
		if got := str(t, img.Inputs, path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	assertSecret(t, img.Inputs, "registry.password", password)
	m.NoPlaintext(t, password)
	assertParented(t, m)
	if !strings.HasPrefix(out.ref, "ghcr.io/acme/app@sha256:") {
		t.Errorf("Ref = %q, want ghcr.io/acme/app@sha256:...", out.ref)
	}
	if out.repositoryArn != "" || out.repositoryID != "" {
		t.Errorf("RepositoryARN, RepositoryID = %q, %q, want empty for an existing registry", out.repositoryArn, out.repositoryID)
	}
}

func TestExistingRegistryWithoutCredentialsUsesDockersOwn(t *testing.T) {
	t.Parallel()
	m, _ := run(t, &ImageArgs{
		Build: &Build{Context: newContext(t)},
		Registry: &RegistryArgs{
			Repository: pulumi.String("localhost:5000/app"),
			Server:     pulumi.String("localhost:5000"),
		},
	})
	registry := lookup(t, m.One(t, dockerImageType).Inputs, "registry").ObjectValue()
	want := resource.NewPropertyMapFromMap(map[string]any{"server": "localhost:5000"})
	if !registry.DeepEquals(want) {
		t.Errorf("registry = %v, want %v", registry.Mappable(), want.Mappable())
	}
}

// TestECRCreatesAScannedRepositoryWithMutableTagsAndLifecyclePolicy: tags
// are mutable so that a revert, which pushes an old content tag again with
// new bytes, deploys instead of failing on ImageTagAlreadyExistsException;
// the service deploys the digest.
func TestECRCreatesAScannedRepositoryWithMutableTagsAndLifecyclePolicy(t *testing.T) {
	t.Parallel()
	dir := newContext(t)
	platform, err := ArchitecturePlatform("ARM64")
	if err != nil {
		t.Fatal(err)
	}
	m, out := run(t, &ImageArgs{
		Build:            &Build{Context: dir},
		RequiredPlatform: platform,
		ECR:              &ECRArgs{},
	})
	tag := tagOf(t, dir, PlatformARM64)

	repo := m.One(t, ecrRepoType)
	want := resource.NewPropertyMapFromMap(map[string]any{
		"name":                       "app-59888de",
		"imageTagMutability":         "MUTABLE",
		"imageScanningConfiguration": map[string]any{"scanOnPush": true},
		"forceDelete":                true,
		"tags":                       map[string]any{"managed-by": "berth"},
	})
	if !repo.Inputs.DeepEquals(want) {
		t.Errorf("repository inputs =\n%v\nwant\n%v", repo.Inputs.Mappable(), want.Mappable())
	}

	policy := m.One(t, ecrPolicyType)
	if policy.Name != "app-lifecycle" {
		t.Errorf("lifecycle policy logical name = %q, want app-lifecycle", policy.Name)
	}
	if got := str(t, policy.Inputs, "repository"); got != "app-59888de" {
		t.Errorf("lifecycle policy repository = %q, want app-59888de", got)
	}
	const wantPolicy = `{"rules":[` +
		`{"rulePriority":1,"description":"Expire untagged images after 7 days","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}},` +
		`{"rulePriority":2,"description":"Keep the 10 most recent images","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}`
	if got := str(t, policy.Inputs, "policy"); got != wantPolicy {
		t.Errorf("lifecycle policy =\n%s\nwant\n%s", got, wantPolicy)
	}

	repository := testkit.AWSAccount + ".dkr.ecr." + testkit.AWSRegion + ".amazonaws.com/app-59888de"
	img := m.One(t, dockerImageType)
	for path, want := range map[string]string{
		"imageName":         repository + ":" + tag,
		"build.platform":    "linux/arm64",
		"registry.server":   testkit.AWSAccount + ".dkr.ecr." + testkit.AWSRegion + ".amazonaws.com",
		"registry.username": "AWS",
	} {
		if got := str(t, img.Inputs, path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	assertSecret(t, img.Inputs, "registry.password", testkit.ECRPassword)
	m.NoPlaintext(t, testkit.ECRPassword)
	assertParented(t, m)

	if digest := str(t, img.Outputs, "repoDigest"); out.ref != digest || !strings.HasPrefix(digest, repository+"@sha256:") {
		t.Errorf("Ref = %q, want the pushed repo digest %q", out.ref, digest)
	}
	if want := "arn:aws:ecr:" + testkit.AWSRegion + ":" + testkit.AWSAccount + ":repository/app-59888de"; out.repositoryArn != want {
		t.Errorf("RepositoryARN = %q, want %q", out.repositoryArn, want)
	}
	if out.repositoryID != "app-59888de" {
		t.Errorf("RepositoryID = %q, want app-59888de", out.repositoryID)
	}
}

func TestECRHonoursItsOptions(t *testing.T) {
	t.Parallel()
	m, _ := run(t, &ImageArgs{
		Build: &Build{Context: newContext(t)},
		ECR: &ECRArgs{
			RepositoryName: "team/api", KeepCount: n(30), UntaggedExpiryDays: n(2), ProtectImages: true, ImmutableTags: true,
		},
	})
	repo := m.One(t, ecrRepoType)
	if got := str(t, repo.Inputs, "imageTagMutability"); got != "IMMUTABLE" {
		t.Errorf("imageTagMutability = %q, want IMMUTABLE", got)
	}
	if got := str(t, repo.Inputs, "name"); got != "team/api" {
		t.Errorf("name = %q, want team/api", got)
	}
	if lookup(t, repo.Inputs, "forceDelete").BoolValue() {
		t.Errorf("forceDelete = true, want false with ProtectImages")
	}
	policy := str(t, m.One(t, ecrPolicyType).Inputs, "policy")
	for _, want := range []string{`"countUnit":"days","countNumber":2}`, `"countType":"imageCountMoreThan","countNumber":30}`} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy %s does not contain %s", policy, want)
		}
	}
}

// TestUnchangedContextGivesIdenticalImageInputs is the no-rebuild promise:
// the Docker provider rebuilds and pushes only when the image's inputs or its
// context digest change, and two runs over the same context register the
// same inputs.
func TestUnchangedContextGivesIdenticalImageInputs(t *testing.T) {
	t.Parallel()
	dir := newContext(t)
	args := func() *ImageArgs {
		return &ImageArgs{Build: &Build{Context: dir}, ArtifactRegistry: &ArtifactRegistryArgs{Location: "us-central1"}}
	}
	first, _ := run(t, args())
	second, _ := run(t, args())
	a, b := first.One(t, dockerImageType).Inputs, second.One(t, dockerImageType).Inputs
	if !a.DeepEquals(b) {
		t.Errorf("inputs differ between runs:\n%v\n%v", a.Mappable(), b.Mappable())
	}

	writeFiles(t, dir, map[string]string{"hello.txt": "changed\n"})
	third, _ := run(t, args())
	if str(t, third.One(t, dockerImageType).Inputs, "imageName") == str(t, a, "imageName") {
		t.Errorf("imageName unchanged after a context change; an immutable registry would reject the push")
	}
}

func TestPlatformDefaultsToTheServicesPlatform(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name              string
		platform, require string
		want              string
	}{
		{"nothing set", "", "", "linux/amd64"},
		{"required only", "", "linux/arm64", "linux/arm64"},
		{"both agree", "linux/arm64", "linux/arm64", "linux/arm64"},
		{"platform only", "linux/arm64", "", "linux/arm64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, _ := run(t, &ImageArgs{
				Build:            &Build{Context: newContext(t)},
				Platform:         tc.platform,
				RequiredPlatform: tc.require,
				ECR:              &ECRArgs{},
			})
			if got := str(t, m.One(t, dockerImageType).Inputs, "build.platform"); got != tc.want {
				t.Errorf("build.platform = %q, want %q", got, tc.want)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// TestRefRefusesAnImageWithoutADigest: the docker provider reports
// "<none>@<none>" when the pushed image has no repo digest, and the image
// ID (no repository) when it skipped the push; neither may reach a service.
func TestRefRefusesAnImageWithoutADigest(t *testing.T) {
	t.Parallel()
	for _, repoDigest := range []string{
		"<none>@<none>",
		"sha256:" + strings.Repeat("a", 64),
		"localhost:5000/app@md5:" + strings.Repeat("a", 32),
		"localhost:5000/app@sha256:abc",
	} {
		t.Run(repoDigest, func(t *testing.T) {
			t.Parallel()
			m := testkit.New("berth", "test")
			m.SetOutputs(dockerImageType, map[string]any{"repoDigest": repoDigest})
			err := m.Run(func(ctx *pulumi.Context) error {
				img, err := NewImage(ctx, "api", &ImageArgs{
					Build:    &Build{Context: newContext(t)},
					Registry: &RegistryArgs{Repository: pulumi.String("localhost:5000/app"), Server: pulumi.String("localhost:5000")},
				})
				if err != nil {
					return err
				}
				return sink(ctx, pulumi.Map{"ref": img.Ref})
			})
			if err == nil || !strings.Contains(err.Error(), `image "api"`) || !strings.Contains(err.Error(), "not a sha256 digest") {
				t.Fatalf("err = %v, want the image named and the missing digest explained", err)
			}
		})
	}
}

// TestRepositoriesReplaceCreateFirst: a repository's name or location
// follows the component and the Region, so a replacement is a new one
// beside the old, which keeps serving its images until the end.
func TestRepositoriesReplaceCreateFirst(t *testing.T) {
	t.Parallel()
	for typ, args := range map[string]*ImageArgs{
		ecrRepoType: {Build: &Build{Context: newContext(t)}, RequiredPlatform: CloudRunPlatform, ECR: &ECRArgs{}},
		arRepoType:  {Build: &Build{Context: newContext(t)}, RequiredPlatform: CloudRunPlatform, ArtifactRegistry: &ArtifactRegistryArgs{Location: "europe-west4"}},
	} {
		m, _ := run(t, args)
		if d := m.One(t, typ).Options.DeleteBeforeReplace; d == nil || *d {
			t.Errorf("%s: deleteBeforeReplace %v, want false", typ, d)
		}
		if typ == ecrRepoType {
			// One policy per repository, its ID the repository's name: a
			// new policy text replaces it delete-first, as the provider
			// does (the engine tier's keepCount knob).
			if d := m.One(t, "aws:ecr/lifecyclePolicy:LifecyclePolicy").Options.DeleteBeforeReplace; d != nil {
				t.Errorf("lifecycle policy: deleteBeforeReplace %v, want the provider's", *d)
			}
		}
	}
}

// TestAContextHoldingDeploymentFilesWarns: Pulumi's project and stack files
// and node_modules in the build context, not excluded by .dockerignore,
// make every `pulumi config set` rebuild the image (issue 19), so the
// plan warns, naming them; excluded ones do not.
func TestAContextHoldingDeploymentFilesWarns(t *testing.T) {
	t.Parallel()
	dir := newContext(t)
	writeFiles(t, dir, map[string]string{
		"Pulumi.yaml":         "name: shop\nruntime: yaml\n",
		"Pulumi.dev.yaml":     "config: {}\n",
		"node_modules/x/a.js": "x",
		"app.log":             "ignored by .dockerignore",
	})
	m := testkit.New("berth", "test")
	if err := m.Run(func(ctx *pulumi.Context) error {
		_, err := NewImage(ctx, "app", &ImageArgs{Build: &Build{Context: dir}, RequiredPlatform: CloudRunPlatform, ECR: &ECRArgs{}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := `image "app": the build context ` + dir + ` holds Pulumi.dev.yaml, Pulumi.yaml, node_modules/x/a.js, which .dockerignore does not exclude: ` +
		"every change to them (a `pulumi config set` edits a stack file) rebuilds the image and deploys a new revision; add them to " + filepath.Join(dir, ".dockerignore")
	if got := m.Warnings(); !slices.Contains(got, want) {
		t.Errorf("warnings = %q, want %q", got, want)
	}

	writeFiles(t, dir, map[string]string{".dockerignore": "*.log\nPulumi*.yaml\nnode_modules\n"})
	m = testkit.New("berth", "test")
	if err := m.Run(func(ctx *pulumi.Context) error {
		_, err := NewImage(ctx, "app", &ImageArgs{Build: &Build{Context: dir}, RequiredPlatform: CloudRunPlatform, ECR: &ECRArgs{}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := m.Warnings(); len(got) != 0 {
		t.Errorf("warnings with the files excluded = %q, want none", got)
	}
}
