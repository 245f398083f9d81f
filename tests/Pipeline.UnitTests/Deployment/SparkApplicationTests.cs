using System.Text.Json.Nodes;
using Pipeline.Analytics;
using Pipeline.Analytics.Spark;
using Pipeline.Testing.Deployment;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.Deployment;

/// <summary>SparkApplications as the aggregation orchestrator submits them (infra/spark template rendered by the
/// analytics area's own factory, with the cluster's Analytics__Spark__* settings) and any plain SparkApplication
/// manifest under infra/, against the bundled CRD schema and the RBAC this area provides.</summary>
public sealed class SparkApplicationTests(ITestOutputHelper output)
{
    private static readonly StructuralSchema Schema = StructuralSchema.Load("sparkapplication.schema.json");

    /// <summary>Analytics__Spark__* from infra/k8s/base/settings.env, bound onto the options class.</summary>
    private static SparkOptions ClusterSparkOptions()
    {
        var options = new SparkOptions();
        foreach (var line in RepoFiles.Read("infra/k8s/base/settings.env").Split('\n').Where(l => l.StartsWith("Analytics__Spark__", StringComparison.Ordinal)))
        {
            var (key, value) = (line[..line.IndexOf('=')]["Analytics__Spark__".Length..], line[(line.IndexOf('=') + 1)..].Trim());
            var property = typeof(SparkOptions).GetProperty(key) ?? throw new Xunit.Sdk.XunitException($"settings.env sets unknown Analytics__Spark__{key}");
            property.SetValue(options, property.PropertyType == typeof(int) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
                : property.PropertyType == typeof(TimeSpan) ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value);
        }
        return options;
    }

    [Fact]
    public void Rendered_SparkApplication_matches_the_CRD_schema_and_the_namespace_RBAC()
    {
        var options = ClusterSparkOptions();
        var app = SparkApplicationFactory.Render("trends-daily-20260101", "trends_daily", "run-1", "abfss://jobs@acct.dfs.core.windows.net/trends.sql", options);
        output.WriteLine(app.ToJsonString());
        var problems = Schema.Validate(app).ToList();
        var spec = app["spec"]!;
        if ((string?)spec["driver"]?["serviceAccount"] != "spark-driver") problems.Add($"driver.serviceAccount must be spark-driver (infra/spark-operator/rbac.yaml), is {spec["driver"]?["serviceAccount"]}");
        if ((string?)app["metadata"]?["namespace"] != "pipeline") problems.Add($"namespace must be pipeline (the app may create SparkApplications in its own namespace only), is {app["metadata"]?["namespace"]}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Plain_SparkApplication_manifests_match_the_CRD_schema()
    {
        var apps = RepoFiles.Under("infra", ".yaml", ".yml")
            .Where(f => !ArtifactParsingTests.IsPlaceholderTemplate(f))
            .SelectMany(f => KubernetesObject.ParseAll(RepoFiles.Read(f), f))
            .Where(o => o.Kind == "SparkApplication")
            .ToList();
        var problems = apps.SelectMany(a => Schema.Validate(a.Root).Select(e => $"{a.Describe}: {e}")).ToList();
        output.WriteLine($"{apps.Count} plain SparkApplication manifest(s)");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Schema_rejects_a_SparkApplication_without_required_fields_or_with_bad_types()
    {
        var bad = KubernetesObject.ParseAll("""
            apiVersion: sparkoperator.k8s.io/v1beta2
            kind: SparkApplication
            metadata: {name: x}
            spec:
              type: Pyhton
              driver: {cores: "1"}
              executor: {instances: 0}
            """, "inline").Single();
        var errors = Schema.Validate(bad.Root);
        Assert.Contains(errors, e => e.Contains("'sparkVersion' is missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'mainApplicationFile' is missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("spec.type", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("driver.cores: expected integer", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("executor.instances: 0 is below the minimum", StringComparison.Ordinal));
    }
}
