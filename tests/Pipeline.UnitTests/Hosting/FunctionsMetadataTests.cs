using System.Text.Json;
using Pipeline.Embedded;

namespace Pipeline.UnitTests.Hosting;

/// <summary>
/// Checks the functions.metadata that the Functions Worker SDK generates at build time — what the real Functions host reads —
/// against the function table we promise: names, trigger types, routes, methods and authorization levels.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private sealed record Expected(string Trigger, string? Route = null, string? AuthLevel = null, string[]? Methods = null);

    // Every function of the app: the durable tasks come from their one list (PipelineDurable.Tasks); HTTP routes are
    // relative to host.json's "api" prefix.
    private static readonly Dictionary<string, Expected> ExpectedFunctions = new Dictionary<string, Expected>(
        Pipeline.Orchestration.PipelineDurable.Tasks.Select(t => KeyValuePair.Create(t.Name,
            new Expected(t.Kind == Pipeline.Orchestration.DurableTaskKind.Orchestrator ? "orchestrationTrigger" : "activityTrigger"))))
    {
        ["AuditChart"] = new("httpTrigger", "audit/{id}/charts/{name}", "Function", ["get"]),
        ["AuditDashboard"] = new("httpTrigger", "dashboard/audit", "Anonymous", ["get"]),
        ["AuditList"] = new("httpTrigger", "audit", "Function", ["get"]),
        ["AuditStart"] = new("httpTrigger", "audit", "Function", ["post"]),
        ["AuditStatus"] = new("httpTrigger", "audit/{id}", "Function", ["get"]),
        ["BackfillStatus"] = new("httpTrigger", "backfill/{instanceId}", "Function", ["get"]),
        ["GetAggregation"] = new("httpTrigger", "jobs/aggregate/{id}", "Function", ["get"]),
        ["GetDashboard"] = new("httpTrigger", "dashboard", "Anonymous", ["get"]),
        ["GetDashboardAsset"] = new("httpTrigger", "dashboard/assets/{file}", "Anonymous", ["get"]),
        ["GetJobsDashboard"] = new("httpTrigger", "dashboard/jobs", "Anonymous", ["get"]),
        ["GetEvent"] = new("httpTrigger", "events/{id}", "Function", ["get"]),
        ["GetJobRuns"] = new("httpTrigger", "jobs/runs", "Anonymous", ["get"]),
        ["GetModel"] = new("httpTrigger", "models/{name}", "Anonymous", ["get"]),
        ["GetModelMonitorReports"] = new("httpTrigger", "models/{name}/monitor", "Anonymous", ["get"]),
        ["GetModelVersion"] = new("httpTrigger", "models/{name}/versions/{version:int}", "Anonymous", ["get"]),
        ["GetRetrainRun"] = new("httpTrigger", "models/{name}/retrain/{instanceId}", "Anonymous", ["get"]),
        ["GetTrend"] = new("httpTrigger", "trends/{metric}", "Anonymous", ["get"]),
        ["GetTrendDimensions"] = new("httpTrigger", "trends/dimensions", "Anonymous", ["get"]),
        ["GitHubWebhook"] = new("httpTrigger", "github/webhooks", "Anonymous", ["post"]),
        ["Health"] = new("httpTrigger", "health", "Anonymous", ["get"]),
        ["HealthLive"] = new("httpTrigger", "health/live", "Anonymous", ["get"]),
        ["HealthReady"] = new("httpTrigger", "health/ready", "Anonymous", ["get"]),
        ["AuditReport"] = new("httpTrigger", "audit/{id}/report", "Function", ["get"]),
        ["IngestionStatus"] = new("httpTrigger", "ingestion/status", "Anonymous", ["get"]),
        ["ListEvents"] = new("httpTrigger", "events", "Function", ["get"]),
        ["ListModels"] = new("httpTrigger", "models", "Anonymous", ["get"]),
        ["Metrics"] = new("httpTrigger", "metrics", "Anonymous", ["get"]),
        ["PredictIssue"] = new("httpTrigger", "predict/issue", "Function", ["post"]),
        ["PredictIssues"] = new("httpTrigger", "predict/issues", "Function", ["post"]),
        ["RetrainModel"] = new("httpTrigger", "models/{name}/retrain", "Function", ["post"]),
        ["SetModelChampion"] = new("httpTrigger", "models/{name}/aliases/champion", "Function", ["post"]),
        ["StartAggregation"] = new("httpTrigger", "jobs/aggregate", "Function", ["post"]),
        ["StartBackfill"] = new("httpTrigger", "backfill", "Function", ["post"]),
        ["ListBackfillInstances"] = new("httpTrigger", "backfill", "Function", ["get"]),
        ["TerminateBackfill"] = new("httpTrigger", "backfill/{instanceId}/terminate", "Function", ["post"]),
        ["RaiseEventBackfill"] = new("httpTrigger", "backfill/{instanceId}/raiseEvent/{eventName}", "Function", ["post"]),
        ["RewindBackfill"] = new("httpTrigger", "backfill/{instanceId}/rewind", "Function", ["post"]),
        ["PurgeBackfill"] = new("httpTrigger", "backfill/{instanceId}", "Function", ["delete"]),
        ["ListAggregationInstances"] = new("httpTrigger", "jobs/aggregate", "Function", ["get"]),
        ["TerminateAggregation"] = new("httpTrigger", "jobs/aggregate/{instanceId}/terminate", "Function", ["post"]),
        ["RaiseEventAggregation"] = new("httpTrigger", "jobs/aggregate/{instanceId}/raiseEvent/{eventName}", "Function", ["post"]),
        ["RewindAggregation"] = new("httpTrigger", "jobs/aggregate/{instanceId}/rewind", "Function", ["post"]),
        ["PurgeAggregation"] = new("httpTrigger", "jobs/aggregate/{instanceId}", "Function", ["delete"]),
        ["ListRetrainInstances"] = new("httpTrigger", "models/{name}/retrain", "Function", ["get"]),
        ["TerminateRetrain"] = new("httpTrigger", "models/{name}/retrain/{instanceId}/terminate", "Function", ["post"]),
        ["RaiseEventRetrain"] = new("httpTrigger", "models/{name}/retrain/{instanceId}/raiseEvent/{eventName}", "Function", ["post"]),
        ["RewindRetrain"] = new("httpTrigger", "models/{name}/retrain/{instanceId}/rewind", "Function", ["post"]),
        ["PurgeRetrain"] = new("httpTrigger", "models/{name}/retrain/{instanceId}", "Function", ["delete"]),
        ["TerminateAudit"] = new("httpTrigger", "audit/{instanceId}/terminate", "Function", ["post"]),
        ["RaiseEventAudit"] = new("httpTrigger", "audit/{instanceId}/raiseEvent/{eventName}", "Function", ["post"]),
        ["RewindAudit"] = new("httpTrigger", "audit/{instanceId}/rewind", "Function", ["post"]),
        ["PurgeAudit"] = new("httpTrigger", "audit/{instanceId}", "Function", ["delete"]),
        ["GetModelRunsDashboard"] = new("httpTrigger", "dashboard/runs", "Anonymous", ["get"]),
        ["GetModelDriftDashboard"] = new("httpTrigger", "dashboard/drift", "Anonymous", ["get"]),
        ["ListModelRuns"] = new("httpTrigger", "models/{name}/runs", "Anonymous", ["get"]),
        ["GetModelRun"] = new("httpTrigger", "models/{name}/runs/{id}", "Anonymous", ["get"]),
        ["AggregateTrendsTimer"] = new("timerTrigger"),
        ["GitHubPoller"] = new("timerTrigger"),
        ["GitHubRedeliveryTimer"] = new("timerTrigger"),
        ["MonitorModelsTimer"] = new("timerTrigger"),
        ["RetrainModelsTimer"] = new("timerTrigger"),
    };

    internal static JsonElement[] LoadMetadata()
    {
        // The test assembly lives in tests/Pipeline.UnitTests/bin/<Configuration>/net10.0/; the app builds to the same configuration.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(RepositoryPaths.FindRoot(), "functions", "Pipeline.Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"functions.metadata not found at {path}: build functions/Pipeline.Functions first");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static JsonElement TriggerBinding(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Single(b =>
            b.GetProperty("direction").GetString() == "In" && b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    [Fact]
    public void Every_generated_function_is_expected_and_every_expected_function_is_generated()
    {
        var names = LoadMetadata().Select(f => f.GetProperty("name").GetString()!).ToHashSet();
        var unexpected = names.Except(ExpectedFunctions.Keys).OrderBy(n => n).ToList();
        var missing = ExpectedFunctions.Keys.Except(names).OrderBy(n => n).ToList();
        Assert.True(unexpected.Count == 0 && missing.Count == 0,
            $"unexpected: [{string.Join(", ", unexpected)}]; missing: [{string.Join(", ", missing)}]");
    }

    [Fact]
    public void Each_function_has_the_expected_trigger_route_methods_and_authorization_level()
    {
        var failures = new List<string>();
        foreach (var function in LoadMetadata())
        {
            var name = function.GetProperty("name").GetString()!;
            if (!ExpectedFunctions.TryGetValue(name, out var expected))
            {
                continue; // reported by the other test
            }
            var trigger = TriggerBinding(function);
            var type = trigger.GetProperty("type").GetString();
            if (type != expected.Trigger)
            {
                failures.Add($"{name}: trigger {type}, expected {expected.Trigger}");
                continue;
            }
            if (type != "httpTrigger")
            {
                continue;
            }
            var route = trigger.TryGetProperty("route", out var r) ? r.GetString() : null;
            var auth = trigger.TryGetProperty("authLevel", out var a) ? a.GetString() : null;
            var methods = trigger.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!.ToLowerInvariant()).OrderBy(x => x).ToArray() : [];
            if (route != expected.Route) failures.Add($"{name}: route '{route}', expected '{expected.Route}'");
            if (auth != expected.AuthLevel) failures.Add($"{name}: authLevel {auth}, expected {expected.AuthLevel}");
            if (!methods.SequenceEqual(expected.Methods!.OrderBy(x => x))) failures.Add($"{name}: methods [{string.Join(",", methods)}], expected [{string.Join(",", expected.Methods!)}]");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}

/// <summary>The local host enforces Host:FunctionKey on exactly the routes that are function-key protected in Azure.</summary>
public sealed class LocalFunctionKeyRoutesTests
{
    [Fact]
    public void Local_key_protected_routes_equal_the_Function_level_http_triggers()
    {
        var functionLevel = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var function in FunctionsMetadataTests.LoadMetadata())
        {
            foreach (var binding in function.GetProperty("bindings").EnumerateArray())
            {
                if (binding.GetProperty("type").GetString() == "httpTrigger" && binding.GetProperty("authLevel").GetString() == "Function")
                {
                    foreach (var method in binding.GetProperty("methods").EnumerateArray())
                    {
                        functionLevel.Add(Pipeline.LocalHost.FunctionKeyRoutes.Normalize(method.GetString()!, "api/" + binding.GetProperty("route").GetString()));
                    }
                }
            }
        }
        Assert.Equal(functionLevel.OrderBy(x => x), Pipeline.LocalHost.FunctionKeyRoutes.All.OrderBy(x => x));
    }

    [Theory]
    [InlineData("GET", "/api/models/{name}/runs/{instanceId}", false)]
    [InlineData("GET", "/api/trends/{metric}", false)]
    [InlineData("GET", "/api/audit/{id}", true)]
    [InlineData("post", "/api/models/{name}/retrain", true)]
    [InlineData("GET", "/api/models/{name}/versions/{version:int}", false)]
    public void Route_templates_are_matched_whatever_their_parameter_names(string method, string template, bool expected)
    {
        Assert.Equal(expected, Pipeline.LocalHost.FunctionKeyRoutes.Requires(method, template));
    }
}
