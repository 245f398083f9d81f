using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Pipeline.Analytics;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Snapshot;
using Pipeline.Analytics.Spark;
using Pipeline.Testing.Deployment;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.Deployment;

/// <summary>
/// The spark-k8s path as deployed: the kustomize overlays rendered with kubectl and cross-referenced (namespace, driver
/// ServiceAccount and its RBAC, the run_sql.py ConfigMap, the storage Secret and the keys run_sql.py reads, a StorageUri
/// that passes the options validation), the same names in compose and Bicep, the Spark image's versions, and
/// run_sql.py itself: its Python unit tests, and what it writes checked against what <see cref="SparkJobService"/> reads.
/// </summary>
public sealed partial class SparkDeploymentTests(ITestOutputHelper output)
{
    private static readonly string[] Overlays = ["infra/k8s/overlays/minikube", "infra/k8s/overlays/aks"];

    /// <summary>Hadoop that each Spark release line bundles (hadoop-azure must match it).</summary>
    private static readonly Dictionary<string, string> HadoopOfSpark = new(StringComparer.Ordinal)
    {
        ["3.4"] = "3.3.4",
        ["3.5"] = "3.3.4",
        ["4.0"] = "3.4.1",
    };

    private static Dictionary<string, string> Settings(IReadOnlyList<KubernetesObject> objects)
    {
        var settings = objects.Single(o => o.Kind == "ConfigMap" && o.Name!.StartsWith("pipeline-settings", StringComparison.Ordinal));
        return ((JsonObject)settings.Root["data"]!).ToDictionary(p => p.Key, p => (string?)p.Value ?? "", StringComparer.Ordinal);
    }

