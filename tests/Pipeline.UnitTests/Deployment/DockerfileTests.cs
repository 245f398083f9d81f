using System.Text.RegularExpressions;
using Pipeline.Testing.Deployment;

namespace Pipeline.UnitTests.Deployment;

/// <summary>Structural lint of docker/Dockerfile.* (hadolint is not obtainable from Debian, npm or NuGet here).</summary>
public sealed class DockerfileTests
{
    private const string SparkImage = "docker/Dockerfile.spark";

    /// <summary>The images that publish our .NET projects (the Spark image carries only Spark and hadoop-azure).</summary>
    public static TheoryData<string> AppDockerfiles() => new("docker/Dockerfile.functions", "docker/Dockerfile.worker");

    public static TheoryData<string> Dockerfiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in RepoFiles.Under("docker", "").Where(f => Path.GetFileName(f).StartsWith("Dockerfile", StringComparison.Ordinal))) data.Add(f);
        return data;
    }

    [Fact]
    public void Both_images_have_a_Dockerfile()
    {
        var files = ((IEnumerable<object[]>)Dockerfiles()).Select(r => (string)r[0]).ToList();
        Assert.Contains("docker/Dockerfile.functions", files);
        Assert.Contains("docker/Dockerfile.worker", files);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Base_images_are_pinned_and_the_build_is_multi_stage(string file)
    {
        var model = DockerfileModel.Load(file);
        if (file == SparkImage)
        {
            // No .NET build: the first stage fetches jars. FROM lines use ${SPARK_VERSION}, pinned by its ARG default.
            Assert.Matches(@"(?m)^ARG SPARK_VERSION=\d+\.\d+\.\d+$", RepoFiles.Read(file));
            Assert.Contains(model.Final.Instructions, i => i.Keyword == "COPY" && i.Arguments.Contains("--from=", StringComparison.Ordinal));
            return;
        }
        Assert.True(model.Stages.Count >= 2, $"{file}: build and runtime must be separate stages");
        var stageNames = model.Stages.Select(s => s.Name).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in model.Stages.Where(s => !stageNames.Contains(s.Image)))
        {
            var tag = ImageNames.Tag(stage.Image);
            Assert.True(ImageNames.HasDigest(stage.Image) || (tag is not null && tag != "latest"), $"{file}: FROM {stage.Image} must pin a tag (not latest)");
        }
        Assert.Contains(model.Final.Instructions, i => i.Keyword == "COPY" && i.Arguments.Contains("--from=", StringComparison.Ordinal));
        Assert.DoesNotContain(model.Final.Instructions, i => i.Keyword == "RUN" && Regex.IsMatch(i.Arguments, @"\bdotnet\s+(build|publish|restore)\b"));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Runtime_runs_as_a_non_root_user_with_a_health_check(string file)
    {
        var final = DockerfileModel.Load(file).Final;
        var user = final.Instructions.LastOrDefault(i => i.Keyword == "USER")?.Arguments.Split(':')[0];
        Assert.False(user is null or "root" or "0", $"{file}: the runtime stage must switch to a non-root USER (is {user ?? "unset"})");
        Assert.True(int.TryParse(user, out _), $"{file}: USER should be numeric so Kubernetes runAsNonRoot can verify it (is {user})");
        // Spark drivers and executors serve no HTTP health route: the operator follows the pods' exit codes.
        if (file == SparkImage) return;
        var health = final.Instructions.LastOrDefault(i => i.Keyword == "HEALTHCHECK");
        Assert.NotNull(health);
        Assert.DoesNotMatch(@"^NONE\b", health!.Arguments);
        Assert.Contains("/api/health", health.Arguments, StringComparison.Ordinal);
        Assert.Contains(final.Instructions, i => i.Keyword == "EXPOSE");
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void No_secret_is_baked_into_the_image(string file)
    {
        var model = DockerfileModel.Load(file);
        var all = model.GlobalInstructions.Concat(model.Stages.SelectMany(s => s.Instructions)).ToList();
        var secretName = new Regex("(KEY|SECRET|PASSWORD|TOKEN|CONNECTIONSTRING)", RegexOptions.IgnoreCase);
        foreach (var env in all.Where(i => i.Keyword == "ENV"))
        {
            foreach (var (k, v) in DockerfileModel.EnvPairs(env))
            {
                Assert.False(secretName.IsMatch(k) && v.Length > 0, $"{file}:{env.Line}: ENV {k} bakes a secret-like value into the image");
                Assert.DoesNotContain("AccountKey=", v, StringComparison.Ordinal);
            }
        }
        foreach (var arg in all.Where(i => i.Keyword == "ARG"))
        {
            Assert.False(secretName.IsMatch(arg.Arguments.Split('=')[0]), $"{file}:{arg.Line}: build ARG {arg.Arguments} would leak into the image history; use a secret mount");
        }
        Assert.DoesNotContain(all, i => i.Keyword is "COPY" or "ADD" && i.Arguments.Contains("local.settings.json", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Copied_paths_exist_and_the_published_projects_references_are_all_copied(string file)
    {
        var model = DockerfileModel.Load(file);
        var problems = new List<string>();
        foreach (var stage in model.Stages)
        {
            var copied = stage.Instructions.SelectMany(DockerfileModel.ContextSources).ToList();
            foreach (var source in copied)
            {
                var path = source.TrimEnd('/');
                var exists = path.Contains('*')
                    ? Directory.EnumerateFileSystemEntries(RepoFiles.PathOf(Path.GetDirectoryName(path) ?? "."), Path.GetFileName(path)).Any()
                    : RepoFiles.Exists(path);
                if (!exists) problems.Add($"{file}: COPY source {source} does not exist");
            }
            foreach (var project in DockerfileModel.DotnetProjects(stage))
            {
                if (!RepoFiles.Exists(project))
                {
                    problems.Add($"{file}: dotnet builds {project}, which does not exist");
                    continue;
                }
                // The restore layer copies each csproj of the closure before `dotnet restore`, the source COPY brings the rest.
                foreach (var reference in ProjectGraph.TransitiveReferences(project))
                {
                    var dir = Path.GetDirectoryName(reference)!.Replace('\\', '/');
                    if (!copied.Any(c => c.TrimEnd('/') == reference || dir.StartsWith(c.TrimEnd('/') + "/", StringComparison.Ordinal) || dir == c.TrimEnd('/')))
                    {
                        problems.Add($"{file}: {project} needs {reference}, which no COPY brings into stage {stage.Name}");
                    }
                    if (!copied.Contains(reference))
                    {
                        problems.Add($"{file}: copy {reference} before `dotnet restore` so the restore layer is complete (stage {stage.Name})");
                    }
                    foreach (var item in ProjectGraph.ExternalItems(reference))
                    {
                        // Wildcards: the folder before the first wildcard must be copied.
                        var literal = item.Contains('*') ? item[..item.IndexOf('*')].TrimEnd('/') : item;
                        if (!copied.Any(c => c.TrimEnd('/') == literal || literal.StartsWith(c.TrimEnd('/') + "/", StringComparison.Ordinal)))
                        {
                            problems.Add($"{file}: {reference} includes {item}, which no COPY brings into stage {stage.Name}");
                        }
                    }
                }
            }
            foreach (var central in new[] { "Directory.Build.props", "Directory.Packages.props" })
            {
                if (DockerfileModel.DotnetProjects(stage).Count > 0 && !copied.Any(c => c.Split(' ').Contains(central)) && !copied.Contains(central))
                {
                    problems.Add($"{file}: stage {stage.Name} builds .NET projects without copying {central}");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Apt_and_npm_steps_follow_the_usual_hygiene(string file)
    {
        foreach (var run in DockerfileModel.Load(file).Stages.SelectMany(s => s.Instructions).Where(i => i.Keyword == "RUN"))
        {
            if (run.Arguments.Contains("apt-get install", StringComparison.Ordinal))
            {
                Assert.Contains("apt-get update", run.Arguments, StringComparison.Ordinal);
                Assert.Contains("--no-install-recommends", run.Arguments, StringComparison.Ordinal);
                Assert.Contains("rm -rf /var/lib/apt/lists", run.Arguments, StringComparison.Ordinal);
                Assert.Contains("-y", run.Arguments, StringComparison.Ordinal);
            }
            Assert.DoesNotMatch(@"\bnpm\s+install\b", run.Arguments); // npm ci: the lock file decides
            Assert.DoesNotMatch(@"curl[^|]*\|\s*(ba)?sh", run.Arguments);
        }
    }

    [Fact]
    public void Dockerignore_keeps_build_output_node_modules_git_and_local_secrets_out_of_the_context()
    {
        var ignore = RepoFiles.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToHashSet();
        foreach (var pattern in new[] { "**/bin/", "**/obj/", "**/node_modules/", ".git/", "local.settings.json", "**/local.settings.json", "docker/.env" })
        {
            Assert.Contains(pattern, ignore);
        }
        // Nothing a Dockerfile copies may be excluded by the ignore file.
        foreach (var file in new[] { "docker/Dockerfile.functions", "docker/Dockerfile.worker" })
        {
            foreach (var source in DockerfileModel.Load(file).Stages.SelectMany(s => s.Instructions).SelectMany(DockerfileModel.ContextSources))
            {
                Assert.DoesNotContain(source.TrimEnd('/') + "/", ignore);
                Assert.DoesNotContain(source, ignore);
            }
        }
    }

    /// <summary>Production images publish the Functions app and the worker only: neither the local launcher nor the
    /// embedded servers (Azurite, PostgreSQL, mock Kafka, Durable Task sidecar) are in their project closure.</summary>
    [Theory]
    [MemberData(nameof(AppDockerfiles))]
    public void Production_images_contain_no_embedded_servers(string file)
    {
        var projects = DockerfileModel.Load(file).Stages.SelectMany(DockerfileModel.DotnetProjects).Distinct().ToList();
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            var closure = ProjectGraph.TransitiveReferences(project);
            Assert.DoesNotContain("shared/Pipeline.Embedded/Pipeline.Embedded.csproj", closure);
            Assert.DoesNotContain("functions/Pipeline.LocalHost/Pipeline.LocalHost.csproj", closure);
        }
        var text = RepoFiles.Read(file);
        Assert.DoesNotContain("Pipeline.Embedded", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Pipeline.LocalHost", text, StringComparison.Ordinal);
    }
}
