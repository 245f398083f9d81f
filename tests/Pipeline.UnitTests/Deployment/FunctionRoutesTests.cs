using System.Text;
using Pipeline.Testing.Deployment;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.Deployment;

/// <summary>functions.metadata (the Functions app's generated index) against docs/api.md and the Kubernetes
/// function split (HTTP functions in pipeline-functions-http, the rest in pipeline-functions).</summary>
public sealed class FunctionRoutesTests(ITestOutputHelper output)
{
    private const string HttpListFile = "infra/k8s/base/functions-http.env";
    private const string NonHttpListFile = "infra/k8s/base/functions-nonhttp.env";

    [SkippableFact]
    public void Routes_in_functions_metadata_match_the_routes_documented_in_docs_api_md()
    {
        Skip.IfNot(RepoFiles.Exists(ApiDocRoutes.Path), $"{ApiDocRoutes.Path} does not exist yet (the lead writes it)");
        var functions = FunctionsMetadata.Load();
        var fromMetadata = functions.Where(f => f.IsHttp)
            .SelectMany(f => (f.Methods.Count == 0 ? ["GET", "POST", "PUT", "PATCH", "DELETE"] : f.Methods)
                .Select(m => $"{m} {FunctionsMetadata.NormalizeRoute(f.Route ?? f.Name)}"))
            .ToHashSet(StringComparer.Ordinal);
        var documented = ApiDocRoutes.Load();
        output.WriteLine($"{fromMetadata.Count} method+route pairs in functions.metadata, {documented.Count} in {ApiDocRoutes.Path}");
        var undocumented = fromMetadata.Except(documented).Order().ToList();
        var notImplemented = documented.Except(fromMetadata).Order().ToList();
        var report = new StringBuilder();
        if (undocumented.Count > 0) report.AppendLine("In functions.metadata but not in docs/api.md:").AppendLine(string.Join("\n", undocumented.Select(r => "  " + r)));
        if (notImplemented.Count > 0) report.AppendLine("In docs/api.md but no Functions HTTP trigger:").AppendLine(string.Join("\n", notImplemented.Select(r => "  " + r)));
        Assert.True(report.Length == 0, report.ToString());
    }

    [Fact]
    public void Kubernetes_function_lists_split_functions_metadata_like_func_kubernetes_deploy()
    {
        var functions = FunctionsMetadata.Load();
        var health = functions.Where(f => f.IsHttp && FunctionsMetadata.NormalizeRoute(f.Route ?? "") is "/api/health" or "/api/health/live" or "/api/health/ready")
            .Select(f => f.Name).ToList();
        var http = functions.Where(f => f.IsHttp).Select(f => f.Name).Order(StringComparer.Ordinal).ToList();
        // The health functions run in both deployments so both can be probed on /api/health/live and /api/health/ready.
        var nonHttp = functions.Where(f => !f.IsHttp).Select(f => f.Name).Concat(health).Order(StringComparer.Ordinal).ToList();
        var expectedHttp = Render(HttpListFile, http);
        var expectedNonHttp = Render(NonHttpListFile, nonHttp);
        if (Environment.GetEnvironmentVariable("PIPELINE_UPDATE_FUNCTION_LISTS") == "1")
        {
            File.WriteAllText(RepoFiles.PathOf(HttpListFile), expectedHttp);
            File.WriteAllText(RepoFiles.PathOf(NonHttpListFile), expectedNonHttp);
            output.WriteLine("function lists rewritten from functions.metadata");
        }
        output.WriteLine($"{http.Count} HTTP, {nonHttp.Count} non-HTTP (incl. health) functions");
        Assert.True(expectedHttp == RepoFiles.Read(HttpListFile) && expectedNonHttp == RepoFiles.Read(NonHttpListFile),
            $"{HttpListFile} / {NonHttpListFile} differ from functions.metadata. Regenerate them with\n" +
            "  PIPELINE_UPDATE_FUNCTION_LISTS=1 dotnet test tests/Pipeline.UnitTests --filter FullyQualifiedName~Kubernetes_function_lists\n" +
            $"Expected HTTP: {string.Join(", ", http)}\nExpected non-HTTP: {string.Join(", ", nonHttp)}");
    }

    [Fact]
    public void Metadata_parser_reads_names_triggers_routes_and_methods()
    {
        var parsed = FunctionsMetadata.Parse("""
            [{"name":"Webhook","scriptFile":"Pipeline.Functions.dll","bindings":[{"name":"req","direction":"In","type":"httpTrigger","authLevel":"Anonymous","methods":["post"],"route":"github/webhooks"},{"name":"$return","type":"http","direction":"Out"}]},
             {"name":"Poll","bindings":[{"name":"t","direction":"In","type":"timerTrigger","schedule":"%Poller:Schedule%"}]}]
            """);
        Assert.Equal(2, parsed.Count);
        Assert.True(parsed[0].IsHttp);
        Assert.Equal(["POST"], parsed[0].Methods);
        Assert.Equal("/api/github/webhooks", FunctionsMetadata.NormalizeRoute(parsed[0].Route!));
        Assert.Equal("timerTrigger", parsed[1].TriggerType);
        Assert.Equal("/api/events/{}", FunctionsMetadata.NormalizeRoute("events/{id:int}"));
    }

    private static string Render(string file, IReadOnlyList<string> names)
    {
        var header = RepoFiles.Read(file).Split('\n').TakeWhile(l => l.StartsWith('#')).ToList();
        var sb = new StringBuilder();
        foreach (var line in header) sb.Append(line).Append('\n');
        for (var i = 0; i < names.Count; i++) sb.Append($"AzureFunctionsJobHost__functions__{i}={names[i]}\n");
        return sb.ToString();
    }
}
