using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipeline.Testing.Deployment;

namespace Pipeline.UnitTests.Deployment;

/// <summary>The image names the manifests deploy are the ones the Dockerfiles build, under the same name everywhere
/// (compose, Makefile, infra/minikube/up.sh, the workflows).</summary>
public sealed class ImageNameTests
{
    private static readonly Dictionary<string, string> DockerfileImage = new()
    {
        ["docker/Dockerfile.functions"] = "pipeline-functions",
        ["docker/Dockerfile.worker"] = "pipeline-worker",
        ["docker/Dockerfile.spark"] = "pipeline-spark",
    };

    /// <summary>Pairs (Dockerfile, image repository) from `docker build -f X -t Y` / `minikube image build -f X -t Y` lines.</summary>
    private static IEnumerable<(string Source, string Dockerfile, string Image)> BuildCommands(string source, string text)
    {
        var joined = Regex.Replace(text, @"\\\r?\n\s*", " ");
        foreach (var line in joined.Split('\n'))
        {
            var file = Regex.Match(line, @"(?:-f|--file)[ =]+""?(?:\$ROOT/|\$\{ROOT\}/|\./)?(docker/Dockerfile\.\w+)");
            var tag = ImageNames.BuiltByDockerCommands(line);
            if (file.Success && tag.Count > 0) yield return (source, file.Groups[1].Value, tag[0]);
        }
    }

    [Fact]
    public void Every_build_names_each_Dockerfile_image_the_same_way()
    {
        var builds = new List<(string Source, string Dockerfile, string Image)>();
        var compose = (JsonObject)((JsonObject)YamlDocuments.ParseFile(RepoFiles.PathOf(DeploymentTargets.ComposeFile)).Single()!)["services"]!;
        foreach (var (name, service) in compose)
        {
            if (service!["build"] is JsonObject build)
            {
                builds.Add(($"compose:{name}", "docker/" + Path.GetFileName((string)build["dockerfile"]!), ImageNames.Repository((string)service["image"]!)));
            }
        }
        foreach (var file in new[] { "infra/minikube/up.sh", "Makefile" }.Where(RepoFiles.Exists).Concat(RepoFiles.Under(Workflow.Folder, ".yml")))
        {
            builds.AddRange(BuildCommands(file, RepoFiles.Read(file)));
        }
        foreach (var workflow in Workflow.All())
        {
            builds.AddRange(workflow.ImageBuilds().Select(b => (workflow.File, b.Dockerfile, b.Image)));
        }
        Assert.Contains(builds, b => b.Source.StartsWith("compose:", StringComparison.Ordinal));
        Assert.Contains(builds, b => b.Source == "infra/minikube/up.sh");
        Assert.Contains(builds, b => b.Source.StartsWith(".github/", StringComparison.Ordinal));
        var wrong = builds.Where(b => !DockerfileImage.TryGetValue(b.Dockerfile, out var expected) || expected != b.Image).ToList();
        Assert.True(wrong.Count == 0, "Builds naming an image differently:\n" + string.Join("\n", wrong.Select(w => $"{w.Source}: {w.Dockerfile} -> {w.Image}")));
    }

    [Fact]
    public void Release_pushes_every_image_to_ghcr_under_its_build_name()
    {
        var release = Workflow.All().Single(w => w.File.EndsWith("release.yml", StringComparison.Ordinal));
        var pushed = release.ImageBuilds().ToList();
        Assert.Equal(DockerfileImage.OrderBy(p => p.Key), pushed.Distinct().OrderBy(p => p.Dockerfile).Select(p => KeyValuePair.Create(p.Dockerfile, p.Image)));
        Assert.Contains("ghcr.io/", RepoFiles.Read(release.File), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Manifests_deploy_only_images_the_Dockerfiles_build()
    {
        Skip.If(Kustomize.KubectlPath is null, Kustomize.MissingReason);
        foreach (var overlay in DeploymentTargets.Overlays)
        {
            var objects = Kustomize.Build($"infra/k8s/overlays/{overlay}").Objects;
            var ours = objects.Where(o => o.PodSpec is not null)
                .SelectMany(o => o.Containers.Select(c => (o.Describe, image: (string)c["image"]!)))
                .Where(p => p.image.Contains("pipeline-", StringComparison.Ordinal))
                .ToList();
            Assert.NotEmpty(ours);
            foreach (var (who, image) in ours)
            {
                Assert.Contains(ImageNames.Repository(image), DockerfileImage.Values);
                Assert.False(ImageNames.Tag(image) is null or "latest", $"{overlay} {who}: {image} must carry a release tag");
            }
            // The Functions host image runs the Functions deployments, the local-host image the consumer.
            Assert.All(ours.Where(p => p.Describe.Contains("pipeline-functions", StringComparison.Ordinal)), p => Assert.Equal("pipeline-functions", ImageNames.Repository(p.image)));
            Assert.All(ours.Where(p => p.Describe.Contains("pipeline-consumer", StringComparison.Ordinal)), p => Assert.Equal("pipeline-worker", ImageNames.Repository(p.image)));
        }
    }
}
