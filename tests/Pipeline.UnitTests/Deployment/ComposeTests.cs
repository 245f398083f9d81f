using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipeline.Testing.Deployment;

namespace Pipeline.UnitTests.Deployment;

/// <summary>docker/docker-compose.yml: the services the issue asks for, wired by health-gated depends_on.</summary>
public sealed class ComposeTests
{
    private static JsonObject Services() =>
        (JsonObject)((JsonObject)YamlDocuments.ParseFile(RepoFiles.PathOf(DeploymentTargets.ComposeFile)).Single()!)["services"]!;

    private static JsonObject Service(string name) => Services()[name] as JsonObject ?? throw new Xunit.Sdk.XunitException($"compose service {name} missing");

    [Fact]
    public void Compose_has_broker_store_storage_app_consumer_and_initialisers_and_no_idle_spark_master()
    {
        var services = Services();
        Assert.Contains("redpanda", services.Select(s => s.Key));
        Assert.Contains("mongo", services.Select(s => s.Key));
        Assert.Contains("azurite", services.Select(s => s.Key));
        Assert.Equal("consumer", (string?)Service("consumer")["environment"]!["Host__Role"]);
        Assert.Equal("init", (string?)Service("init-store")["environment"]!["Host__Role"]);
        Assert.Contains("--partitions", Service("init-topics").ToJsonString(), StringComparison.Ordinal);
        // The same routes as `make run`: the Functions app answers on localhost:7071.
        Assert.Contains((Service("functions")["ports"] as JsonArray)!, p => ((string?)p)?.StartsWith("7071:", StringComparison.Ordinal) == true);
        // The spark-k8s engine submits SparkApplications to Kubernetes; a standalone master here would never get a job.
        Assert.DoesNotContain(services, s => s.Key.StartsWith("spark", StringComparison.Ordinal));
        Assert.NotEqual("spark-k8s", (string?)Service("functions")["environment"]!["Analytics__Engine"]);
    }

    [Fact]
    public void Depends_on_targets_exist_and_wait_for_health_or_completion()
    {
        var services = Services();
        var problems = new List<string>();
        foreach (var (name, node) in services)
        {
            foreach (var (dependency, spec) in (node!["depends_on"] as JsonObject) ?? [])
            {
                if (!services.ContainsKey(dependency)) { problems.Add($"{name} depends on unknown service {dependency}"); continue; }
                var condition = (string?)spec?["condition"];
                var expected = services[dependency]!["restart"]?.ToString() == "no" ? "service_completed_successfully" : "service_healthy";
                if (condition != expected) problems.Add($"{name} -> {dependency}: condition should be {expected}, is {condition ?? "none"}");
                if (expected == "service_healthy" && services[dependency]!["healthcheck"] is null) problems.Add($"{name} waits for {dependency}'s health, which has no healthcheck");
            }
            var longRunning = node!["restart"]?.ToString() != "no" && node["profiles"] is null;
            if (longRunning && node["healthcheck"] is null) problems.Add($"{name} has no healthcheck");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void App_settings_point_at_compose_services()
    {
        var env = DeploymentTargets.ComposeEnvironment(Service("functions"));
        var services = Services().Select(s => s.Key).ToHashSet();
        Assert.Contains("BlobEndpoint=http://azurite:10000/", env["AzureWebJobsStorage"], StringComparison.Ordinal);
        Assert.Contains(env["Kafka__BootstrapServers"]!.Split(':')[0], services);
        Assert.Contains(new Uri(env["Store__MongoConnectionString"]!).Host, services);
        Assert.Equal("mongo", env["Store__Provider"]);
        Assert.Equal(AppDefaults.Resolve("Kafka:Topic").Value, env["Kafka__Topic"]);
        Assert.Equal(AppDefaults.Resolve("Kafka:ConsumerGroup").Value, env["Kafka__ConsumerGroup"]);
        Assert.Equal(AppDefaults.Resolve("Kafka:DeadLetterTopic").Value, env["Kafka__DeadLetterTopic"]);
        Assert.Contains($"{env["Kafka__Topic"]}:", Service("init-topics").ToJsonString(), StringComparison.Ordinal);
        Assert.Contains($"{env["Kafka__DeadLetterTopic"]}:", Service("init-topics").ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Volumes_are_named_and_declared_and_images_pinned()
    {
        var root = (JsonObject)YamlDocuments.ParseFile(RepoFiles.PathOf(DeploymentTargets.ComposeFile)).Single()!;
        var declared = ((JsonObject?)root["volumes"] ?? []).Select(v => v.Key).ToHashSet();
        foreach (var (name, node) in Services())
        {
            foreach (var volume in ((JsonArray?)node!["volumes"] ?? []).Select(v => (string)v!))
            {
                var source = volume.Split(':')[0];
                Assert.True(declared.Contains(source), $"{name}: volume {source} must be a declared named volume");
            }
            var image = (string?)node["image"];
            Assert.False(image is null, $"{name} has no image");
            var tag = ImageNames.Tag(image!.Replace("${PIPELINE_TAG:-dev}", "dev", StringComparison.Ordinal));
            Assert.False(tag is null or "latest", $"{name}: image {image} must be pinned");
        }
    }

    [Fact]
    public void Every_variable_compose_reads_is_documented_in_env_sample_without_values_that_look_secret()
    {
        var compose = RepoFiles.Read(DeploymentTargets.ComposeFile);
        var used = Regex.Matches(compose, @"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)").Select(m => m.Groups[1].Value).ToHashSet();
        var sample = RepoFiles.Read("docker/.env.sample").Split('\n').Where(l => l.Contains('=') && !l.TrimStart().StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf('=')].Trim(), l => l[(l.IndexOf('=') + 1)..].Trim());
        Assert.True(used.All(sample.ContainsKey), "Not in docker/.env.sample: " + string.Join(", ", used.Where(u => !sample.ContainsKey(u))));
        foreach (var (key, value) in sample.Where(p => Regex.IsMatch(p.Key, "SECRET|TOKEN|KEY|PASSWORD")))
        {
            Assert.True(value.Length == 0, $"docker/.env.sample must leave {key} empty");
        }
    }
}
