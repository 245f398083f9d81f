using Pipeline.Testing.Deployment;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.Deployment;

/// <summary>SparkApplication templates (infra/spark, written by the analytics area) against the bundled CRD schema,
/// and against the RBAC this area provides (driver ServiceAccount, namespace).</summary>
public sealed class SparkApplicationTests(ITestOutputHelper output)
{
    private static readonly StructuralSchema Schema = StructuralSchema.Load("sparkapplication.schema.json");

    [SkippableFact]
    public void SparkApplication_templates_match_the_CRD_schema_and_use_the_spark_driver_account()
    {
        var apps = RepoFiles.Under("infra", ".yaml", ".yml")
            .SelectMany(f => KubernetesObject.ParseAll(RepoFiles.Read(f), f))
            .Where(o => o.Kind == "SparkApplication")
            .ToList();
        Skip.If(apps.Count == 0, "no SparkApplication templates under infra/ yet (infra/spark is written by the analytics area)");
        var problems = new List<string>();
        foreach (var app in apps)
        {
            problems.AddRange(Schema.Validate(app.Root).Select(e => $"{app.Describe}: {e}"));
            var account = (string?)app.Spec?["driver"]?["serviceAccount"];
            if (account != "spark-driver") problems.Add($"{app.Describe}: spec.driver.serviceAccount must be spark-driver (infra/spark-operator/rbac.yaml), is {account ?? "unset"}");
            if (app.Namespace is { } ns && ns != "pipeline") problems.Add($"{app.Describe}: namespace {ns}; the app may only create SparkApplications in namespace pipeline");
        }
        output.WriteLine($"{apps.Count} SparkApplication template(s) checked");
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
