package image_test

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/berth-dev/berth/components/image"
	"github.com/berth-dev/berth/testkit"
)

// The smallest useful Image: build ./testdata/app for Cloud Run, push it to
// a new Artifact Registry repository and export the digest reference that a
// service deploys. The mock monitor stands in for the engine and the clouds.
func ExampleNewImage() {
	m := testkit.New("berth", "dev")
	err := m.Run(func(ctx *pulumi.Context) error {
		img, err := image.NewImage(ctx, "api", &image.ImageArgs{
			Build:            &image.Build{Context: "testdata/app"},
			RequiredPlatform: image.CloudRunPlatform,
			ArtifactRegistry: &image.ArtifactRegistryArgs{Location: "us-central1"},
		})
		if err != nil {
			return err
		}
		ctx.Export("image", img.Ref)
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	repo := m.ByType("gcp:artifactregistry/repository:Repository")[0]
	fmt.Println("repository:", repo.Inputs["repositoryId"].StringValue())
	docker := m.ByType("docker:index/image:Image")[0]
	name := docker.Inputs["imageName"].StringValue()
	fmt.Println("pushes:", name[:strings.LastIndex(name, ":")+1]+"<content tag>")
	digest := docker.Outputs["repoDigest"].StringValue()
	fmt.Println("deploys:", digest[:strings.Index(digest, "@")+1]+"sha256:<digest>")
	fmt.Println("platform:", docker.Inputs["build"].ObjectValue()["platform"].StringValue())
	fmt.Println("password is secret:", docker.Inputs["registry"].ObjectValue()["password"].IsSecret())
	// Output:
	// repository: api-be0addd
	// pushes: us-central1-docker.pkg.dev/berth-mock-project/api-be0addd/api:<content tag>
	// deploys: us-central1-docker.pkg.dev/berth-mock-project/api-be0addd/api@sha256:<digest>
	// platform: linux/amd64
	// password is secret: true
}