    private static AnalyticsOptions Bind(Dictionary<string, string> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value)))
            .Build();
        var options = new AnalyticsOptions();
        ConfigurationBinder.Bind(configuration.GetSection(AnalyticsOptions.SectionName), options);
        return options;
    }

    /// <summary>The environment variables run_sql.py reads (environ.get("...")).</summary>
    private static IReadOnlyList<string> RunSqlEnvironment() =>
        EnvironGet().Matches(RepoFiles.Read("infra/spark/run_sql.py")).Select(m => m.Groups[1].Value).Distinct().ToList();

    [GeneratedRegex("""environ\.get\("([A-Z_]+)"\)""")]
    private static partial Regex EnvironGet();

    [SkippableTheory]
    [InlineData("infra/k8s/overlays/minikube")]
    [InlineData("infra/k8s/overlays/aks")]
    public void Overlay_settings_pass_the_analytics_validation_and_spark_names_resolve_in_the_rendered_namespace(string overlay)
    {
        Skip.If(Kustomize.KubectlPath is null, Kustomize.MissingReason);
        var objects = Kustomize.Build(overlay).Objects;
        var settings = Settings(objects);
        var options = Bind(settings);
        var validation = new AnalyticsOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, $"{overlay}: {validation.FailureMessage}");

        var ns = objects.Single(o => o.Kind == "ConfigMap" && o.Name!.StartsWith("pipeline-settings", StringComparison.Ordinal)).Namespace;
        var problems = new List<string>();
        // The names must resolve whichever engine the overlay selects: switching Analytics__Engine is all it should take.
        var spark = options.Spark;
        if (spark.Namespace != ns) problems.Add($"Analytics__Spark__Namespace is {spark.Namespace}, the app runs in {ns}");
        if (!objects.Any(o => o.Kind == "ServiceAccount" && o.Name == spark.ServiceAccount && o.Namespace == spark.Namespace))
            problems.Add($"no ServiceAccount {spark.ServiceAccount} in {spark.Namespace}");
        var driverRole = objects.Where(o => o.Kind == "RoleBinding" && o.Namespace == spark.Namespace
                && ((JsonArray?)o.Root["subjects"] ?? []).Any(s => (string?)s!["name"] == spark.ServiceAccount))
            .Select(b => (string?)b.Root["roleRef"]!["name"]).ToList();
        if (!objects.Any(o => o.Kind == "Role" && driverRole.Contains(o.Name) && o.Root["rules"]!.ToJsonString().Contains("\"pods\"", StringComparison.Ordinal)
                && o.Root["rules"]!.ToJsonString().Contains("\"create\"", StringComparison.Ordinal)))
            problems.Add($"ServiceAccount {spark.ServiceAccount} may not create executor pods in {spark.Namespace}");
        var submitter = objects.Where(o => o.Kind == "RoleBinding" && o.Namespace == spark.Namespace
                && ((JsonArray?)o.Root["subjects"] ?? []).Any(s => (string?)s!["name"] == "pipeline-functions"))
            .Select(b => (string?)b.Root["roleRef"]!["name"]).ToList();
        if (!objects.Any(o => o.Kind == "Role" && submitter.Contains(o.Name) && o.Root["rules"]!.ToJsonString().Contains("sparkapplications", StringComparison.Ordinal)))
            problems.Add($"the app's ServiceAccount pipeline-functions may not create SparkApplications in {spark.Namespace}");

        // The ConfigMap the SparkApplication template mounts, holding this repository's run_sql.py.
        var template = RepoFiles.Read("infra/spark/sparkapplication.template.yaml");
        var configMapName = Regex.Match(template, @"configMap:\s*\n\s*name:\s*(\S+)").Groups[1].Value;
        var driver = objects.SingleOrDefault(o => o.Kind == "ConfigMap" && o.Name == configMapName && o.Namespace == spark.Namespace);
        if (driver is null) problems.Add($"ConfigMap {configMapName} (mounted by the SparkApplication template) is not in {spark.Namespace}");
        else if ((string?)driver.Root["data"]?["run_sql.py"] != RepoFiles.Read("infra/spark/run_sql.py")) problems.Add($"ConfigMap {configMapName} does not hold infra/spark/run_sql.py");
        var mount = Regex.Match(template, @"mountPath:\s*(\S+)").Groups[1].Value;
        if (!template.Contains($"local://{mount}/run_sql.py", StringComparison.Ordinal)) problems.Add($"mainApplicationFile is not run_sql.py under the mount {mount}");

        if (options.Engine == AnalyticsOptions.SparkEngine)
        {
            // The storage secret the drivers and executors read, with the keys run_sql.py looks for.
            var keys = objects.Where(o => o.Kind == "Secret" && o.Name == spark.StorageSecretName && o.Namespace == spark.Namespace)
                .SelectMany(o => ((JsonObject?)o.Root["data"] ?? []).Select(p => p.Key))
                .Concat(objects.Where(o => o.Kind == "SecretProviderClass" && o.Namespace == spark.Namespace)
                    .SelectMany(o => (JsonArray?)o.Spec?["secretObjects"] ?? [])
                    .Where(s => (string?)s!["secretName"] == spark.StorageSecretName)
                    .SelectMany(s => (JsonArray)s!["data"]!).Select(d => (string)d!["key"]!))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var key in RunSqlEnvironment())
            {
                if (!keys.Contains(key)) problems.Add($"Secret {spark.StorageSecretName} in {spark.Namespace} has no key {key}, which run_sql.py reads");
            }
            if (!spark.StorageUri.StartsWith($"abfss://{options.SnapshotContainer}@", StringComparison.Ordinal))
                problems.Add($"Analytics__Spark__StorageUri {spark.StorageUri} is not the snapshot container {options.SnapshotContainer} over abfss://");
        }
        output.WriteLine($"{overlay}: engine {options.Engine}, namespace {ns}, {objects.Count} objects");
        Assert.True(problems.Count == 0, string.Join("\n", problems.Select(p => $"{overlay}: {p}")));
    }

    [SkippableFact]
    public void At_least_one_overlay_runs_the_spark_engine()
    {
        Skip.If(Kustomize.KubectlPath is null, Kustomize.MissingReason);
        Assert.Contains(Overlays, o => Settings(Kustomize.Build(o).Objects)["Analytics__Engine"] == AnalyticsOptions.SparkEngine);
    }

    [Fact]
    public void Compose_Bicep_sample_and_option_defaults_name_the_same_namespace_account_secret_and_image_as_the_cluster()
    {
        var k8s = RepoFiles.Read("infra/k8s/base/settings.env").Split('\n')
            .Where(l => l.StartsWith("Analytics__Spark__", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..].Trim(), StringComparer.Ordinal);
        var defaults = new SparkOptions();
        var expected = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Analytics__Spark__Namespace"] = k8s["Analytics__Spark__Namespace"],
            ["Analytics__Spark__ServiceAccount"] = k8s["Analytics__Spark__ServiceAccount"],
            ["Analytics__Spark__StorageSecretName"] = k8s["Analytics__Spark__StorageSecretName"],
            ["Analytics__Spark__SparkVersion"] = k8s["Analytics__Spark__SparkVersion"],
            ["Analytics__Spark__Image"] = k8s["Analytics__Spark__Image"],
        };
        var problems = new List<string>();
        void Check(string where, string key, string? value)
        {
            if (value != expected[key]) problems.Add($"{where}: {key} is '{value}', infra/k8s/base/settings.env has '{expected[key]}'");
        }
        Check("SparkOptions defaults", "Analytics__Spark__Namespace", defaults.Namespace);
        Check("SparkOptions defaults", "Analytics__Spark__ServiceAccount", defaults.ServiceAccount);
        Check("SparkOptions defaults", "Analytics__Spark__StorageSecretName", defaults.StorageSecretName);
        Check("SparkOptions defaults", "Analytics__Spark__SparkVersion", defaults.SparkVersion);
        Check("SparkOptions defaults", "Analytics__Spark__Image", defaults.Image);

        var compose = RepoFiles.Read(DeploymentTargets.ComposeFile);
        var sample = RepoFiles.Read("local.settings.sample.json");
        foreach (var key in expected.Keys)
        {
            Check(DeploymentTargets.ComposeFile, key, Regex.Match(compose, $@"\b{key}:\s*""([^""]*)""").Groups[1].Value);
            Check("local.settings.sample.json", key, Regex.Match(sample, $@"""{key}"":\s*""([^""]*)""").Groups[1].Value);
            // In Azure the image comes from a registry: both modules take main.bicep's sparkImage (checked below).
            if (key == "Analytics__Spark__Image") continue;
            foreach (var bicep in new[] { "infra/azure/modules/functionapp.bicep", "infra/azure/modules/consumer.bicep" })
            {
                var text = RepoFiles.Read(bicep);
                var value = Regex.Match(text, $@"\b{key}:\s*'([^']*)'").Success
                    ? Regex.Match(text, $@"\b{key}:\s*'([^']*)'").Groups[1].Value
                    : Regex.Match(text, $@"name:\s*'{key}',\s*value:\s*'([^']*)'").Groups[1].Value;
                Check(bicep, key, value);
            }
        }
        // Bicep's StorageUri is the snapshot container of the account it deploys.
        foreach (var bicep in new[] { "infra/azure/modules/functionapp.bicep", "infra/azure/modules/consumer.bicep" })
        {
            var text = RepoFiles.Read(bicep);
            if (!text.Contains("abfss://analytics-snapshots@${storageAccountName}.dfs.core.windows.net", StringComparison.Ordinal))
                problems.Add($"{bicep}: Analytics__Spark__StorageUri must be abfss://<Analytics__SnapshotContainer>@<the deployed storage account>");
            if (!text.Contains("'analytics-snapshots'", StringComparison.Ordinal)) problems.Add($"{bicep}: Analytics__SnapshotContainer is not analytics-snapshots");
        }
        // Azure submits to AKS, which pulls the released image: main.bicep's default is the aks overlay's, and both modules use it.
        var aksImage = RepoFiles.Read("infra/k8s/overlays/aks/settings.env").Split('\n')
            .Single(l => l.StartsWith("Analytics__Spark__Image=", StringComparison.Ordinal))["Analytics__Spark__Image=".Length..].Trim();
        var mainBicep = RepoFiles.Read("infra/azure/main.bicep");
        var sparkImageDefault = Regex.Match(mainBicep, @"(?m)^param sparkImage string = '([^']*)'").Groups[1].Value;
        if (sparkImageDefault != aksImage) problems.Add($"infra/azure/main.bicep: sparkImage defaults to '{sparkImageDefault}', the aks overlay runs '{aksImage}'");
        if (Regex.Matches(mainBicep, @"(?m)^\s+sparkImage: sparkImage$").Count != 2) problems.Add("infra/azure/main.bicep must pass sparkImage to the functionapp and consumer modules");
        foreach (var bicep in new[] { "infra/azure/modules/functionapp.bicep", "infra/azure/modules/consumer.bicep" })
        {
            var text = RepoFiles.Read(bicep);
            if (!Regex.IsMatch(text, @"Analytics__Spark__Image(:\s*|',\s*value:\s*)sparkImage\b")) problems.Add($"{bicep}: Analytics__Spark__Image must be the sparkImage parameter");
        }
        var keyVault = RepoFiles.Read("infra/azure/modules/keyvault.bicep");
        var spc = RepoFiles.Read("infra/k8s/overlays/aks/secretproviderclass.yaml");
        foreach (var secret in Regex.Matches(spc, @"objectName:\s*(storage-account-\S+)").Select(m => m.Groups[1].Value).Distinct())
        {
            if (!keyVault.Contains($"name: '{secret}'", StringComparison.Ordinal)) problems.Add($"Key Vault secret {secret} (synced by the aks overlay) is not created by keyvault.bicep");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Spark_image_adds_hadoop_azure_matching_the_spark_release_and_bakes_run_sql_where_the_template_runs_it()
    {
        var text = RepoFiles.Read("docker/Dockerfile.spark");
        var spark = Regex.Match(text, @"ARG SPARK_VERSION=(\S+)").Groups[1].Value;
        var hadoop = Regex.Match(text, @"ARG HADOOP_VERSION=(\S+)").Groups[1].Value;
        Assert.Equal(new SparkOptions().SparkVersion, spark);
        Assert.Matches(@"FROM apache/spark:\$\{SPARK_VERSION\}-python3", text);
        var line = string.Join('.', spark.Split('.').Take(2));
        Assert.True(HadoopOfSpark.TryGetValue(line, out var bundled), $"no known Hadoop for Spark {line}");
        Assert.Equal(bundled, hadoop);
        Assert.Contains("org/apache/hadoop/hadoop-azure/${HADOOP_VERSION}/hadoop-azure-${HADOOP_VERSION}.jar", text, StringComparison.Ordinal);
        Assert.Contains("/opt/spark/jars/", text, StringComparison.Ordinal);
        var template = RepoFiles.Read("infra/spark/sparkapplication.template.yaml");
        var main = Regex.Match(template, @"mainApplicationFile:\s*local://(\S+)").Groups[1].Value;
        Assert.Contains($"infra/spark/run_sql.py {main}", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^USER 185$", text);
    }

    private static (int Code, string Out, string Err) Python(params string[] args)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoFiles.Root };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("python3 did not finish in 2 minutes");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Run_sql_python_unit_tests_pass()
    {
        var (code, stdout, stderr) = Python("-m", "unittest", "discover", "-s", "infra/spark/tests", "-v");
        output.WriteLine(stdout + stderr);
        Assert.True(code == 0, stderr);
        Assert.Matches(@"Ran [1-9]\d* tests", stderr);
    }

    [Fact]
    public async Task What_run_sql_writes_for_a_built_script_is_what_the_result_reader_collects()
    {
        var root = Directory.CreateTempSubdirectory("spark-layout-").FullName;
        try
        {
            const string app = "trends-daily-20240501-abc";
            var job = EmbeddedTrendsJobCatalog.LoadEmbedded().First();
            var storageUri = $"abfss://{new AnalyticsOptions().SnapshotContainer}@acct.dfs.core.windows.net";
            var script = Path.Combine(root, "job.sql");
            await File.WriteAllTextAsync(script, SparkScriptBuilder.Build(job, [new DateOnly(2024, 5, 1)], storageUri, app));
            var (code, stdout, stderr) = Python("infra/spark/tests/standin.py", script, root);
            output.WriteLine(stdout + stderr);
            Assert.True(code == 0, stderr);

            // The container as the snapshot storage sees it; the reader lists the application's result prefix.
            var storage = new LocalDirectorySnapshotStorage(Path.Combine(root, new AnalyticsOptions().SnapshotContainer));
            var listed = await storage.ListAsync(SnapshotLayout.SparkResultPrefix(app));
            Assert.Contains(listed, n => n.EndsWith("/_SUCCESS", StringComparison.Ordinal));
            var parts = SparkJobService.ResultParts(listed);
            Assert.Equal(2, parts.Count);
            Assert.All(parts, p => Assert.Matches(@"^results/trends-daily-20240501-abc/part-\d{5}-[0-9a-f-]{36}-c000\.snappy\.parquet$", p));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
